/**
 * Each update rule, forced with the solver option and run through the js back
 * end, converges at its order on autonomous ODEs with known solutions: the
 * error at a fixed time for dt, dt/2 and dt/4 gives observed orders
 * log2(e(dt)/e(dt/2)) ≈ 1 (euler, exponential-euler), 2 (midpoint, heun) and
 * 4 (rk4), each within ±0.3.
 */
import { expect } from 'chai';
import { Model, Network, derivative, intermediate, param, solve, state, type SolverOption } from '../../lib/index.js';
import type { ModelClass } from '../../lib/index.js';

class Decay extends Model {
  @param(1.3) k!: number;
  @state(1) @derivative('-k * x') x!: number;
}

class Logistic extends Model {
  @param(2) r!: number;
  @state(0.1) @derivative('r * x * (1 - x)') x!: number;
}

class Rotation extends Model {
  @param(1.5) w!: number;
  @state(1) @derivative('-w * y') x!: number;
  @state(0) @derivative('w * x') y!: number;
}

/** The logistic equation through intermediates: each stage must recompute them from its own x. */
class LogisticViaIntermediates extends Model {
  @param(2) r!: number;
  @intermediate('r * x') growth!: number;
  @intermediate('growth * (1 - x)') rate!: number;
  @state(0.1) @derivative('rate') x!: number;
}

/** x' = −y·x, y' = −y: each state conditionally linear in itself, x's coefficient varies. */
class Coupled extends Model {
  @state(1) @derivative('-y * x') x!: number;
  @state(2) @derivative('-y') y!: number;
}

interface Problem {
  model: ModelClass;
  T: number;
  exact: (T: number) => Record<string, number>;
}

const PROBLEMS: Record<string, Problem> = {
  "x' = -k x": { model: Decay, T: 1, exact: (T) => ({ x: Math.exp(-1.3 * T) }) },
  "logistic x' = r x (1 - x)": { model: Logistic, T: 1, exact: (T) => ({ x: 1 / (1 + 9 * Math.exp(-2 * T)) }) },
  'logistic through two intermediates': { model: LogisticViaIntermediates, T: 1, exact: (T) => ({ x: 1 / (1 + 9 * Math.exp(-2 * T)) }) },
  "rotation x' = -w y, y' = w x": { model: Rotation, T: 1, exact: (T) => ({ x: Math.cos(1.5 * T), y: Math.sin(1.5 * T) }) },
  "x' = -y x, y' = -y": {
    model: Coupled, T: 1,
    exact: (T) => ({ x: Math.exp(-2 * (1 - Math.exp(-T))), y: 2 * Math.exp(-T) }),
  },
};

/** Euclidean error at time T over the ODE states, running T/dt steps. */
async function errorAt(p: Problem, solver: SolverOption, dt: number): Promise<number> {
  const steps = Math.round(p.T / dt);
  const exact = p.exact(p.T);
  const rec = await solve(p.model, { dt, steps, solver, record: Object.keys(exact), backend: 'js' });
  let sum = 0;
  for (const [x, want] of Object.entries(exact)) {
    const got = rec[x].at(steps - 1, 0);
    sum += (got - want) ** 2;
  }
  return Math.sqrt(sum);
}

async function observedOrders(p: Problem, solver: SolverOption, dt: number): Promise<number[]> {
  const e = [await errorAt(p, solver, dt), await errorAt(p, solver, dt / 2), await errorAt(p, solver, dt / 4)];
  return [Math.log2(e[0] / e[1]), Math.log2(e[1] / e[2])];
}

const RULES: [SolverOption, number, number][] = [
  // rule, expected order, coarsest dt
  ['euler', 1, 0.01],
  ['midpoint', 2, 0.02],
  ['heun', 2, 0.02],
  ['rk4', 4, 0.1],
];

describe('solvers/order of convergence (observed order within ±0.3)', () => {
  for (const [rule, order, dt] of RULES) {
    for (const [name, p] of Object.entries(PROBLEMS)) {
      it(`${rule} on ${name}: order ${order}`, async () => {
        const orders = await observedOrders(p, rule, dt);
        for (const q of orders) expect(q, `observed orders ${orders.join(', ')}`).to.be.within(order - 0.3, order + 0.3);
      });
    }
  }

  it("exponential-euler on x' = -y x, y' = -y (coefficient varies with y): order 1", async () => {
    const orders = await observedOrders(PROBLEMS["x' = -y x, y' = -y"], 'exponential-euler', 0.02);
    for (const q of orders) expect(q, `observed orders ${orders.join(', ')}`).to.be.within(0.7, 1.3);
  });

  it('the solver option reaches the generated code (one rule per container)', async () => {
    const nn = new Network();
    nn.add(Rotation, { name: 'a' });
    nn.add(Rotation, { name: 'b', solver: 'heun' });
    await nn.compile({ backend: 'js', solver: 'rk4' });
    expect(nn.source).to.contain('// container 0 (Rotation): x rk4, y rk4');
    expect(nn.source).to.contain('// container 1 (Rotation): x heun, y heun');
  });
});
