//! Reduce-on-plateau learning-rate schedule.
//!
//! Burn 0.22's `burn-optim` has step, cosine, exponential and similar
//! schedules but none driven by a metric, so this one is written here. It
//! follows PyTorch's `ReduceLROnPlateau` in `min` mode with a relative
//! threshold and no cooldown.

/// Settings of [`ReduceOnPlateau`]. The defaults are PyTorch's, except
/// `patience`, which is 5 in this demo's recipe.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlateauConfig {
    /// Factor the rate is multiplied by on a plateau.
    pub factor: f64,
    /// Number of epochs without improvement that are tolerated; the rate
    /// drops on the next one.
    pub patience: usize,
    /// An epoch improves when its loss is below `best × (1 − threshold)`.
    pub threshold: f64,
    /// The rate never drops below this.
    pub min_learning_rate: f64,
}

impl Default for PlateauConfig {
    fn default() -> Self {
        Self {
            factor: 0.1,
            patience: 5,
            threshold: 1e-4,
            min_learning_rate: 0.0,
        }
    }
}

/// Lowers the learning rate when the monitored loss stops improving.
#[derive(Debug, Clone, PartialEq)]
pub struct ReduceOnPlateau {
    config: PlateauConfig,
    learning_rate: f64,
    best: f64,
    bad_epochs: usize,
}

impl ReduceOnPlateau {
    /// Creates a schedule that starts at `learning_rate`.
    pub fn new(learning_rate: f64, config: PlateauConfig) -> Self {
        Self {
            config,
            learning_rate,
            best: f64::INFINITY,
            bad_epochs: 0,
        }
    }

    /// Returns the current learning rate.
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// Records one epoch's loss and returns the learning rate for the next
    /// epoch. A NaN loss counts as no improvement.
    pub fn step(&mut self, loss: f64) -> f64 {
        if loss < self.best * (1.0 - self.config.threshold) {
            self.best = loss;
            self.bad_epochs = 0;
        } else {
            self.bad_epochs += 1;
        }

        if self.bad_epochs > self.config.patience {
            let reduced = (self.learning_rate * self.config.factor).max(self.config.min_learning_rate);
            // PyTorch skips changes smaller than 1e-8 so the rate settles.
            if self.learning_rate - reduced > 1e-8 {
                self.learning_rate = reduced;
            }
            self.bad_epochs = 0;
        }
        self.learning_rate
    }
}
