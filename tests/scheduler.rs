//! The reduce-on-plateau learning-rate schedule.

use mnist_autoencoder::scheduler::{PlateauConfig, ReduceOnPlateau};

#[test]
fn plateau_lowers_rate_after_patience() {
    let mut schedule = ReduceOnPlateau::new(1e-3, PlateauConfig::default());
    assert_eq!(schedule.step(0.5), 1e-3, "first epoch sets the best loss");
    for flat_epoch in 1..=5 {
        assert_eq!(schedule.step(0.5), 1e-3, "flat epoch {flat_epoch} is within the patience of 5");
    }
    let lowered = schedule.step(0.5);
    assert!((lowered - 1e-4).abs() < 1e-12, "the sixth flat epoch lowers the rate, got {lowered}");
    assert_eq!(schedule.learning_rate(), lowered);
}

#[test]
fn plateau_improvement_resets_count() {
    let mut schedule = ReduceOnPlateau::new(1e-3, PlateauConfig::default());
    let losses = [1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9];
    for loss in losses {
        assert_eq!(schedule.step(loss), 1e-3);
    }
    assert!(schedule.step(0.9) < 1e-3, "six flat epochs after the last improvement");
}

#[test]
fn plateau_ignores_tiny_improvements() {
    let mut schedule = ReduceOnPlateau::new(1e-3, PlateauConfig::default());
    let mut loss = 1.0;
    schedule.step(loss);
    for _ in 0..5 {
        loss *= 1.0 - 1e-5; // below the 1e-4 relative threshold
        assert_eq!(schedule.step(loss), 1e-3);
    }
    loss *= 1.0 - 1e-5;
    assert!(schedule.step(loss) < 1e-3);
}

#[test]
fn plateau_respects_minimum_and_patience_option() {
    let config = PlateauConfig {
        patience: 0,
        min_learning_rate: 5e-4,
        ..PlateauConfig::default()
    };
    let mut schedule = ReduceOnPlateau::new(1e-3, config);
    schedule.step(1.0);
    assert_eq!(schedule.step(1.0), 5e-4, "patience 0 lowers on the first flat epoch, clamped to the minimum");
    assert_eq!(schedule.step(1.0), 5e-4);
}

#[test]
fn plateau_counts_nan_as_no_improvement() {
    let config = PlateauConfig { patience: 1, ..PlateauConfig::default() };
    let mut schedule = ReduceOnPlateau::new(1e-3, config);
    schedule.step(1.0);
    assert_eq!(schedule.step(f64::NAN), 1e-3);
    assert!(schedule.step(f64::NAN) < 1e-3);
}
