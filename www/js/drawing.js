// The drawing panel: the pad, the 28×28 model input and the live
// reconstruction. At most one request is in flight; strokes drawn meanwhile
// are sent as soon as it returns, so the preview follows the pen.

import { DrawingPad } from './draw.js';
import { paintDigit } from './images.js';
import { showError, showPanelMessage } from './status.js';
import { loadSource } from './sources.js';

const $ = (id) => document.getElementById(id);

export class DrawPanel {
  constructor(app) {
    this.app = app;
    this.busy = false;
    this.dirty = false;
    this.timings = [];
    this.pad = new DrawingPad($('pad'), () => this.schedule());
    $('clear-pad').addEventListener('click', () => {
      this.pad.clear();
      $('pad').focus();
    });
    $('pad-put').addEventListener('click', () => this.putTestDigit());
    paintDigit($('preview'), null);
    paintDigit($('reconstruction'), null);
    app.on((type) => {
      if (type === 'session') this.timings = [];
      if (type === 'weights-changed' || type === 'session') this.schedule();
    });
  }

  /** Puts the chosen test digit on the pad, so the pad works without a pointer too. */
  async putTestDigit() {
    if (!this.app.testReady) {
      showPanelMessage('draw-section', 'The test digits are still loading; try again in a moment.');
      return;
    }
    try {
      const { image, name } = await loadSource(this.app, 'test', $('pad-index'));
      showPanelMessage('draw-section', null);
      this.pad.putDigit(image);
      $('pad').setAttribute('aria-label', `Drawing area with ${name}. Draw to add ink; press Delete to clear.`);
    } catch (error) {
      if (!error.fatal && !error.stopped) showPanelMessage('draw-section', `Cannot put the digit on the pad: ${error.message}.`);
    }
  }

  schedule() {
    this.dirty = true;
    if (!this.busy) requestAnimationFrame(() => this.update());
  }

  async update() {
    if (this.busy || !this.dirty) return;
    this.dirty = false;
    $('pad-hint').hidden = !this.pad.empty;

    if (this.pad.empty) {
      this.showEmpty();
      return;
    }
    if (!this.app.session) return;

    this.busy = true;
    const started = performance.now();
    try {
      const pixels = this.pad.pixels();
      const result = await this.app.call(
        'process',
        { rgba: pixels.data.buffer, width: pixels.width, height: pixels.height },
        [pixels.data.buffer],
      );
      if (!result.image) {
        this.showEmpty();
      } else {
        this.app.drawing = result.image;
        paintDigit($('preview'), result.image);
        paintDigit($('reconstruction'), result.reconstruction);
        const total = performance.now() - started;
        this.timings.push(total);
        if (this.timings.length > 50) this.timings.shift();
        const median = [...this.timings].sort((a, b) => a - b)[Math.floor(this.timings.length / 2)];
        $('draw-stats').textContent = `Preprocessing and reconstruction: ${total.toFixed(1)} ms (median ${median.toFixed(1)} ms)`;
        $('preview').setAttribute('aria-label', 'Model input: your drawing, cropped, scaled and centred to 28×28');
        $('reconstruction').setAttribute('aria-label', 'Reconstruction of your drawing');
        this.app.emit('drawing', { image: result.image, reconstruction: result.reconstruction });
      }
    } catch (error) {
      if (!error.fatal && !error.stopped) showError(`Reconstructing the drawing failed: ${error.message}`, error);
    } finally {
      this.busy = false;
      if (this.dirty) requestAnimationFrame(() => this.update());
    }
  }

  showEmpty() {
    this.app.drawing = null;
    paintDigit($('preview'), null);
    paintDigit($('reconstruction'), null);
    $('draw-stats').textContent = 'Nothing drawn yet.';
    $('preview').setAttribute('aria-label', 'Model input: nothing drawn yet');
    $('reconstruction').setAttribute('aria-label', 'Reconstruction: nothing drawn yet');
    this.app.emit('drawing', { image: null });
  }
}
