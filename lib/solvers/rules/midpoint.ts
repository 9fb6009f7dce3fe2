/**
 * The explicit midpoint rule.
 *
 * @module
 */
import { num, op, ref } from '../../ir/build.js';
import { DT } from '../../ir/types.js';
import type { SolverRule } from '../rule.js';

/** The explicit midpoint rule: x + dt·f(x + dt/2·f(x)), second order. */
export const midpoint: SolverRule<'midpoint'> = {
  name: 'midpoint',
  stages: 2,
  summary: 'explicit midpoint, x + dt·f(x + dt/2·f(x)): second order',
  applies: () => undefined,
  build(step, states) {
    const s2 = step.step(states, step.base.f, op('mul', num(0.5), ref(DT)), '__s2');
    step.combine(states, [s2.f], [1]);
  },
};
