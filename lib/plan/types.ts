/**
 * The network plan: everything a back end needs to run a network, as plain
 * data. Built by `planNetwork` (lib/plan/build.ts), consumed by every
 * back end; nothing here imports a back end or the network API.
 *
 * Update order (the same on every back end): containers update in the order
 * they were added. Within one step a container reads what a source holds
 * after the source's update in that step if the source was added earlier,
 * else the source's value from the previous step. Input streams give row k
 * at step k.
 *
 * @module
 */
import type { ModelIR, SynapseIR } from '../ir/types.js';

/** Element type of every float array of a run. */
export type Dtype = 'float64' | 'float32';

/** A typed array of the run's dtype. */
export type FloatArray = Float64Array | Float32Array;

/**
 * Element type of a buffer: `'float'` is the run's {@link Dtype}; the integer
 * types hold indices, spike flags and the like.
 */
export type ElementType = 'float' | 'int32' | 'uint8';

/** The concrete element type of an array: a dtype or an integer type. */
export type ArrayType = Dtype | Exclude<ElementType, 'float'>;

/** A typed array of any {@link ElementType}: what a buffer of a run is. */
export type BufferArray = Float64Array | Float32Array | Int32Array | Uint8Array;

/**
 * What a buffer holds:
 * - `state`, `param`, `input`: one value per unit of a container's variable;
 * - `stream`: one row per step of an input (sized for each block);
 * - `op`: an operator's output, computed every step;
 * - `matrix`: the weights of a `Dot`;
 * - `record`: what a recording writes during a block (sized for each block).
 *
 * - `index`: connectivity of a projection (int32: row starts, targets, delays);
 * - `ring`: the units that fired in each of the last steps (int32);
 * - `synapse`: one value per synapse of a projection's variable;
 * - `spikes`: the spikes of a block, for recording (int32).
 */
export type BufferRole = 'state' | 'param' | 'input' | 'stream' | 'op' | 'matrix' | 'record' | 'index' | 'spikes' | 'ring' | 'synapse';

/** Roles whose buffers are sized for each block (and allocated empty at compile). */
export const BLOCK_ROLES: ReadonlySet<BufferRole> = new Set<BufferRole>(['stream', 'record', 'spikes']);

/** Where one term of a container's input comes from. */
export type TermPlan =
  | { kind: 'const'; value: number }
  /** Row k of an input stream; `num` 1 broadcasts. */
  | { kind: 'stream'; buffer: number; num: number }
  /** A variable (state, param or input array) of a container, unit for unit; `num` 1 broadcasts. */
  | { kind: 'var'; buffer: number; num: number }
  /** The output of an operator computed earlier in the same step. */
  | { kind: 'op'; buffer: number; num: number };

/** An operator, computed once per step before the container that reads it. */
export interface OperatorPlan {
  kind: 'sum' | 'mean' | 'blocksum' | 'blockmean' | 'repeat' | 'dot';
  /** What it reads: a stream or a container variable. */
  source: Extract<TermPlan, { kind: 'stream' | 'var' | 'op' }>;
  /** The buffer it writes (length `size`). */
  out: number;
  size: number;
  /** Block length (blocksum, blockmean) or repeat count (repeat). */
  block?: number;
  /** Row-major (size × source.num) matrix buffer for dot. */
  matrix?: number;
  /**
   * A dot of a batch: `members` matrices of (size / members) × (source.num /
   * members), stacked row-major in `matrix`; member b's rows read only
   * member b's values of the source (a block-diagonal product).
   */
  members?: number;
}

/** A recording: row r holds the variable after step r·rate. */
export interface RecordPlan {
  variable: string;
  /** The container buffer recorded. */
  source: number;
  /** The buffer written: (rows × num) for 'trace', (num) running totals for 'sum'. */
  out: number;
  rate: number;
  mode: 'trace' | 'sum';
  /**
   * For a trace with rate > 1: what a row holds of the steps since the row
   * before (`'max'` or `'sum'` of the variable over them, in `acc`, a buffer
   * of one value per unit that persists across blocks); absent: the value at
   * the row's step.
   */
  reduce?: { kind: 'max' | 'sum'; acc: number };
}

/** One container of the plan. */
export interface ContainerPlan {
  name: string;
  num: number;
  ir: ModelIR;
  /** Buffer of every state, param and input (unconnected inputs keep per-unit values). */
  buffers: Record<string, number>;
  /** For each connected input: the terms summed to give its value. */
  inputs: Record<string, TermPlan[]>;
  /** Operators to compute just before this container updates. */
  operators: OperatorPlan[];
  records: RecordPlan[];
  /**
   * Where the spikes of a block go, when they are recorded: an int32 buffer
   * (role `spikes`, sized by the run loop) whose element 0 counts the
   * spikes, element 1 holds the room (in pairs), and pair j, at 2 + 2j, is
   * (k − k0, unit), written while j < room. Pairs may come in any order
   * (threads append as they find them); a count above the room means the
   * block must run again with more.
   */
  spikes?: { out: number };
  /**
   * Parameters and unconnected inputs whose value was the same for every
   * unit when the plan was made: a back end may read element 0 once per
   * block. (A value set per unit later makes a new plan.)
   */
  uniform?: string[];
  /**
   * The units that fired in each of the last `slots` steps, for the
   * projections that read this container's spikes: an int32 buffer (role
   * `ring`) of `slots` rows of `num + 1`; the row of step k is
   * k mod slots, element 0 its count, then the units in increasing order.
   * Filled after the container's units have stepped.
   */
  fired?: {
    ring: number;
    slots: number;
    /**
     * For a back end that collects in parallel (`PlanOptions.gather`): per
     * block of `size` units, the count of units that fired this step (int32,
     * filled by atomic adds) and the offset of the block's units in the row.
     */
    blocks?: { size: number; counts: number; offsets: number };
  };
  /**
   * In a batch (see {@link NetworkPlan.batch}): the number of members. Unit
   * i is unit i mod (num / members) of member ⌊i / (num / members)⌋, and
   * draws that member's numbers.
   */
  members?: number;
  /**
   * In a batch, for a container that draws random numbers: int32 buffers
   * (role `index`) of each unit's member seed (as uint32 bits) and of its
   * index in its member, read where the unit draws (contiguous loads, so
   * that vectorised loops stay vectorised).
   */
  memberDraws?: { seeds: number; units: number };
}

/**
 * A projection: synapses from the units of container `source` to those of
 * container `target`, stored as compressed sparse rows (one row per source
 * unit, synapses in the order they were made within it). Each step, after
 * every container has stepped (and filled its `fired` ring), the synapses
 * of the source units that fired `d` steps ago and have delay `d` run
 * `onPre`; then those of the target units that fired in this step run
 * `onPost`. Units and synapses are taken in increasing order, so every
 * back end adds in the same order.
 */
export interface ProjectionPlan {
  /** For messages only. */
  name: string;
  source: number;
  target: number;
  /** The number of synapses. */
  num: number;
  ir: SynapseIR;
  /** Buffer of every per-synapse state and parameter (role `synapse`, `num` values). */
  buffers: Record<string, number>;
  /** int32, source.num + 1: the synapses of source unit i are [rows[i], rows[i + 1]). */
  rows: number;
  /** int32, num: the target unit of each synapse. */
  cols: number;
  /**
   * Delays in steps, each as the spike was sent: `steps` for the spikes
   * sent from step `since` (a block scalar, see `projectionScalar`) on,
   * `before` for those sent earlier (delays changed between runs apply to
   * the spikes sent after the change). `uniform`: one delay for every
   * synapse, an int32 buffer of one element each. `each`: per synapse;
   * `order` (int32, num) lists each row's synapses by increasing delay and
   * `steps` (int32, num) is the delay of each entry of `order`, so that the
   * synapses of a row with a given delay are a range found by bisection;
   * `beforeOrder` and `beforeSteps` the same for the earlier delays.
   */
  delay:
    | { kind: 'uniform'; steps: number; before: number }
    | {
      kind: 'each'; order: number; steps: number; beforeOrder: number; beforeSteps: number;
      /** For a back end that delivers by target (`PlanOptions.gather`): the delay of each synapse by its index, now and before a change (int32, num each). */
      bySynapse?: { steps: number; before: number };
    };
  /** The most steps a spike waits (the delay buffers may hold no more). */
  maxDelay: number;
  /** Summed variables: each step, before the target steps, `out[j]` (role `op`, target.num values) is the sum over target unit j's synapses, a term of the target's input `input`. */
  summed?: { input: string; out: number }[];
  /** For `onPost`, summed variables and a back end that delivers by target: the synapses of each target unit, int32 `starts` (target.num + 1) and `synapses` (num), and the source unit of each synapse, int32 `sources` (num). */
  columns?: { starts: number; synapses: number; sources: number };
}

/** A buffer: one typed array shared between the network and a back end. */
export interface BufferPlan {
  /** For messages only (it may hold any text a user chose); never pasted into source. */
  name: string;
  /** What it holds. */
  role: BufferRole;
  /** Its element type; `'float'` is the run's dtype. */
  type: ElementType;
  /** Elements per step for streams and records (rows are added per block); total elements otherwise. */
  length: number;
}

/** The whole network, ready for a back end. */
export interface NetworkPlan {
  dtype: Dtype;
  buffers: BufferPlan[];
  containers: ContainerPlan[];
  /** Projections between containers, run in this order after the containers in each step. */
  projections?: ProjectionPlan[];
  /**
   * True when every container and stream has the same size and every
   * connection is one-to-one (or a constant): each unit can then be advanced
   * through many steps on its own (state kept in registers).
   */
  fusable: boolean;
  /**
   * Let the native compilers trade exactness for speed (`-ffast-math`,
   * `--use_fast_math`): NaN and infinity handling and the last bits of results
   * may change. Off by default.
   */
  fastMath?: boolean;
  /**
   * A batch of `members` networks of one structure run as one: each
   * container holds the units of every member, member after member
   * (`ContainerPlan.members`). A unit's draws are addressed by its
   * member's seed and its index in the member (`ContainerPlan.memberDraws`),
   * so member b draws exactly the numbers it draws when run alone.
   */
  batch?: { members: number };
}

/** The concrete array type of a buffer in a run of `dtype`. */
export function arrayTypeOf(type: ElementType, dtype: Dtype): ArrayType {
  return type === 'float' ? dtype : type;
}

/** Bytes per element of an array type. */
export function bytesOf(type: ArrayType): number {
  return type === 'float64' ? 8 : type === 'float32' || type === 'int32' ? 4 : 1;
}

/** Scalars passed to a compiled program for each block of steps. */
export interface BlockArgs {
  /** First step of the block (global index) and number of steps. */
  k0: number;
  steps: number;
  /** dt in seconds. */
  dt: number;
  /** The seed of the random draws (an integer in [0, 2^32)); 0 when absent. */
  seed?: number;
  /** For each projection, the first step whose spikes take its current delays (earlier ones: its `before` delays); 0 when absent. */
  since?: readonly number[];
}
