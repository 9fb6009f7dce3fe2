/**
 * The registry of update rules: one {@link SolverRule} for each name of
 * `SOLVER_NAMES` (`lib/expr/rules.ts`), each in its own file of `rules/`.
 * The `solver` option, its messages and the check that a forced rule applies
 * are all derived from it.
 *
 * @module
 */
import { SOLVER_NAMES, type SolverName } from '../expr/rules.js';
import type { SymbolicModel } from '../symbolic/inspect.js';
import type { SolverRule } from './rule.js';
import { euler } from './rules/euler.js';
import { exponentialEuler } from './rules/exponential-euler.js';
import { heun } from './rules/heun.js';
import { midpoint } from './rules/midpoint.js';
import { rk4 } from './rules/rk4.js';

/** Every update rule by name; the compiler checks it against `SOLVER_NAMES`. */
export const RULES: { readonly [N in SolverName]: SolverRule<N> } = {
  'euler': euler,
  'exponential-euler': exponentialEuler,
  'midpoint': midpoint,
  'heun': heun,
  'rk4': rk4,
};

/** How to choose the update rule: per state automatically, or one for all. */
export type SolverOption = 'auto' | SolverName;

/** The rules that `solver` accepts, for validation and messages. */
export const SOLVERS: readonly SolverOption[] = ['auto', ...SOLVER_NAMES];

/** The rules that can integrate state `x` of the model, in the order of `SOLVER_NAMES`. */
export function applicableRules(sym: SymbolicModel, x: string): SolverName[] {
  return SOLVER_NAMES.filter((n) => RULES[n].applies(sym, x) === undefined);
}
