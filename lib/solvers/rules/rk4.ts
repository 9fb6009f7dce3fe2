/**
 * The classical fourth-order Runge–Kutta rule.
 *
 * @module
 */
import { num, op, ref } from '../../ir/build.js';
import { DT } from '../../ir/types.js';
import type { SolverRule } from '../rule.js';

/** Classical Runge–Kutta: x + dt/6·(k1 + 2k2 + 2k3 + k4), fourth order. */
export const rk4: SolverRule<'rk4'> = {
  name: 'rk4',
  stages: 4,
  summary: 'classical Runge–Kutta, x + dt/6·(k1 + 2k2 + 2k3 + k4): fourth order',
  applies: () => undefined,
  build(step, states) {
    const dt = ref(DT);
    const half = op('mul', num(0.5), dt);
    const k1 = step.base.f;
    const s2 = step.step(states, k1, half, '__s2');
    const s3 = step.step(states, s2.f, half, '__s3');
    const s4 = step.step(states, s3.f, dt, '__s4');
    step.combine(states, [k1, s2.f, s3.f, s4.f], [1 / 6, 1 / 3, 1 / 3, 1 / 6]);
  },
};
