/**
 * Property: random small models (one to three states, two parameters, random
 * derivative and post equations) simulated with forced explicit Euler by the
 * js back end (and, in a third of the cases, the interpreter) equal a slow
 * reference written here: mathjs `evaluate` of the model's own equation
 * strings, step by step, all derivatives from the old values, then all posts
 * from the values after the step. Traces agree to 1e-9 relative to
 * max(1, |reference|) at every step. Derivatives are wrapped in tanh so that
 * no run overflows.
 */
import fc from 'fast-check';
import { all, create, type EvalFunction } from 'mathjs';
import { Model, Network, derivative, param, post, state, type BackendName, type ModelClass } from '../../lib/index.js';

const STATES = ['x', 'y', 'z'];
const PARAMS = ['a', 'b'];

/** Expression text over the given symbols (bounded building blocks, no domain errors). */
function term(symbols: string[], depth: number): fc.Arbitrary<string> {
  const leaf = fc.oneof(fc.constantFrom(...symbols), fc.double({ min: -2, max: 2, noNaN: true }).map((c) => `(${c.toFixed(3)})`));
  if (depth === 0) return leaf;
  const sub = term(symbols, depth - 1);
  return fc.oneof(
    leaf,
    fc.tuple(fc.constantFrom('sin', 'tanh', 'cos'), sub).map(([f, a]) => `${f}(${a})`),
    fc.tuple(fc.constantFrom('+', '-', '*'), sub, sub).map(([o, a, b]) => `(${a} ${o} ${b})`),
    fc.tuple(sub, sub).map(([a, b]) => `(${a}) / (1 + (${b})^2)`),
    fc.tuple(sub, sub, sub).map(([c, a, b]) => `(${c} > 0 ? ${a} : ${b})`),
    fc.tuple(sub, sub).map(([a, b]) => `max(${a}, ${b})`),
  );
}

interface RandomModel {
  n: number;
  params: number[];
  initial: number[];
  derivatives: string[];
  posts: (string | null)[];
}

const randomModel: fc.Arbitrary<RandomModel> = fc.integer({ min: 1, max: 3 }).chain((n) => {
  const symbols = [...STATES.slice(0, n), ...PARAMS];
  return fc.record({
    n: fc.constant(n),
    params: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 2, maxLength: 2 }),
    initial: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
    derivatives: fc.array(term(symbols, 3).map((t) => `2 * tanh(${t})`), { minLength: n, maxLength: n }),
    posts: fc.array(fc.option(term(symbols, 2).map((t) => `${STATES[0]} > 1 ? ${t} : ${STATES[0]}`), { freq: 2 }), { minLength: n, maxLength: n }),
  });
});

/** Declares the model class at run time, exactly as the decorators would. */
function declare(m: RandomModel): ModelClass {
  class Random extends Model {}
  const proto = Random.prototype;
  PARAMS.forEach((p, i) => param(m.params[i])(proto, p));
  for (let i = 0; i < m.n; i++) {
    if (m.posts[i] !== null) post(m.posts[i]!)(proto, STATES[i]);
    derivative(m.derivatives[i])(proto, STATES[i]);
    state(m.initial[i])(proto, STATES[i]);
  }
  return Random;
}

// mathjs compares with a tolerance by default (relTol 1e-12, absTol 1e-15), so
// that 5e-324 > 0 is false; the back ends compare exactly. The reference does too.
const exact = create(all, { relTol: 1e-300, absTol: 0 });
const compileMath = (text: string): EvalFunction => exact.compile(text);

/** Explicit Euler with mathjs evaluate: the slow reference. */
function reference(m: RandomModel, dt: number, steps: number): number[][] {
  const f: EvalFunction[] = m.derivatives.map((d) => compileMath(d));
  const g: (EvalFunction | null)[] = m.posts.map((p) => (p === null ? null : compileMath(p)));
  const names = STATES.slice(0, m.n);
  const scope: Record<string, number> = Object.fromEntries(PARAMS.map((p, i) => [p, m.params[i]]));
  names.forEach((x, i) => (scope[x] = m.initial[i]));
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    const rates = f.map((e) => Number(e.evaluate({ ...scope })));
    names.forEach((x, i) => (scope[x] += dt * rates[i]));
    const after = g.map((e, i) => (e === null ? scope[names[i]] : Number(e.evaluate({ ...scope }))));
    names.forEach((x, i) => (scope[x] = after[i]));
    out.push(names.map((x) => scope[x]));
  }
  return out;
}

describe('properties/random models: back end = mathjs reference (explicit Euler, relative 1e-9)', () => {
  it('agree at every step of 40 steps of dt = 0.05', async () => {
    const dt = 0.05;
    const steps = 40;
    await fc.assert(
      fc.asyncProperty(randomModel, fc.constantFrom<BackendName>('js', 'js', 'interpreter'), async (m, backend) => {
        const M = declare(m);
        const nn = new Network();
        const c = nn.add(M, { name: 'm', num: 2 });
        c.record(...STATES.slice(0, m.n));
        await nn.compile({ backend, solver: 'euler' });
        await nn.run(dt, { steps });
        const ref = reference(m, dt, steps);
        STATES.slice(0, m.n).forEach((x, i) => {
          const r = c.recorder.get(x);
          for (let k = 0; k < steps; k++) {
            for (const unit of [0, 1]) {
              const got = r.at(k, unit);
              const want = ref[k][i];
              if (!(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)))) {
                throw new Error(`${x} at step ${k}, unit ${unit}: ${backend} ${got}, reference ${want}\n${JSON.stringify(m, null, 1)}`);
              }
            }
          }
        });
      }),
      { numRuns: 60, seed: 424242 },
    );
  });
});
