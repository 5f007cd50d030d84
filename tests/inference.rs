//! Noise, denoising and input checks of the inference functions.

mod common;

use burn::prelude::*;
use mnist_autoencoder::data::Split;
use mnist_autoencoder::inference::{self, InferenceError, add_noise, mse};
use mnist_autoencoder::model::AutoencoderConfig;

#[test]
fn noise_reproducible_and_clamped() {
    let test = common::load(Split::Test, 1);
    let image = test.image(0);

    let first = add_noise(&image, 0.3, 11).unwrap();
    let again = add_noise(&image, 0.3, 11).unwrap();
    let other = add_noise(&image, 0.3, 12).unwrap();
    assert_eq!(first, again);
    assert_ne!(first, other);
    assert!(first.iter().all(|v| (0.0..=1.0).contains(v)));
    assert!(first.iter().any(|v| *v == 0.0) && first.iter().any(|v| *v == 1.0), "large noise hits both clamps");

    // Before clamping the noise has standard deviation σ: on mid-grey pixels,
    // where clamping is rare, the measured deviation is close to 0.1.
    let grey = vec![0.5f32; 784 * 20];
    let noisy = add_noise(&grey, 0.1, 5).unwrap();
    let deviation = mse(&grey, &noisy).sqrt();
    assert!((deviation - 0.1).abs() < 0.005, "measured σ {deviation}");

    assert_eq!(add_noise(&image, 0.0, 1).unwrap(), image);
}

#[test]
fn noise_rejects_bad_input() {
    let image = vec![0.5f32; 784];
    assert_eq!(add_noise(&image, -0.1, 0), Err(InferenceError::BadSigma { sigma: -0.1 }));
    assert!(matches!(add_noise(&image, f32::NAN, 0), Err(InferenceError::BadSigma { .. })));
    assert_eq!(add_noise(&image[..100], 0.1, 0), Err(InferenceError::WrongLength { found: 100 }));
    let mut bright = image.clone();
    bright[3] = 1.5;
    assert_eq!(add_noise(&bright, 0.1, 0), Err(InferenceError::OutOfRange { index: 3, value: 1.5 }));
}

#[test]
fn denoise_returns_noisy_and_output() {
    let device = Device::flex();
    let model = AutoencoderConfig::new().init(&device);
    let test = common::load(Split::Test, 1);
    let images: Vec<f32> = test.image(0).into_iter().chain(test.image(1)).collect();

    let result = pollster::block_on(inference::denoise(&model, &images, 0.3, 9, &device)).unwrap();
    assert_eq!(result.noisy, add_noise(&images, 0.3, 9).unwrap());
    assert_eq!(result.denoised.len(), 2 * 784);
    let direct = pollster::block_on(inference::reconstruct(&model, &result.noisy, &device)).unwrap();
    assert_eq!(result.denoised, direct);
}
