//! The autoencoder's architecture, outputs, interpolation and weights files.

mod common;

use burn::prelude::*;
use mnist_autoencoder::inference::{self, mse};
use mnist_autoencoder::model::{AutoencoderConfig, IMAGE_PIXELS};
use mnist_autoencoder::weights::{self, Precision, WeightsError};

fn device() -> Device {
    Device::flex()
}

fn model() -> mnist_autoencoder::Autoencoder {
    let device = device();
    device.seed(7);
    AutoencoderConfig::new().init(&device)
}

#[test]
fn parameter_count_and_layer_shapes() {
    let model = model();
    assert_eq!(model.num_params(), 622_504);
    assert_eq!(AutoencoderConfig::new().num_params(), 622_504);

    let layers = [
        (&model.encoder.hidden, [784, 392], 307_720),
        (&model.encoder.code, [392, 8], 3_144),
        (&model.decoder.hidden, [8, 392], 3_528),
        (&model.decoder.output, [392, 784], 308_112),
    ];
    for (layer, shape, params) in layers {
        assert_eq!(layer.weight.dims(), shape);
        let bias = layer.bias.as_ref().expect("bias").dims();
        assert_eq!(bias, [shape[1]]);
        assert_eq!(shape[0] * shape[1] + shape[1], params);
    }
}

#[test]
fn bottleneck_is_configurable() {
    let model = AutoencoderConfig::new().with_bottleneck(16).init(&device());
    assert_eq!(model.bottleneck(), 16);
    assert_eq!(model.encoder.code.weight.dims(), [392, 16]);
    assert_eq!(model.num_params(), AutoencoderConfig::new().with_bottleneck(16).num_params());
}

#[test]
fn forward_shape_and_range() {
    let device = device();
    let model = model();
    let images = common::load(mnist_autoencoder::data::Split::Test, 1).subset(5);
    let batch = images.batch(&[0, 1, 2, 3, 4], &device);

    let output = model.forward(batch.images.clone());
    assert_eq!(output.dims(), [5, IMAGE_PIXELS]);
    let values = output.into_data().try_into_vec::<f32>().unwrap();
    assert!(values.iter().all(|v| *v > 0.0 && *v < 1.0), "sigmoid outputs lie in (0, 1)");

    let codes = model.encode(batch.images);
    assert_eq!(codes.dims(), [5, 8]);
    let codes = codes.into_data().try_into_vec::<f32>().unwrap();
    assert!(codes.iter().all(|v| *v >= 0.0), "codes pass through a ReLU");
}

#[test]
fn interpolation_frames_and_ends() {
    let device = device();
    let model = model();
    let test = common::load(mnist_autoencoder::data::Split::Test, 1);
    let (a, b) = (test.image(0), test.image(3));

    let frames = pollster::block_on(inference::interpolate(&model, &a, &b, 10, &device)).unwrap();
    assert_eq!(frames.len(), 11 * IMAGE_PIXELS);

    let ends: Vec<f32> = a.iter().chain(&b).copied().collect();
    let reconstructions = pollster::block_on(inference::reconstruct(&model, &ends, &device)).unwrap();
    let first = &frames[..IMAGE_PIXELS];
    let last = &frames[10 * IMAGE_PIXELS..];
    assert!(mse(first, &reconstructions[..IMAGE_PIXELS]) < 1e-10);
    assert!(mse(last, &reconstructions[IMAGE_PIXELS..]) < 1e-10);
    assert!(mse(first, last) > 1e-6, "the two ends differ");
}

#[test]
fn interpolation_rejects_bad_steps() {
    let device = device();
    let model = model();
    let image = vec![0.0; IMAGE_PIXELS];
    let result = pollster::block_on(inference::interpolate(&model, &image, &image, 0, &device));
    assert_eq!(result, Err(inference::InferenceError::BadSteps { steps: 0 }));
    let result = pollster::block_on(inference::interpolate(&model, &image, &image[..10], 4, &device));
    assert_eq!(result, Err(inference::InferenceError::WrongLength { found: 10 }));
}

#[test]
fn weights_round_trip_exactly() {
    let device = device();
    let model = model();
    let bytes = pollster::block_on(weights::to_bytes(&model, Precision::F32)).unwrap();
    assert_eq!(bytes.len(), 24 + 622_504 * 4 + 32);

    let loaded = weights::from_bytes(&bytes, &device).unwrap();
    let again = pollster::block_on(weights::to_bytes(&loaded, Precision::F32)).unwrap();
    assert_eq!(bytes, again, "saving the loaded model gives the same bytes");

    let input = Tensor::<2>::random([3, IMAGE_PIXELS], burn::tensor::Distribution::Uniform(0.0, 1.0), &device);
    let expected = model.forward(input.clone()).into_data();
    let found = loaded.forward(input).into_data();
    assert_eq!(expected, found);
}

#[test]
fn weights_in_half_precision() {
    let device = device();
    let model = model();
    let bytes = pollster::block_on(weights::to_bytes(&model, Precision::F16)).unwrap();
    assert_eq!(bytes.len(), 24 + 622_504 * 2 + 32);
    let header = weights::read_header(&bytes).unwrap();
    assert_eq!(header.precision, Precision::F16);

    let loaded = weights::from_bytes(&bytes, &device).unwrap();
    let input = Tensor::<2>::random([3, IMAGE_PIXELS], burn::tensor::Distribution::Uniform(0.0, 1.0), &device);
    let expected = model.forward(input.clone()).into_data().try_into_vec::<f32>().unwrap();
    let found = loaded.forward(input).into_data().try_into_vec::<f32>().unwrap();
    let worst = expected.iter().zip(&found).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    assert!(worst < 1.0 / 255.0, "f16 weights change an output pixel by {worst}");
}

#[test]
fn bad_weights_rejected_model_kept() {
    let device = device();
    let model = model();
    let probe = Tensor::<2>::ones([1, IMAGE_PIXELS], &device);
    let before = model.forward(probe.clone()).into_data();
    let good = pollster::block_on(weights::to_bytes(&model, Precision::F32)).unwrap();

    // A bottleneck-16 model's file with the header patched to claim 8.
    let wide = AutoencoderConfig::new().with_bottleneck(16).init(&device);
    let mut wrong_shape = pollster::block_on(weights::to_bytes(&wide, Precision::F32)).unwrap();
    wrong_shape[16..20].copy_from_slice(&8u32.to_le_bytes());
    assert!(matches!(
        weights::from_bytes(&wrong_shape, &device),
        Err(WeightsError::WrongLength { bottleneck: 8, .. })
    ));

    let mut flipped = good.clone();
    flipped[1000] ^= 0x40;
    assert_eq!(weights::from_bytes(&flipped, &device).err(), Some(WeightsError::ChecksumMismatch));

    let truncated = &good[..good.len() - 100];
    assert!(matches!(weights::from_bytes(truncated, &device), Err(WeightsError::WrongLength { .. })));

    let mut magic = good.clone();
    magic[0] = b'X';
    assert!(matches!(weights::from_bytes(&magic, &device), Err(WeightsError::BadMagic { .. })));

    let mut version = good.clone();
    version[4] = 9;
    assert_eq!(weights::from_bytes(&version, &device).err(), Some(WeightsError::UnsupportedVersion { found: 9 }));

    let mut architecture = good.clone();
    architecture[8..12].copy_from_slice(&100u32.to_le_bytes());
    assert!(matches!(weights::from_bytes(&architecture, &device), Err(WeightsError::WrongArchitecture { input: 100, .. })));

    assert_eq!(weights::from_bytes(b"AEWT", &device).err(), Some(WeightsError::TooShort { len: 4 }));

    let after = model.forward(probe).into_data();
    assert_eq!(before, after, "the model in use is untouched by failed loads");
}
