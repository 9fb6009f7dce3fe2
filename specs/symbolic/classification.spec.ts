/**
 * The automatic choice of update rule for every state of every library model,
 * and the conditionally linear form x' = A + B·x behind it. For each state the
 * expected rule is argued from the equation, and B is compared at random
 * points with the coefficient worked out by hand (relative tolerance 1e-10).
 */
import { expect } from 'chai';
import { ExpressionError, inspect, lowerModel, models } from '../../lib/index.js';
import { symbolsOf } from '../../lib/expr/parse.js';
import { close, randomScope, seeded, value, withIntermediates, type Scope } from './support.js';

type Expected = Record<string, { rule: 'euler' | 'exponential-euler'; B?: (x: Scope) => number; why: string }>;

/** What every ODE state should get, with ∂(x')/∂x worked out by hand. */
const HH: Expected = {
  v: { rule: 'exponential-euler', B: (x) => -(x.gK * x.n ** 4 + x.gNa * x.m ** 3 * x.h + x.gL), why: 'ohmic currents are linear in v' },
  n: { rule: 'exponential-euler', B: (x) => -(x.alpha_n + x.beta_n), why: "n' = αn(1 − n) − βn·n" },
  m: { rule: 'exponential-euler', B: (x) => -(x.alpha_m + x.beta_m), why: "m' = αm(1 − m) − βm·m" },
  h: { rule: 'exponential-euler', B: (x) => -(x.alpha_h + x.beta_h), why: "h' = αh(1 − h) − βh·h" },
};

const EXPECTED: Record<string, Expected> = {
  IAF: { v: { rule: 'euler', B: () => 0, why: "v' = (stimulus + bias)/c has B ≡ 0" } },
  LeakyIAF: { v: { rule: 'exponential-euler', B: (x) => -1 / (x.r * x.c), why: "v' = (stimulus − v/r)/c is linear, B = −1/(rc)" } },
  HodgkinHuxley: HH,
  HodgkinHuxleySpiking: HH,
  LIF: { v: { rule: 'exponential-euler', B: (x) => -1 / x.tau, why: "v' = (El − v + I)/tau is linear, B = −1/tau" } },
  NoisyLIF: { v: { rule: 'euler', B: (x) => -1 / x.tau, why: 'linear in v, but stochastic (xi): Euler–Maruyama' } },
  Poisson: {},
  ConnorStevens: {
    v: { rule: 'exponential-euler', B: (x) => -(x.gNa * x.m ** 3 * x.h + x.gK * x.n ** 4 + x.gL + x.ga * x.a ** 3 * x.b), why: 'ohmic currents are linear in v' },
    n: { rule: 'exponential-euler', B: (x) => -1 / x.tau_n, why: "n' = (n∞ − n)/τn with n∞, τn functions of v" },
    m: { rule: 'exponential-euler', B: (x) => -1 / x.tau_m, why: "m' = (m∞ − m)/τm" },
    h: { rule: 'exponential-euler', B: (x) => -1 / x.tau_h, why: "h' = (h∞ − h)/τh" },
    a: { rule: 'exponential-euler', B: (x) => -1 / x.tau_a, why: "a' = (a∞ − a)/τa" },
    b: { rule: 'exponential-euler', B: (x) => -1 / x.tau_b, why: "b' = (b∞ − b)/τb" },
  },
  Wilson: {
    r: { rule: 'exponential-euler', B: () => -1 / 1.9, why: "r' = (0.0135v + 1.03 − r)/1.9" },
    v: { rule: 'euler', why: "v' is cubic in v" },
  },
  Rinzel: {
    v: { rule: 'euler', why: 'm∞(v)³ makes the sodium current non-linear in v' },
    w: { rule: 'exponential-euler', B: (x) => -3 / x.tau_w, why: "w' = 3(w∞ − w)/τw" },
  },
  MorrisLecar: {
    v: { rule: 'euler', why: 'm∞(v) = (1 + tanh((v − V1)/V2))/2 multiplies (v − ECa)' },
    w: { rule: 'exponential-euler', B: (x) => -x.phi * x.rate_w, why: "w' = φ·rate_w·(w∞ − w)" },
  },
  Izhikevich: {
    v: { rule: 'euler', why: "v' = 0.04v² + …" },
    u: { rule: 'exponential-euler', B: (x) => -x.a, why: "u' = a(bv − u)" },
  },
  AMPA: { s: { rule: 'exponential-euler', B: (x) => -x.ad, why: "s' = −ad·s" } },
  NMDA: {
    x: { rule: 'exponential-euler', B: (x) => -x.b1, why: "x' = −b1·x" },
    s: { rule: 'exponential-euler', B: (x) => -(x.a2 * x.x + x.b2), why: "s' = a2·x(1 − s) − b2·s" },
  },
  GABAB: {
    r: { rule: 'exponential-euler', B: (x) => -x.br, why: "r' = −br·r" },
    s: { rule: 'exponential-euler', B: (x) => -x.k4, why: "s' = k3·r − k4·s" },
  },
  Exponential: { s: { rule: 'exponential-euler', B: (x) => -x.b1, why: "s' = −b1·s" } },
  WeightedExponential: { s: { rule: 'exponential-euler', B: (x) => -x.b1, why: "s' = −b1·s" } },
  CUBA: {
    v: { rule: 'exponential-euler', B: (x) => -1 / x.taum, why: "v' = (ge + gi − (v − El))/taum" },
    ge: { rule: 'exponential-euler', B: (x) => -1 / x.taue, why: "ge' = −ge/taue" },
    gi: { rule: 'exponential-euler', B: (x) => -1 / x.taui, why: "gi' = −gi/taui" },
  },
  COBAHH: {
    v: { rule: 'exponential-euler', B: (x) => -(x.gl + x.ge + x.gi + x.g_na * x.m ** 3 * x.h + x.g_kd * x.n ** 4) / x.Cm, why: 'leak, synaptic and ohmic currents are linear in v' },
    m: { rule: 'exponential-euler', B: (x) => -(x.alpha_m + x.beta_m), why: "m' = αm(1 − m) − βm·m" },
    n: { rule: 'exponential-euler', B: (x) => -(x.alpha_n + x.beta_n), why: "n' = αn(1 − n) − βn·n" },
    h: { rule: 'exponential-euler', B: (x) => -(x.alpha_h + x.beta_h), why: "h' = αh(1 − h) − βh·h" },
    ge: { rule: 'exponential-euler', B: (x) => -1 / x.taue, why: "ge' = −ge/taue" },
    gi: { rule: 'exponential-euler', B: (x) => -1 / x.taui, why: "gi' = −gi/taui" },
  },
  ExcitatoryJump: {},
  InhibitoryJump: {},
  SongNeuron: {
    v: { rule: 'exponential-euler', B: (x) => -(x.ge + 1) / x.taum, why: "v' = (ge(Ee − v) + El − v)/taum" },
    ge: { rule: 'exponential-euler', B: (x) => -1 / x.taue, why: "ge' = −ge/taue" },
  },
  SongSTDP: {
    Apre: { rule: 'exponential-euler', B: (x) => -1 / x.taupre, why: "Apre' = −Apre/taupre (event-driven)" },
    Apost: { rule: 'exponential-euler', B: (x) => -1 / x.taupost, why: "Apost' = −Apost/taupost (event-driven)" },
  },
  Alpha: {
    s: { rule: 'euler', B: () => 0, why: "s' = u has B ≡ 0" },
    u: { rule: 'exponential-euler', B: (x) => -(x.ar + x.ad), why: "u' = −(ar + ad)u − ar·ad·s" },
  },
};

/** HH-family rates, evaluated by hand for the B of HodgkinHuxley's gates. */
function hhRates(v: number): Scope {
  const an = Math.exp(-(v + 55) / 10) - 1;
  const am = Math.exp(-(v + 40) / 10) - 1;
  return {
    alpha_n: (-0.01 * (v + 55)) / an, beta_n: 0.125 * Math.exp(-(v + 65) / 80),
    alpha_m: (-0.1 * (v + 40)) / am, beta_m: 4 * Math.exp(-(v + 65) / 18),
    alpha_h: 0.07 * Math.exp(-(v + 65) / 20), beta_h: 1 / (Math.exp(-(v + 35) / 10) + 1),
  };
}

describe('symbolic/classification of the library', () => {
  it('covers every library model', () => {
    expect(Object.keys(EXPECTED).sort()).to.deep.equal(Object.keys(models).sort());
  });

  // The event variants share their models' equations.
  for (const name of ['ConnorStevens', 'Wilson', 'Rinzel', 'MorrisLecar', 'Izhikevich']) EXPECTED[`${name}Spiking`] = EXPECTED[name];
  for (const [name, expected] of Object.entries(EXPECTED)) {
    const M = models[name as keyof typeof models];
    describe(name, () => {
      it('lists its ODE states and every state in declaration order', () => {
        const s = inspect(M);
        expect(s.states).to.deep.equal(Object.keys(expected).sort((a, b) => s.allStates.indexOf(a) - s.allStates.indexOf(b)));
        expect(s.allStates).to.deep.equal(s.spec.states.map((x) => x.name));
        for (const x of s.allStates) expect(s.solver(x), x).to.equal(s.states.includes(x) ? expected[x].rule : 'none');
      });

      for (const [x, { rule, B, why }] of Object.entries(expected)) {
        it(`${x}: '${rule}' (${why})`, () => {
          const s = inspect(M);
          expect(s.solver(x)).to.equal(rule);
          const lin = s.linear(x);
          if (!B) {
            expect(lin).to.equal(null);
            return;
          }
          expect(lin).to.not.equal(null);
          const next = seeded(name.length * 1000 + x.charCodeAt(0));
          for (let k = 0; k < 20; k++) {
            const scope = randomScope(s, next);
            const full = { ...withIntermediates(s, scope), ...(name.startsWith('HodgkinHuxley') ? hhRates(scope.v) : {}) };
            const got = value(lin!.B, scope);
            expect(close(got, B(full), 1e-10), `B at ${JSON.stringify(scope)}: ${got} vs ${B(full)}`).to.equal(true);
            // A is B·x away from the derivative, and free of x.
            expect(symbolsOf(lin!.A)).not.to.include(x);
          }
        });
      }

      it('lowerModel records the automatic choices in the IR', () => {
        const s = inspect(M);
        const ir = lowerModel(s);
        for (const x of s.allStates) expect(ir.solvers[x], x).to.equal(s.solver(x));
      });
    });
  }

  it('IAF: linear(v) is { A: (stimulus + bias) / c, B: 0 }', () => {
    const lin = inspect(models.IAF).linear('v')!;
    expect(lin.A.toString()).to.equal('(stimulus + bias) / c');
    expect(lin.B.toString()).to.equal('0');
  });

  it('Wilson: linear(v) is null and linear(r) is not', () => {
    expect(inspect(models.Wilson).linear('v')).to.equal(null);
    expect(inspect(models.Wilson).linear('r')).to.not.equal(null);
  });

  it('asking about a name that is not an ODE state raises ExpressionError naming the states', () => {
    const s = inspect(models.IAF);
    expect(() => s.linear('spike')).to.throw(ExpressionError, /IAF#spike: 'spike' is not a state with a @derivative of IAF\. Use one of: v\./);
    expect(() => s.solver('w')).to.throw(ExpressionError, /Use one of: spike, v\./);
    expect(() => s.derivative('w')).to.throw(ExpressionError);
  });
});
