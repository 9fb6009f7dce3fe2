/**
 * The names of the update rules. They sit below every pass that uses them:
 * `inspect` (symbolic) chooses among them, the IR records the one chosen for
 * each state, and the solvers implement them.
 *
 * {@link SOLVER_NAMES} is the one list of rules: the solvers' registry
 * (`lib/solvers/registry.ts`) is keyed by it, and the `solver` option, its
 * messages and the comments of generated code are derived from it.
 *
 * @module
 */

/** Every update rule, in the order messages list them. */
export const SOLVER_NAMES = ['euler', 'exponential-euler', 'midpoint', 'heun', 'rk4'] as const;

/** The update rules an ODE state can be advanced with. */
export type SolverName = (typeof SOLVER_NAMES)[number];

/** What the automatic choice can be: `'none'` for a state without a derivative. */
export type AutoSolver = 'euler' | 'exponential-euler' | 'none';
