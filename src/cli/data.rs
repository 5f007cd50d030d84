//! Loading the site's shards from a folder.

use std::path::Path;

use mnist_autoencoder::data::manifest::Manifest;
use mnist_autoencoder::data::{MnistSplit, Shard, Split};

/// Reads `manifest.json` in `dir` and every shard it lists, checking each,
/// and returns the training and test splits.
pub fn load_splits(dir: &Path) -> Result<(MnistSplit, MnistSplit), String> {
    let manifest_path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&manifest_path).map_err(|error| {
        format!(
            "cannot read {}: {error}; build the shards with `autoencoder shards` or pass --data",
            manifest_path.display()
        )
    })?;
    let manifest = Manifest::from_json(&text).map_err(|error| format!("{}: {error}", manifest_path.display()))?;

    let mut train = MnistSplit::new();
    let mut test = MnistSplit::new();
    for entry in &manifest.shards {
        let path = dir.join(&entry.file);
        let bytes = std::fs::read(&path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        let shard = Shard::from_file(&entry.file, &bytes, entry.bytes, &entry.sha256, entry.count)
            .map_err(|error| error.to_string())?;
        match entry.split {
            Split::Train => train.push_shard(shard),
            Split::Test => test.push_shard(shard),
        }
    }
    Ok((train, test))
}
