//! Saving and loading the autoencoder's weights as bytes.
//!
//! Burn's own records read tensors synchronously, which panics on a browser's
//! WebGPU device, so this small format is written by hand: the parameters
//! are read with one asynchronous transaction and laid out as below
//! (integers little-endian):
//!
//! | bytes | content                                                     |
//! |-------|-------------------------------------------------------------|
//! | 4     | magic `AEWT`                                                |
//! | 4     | format version, `u32`, currently 1                          |
//! | 4     | input size, `u32` (784)                                     |
//! | 4     | hidden size, `u32` (392)                                    |
//! | 4     | bottleneck size, `u32`                                      |
//! | 4     | precision, `u32`: 0 = f32, 1 = f16                          |
//! | …     | the 8 parameter tensors, row-major, in the order of [`PARAMETER_NAMES`] |
//! | 32    | SHA-256 of everything before it                             |
//!
//! A linear layer's weight is stored as Burn keeps it, `[inputs, outputs]`.

use burn::module::Param;
use burn::nn::{Linear, Relu};
use burn::prelude::*;
use burn::tensor::Transaction;
use half::f16;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::model::{Autoencoder, AutoencoderConfig, Decoder, Encoder, HIDDEN_SIZE, IMAGE_PIXELS};

/// The four bytes every weights file starts with.
pub const MAGIC: [u8; 4] = *b"AEWT";

/// The weights format version this crate reads and writes.
pub const VERSION: u32 = 1;

const HEADER_LEN: usize = 24;
const CHECKSUM_LEN: usize = 32;

/// Order in which the parameters are stored.
pub const PARAMETER_NAMES: [&str; 8] = [
    "encoder.hidden.weight",
    "encoder.hidden.bias",
    "encoder.code.weight",
    "encoder.code.bias",
    "decoder.hidden.weight",
    "decoder.hidden.bias",
    "decoder.output.weight",
    "decoder.output.bias",
];

/// Number format of the stored parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// 4 bytes a value; round trips exactly.
    F32,
    /// 2 bytes a value; halves the download and changes reconstructions by
    /// far less than one grey level.
    F16,
}

impl Precision {
    fn code(self) -> u32 {
        match self {
            Precision::F32 => 0,
            Precision::F16 => 1,
        }
    }

    fn bytes_per_value(self) -> usize {
        match self {
            Precision::F32 => 4,
            Precision::F16 => 2,
        }
    }
}

/// A reason a weights file was rejected.
#[derive(Debug, Error, PartialEq)]
pub enum WeightsError {
    #[error("weights file is {len} bytes, too short for the {HEADER_LEN}-byte header and checksum; it is truncated or not a weights file")]
    TooShort { len: usize },
    #[error("weights file starts with {found:02x?}, expected \"AEWT\"; this is not a weights file of this demo")]
    BadMagic { found: [u8; 4] },
    #[error("weights format version {found} is not supported, this build reads version {VERSION}")]
    UnsupportedVersion { found: u32 },
    #[error("weights are for a {input}→{hidden}→{bottleneck} autoencoder, but this demo's layers are {IMAGE_PIXELS}→{HIDDEN_SIZE}→bottleneck")]
    WrongArchitecture {
        input: u32,
        hidden: u32,
        bottleneck: u32,
    },
    #[error("weights bottleneck size {found} is invalid, it must be between 1 and {HIDDEN_SIZE}")]
    BadBottleneck { found: u32 },
    #[error("weights precision code {found} is unknown, expected 0 (f32) or 1 (f16)")]
    BadPrecision { found: u32 },
    #[error("weights file is {found} bytes, but a bottleneck of {bottleneck} needs {expected}; the file is truncated or padded")]
    WrongLength {
        bottleneck: usize,
        expected: usize,
        found: usize,
    },
    #[error("weights checksum does not match the contents; the file is corrupt")]
    ChecksumMismatch,
    #[error("weights contain a value that is not finite (NaN or infinity) in {parameter}")]
    NotFinite { parameter: &'static str },
    #[error("reading the weights from the device failed: {0}")]
    Read(String),
}

/// Header fields of a weights file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeightsHeader {
    pub bottleneck: usize,
    pub precision: Precision,
}

/// Reads every parameter of `model` from its device, without a synchronous
/// read, and serialises them.
pub async fn to_bytes(model: &Autoencoder, precision: Precision) -> Result<Vec<u8>, WeightsError> {
    let data = Transaction::default()
        .register(model.encoder.hidden.weight.val())
        .register(bias(&model.encoder.hidden))
        .register(model.encoder.code.weight.val())
        .register(bias(&model.encoder.code))
        .register(model.decoder.hidden.weight.val())
        .register(bias(&model.decoder.hidden))
        .register(model.decoder.output.weight.val())
        .register(bias(&model.decoder.output))
        .execute_async()
        .await
        .map_err(|error| WeightsError::Read(format!("{error:?}")))?;

    let mut out = Vec::with_capacity(HEADER_LEN + model.config().num_params() * 4 + CHECKSUM_LEN);
    out.extend_from_slice(&MAGIC);
    for field in [
        VERSION,
        IMAGE_PIXELS as u32,
        HIDDEN_SIZE as u32,
        model.bottleneck() as u32,
        precision.code(),
    ] {
        out.extend_from_slice(&field.to_le_bytes());
    }

    for tensor in data {
        let values = tensor
            .try_into_vec::<f32>()
            .map_err(|error| WeightsError::Read(format!("{error:?}")))?;
        match precision {
            Precision::F32 => values.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes())),
            Precision::F16 => values
                .iter()
                .for_each(|v| out.extend_from_slice(&f16::from_f32(*v).to_le_bytes())),
        }
    }

    let checksum = Sha256::digest(&out);
    out.extend_from_slice(&checksum);
    Ok(out)
}

/// Checks the header and checksum of a weights file without building a model.
pub fn read_header(bytes: &[u8]) -> Result<WeightsHeader, WeightsError> {
    if bytes.len() < HEADER_LEN + CHECKSUM_LEN {
        return Err(WeightsError::TooShort { len: bytes.len() });
    }
    let magic = [bytes[0], bytes[1], bytes[2], bytes[3]];
    if magic != MAGIC {
        return Err(WeightsError::BadMagic { found: magic });
    }
    let field = |index: usize| {
        let offset = 4 + 4 * index;
        u32::from_le_bytes([bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3]])
    };

    let version = field(0);
    if version != VERSION {
        return Err(WeightsError::UnsupportedVersion { found: version });
    }
    let (input, hidden, bottleneck) = (field(1), field(2), field(3));
    if input as usize != IMAGE_PIXELS || hidden as usize != HIDDEN_SIZE {
        return Err(WeightsError::WrongArchitecture { input, hidden, bottleneck });
    }
    if bottleneck == 0 || bottleneck as usize > HIDDEN_SIZE {
        return Err(WeightsError::BadBottleneck { found: bottleneck });
    }
    let precision = match field(4) {
        0 => Precision::F32,
        1 => Precision::F16,
        found => return Err(WeightsError::BadPrecision { found }),
    };

    let bottleneck = bottleneck as usize;
    let values = AutoencoderConfig::new().with_bottleneck(bottleneck).num_params();
    let expected = HEADER_LEN + values * precision.bytes_per_value() + CHECKSUM_LEN;
    if bytes.len() != expected {
        return Err(WeightsError::WrongLength { bottleneck, expected, found: bytes.len() });
    }

    let (body, checksum) = bytes.split_at(bytes.len() - CHECKSUM_LEN);
    if Sha256::digest(body).as_slice() != checksum {
        return Err(WeightsError::ChecksumMismatch);
    }
    Ok(WeightsHeader { bottleneck, precision })
}

/// Builds a new model on `device` from a weights file. Every check runs
/// before any tensor is created, so on error nothing changes and the caller
/// keeps its current model.
pub fn from_bytes(bytes: &[u8], device: &Device) -> Result<Autoencoder, WeightsError> {
    let header = read_header(bytes)?;
    let bottleneck = header.bottleneck;
    let shapes: [&[usize]; 8] = [
        &[IMAGE_PIXELS, HIDDEN_SIZE],
        &[HIDDEN_SIZE],
        &[HIDDEN_SIZE, bottleneck],
        &[bottleneck],
        &[bottleneck, HIDDEN_SIZE],
        &[HIDDEN_SIZE],
        &[HIDDEN_SIZE, IMAGE_PIXELS],
        &[IMAGE_PIXELS],
    ];

    let width = header.precision.bytes_per_value();
    let mut offset = HEADER_LEN;
    let mut parameters: Vec<Vec<f32>> = Vec::with_capacity(shapes.len());
    for (shape, name) in shapes.iter().zip(PARAMETER_NAMES) {
        let count: usize = shape.iter().product();
        let raw = &bytes[offset..offset + count * width];
        offset += count * width;

        let values: Vec<f32> = match header.precision {
            Precision::F32 => raw
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            Precision::F16 => raw
                .chunks_exact(2)
                .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
        };
        if values.iter().any(|v| !v.is_finite()) {
            return Err(WeightsError::NotFinite { parameter: name });
        }
        parameters.push(values);
    }

    let mut parameters = parameters.into_iter();
    let mut linear = |inputs: usize, outputs: usize| {
        let weight = parameters.next().expect("eight parameters were read");
        let bias = parameters.next().expect("eight parameters were read");
        Linear {
            weight: Param::from_tensor(Tensor::from_data(
                TensorData::new(weight, [inputs, outputs]),
                device,
            )),
            bias: Some(Param::from_tensor(Tensor::from_data(
                TensorData::new(bias, [outputs]),
                device,
            ))),
        }
    };
    let encoder = Encoder {
        hidden: linear(IMAGE_PIXELS, HIDDEN_SIZE),
        code: linear(HIDDEN_SIZE, bottleneck),
        activation: Relu::new(),
    };
    let decoder = Decoder {
        hidden: linear(bottleneck, HIDDEN_SIZE),
        output: linear(HIDDEN_SIZE, IMAGE_PIXELS),
        activation: Relu::new(),
    };
    Ok(Autoencoder { encoder, decoder })
}

fn bias(layer: &Linear) -> Tensor<1> {
    layer
        .bias
        .as_ref()
        .expect("every layer of the autoencoder has a bias")
        .val()
}
