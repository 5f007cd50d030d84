//! The MLP autoencoder: 784 → 392 → bottleneck → 392 → 784.

use burn::nn::{Linear, LinearConfig, Relu};
use burn::prelude::*;
use burn::tensor::activation::sigmoid;

/// Pixels in one flattened 28×28 MNIST image.
pub const IMAGE_PIXELS: usize = 28 * 28;

/// Width of the hidden layer on both sides of the bottleneck.
pub const HIDDEN_SIZE: usize = IMAGE_PIXELS / 2;

/// Default number of values in the bottleneck code.
pub const DEFAULT_BOTTLENECK: usize = 8;

/// Architecture of [`Autoencoder`]. Only the bottleneck size is free; the
/// input and hidden widths are fixed by the 28×28 images.
#[derive(Config, Debug, PartialEq, Eq)]
pub struct AutoencoderConfig {
    /// Number of values in the bottleneck code.
    #[config(default = 8)]
    pub bottleneck: usize,
}

/// Encoder: Linear 784→392, ReLU, Linear 392→bottleneck, ReLU.
#[derive(Module, Debug)]
pub struct Encoder {
    pub hidden: Linear,
    pub code: Linear,
    pub activation: Relu,
}

/// Decoder: Linear bottleneck→392, ReLU, Linear 392→784, sigmoid.
#[derive(Module, Debug)]
pub struct Decoder {
    pub hidden: Linear,
    pub output: Linear,
    pub activation: Relu,
}

/// The autoencoder. Inputs and outputs are flattened 28×28 images with
/// pixels in [0, 1], shape `[batch, 784]`.
#[derive(Module, Debug)]
pub struct Autoencoder {
    pub encoder: Encoder,
    pub decoder: Decoder,
}

impl AutoencoderConfig {
    /// Creates a freshly initialised model on `device`, with Burn's default
    /// Kaiming-uniform initialisation (the same bounds as PyTorch's `nn.Linear`).
    pub fn init(&self, device: &Device) -> Autoencoder {
        let encoder = Encoder {
            hidden: LinearConfig::new(IMAGE_PIXELS, HIDDEN_SIZE).init(device),
            code: LinearConfig::new(HIDDEN_SIZE, self.bottleneck).init(device),
            activation: Relu::new(),
        };
        let decoder = Decoder {
            hidden: LinearConfig::new(self.bottleneck, HIDDEN_SIZE).init(device),
            output: LinearConfig::new(HIDDEN_SIZE, IMAGE_PIXELS).init(device),
            activation: Relu::new(),
        };
        Autoencoder { encoder, decoder }
    }

    /// Number of trainable parameters of this architecture (622,504 for a
    /// bottleneck of 8), computed without building the model.
    pub fn num_params(&self) -> usize {
        let linear = |inputs: usize, outputs: usize| inputs * outputs + outputs;
        linear(IMAGE_PIXELS, HIDDEN_SIZE)
            + linear(HIDDEN_SIZE, self.bottleneck)
            + linear(self.bottleneck, HIDDEN_SIZE)
            + linear(HIDDEN_SIZE, IMAGE_PIXELS)
    }
}

impl Encoder {
    /// Maps images `[batch, 784]` to bottleneck codes `[batch, bottleneck]`.
    /// The final ReLU makes every code value non-negative.
    pub fn forward(&self, images: Tensor<2>) -> Tensor<2> {
        let hidden = self.activation.forward(self.hidden.forward(images));
        self.activation.forward(self.code.forward(hidden))
    }
}

impl Decoder {
    /// Maps codes `[batch, bottleneck]` to images `[batch, 784]` in (0, 1).
    pub fn forward(&self, codes: Tensor<2>) -> Tensor<2> {
        let hidden = self.activation.forward(self.hidden.forward(codes));
        sigmoid(self.output.forward(hidden))
    }
}

impl Autoencoder {
    /// Encodes images `[batch, 784]` into bottleneck codes `[batch, bottleneck]`.
    pub fn encode(&self, images: Tensor<2>) -> Tensor<2> {
        self.encoder.forward(images)
    }

    /// Decodes bottleneck codes `[batch, bottleneck]` into images `[batch, 784]`.
    pub fn decode(&self, codes: Tensor<2>) -> Tensor<2> {
        self.decoder.forward(codes)
    }

    /// Reconstructs images `[batch, 784]`: `decode(encode(images))`.
    pub fn forward(&self, images: Tensor<2>) -> Tensor<2> {
        self.decode(self.encode(images))
    }

    /// Size of the bottleneck code, read from the encoder's last layer.
    pub fn bottleneck(&self) -> usize {
        self.encoder.code.weight.dims()[1]
    }

    /// Architecture of this model.
    pub fn config(&self) -> AutoencoderConfig {
        AutoencoderConfig::new().with_bottleneck(self.bottleneck())
    }
}
