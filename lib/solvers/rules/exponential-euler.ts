/**
 * Exponential Euler, for conditionally linear equations.
 *
 * @module
 */
import { num, op, ref, toIR } from '../../ir/build.js';
import { DT } from '../../ir/types.js';
import { excerpt } from '../../expr/limits.js';
import type { SolverRule } from '../rule.js';

/**
 * Exponential Euler: for dx/dt = A + B·x with A and B free of x,
 * x + f(x)·(e^{B·dt} − 1)/B, exact while A and B are constant.
 */
export const exponentialEuler: SolverRule<'exponential-euler'> = {
  name: 'exponential-euler',
  stages: 1,
  summary: 'exponential Euler, x + f(x)·(e^{B·dt} − 1)/B: exact for constant A and B; conditionally linear equations only',
  applies(sym, x) {
    if (sym.isLinear(x)) return undefined;
    // The equation as written (shortened): a printed tree could be very long.
    const text = sym.spec.states.find((s) => s.name === x)?.derivative ?? '';
    return `exponential Euler needs dx/dt = A + B·x with A and B free of x, and '${excerpt(text, 200)}' is not of that form.`;
  },
  build(step, states) {
    const dt = ref(DT);
    for (const x of states) {
      // x + f(x)·(e^{B·dt} − 1)/B, which is exact for constant A and B; the
      // factor tends to dt as B → 0, so B = 0 falls back to Euler. The
      // quotient is computed whatever B is (dividing by 1 where B = 0) and
      // then selected, so that a compiler may compute it for many units at
      // once without fearing a division by zero.
      const B = `__B_${x}`;
      step.push({ kind: 'let', name: B, expr: toIR(step.sym.coefficient(x), step.where(x)) });
      const nonzero = op('ne', ref(B), num(0));
      const E = `__E_${x}`;
      step.push({ kind: 'let', name: E, expr: op('div', op('expm1', op('mul', ref(B), dt)), op('select', nonzero, ref(B), num(1))) });
      const phi = op('select', nonzero, ref(E), dt);
      step.setNext(x, op('add', ref(x), op('mul', step.base.f.get(x)!, phi)));
    }
  },
};
