/**
 * The layout of what a compiled program reads besides its buffers, defined
 * once for every back end and the run loop:
 *
 * - the scalars of a block, `[k0, steps, seed, n_0, dt_0, n_1, dt_1, …]`
 *   ({@link SCALARS}, {@link scalarIndex}, {@link blockScalars});
 * - which rows of a trace recording a block writes ({@link firstRow},
 *   {@link traceIndex}, {@link rowsBetween}). Row r of a trace holds the
 *   variable after global step r·rate: the steps that are multiples of the
 *   rate, counted from step 0 of the first run, so that continued runs append
 *   evenly spaced rows. A block starting at step k0 writes its first row at
 *   index 0 of its view of the record buffer.
 *
 * The row formulas are written once over {@link IntegerSyntax}: the run loop
 * and the interpreter evaluate them on numbers ({@link NUMBERS}), the
 * renderers write them as source text with their target's integer syntax.
 *
 * @module
 */
import type { BlockArgs, NetworkPlan } from './types.js';

/**
 * Where each scalar of a block is: `k0` (first global step of the block),
 * `steps` (steps in the block), `seed` (of the random draws), then for
 * container `ci` its number of units at `first + stride·ci` and its dt (in
 * the model's time units) right after.
 */
export const SCALARS = { k0: 0, steps: 1, seed: 2, first: 3, stride: 2 } as const;

/** The index of container `ci`'s number of units (`'num'`) or dt (`'dt'`) among the scalars of a block. */
export function scalarIndex(ci: number, which: 'num' | 'dt'): number {
  return SCALARS.first + SCALARS.stride * ci + (which === 'dt' ? 1 : 0);
}

/**
 * The index of projection `pi`'s dt (`'dt'`, in its synapse model's time
 * units) or first step of its current delays (`'since'`) among the scalars
 * of a block: two per projection, after every container's.
 */
export function projectionScalar(plan: Pick<NetworkPlan, 'containers'>, pi: number, which: 'dt' | 'since' = 'dt'): number {
  return SCALARS.first + SCALARS.stride * plan.containers.length + 2 * pi + (which === 'since' ? 1 : 0);
}

/**
 * The scalars of a block: `[k0, steps, seed, num_0, dt_0, num_1, dt_1, …]`, each dt
 * in its model's time units (dt · timeScale), then the dt of each projection
 * in its synapse model's time units.
 */
export function blockScalars(plan: NetworkPlan, args: BlockArgs): Float64Array {
  const projections = plan.projections ?? [];
  const s = new Float64Array(SCALARS.first + SCALARS.stride * plan.containers.length + 2 * projections.length);
  projections.forEach((p, pi) => {
    s[projectionScalar(plan, pi)] = args.dt * p.ir.timeScale;
    s[projectionScalar(plan, pi, 'since')] = args.since?.[pi] ?? 0;
  });
  s[SCALARS.k0] = args.k0;
  s[SCALARS.steps] = args.steps;
  s[SCALARS.seed] = args.seed ?? 0;
  plan.containers.forEach((c, ci) => {
    s[scalarIndex(ci, 'num')] = c.num;
    s[scalarIndex(ci, 'dt')] = args.dt * c.ir.timeScale;
  });
  return s;
}

/**
 * Integer arithmetic on non-negative integers, as numbers or as source text
 * of a target: what the row formulas are written in. Divisors and rates are
 * known positive integers.
 */
export interface IntegerSyntax<T> {
  /** A known integer. */
  int(n: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  /** ⌊a / b⌋. */
  div(a: T, b: number): T;
  /** ⌈a / b⌉. */
  ceilDiv(a: T, b: number): T;
  /** Whether `a` is a multiple of `b` (a condition of the target). */
  multiple(a: T, b: number): T;
  /** Whether `a` equals the integer `n` (a condition of the target). */
  equals(a: T, n: number): T;
  /** Either condition (a condition of the target). */
  or(a: T, b: T): T;
}

/** {@link IntegerSyntax} on numbers (exact for safe integers). */
export const NUMBERS: IntegerSyntax<number> = {
  int: (n) => n,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => Math.floor(a / b),
  ceilDiv: (a, b) => Math.ceil(a / b),
  multiple: (a, b) => (a % b === 0 ? 1 : 0),
  equals: (a, n) => (a === n ? 1 : 0),
  or: (a, b) => (a || b ? 1 : 0),
};

/** The index of the first trace row at or after global step `k`: ⌈k / rate⌉. */
export function firstRow<T>(o: IntegerSyntax<T>, k: T, rate: number): T {
  return o.ceilDiv(k, rate);
}

/** Whether step `k` writes a trace row: k is a multiple of the rate. */
export function writesRow<T>(o: IntegerSyntax<T>, k: T, rate: number): T {
  return o.multiple(k, rate);
}

/**
 * Whether step `k` starts the window of steps a reduced trace row combines
 * (see `RecordPlan.reduce`): the row written at step r·rate holds steps
 * (r − 1)·rate + 1 … r·rate, and row 0 step 0 alone.
 */
export function windowStarts<T>(o: IntegerSyntax<T>, k: T, rate: number): T {
  return o.or(o.multiple(o.sub(k, o.int(1)), rate), o.equals(k, 0));
}

/**
 * Where unit `i` of the row of step `k` (a step that {@link writesRow}) is in a
 * block's view of a trace of `n` units: `(k / rate − first) · n + i`, with
 * `first` the block's {@link firstRow} (of its k0).
 */
export function traceIndex<T>(o: IntegerSyntax<T>, k: T, rate: number, first: T, n: T, i: T): T {
  return o.add(o.mul(o.sub(o.div(k, rate), first), n), i);
}

/** How many trace rows the steps `from` to `to` (exclusive) write. */
export function rowsBetween(from: number, to: number, rate: number): number {
  return firstRow(NUMBERS, to, rate) - firstRow(NUMBERS, from, rate);
}

/**
 * Where container `ci`'s units find what they draw with in a batch: the
 * buffers of each unit's member seed and index in its member; undefined
 * outside a batch (or for a container that draws nothing).
 */
export function memberOf(plan: Pick<NetworkPlan, 'containers'>, ci: number): { seeds: number; units: number } | undefined {
  return plan.containers[ci].memberDraws;
}
