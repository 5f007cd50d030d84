//! The loss-curve PNG.

use std::path::Path;
use std::sync::Once;

use plotters::prelude::*;
use plotters::style::FontStyle;

/// DejaVu Sans (Bitstream Vera license, see `assets/fonts/LICENSE`), bundled
/// so the chart's text renders without system fonts.
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// One finished epoch on the chart.
#[derive(Debug, Clone)]
pub struct EpochPoint {
    pub epoch: usize,
    pub train_loss: f64,
    pub test_mse: f64,
    pub learning_rate_reduced: bool,
}

fn register_font() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT)
            .unwrap_or_else(|_| panic!("the bundled font is a valid TrueType file"));
    });
}

/// Draws the per-batch training loss, the per-epoch training loss and test
/// MSE on a log scale, with a dashed line where the learning rate dropped.
pub fn loss_curve(
    path: &Path,
    history: &[EpochPoint],
    batch_losses: &[f32],
    batches_per_epoch: usize,
) -> Result<(), String> {
    register_font();
    let draw_error = |error: Box<dyn std::error::Error>| format!("cannot draw {}: {error}", path.display());
    let epochs = history.len().max(1) as f64;

    let values = batch_losses
        .iter()
        .map(|&v| f64::from(v))
        .chain(history.iter().flat_map(|p| [p.train_loss, p.test_mse]))
        .filter(|v| *v > 0.0);
    let (low, high) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (low, high) = if low < high { (low * 0.9, high * 1.1) } else { (1e-3, 1.0) };

    let root = BitMapBackend::new(path, (900, 540)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| draw_error(Box::new(e)))?;
    let mut chart = ChartBuilder::on(&root)
        .caption("Autoencoder loss (MSE)", ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..epochs, (low..high).log_scale())
        .map_err(|e| draw_error(Box::new(e)))?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc("MSE")
        .y_labels(12)
        .y_label_formatter(&|v| format!("{v:.3}"))
        .draw()
        .map_err(|e| draw_error(Box::new(e)))?;

    let per_batch = 1.0 / batches_per_epoch.max(1) as f64;
    chart
        .draw_series(LineSeries::new(
            batch_losses
                .iter()
                .enumerate()
                .map(|(i, &v)| ((i + 1) as f64 * per_batch, f64::from(v))),
            RGBColor(160, 190, 230).stroke_width(1),
        ))
        .map_err(|e| draw_error(Box::new(e)))?
        .label("training loss, per batch")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RGBColor(160, 190, 230)));
    chart
        .draw_series(LineSeries::new(
            history.iter().map(|p| (p.epoch as f64, p.train_loss)),
            BLUE.stroke_width(2),
        ))
        .map_err(|e| draw_error(Box::new(e)))?
        .label("training loss, epoch mean")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    chart
        .draw_series(LineSeries::new(
            history.iter().map(|p| (p.epoch as f64, p.test_mse)),
            RED.stroke_width(2),
        ))
        .map_err(|e| draw_error(Box::new(e)))?
        .label("test MSE")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED.stroke_width(2)));
    for point in history.iter().filter(|p| p.learning_rate_reduced) {
        let x = point.epoch as f64;
        chart
            .draw_series(DashedLineSeries::new([(x, low), (x, high)], 6, 4, BLACK.mix(0.5).stroke_width(1)))
            .map_err(|e| draw_error(Box::new(e)))?;
    }

    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(|e| draw_error(Box::new(e)))?;
    root.present().map_err(|e| draw_error(Box::new(e)))?;
    Ok(())
}
