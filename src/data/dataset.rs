//! An MNIST split held in memory as bytes, and the batches cut from it.

use burn::prelude::*;

use super::shard::Shard;
use crate::model::IMAGE_PIXELS;

/// Images of one split, kept as `u8` (a quarter of the f32 size) and
/// converted to f32 one batch at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MnistSplit {
    /// Row-major pixels, `len() × 784` bytes.
    pixels: Vec<u8>,
    /// One digit 0–9 per image.
    labels: Vec<u8>,
}

/// A batch of images on a device.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Pixels scaled to [0, 1], shape `[batch, 784]`.
    pub images: Tensor<2>,
}

impl MnistSplit {
    /// Creates an empty split that shards are appended to as they arrive.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a split from dense pixels (`labels.len() × 784` bytes).
    ///
    /// # Panics
    /// When the pixel count does not match the labels.
    pub fn from_parts(pixels: Vec<u8>, labels: Vec<u8>) -> Self {
        assert_eq!(pixels.len(), labels.len() * IMAGE_PIXELS, "pixels do not match labels");
        Self { pixels, labels }
    }

    /// Appends the images of a decoded shard.
    pub fn push_shard(&mut self, shard: Shard) {
        self.pixels.extend_from_slice(&shard.pixels);
        self.labels.extend_from_slice(&shard.labels);
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Returns whether the split contains no images.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Returns the first `count` images (all of them when `count` exceeds the size).
    pub fn subset(&self, count: usize) -> Self {
        let count = count.min(self.len());
        Self {
            pixels: self.pixels[..count * IMAGE_PIXELS].to_vec(),
            labels: self.labels[..count].to_vec(),
        }
    }

    /// Digit label of image `index`.
    pub fn label(&self, index: usize) -> u8 {
        self.labels[index]
    }

    /// Returns all labels, one per image.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// Raw pixels of image `index`, 784 bytes, row-major.
    pub fn image_bytes(&self, index: usize) -> &[u8] {
        &self.pixels[index * IMAGE_PIXELS..(index + 1) * IMAGE_PIXELS]
    }

    /// Pixels of image `index` scaled to [0, 1] (pixel / 255), 784 values.
    pub fn image(&self, index: usize) -> Vec<f32> {
        self.image_bytes(index).iter().map(|&p| f32::from(p) / 255.0).collect()
    }

    /// Gathers the images at `indices` into a `[indices.len(), 784]` tensor
    /// of pixels scaled to [0, 1].
    ///
    /// # Panics
    /// When an index is out of range.
    pub fn batch(&self, indices: &[usize], device: &Device) -> Batch {
        let mut values = Vec::with_capacity(indices.len() * IMAGE_PIXELS);
        for &index in indices {
            values.extend(self.image_bytes(index).iter().map(|&p| f32::from(p) / 255.0));
        }
        let data = TensorData::new(values, [indices.len(), IMAGE_PIXELS]);
        Batch {
            images: Tensor::from_data(data, device),
        }
    }
}
