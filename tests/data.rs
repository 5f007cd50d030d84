//! IDX reading, the shard format and the committed shards of real MNIST.

mod common;

use std::io::Write;

use mnist_autoencoder::data::builder::{self, BuildOptions};
use mnist_autoencoder::data::idx::{self, IdxError};
use mnist_autoencoder::data::shard::{Shard, ShardError, sha256_hex};
use mnist_autoencoder::data::{Manifest, Split};
use rand::{RngExt, SeedableRng, rngs::StdRng};

#[test]
fn committed_shards_are_complete() {
    let manifest = common::manifest();
    assert_eq!(manifest.count(Split::Train), 60_000);
    assert_eq!(manifest.count(Split::Test), 10_000);
    assert!(manifest.shards.iter().filter(|e| e.split == Split::Train).count() >= 2, "training data streams in several shards");
    assert!(manifest.total_bytes() <= 10_000_000, "shards take {} bytes", manifest.total_bytes());

    let test = common::load(Split::Test, usize::MAX);
    assert_eq!(test.len(), 10_000);
    // The first MNIST test images are a 7, a 2, a 1 and a 0.
    assert_eq!(&test.labels()[..4], &[7, 2, 1, 0]);
    let mut counts = [0usize; 10];
    test.labels().iter().for_each(|&label| counts[label as usize] += 1);
    assert_eq!(counts, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);

    let image = test.image(0);
    assert_eq!(image.len(), 784);
    assert!(image.iter().all(|v| (0.0..=1.0).contains(v)));
    assert_eq!(image.iter().cloned().fold(0.0, f32::max), 1.0, "MNIST strokes reach full ink (255)");
}

/// Writes a plain IDX file of unsigned bytes.
fn write_idx(path: &std::path::Path, dims: &[u32], data: &[u8]) {
    let mut file = std::fs::File::create(path).unwrap();
    file.write_all(&[0, 0, 0x08, dims.len() as u8]).unwrap();
    for dim in dims {
        file.write_all(&dim.to_be_bytes()).unwrap();
    }
    file.write_all(data).unwrap();
}

#[test]
fn builder_round_trip_real_mnist() {
    // Real MNIST test images, written back out as the standard IDX files.
    let test = common::load(Split::Test, 1).subset(2_500);
    let pixels: Vec<u8> = (0..test.len()).flat_map(|i| test.image_bytes(i).to_vec()).collect();
    let dir = tempdir("builder");
    let mnist = dir.join("mnist");
    std::fs::create_dir_all(&mnist).unwrap();
    for prefix in ["train", "t10k"] {
        write_idx(&mnist.join(format!("{prefix}-images-idx3-ubyte")), &[2_500, 28, 28], &pixels);
        write_idx(&mnist.join(format!("{prefix}-labels-idx1-ubyte")), &[2_500], test.labels());
    }

    let out = dir.join("out");
    let options = BuildOptions { shard_size: 1_000, iterations: 1 };
    let manifest = builder::build(&mnist, &out, &options).unwrap();
    let text = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert_eq!(Manifest::from_json(&text).unwrap(), manifest);
    assert_eq!(manifest.shards.len(), 6);
    assert_eq!(manifest.shards.iter().map(|e| e.count).collect::<Vec<_>>(), [1000, 1000, 500, 1000, 1000, 500]);

    let mut decoded = mnist_autoencoder::data::MnistSplit::new();
    for entry in manifest.shards.iter().filter(|e| e.split == Split::Test) {
        let bytes = std::fs::read(out.join(&entry.file)).unwrap();
        assert_eq!(bytes[..2], [0x1f, 0x8b], "shards are gzip");
        decoded.push_shard(Shard::from_file(&entry.file, &bytes, entry.bytes, &entry.sha256, entry.count).unwrap());
    }
    assert_eq!(decoded, test);
}

#[test]
fn builder_reports_missing_files() {
    let dir = tempdir("missing");
    let error = builder::build(&dir, &dir.join("out"), &BuildOptions::default()).unwrap_err();
    assert!(error.to_string().contains("train-images-idx3-ubyte"), "{error}");
}

#[test]
fn idx_parser_errors() {
    assert!(matches!(idx::parse(&[0, 0], 1), Err(IdxError::TooShort { len: 2 })));
    assert!(matches!(idx::parse(&[0, 0, 0x0d, 1, 0, 0, 0, 0], 1), Err(IdxError::BadMagic { .. })));
    assert!(matches!(idx::parse(&[0, 0, 8, 3, 0, 0, 0, 1], 1), Err(IdxError::WrongRank { found: 3, expected: 1 })));
    assert!(matches!(
        idx::parse(&[0, 0, 8, 1, 0, 0, 0, 3, 1, 2], 1),
        Err(IdxError::WrongLength { expected: 3, found: 2, .. })
    ));
    let array = idx::parse(&[0, 0, 8, 1, 0, 0, 0, 2, 7, 9], 1).unwrap();
    assert_eq!(array.dims, [2]);
    assert_eq!(array.data, [7, 9]);
}

fn sample_shard() -> Shard {
    let test = common::load(Split::Test, 1).subset(50);
    let pixels = (0..50).flat_map(|i| test.image_bytes(i).to_vec()).collect();
    Shard::new(pixels, test.labels().to_vec())
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Parses a served file whose manifest entry matches it.
fn parse_file(file: &[u8], count: usize) -> Result<Shard, ShardError> {
    Shard::from_file("test-00.mnsd", file, file.len() as u64, &sha256_hex(file), count)
}

#[test]
fn shard_payload_round_trip() {
    let shard = sample_shard();
    let payload = shard.to_payload();
    assert_eq!(Shard::from_payload("s", &payload, 50).unwrap(), shard);
    assert_eq!(parse_file(&gzip(&payload), 50).unwrap(), shard);
}

#[test]
fn shard_corruption_errors() {
    let shard = sample_shard();
    let payload = shard.to_payload();
    let name = "test-00.mnsd".to_string();

    let truncated = &payload[..payload.len() - 1];
    assert!(matches!(parse_file(&gzip(truncated), 50), Err(ShardError::Truncated { part: "the pixel values", .. })));
    assert!(matches!(Shard::from_payload("s", &payload[..10], 50), Err(ShardError::Truncated { part: "the header", .. })));
    assert!(matches!(Shard::from_payload("s", &payload[..100], 50), Err(ShardError::Truncated { part: "the ink masks", .. })));

    let mut magic = payload.clone();
    magic[0] = b'X';
    assert!(matches!(parse_file(&gzip(&magic), 50), Err(ShardError::BadMagic { shard, .. }) if shard == name));

    let mut version = payload.clone();
    version[4] = 2;
    assert!(matches!(parse_file(&gzip(&version), 50), Err(ShardError::UnsupportedVersion { found: 2, .. })));

    let mut dims = payload.clone();
    dims[12] = 32;
    assert!(matches!(parse_file(&gzip(&dims), 50), Err(ShardError::WrongDimensions { rows: 32, cols: 28, .. })));

    assert!(matches!(parse_file(&gzip(&payload), 49), Err(ShardError::CountMismatch { manifest: 49, header: 50, .. })));

    let mut label = payload.clone();
    label[20 + 7] = 12;
    assert!(matches!(parse_file(&gzip(&label), 50), Err(ShardError::BadLabel { index: 7, label: 12, .. })));

    let mut trailing = payload.clone();
    trailing.push(1);
    assert!(matches!(parse_file(&gzip(&trailing), 50), Err(ShardError::TrailingBytes { extra: 1, .. })));

    let mut zero = payload.clone();
    *zero.last_mut().unwrap() = 0;
    assert!(matches!(parse_file(&gzip(&zero), 50), Err(ShardError::ZeroInkValue { index: 49, .. })));

    let file = gzip(&payload);
    let wrong_sum = "0".repeat(64);
    assert!(matches!(
        Shard::from_file(&name, &file, file.len() as u64, &wrong_sum, 50),
        Err(ShardError::ChecksumMismatch { shard, .. }) if shard == name
    ));
    assert!(matches!(
        Shard::from_file(&name, &file, file.len() as u64 + 1, &sha256_hex(&file), 50),
        Err(ShardError::SizeMismatch { .. })
    ));

    let mut broken_gzip = file.clone();
    let middle = broken_gzip.len() / 2;
    broken_gzip.truncate(middle);
    assert!(matches!(parse_file(&broken_gzip, 50), Err(ShardError::Decompress { .. })));
}

#[test]
fn shard_parser_never_panics() {
    let payload = sample_shard().to_payload();
    let mut rng = StdRng::seed_from_u64(1);
    for length in (0..200).chain((0..payload.len()).step_by(997)) {
        let _ = Shard::from_payload("s", &payload[..length], 50);
    }
    for _ in 0..300 {
        let mut bytes = payload.clone();
        for _ in 0..rng.random_range(1..20) {
            let index = rng.random_range(0..bytes.len());
            bytes[index] = rng.random();
        }
        let _ = Shard::from_payload("s", &bytes, 50);
        let junk: Vec<u8> = (0..rng.random_range(0..300)).map(|_| rng.random()).collect();
        let _ = Shard::from_payload("s", &junk, 50);
        let _ = parse_file(&junk, 50);
    }
    // A header that claims u32::MAX images must fail cleanly, not allocate.
    let mut huge = payload[..20].to_vec();
    huge[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(Shard::from_payload("s", &huge, u32::MAX as usize), Err(ShardError::Truncated { .. })));
}

#[test]
fn manifest_rejects_other_json() {
    assert!(Manifest::from_json("{}").is_err());
    let mut manifest = common::manifest();
    manifest.format = "something-else".into();
    assert!(Manifest::from_json(&manifest.to_json()).is_err());
    let mut manifest = common::manifest();
    manifest.version = 7;
    assert!(Manifest::from_json(&manifest.to_json()).is_err());
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mnist-autoencoder-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
