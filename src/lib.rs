//! An MLP autoencoder for MNIST, built with Burn, that trains and runs
//! natively and in the browser (WebGPU or Burn's CPU backend).
//!
//! - [`model`]: the 784 → 392 → 8 → 392 → 784 autoencoder.
//! - [`data`]: MNIST IDX files, the shards the site serves, in-memory splits.
//! - [`train`]: the training recipe and a trainer that advances one batch a call.
//! - [`scheduler`]: the reduce-on-plateau learning-rate schedule.
//! - [`inference`]: reconstruction, denoising and interpolation.
//! - [`preprocess`]: a drawing to an MNIST-like 28×28 image.
//! - [`weights`]: weights to and from bytes.

pub mod data;
pub mod inference;
pub mod model;
pub mod preprocess;
pub mod scheduler;
pub mod train;
pub mod weights;

pub use model::{Autoencoder, AutoencoderConfig};
pub use train::{Trainer, TrainingConfig};

#[cfg(target_arch = "wasm32")]
pub mod web;
