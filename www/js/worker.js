// The model's Web Worker: owns one wasm `Demo`, loads the MNIST shards,
// trains between messages and runs inference requests. Every call into
// the wasm goes through `enqueue`, so no call starts before the previous
// one has finished.

import { loadShards } from './shards.js';

/** The two wasm builds, by backend. The WebGPU build adds wgpu and its shader
 *  compiler, about six times the download, so only a WebGPU worker fetches it. */
const BUILDS = {
  cpu: '../pkg/mnist_autoencoder.js',
  webgpu: '../pkg-webgpu/mnist_autoencoder.js',
};

let demo = null;
let chain = Promise.resolve();
let training = { running: false, evaluateLimit: 0 };

/** Runs `task` after every task queued before it; returns its promise. */
function enqueue(task) {
  const result = chain.then(task);
  chain = result.catch(() => {});
  return result;
}

function reply(id, result, transfer = []) {
  self.postMessage({ id, ok: true, result }, transfer);
}

function fail(id, error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`worker: ${message}`, error);
  self.postMessage({ id, ok: false, error: message, fatal: isFatal(message) });
}

/** Tells whether an error left the wasm instance unusable (a panic or a trap), so the page must restart the worker. */
function isFatal(message) {
  return /unreachable|panicked|RuntimeError|memory access out of bounds|device (was )?lost/i.test(message);
}

function event(type, detail, transfer = []) {
  self.postMessage({ event: type, detail }, transfer);
}

const handlers = {
  async start({ backend, pretrained }) {
    const build = BUILDS[backend];
    if (!build) throw new Error(`unknown backend ${JSON.stringify(backend)}, expected "webgpu" or "cpu"`);
    const { default: init, Demo } = await import(build);
    await init();
    demo = await Demo.create(backend);
    if (!pretrained) return { backend: demo.backend, weights: 'untrained' };
    try {
      demo.loadWeights(new Uint8Array(pretrained));
      return { backend: demo.backend, weights: 'loaded' };
    } catch (error) {
      return { backend: demo.backend, weights: 'rejected', weightsError: error.message };
    }
  },

  async loadData({ manifestUrl }) {
    await loadShards(manifestUrl, {
      add: (entry, bytes) => enqueue(() =>
        demo.addShard(entry.split, entry.file, bytes, entry.bytes, entry.sha256, entry.count)),
      progress: (detail) => event('data-progress', detail),
    });
    return { train: demo.trainCount(), test: demo.testCount() };
  },

  testImage({ index }) {
    const image = demo.testImage(index);
    return { image, label: demo.testLabel(index) };
  },

  testLabels() {
    return demo.testLabels();
  },

  async process({ rgba, width, height }) {
    const started = performance.now();
    const image = demo.preprocess(new Uint8Array(rgba), width, height);
    if (!image) return { image: null };
    const reconstruction = await demo.reconstruct(image);
    return { image, reconstruction, milliseconds: performance.now() - started };
  },

  reconstruct({ images }) {
    return demo.reconstruct(images);
  },

  denoise({ image, sigma, seed }) {
    return demo.denoise(image, sigma, seed);
  },

  interpolate({ a, b, steps }) {
    return demo.interpolate(a, b, steps);
  },

  measureTraining({ batchSize, steps }) {
    return demo.measureTraining(batchSize, steps);
  },

  evaluate({ limit }) {
    return demo.evaluate(limit ?? 0);
  },

  loadWeights({ bytes }) {
    return demo.loadWeights(new Uint8Array(bytes));
  },

  async saveWeights() {
    return demo.saveWeights();
  },

  async trainStart({ options, evaluateLimit }) {
    const trainImages = demo.startTraining(options);
    training = { running: false, evaluateLimit: evaluateLimit ?? 0 };
    const untrainedMse = await demo.evaluate(training.evaluateLimit);
    training.running = true;
    scheduleStep();
    return { untrainedMse, trainImages };
  },

  trainPause() {
    training.running = false;
    return true;
  },

  trainResume() {
    if (!training.running) {
      training.running = true;
      scheduleStep();
    }
    return true;
  },

  trainStop() {
    training.running = false;
    demo.stopTraining();
    return true;
  },
};

/** Handlers that run at once instead of in the queue. */
const UNQUEUED = new Set(['trainPause', 'loadData']);

/** Queues one training step; the step queues the next, so messages that
 *  arrive meanwhile (inference, pause) run between two steps. */
function scheduleStep() {
  setTimeout(() => {
    if (!training.running) return;
    enqueue(trainOnce).catch((error) => {
      training.running = false;
      const message = error instanceof Error ? error.message : String(error);
      console.error(`worker: training failed: ${message}`, error);
      event('train-error', { message, fatal: isFatal(message) });
    });
  }, 0);
}

async function trainOnce() {
  if (!training.running) return;
  const started = performance.now();
  const step = await demo.trainStep();
  step.milliseconds = performance.now() - started;
  if (step.epochTrainLoss !== undefined && step.epochTrainLoss !== null) {
    const evaluated = performance.now();
    step.testMse = await demo.evaluate(training.evaluateLimit);
    step.evaluateMilliseconds = performance.now() - evaluated;
  }
  if (step.finished) training.running = false;
  event('train-step', step);
  if (training.running) scheduleStep();
}

self.onmessage = ({ data }) => {
  const { id, method, args } = data;
  const handler = handlers[method];
  if (!handler) {
    fail(id, new Error(`unknown worker method ${method}`));
    return;
  }
  if (method !== 'start' && method !== 'trainPause' && !demo) {
    fail(id, new Error('the model is not started yet'));
    return;
  }
  // Pausing only flips a flag, and loading data queues each shard itself
  // (so drawing works while shards arrive); neither waits in the queue.
  const run = UNQUEUED.has(method) ? Promise.resolve().then(() => handler(args ?? {}))
    : enqueue(() => handler(args ?? {}));
  run.then((result) => reply(id, result), (error) => fail(id, error));
};

self.onerror = (error) => {
  event('worker-error', { message: error.message ?? String(error), fatal: true });
};
