//! Inference with a trained autoencoder: reconstruction, denoising and
//! interpolation between bottleneck codes. Images go in and out as flat
//! `f32` slices of 784 values per image, pixels in [0, 1]; every result is
//! read from the device asynchronously, so these run on browser WebGPU too.

use burn::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};
use thiserror::Error;

use crate::model::{Autoencoder, IMAGE_PIXELS};

/// Largest number of interpolation steps accepted, so a typo cannot ask
/// for millions of frames.
pub const MAX_INTERPOLATION_STEPS: usize = 256;

/// A reason an inference request was rejected.
#[derive(Debug, Error, PartialEq)]
pub enum InferenceError {
    #[error("image data has {found} values, expected a non-empty multiple of {IMAGE_PIXELS} (28×28 per image)")]
    WrongLength { found: usize },
    #[error("pixel {index} is {value}, but pixels must be in [0, 1]")]
    OutOfRange { index: usize, value: f32 },
    #[error("noise level σ = {sigma} is invalid, it must be a finite number ≥ 0")]
    BadSigma { sigma: f32 },
    #[error("interpolation needs between 1 and {MAX_INTERPOLATION_STEPS} steps, got {steps}")]
    BadSteps { steps: usize },
    #[error("reading the result from the device failed: {0}")]
    Read(String),
}

/// A noisy copy of some images and the model's reconstruction of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Denoised {
    /// The inputs plus Gaussian noise, clamped to [0, 1].
    pub noisy: Vec<f32>,
    /// The model's output for the noisy images.
    pub denoised: Vec<f32>,
}

/// Reconstructs images: `decode(encode(images))`. `images` contains 784
/// values per image, and so does the result.
pub async fn reconstruct(
    model: &Autoencoder,
    images: &[f32],
    device: &Device,
) -> Result<Vec<f32>, InferenceError> {
    let input = to_tensor(images, device)?;
    read(model.forward(input)).await
}

/// Encodes images into bottleneck codes, `bottleneck` values per image.
pub async fn encode(
    model: &Autoencoder,
    images: &[f32],
    device: &Device,
) -> Result<Vec<f32>, InferenceError> {
    let input = to_tensor(images, device)?;
    read(model.encode(input)).await
}

/// Adds Gaussian noise of standard deviation `sigma` (in pixel units, where
/// 1 is full ink) and clamps the result to [0, 1]. The same seed gives the
/// same noise.
pub fn add_noise(images: &[f32], sigma: f32, seed: u64) -> Result<Vec<f32>, InferenceError> {
    if !(sigma.is_finite() && sigma >= 0.0) {
        return Err(InferenceError::BadSigma { sigma });
    }
    check_images(images)?;
    if sigma == 0.0 {
        return Ok(images.to_vec());
    }

    let normal = Normal::new(0.0f32, sigma).map_err(|_| InferenceError::BadSigma { sigma })?;
    let mut rng = StdRng::seed_from_u64(seed);
    Ok(images
        .iter()
        .map(|&pixel| (pixel + normal.sample(&mut rng)).clamp(0.0, 1.0))
        .collect())
}

/// Adds noise as [`add_noise`] does and runs the model on the noisy images.
pub async fn denoise(
    model: &Autoencoder,
    images: &[f32],
    sigma: f32,
    seed: u64,
    device: &Device,
) -> Result<Denoised, InferenceError> {
    let noisy = add_noise(images, sigma, seed)?;
    let denoised = reconstruct(model, &noisy, device).await?;
    Ok(Denoised { noisy, denoised })
}

/// Decodes the codes on the straight line between the codes of images `a`
/// and `b`: `code_i = code_a + (i / steps) · (code_b − code_a)` for
/// `i = 0..=steps`. Returns `steps + 1` frames of 784 values, both ends
/// included, frame 0 first.
pub async fn interpolate(
    model: &Autoencoder,
    a: &[f32],
    b: &[f32],
    steps: usize,
    device: &Device,
) -> Result<Vec<f32>, InferenceError> {
    if steps == 0 || steps > MAX_INTERPOLATION_STEPS {
        return Err(InferenceError::BadSteps { steps });
    }
    for image in [a, b] {
        if image.len() != IMAGE_PIXELS {
            return Err(InferenceError::WrongLength { found: image.len() });
        }
    }

    let pair: Vec<f32> = a.iter().chain(b).copied().collect();
    let codes = model.encode(to_tensor(&pair, device)?);
    let code_a = codes.clone().slice([0..1]);
    let code_b = codes.slice([1..2]);

    let fractions: Vec<f32> = (0..=steps).map(|i| i as f32 / steps as f32).collect();
    let fractions = Tensor::<2>::from_data(TensorData::new(fractions, [steps + 1, 1]), device);
    let path = code_a.clone() + fractions * (code_b - code_a);
    read(model.decode(path)).await
}

/// Checks that `images` is a non-empty list of 784-value images with pixels
/// in [0, 1].
pub fn check_images(images: &[f32]) -> Result<(), InferenceError> {
    if images.is_empty() || images.len() % IMAGE_PIXELS != 0 {
        return Err(InferenceError::WrongLength { found: images.len() });
    }
    if let Some((index, &value)) = images
        .iter()
        .enumerate()
        .find(|(_, value)| !(0.0..=1.0).contains(*value))
    {
        return Err(InferenceError::OutOfRange { index, value });
    }
    Ok(())
}

/// Mean squared error between two equally long images or image lists.
///
/// # Panics
/// When the lengths differ or are zero.
pub fn mse(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "images differ in length");
    assert!(!a.is_empty(), "images are empty");
    let sum: f64 = a.iter().zip(b).map(|(x, y)| f64::from(x - y).powi(2)).sum();
    (sum / a.len() as f64) as f32
}

fn to_tensor(images: &[f32], device: &Device) -> Result<Tensor<2>, InferenceError> {
    check_images(images)?;
    let count = images.len() / IMAGE_PIXELS;
    Ok(Tensor::from_data(TensorData::new(images.to_vec(), [count, IMAGE_PIXELS]), device))
}

async fn read(tensor: Tensor<2>) -> Result<Vec<f32>, InferenceError> {
    tensor
        .into_data_async()
        .await
        .map_err(|error| InferenceError::Read(format!("{error:?}")))?
        .try_into_vec::<f32>()
        .map_err(|error| InferenceError::Read(format!("{error:?}")))
}
