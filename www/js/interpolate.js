// The interpolation panel: two digits, n steps, the strip of n + 1 decoded
// frames and a PNG download of it.

import { paintStrip, enlargedPng, download } from './images.js';
import { showError, showStatus, showPanelMessage } from './status.js';
import { loadSource } from './sources.js';

const $ = (id) => document.getElementById(id);

export class InterpolatePanel {
  constructor(app) {
    this.app = app;
    this.pending = null;
    for (const id of ['interp-from-source', 'interp-from', 'interp-to-source', 'interp-to', 'interp-steps']) {
      $(id).addEventListener('input', () => this.schedule());
    }
    for (const [sourceId, indexId] of [['interp-from-source', 'interp-from'], ['interp-to-source', 'interp-to']]) {
      $(sourceId).addEventListener('input', () => {
        $(indexId).disabled = $(sourceId).value === 'drawing';
      });
    }
    $('interp-download').addEventListener('click', () => this.download());
    app.on((type) => {
      if (type === 'test-ready' || type === 'weights-changed') this.schedule();
      const usesDrawing = $('interp-from-source').value === 'drawing' || $('interp-to-source').value === 'drawing';
      if (type === 'drawing' && usesDrawing) this.schedule();
    });
  }

  schedule() {
    clearTimeout(this.pending);
    this.pending = setTimeout(() => this.run(), 50);
  }

  image(sourceId, indexId) {
    return loadSource(this.app, $(sourceId).value, $(indexId));
  }

  async run() {
    if (!this.app.testReady) return;
    try {
      const steps = $('interp-steps').value.trim() === '' ? NaN : Number($('interp-steps').value);
      if (!Number.isInteger(steps) || steps < 1 || steps > 64) {
        throw new Error(`steps must be a whole number from 1 to 64, got ${$('interp-steps').value}`);
      }
      const from = await this.image('interp-from-source', 'interp-from');
      const to = await this.image('interp-to-source', 'interp-to');
      const frames = await this.app.call('interpolate', { a: from.image, b: to.image, steps });
      const strip = $('interp-strip');
      paintStrip(strip, frames);
      strip.dataset.frames = String(frames.length / 784);
      const stepWord = steps === 1 ? 'step' : 'steps';
      strip.setAttribute('aria-label', `Interpolation in ${steps} ${stepWord} from ${from.name} to ${to.name}: ${steps + 1} frames`);
      this.app.emit('interpolated', { frames });
      showPanelMessage('interpolate-section', null);
      $('interp-download').disabled = false;
    } catch (error) {
      if (error.fatal || error.stopped) return;
      // Blank the strip, so it never shows frames of other settings.
      paintStrip($('interp-strip'), new Float32Array(784));
      $('interp-strip').dataset.frames = '0';
      $('interp-strip').setAttribute('aria-label', 'Interpolation: no frames, see the panel message');
      $('interp-download').disabled = true;
      showPanelMessage('interpolate-section', `Cannot interpolate: ${error.message}.`);
    }
  }

  async download() {
    try {
      const png = await enlargedPng($('interp-strip'));
      download(png, 'mnist-interpolation.png');
      showStatus('Interpolation strip downloaded.');
    } catch (error) {
      showError(`Saving the strip failed: ${error.message}`, error);
    }
  }
}
