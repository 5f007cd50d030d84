//! `autoencoder test`: the reconstruction, denoising and interpolation
//! figures of a trained model, as PNGs.

use std::path::{Path, PathBuf};

use clap::Args;
use image::{GrayImage, Luma, imageops};
use mnist_autoencoder::inference::{self, mse};
use mnist_autoencoder::weights;

use super::CliResult;
use super::device::{self, DeviceChoice};

#[derive(Debug, Args)]
pub struct FiguresArgs {
    /// Weights file written by `autoencoder train`.
    #[arg(short, long, default_value = "www/weights/pretrained.bin")]
    weights: PathBuf,
    /// Test image to reconstruct and denoise.
    #[arg(long, default_value_t = 0)]
    index: usize,
    /// Standard deviation of the Gaussian noise, in pixel units (1 = full ink).
    #[arg(long, default_value_t = 0.3)]
    sigma: f32,
    /// Seed of the noise.
    #[arg(long, default_value_t = 0)]
    noise_seed: u64,
    /// Test image at the start of the interpolation (default: a 7).
    #[arg(long, default_value_t = 0)]
    from: usize,
    /// Test image at the end of the interpolation (default: a 0).
    #[arg(long, default_value_t = 3)]
    to: usize,
    /// Interpolation steps; the strip has steps + 1 frames.
    #[arg(long, default_value_t = 10)]
    steps: usize,
    /// Folder to write reconstruction.png, denoising.png and interpolation.png to.
    #[arg(short, long, default_value = "figures")]
    out: PathBuf,
    /// Folder with manifest.json and the shards.
    #[arg(long, default_value_os_t = super::default_data_dir())]
    data: PathBuf,
    /// Device to run on.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Cpu)]
    device: DeviceChoice,
}

/// Pixels per image pixel in the figures.
const ZOOM: u32 = 8;
/// Gap between panels in figure pixels.
const GAP: u32 = 8;

pub fn run(args: FiguresArgs) -> CliResult {
    let (_, test) = super::data::load_splits(&args.data)?;
    for index in [args.index, args.from, args.to] {
        if index >= test.len() {
            return Err(format!("test index {index} is out of range, there are {} test images", test.len()));
        }
    }
    let (device, _) = device::open(args.device)?;
    let bytes = std::fs::read(&args.weights).map_err(|error| format!("cannot read {}: {error}", args.weights.display()))?;
    let model = weights::from_bytes(&bytes, &device).map_err(|error| format!("{}: {error}", args.weights.display()))?;
    std::fs::create_dir_all(&args.out).map_err(|error| format!("cannot create {}: {error}", args.out.display()))?;
    let failed = |error: inference::InferenceError| error.to_string();

    let test_mse = pollster::block_on(mnist_autoencoder::train::evaluate(&model, &test, 2048, &device))
        .map_err(|error| error.to_string())?;
    let all: Vec<f32> = (0..test.len()).flat_map(|index| test.image(index)).collect();
    let codes = pollster::block_on(inference::encode(&model, &all, &device)).map_err(failed)?;
    let bottleneck = model.bottleneck();
    let active = (0..bottleneck)
        .filter(|unit| codes.iter().skip(*unit).step_by(bottleneck).any(|value| *value > 0.0))
        .count();
    println!(
        "test MSE {test_mse:.5} over {} images; {active} of {bottleneck} bottleneck units are non-zero for some test image",
        test.len()
    );

    let original = test.image(args.index);
    let reconstruction = pollster::block_on(inference::reconstruct(&model, &original, &device)).map_err(failed)?;
    save_strip(&args.out.join("reconstruction.png"), &[&original, &reconstruction])?;
    println!(
        "test image {} (a {}): reconstruction MSE {:.5}",
        args.index,
        test.label(args.index),
        mse(&original, &reconstruction)
    );

    let denoised = pollster::block_on(inference::denoise(&model, &original, args.sigma, args.noise_seed, &device))
        .map_err(failed)?;
    save_strip(&args.out.join("denoising.png"), &[&original, &denoised.noisy, &denoised.denoised])?;
    println!(
        "σ = {}: noisy MSE {:.5}, denoised MSE {:.5}",
        args.sigma,
        mse(&original, &denoised.noisy),
        mse(&original, &denoised.denoised)
    );

    let frames = pollster::block_on(inference::interpolate(
        &model,
        &test.image(args.from),
        &test.image(args.to),
        args.steps,
        &device,
    ))
    .map_err(failed)?;
    let frames: Vec<&[f32]> = frames.chunks(28 * 28).collect();
    save_strip(&args.out.join("interpolation.png"), &frames)?;
    println!(
        "interpolation from test image {} (a {}) to {} (a {}): {} frames",
        args.from,
        test.label(args.from),
        args.to,
        test.label(args.to),
        frames.len()
    );
    println!("figures written to {}", args.out.display());
    Ok(())
}

/// Saves 28×28 images in [0, 1] side by side, white ink on black as MNIST
/// is usually shown, each enlarged `ZOOM` times.
fn save_strip(path: &Path, images: &[&[f32]]) -> CliResult {
    let side = 28 * ZOOM;
    let count = images.len() as u32;
    let mut strip = GrayImage::from_pixel(count * side + (count + 1) * GAP, side + 2 * GAP, Luma([128]));
    for (slot, image) in images.iter().enumerate() {
        let small = GrayImage::from_fn(28, 28, |x, y| {
            Luma([(image[(y * 28 + x) as usize].clamp(0.0, 1.0) * 255.0).round() as u8])
        });
        let large = imageops::resize(&small, side, side, imageops::FilterType::Nearest);
        imageops::replace(&mut strip, &large, i64::from(GAP + slot as u32 * (side + GAP)), i64::from(GAP));
    }
    strip.save(path).map_err(|error| format!("cannot write {}: {error}", path.display()))
}
