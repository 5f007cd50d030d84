// The denoising panel: a test digit or the drawing, Gaussian noise of a
// chosen σ, and original / noisy / denoised side by side with their MSE.

import { paintDigit } from './images.js';
import { showPanelMessage } from './status.js';
import { loadSource } from './sources.js';

const $ = (id) => document.getElementById(id);

export class DenoisePanel {
  constructor(app) {
    this.app = app;
    this.seed = 1;
    this.pending = null;
    for (const id of ['denoise-source', 'denoise-index', 'denoise-sigma']) {
      $(id).addEventListener('input', () => this.schedule());
    }
    $('denoise-source').addEventListener('input', () => {
      $('denoise-index').disabled = $('denoise-source').value === 'drawing';
      $('denoise-random').disabled = $('denoise-source').value === 'drawing';
    });
    $('denoise-random').addEventListener('click', () => {
      $('denoise-source').value = 'test';
      $('denoise-index').value = Math.floor(Math.random() * 10000);
      this.seed += 1;
      this.schedule();
    });
    app.on((type) => {
      if (type === 'test-ready' || type === 'weights-changed') this.schedule();
      if (type === 'drawing' && $('denoise-source').value === 'drawing') this.schedule();
    });
  }

  schedule() {
    $('denoise-sigma-value').textContent = Number($('denoise-sigma').value).toFixed(2);
    clearTimeout(this.pending);
    this.pending = setTimeout(() => this.run(), 50);
  }

  source() {
    return loadSource(this.app, $('denoise-source').value, $('denoise-index'));
  }

  async run() {
    if (!this.app.testReady) return;
    try {
      const { image, name } = await this.source();
      const sigma = Number($('denoise-sigma').value);
      const result = await this.app.call('denoise', { image, sigma, seed: this.seed });
      paintDigit($('denoise-original'), image);
      paintDigit($('denoise-noisy'), result.noisy);
      paintDigit($('denoise-output'), result.denoised);
      $('denoise-noisy-caption').textContent = `Noisy · MSE ${result.noisyMse.toFixed(4)}`;
      $('denoise-output-caption').textContent = `Denoised · MSE ${result.denoisedMse.toFixed(4)}`;
      $('denoise-original').setAttribute('aria-label', `Original: ${name}`);
      $('denoise-noisy').setAttribute('aria-label', `With noise σ ${sigma}: MSE ${result.noisyMse.toFixed(4)}`);
      $('denoise-output').setAttribute('aria-label', `Denoised: MSE ${result.denoisedMse.toFixed(4)}`);
      const section = $('denoise-section');
      section.dataset.noisyMse = String(result.noisyMse);
      section.dataset.denoisedMse = String(result.denoisedMse);
      showPanelMessage('denoise-section', null);
    } catch (error) {
      if (error.fatal || error.stopped) return;
      // Blank the pictures, so none of them shows a result of other settings.
      for (const id of ['denoise-original', 'denoise-noisy', 'denoise-output']) paintDigit($(id), null);
      $('denoise-noisy-caption').textContent = 'Noisy';
      $('denoise-output-caption').textContent = 'Denoised';
      $('denoise-original').setAttribute('aria-label', 'Original: none, see the panel message');
      $('denoise-noisy').setAttribute('aria-label', 'With noise: none');
      $('denoise-output').setAttribute('aria-label', 'Denoised: none');
      showPanelMessage('denoise-section', `Cannot denoise: ${error.message}.`);
    }
  }
}
