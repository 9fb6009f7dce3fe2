/**
 * For every library model, at random points in its physiological range:
 * - `derivative(x)` (intermediates substituted, simplified) equals the model's
 *   own equation text evaluated with mathjs, intermediates evaluated first
 *   (relative tolerance 1e-9);
 * - `linear(x)`: A + B·x equals the derivative (relative tolerance 1e-9);
 * - every `jacobian()` entry equals a central finite difference of the
 *   equation text (step 1e-6·max(1, |x|), relative tolerance 1e-5).
 * Points within 0.01 of a guarded 0/0 point of the HH rates are redrawn.
 */
import { expect } from 'chai';
import { inspect, models, type SymbolicModel } from '../../lib/index.js';
import { close, equationValue, nearGuard, randomScope, seeded, value, type Scope } from './support.js';

const POINTS = 12;

function points(sym: SymbolicModel, seed: number, n = POINTS): Scope[] {
  const next = seeded(seed);
  const out: Scope[] = [];
  while (out.length < n) {
    const p = randomScope(sym, next);
    if (!nearGuard(sym, p)) out.push(p);
  }
  return out;
}

/** Central difference of the equation text of y with respect to x. */
function centralDifference(sym: SymbolicModel, y: string, x: string, at: Scope): number {
  const h = 1e-6 * Math.max(1, Math.abs(at[x]));
  const f = (d: number) => equationValue(sym, y, { ...at, [x]: at[x] + d });
  return (f(h) - f(-h)) / (2 * h);
}



describe('symbolic/equations of the library at random points', () => {
  for (const [name, M] of Object.entries(models)) {
    describe(name, () => {
      it('derivative(x) equals the equation text with intermediates evaluated (relative 1e-9)', () => {
        const s = inspect(M);
        for (const p of points(s, 11 + name.length)) {
          for (const x of s.allStates) {
            const want = equationValue(s, x, p);
            const got = value(s.derivative(x), p);
            expect(close(got, want, 1e-9), `${x}' at ${JSON.stringify(p)}: ${got} vs ${want}`).to.equal(true);
          }
        }
      });

      it('linear(x): A + B·x equals the derivative (relative 1e-9)', () => {
        const s = inspect(M);
        for (const p of points(s, 23 + name.length)) {
          for (const x of s.states) {
            const lin = s.linear(x);
            if (!lin) continue;
            const want = equationValue(s, x, p);
            const got = value(lin.A, p) + value(lin.B, p) * p[x];
            expect(close(got, want, 1e-9), `${x}' at ${JSON.stringify(p)}: ${got} vs ${want}`).to.equal(true);
          }
        }
      });

      it('jacobian() entries equal central differences of the equations (relative 1e-5)', () => {
        const s = inspect(M);
        const J = s.jacobian();
        expect(Object.keys(J)).to.deep.equal(s.states);
        for (const p of points(s, 37 + name.length, 6)) {
          for (const y of s.states) {
            expect(Object.keys(J[y])).to.deep.equal(s.states);
            for (const x of s.states) {
              const got = value(J[y][x], p);
              const want = centralDifference(s, y, x, p);
              expect(close(got, want, 1e-5), `∂${y}'/∂${x} at ${JSON.stringify(p)}: ${got} vs ${want}`).to.equal(true);
            }
          }
        }
      });
    });
  }

  it('a state changed only by @post has derivative 0', () => {
    expect(inspect(models.IAF).derivative('spike').toString()).to.equal('0');
    expect(inspect(models.HodgkinHuxley).derivative('vprev').toString()).to.equal('0');
  });

  it('derivative substitutes intermediates: no intermediate name is left', () => {
    const s = inspect(models.HodgkinHuxley);
    for (const x of s.states) {
      const text = s.derivative(x).toString();
      for (const i of Object.keys(s.intermediates)) expect(text, x).not.to.match(new RegExp(`\\b${i}\\b`));
    }
  });

  it('HodgkinHuxley: ∂v\'/∂v simplifies to the documented form', () => {
    expect(inspect(models.HodgkinHuxley).jacobian().v.v.toString()).to.equal('-(gK * n ^ 4 + gNa * m ^ 3 * h) - gL');
  });

  it('derivative() returns the same node on a second call (cached, not recomputed)', () => {
    const s = inspect(models.Wilson);
    expect(s.derivative('v')).to.equal(s.derivative('v'));
  });
});
