//! The shard format the site serves MNIST in.
//!
//! A shard file is a gzip stream, so a browser can inflate it with
//! `DecompressionStream`. Inflated, it is (integers little-endian):
//!
//! | bytes                  | content                                           |
//! |------------------------|---------------------------------------------------|
//! | 4                      | magic `MNSD`                                      |
//! | 4                      | format version, `u32`, currently 1                |
//! | 4                      | image count `n`, `u32`                            |
//! | 4                      | rows, `u32` (28)                                  |
//! | 4                      | cols, `u32` (28)                                  |
//! | `n`                    | labels, one byte each, 0–9                        |
//! | `n · ⌈rows·cols / 8⌉`  | ink masks: bit `p` (LSB first) set when pixel `p` is non-zero |
//! | one byte per set bit   | the non-zero pixel values, image by image, row-major |
//!
//! Pixels stay `u8`. Splitting the zero pattern from the values lets gzip
//! compress MNIST about 12 % better than the plain row-major bytes, which
//! keeps all 70,000 images under 10 MB.

use sha2::{Digest, Sha256};
use thiserror::Error;

use super::idx::maybe_gunzip;

/// The four bytes every inflated shard starts with.
pub const MAGIC: [u8; 4] = *b"MNSD";

/// The shard format version this crate reads and writes.
pub const VERSION: u32 = 1;

/// Size of the fixed header in bytes.
pub const HEADER_LEN: usize = 20;

/// MNIST image height and width in pixels.
pub const ROWS: usize = 28;
pub const COLS: usize = 28;

/// A reason a shard was rejected. Every variant names the shard.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ShardError {
    #[error("shard {shard}: size is {found} bytes, but the manifest lists {expected}")]
    SizeMismatch {
        shard: String,
        expected: u64,
        found: u64,
    },
    #[error("shard {shard}: SHA-256 is {found}, but the manifest lists {expected}; the file is corrupt or stale, so rebuild or re-download it")]
    ChecksumMismatch {
        shard: String,
        expected: String,
        found: String,
    },
    #[error("shard {shard}: gzip data is invalid: {message}")]
    Decompress { shard: String, message: String },
    #[error("shard {shard}: truncated, {found} bytes where at least {needed} are needed for {part}")]
    Truncated {
        shard: String,
        part: &'static str,
        needed: usize,
        found: usize,
    },
    #[error("shard {shard}: magic is {found:02x?}, expected \"MNSD\"; this is not a shard file")]
    BadMagic { shard: String, found: [u8; 4] },
    #[error("shard {shard}: format version {found} is not supported, this build reads version {VERSION}")]
    UnsupportedVersion { shard: String, found: u32 },
    #[error("shard {shard}: images are {rows}×{cols}, expected {ROWS}×{COLS}")]
    WrongDimensions { shard: String, rows: u32, cols: u32 },
    #[error("shard {shard}: header counts {header} images, but the manifest lists {manifest}")]
    CountMismatch {
        shard: String,
        manifest: usize,
        header: usize,
    },
    #[error("shard {shard}: label {label} of image {index} is not a digit 0–9")]
    BadLabel {
        shard: String,
        index: usize,
        label: u8,
    },
    #[error("shard {shard}: a pixel value is 0 where the ink mask marks ink (image {index})")]
    ZeroInkValue { shard: String, index: usize },
    #[error("shard {shard}: {extra} unexpected bytes after the last pixel value")]
    TrailingBytes { shard: String, extra: usize },
}

/// Images and labels decoded from one shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    /// Row-major pixels, `count × 784` bytes, 0 = background.
    pub pixels: Vec<u8>,
    /// One digit 0–9 per image.
    pub labels: Vec<u8>,
}

impl Shard {
    /// Number of images in the shard.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Returns whether the shard contains no images.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Builds a shard from dense pixels (`labels.len() × 784` bytes).
    ///
    /// # Panics
    /// When the pixel count does not match the labels.
    pub fn new(pixels: Vec<u8>, labels: Vec<u8>) -> Self {
        assert_eq!(pixels.len(), labels.len() * ROWS * COLS, "pixels do not match labels");
        Self { pixels, labels }
    }

    /// Serialises the shard to its inflated form (see the module docs).
    pub fn to_payload(&self) -> Vec<u8> {
        let count = self.len();
        let mask_len = mask_bytes_per_image();
        let mut out = Vec::with_capacity(HEADER_LEN + count * (1 + mask_len + 160));

        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(count as u32).to_le_bytes());
        out.extend_from_slice(&(ROWS as u32).to_le_bytes());
        out.extend_from_slice(&(COLS as u32).to_le_bytes());
        out.extend_from_slice(&self.labels);

        for image in self.pixels.chunks_exact(ROWS * COLS) {
            let mut mask = vec![0u8; mask_len];
            for (p, &value) in image.iter().enumerate() {
                if value != 0 {
                    mask[p / 8] |= 1 << (p % 8);
                }
            }
            out.extend_from_slice(&mask);
        }
        out.extend(self.pixels.iter().copied().filter(|&value| value != 0));
        out
    }

    /// Checks a served shard file against its manifest entry (byte size and
    /// SHA-256), inflates it and decodes it.
    pub fn from_file(
        shard: &str,
        file: &[u8],
        expected_bytes: u64,
        expected_sha256: &str,
        expected_count: usize,
    ) -> Result<Self, ShardError> {
        if file.len() as u64 != expected_bytes {
            return Err(ShardError::SizeMismatch {
                shard: shard.to_owned(),
                expected: expected_bytes,
                found: file.len() as u64,
            });
        }
        let found = sha256_hex(file);
        if !found.eq_ignore_ascii_case(expected_sha256) {
            return Err(ShardError::ChecksumMismatch {
                shard: shard.to_owned(),
                expected: expected_sha256.to_owned(),
                found,
            });
        }

        let payload = maybe_gunzip(file).map_err(|error| ShardError::Decompress {
            shard: shard.to_owned(),
            message: error.to_string(),
        })?;
        Self::from_payload(shard, &payload, expected_count)
    }

    /// Decodes an inflated shard and checks that it contains `expected_count`
    /// images. Never panics, whatever the bytes.
    pub fn from_payload(
        shard: &str,
        payload: &[u8],
        expected_count: usize,
    ) -> Result<Self, ShardError> {
        let name = || shard.to_owned();
        let truncated = |part, needed| ShardError::Truncated {
            shard: name(),
            part,
            needed,
            found: payload.len(),
        };

        if payload.len() < 4 {
            return Err(truncated("the magic", 4));
        }
        let magic = [payload[0], payload[1], payload[2], payload[3]];
        if magic != MAGIC {
            return Err(ShardError::BadMagic { shard: name(), found: magic });
        }
        if payload.len() < HEADER_LEN {
            return Err(truncated("the header", HEADER_LEN));
        }
        let version = read_u32(payload, 4);
        if version != VERSION {
            return Err(ShardError::UnsupportedVersion { shard: name(), found: version });
        }
        let count = read_u32(payload, 8) as usize;
        let (rows, cols) = (read_u32(payload, 12), read_u32(payload, 16));
        if rows as usize != ROWS || cols as usize != COLS {
            return Err(ShardError::WrongDimensions { shard: name(), rows, cols });
        }
        if count != expected_count {
            return Err(ShardError::CountMismatch {
                shard: name(),
                manifest: expected_count,
                header: count,
            });
        }

        // `count` is at most u32::MAX, so these products fit in a 64-bit usize
        // but not always in wasm32's: check them.
        let mask_len = mask_bytes_per_image();
        let labels_end = HEADER_LEN.checked_add(count).ok_or_else(|| truncated("the labels", usize::MAX))?;
        let masks_end = count
            .checked_mul(mask_len)
            .and_then(|masks| masks.checked_add(labels_end))
            .ok_or_else(|| truncated("the ink masks", usize::MAX))?;
        if payload.len() < labels_end {
            return Err(truncated("the labels", labels_end));
        }
        if payload.len() < masks_end {
            return Err(truncated("the ink masks", masks_end));
        }

        let labels = payload[HEADER_LEN..labels_end].to_vec();
        if let Some((index, &label)) = labels.iter().enumerate().find(|(_, label)| **label > 9) {
            return Err(ShardError::BadLabel { shard: name(), index, label });
        }

        let masks = &payload[labels_end..masks_end];
        let ink_pixels: usize = masks.iter().map(|byte| byte.count_ones() as usize).sum();
        let values_end = masks_end + ink_pixels;
        if payload.len() < values_end {
            return Err(truncated("the pixel values", values_end));
        }
        if payload.len() > values_end {
            return Err(ShardError::TrailingBytes {
                shard: name(),
                extra: payload.len() - values_end,
            });
        }

        let mut values = payload[masks_end..values_end].iter();
        let mut pixels = vec![0u8; count * ROWS * COLS];
        for (index, (mask, image)) in masks
            .chunks_exact(mask_len)
            .zip(pixels.chunks_exact_mut(ROWS * COLS))
            .enumerate()
        {
            for (p, pixel) in image.iter_mut().enumerate() {
                if mask[p / 8] & (1 << (p % 8)) != 0 {
                    // The length check above guarantees one value per set bit.
                    let value = *values.next().unwrap_or(&0);
                    if value == 0 {
                        return Err(ShardError::ZeroInkValue { shard: name(), index });
                    }
                    *pixel = value;
                }
            }
        }

        Ok(Self { pixels, labels })
    }
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn mask_bytes_per_image() -> usize {
    (ROWS * COLS).div_ceil(8)
}

fn read_u32(bytes: &[u8], offset: usize) -> u32 {
    u32::from_le_bytes([bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3]])
}
