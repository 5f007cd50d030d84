// The drawing pad: Pointer Events for mouse, pen and touch, sharp on
// high-DPI screens, and a fixed 280×280 copy of the strokes that the model
// reads, whatever the screen's pixel ratio.

/** Logical size of the pad in CSS pixels, and of the model's copy. */
export const PAD_SIZE = 280;

/** Side of the model's copy in pixels: half the pad, still 7 times MNIST's
 *  20 px digit box, and a quarter of the pixels to preprocess. */
export const MODEL_SIZE = 140;

/** Stroke width in pad pixels: about 2 px once scaled into MNIST's 20 px box. */
const LINE_WIDTH = 20;

export class DrawingPad {
  /**
   * @param {HTMLCanvasElement} canvas the visible pad
   * @param {() => void} onChange called after every stroke segment and on clear
   */
  constructor(canvas, onChange) {
    this.canvas = canvas;
    this.onChange = onChange;
    this.model = document.createElement('canvas');
    this.model.width = MODEL_SIZE;
    this.model.height = MODEL_SIZE;
    this.modelContext = this.model.getContext('2d', { willReadFrequently: true });
    // Strokes are given in pad coordinates; this maps them onto the smaller copy.
    this.modelContext.setTransform(MODEL_SIZE / PAD_SIZE, 0, 0, MODEL_SIZE / PAD_SIZE, 0, 0);
    this.empty = true;
    this.last = null;
    this.pointerId = null;
    this.resize();
    window.matchMedia?.(`(resolution: ${window.devicePixelRatio}dppx)`).addEventListener?.('change', () => this.resize());

    canvas.addEventListener('pointerdown', (event) => this.down(event));
    canvas.addEventListener('pointermove', (event) => this.move(event));
    canvas.addEventListener('pointerup', (event) => this.up(event));
    canvas.addEventListener('pointercancel', (event) => this.up(event));
    canvas.addEventListener('keydown', (event) => {
      if (event.key === 'Delete' || event.key === 'Backspace') {
        event.preventDefault();
        this.clear();
      }
    });
  }

  /** Matches the visible canvas's backing store to the device pixel ratio
   *  and redraws it from the model copy. */
  resize() {
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(PAD_SIZE * ratio);
    this.canvas.height = Math.round(PAD_SIZE * ratio);
    const context = this.canvas.getContext('2d');
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.drawImage(this.model, 0, 0, PAD_SIZE, PAD_SIZE);
    this.context = context;
  }

  point(event) {
    const box = this.canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) / box.width) * PAD_SIZE,
      y: ((event.clientY - box.top) / box.height) * PAD_SIZE,
    };
  }

  down(event) {
    if (this.pointerId !== null || (event.pointerType === 'mouse' && event.button !== 0)) return;
    event.preventDefault();
    this.pointerId = event.pointerId;
    this.canvas.setPointerCapture?.(event.pointerId);
    this.last = this.point(event);
    this.segment(this.last, this.last, event.pressure);
  }

  move(event) {
    if (event.pointerId !== this.pointerId) return;
    event.preventDefault();
    // Coalesced events keep fast strokes smooth where the browser batches them.
    const events = event.getCoalescedEvents?.() ?? [event];
    for (const item of events.length ? events : [event]) {
      const next = this.point(item);
      this.segment(this.last, next, item.pressure);
      this.last = next;
    }
  }

  up(event) {
    if (event.pointerId !== this.pointerId) return;
    this.pointerId = null;
    this.last = null;
  }

  segment(from, to, pressure) {
    // Pens report pressure; mice report 0.5 while pressed.
    const width = LINE_WIDTH * (pressure > 0 && pressure !== 0.5 ? 0.6 + 0.8 * pressure : 1);
    for (const context of [this.context, this.modelContext]) {
      context.strokeStyle = '#000';
      context.lineWidth = width;
      context.lineCap = 'round';
      context.lineJoin = 'round';
      context.beginPath();
      context.moveTo(from.x, from.y);
      context.lineTo(to.x, to.y);
      context.stroke();
    }
    this.empty = false;
    this.onChange();
  }

  /** Paints a 28×28 image (values in [0, 1]) onto the pad as ink. */
  putDigit(image) {
    this.clear(false);
    const small = document.createElement('canvas');
    small.width = 28;
    small.height = 28;
    const context = small.getContext('2d');
    const pixels = context.createImageData(28, 28);
    for (let i = 0; i < 784; i += 1) pixels.data[4 * i + 3] = Math.round(image[i] * 255);
    context.putImageData(pixels, 0, 0);
    for (const target of [this.context, this.modelContext]) {
      target.imageSmoothingEnabled = true;
      target.drawImage(small, 0, 0, PAD_SIZE, PAD_SIZE);
    }
    this.empty = false;
    this.onChange();
  }

  clear(notify = true) {
    this.context.clearRect(0, 0, PAD_SIZE, PAD_SIZE);
    this.modelContext.clearRect(0, 0, PAD_SIZE, PAD_SIZE);
    this.empty = true;
    if (notify) this.onChange();
  }

  /** Returns the model's copy as RGBA bytes, MODEL_SIZE × MODEL_SIZE. */
  pixels() {
    return this.modelContext.getImageData(0, 0, MODEL_SIZE, MODEL_SIZE);
  }
}
