//! Training on real MNIST images.

mod common;

use burn::prelude::*;
use mnist_autoencoder::data::Split;
use mnist_autoencoder::train::{TrainError, TrainingConfig, evaluate};
use mnist_autoencoder::{AutoencoderConfig, Trainer};

#[test]
fn one_epoch_lowers_loss() {
    let device = Device::flex();
    let train = common::load(Split::Train, 1).subset(2048);
    let config = TrainingConfig::new().with_epochs(1).with_batch_size(256);
    let mut trainer = Trainer::new(&AutoencoderConfig::new(), config, &device).unwrap();

    let before = pollster::block_on(evaluate(&trainer.model(), &train, 1024, &device)).unwrap();
    let mut reports = Vec::new();
    while !trainer.is_finished() {
        reports.push(pollster::block_on(trainer.step(&train)).unwrap());
    }
    let after = pollster::block_on(evaluate(&trainer.model(), &train, 1024, &device)).unwrap();

    assert_eq!(reports.len(), 8);
    assert!(before > 0.1, "an untrained model's MSE is about 0.2, got {before}");
    assert!(after < before * 0.8, "MSE went from {before} to {after}");
    assert!(reports.last().unwrap().loss < reports[0].loss);

    let summary = reports.last().unwrap().epoch_end.clone().expect("the last batch ends the epoch");
    assert_eq!(summary.epoch, 1);
    let mean = reports.iter().map(|r| f64::from(r.loss)).sum::<f64>() / 8.0;
    assert!((summary.train_loss - mean).abs() < 1e-6, "equal batches give the plain mean");
    assert!(reports[..7].iter().all(|r| r.epoch_end.is_none()));
    assert_eq!(pollster::block_on(trainer.step(&train)), Err(TrainError::Finished { epochs: 1 }));
}

#[test]
fn last_batch_partial_or_dropped() {
    let device = Device::flex();
    let train = common::load(Split::Train, 1).subset(300);
    let config = TrainingConfig::new().with_epochs(1).with_batch_size(128);
    let mut trainer = Trainer::new(&AutoencoderConfig::new(), config.clone(), &device).unwrap();
    let sizes: Vec<usize> = (0..3).map(|_| pollster::block_on(trainer.step(&train)).unwrap().batch_size).collect();
    assert_eq!(sizes, [128, 128, 44]);
    assert!(trainer.is_finished());

    let mut trainer = Trainer::new(&AutoencoderConfig::new(), config.with_drop_last(true), &device).unwrap();
    let sizes: Vec<usize> = (0..2).map(|_| pollster::block_on(trainer.step(&train)).unwrap().batch_size).collect();
    assert_eq!(sizes, [128, 128]);
    assert!(trainer.is_finished());
}

#[test]
fn same_seed_same_training() {
    let device = Device::flex();
    let train = common::load(Split::Train, 1).subset(256);
    let run = || {
        let config = TrainingConfig::new().with_epochs(2).with_batch_size(64).with_seed(3);
        let mut trainer = Trainer::new(&AutoencoderConfig::new(), config, &device).unwrap();
        (0..8).map(|_| pollster::block_on(trainer.step(&train)).unwrap().loss).collect::<Vec<f32>>()
    };
    assert_eq!(run(), run());
}

#[test]
fn invalid_options_and_empty_data() {
    let device = Device::flex();
    let model = AutoencoderConfig::new();
    for config in [
        TrainingConfig::new().with_batch_size(0),
        TrainingConfig::new().with_epochs(0),
        TrainingConfig::new().with_learning_rate(-1.0),
        TrainingConfig::new().with_learning_rate(f64::NAN),
        TrainingConfig::new().with_plateau_factor(1.5),
    ] {
        assert!(matches!(Trainer::new(&model, config, &device), Err(TrainError::InvalidConfig(_))));
    }

    let mut trainer = Trainer::new(&model, TrainingConfig::new(), &device).unwrap();
    let empty = mnist_autoencoder::data::MnistSplit::new();
    assert_eq!(pollster::block_on(trainer.step(&empty)), Err(TrainError::NoData));
}

#[test]
fn images_added_mid_epoch_join_next_epoch() {
    let device = Device::flex();
    let all = common::load(Split::Train, 1);
    let mut train = all.subset(512);
    let config = TrainingConfig::new().with_epochs(2).with_batch_size(256);
    let mut trainer = Trainer::new(&AutoencoderConfig::new(), config, &device).unwrap();

    let first = pollster::block_on(trainer.step(&train)).unwrap();
    assert_eq!(first.batches_per_epoch, 2);

    // A shard arrives during the first epoch, as in the browser.
    train = all.subset(1024);
    let second = pollster::block_on(trainer.step(&train)).unwrap();
    assert_eq!(second.batches_per_epoch, 2, "the running epoch keeps its images");
    assert!(second.epoch_end.is_some(), "the first epoch ends after its own 512 images");

    let mut reports = Vec::new();
    while !trainer.is_finished() {
        reports.push(pollster::block_on(trainer.step(&train)).unwrap());
    }
    assert_eq!(reports.len(), 4, "the second epoch covers all 1,024 images");
    assert!(reports.iter().all(|report| report.epoch == 2 && report.batches_per_epoch == 4));
}
