//! Builds the site's shards and manifest from the standard MNIST IDX files.
//! Native only: it reads and writes files and compresses with Zopfli.

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::idx::{self, IdxError};
use super::manifest::{FORMAT, Manifest, ShardEntry, Split};
use super::shard::{COLS, ROWS, Shard, VERSION, sha256_hex};

/// Options of [`build`].
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Images per shard. Smaller shards let training start sooner.
    pub shard_size: usize,
    /// Zopfli iterations: more compress slightly better and take longer.
    pub iterations: u64,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            shard_size: 10_000,
            iterations: 5,
        }
    }
}

/// A reason the shards could not be built.
#[derive(Debug, Error)]
pub enum BuildError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{file}: {source}")]
    Idx { file: String, source: IdxError },
    #[error("{prefix}: {message}")]
    Invalid { prefix: String, message: String },
    #[error("shard size must be at least 1")]
    ZeroShardSize,
}

/// Reads `train-*` and `t10k-*` IDX files (plain or `.gz`) from `mnist_dir`,
/// writes `train-NN.mnsd`, `test-NN.mnsd` and `manifest.json` to
/// `out_dir`, and returns the manifest.
pub fn build(mnist_dir: &Path, out_dir: &Path, options: &BuildOptions) -> Result<Manifest, BuildError> {
    if options.shard_size == 0 {
        return Err(BuildError::ZeroShardSize);
    }
    std::fs::create_dir_all(out_dir).map_err(|source| BuildError::Write { path: out_dir.into(), source })?;

    let mut shards = Vec::new();
    for (split, prefix, name) in [(Split::Train, "train", "train"), (Split::Test, "t10k", "test")] {
        let (pixels, labels) = read_split(mnist_dir, prefix)?;
        let per_image = ROWS * COLS;
        for (index, labels) in labels.chunks(options.shard_size).enumerate() {
            let start = index * options.shard_size;
            let pixels = pixels[start * per_image..(start + labels.len()) * per_image].to_vec();
            let shard = Shard::new(pixels, labels.to_vec());
            // Not `.gz`: some static hosts send `.gz` files with
            // `Content-Encoding: gzip`, the browser then inflates them
            // before the page can check their SHA-256.
            let file = format!("{name}-{index:02}.mnsd");
            let bytes = compress(&shard.to_payload(), options.iterations);
            let path = out_dir.join(&file);
            std::fs::write(&path, &bytes).map_err(|source| BuildError::Write { path, source })?;
            shards.push(ShardEntry {
                file,
                split,
                count: labels.len(),
                bytes: bytes.len() as u64,
                sha256: sha256_hex(&bytes),
            });
        }
    }

    let manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        rows: ROWS,
        cols: COLS,
        shards,
    };
    let path = out_dir.join("manifest.json");
    std::fs::write(&path, manifest.to_json() + "\n").map_err(|source| BuildError::Write { path, source })?;
    Ok(manifest)
}

/// Reads `{prefix}-images-idx3-ubyte` and `{prefix}-labels-idx1-ubyte`,
/// plain or with `.gz`, and returns the pixels and labels.
pub fn read_split(dir: &Path, prefix: &str) -> Result<(Vec<u8>, Vec<u8>), BuildError> {
    let images_file = format!("{prefix}-images-idx3-ubyte");
    let labels_file = format!("{prefix}-labels-idx1-ubyte");
    let images = idx::parse(&read_either(dir, &images_file)?, 3)
        .map_err(|source| BuildError::Idx { file: images_file, source })?;
    let labels = idx::parse(&read_either(dir, &labels_file)?, 1)
        .map_err(|source| BuildError::Idx { file: labels_file, source })?;

    let invalid = |message: String| BuildError::Invalid { prefix: prefix.into(), message };
    if images.dims[1..] != [ROWS, COLS] {
        return Err(invalid(format!("images are {:?}, expected {ROWS}×{COLS}", &images.dims[1..])));
    }
    if images.dims[0] != labels.dims[0] {
        return Err(invalid(format!("{} images but {} labels", images.dims[0], labels.dims[0])));
    }
    if let Some(label) = labels.data.iter().find(|&&label| label > 9) {
        return Err(invalid(format!("label {label} is not a digit 0–9")));
    }
    Ok((images.data, labels.data))
}

fn read_either(dir: &Path, stem: &str) -> Result<Vec<u8>, BuildError> {
    let gzip = dir.join(format!("{stem}.gz"));
    match std::fs::read(&gzip) {
        Ok(bytes) => Ok(bytes),
        Err(_) => {
            let path = dir.join(stem);
            std::fs::read(&path).map_err(|source| BuildError::Read { path, source })
        }
    }
}

/// Gzip with Zopfli: a standard gzip stream, about 4 % smaller than zlib's
/// best level, which keeps all 70,000 images under 10 MB.
pub fn compress(payload: &[u8], iterations: u64) -> Vec<u8> {
    let options = zopfli::Options {
        iteration_count: std::num::NonZeroU64::new(iterations.max(1)).expect("at least 1"),
        ..zopfli::Options::default()
    };
    let mut out = Vec::new();
    zopfli::compress(options, zopfli::Format::Gzip, payload, &mut out)
        .expect("writing to a Vec cannot fail");
    out
}
