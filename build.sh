#!/usr/bin/env bash
# Builds, serves and tests the MNIST autoencoder demo.
#
#   ./build.sh          build the deployable site into dist/
#   ./build.sh serve    build, then serve dist/ on http://127.0.0.1:8000 (PORT=… to change)
#   ./build.sh test     run every test: the native Rust tests, then the browser tests
#   ./build.sh native   run the native Rust tests only
#
# Cargo builds into $CARGO_TARGET_DIR, by default a folder under ~/.cache
# that outlives the clone, so a second run reuses the compiled Burn crates.
set -euo pipefail
cd "$(dirname "$0")"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/mnist-autoencoder/target}"

log() { printf '\n==> %s\n' "$*" >&2; }

native_tests() {
    log "native tests (cargo test, target dir $CARGO_TARGET_DIR)"
    cargo test --locked
}

command="${1:-build}"
case "$command" in
    native)
        native_tests
        ;;
    test)
        native_tests
        ;;
    *)
        echo "unknown command: $command (expected build, serve, test or native)" >&2
        exit 2
        ;;
esac
