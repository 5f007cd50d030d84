// Drawing 28×28 images (784 values in [0, 1]) onto canvases.

export const SIDE = 28;

/** Paints one image into a 28×28 canvas, white ink on black as MNIST is shown. */
export function paintDigit(canvas, image) {
  const context = canvas.getContext('2d');
  const pixels = context.createImageData(SIDE, SIDE);
  for (let i = 0; i < SIDE * SIDE; i += 1) {
    const value = image ? Math.round(Math.min(1, Math.max(0, image[i])) * 255) : 0;
    pixels.data[4 * i] = value;
    pixels.data[4 * i + 1] = value;
    pixels.data[4 * i + 2] = value;
    pixels.data[4 * i + 3] = 255;
  }
  context.putImageData(pixels, 0, 0);
}

/** Paints `frames` (a flat array of 784 values per frame) side by side. */
export function paintStrip(canvas, frames) {
  const count = frames.length / (SIDE * SIDE);
  canvas.width = count * SIDE;
  canvas.height = SIDE;
  const context = canvas.getContext('2d');
  const pixels = context.createImageData(count * SIDE, SIDE);
  for (let frame = 0; frame < count; frame += 1) {
    for (let y = 0; y < SIDE; y += 1) {
      for (let x = 0; x < SIDE; x += 1) {
        const value = Math.round(Math.min(1, Math.max(0, frames[frame * SIDE * SIDE + y * SIDE + x])) * 255);
        const offset = 4 * (y * count * SIDE + frame * SIDE + x);
        pixels.data[offset] = value;
        pixels.data[offset + 1] = value;
        pixels.data[offset + 2] = value;
        pixels.data[offset + 3] = 255;
      }
    }
  }
  context.putImageData(pixels, 0, 0);
}

/** Returns a PNG of `canvas` enlarged `zoom` times without smoothing. */
export function enlargedPng(canvas, zoom = 8) {
  const large = document.createElement('canvas');
  large.width = canvas.width * zoom;
  large.height = canvas.height * zoom;
  const context = large.getContext('2d');
  context.imageSmoothingEnabled = false;
  context.drawImage(canvas, 0, 0, large.width, large.height);
  return new Promise((resolve, reject) => {
    large.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the browser could not encode the PNG'))), 'image/png');
  });
}

/** Saves `blob` as a file named `name`. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Mean squared error of two equally long arrays. */
export function mse(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += (a[i] - b[i]) ** 2;
  return sum / a.length;
}
