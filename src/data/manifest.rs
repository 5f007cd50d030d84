//! The manifest that lists the shards a site serves.

use serde::{Deserialize, Serialize};

/// Value of [`Manifest::format`], so a wrong JSON file is recognised.
pub const FORMAT: &str = "mnist-autoencoder-shards";

/// MNIST split of a shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// The 60,000 training images.
    Train,
    /// The 10,000 test images.
    Test,
}

/// One shard file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardEntry {
    /// File name, relative to the manifest.
    pub file: String,
    pub split: Split,
    /// Number of images in the shard.
    pub count: usize,
    /// Size of the gzip file in bytes.
    pub bytes: u64,
    /// Lowercase hex SHA-256 of the gzip file.
    pub sha256: String,
}

/// `manifest.json`: the shards in the order they should be fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// Shard format version, see [`super::shard::VERSION`].
    pub version: u32,
    pub rows: usize,
    pub cols: usize,
    pub shards: Vec<ShardEntry>,
}

/// Failure to read a manifest.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("manifest is not valid JSON for this format: {0}")]
    Json(#[from] serde_json::Error),
    #[error("manifest format is {found:?}, expected {FORMAT:?}")]
    WrongFormat { found: String },
    #[error("manifest lists shard format version {found}, this build reads version {}", super::shard::VERSION)]
    UnsupportedVersion { found: u32 },
}

impl Manifest {
    /// Parses and checks `manifest.json`.
    pub fn from_json(text: &str) -> Result<Self, ManifestError> {
        let manifest: Manifest = serde_json::from_str(text)?;
        if manifest.format != FORMAT {
            return Err(ManifestError::WrongFormat { found: manifest.format });
        }
        if manifest.version != super::shard::VERSION {
            return Err(ManifestError::UnsupportedVersion { found: manifest.version });
        }
        Ok(manifest)
    }

    /// Serialises the manifest as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a manifest always serialises")
    }

    /// Total number of images in `split`.
    pub fn count(&self, split: Split) -> usize {
        self.shards.iter().filter(|entry| entry.split == split).map(|entry| entry.count).sum()
    }

    /// Total size of all shard files in bytes.
    pub fn total_bytes(&self) -> u64 {
        self.shards.iter().map(|entry| entry.bytes).sum()
    }
}
