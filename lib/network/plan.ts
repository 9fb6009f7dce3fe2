/**
 * The network plan: everything a back end needs to run a network, as plain
 * data. Built by `Network.compile`, consumed by every back end.
 *
 * Update order (the same on every back end): containers update in the order
 * they were added. Within one step a container reads what a source holds
 * after the source's update in that step if the source was added earlier,
 * else the source's value from the previous step. Input streams give row k
 * at step k.
 */
import type { ModelIR } from '../ir/types.js';

/** Element type of every array of a run. */
export type Dtype = 'float64' | 'float32';

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
}

/** A buffer: one typed array shared between the network and a back end. */
export interface BufferPlan {
  name: string;
  kind: 'state' | 'param' | 'input' | 'stream' | 'op' | 'matrix' | 'record';
  /** Elements per step for streams, rows are added per block; total elements otherwise. */
  length: number;
}

/** The whole network, ready for a back end. */
export interface NetworkPlan {
  dtype: Dtype;
  buffers: BufferPlan[];
  containers: ContainerPlan[];
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
}

/** Scalars passed to a compiled program for each block of steps. */
export interface BlockArgs {
  /** First step of the block (global index) and number of steps. */
  k0: number;
  steps: number;
  /** dt in seconds. */
  dt: number;
}
