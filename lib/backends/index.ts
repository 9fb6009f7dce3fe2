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

const registry = new Map<BackendName, Backend>([
  ['interpreter', interpreterBackend],
  ['js', jsBackend],
  ['cpu', cpuBackend],
  ['cuda', cudaBackend],
]);

/** @internal Adds a back end (the native ones register themselves). */
export function register(b: Backend): void {
  registry.set(b.name, b);
}

const unavailable = (name: BackendName): BackendStatus => ({ ok: false, reason: `the ${name} back end is not part of this build.` });

/** The back ends, their status, and the automatic choice. */
export const backends = {
  /** Names in the order 'auto' tries them (fastest first). */
  order: ['cuda', 'cpu', 'js'] as BackendName[],
  /** For each back end: whether it works here, and why not. */
  status(): Record<BackendName, BackendStatus> {
    const out = {} as Record<BackendName, BackendStatus>;
    for (const n of ['interpreter', 'js', 'cpu', 'cuda'] as BackendName[]) {
      const b = registry.get(n);
      out[n] = b ? safeStatus(b) : unavailable(n);
    }
    return out;
  },
  /**
   * The back end for a name, or the first that works for 'auto'.
   * @throws {@link BackendError} when the one asked for is unavailable, with the reason
   */
  pick(name: BackendName | 'auto'): Backend {
    if (name === 'auto') {
      for (const n of this.order) {
        const b = registry.get(n);
        if (b && safeStatus(b).ok) return b;
      }
      return jsBackend;
    }
    const b = registry.get(name);
    if (!['interpreter', 'js', 'cpu', 'cuda'].includes(name)) {
      throw new BackendError(`backend '${String(name)}'`, 'is not a back end.', "Use 'auto', 'interpreter', 'js', 'cpu' or 'cuda'.");
    }
    const s = b ? safeStatus(b) : unavailable(name);
    if (!b || !s.ok) {
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

export type { Backend, BackendName, BackendStatus, Program, FloatArray } from './types.js';
