//! Browser bindings: a thin `wasm-bindgen` layer over the crate. Plain Rust
//! does the work; these functions only convert between JS and Rust values.
//!
//! The page runs one [`Demo`] inside a Web Worker and must not start a call
//! before the previous one has finished (wasm-bindgen rejects re-entrant use
//! of `&mut self`), so the worker serialises every call through a queue.

mod convert;

use burn::prelude::*;
use js_sys::{Float32Array, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::data::{MnistSplit, Shard, Split};
use crate::inference::{self, mse};
use crate::model::{Autoencoder, AutoencoderConfig};
use crate::preprocess::{self, Canvas, PixelFormat, Preprocessed};
use crate::train::{self, Trainer, TrainingConfig};
use crate::weights::{self, Precision};
use convert::{to_js, to_js_error};

unsafe extern "C" {
    /// Runs the static constructors of every crate in the module (CubeCL
    /// registers its IR types through `inventory`). Synthesised by wasm-ld.
    fn __wasm_call_ctors();
}

/// Runs once when the module is instantiated, before any other export.
///
/// It calls the static constructors explicitly. Without that call wasm-ld
/// treats the module as a "command" and runs every constructor again at the
/// start of each exported function, which cost about 3 ms per call into the
/// wasm in Chromium. It also installs the panic hook, so a Rust panic shows
/// its message in the console (and the worker reports it) instead of an
/// opaque "unreachable".
#[wasm_bindgen(start)]
pub fn start() {
    // SAFETY: the glue wasm-bindgen generates calls the start function once,
    // from `__wbg_finalize_init` right after instantiation and before any
    // other export, so each constructor runs once.
    unsafe { __wasm_call_ctors() };
    console_error_panic_hook::set_once();
}

/// Training options sent by the page; missing fields take the recipe's defaults.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct TrainOptions {
    epochs: usize,
    batch_size: usize,
    learning_rate: f64,
    /// Train on the first `subset` training images only.
    subset: Option<usize>,
    seed: u64,
    /// Keep every batch the same shape, which saves a shader compilation on WebGPU.
    drop_last: bool,
    /// Start from the current weights instead of a fresh model.
    fine_tune: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        let recipe = TrainingConfig::new();
        Self {
            epochs: recipe.epochs,
            batch_size: recipe.batch_size,
            learning_rate: recipe.learning_rate,
            subset: None,
            seed: recipe.seed,
            drop_last: false,
            fine_tune: false,
        }
    }
}

/// One training step, as sent to the page.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StepResult {
    epoch: usize,
    epochs: usize,
    batch: usize,
    batches_per_epoch: usize,
    batch_size: usize,
    loss: f32,
    learning_rate: f64,
    /// Set on the last batch of an epoch.
    epoch_train_loss: Option<f64>,
    next_learning_rate: Option<f64>,
    learning_rate_reduced: bool,
    finished: bool,
}

/// Opens the browser's WebGPU device.
#[cfg(feature = "webgpu")]
async fn webgpu_device() -> Result<Device, JsError> {
    Device::wgpu_options()
        .init_async()
        .await
        .map_err(|error| JsError::new(&format!("WebGPU is not available: {error}")))
}

/// Rejects WebGPU in the CPU-only build, which has no WebGPU backend. The page
/// loads the other build (pkg-webgpu/) for WebGPU.
#[cfg(not(feature = "webgpu"))]
async fn webgpu_device() -> Result<Device, JsError> {
    Err(JsError::new(
        "this wasm build has no WebGPU backend (it was built without the `webgpu` feature); load pkg-webgpu/ for WebGPU",
    ))
}

/// The demo's state in one browser worker: the device, the live model, the
/// loaded MNIST splits and, while training, the trainer.
#[wasm_bindgen]
pub struct Demo {
    device: Device,
    backend: String,
    model: Autoencoder,
    trainer: Option<Trainer>,
    train: MnistSplit,
    /// The first `train_limit` training images, once more than that are loaded.
    train_subset: Option<MnistSplit>,
    /// The `subset` option of the running training.
    train_limit: Option<usize>,
    test: MnistSplit,
}

#[wasm_bindgen]
impl Demo {
    /// Opens `backend` ("webgpu" or "cpu") and creates an untrained model.
    /// Rejects with a message when WebGPU is missing or has no adapter.
    pub async fn create(backend: &str) -> Result<Demo, JsError> {
        let device = match backend {
            "webgpu" => webgpu_device().await?,
            "cpu" => Device::flex(),
            other => return Err(JsError::new(&format!("unknown backend {other:?}, expected \"webgpu\" or \"cpu\""))),
        };
        let model = AutoencoderConfig::new().init(&device);
        Ok(Demo {
            device,
            backend: backend.to_owned(),
            model,
            trainer: None,
            train: MnistSplit::new(),
            train_subset: None,
            train_limit: None,
            test: MnistSplit::new(),
        })
    }

    /// "webgpu" or "cpu".
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> String {
        self.backend.clone()
    }

    /// Returns what Burn's device memory pool holds, in bytes:
    /// `{ bytesInUse, bytesReserved, allocations }`, or `null` on a device
    /// that keeps no pool (the CPU backend allocates from the wasm heap).
    #[wasm_bindgen(js_name = memoryPoolUsage)]
    pub fn memory_pool_usage(&self) -> Result<JsValue, JsError> {
        let Some(usage) = self.device.memory_pool_usage() else {
            return Ok(JsValue::NULL);
        };
        convert::object(&[
            ("bytesInUse", JsValue::from(usage.bytes_in_use as f64)),
            ("bytesReserved", JsValue::from(usage.bytes_reserved as f64)),
            ("allocations", JsValue::from(usage.number_allocs as f64)),
        ])
    }

    /// Checks a served shard file (size, SHA-256, format, image count) and
    /// appends its images to `split` ("train" or "test").
    #[wasm_bindgen(js_name = addShard)]
    pub fn add_shard(
        &mut self,
        split: &str,
        name: &str,
        file: &[u8],
        bytes: f64,
        sha256: &str,
        count: usize,
    ) -> Result<(), JsError> {
        let split = match split {
            "train" => Split::Train,
            "test" => Split::Test,
            other => return Err(JsError::new(&format!("shard {name}: unknown split {other:?}"))),
        };
        let shard = Shard::from_file(name, file, bytes as u64, sha256, count).map_err(to_js_error)?;
        match split {
            Split::Train => self.train.push_shard(shard),
            Split::Test => self.test.push_shard(shard),
        }
        Ok(())
    }

    /// Training images loaded so far.
    #[wasm_bindgen(js_name = trainCount)]
    pub fn train_count(&self) -> usize {
        self.train.len()
    }

    /// Test images loaded so far.
    #[wasm_bindgen(js_name = testCount)]
    pub fn test_count(&self) -> usize {
        self.test.len()
    }

    /// Test image `index`, 784 pixels in [0, 1].
    #[wasm_bindgen(js_name = testImage)]
    pub fn test_image(&self, index: usize) -> Result<Float32Array, JsError> {
        self.check_test_index(index)?;
        Ok(Float32Array::from(self.test.image(index).as_slice()))
    }

    /// Digit label of test image `index`.
    #[wasm_bindgen(js_name = testLabel)]
    pub fn test_label(&self, index: usize) -> Result<u8, JsError> {
        self.check_test_index(index)?;
        Ok(self.test.label(index))
    }

    /// Returns all test labels, one byte each.
    #[wasm_bindgen(js_name = testLabels)]
    pub fn test_labels(&self) -> Uint8Array {
        Uint8Array::from(self.test.labels())
    }

    /// Replaces the live model with weights from a file. A bad file is
    /// rejected with a message and the current model stays in use.
    #[wasm_bindgen(js_name = loadWeights)]
    pub fn load_weights(&mut self, bytes: &[u8]) -> Result<usize, JsError> {
        let model = weights::from_bytes(bytes, &self.device).map_err(to_js_error)?;
        let bottleneck = model.bottleneck();
        self.model = model;
        self.trainer = None;
        Ok(bottleneck)
    }

    /// Serialises the live model's weights (f32), reading them from the device asynchronously.
    #[wasm_bindgen(js_name = saveWeights)]
    pub async fn save_weights(&self) -> Result<Uint8Array, JsError> {
        let bytes = weights::to_bytes(&self.live_model(), Precision::F32).await.map_err(to_js_error)?;
        Ok(Uint8Array::from(bytes.as_slice()))
    }

    /// Starts training with `options` (see `TrainOptions`), from a fresh
    /// model unless `fineTune` is set. Returns the number of training images used.
    #[wasm_bindgen(js_name = startTraining)]
    pub fn start_training(&mut self, options: JsValue) -> Result<usize, JsError> {
        let options: TrainOptions = if options.is_undefined() || options.is_null() {
            TrainOptions::default()
        } else {
            serde_wasm_bindgen::from_value(options).map_err(|error| JsError::new(&format!("invalid training options: {error}")))?
        };
        if self.train.is_empty() {
            return Err(JsError::new("no training images are loaded yet; wait for the first shard"));
        }
        let config = TrainingConfig::new()
            .with_epochs(options.epochs)
            .with_batch_size(options.batch_size)
            .with_learning_rate(options.learning_rate)
            .with_seed(options.seed)
            .with_drop_last(options.drop_last);
        let trainer = if options.fine_tune {
            Trainer::from_model(self.live_model(), config, &self.device)
        } else {
            Trainer::new(&AutoencoderConfig::new(), config, &self.device)
        }
        .map_err(to_js_error)?;
        self.train_limit = options.subset;
        self.train_subset = None;
        self.update_train_subset();
        self.trainer = Some(trainer);
        Ok(self.train_subset.as_ref().unwrap_or(&self.train).len())
    }

    /// Trains one batch and returns its report. Resolves only when the loss
    /// has been read back, so the time to resolve is the step's real time.
    #[wasm_bindgen(js_name = trainStep)]
    pub async fn train_step(&mut self) -> Result<JsValue, JsError> {
        self.update_train_subset();
        let trainer = self
            .trainer
            .as_mut()
            .ok_or_else(|| JsError::new("training has not been started"))?;
        let split = self.train_subset.as_ref().unwrap_or(&self.train);
        let report = trainer.step(split).await.map_err(to_js_error)?;
        let finished = trainer.is_finished();
        let result = StepResult {
            epoch: report.epoch,
            epochs: trainer.config().epochs,
            batch: report.batch,
            batches_per_epoch: report.batches_per_epoch,
            batch_size: report.batch_size,
            loss: report.loss,
            learning_rate: report.learning_rate,
            epoch_train_loss: report.epoch_end.as_ref().map(|summary| summary.train_loss),
            next_learning_rate: report.epoch_end.as_ref().map(|summary| summary.next_learning_rate),
            learning_rate_reduced: report.epoch_end.as_ref().is_some_and(|summary| summary.learning_rate_reduced),
            finished,
        };
        if finished {
            self.model = trainer.model();
        }
        to_js(&result)
    }

    /// Ends training and keeps the weights trained so far as the live model.
    #[wasm_bindgen(js_name = stopTraining)]
    pub fn stop_training(&mut self) {
        if let Some(trainer) = self.trainer.take() {
            self.model = trainer.model();
        }
        self.train_subset = None;
        self.train_limit = None;
    }

    /// Measures training speed on this device in images per second (see
    /// `measure_training`), with `steps` timed batches of `batchSize` images.
    #[wasm_bindgen(js_name = measureTraining)]
    pub async fn measure_training_js(&self, batch_size: usize, steps: usize) -> Result<f64, JsError> {
        if batch_size == 0 || steps == 0 {
            return Err(JsError::new("measuring needs a batch size and a step count of at least 1"));
        }
        self.measure_training(batch_size, steps).await
    }

    /// Mean squared error of the live model over the first `limit` test
    /// images (all when `limit` is 0 or too large).
    pub async fn evaluate(&self, limit: usize) -> Result<f64, JsError> {
        let test = if limit == 0 { self.test.clone() } else { self.test.subset(limit) };
        train::evaluate(&self.live_model(), &test, 1000, &self.device).await.map_err(to_js_error)
    }

    /// MNIST-style preprocessing of an RGBA canvas buffer. Returns the 28×28
    /// image, or `undefined` when nothing is drawn.
    pub fn preprocess(&self, rgba: &[u8], width: usize, height: usize) -> Result<Option<Float32Array>, JsError> {
        let canvas = Canvas { width, height, format: PixelFormat::Rgba, data: rgba };
        Ok(match preprocess::preprocess(&canvas).map_err(to_js_error)? {
            Preprocessed::Image(image) => Some(Float32Array::from(image.as_slice())),
            Preprocessed::NothingDrawn => None,
        })
    }

    /// Reconstructs images (784 values each).
    pub async fn reconstruct(&self, images: &[f32]) -> Result<Float32Array, JsError> {
        let output = inference::reconstruct(&self.live_model(), images, &self.device).await.map_err(to_js_error)?;
        Ok(Float32Array::from(output.as_slice()))
    }

    /// Bottleneck codes of images.
    pub async fn encode(&self, images: &[f32]) -> Result<Float32Array, JsError> {
        let output = inference::encode(&self.live_model(), images, &self.device).await.map_err(to_js_error)?;
        Ok(Float32Array::from(output.as_slice()))
    }

    /// Adds Gaussian noise of standard deviation `sigma` and denoises.
    /// Returns `{ noisy, denoised, noisyMse, denoisedMse }`, the images as
    /// Float32Arrays.
    pub async fn denoise(&self, image: &[f32], sigma: f32, seed: u32) -> Result<JsValue, JsError> {
        let result = inference::denoise(&self.live_model(), image, sigma, u64::from(seed), &self.device)
            .await
            .map_err(to_js_error)?;
        // Built by hand rather than through serde, whose element-by-element
        // arrays made this call take about 0.8 s in Chromium.
        convert::object(&[
            ("noisy", Float32Array::from(result.noisy.as_slice()).into()),
            ("denoised", Float32Array::from(result.denoised.as_slice()).into()),
            ("noisyMse", JsValue::from(mse(image, &result.noisy))),
            ("denoisedMse", JsValue::from(mse(image, &result.denoised))),
        ])
    }

    /// Decodes the `steps + 1` frames between the codes of images `a` and `b`.
    pub async fn interpolate(&self, a: &[f32], b: &[f32], steps: usize) -> Result<Float32Array, JsError> {
        let frames = inference::interpolate(&self.live_model(), a, b, steps, &self.device)
            .await
            .map_err(to_js_error)?;
        Ok(Float32Array::from(frames.as_slice()))
    }
}

impl Demo {
    /// Trains a throwaway model for `steps` timed batches of `batch_size`
    /// random images, after one warm-up batch (which includes any shader
    /// compilation), and returns the images per second. The live model and
    /// the loaded data are untouched. The page calls this on each device to
    /// pick the faster one.
    async fn measure_training(&self, batch_size: usize, steps: usize) -> Result<f64, JsError> {
        let pixels: Vec<u8> = (0..batch_size * crate::model::IMAGE_PIXELS)
            .map(|i| ((i * 2_654_435_761usize) >> 24) as u8)
            .collect();
        let split = MnistSplit::from_parts(pixels, vec![0; batch_size]);
        let config = TrainingConfig::new().with_epochs(steps + 1).with_batch_size(batch_size);
        let mut trainer = Trainer::new(&AutoencoderConfig::new(), config, &self.device).map_err(to_js_error)?;

        trainer.step(&split).await.map_err(to_js_error)?;
        let started = js_sys::Date::now();
        for _ in 0..steps {
            trainer.step(&split).await.map_err(to_js_error)?;
        }
        let seconds = (js_sys::Date::now() - started) / 1000.0;
        Ok((batch_size * steps) as f64 / seconds.max(1e-6))
    }

    /// Training may start while shards still arrive, so the training images
    /// are all those loaded so far, up to `train_limit`. Copies the first
    /// `train_limit` images once more than that are loaded.
    fn update_train_subset(&mut self) {
        let Some(limit) = self.train_limit else { return };
        let copied = self.train_subset.as_ref().map_or(0, MnistSplit::len);
        if self.train.len() > limit && copied < limit {
            self.train_subset = Some(self.train.subset(limit));
        }
    }

    /// Returns the model inference runs on: the one being trained, else the loaded one.
    fn live_model(&self) -> Autoencoder {
        match &self.trainer {
            Some(trainer) => trainer.model(),
            None => self.model.clone(),
        }
    }

    fn check_test_index(&self, index: usize) -> Result<(), JsError> {
        if index >= self.test.len() {
            return Err(JsError::new(&format!(
                "test image {index} does not exist, {} test images are loaded",
                self.test.len()
            )));
        }
        Ok(())
    }
}
