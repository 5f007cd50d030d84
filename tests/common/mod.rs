//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use mnist_autoencoder::data::manifest::Manifest;
use mnist_autoencoder::data::{MnistSplit, Shard, Split};

/// Folder of the shards the site serves (real MNIST), committed in the repository.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/data")
}

pub fn manifest() -> Manifest {
    let text = std::fs::read_to_string(data_dir().join("manifest.json")).expect("www/data/manifest.json exists");
    Manifest::from_json(&text).expect("the committed manifest is valid")
}

/// Loads every shard of `split`, or only the first `max_shards` of them.
pub fn load(split: Split, max_shards: usize) -> MnistSplit {
    let manifest = manifest();
    let mut out = MnistSplit::new();
    for entry in manifest.shards.iter().filter(|entry| entry.split == split).take(max_shards) {
        let bytes = std::fs::read(data_dir().join(&entry.file)).expect("shard file exists");
        let shard = Shard::from_file(&entry.file, &bytes, entry.bytes, &entry.sha256, entry.count)
            .expect("committed shard is valid");
        out.push_shard(shard);
    }
    out
}

/// Draws thick round-capped strokes through `points` (in a unit square,
/// mapped to the box `[left, top, left + size, top + size]`) on an alpha
/// canvas of `width × height`, anti-aliased over one pixel.
pub fn draw_strokes(
    width: usize,
    height: usize,
    strokes: &[&[(f32, f32)]],
    left: f32,
    top: f32,
    size: f32,
    thickness: f32,
) -> Vec<u8> {
    let mut canvas = vec![0u8; width * height];
    let radius = thickness / 2.0;
    for y in 0..height {
        for x in 0..width {
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let mut distance = f32::MAX;
            for stroke in strokes {
                for pair in stroke.windows(2) {
                    let a = (left + pair[0].0 * size, top + pair[0].1 * size);
                    let b = (left + pair[1].0 * size, top + pair[1].1 * size);
                    distance = distance.min(segment_distance((px, py), a, b));
                }
            }
            let coverage = (radius + 0.5 - distance).clamp(0.0, 1.0);
            canvas[y * width + x] = (coverage * 255.0).round() as u8;
        }
    }
    canvas
}

fn segment_distance(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length_squared = dx * dx + dy * dy;
    let t = if length_squared == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / length_squared).clamp(0.0, 1.0)
    };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}

/// The strokes of a handwritten-looking 7 in the unit square.
pub const SEVEN: &[&[(f32, f32)]] = &[&[(0.15, 0.1), (0.85, 0.1), (0.45, 0.95)], &[(0.3, 0.5), (0.7, 0.5)]];
