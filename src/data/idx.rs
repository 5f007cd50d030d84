//! Reader for the IDX files that MNIST is distributed in, plain or gzip.
//!
//! An IDX file starts with a magic number whose third byte is the element
//! type (0x08 for unsigned bytes) and whose fourth is the number of
//! dimensions, then one big-endian `u32` per dimension, then the data.

use std::io::Read;

use flate2::read::GzDecoder;
use thiserror::Error;

/// Failure to read an IDX file.
#[derive(Debug, Error)]
pub enum IdxError {
    #[error("IDX data is not gzip and not plain IDX: {0}")]
    Decompress(#[from] std::io::Error),
    #[error("IDX data is too short for its header: {len} bytes")]
    TooShort { len: usize },
    #[error("IDX magic {magic:02x?} is invalid: expected 00 00 08 (unsigned bytes) and a dimension count")]
    BadMagic { magic: [u8; 4] },
    #[error("IDX file has {found} dimensions, expected {expected}")]
    WrongRank { found: usize, expected: usize },
    #[error("IDX data holds {found} bytes after its header, but its dimensions {dims:?} need {expected}")]
    WrongLength {
        dims: Vec<usize>,
        expected: usize,
        found: usize,
    },
}

/// An unsigned-byte IDX array: its dimensions and its row-major values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxArray {
    pub dims: Vec<usize>,
    pub data: Vec<u8>,
}

/// Decompresses `bytes` when they start with the gzip magic and returns them
/// unchanged otherwise.
pub fn maybe_gunzip(bytes: &[u8]) -> Result<Vec<u8>, std::io::Error> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        GzDecoder::new(bytes).read_to_end(&mut out)?;
        Ok(out)
    } else {
        Ok(bytes.to_vec())
    }
}

/// Parses an unsigned-byte IDX array with `rank` dimensions from plain or
/// gzip bytes.
pub fn parse(bytes: &[u8], rank: usize) -> Result<IdxArray, IdxError> {
    let bytes = maybe_gunzip(bytes)?;
    if bytes.len() < 4 {
        return Err(IdxError::TooShort { len: bytes.len() });
    }

    let magic = [bytes[0], bytes[1], bytes[2], bytes[3]];
    if magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 {
        return Err(IdxError::BadMagic { magic });
    }
    let found_rank = usize::from(magic[3]);
    if found_rank != rank {
        return Err(IdxError::WrongRank {
            found: found_rank,
            expected: rank,
        });
    }

    let header_len = 4 + 4 * rank;
    if bytes.len() < header_len {
        return Err(IdxError::TooShort { len: bytes.len() });
    }
    let dims: Vec<usize> = bytes[4..header_len]
        .chunks_exact(4)
        .map(|chunk| u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]) as usize)
        .collect();

    let expected = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    let found = bytes.len() - header_len;
    if expected != Some(found) {
        return Err(IdxError::WrongLength {
            dims,
            expected: expected.unwrap_or(usize::MAX),
            found,
        });
    }

    Ok(IdxArray {
        dims,
        data: bytes[header_len..].to_vec(),
    })
}
