/**
 * What every back end provides to the network: its name, whether it works
 * here, what it can do ({@link BackendCapabilities}), and a compiler from a
 * plan (lib/plan/types.ts) to a {@link Program}.
 *
 * @module
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- BackendError is named by {@link} in the TSDoc
import type { BackendError, BackendErrorCode } from '../errors.js';
import type { BlockArgs, BufferArray, Dtype, ElementType, NetworkPlan } from '../plan/types.js';

export type { FloatArray, BufferArray } from '../plan/types.js';

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
  run(buffers: BufferArray[], args: BlockArgs): Promise<void>;
  /** Copies state from host buffers to the device (device back ends only). */
  upload?(buffers: BufferArray[]): Promise<void>;
  /** Copies state back to host buffers (device back ends only). */
  download?(buffers: BufferArray[]): Promise<void>;
  /** Frees what the program holds (device memory). */
  dispose?(): void;
}

/**
 * What a back end can do, declared by the back end and read by the network
 * (block sizes, what to refuse before compiling), so that the network never
 * tells back ends apart by name.
 */
export interface BackendCapabilities {
  /**
   * Whether it advances every unit through a whole block on its own (state
   * in registers) when the plan is `fusable`.
   */
  readonly fusion: boolean;
  /**
   * Unit-steps (units × steps) in about a fifth of a second of its work: the
   * default block holds that many, so that progress, abort and checkFinite
   * stay responsive while per-block costs stay small.
   */
  readonly unitStepsPerBlock: number;
  /** The most steps of one default block (Infinity: no limit). */
  readonly maxBlockSteps: number;
  /** The most bytes of input data one default block may hold (Infinity: no limit). */
  readonly streamBytesPerBlock: number;
  /** The dtypes it runs. */
  readonly dtypes: readonly Dtype[];
  /** The buffer element types it runs (`'float'`: the dtype). */
  readonly elements: readonly ElementType[];
  /**
   * Whether it holds state in memory of its own (a GPU): its programs then
   * have `upload` and `download`, which the network calls around any change
   * or read of the host arrays.
   */
  readonly device: boolean;
  /** Whether it runs projections (synapses: the collect, deliver and summed phases). */
  readonly synapses: boolean;
  /**
   * The block of units of a back end that collects fired units in parallel
   * and delivers events by target (cuda: its threads per block), for which
   * the plan lays out block counts, columns and per-synapse delays; 0 for
   * one that runs the serial loops.
   */
  readonly gather: number;
}

/** A back end: compiles a plan into a program. */
export interface Backend {
  /** Its name, as `compile({ backend })` takes it. */
  readonly name: BackendName;
  /** What it can do; see {@link BackendCapabilities}. */
  readonly capabilities: BackendCapabilities;
  /** Whether it works here, and why not. */
  status(): BackendStatus;
  /** Compiles a network's plan into a program. */
  compile(plan: NetworkPlan): Promise<Program>;
}

/**
 * Why a back end cannot run a plan (a dtype or buffer element type it does
 * not declare), or null when it can.
 */
export function unsupported(backend: Backend, plan: NetworkPlan): string | null {
  const caps = backend.capabilities;
  if (!caps.dtypes.includes(plan.dtype)) return `it does not run dtype '${plan.dtype}' (it runs ${caps.dtypes.join(', ')})`;
  const b = plan.buffers.find((x) => !caps.elements.includes(x.type));
  if (b) return `it does not run ${b.type} buffers (buffer '${b.name}', ${b.role}; it runs ${caps.elements.join(', ')})`;
  return plan.projections?.length && !caps.synapses ? `it does not run synapses yet (projection '${plan.projections[0].name}')` : null;
}

/** The scalars of a block, `[k0, steps, num_0, dt_0, …]`: defined with the rest of their layout in lib/plan/layout.ts. */
export { blockScalars } from '../plan/layout.js';
