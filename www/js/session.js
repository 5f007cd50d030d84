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
 * `measureWebGpu` then measures whether WebGPU is faster here. Returns
 * { backend, reason, webgpu }, where `webgpu` is the adapter probe.
 */
export async function chooseBackend(requested) {
  const probe = await probeWebGpu();
  if (requested === 'cpu') {
    return { backend: 'cpu', reason: 'chosen by hand', webgpu: probe };
  }
  if (requested === 'webgpu') {
    return probe.available
      ? { backend: 'webgpu', reason: `chosen by hand; ${probe.reason}`, webgpu: probe }
      : { backend: 'cpu', reason: `WebGPU was requested, but ${probe.reason}`, webgpu: probe };
  }
  return probe.available
    ? { backend: 'cpu', reason: 'measuring whether WebGPU is faster here…', webgpu: probe }
    : { backend: 'cpu', reason: probe.reason, webgpu: probe };
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
