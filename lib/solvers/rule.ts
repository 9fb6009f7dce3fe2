/**
 * What an update rule is ({@link SolverRule}) and what it is given to build
 * its statements ({@link StepBuilder}).
 *
 * @module
 */
import type { SolverName } from '../expr/rules.js';
import type { ExprIR, StmtIR } from '../ir/types.js';
import type { SymbolicModel } from '../symbolic/inspect.js';

/** Intermediates and derivatives evaluated at one stage of a rule. */
export interface Stage {
  /** The `let`s of the intermediates at this stage. */
  lets: StmtIR[];
  /** dx/dt at this stage, by state. */
  f: Map<string, ExprIR>;
}

/**
 * One step of one model being built. Every new value is computed from the
 * old ones; a rule adds statements with {@link StepBuilder.push} and gives
 * each of its states a new value with {@link StepBuilder.setNext}.
 */
export interface StepBuilder {
  /** The model. */
  readonly sym: SymbolicModel;
  /** Names a field of the model in messages: `Model#name`. */
  where(name: string): string;
  /** The base stage: intermediates and derivatives at the old values (its `let`s are already in the step). */
  readonly base: Stage;
  /** Adds statements to the step, after those already there. */
  push(...stmts: StmtIR[]): void;
  /** The new value of state `x` (clipped to its bounds afterwards). */
  setNext(x: string, value: ExprIR): void;
  /**
   * A further stage: `let x<suffix> = x + h·k(x)` for each of `states`, then
   * every intermediate and derivative evaluated there (the other states keep
   * their old values).
   */
  step(states: readonly string[], k: ReadonlyMap<string, ExprIR>, h: ExprIR, suffix: string): Stage;
  /** Sets x_next = x + dt·Σ wᵢ·kᵢ(x) for each of `states`. */
  combine(states: readonly string[], ks: readonly ReadonlyMap<string, ExprIR>[], weights: readonly number[]): void;
}

/**
 * An update rule: its name, where it applies, and how it advances its
 * states. The registry (`registry.ts`) holds one for each of `SOLVER_NAMES`.
 */
export interface SolverRule<N extends SolverName = SolverName> {
  /** The name the `solver` option uses. */
  readonly name: N;
  /**
   * Derivative evaluations per step: 1 for a rule that needs only the base
   * stage, more for one that builds further stages with
   * {@link StepBuilder.step}. A step uses at most one rule with more than one
   * stage (a forced rule applies to every state, and the automatic choice
   * picks one-stage rules).
   */
  readonly stages: number;
  /** One line on the rule, for documentation. */
  readonly summary: string;
  /**
   * Whether the rule can integrate state `x` of the model.
   * @returns undefined where it can; otherwise why not, as a sentence
   */
  applies(sym: SymbolicModel, x: string): string | undefined;
  /**
   * Adds the statements that advance `states` (the ODE states given this
   * rule, in the model's order) and sets each one's new value.
   */
  build(step: StepBuilder, states: readonly string[]): void;
}
