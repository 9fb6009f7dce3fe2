/** What every back end provides to the network. */
import type { BackendError, BackendErrorCode } from '../errors.js';
import type { BlockArgs, NetworkPlan } from '../network/plan.js';

/** A typed array of the run's dtype. */
export type FloatArray = Float64Array | Float32Array;

/** The names of the back ends. */
export type BackendName = 'interpreter' | 'js' | 'cpu' | 'cuda';

/** Whether a back end can be used here, and if not, why and what to do. */
export interface BackendStatus {
  /** It works here. */
  ok: boolean;
  /** Why not, and what to do, in words (when `ok` is false). */
  reason?: string;
  /** Why not, as a code (when `ok` is false): the code of the {@link BackendError} that asking for it throws. */
  code?: BackendErrorCode;
  /** The device it runs on (cuda). */
  device?: string;
}

/** A compiled network, ready to advance blocks of steps. */
export interface Program {
  readonly backend: BackendName;
  /** The generated source, for reading (empty for the interpreter). */
  readonly source: string;
  /**
   * Advances the network by `args.steps` steps. `buffers` are the plan's
   * buffers, with streams and trace records as views starting at the block.
   */
  run(buffers: FloatArray[], args: BlockArgs): Promise<void>;
  /** Copies state from host buffers to the device (device back ends only). */
  upload?(buffers: FloatArray[]): Promise<void>;
  /** Copies state back to host buffers (device back ends only). */
  download?(buffers: FloatArray[]): Promise<void>;
  /** Frees what the program holds (device memory). */
  dispose?(): void;
}

/** A back end: compiles a plan into a program. */
export interface Backend {
  /** Its name, as `compile({ backend })` takes it. */
  readonly name: BackendName;
  /** Whether it works here, and why not. */
  status(): BackendStatus;
  /** Compiles a network's plan into a program. */
  compile(plan: NetworkPlan): Promise<Program>;
}

/** Scalars for a block: `[k0, steps, num_0, dt_0, num_1, dt_1, …]`, dt in model time units. */
export function blockScalars(plan: NetworkPlan, args: BlockArgs): Float64Array {
  const s = new Float64Array(2 + 2 * plan.containers.length);
  s[0] = args.k0;
  s[1] = args.steps;
  plan.containers.forEach((c, i) => {
    s[2 + 2 * i] = c.num;
    s[3 + 2 * i] = args.dt * c.ir.timeScale;
  });
  return s;
}
