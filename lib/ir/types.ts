/**
 * The intermediate representation: plain JSON-serialisable data, no mathjs.
 * Every back end executes or renders exactly this.
 */
import type { SolverName, AutoSolver } from '../expr/rules.js';

/** Arithmetic, comparison, logic, selection and math functions. */
export type OpName =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'neg'
  | 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne' | 'and' | 'or' | 'not' | 'select'
  | 'abs' | 'exp' | 'expm1' | 'log' | 'sqrt' | 'cbrt' | 'min' | 'max'
  | 'sin' | 'cos' | 'tan' | 'tanh' | 'cosh' | 'sinh' | 'floor' | 'ceil' | 'sign'
  /**
   * Random draws, `rand(d)` uniform in [0, 1) and `randn(d)` standard normal:
   * `d` (a number) numbers the draw within the unit's step, so that each
   * (seed, container, unit, step, draw) has its own value on every back end.
   * A draw is always the whole expression of a `let` (see {@link isDraw}).
   */
  | 'rand' | 'randn';

/** An expression: a number, a named local, or an operation on expressions. */
export type ExprIR =
  | { k: 'num'; v: number }
  | { k: 'ref'; name: string }
  | { k: 'op'; op: OpName; args: ExprIR[] };

/**
 * `let` defines a temporary (read-only once defined); `set` gives the new value
 * of a state. Within a block every read of a state sees the value from before
 * the block: sets take effect together at the end of the block.
 */
export interface StmtIR {
  kind: 'let' | 'set';
  name: string;
  expr: ExprIR;
}

/** One model, lowered: what a back end needs to advance one unit by one step. */
export interface ModelIR {
  model: string;
  timeScale: number;
  states: { name: string; initial: number; bounds?: [number, number] }[];
  params: { name: string; value: number }[];
  inputs: { name: string; value: number }[];
  /** The rule chosen for each state (`'none'` for states changed by `post` only). */
  solvers: Record<string, SolverName | AutoSolver>;
  /** The solver step. Reads `dt` (in model time units), states, params, inputs. */
  update: StmtIR[];
  /** Applied after the update, the clipping to bounds and the spike (reset). */
  post: StmtIR[];
  /**
   * The spike, after the update and before `post`: `stmts` define the condition let `name` (the
   * spike flag: the threshold, and out of the refractory period) and set the
   * reset states, `lastspike` and `not_refractory` with selects on it. Its
   * lets stay visible to the record phase.
   */
  events?: { name: string; stmts: StmtIR[] };
}

/** Every statement of a model's step, in order: update, spike, post. */
export function statementsOf(ir: ModelIR): StmtIR[] {
  return [...ir.update, ...(ir.events?.stmts ?? []), ...ir.post];
}

/** Whether `e` is a random draw, `rand(d)` or `randn(d)`; `d` is its number. */
export function isDraw(e: ExprIR): e is { k: 'op'; op: 'rand' | 'randn'; args: [{ k: 'num'; v: number }] } {
  return e.k === 'op' && (e.op === 'rand' || e.op === 'randn') && e.args.length === 1 && e.args[0].k === 'num';
}

/** The name of the time at the start of the step (model time units), as `dt` is the step's. */
export const TIME = 't';

/** Names the back ends use for the step size in model time units. */
export const DT = 'dt';

/** The time since a synapse's last event, which an event-driven state's update reads in place of `dt`. */
export const SINCE = '__dt';

/**
 * A synapse model, lowered: what a back end needs to run one synapse's
 * events. Names are the synapse's own variables, `x_pre` / `x_post` for the
 * variables of the source and target units it joins, `t` (the event's time,
 * model time units), and the lets.
 */
export interface SynapseIR {
  model: string;
  timeScale: number;
  /** Per-synapse states (`lastupdate` among them when `decay` is not empty). */
  states: { name: string; initial: number }[];
  /** Per-synapse parameters. */
  params: { name: string; value: number }[];
  /**
   * The event-driven states brought to the event's time, a block of
   * simultaneous sets that reads `__dt` ({@link SINCE}, the time since
   * `lastupdate`, which its first let defines); empty without such states.
   */
  decay: StmtIR[];
  /** The statements of `@onPre` and `@onPost`, each a block (run after `decay`; sets `lastupdate` when there is a decay). */
  pathways: { on: 'pre' | 'post'; stmts: StmtIR[] }[];
  /** The variables of the source (`pre`) and target (`post`) units the statements read, and those they set. */
  sides: { pre: { reads: string[]; sets: string[] }; post: { reads: string[]; sets: string[] } };
  /** Summed variables: the target's input `target` is, each step, the sum over each target unit's synapses of `expr`. */
  summed: { target: string; expr: ExprIR }[];
}
