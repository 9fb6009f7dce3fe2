/**
 * Explicit (forward) Euler.
 *
 * @module
 */
import { op, ref } from '../../ir/build.js';
import { DT } from '../../ir/types.js';
import type { SolverRule } from '../rule.js';

/** Explicit Euler: x + dt·f(x), first order; applies to every equation. */
export const euler: SolverRule<'euler'> = {
  name: 'euler',
  stages: 1,
  summary: 'explicit Euler, x + dt·f(x): first order',
  applies: () => undefined,
  build(step, states) {
    for (const x of states) step.setNext(x, op('add', ref(x), op('mul', ref(DT), step.base.f.get(x)!)));
  },
};
