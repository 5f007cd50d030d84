// Starts the demo: picks the device, starts the model worker with the
// pretrained (or last trained) weights, loads MNIST and wires up the panels.

import { ModelSession, chooseBackend, measureWebGpu, MEASURE } from './session.js';
import { showStatus, showError, clearError } from './status.js';
import { DrawPanel } from './drawing.js';
import { TrainPanel } from './train.js';
import { DenoisePanel } from './denoise.js';
import { InterpolatePanel } from './interpolate.js';
import { WeightsPanel } from './weights.js';

const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);

/** Shared state of the page, handed to every panel. */
const app = {
  session: null,
  backend: null,
  /** The latest preprocessed drawing (784 values) or null. */
  drawing: null,
  /** The test shard is verified: the test-digit tools work. */
  testReady: false,
  /** The test shard and one training shard are verified: training can start. */
  dataReady: false,
  /** Every shard is verified. */
  dataComplete: false,
  /** Calls the worker; panels use this so a restarted session is picked up. */
  call(method, args, transfer) {
    if (!this.session) return Promise.reject(new Error('the model is not running'));
    return this.session.call(method, args, transfer).catch((error) => {
      if (error.fatal && !error.stopped) recover(error);
      throw error;
    });
  },
  listeners: new Set(),
  /** Registers `listener(event, detail)` for worker and page events. */
  on(listener) {
    this.listeners.add(listener);
  },
  emit(type, detail) {
    for (const listener of this.listeners) listener(type, detail);
  },
};
window.demo = app;

const weights = new WeightsPanel(app);
const train = new TrainPanel(app, weights);
new DrawPanel(app);
new DenoisePanel(app);
new InterpolatePanel(app);

function onWorkerEvent(type, detail) {
  if (type === 'data-progress' && detail.verified) onShardVerified(detail.counts);
  if (type === 'worker-error') {
    recover(new Error(detail.message));
    return;
  }
  if (type === 'train-error' && detail.fatal) {
    recover(new Error(detail.message));
  }
  app.emit(type, detail);
}

/** Marks what the verified shards allow and emits it to the panels, while the others still load. */
function onShardVerified(counts) {
  if (counts.test > 0 && !app.testReady) {
    app.testReady = true;
    app.emit('test-ready', counts);
  }
  if (counts.test === 0 || counts.train === 0) return;
  if (!app.dataReady) {
    app.dataReady = true;
    app.emit('data-ready', counts);
  }
  const training = document.body.dataset.training;
  if (training === 'idle' || training === 'loading') {
    showStatus(`Ready to train on the ${counts.train.toLocaleString()} training images loaded so far; `
      + 'the others join from the next epoch as they arrive.');
  }
}

/** Starts a session on `requested` ("auto", "webgpu" or "cpu") with `weightBytes`. */
async function start(requested, weightBytes) {
  const choice = await chooseBackend(requested, { measureSoftware: params.get('measure') === 'always' });
  await startOn(choice, weightBytes);
  if (requested === 'auto' && choice.measure) await pickFaster(choice.webgpu);
}

/**
 * Measures training speed on the CPU (in the running session) and on WebGPU
 * (in a throwaway worker), then moves to WebGPU when it is faster. Says
 * which device won and by how much.
 */
async function pickFaster(webgpu) {
  const generation = ++measurement;
  let cpuSpeed;
  let gpuSpeed;
  try {
    // One after the other, so neither measurement slows the other down.
    cpuSpeed = await app.call('measureTraining', MEASURE);
    gpuSpeed = await measureWebGpu();
  } catch (error) {
    $('device-status').textContent = `Device: CPU (WebAssembly) (WebGPU could not be measured: ${error.message})`;
    return;
  }
  if (generation !== measurement) return;
  const speeds = `${Math.round(gpuSpeed).toLocaleString()} images/s on WebGPU against `
    + `${Math.round(cpuSpeed).toLocaleString()} on the CPU at batch ${MEASURE.batchSize}`;
  app.measured = { webgpu: gpuSpeed, cpu: cpuSpeed };
  // Names the WebGPU adapter, so it does not read as the CPU's.
  const adapter = webgpu.reason.startsWith('adapter') ? `WebGPU ${webgpu.reason}` : webgpu.reason;
  if (gpuSpeed <= cpuSpeed) {
    $('device-status').textContent = `Device: CPU (WebAssembly) (faster here: ${speeds}; ${adapter})`;
    app.emit('device-chosen', { backend: 'cpu', ...app.measured });
    return;
  }
  if (document.body.dataset.training === 'running' || document.body.dataset.training === 'paused') {
    $('device-status').textContent = `Device: CPU (WebAssembly) (WebGPU is faster here, ${speeds}; choose it in the menu after training)`;
    return;
  }
  await startOn({ backend: 'webgpu', reason: `faster here: ${speeds}; ${adapter}` }, await weights.snapshot());
  app.emit('device-chosen', { backend: 'webgpu', ...app.measured });
}

/** Counts measurements, so a device switch by hand cancels a running one. */
let measurement = 0;

/** Counts sessions, so the steps of a replaced one end quietly. */
let generation = 0;

/** Starts a session on `choice.backend`, replacing the current one. */
async function startOn(choice, weightBytes) {
  const mine = ++generation;
  const label = choice.backend === 'webgpu' ? 'WebGPU' : 'CPU (WebAssembly)';
  $('device-status').textContent = `Device: ${label} (${choice.reason})`;
  showStatus(`Starting the model on ${label}…`);

  let session;
  try {
    session = await ModelSession.start(choice.backend, weightBytes, onWorkerEvent);
  } catch (error) {
    if (choice.backend !== 'webgpu') throw error;
    // WebGPU was found on the page but the worker could not open it.
    const reason = `WebGPU failed to start (${error.message}), so the CPU is used`;
    $('device-status').textContent = `Device: CPU (WebAssembly) (${reason})`;
    session = await ModelSession.start('cpu', await weights.currentBytes(), onWorkerEvent);
  }
  app.session?.stop();
  app.session = session;
  if (session.startInfo.weights === 'rejected') {
    showError(`The saved weights were rejected (${session.startInfo.weightsError}); using the pretrained ones.`);
    await weights.reset();
  }
  app.backend = session.backend;
  document.body.dataset.backend = session.backend;
  // The new worker has no data yet: reset before the panels hear of the session.
  app.testReady = false;
  app.dataReady = false;
  app.dataComplete = false;
  app.emit('session', { backend: session.backend });

  showStatus('Loading MNIST…');
  let counts;
  try {
    counts = await session.loadData();
  } catch (error) {
    // A session replaced while loading (a device switch) stops quietly.
    if (error.stopped || mine !== generation) return;
    throw error;
  }
  if (mine !== generation) return;
  app.dataComplete = true;
  app.emit('data-complete', counts);
  const images = `${counts.train.toLocaleString()} training and ${counts.test.toLocaleString()} test images`;
  const training = document.body.dataset.training;
  if (training === 'running' || training === 'paused' || training === 'starting') {
    showStatus(`All ${images} are loaded; the next epoch trains on all of them.`);
  } else if (training !== 'finished') {
    // A finished training's summary stays; the data line shows the counts.
    const device = session.backend === 'webgpu' ? 'WebGPU' : 'CPU (WebAssembly)';
    showStatus(`Ready: ${images} on ${device}.`);
  }
}

let recovering = false;

/** After a crash (a panic or a lost GPU device), restarts on the CPU with the last saved weights. */
async function recover(error) {
  if (recovering) return;
  recovering = true;
  showError(`The model stopped: ${error.message}. Restarting on the CPU with the last saved weights.`, error);
  app.emit('crash', { message: error.message });
  try {
    $('device-select').value = 'cpu';
    await start('cpu', await weights.currentBytes());
  } catch (restartError) {
    showError(`Restarting the model failed: ${restartError.message}. Reload the page to try again.`, restartError);
  } finally {
    recovering = false;
  }
}

/** Device switches run one after the other, never overlapping. */
let switching = Promise.resolve();

$('device-select').addEventListener('change', (event) => {
  clearError();
  const requested = event.target.value;
  measurement += 1;
  switching = switching.then(async () => {
    try {
      await train.stopForSwitch();
      const bytes = await weights.snapshot();
      await start(requested, bytes);
    } catch (error) {
      if (!error.stopped) showError(`Switching the device failed: ${error.message}`, error);
    }
  });
});

window.addEventListener('unhandledrejection', (event) => {
  if (event.reason?.stopped) return;
  showError(`Unexpected error: ${event.reason?.message ?? event.reason}`, event.reason);
});

async function main() {
  const requested = params.get('backend') ?? 'auto';
  $('device-select').value = ['webgpu', 'cpu'].includes(requested) ? requested : 'auto';
  try {
    const bytes = await weights.initialBytes();
    await start(requested, bytes);
  } catch (error) {
    if (error.stopped) return;
    showError(`The demo could not start: ${error.message}`, error);
    $('data-status').textContent = 'Not loaded.';
  }
}

main();
