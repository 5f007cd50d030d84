// One running model: a worker on a chosen backend, with the data loaded and
// weights in place. Switching device or recovering from a crash starts a
// new session with the same weights.

import { ModelWorker, probeWebGpu } from './client.js';

export class ModelSession {
  /**
   * Starts a worker on `backend` ("webgpu" or "cpu"), loads `weights`
   * (an ArrayBuffer, or null for an untrained model) and then the data.
   * `onEvent(type, detail)` receives progress and training events.
   */
  static async start(backend, weights, onEvent) {
    const session = new ModelSession(backend, onEvent);
    const transfer = weights ? [weights] : [];
    session.startInfo = await session.call('start', { backend, pretrained: weights }, transfer);
    return session;
  }

  constructor(backend, onEvent) {
    this.backend = backend;
    this.worker = new ModelWorker(onEvent);
  }

  call(method, args, transfer) {
    return this.worker.call(method, args, transfer);
  }

  loadData() {
    return this.call('loadData', { manifestUrl: new URL('../data/manifest.json', import.meta.url).href });
  }

  stop() {
    this.worker.terminate();
  }
}

/**
 * Picks the backend to start on: the one forced by `requested` ("webgpu" or
 * "cpu"), or the CPU for "auto", because it starts in a fraction of a second.
 * Returns { backend, reason, webgpu, measure }, where `webgpu` is the adapter
 * probe and `measure` is true when `measureWebGpu` should then check whether
 * WebGPU is faster. A software WebGPU adapter is not measured unless
 * `measureSoftware` is set: it runs on the same processor as the CPU
 * backend, far slower, and measuring it would fetch the WebGPU build and
 * keep the processor busy for seconds.
 */
export async function chooseBackend(requested, { measureSoftware = false } = {}) {
  const probe = await probeWebGpu();
  if (requested === 'cpu') {
    return { backend: 'cpu', reason: 'chosen by hand', webgpu: probe, measure: false };
  }
  if (requested === 'webgpu') {
    return probe.available
      ? { backend: 'webgpu', reason: `chosen by hand; ${probe.reason}`, webgpu: probe, measure: false }
      : { backend: 'cpu', reason: `WebGPU was requested, but ${probe.reason}`, webgpu: probe, measure: false };
  }
  if (!probe.available) {
    return { backend: 'cpu', reason: probe.reason, webgpu: probe, measure: false };
  }
  if (probe.software && !measureSoftware) {
    return {
      backend: 'cpu',
      reason: `WebGPU here is a software fallback (${probe.reason}) that runs on this processor, `
        + 'slower than the CPU backend; choose WebGPU in the menu to try it',
      webgpu: probe,
      measure: false,
    };
  }
  return { backend: 'cpu', reason: 'measuring whether WebGPU is faster here…', webgpu: probe, measure: true };
}

/** Batch size and timed steps of the start-up speed measurement. */
export const MEASURE = { batchSize: 256, steps: 2 };

/**
 * Measures WebGPU training speed in a separate, throwaway worker, so the
 * page keeps working on the CPU meanwhile. Resolves with images per second,
 * or rejects when WebGPU fails or takes longer than `timeoutMs`.
 */
export async function measureWebGpu(timeoutMs = 180_000) {
  const probe = new ModelSession('webgpu', () => {});
  let timer;
  try {
    const measured = (async () => {
      await probe.call('start', { backend: 'webgpu', pretrained: null });
      return probe.call('measureTraining', MEASURE);
    })();
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`measuring took over ${timeoutMs / 1000} s`)), timeoutMs);
    });
    return await Promise.race([measured, timeout]);
  } finally {
    clearTimeout(timer);
    probe.stop();
  }
}
