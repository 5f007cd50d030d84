// The page's side of the model worker: request/response calls and events.

export class ModelWorker {
  /** Starts a module worker from worker.js. `onEvent(type, detail)` gets
   *  progress and training events. */
  constructor(onEvent) {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.nextId = 1;
    this.pending = new Map();
    this.onEvent = onEvent;
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (error) => {
      error.preventDefault?.();
      const message = error.message || 'the model worker failed to load';
      this.failAll(message);
      this.onEvent('worker-error', { message, fatal: true });
    };
  }

  receive(data) {
    if (data.event) {
      this.onEvent(data.event, data.detail);
      return;
    }
    const call = this.pending.get(data.id);
    if (!call) return;
    this.pending.delete(data.id);
    if (data.ok) {
      call.resolve(data.result);
    } else {
      const error = new Error(data.error);
      error.fatal = data.fatal;
      call.reject(error);
    }
  }

  /** Rejects every pending call. `stopped` marks a deliberate stop, which
   *  callers ignore, unlike a crash (`fatal`). */
  failAll(message, { stopped = false } = {}) {
    for (const call of this.pending.values()) {
      const error = new Error(message);
      error.fatal = !stopped;
      error.stopped = stopped;
      call.reject(error);
    }
    this.pending.clear();
  }

  /** Calls `method` in the worker; resolves with its result. */
  call(method, args = {}, transfer = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, args }, transfer);
    });
  }

  terminate() {
    this.failAll('the model worker was stopped', { stopped: true });
    this.worker.terminate();
  }
}

/**
 * Checks on the main thread whether WebGPU can be used here. Returns
 * { available, software, reason }: `software` is set for a fallback adapter
 * (such as SwiftShader), which runs shaders on the processor itself.
 */
export async function probeWebGpu() {
  if (!('gpu' in navigator) || !navigator.gpu) {
    return { available: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)' };
  }
  try {
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) {
      return { available: false, reason: 'WebGPU found no graphics adapter' };
    }
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
    const software = info.isFallbackAdapter === true;
    return { available: true, software, reason: name ? `adapter: ${name}` : 'an adapter is available' };
  } catch (error) {
    return { available: false, reason: `WebGPU adapter request failed: ${error.message}` };
  }
}
