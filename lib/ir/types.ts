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
  | 'sin' | 'cos' | 'tan' | 'tanh' | 'cosh' | 'sinh' | 'floor' | 'ceil' | 'sign';

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
  /** Applied after the update and the clipping to bounds. */
  post: StmtIR[];
}

/** Names the back ends use for the step size in model time units. */
export const DT = 'dt';
