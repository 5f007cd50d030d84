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
 * Picks the backend: the one forced by `requested` ("webgpu" or "cpu"), or,
 * for "auto", WebGPU when the browser has an adapter and the CPU otherwise.
 * Returns { backend, reason }.
 */
export async function chooseBackend(requested) {
  const probe = await probeWebGpu();
  if (requested === 'cpu') {
    return { backend: 'cpu', reason: 'chosen by hand' };
  }
  if (requested === 'webgpu') {
    return probe.available
      ? { backend: 'webgpu', reason: `chosen by hand; ${probe.reason}` }
      : { backend: 'cpu', reason: `WebGPU was requested, but ${probe.reason}` };
  }
  return probe.available
    ? { backend: 'webgpu', reason: probe.reason }
    : { backend: 'cpu', reason: probe.reason };
}
