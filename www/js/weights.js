// The weights panel: which weights are live, download, load from a file,
// back to pretrained, and saving trained weights to IndexedDB.

import * as storage from './storage.js';
import { showStatus, showError, clearError } from './status.js';
import { download } from './images.js';

const PRETRAINED_URL = new URL('../weights/pretrained.bin', import.meta.url);

export class WeightsPanel {
  constructor(app) {
    this.app = app;
    /** Bytes of the live weights as last loaded or saved; null for an untrained model. */
    this.bytes = null;
    this.status = document.getElementById('weights-status');

    document.getElementById('weights-download').addEventListener('click', () => this.download());
    document.getElementById('weights-file').addEventListener('change', (event) => this.loadFile(event.target));
    document.getElementById('weights-reset').addEventListener('click', () => this.reset());
  }

  async fetchPretrained() {
    const response = await fetch(PRETRAINED_URL);
    if (!response.ok) {
      throw new Error(`cannot load the pretrained weights: HTTP ${response.status} ${response.statusText}`);
    }
    return response.arrayBuffer();
  }

  /** Bytes to start with: the last trained weights saved in this browser, else the pretrained ones. */
  async initialBytes() {
    try {
      const saved = await storage.loadWeights();
      if (saved?.bytes) {
        this.bytes = saved.bytes;
        const origin = saved.source && saved.source !== 'training' ? ` from ${saved.source}` : '';
        this.describe(`Using your weights${origin}, saved in this browser ${new Date(saved.savedAt).toLocaleString()}`
          + (saved.testMse ? ` (test MSE ${saved.testMse.toFixed(4)})` : '') + '.');
        return saved.bytes.slice(0);
      }
    } catch (error) {
      console.warn('IndexedDB is not available; trained weights will not survive a reload', error);
    }
    this.bytes = await this.fetchPretrained();
    this.describe('Using the pretrained weights shipped with the demo.');
    return this.bytes.slice(0);
  }

  /** Returns a copy of the last known good weights, for restarting a session. */
  async currentBytes() {
    return this.bytes ? this.bytes.slice(0) : this.fetchPretrained();
  }

  /** Reads the live weights from the worker; falls back to the last known good copy. */
  async snapshot() {
    try {
      const bytes = await this.app.call('saveWeights');
      this.bytes = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    } catch (error) {
      console.warn('reading the weights from the model failed; using the last saved copy', error);
    }
    return this.currentBytes();
  }

  /** Saves the live (just trained) weights in this browser. */
  async persist(info) {
    const bytes = await this.snapshot();
    const record = { savedAt: Date.now(), ...info };
    try {
      await storage.saveWeights(bytes, record);
      this.describe(`Using your trained weights, saved in this browser ${new Date(record.savedAt).toLocaleString()}`
        + (info.testMse ? ` (test MSE ${info.testMse.toFixed(4)})` : '') + '.');
    } catch (error) {
      showError(`Your trained weights could not be saved in this browser (${error.message}); download them to keep them.`, error);
    }
  }

  async download() {
    try {
      const bytes = await this.snapshot();
      download(new Blob([bytes], { type: 'application/octet-stream' }), 'mnist-autoencoder-weights.bin');
      showStatus('Weights downloaded.');
    } catch (error) {
      showError(`Downloading the weights failed: ${error.message}`, error);
    }
  }

  async loadFile(input) {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    clearError();
    try {
      const bytes = await file.arrayBuffer();
      await this.app.call('loadWeights', { bytes: bytes.slice(0) });
      this.bytes = bytes;
      await storage.saveWeights(bytes, { savedAt: Date.now(), source: file.name }).catch(() => {});
      this.describe(`Using weights loaded from ${file.name}.`);
      showStatus(`Loaded weights from ${file.name}.`);
      this.app.emit('weights-changed', { source: file.name });
    } catch (error) {
      showError(`${file.name} was not loaded: ${error.message}. The current weights are still in use.`, error);
    }
  }

  async reset() {
    clearError();
    try {
      const bytes = await this.fetchPretrained();
      await this.app.call('loadWeights', { bytes: bytes.slice(0) });
      this.bytes = bytes;
      await storage.forgetWeights().catch(() => {});
      this.describe('Using the pretrained weights shipped with the demo.');
      showStatus('Back to the pretrained weights.');
      this.app.emit('weights-changed', { source: 'pretrained' });
    } catch (error) {
      showError(`Going back to the pretrained weights failed: ${error.message}`, error);
    }
  }

  describe(text) {
    this.status.textContent = text;
  }
}
