// Measures this demo's Burn model and the same model in TensorFlow.js in
// one page, interleaved so that machine load hits both alike. The driver
// (run.mjs) reads `window.benchResult`.

import * as cpuBuild from '/site/pkg/mnist_autoencoder.js';
import * as webgpuBuild from '/site/pkg-webgpu/mnist_autoencoder.js';

const params = new URLSearchParams(location.search);
const BATCHES = (params.get('batches') ?? '256,2048').split(',').map(Number);
const OURS = (params.get('ours') ?? 'cpu,webgpu').split(',').filter(Boolean);
const PEERS = (params.get('peers') ?? 'wasm,webgl,webgpu').split(',').filter(Boolean);
const LATENCY_CALLS = 50;

const log = (line) => {
  document.getElementById('log').textContent += `${line}\n`;
  console.log(line);
};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Steps to time after the warm-up; slow software backends get fewer. */
function stepsFor(kind, batch) {
  const slow = kind === 'webgpu' || kind === 'tfjs-webgpu';
  if (batch >= 2048) return slow ? 2 : 5;
  return slow ? 3 : 10;
}

/** The site's two wasm builds, as the worker picks them: CPU-only, and with WebGPU. */
const BUILDS = { cpu: cpuBuild, webgpu: webgpuBuild };
/** Instantiated builds by backend: their wasm exports (for the memory size). */
const instances = {};
const datasets = {};
const demos = {};

async function buildFor(backend) {
  if (!instances[backend]) instances[backend] = await BUILDS[backend].default();
  return BUILDS[backend];
}

/** Returns the one Demo of `backend` for the whole run: Burn registers its wgpu runtime
 *  once per page, so a second WebGPU Demo cannot be created. */
async function demoOn(backend) {
  if (!demos[backend]) {
    const { Demo } = await buildFor(backend);
    const demo = await Demo.create(backend);
    await loadShards(demo);
    demos[backend] = demo;
  }
  return demos[backend];
}

async function loadShards(demo) {
  const manifest = await (await fetch('/site/data/manifest.json')).json();
  const needed = manifest.shards.filter((entry) => entry.file === 'train-00.mnsd' || entry.split === 'test');
  for (const entry of needed) {
    const bytes = new Uint8Array(await (await fetch(`/site/data/${entry.file}`)).arrayBuffer());
    demo.addShard(entry.split, entry.file, bytes, entry.bytes, entry.sha256, entry.count);
  }
}

/** Training images as a flat Float32Array, read once through our own decoder. */
async function trainingImages(demo, count) {
  if (datasets[count]) return datasets[count];
  const images = new Float32Array(count * 784);
  // Test images stand in for training images in the peer: same statistics, already decoded.
  for (let i = 0; i < count; i += 1) images.set(demo.testImage(i % demo.testCount()), i * 784);
  datasets[count] = images;
  return images;
}

/** Side of the canvas copy the page preprocesses (see www/js/draw.js). */
const CANVAS = 140;

/** Draws a 7 and returns it as a CANVAS × CANVAS RGBA buffer, as the drawing pad sends it. */
function drawnSeven() {
  const canvas = new OffscreenCanvas(CANVAS, CANVAS);
  const context = canvas.getContext('2d');
  context.lineWidth = 10;
  context.lineCap = 'round';
  context.beginPath();
  context.moveTo(35, 28);
  context.lineTo(105, 28);
  context.lineTo(63, 119);
  context.stroke();
  return context.getImageData(0, 0, CANVAS, CANVAS).data;
}

async function benchOurs(backend, batch) {
  const demo = await demoOn(backend);
  const steps = stepsFor(backend, batch);

  const createdAt = performance.now();
  demo.startTraining({ epochs: 1000, batchSize: batch, subset: 10000, dropLast: true });
  await demo.trainStep();
  const firstStepMs = performance.now() - createdAt;
  await demo.trainStep();
  const times = [];
  for (let i = 0; i < steps; i += 1) {
    const started = performance.now();
    await demo.trainStep();
    times.push(performance.now() - started);
  }
  demo.stopTraining();

  const rgba = drawnSeven();
  const latencies = [];
  for (let i = 0; i < LATENCY_CALLS + 5; i += 1) {
    const started = performance.now();
    const image = demo.preprocess(rgba, CANVAS, CANVAS);
    await demo.reconstruct(image);
    if (i >= 5) latencies.push(performance.now() - started);
  }
  const preprocessTimes = [];
  const reconstructTimes = [];
  const image = demo.preprocess(rgba, CANVAS, CANVAS);
  for (let i = 0; i < LATENCY_CALLS; i += 1) {
    let started = performance.now();
    demo.preprocess(rgba, CANVAS, CANVAS);
    preprocessTimes.push(performance.now() - started);
    started = performance.now();
    await demo.reconstruct(image);
    reconstructTimes.push(performance.now() - started);
  }
  return {
    imagesPerSecond: batch / (median(times) / 1000),
    firstStepMs,
    reconstructMs: median(latencies),
    preprocessOnlyMs: median(preprocessTimes),
    reconstructOnlyMs: median(reconstructTimes),
    steps,
  };
}

/** Multiply-adds of the encoder per image: 784 × 392 + 392 × 8 weights. */
const ENCODER_MACS = 784 * 392 + 392 * 8;

/**
 * Encodes 1,000 test images at once and returns the rate of the encoder's
 * two matrix products in GFLOP/s (median of 3 after a warm-up): what the
 * device's matmul kernel reaches outside training.
 */
async function encoderRateOurs(backend) {
  const demo = await demoOn(backend);
  const count = 1000;
  const images = await trainingImages(demo, count);
  await demo.encode(images);
  const times = [];
  for (let i = 0; i < 3; i += 1) {
    const started = performance.now();
    await demo.encode(images);
    times.push(performance.now() - started);
  }
  return (2 * ENCODER_MACS * count) / (median(times) / 1000) / 1e9;
}

/** Heap, wasm memory and Burn's device memory pool after 1 and 3 epochs of training on a small subset. */
async function memoryOurs(backend) {
  const demo = await demoOn(backend);
  demo.startTraining({ epochs: 3, batchSize: 256, subset: 1024, dropLast: true });
  const readings = {};
  for (let step = 1; step <= 12; step += 1) {
    await demo.trainStep();
    if (step === 4 || step === 12) {
      readings[step === 4 ? 'afterEpoch1' : 'afterEpoch3'] = {
        wasmBytes: instances[backend].memory.buffer.byteLength,
        jsHeapBytes: performance.memory?.usedJSHeapSize ?? null,
        // null on the CPU, whose tensors live in the wasm memory above.
        devicePool: demo.memoryPoolUsage(),
      };
    }
  }
  demo.stopTraining();
  return readings;
}

function peerModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 392, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 8, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 392, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 784, activation: 'sigmoid' }));
  return model;
}

async function benchPeer(backend, batch, images) {
  await tf.setBackend(backend);
  await tf.ready();
  const model = peerModel();
  const optimizer = tf.train.adam(1e-3);
  const steps = stepsFor(`tfjs-${backend}`, batch);
  const batches = Math.floor(images.length / 784 / batch);
  let cursor = 0;
  const step = async () => {
    const x = tf.tensor2d(images.subarray(cursor * batch * 784, (cursor + 1) * batch * 784), [batch, 784]);
    cursor = (cursor + 1) % batches;
    const loss = optimizer.minimize(() => tf.losses.meanSquaredError(x, model.apply(x)), true);
    await loss.data();
    loss.dispose();
    x.dispose();
  };

  const createdAt = performance.now();
  await step();
  const firstStepMs = performance.now() - createdAt;
  await step();
  const times = [];
  for (let i = 0; i < steps; i += 1) {
    const started = performance.now();
    await step();
    times.push(performance.now() - started);
  }

  const one = images.subarray(0, 784);
  const latencies = [];
  for (let i = 0; i < LATENCY_CALLS + 5; i += 1) {
    const started = performance.now();
    const output = tf.tidy(() => model.predict(tf.tensor2d(one, [1, 784])));
    await output.data();
    output.dispose();
    if (i >= 5) latencies.push(performance.now() - started);
  }
  model.dispose();
  optimizer.dispose();
  return { imagesPerSecond: batch / (median(times) / 1000), firstStepMs, reconstructMs: median(latencies), steps };
}

/**
 * Work that run.mjs records with the DevTools CPU profiler, each as
 * `{ prepare, run }`: `prepare` is not profiled (warm-up, shader compilation).
 */
function profileTasks(hasWebGpu) {
  const training = (backend, steps) => ({
    async prepare() {
      const demo = await demoOn(backend);
      demo.startTraining({ epochs: 1000, batchSize: 2048, subset: 10000, dropLast: true });
      await demo.trainStep();
      await demo.trainStep();
    },
    async run() {
      const demo = await demoOn(backend);
      for (let i = 0; i < steps; i += 1) await demo.trainStep();
      demo.stopTraining();
    },
  });
  const tasks = {
    drawingToReconstructionCpu: {
      async run() {
        const demo = await demoOn('cpu');
        const rgba = drawnSeven();
        for (let i = 0; i < 200; i += 1) await demo.reconstruct(demo.preprocess(rgba, CANVAS, CANVAS));
      },
    },
    trainingStepsCpuBatch2048: training('cpu', 5),
  };
  if (hasWebGpu && OURS.includes('webgpu')) tasks.trainingStepsWebGpuBatch2048 = training('webgpu', 2);
  return tasks;
}

async function main() {
  tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  const { Demo } = await buildFor('cpu');
  const probe = await Demo.create('cpu');
  await loadShards(probe);
  const images = await trainingImages(probe, 10000);
  probe.free();

  const hasWebGpu = Boolean(navigator.gpu && await navigator.gpu.requestAdapter());
  const results = { ours: {}, peer: {}, memory: {} };
  for (const batch of BATCHES) {
    // Interleaved: ours, then the peer on the matching kind of device.
    const order = [];
    if (OURS.includes('cpu')) order.push(['ours', 'cpu']);
    if (PEERS.includes('wasm')) order.push(['peer', 'wasm']);
    if (hasWebGpu && OURS.includes('webgpu')) order.push(['ours', 'webgpu']);
    if (PEERS.includes('webgl')) order.push(['peer', 'webgl']);
    if (hasWebGpu && PEERS.includes('webgpu')) order.push(['peer', 'webgpu']);
    for (const [who, backend] of order) {
      log(`${who} ${backend}, batch ${batch}…`);
      try {
        const result = who === 'ours' ? await benchOurs(backend, batch) : await benchPeer(backend, batch, images);
        results[who][`${backend}@${batch}`] = result;
        log(`  ${result.imagesPerSecond.toFixed(0)} images/s, first step ${result.firstStepMs.toFixed(0)} ms, reconstruction ${result.reconstructMs.toFixed(2)} ms`);
      } catch (error) {
        results[who][`${backend}@${batch}`] = { error: error.message };
        log(`  failed: ${error.message}`);
      }
    }
  }
  results.encoderGflops = {};
  for (const backend of OURS.filter((name) => name === 'cpu' || hasWebGpu)) {
    results.memory[backend] = await memoryOurs(backend);
    results.encoderGflops[backend] = await encoderRateOurs(backend);
  }
  window.benchProfileTasks = profileTasks(hasWebGpu);
  results.userAgent = navigator.userAgent;
  results.webgpu = hasWebGpu;
  window.benchResult = results;
  log('done');
}

main().catch((error) => {
  log(`benchmark failed: ${error.stack ?? error}`);
  window.benchResult = { error: error.message };
});
