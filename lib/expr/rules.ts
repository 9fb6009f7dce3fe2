/**
 * The names of the update rules. They sit below every pass that uses them:
 * `inspect` (symbolic) chooses among them, the IR records the one chosen for
 * each state, and the solvers implement them.
 *
 * @module
 */

/** The update rules an ODE state can be advanced with. */
export type SolverName = 'euler' | 'exponential-euler' | 'midpoint' | 'heun' | 'rk4';

/** What the automatic choice can be: `'none'` for a state without a derivative. */
export type AutoSolver = 'euler' | 'exponential-euler' | 'none';
