// The training panel: options, start / pause / resume / stop, progress with
// images per second and time left, and the live loss chart.

import { LossChart } from './chart.js';
import { showStatus, showError, clearError } from './status.js';

const $ = (id) => document.getElementById(id);

/** "Quick" settings for slow devices: a subset and fewer epochs. */
const QUICK = { epochs: 2, batchSize: 256, subset: 4096 };

export class TrainPanel {
  constructor(app, weights) {
    this.app = app;
    this.weights = weights;
    this.state = 'idle';
    this.chart = new LossChart($('loss-chart'));
    this.applyUrlOptions();

    $('quick').addEventListener('click', () => this.setOptions(QUICK));
    $('train-start').addEventListener('click', () => this.start());
    $('train-pause').addEventListener('click', () => this.togglePause());
    $('train-stop').addEventListener('click', () => this.stop());

    app.on((type, detail) => {
      if (type === 'data-progress') this.showData(detail);
      if (type === 'data-ready') this.setState('idle');
      if (type === 'train-step') this.onStep(detail);
      if (type === 'train-error') this.onError(detail);
      if (type === 'crash' || type === 'session') this.setState(this.app.dataReady ? 'idle' : 'loading');
    });
    this.setState('loading');
  }

  /** Fills the fields from ?epochs=&batch=&lr=&subset= in the URL. */
  applyUrlOptions() {
    const params = new URLSearchParams(location.search);
    const fields = { epochs: 'epochs', batch: 'batch-size', lr: 'learning-rate', subset: 'subset' };
    for (const [param, id] of Object.entries(fields)) {
      if (params.has(param)) $(id).value = params.get(param);
    }
  }

  setOptions({ epochs, batchSize, subset }) {
    $('epochs').value = epochs;
    $('batch-size').value = batchSize;
    $('subset').value = subset;
    showStatus(`Quick settings: ${subset.toLocaleString()} images, batch ${batchSize}, ${epochs} epochs.`);
  }

  /** Reads and checks the form; throws with a message naming the bad field. */
  readOptions() {
    const form = $('train-form');
    for (const input of form.querySelectorAll('input')) {
      if (!input.checkValidity()) {
        input.focus();
        const label = input.closest('label')?.firstChild?.textContent.trim() ?? input.name;
        throw new Error(`${label}: ${input.validationMessage}`);
      }
    }
    return {
      epochs: Number($('epochs').value),
      batchSize: Number($('batch-size').value),
      learningRate: Number($('learning-rate').value),
      subset: Number($('subset').value),
    };
  }

  setState(state) {
    this.state = state;
    const ready = this.app.dataReady;
    $('train-start').disabled = !(ready && (state === 'idle' || state === 'finished'));
    $('train-pause').disabled = !(state === 'running' || state === 'paused');
    $('train-pause').textContent = state === 'paused' ? 'Resume' : 'Pause';
    $('train-stop').disabled = !(state === 'running' || state === 'paused');
    for (const input of $('train-form').querySelectorAll('input, button')) {
      input.disabled = state === 'running' || state === 'paused' || state === 'starting';
    }
    document.body.dataset.training = state;
  }

  showData({ loadedBytes, totalBytes, counts }) {
    $('data-progress').max = totalBytes;
    $('data-progress').value = loadedBytes;
    const megabytes = (bytes) => (bytes / 1e6).toFixed(1);
    $('data-status').textContent = `${megabytes(loadedBytes)} of ${megabytes(totalBytes)} MB`
      + ` · ${counts.train.toLocaleString()} training and ${counts.test.toLocaleString()} test images verified`
      + (loadedBytes < totalBytes ? ' · downloading…' : '');
  }

  async start() {
    clearError();
    let options;
    try {
      options = this.readOptions();
    } catch (error) {
      showError(`Cannot start training: ${error.message}`);
      return;
    }
    const evaluateLimit = Number(new URLSearchParams(location.search).get('evaluate') ?? 0);
    this.setState('starting');
    this.chart.reset();
    this.steps = [];
    this.startedAt = performance.now();
    this.trainedMs = 0;
    this.images = 0;
    this.lastTestMse = undefined;
    this.growing = false;
    $('train-progress').value = 0;
    try {
      $('train-status').textContent = 'Measuring the untrained model…';
      const started = await this.app.call('trainStart', { options, evaluateLimit });
      this.untrainedMse = started.untrainedMse;
      this.options = { ...options, trainImages: started.trainImages };
      this.setState('running');
      this.growing = !this.app.dataComplete && options.subset > started.trainImages;
      const loading = this.growing ? ' loaded so far; the others join from the next epoch as they arrive' : '';
      $('train-status').textContent = `Untrained test MSE ${started.untrainedMse.toFixed(4)}. `
        + `Training on the ${started.trainImages.toLocaleString()} images${loading}…`;
      showStatus('Training started.');
      this.app.emit('training', { state: 'running' });
    } catch (error) {
      this.setState('idle');
      $('train-status').textContent = `Training did not start: ${error.message}`;
      showError(`Training could not start: ${error.message}`, error);
    }
  }

  onStep(step) {
    this.steps.push(step);
    this.chart.add(step);
    this.images += step.batchSize;
    this.trainedMs += step.milliseconds;
    if (step.testMse !== undefined) this.lastTestMse = step.testMse;

    const totalBatches = step.epochs * step.batchesPerEpoch;
    const done = (step.epoch - 1) * step.batchesPerEpoch + step.batch;
    $('train-progress').max = totalBatches;
    $('train-progress').value = done;
    const imagesPerSecond = this.images / (this.trainedMs / 1000);
    const secondsLeft = (totalBatches - done) * (this.trainedMs / 1000 / this.steps.length);
    $('train-status').textContent = `Epoch ${step.epoch}/${step.epochs}, batch ${step.batch}/${step.batchesPerEpoch}`
      + ` · loss ${step.loss.toFixed(4)}`
      + (this.lastTestMse !== undefined ? ` · test MSE ${this.lastTestMse.toFixed(4)} (untrained ${this.untrainedMse.toFixed(4)})` : '')
      + ` · learning rate ${step.learningRate.toExponential(0)}`
      + ` · ${Math.round(imagesPerSecond).toLocaleString()} images/s`
      + (step.finished ? '' : ` · about ${formatDuration(secondsLeft)} left`)
      + (this.growing && !this.app.dataComplete ? ' · more images join from the next epoch as shards arrive' : '');
    $('train-status').dataset.imagesPerSecond = imagesPerSecond.toFixed(1);
    if (this.lastTestMse !== undefined) $('train-status').dataset.testMse = String(this.lastTestMse);
    $('train-status').dataset.untrainedMse = String(this.untrainedMse);

    if (step.testMse !== undefined) {
      showStatus(`Epoch ${step.epoch} done: test MSE ${step.testMse.toFixed(4)}`
        + (step.learningRateReduced ? `; learning rate lowered to ${step.nextLearningRate.toExponential(0)}.` : '.'));
      // Keep each finished epoch, so a crash or reload loses at most one epoch.
      this.weights.persist({ testMse: step.testMse, source: 'training' });
    }
    if (step.finished) {
      this.setState('finished');
      showStatus(`Training finished: test MSE ${this.lastTestMse?.toFixed(4)}. Drawing and the other tools now use these weights.`);
      this.app.emit('weights-changed', { source: 'training' });
    }
  }

  onError({ message }) {
    this.setState('idle');
    showError(`Training stopped: ${message}`);
  }

  async togglePause() {
    try {
      if (this.state === 'running') {
        await this.app.call('trainPause');
        this.setState('paused');
        showStatus('Training paused. The tools use the weights trained so far.');
        this.app.emit('weights-changed', { source: 'training' });
      } else if (this.state === 'paused') {
        await this.app.call('trainResume');
        this.setState('running');
        showStatus('Training resumed.');
      }
    } catch (error) {
      showError(`Pausing or resuming failed: ${error.message}`, error);
    }
  }

  async stop() {
    try {
      await this.app.call('trainStop');
      this.setState('idle');
      const last = this.steps.at(-1);
      $('train-status').textContent = last
        ? `Stopped in epoch ${last.epoch}/${last.epochs}, batch ${last.batch}/${last.batchesPerEpoch} · last loss ${last.loss.toFixed(4)}`
          + (this.lastTestMse !== undefined ? ` · last test MSE ${this.lastTestMse.toFixed(4)} (end of the last finished epoch)` : '')
        : 'Stopped before the first batch.';
      await this.weights.persist({ testMse: this.lastTestMse, source: 'training' });
      showStatus('Training stopped; the weights trained so far are kept.');
      this.app.emit('weights-changed', { source: 'training' });
    } catch (error) {
      showError(`Stopping failed: ${error.message}`, error);
    }
  }

  /** Stops a running training before the device changes, keeping its weights. */
  async stopForSwitch() {
    if (this.state === 'running' || this.state === 'paused') await this.stop();
  }
}

function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return 'unknown time';
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
