/**
 * The back ends and how one is chosen. `backends.status()` tells, for each,
 * whether it works here and, if not, why and what to do.
 */
import { BackendError } from '../errors.js';
import { interpreterBackend } from './interpreter/index.js';
import { jsBackend } from './js/index.js';
import { cpuBackend } from './cpu/index.js';
import { cudaBackend } from './cuda/index.js';
import type { Backend, BackendName, BackendStatus } from './types.js';

const registry: Record<BackendName, Backend> = {
  interpreter: interpreterBackend,
  js: jsBackend,
  cpu: cpuBackend,
  cuda: cudaBackend,
};

/** The back ends, their status, and the automatic choice. */
export const backends = {
  /** Names in the order 'auto' tries them (fastest first). */
  order: ['cuda', 'cpu', 'js'] as BackendName[],
  /** For each back end: whether it works here, and why not. */
  status(): Record<BackendName, BackendStatus> {
    const out = {} as Record<BackendName, BackendStatus>;
    for (const [n, b] of Object.entries(registry) as [BackendName, Backend][]) out[n] = safeStatus(b);
    return out;
  },
  /**
   * The back end for a name, or the first that works for 'auto'.
   * @throws {@link BackendError} when the one asked for is unavailable, with the reason
   */
  pick(name: BackendName | 'auto'): Backend {
    if (name === 'auto') {
      return this.order.map((n) => registry[n]).find((b) => safeStatus(b).ok) ?? jsBackend;
    }
    if (!Object.hasOwn(registry, name)) {
      throw new BackendError(`backend '${String(name)}'`, 'is not a back end.', "Use 'auto', 'interpreter', 'js', 'cpu' or 'cuda'.");
    }
    const b = registry[name];
    const s = safeStatus(b);
    if (!s.ok) {
      throw new BackendError(`backend '${name}'`, `is unavailable: ${s.reason}${/[.!?]$/.test(s.reason ?? '') ? '' : '.'}`, "Use backend: 'auto' (it takes the fastest that works) or 'js'; backends.status() shows why each is unavailable.");
    }
    return b;
  },
};

function safeStatus(b: Backend): BackendStatus {
  try {
    return b.status();
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

export { unsupported } from './types.js';
export type { Backend, BackendCapabilities, BackendName, BackendStatus, Program, FloatArray, BufferArray } from './types.js';
