/**
 * Heun's rule (the explicit trapezoidal rule).
 *
 * @module
 */
import { ref } from '../../ir/build.js';
import { DT } from '../../ir/types.js';
import type { SolverRule } from '../rule.js';

/** Heun's rule: x + dt/2·(k1 + k2) with k2 = f(x + dt·k1), second order. */
export const heun: SolverRule<'heun'> = {
  name: 'heun',
  stages: 2,
  summary: "Heun's rule, x + dt/2·(f(x) + f(x + dt·f(x))): second order",
  applies: () => undefined,
  build(step, states) {
    const k1 = step.base.f;
    const s2 = step.step(states, k1, ref(DT), '__s2');
    step.combine(states, [k1, s2.f], [0.5, 0.5]);
  },
};
