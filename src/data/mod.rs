//! MNIST data: the standard IDX files, the shards the site serves, and the
//! in-memory dataset that training and inference read batches from.

#[cfg(not(target_arch = "wasm32"))]
pub mod builder;
pub mod dataset;
pub mod idx;
pub mod manifest;
pub mod shard;

pub use dataset::{Batch, MnistSplit};
pub use manifest::{Manifest, ShardEntry, Split};
pub use shard::{Shard, ShardError};
