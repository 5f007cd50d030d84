//! Native command line: builds the MNIST shards, trains the autoencoder and
//! draws the figures of its reconstruction, denoising and interpolation.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::run()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
