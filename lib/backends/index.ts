/**
 * The back ends and how one is chosen. `backends.status()` tells, for each,
 * whether it works here and, if not, why and what to do.
 */
import { BackendError, type BackendErrorCode } from '../errors.js';
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

/** The names 'auto' tries, in order (fastest first); frozen. */
const ORDER: readonly BackendName[] = Object.freeze(['cuda', 'cpu', 'js'] as const);

/**
 * The back ends, their status, and the automatic choice.
 *
 * How a back end is chosen, the same for `Network.compile()` and `solve()`:
 * a name is used as given (a {@link BackendError} says why when it is
 * unavailable); `'auto'`, the default, takes the first of {@link backends.order}
 * that works here (cuda, then cpu, then js; js always works).
 */
export const backends = {
  /** Names in the order 'auto' tries them (fastest first); read-only. */
  order: ORDER,
  /** For each back end: whether it works here, and why not. */
  status(): Record<BackendName, BackendStatus> {
    const out = {} as Record<BackendName, BackendStatus>;
    for (const [n, b] of Object.entries(registry) as [BackendName, Backend][]) out[n] = safeStatus(b);
    return out;
  },
  /**
   * The back end for a name, or the first that works for 'auto'.
   * @throws {@link BackendError} when the name is not a back end (code `unknown-backend`), or when the one
   *   asked for is unavailable, with the reason and the code of its status
   */
  pick(name: BackendName | 'auto'): Backend {
    if (name === 'auto') {
      return ORDER.map((n) => registry[n]).find((b) => safeStatus(b).ok) ?? jsBackend;
    }
    if (!Object.hasOwn(registry, name)) {
      throw new BackendError(`backend '${String(name)}'`, 'is not a back end.', "Use 'auto', 'interpreter', 'js', 'cpu' or 'cuda'.", { code: 'unknown-backend' });
    }
    const b = registry[name];
    const s = safeStatus(b);
    if (!s.ok) {
      throw new BackendError(`backend '${name}'`, `is unavailable: ${s.reason}${/[.!?]$/.test(s.reason ?? '') ? '' : '.'}`, "Use backend: 'auto' (it takes the fastest that works) or 'js'; backends.status() shows why each is unavailable.", { code: s.code ?? 'status-failed' });
    }
    return b;
  },
};

function safeStatus(b: Backend): BackendStatus {
  try {
    return b.status();
  } catch (error) {
    const code: BackendErrorCode = error instanceof BackendError ? error.code : 'status-failed';
    return { ok: false, reason: error instanceof Error ? error.message : String(error), code };
  }
}

export { unsupported } from './types.js';
export type { Backend, BackendCapabilities, BackendName, BackendStatus, Program, FloatArray, BufferArray } from './types.js';
