#!/usr/bin/env bash
# Builds, serves and tests the MNIST autoencoder demo.
#
#   ./build.sh            build the deployable site into dist/
#   ./build.sh serve      build it, then serve dist/ on http://127.0.0.1:8000 (PORT=… to change)
#   ./build.sh test       run every test: the native Rust tests, then the browser tests
#   ./build.sh native     run the native Rust tests only
#   ./build.sh browser    run the browser tests only
#   ./build.sh bench      build the site, then benchmark it against TensorFlow.js
#                         (see docs/benchmarks.md; takes tens of minutes without a GPU)
#
# It installs what is missing, and only that: the wasm32 target,
# wasm-bindgen-cli at the version in Cargo.lock, the npm packages from
# package-lock.json, and Debian's chromium for the browser tests.
#
# Cargo builds into $CARGO_TARGET_DIR, by default a folder under ~/.cache
# that outlives the clone, so a second run reuses the compiled Burn crates.
set -euo pipefail
cd "$(dirname "$0")"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/mnist-autoencoder/target}"
WASM_TARGET=wasm32-unknown-unknown
CRATE=mnist_autoencoder

log() { printf '\n==> %s\n' "$*" >&2; }

ensure_wasm_target() {
    if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
        log "installing the $WASM_TARGET target"
        rustup target add "$WASM_TARGET"
    fi
}

# The CLI must match the wasm-bindgen crate exactly, which Cargo.lock pins.
ensure_wasm_bindgen() {
    local version
    version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
    if [[ -z "$version" ]]; then
        echo "error: wasm-bindgen is missing from Cargo.lock; run cargo build --target $WASM_TARGET first" >&2
        exit 1
    fi
    if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $version" ]]; then
        log "installing wasm-bindgen-cli $version (takes a few minutes, once)"
        cargo install wasm-bindgen-cli --version "$version"
    fi
}

ensure_npm_packages() {
    local stamp=node_modules/.package-lock.sha256
    local sum
    sum=$(sha256sum package-lock.json | cut -d' ' -f1)
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$sum" ]]; then
        log "installing npm packages (npm ci)"
        npm ci --no-audit --no-fund
        echo "$sum" > "$stamp"
    fi
}

find_chromium() {
    command -v chromium || command -v chromium-browser || command -v google-chrome || true
}

ensure_chromium() {
    if [[ -z "${CHROMIUM:-}" && -z "$(find_chromium)" ]]; then
        log "installing Debian's chromium for the browser tests"
        if [[ $(id -u) -eq 0 ]]; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
        else
            sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
        fi
    fi
}

# Shrinks the wasm with wasm-opt when a recent enough one is installed.
# Binaryen 108 (Debian 12's) rewrites wasm-bindgen's externref table into a
# module that fails to instantiate, so older versions are skipped.
optimise_wasm() {
    local wasm=$1 version
    command -v wasm-opt > /dev/null || return 0
    version=$(wasm-opt --version | grep -o '[0-9]\+' | head -1)
    if (( version < 118 )); then
        echo "note: skipping wasm-opt $version; version 118 or later is needed" >&2
        return 0
    fi
    log "optimising the wasm with wasm-opt $version"
    if wasm-opt -O3 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
        --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
        "$wasm" -o "$wasm.opt"; then
        mv "$wasm.opt" "$wasm"
    else
        echo "warning: wasm-opt failed; keeping the unoptimised wasm" >&2
        rm -f "$wasm.opt"
    fi
}

# build_wasm PROFILE OUT_DIR [CARGO_FLAGS...]: one wasm build and its JS glue.
build_wasm() {
    local profile=$1 out=$2
    shift 2
    cargo build --locked --lib --target "$WASM_TARGET" --profile "$profile" "$@"
    mkdir -p "$out"
    wasm-bindgen --target web --no-typescript --out-dir "$out" \
        "$CARGO_TARGET_DIR/$WASM_TARGET/$profile/$CRATE.wasm"
    if [[ "$profile" == web ]]; then
        optimise_wasm "$out/${CRATE}_bg.wasm"
    fi
}

# build_site PROFILE OUT_DIR: the page, its libraries and two wasm builds,
# with relative URLs only, in one folder. pkg/ is the CPU-only build that
# every visitor loads. pkg-webgpu/ adds the WebGPU backend, and the page
# fetches it only for a hardware WebGPU adapter or when WebGPU is chosen.
build_site() {
    local profile=$1 out=$2
    ensure_wasm_target
    ensure_wasm_bindgen
    ensure_npm_packages

    rm -rf "$out"
    mkdir -p "$out/vendor"
    log "building the CPU-only wasm (profile $profile)"
    build_wasm "$profile" "$out/pkg" --no-default-features
    log "building the WebGPU wasm (profile $profile)"
    build_wasm "$profile" "$out/pkg-webgpu"

    cp -R www/. "$out/"
    cp node_modules/uplot/dist/uPlot.esm.js node_modules/uplot/dist/uPlot.min.css "$out/vendor/"
    cp node_modules/uplot/LICENSE "$out/vendor/uPlot.LICENSE" 2> /dev/null || true
    log "site ready in $out ($(du -sh "$out" | cut -f1))"
}

native_tests() {
    log "native tests (cargo test, target dir $CARGO_TARGET_DIR)"
    cargo test --locked
}

browser_tests() {
    build_site web-test dist-test
    ensure_chromium
    log "browser tests (headless Chromium, WebGPU on SwiftShader where there is no GPU)"
    SITE_DIR="$PWD/dist-test" CHROMIUM="${CHROMIUM:-$(find_chromium)}" npm test
}

command="${1:-build}"
case "$command" in
    build)
        build_site web dist
        ;;
    serve)
        build_site web dist
        port="${PORT:-8000}"
        log "serving dist/ on http://127.0.0.1:$port/ (Ctrl-C to stop)"
        exec python3 -m http.server "$port" --bind 127.0.0.1 --directory dist
        ;;
    native)
        native_tests
        ;;
    browser)
        browser_tests
        ;;
    test)
        native_tests
        browser_tests
        ;;
    bench)
        build_site web dist
        ensure_chromium
        log "building the native trainer for its seconds per epoch"
        cargo build --locked --bin autoencoder
        log "benchmark in headless Chromium (this demo and TensorFlow.js, interleaved)"
        # PyTorch is timed on the same recipe when PYTHON (default python3) has torch and numpy.
        python="${PYTHON:-python3}"
        pytorch_python=""
        if "$python" -c 'import torch, numpy' 2> /dev/null; then
            pytorch_python=$(command -v "$python")
        else
            echo "note: $python has no torch and numpy, so PyTorch is not timed; pip install torch numpy, or set PYTHON" >&2
        fi
        SITE_DIR="$PWD/dist" CHROMIUM="${CHROMIUM:-$(find_chromium)}" NATIVE_BIN="$CARGO_TARGET_DIR/debug/autoencoder" \
            PYTORCH_PYTHON="$pytorch_python" node bench/run.mjs
        ;;
    *)
        echo "unknown command: $command (expected build, serve, test, native, browser or bench)" >&2
        exit 2
        ;;
esac
