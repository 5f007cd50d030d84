//! `autoencoder train`: the recipe, natively, with a progress bar.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use mnist_autoencoder::train::{TrainingConfig, evaluate};
use mnist_autoencoder::weights::{self, Precision};
use mnist_autoencoder::{AutoencoderConfig, Trainer};

use super::device::{self, DeviceChoice};
use super::plot::{self, EpochPoint};
use super::CliResult;

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Bottleneck size.
    #[arg(short = 'z', long, default_value_t = 8)]
    bottleneck: usize,
    /// Epochs.
    #[arg(short, long, default_value_t = 50)]
    epochs: usize,
    /// Batch size in images.
    #[arg(short, long, default_value_t = 2048)]
    batch_size: usize,
    /// Initial learning rate of Adam.
    #[arg(short, long, default_value_t = 1e-3)]
    learning_rate: f64,
    /// L2 weight decay.
    #[arg(long, default_value_t = 1e-5)]
    weight_decay: f64,
    /// Epochs without improvement before the learning rate drops.
    #[arg(long, default_value_t = 5)]
    patience: usize,
    /// Seed of the initial weights and the shuffles.
    #[arg(long, default_value_t = TrainingConfig::new().seed)]
    seed: u64,
    /// Train on the first N training images only.
    #[arg(long)]
    subset: Option<usize>,
    /// Output path of the weights file.
    #[arg(short, long, default_value = "weights.bin")]
    save: PathBuf,
    /// Store the weights as f16 (half the size) instead of f32.
    #[arg(long)]
    half: bool,
    /// Output path of the loss-curve PNG.
    #[arg(short, long, default_value = "loss.png")]
    plot: PathBuf,
    /// Folder with manifest.json and the shards.
    #[arg(long, default_value_os_t = super::default_data_dir())]
    data: PathBuf,
    /// Device to train on.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Auto)]
    device: DeviceChoice,
}

pub fn run(args: TrainArgs) -> CliResult {
    let (train, test) = super::data::load_splits(&args.data)?;
    let train = match args.subset {
        Some(count) => train.subset(count),
        None => train,
    };
    let (device, device_name) = device::open(args.device)?;
    println!(
        "training on {device_name}: {} training and {} test images, bottleneck {}",
        train.len(),
        test.len(),
        args.bottleneck
    );

    let model_config = AutoencoderConfig::new().with_bottleneck(args.bottleneck);
    let config = TrainingConfig::new()
        .with_epochs(args.epochs)
        .with_batch_size(args.batch_size)
        .with_learning_rate(args.learning_rate)
        .with_weight_decay(args.weight_decay)
        .with_plateau_patience(args.patience)
        .with_seed(args.seed);
    let mut trainer = Trainer::new(&model_config, config, &device).map_err(|error| error.to_string())?;

    let batches = trainer.batches_per_epoch(train.len());
    let progress = ProgressBar::new((batches * args.epochs) as u64);
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} batches, {elapsed} elapsed, {eta} left  {msg}")
            .expect("the template is valid"),
    );

    let mut history = Vec::new();
    let mut batch_losses = Vec::new();
    let mut epoch_start = Instant::now();
    while !trainer.is_finished() {
        let report = pollster::block_on(trainer.step(&train)).map_err(|error| error.to_string())?;
        batch_losses.push(report.loss);
        progress.inc(1);
        progress.set_message(format!("epoch {} loss {:.5}", report.epoch, report.loss));

        if let Some(summary) = report.epoch_end {
            let seconds = epoch_start.elapsed().as_secs_f64();
            let test_mse = pollster::block_on(evaluate(&trainer.model(), &test, 2048, &device))
                .map_err(|error| error.to_string())?;
            // `suspend` rather than `ProgressBar::println`, which prints nothing
            // when the output is not a terminal.
            progress.suspend(|| {
                println!(
                    "epoch {:>3}: train loss {:.5}, test MSE {:.5}, learning rate {:.0e}{}, {:.1} s",
                    summary.epoch,
                    summary.train_loss,
                    test_mse,
                    report.learning_rate,
                    if summary.learning_rate_reduced { ", lowered for the next epoch" } else { "" },
                    seconds
                )
            });
            history.push(EpochPoint {
                epoch: summary.epoch,
                train_loss: summary.train_loss,
                test_mse,
                learning_rate_reduced: summary.learning_rate_reduced,
            });
            epoch_start = Instant::now();
        }
    }
    progress.finish_and_clear();

    let precision = if args.half { Precision::F16 } else { Precision::F32 };
    for path in [&args.save, &args.plot] {
        if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
        }
    }
    let bytes = pollster::block_on(weights::to_bytes(&trainer.model(), precision)).map_err(|error| error.to_string())?;
    std::fs::write(&args.save, &bytes).map_err(|error| format!("cannot write {}: {error}", args.save.display()))?;
    plot::loss_curve(&args.plot, &history, &batch_losses, batches)?;

    let last = history.last().expect("at least one epoch ran");
    println!(
        "final test MSE {:.5}; weights saved to {}, loss curve to {}",
        last.test_mse,
        args.save.display(),
        args.plot.display()
    );
    Ok(())
}
