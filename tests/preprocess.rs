//! Drawing preprocessing: crop, scale to 20 px, centre by mass in 28×28.

mod common;

use mnist_autoencoder::inference::mse;
use mnist_autoencoder::preprocess::{
    Canvas, FIELD_CENTRE, PixelFormat, PreprocessError, Preprocessed, centre_of_mass, preprocess,
};

fn run(width: usize, height: usize, data: &[u8]) -> Preprocessed {
    preprocess(&Canvas { width, height, format: PixelFormat::Alpha, data }).unwrap()
}

/// Width and height of the box of pixels above `threshold`.
fn extent(image: &[f32], threshold: f32) -> (usize, usize) {
    let lit: Vec<(usize, usize)> = (0..784).filter(|i| image[*i] > threshold).map(|i| (i % 28, i / 28)).collect();
    let width = lit.iter().map(|p| p.0).max().unwrap() - lit.iter().map(|p| p.0).min().unwrap() + 1;
    let height = lit.iter().map(|p| p.1).max().unwrap() - lit.iter().map(|p| p.1).min().unwrap() + 1;
    (width, height)
}

#[test]
fn centre_of_mass_at_field_centre() {
    // A 7 drawn small in the top-left corner of a 280×280 canvas.
    let canvas = common::draw_strokes(280, 280, common::SEVEN, 10.0, 20.0, 90.0, 9.0);
    let image = run(280, 280, &canvas).image().unwrap().to_vec();
    let (x, y) = centre_of_mass(&image).unwrap();
    let distance = ((x - FIELD_CENTRE).powi(2) + (y - FIELD_CENTRE).powi(2)).sqrt();
    assert!(distance < 0.5, "centre of mass at ({x}, {y}), {distance} px from the centre");
}

#[test]
fn field_centre_is_mnists() {
    let test = common::load(mnist_autoencoder::data::Split::Test, 1);
    let (mut sum_x, mut sum_y) = (0.0, 0.0);
    for index in 0..1000 {
        let (x, y) = centre_of_mass(&test.image(index)).unwrap();
        sum_x += x;
        sum_y += y;
    }
    let (x, y) = (sum_x / 1000.0, sum_y / 1000.0);
    assert!((x - FIELD_CENTRE).abs() < 0.1, "MNIST's mean centre of mass is at x = {x}");
    assert!((y - FIELD_CENTRE).abs() < 0.1, "MNIST's mean centre of mass is at y = {y}");
}

#[test]
fn longer_side_fits_20_px() {
    // A tall, thin bar: 40 px wide, 200 px high.
    let mut canvas = vec![0u8; 300 * 300];
    for y in 50..250 {
        for x in 100..140 {
            canvas[y * 300 + x] = 255;
        }
    }
    let image = run(300, 300, &canvas).image().unwrap().to_vec();
    let (width, height) = extent(&image, 0.0);
    assert!((20..=21).contains(&height), "longer side spans {height} px");
    assert!((4..=5).contains(&width), "the aspect ratio is kept, width {width} px");
    let ink: f32 = image.iter().sum();
    assert!((ink - 80.0).abs() < 0.5, "a 20×4 block holds 80 pixels of ink, got {ink}");
    assert!(image.iter().all(|v| (0.0..=1.0).contains(v)));

    // A wide bar scales by its width instead.
    let mut wide = vec![0u8; 300 * 300];
    for y in 100..120 {
        for x in 20..280 {
            wide[y * 300 + x] = 255;
        }
    }
    let (width, height) = extent(run(300, 300, &wide).image().unwrap(), 0.0);
    assert!((20..=21).contains(&width), "longer side spans {width} px");
    assert!(height <= 3, "short side {height} px");
}

#[test]
fn small_offset_digit_matches_large_centred() {
    let small = common::draw_strokes(280, 280, common::SEVEN, 150.0, 160.0, 100.0, 10.0);
    let large = common::draw_strokes(280, 280, common::SEVEN, 40.0, 40.0, 200.0, 20.0);
    let small = run(280, 280, &small).image().unwrap().to_vec();
    let large = run(280, 280, &large).image().unwrap().to_vec();
    let difference = mse(&small, &large);
    assert!(difference < 0.005, "MSE between the two is {difference}");

    // A different digit is far away, so the threshold above means something.
    let one: &[&[(f32, f32)]] = &[&[(0.5, 0.05), (0.5, 0.95)]];
    let one = run(280, 280, &common::draw_strokes(280, 280, one, 40.0, 40.0, 200.0, 20.0)).image().unwrap().to_vec();
    assert!(mse(&one, &large) > 0.05);
}

#[test]
fn rgba_dark_ink_matches_alpha() {
    let alpha = common::draw_strokes(140, 100, common::SEVEN, 20.0, 10.0, 80.0, 8.0);
    // Black ink on an opaque white canvas.
    let white: Vec<u8> = alpha.iter().flat_map(|&a| { let v = 255 - a; [v, v, v, 255] }).collect();
    // Black ink on a transparent canvas.
    let transparent: Vec<u8> = alpha.iter().flat_map(|&a| [0, 0, 0, a]).collect();

    let expected = run(140, 100, &alpha).image().unwrap().to_vec();
    for data in [white, transparent] {
        let found = preprocess(&Canvas { width: 140, height: 100, format: PixelFormat::Rgba, data: &data }).unwrap();
        assert!(mse(found.image().unwrap(), &expected) < 1e-6);
    }
}

#[test]
fn empty_or_speck_is_nothing_drawn() {
    assert_eq!(run(280, 280, &vec![0u8; 280 * 280]), Preprocessed::NothingDrawn);

    let mut speck = vec![0u8; 280 * 280];
    speck[140 * 280 + 140] = 255;
    speck[140 * 280 + 141] = 255;
    assert_eq!(run(280, 280, &speck), Preprocessed::NothingDrawn);

    let faint = vec![10u8; 280 * 280];
    assert_eq!(run(280, 280, &faint), Preprocessed::NothingDrawn, "a faint wash has no pixel above the ink threshold");

    let white = vec![255u8; 4 * 50 * 50];
    let canvas = Canvas { width: 50, height: 50, format: PixelFormat::Rgba, data: &white };
    assert_eq!(preprocess(&canvas).unwrap(), Preprocessed::NothingDrawn);
}

#[test]
fn wrong_buffer_rejected() {
    let data = vec![0u8; 99];
    let canvas = Canvas { width: 10, height: 10, format: PixelFormat::Alpha, data: &data };
    assert_eq!(
        preprocess(&canvas),
        Err(PreprocessError::WrongLength { width: 10, height: 10, format: PixelFormat::Alpha, expected: 100, found: 99 })
    );
    let canvas = Canvas { width: 0, height: 10, format: PixelFormat::Rgba, data: &[] };
    assert_eq!(preprocess(&canvas), Err(PreprocessError::EmptyCanvas { width: 0, height: 10 }));
}

#[test]
fn mnist_digit_survives_preprocessing() {
    // A real MNIST digit is already cropped, scaled and centred, so
    // preprocessing it (as if drawn at 10× size) changes it only a little.
    let test = common::load(mnist_autoencoder::data::Split::Test, 1);
    let digit = test.image_bytes(0);
    let mut canvas = vec![0u8; 280 * 280];
    for y in 0..280 {
        for x in 0..280 {
            canvas[y * 280 + x] = digit[(y / 10) * 28 + x / 10];
        }
    }
    let image = run(280, 280, &canvas).image().unwrap().to_vec();
    let difference = mse(&image, &test.image(0));
    assert!(difference < 0.02, "MSE to the original is {difference}");
}

