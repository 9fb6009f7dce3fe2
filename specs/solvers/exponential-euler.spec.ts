/**
 * Exponential Euler: exact (to 1e-12 relative) for x' = a + b·x with constant
 * coefficients at any step size; the B → 0 limit falls back to Euler without
 * NaN; and forcing it on an equation that is not conditionally linear raises
 * ExpressionError naming the state and the rules that would work.
 */
import { expect } from 'chai';
import {
  ExpressionError, InputDataError, Model, Network, derivative, inspect, lowerModel, models, param, solve, state,
} from '../../lib/index.js';
import { rejects, throws } from '../support.js';

class Affine extends Model {
  @param(2) a!: number;
  @param(-3) b!: number;
  @state(1) @derivative('a + b * x') x!: number;
}

class Quadratic extends Model {
  @state(0.5) @derivative('x * x') x!: number;
}

/** x(t) = (x0 + a/b)·e^{bt} − a/b, or x0 + a·t when b = 0. */
const exact = (a: number, b: number, x0: number, t: number) => (b === 0 ? x0 + a * t : (x0 + a / b) * Math.exp(b * t) - a / b);

async function affineTrace(a: number, b: number, dt: number, steps: number, backend: 'js' | 'interpreter' = 'js') {
  const rec = await solve(Affine, { dt, steps, params: { a, b }, solver: 'exponential-euler', backend, record: ['x'] });
  return rec.x.trace(0);
}

describe('solvers/exponential Euler', () => {
  const cases: [number, number, number, number][] = [
    // a, b, dt, steps
    [2, -3, 0.01, 100],
    [2, -3, 0.5, 10],
    [-1, 0.7, 0.05, 60],
    [5, -200, 0.1, 20],
    [0, -1, 1e-3, 500],
  ];
  for (const [a, b, dt, steps] of cases) {
    it(`is exact for x' = ${a} + (${b})·x with dt = ${dt} (every step, relative 1e-12)`, async () => {
      for (const backend of ['js', 'interpreter'] as const) {
        const x = await affineTrace(a, b, dt, steps, backend);
        for (let k = 0; k < steps; k++) {
          const want = exact(a, b, 1, (k + 1) * dt);
          expect(Math.abs(x[k] - want), `${backend} step ${k}: ${x[k]} vs ${want}`).to.be.at.most(1e-12 * Math.max(1, Math.abs(want)));
        }
      }
    });
  }

  it('is what auto picks for x\' = a + b·x', () => {
    expect(inspect(Affine).solver('x')).to.equal('exponential-euler');
  });

  it('b = 0 (B → 0) falls back to Euler, which is exact here: x0 + a·t, no NaN (relative 1e-12)', async () => {
    const x = await affineTrace(2, 0, 0.01, 100);
    for (let k = 0; k < 100; k++) {
      expect(Number.isFinite(x[k])).to.equal(true);
      expect(x[k]).to.be.closeTo(1 + 2 * (k + 1) * 0.01, 1e-12 * (1 + 2 * (k + 1) * 0.01));
    }
  });

  it('b tiny (1e-300, −1e-300) still gives x0 + a·t (relative 1e-12)', async () => {
    for (const b of [1e-300, -1e-300]) {
      const x = await affineTrace(2, b, 0.01, 50);
      for (let k = 0; k < 50; k++) expect(x[k], `b = ${b}`).to.be.closeTo(1 + 2 * (k + 1) * 0.01, 1e-12 * 2);
    }
  });

  it('b = 0 and a = 0 leaves x unchanged', async () => {
    const x = await affineTrace(0, 0, 0.1, 10);
    expect([...x]).to.deep.equal(new Array(10).fill(1));
  });

  it('a coefficient that is 0 for some units only: each unit right (relative 1e-12)', async () => {
    const bs = [0, -2, 0, 1.5];
    const rec = await solve(Affine, { dt: 0.1, steps: 20, num: 4, params: { a: 1, b: bs }, solver: 'auto', record: ['x'], backend: 'js' });
    for (let i = 0; i < 4; i++) {
      const want = exact(1, bs[i], 1, 2);
      expect(rec.x.at(19, i), `unit ${i}`).to.be.closeTo(want, 1e-12 * Math.max(1, Math.abs(want)));
    }
  });

  describe('refused on equations that are not conditionally linear', () => {
    it('lowerModel(Wilson, \'exponential-euler\') raises ExpressionError at Wilson#v', () => {
      throws(() => lowerModel(inspect(models.Wilson), 'exponential-euler'), ExpressionError, {
        where: 'Wilson#v',
        message: 'exponential Euler needs dx/dt = A + B·x',
        fix: "Use solver 'auto', 'euler', 'midpoint', 'heun' or 'rk4'.",
      });
    });

    it('compile({ solver }) and add(…, { solver }) raise it too', async () => {
      const nn = new Network();
      nn.add(Quadratic, { name: 'q' });
      await rejects(() => nn.compile({ backend: 'js', solver: 'exponential-euler' }), ExpressionError, { message: /^Quadratic#x: / });
      const other = new Network();
      other.add(Quadratic, { name: 'q', solver: 'exponential-euler' });
      await rejects(() => other.compile({ backend: 'js' }), ExpressionError);
    });

    it('an unknown rule is refused: ExpressionError from lowerModel, InputDataError from compile and add', async () => {
      expect(() => lowerModel(inspect(Affine), 'rk5' as 'rk4')).to.throw(ExpressionError, /unknown solver 'rk5'.*Use one of: auto, euler, exponential-euler, midpoint, heun, rk4/);
      const nn = new Network();
      nn.add(Affine, { name: 'x' });
      await rejects(() => nn.compile({ solver: 'rk5' as 'rk4' }), InputDataError);
      expect(() => nn.add(Affine, { name: 'y', solver: 'rk5' as 'rk4' })).to.throw(InputDataError, /container 'y': solver 'rk5' is unknown/);
    });
  });
});
