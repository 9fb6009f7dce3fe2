/**
 * The built-in model library: every model reads without problems, declares
 * the expected states, parameters and inputs, takes overrides, and its
 * equation strings mean what its TSDoc says. The last point is checked by
 * integrating each model with forward Euler twice, from random points: once
 * evaluating the model's own strings with mathjs, once with the equations
 * typed again here by hand. Both runs must agree to 1e-9 (relative) at every
 * step, posts and bounds included.
 */
import { expect } from 'chai';
import { compile, parse, type EvalFunction, type MathNode } from 'mathjs';
import { Model, readModel, type ModelClass, type ModelSpec } from '../../lib/model/index.js';
import * as models from '../../lib/models/index.js';
import { seeded } from '../symbolic/support.js';
import {
  AMPA, Alpha, ConnorStevens, ConnorStevensSpiking, Exponential, GABAB, HodgkinHuxley, HodgkinHuxleySpiking, IAF, Izhikevich, IzhikevichSpiking,
  LIF, LeakyIAF, MorrisLecar, MorrisLecarSpiking, NMDA, NoisyLIF, Poisson, Rinzel, RinzelSpiking, WeightedExponential, Wilson, WilsonSpiking,
  CUBA, COBAHH, ExcitatoryJump, InhibitoryJump, SongNeuron, SongSTDP,
} from '../../lib/models/index.js';
import { Network } from '../../lib/network/index.js';

type Vars = Record<string, number>;
type Bounds = [number, number];

/** What a model should declare: states as `[initial, bounds?]`, in declaration order. */
interface Declared {
  timeScale: number;
  states: Record<string, [number, Bounds?]>;
  params: Vars;
  inputs: Vars;
}

/** Equations typed by hand, and where to sample random starting points. */
interface HandModel extends Declared {
  /** d/dt of every state that has a derivative, per model time unit. */
  deriv(x: Vars): Vars;
  /** Value after the step of every state that has a post, from pre-post values. */
  post(x: Vars): Vars;
  /** Ranges of the random initial states (others start at their initial value). */
  sample: Record<string, Bounds>;
  /** Input for each step: a range, or the probability of a 1 (spike trains). */
  drive: { stimulus: Bounds } | { spikeProbability: number };
  /** Step in seconds. */
  dt: number;
  /** A run from the initial state with a constant stimulus that must fire. */
  fires?: { stimulus: number; steps: number; dt: number };
  /** The start values of the original package (or paper), where they differ from the rest the model starts at. */
  original?: Vars;
}

// ---------------------------------------------------------------- hand-typed equations

const { exp, abs, tanh, cbrt, min } = Math;
const crossing = (x: Vars) => (x.vprev < 0 && x.v >= 0 ? 1 : 0);

/** Hodgkin–Huxley rates with the 0/0 limits, shared by HH and Rinzel. */
function hhRates(v: number) {
  const alpha_n = abs(exp(-(v + 55) / 10) - 1) <= 1e-7 ? 0.1 : (-0.01 * (v + 55)) / (exp(-(v + 55) / 10) - 1);
  const alpha_m = abs(exp(-(v + 40) / 10) - 1) <= 1e-7 ? 1 : (-0.1 * (v + 40)) / (exp(-(v + 40) / 10) - 1);
  return {
    alpha_n, beta_n: 0.125 * exp(-(v + 65) / 80),
    alpha_m, beta_m: 4 * exp(-(v + 65) / 18),
    alpha_h: 0.07 * exp(-(v + 65) / 20), beta_h: 1 / (exp(-(v + 35) / 10) + 1),
  };
}

const HAND: Record<string, HandModel> = {
  IAF: {
    timeScale: 1,
    states: { spike: [0], v: [0] },
    params: { vt: 0.025, c: 5, bias: 0.01 },
    inputs: { stimulus: 0 },
    deriv: (x) => ({ v: (x.stimulus + x.bias) / x.c }),
    post: (x) => ({ spike: x.v > x.vt ? 1 : 0, v: x.v > x.vt ? 0 : x.v }),
    sample: { v: [0.02, 0.03] },
    drive: { stimulus: [0, 2] },
    dt: 1e-3,
    fires: { stimulus: 1, steps: 200, dt: 1e-3 },
  },
  LeakyIAF: {
    timeScale: 1,
    states: { spike: [0], v: [-0.05, [-0.07, 0.025]] },
    params: { vt: -0.025, c: 1.5, vr: -0.07, r: 0.2 },
    inputs: { stimulus: 0 },
    deriv: (x) => ({ v: (x.stimulus - x.v / x.r) / x.c }),
    post: (x) => ({ spike: x.v > x.vt ? 1 : 0, v: x.v > x.vt ? x.vr : x.v }),
    sample: { v: [-0.08, -0.02] },
    drive: { stimulus: [-0.2, 0.5] },
    dt: 1e-3,
    fires: { stimulus: 0.1, steps: 500, dt: 1e-3 },
  },
  HodgkinHuxley: {
    timeScale: 1e3,
    states: {
      v: [-64.9963793311921, [-80, 30]], n: [0.317732399760866, [0, 1]], m: [0.0529550868130081, [0, 1]], h: [0.595994124739864, [0, 1]],
      spike: [0], vprev: [-64.9963793311921],
    },
    original: { v: -60, n: 0, m: 0, h: 1, vprev: -60 },
    params: { gNa: 120, gK: 36, gL: 0.3, ENa: 50, EK: -77, EL: -54.387 },
    inputs: { stimulus: 0 },
    deriv: (x) => {
      const r = hhRates(x.v);
      return {
        v: x.stimulus - x.gK * x.n ** 4 * (x.v - x.EK) - x.gNa * x.m ** 3 * x.h * (x.v - x.ENa) - x.gL * (x.v - x.EL),
        n: r.alpha_n * (1 - x.n) - r.beta_n * x.n,
        m: r.alpha_m * (1 - x.m) - r.beta_m * x.m,
        h: r.alpha_h * (1 - x.h) - r.beta_h * x.h,
      };
    },
    post: (x) => ({ spike: crossing(x), vprev: x.v }),
    sample: { v: [-85, 35], n: [0, 1], m: [0, 1], h: [0, 1], vprev: [-10, 5] },
    drive: { stimulus: [0, 40] },
    dt: 1e-5,
    fires: { stimulus: 10, steps: 2000, dt: 1e-5 },
  },
  ConnorStevens: {
    timeScale: 1e3,
    states: {
      v: [-67.9747258553618, [-80, 50]], n: [0.155891988985769, [0, 1]], m: [0.0100802867290319, [0, 1]], h: [0.965897305695259, [0, 1]],
      a: [0.540436798845224, [0, 1]], b: [0.288484895451682, [0, 1]], spike: [0], vprev: [-67.9747258553618],
    },
    original: { v: -60, n: 0, m: 0, h: 1, a: 1, b: 1, vprev: -60 },
    params: { ms: -5.3, ns: -4.3, hs: -12, gNa: 120, gK: 20, gL: 0.3, ga: 47.7, ENa: 55, EK: -72, EL: -17, Ea: -75 },
    inputs: { stimulus: 0 },
    deriv: (x) => {
      const v = x.v;
      const xn = v + 50 + x.ns;
      const an = abs(exp(-xn / 10) - 1) <= 1e-7 ? 0.1 : (-0.01 * xn) / (exp(-xn / 10) - 1);
      const bn = 0.125 * exp(-(v + 60 + x.ns) / 80);
      const xm = v + 35 + x.ms;
      const am = abs(exp(-xm / 10) - 1) <= 1e-7 ? 1 : (-0.1 * xm) / (exp(-xm / 10) - 1);
      const bm = 4 * exp(-(v + 60 + x.ms) / 18);
      const ah = 0.07 * exp(-(v + 60 + x.hs) / 20);
      const bh = 1 / (1 + exp(-(v + 30 + x.hs) / 10));
      const aInf = cbrt((0.0761 * exp((v + 94.22) / 31.84)) / (1 + exp((v + 1.17) / 28.93)));
      const tauA = 0.3632 + 1.158 / (1 + exp((v + 55.96) / 20.12));
      const bInf = (1 / (1 + exp((v + 53.3) / 14.54))) ** 4;
      const tauB = 1.24 + 2.678 / (1 + exp((v + 50) / 16.027));
      return {
        v: x.stimulus - x.gNa * x.m ** 3 * x.h * (v - x.ENa) - x.gK * x.n ** 4 * (v - x.EK) - x.gL * (v - x.EL)
          - x.ga * x.a ** 3 * x.b * (v - x.Ea),
        n: (an / (an + bn) - x.n) * 3.8 * (an + bn) / 2,
        m: (am / (am + bm) - x.m) * 3.8 * (am + bm),
        h: (ah / (ah + bh) - x.h) * 3.8 * (ah + bh),
        a: (aInf - x.a) / tauA,
        b: (bInf - x.b) / tauB,
      };
    },
    post: (x) => ({ spike: crossing(x), vprev: x.v }),
    sample: { v: [-85, 55], n: [0, 1], m: [0, 1], h: [0, 1], a: [0, 1], b: [0, 1], vprev: [-10, 5] },
    drive: { stimulus: [0, 40] },
    dt: 1e-5,
    fires: { stimulus: 20, steps: 2000, dt: 1e-5 },
  },
  Wilson: {
    timeScale: 1e3,
    states: { r: [0.0877593076846517], v: [-69.795606838174], spike: [0], vprev: [-69.795606838174] },
    original: { r: 0.088, v: -70, vprev: -70 },
    params: { C: 1.2, EK: -92, gK: 26, ENa: 55 },
    inputs: { stimulus: 0 },
    deriv: (x) => ({
      r: (0.0135 * x.v + 1.03 - x.r) / 1.9,
      v: (x.stimulus - (17.81 + 0.4771 * x.v + 0.003263 * x.v * x.v) * (x.v - x.ENa) - x.gK * x.r * (x.v - x.EK)) / x.C,
    }),
    post: (x) => ({ spike: crossing(x), vprev: x.v }),
    sample: { r: [0, 1], v: [-90, 40], vprev: [-10, 5] },
    drive: { stimulus: [0, 30] },
    dt: 1e-6,
    fires: { stimulus: 20, steps: 2000, dt: 1e-5 },
  },
  Rinzel: {
    timeScale: 1e3,
    states: { v: [-64.9973125395226, [-80, 30]], w: [0.403957324686797, [0, 1]], spike: [0], vprev: [-64.9973125395226] },
    original: { v: -60, w: 0, vprev: -60 },
    params: { C: 0.75, gNa: 120, gK: 36, gL: 0.3, ENa: 50, EK: -77, EL: -54.387, s: 1.27135220916422 },
    inputs: { stimulus: 0 },
    deriv: (x) => {
      const r = hhRates(x.v);
      const nInf = r.alpha_n / (r.alpha_n + r.beta_n);
      const mInf = r.alpha_m / (r.alpha_m + r.beta_m);
      const hInf = r.alpha_h / (r.alpha_h + r.beta_h);
      const wInf = (x.s / (1 + x.s * x.s)) * (nInf + x.s * (1 - hInf));
      const tauW = 1 + 5 * exp(-((x.v + 55) * (x.v + 55)) / (55 * 55));
      return {
        v: (x.stimulus - x.gNa * mInf ** 3 * (1 - x.w) * (x.v - x.ENa) - x.gK * (x.w / x.s) ** 4 * (x.v - x.EK)
          - x.gL * (x.v - x.EL)) / x.C,
        w: (3 * (wInf - x.w)) / tauW,
      };
    },
    post: (x) => ({ spike: crossing(x), vprev: x.v }),
    sample: { v: [-85, 35], w: [0, 1], vprev: [-10, 5] },
    drive: { stimulus: [0, 40] },
    dt: 1e-5,
    fires: { stimulus: 10, steps: 2000, dt: 1e-5 },
  },
  MorrisLecar: {
    timeScale: 1e3,
    states: { v: [-60.8553822323095], w: [0.0149150249539994, [0, 1]], spike: [0], vprev: [-60.8553822323095] },
    params: { C: 20, gCa: 4.4, gK: 8, gL: 2, ECa: 120, EK: -84, EL: -60, V1: -1.2, V2: 18, V3: 2, V4: 30, phi: 0.04 },
    inputs: { stimulus: 0 },
    deriv: (x) => {
      const mInf = 0.5 * (1 + tanh((x.v - x.V1) / x.V2));
      const wInf = 0.5 * (1 + tanh((x.v - x.V3) / x.V4));
      const tauW = 1 / Math.cosh((x.v - x.V3) / (2 * x.V4));
      return {
        v: (x.stimulus - x.gCa * mInf * (x.v - x.ECa) - x.gK * x.w * (x.v - x.EK) - x.gL * (x.v - x.EL)) / x.C,
        w: (x.phi * (wInf - x.w)) / tauW,
      };
    },
    post: (x) => ({ spike: crossing(x), vprev: x.v }),
    sample: { v: [-80, 40], w: [0, 1], vprev: [-10, 5] },
    drive: { stimulus: [0, 200] },
    dt: 1e-5,
    fires: { stimulus: 150, steps: 1500, dt: 5e-5 },
  },
  Izhikevich: {
    timeScale: 1e3,
    states: { v: [-70], u: [-14], spike: [0] },
    original: { v: -65, u: -13 },
    params: { a: 0.02, b: 0.2, c: -65, d: 8, vpeak: 30 },
    inputs: { stimulus: 0 },
    deriv: (x) => ({ v: 0.04 * x.v * x.v + 5 * x.v + 140 - x.u + x.stimulus, u: x.a * (x.b * x.v - x.u) }),
    post: (x) => ({
      v: x.v >= x.vpeak ? x.c : x.v,
      u: x.v >= x.vpeak ? x.u + x.d : x.u,
      spike: x.v >= x.vpeak ? 1 : 0,
    }),
    sample: { v: [-80, 31], u: [-20, 5] },
    drive: { stimulus: [0, 20] },
    dt: 1e-5,
    fires: { stimulus: 10, steps: 4000, dt: 1e-5 },
  },
  AMPA: {
    timeScale: 1,
    states: { s: [0, [0, 1]], I: [0], g: [0] },
    params: { ar: 0.1, ad: 5, gmax: 150 },
    inputs: { stimulus: 0 },
    deriv: (x) => ({ s: -x.ad * x.s }),
    post: (x) => {
      const s = min(1, x.s + x.stimulus * x.ar * (1 - x.s));
      return { s, I: x.gmax * s, g: x.gmax * s };
    },
    sample: { s: [0, 1] },
    drive: { spikeProbability: 0.3 },
    dt: 1e-3,
  },
  NMDA: {
    timeScale: 1,
    states: { x: [0, [0, 1]], s: [0, [0, 1]], g: [0] },
    params: { a1: 50, b1: 4.5, a2: 18, b2: 34, gmax: 300 },
    inputs: { stimulus: 0 },
    deriv: (x) => ({ x: -x.b1 * x.x, s: x.a2 * x.x * (1 - x.s) - x.b2 * x.s }),
    post: (x) => ({ x: x.stimulus !== 0 ? min(1, x.x + x.a1 * (1 - x.x)) : x.x, g: x.gmax * x.s }),
    sample: { x: [0, 1], s: [0, 1] },
    drive: { spikeProbability: 0.1 },
    dt: 1e-3,
  },
  GABAB: {
    timeScale: 1,
    states: { r: [0, [0, 1]], s: [0, [0, 1]], g: [0] },
    params: { ar: 10, br: 10, k3: 18, k4: 34, kd: 0.4, gmax: 200, n: 4 },
    inputs: { stimulus: 0 },
    deriv: (x) => ({ r: -x.br * x.r, s: x.k3 * x.r - x.k4 * x.s }),
    post: (x) => ({
      r: x.stimulus !== 0 ? min(1, x.r + x.ar * (1 - x.r)) : x.r,
      g: (x.gmax * x.s ** x.n) / (x.s ** x.n + x.kd ** x.n),
    }),
    sample: { r: [0, 1], s: [0, 1] },
    drive: { spikeProbability: 0.1 },
    dt: 1e-3,
  },
  Exponential: {
    timeScale: 1,
    states: { s: [0], g: [0] },
    params: { a1: 11, b1: 9, gmax: 1 },
    inputs: { stimulus: 0 },
    deriv: (x) => ({ s: -x.b1 * x.s }),
    post: (x) => {
      const s = x.stimulus !== 0 ? x.s + x.a1 : x.s;
      return { s, g: x.gmax * s };
    },
    sample: { s: [0, 50] },
    drive: { spikeProbability: 0.1 },
    dt: 1e-3,
  },
  WeightedExponential: {
    timeScale: 1,
    states: { s: [0], g: [0] },
    params: { a1: 11, b1: 9, gmax: 1 },
    inputs: { stimulus: 0 },
    deriv: (x) => ({ s: -x.b1 * x.s }),
    post: (x) => {
      const s = x.s + x.a1 * x.stimulus;
      return { s, g: x.gmax * s };
    },
    sample: { s: [0, 50] },
    drive: { stimulus: [0, 2] },
    dt: 1e-3,
  },
  Alpha: {
    timeScale: 1,
    states: { s: [0], u: [0], g: [0] },
    params: { ar: 12.5, ad: 12.19, gmax: 1 },
    inputs: { stimulus: 0 },
    deriv: (x) => ({ s: x.u, u: -(x.ar + x.ad) * x.u - x.ar * x.ad * x.s }),
    post: (x) => ({ u: x.stimulus !== 0 ? x.u + x.ar * x.ad : x.u, g: x.gmax * x.s }),
    sample: { s: [0, 5], u: [-50, 200] },
    drive: { spikeProbability: 0.1 },
    dt: 1e-3,
  },
};

const CLASSES: Record<string, ModelClass> = {
  IAF, LeakyIAF, HodgkinHuxley, HodgkinHuxleySpiking, ConnorStevens, ConnorStevensSpiking, Wilson, WilsonSpiking, Rinzel, RinzelSpiking,
  MorrisLecar, MorrisLecarSpiking, Izhikevich, IzhikevichSpiking, LIF, NoisyLIF, Poisson,
  AMPA, NMDA, GABAB, Exponential, WeightedExponential, Alpha,
  CUBA, COBAHH, ExcitatoryJump, InhibitoryJump, SongNeuron, SongSTDP,
};
const NEURONS = ['IAF', 'LeakyIAF', 'HodgkinHuxley', 'ConnorStevens', 'Wilson', 'Rinzel', 'MorrisLecar', 'Izhikevich'];

// ---------------------------------------------------------------- helpers

const uniform = (rand: () => number, [lo, hi]: Bounds) => lo + (hi - lo) * rand();

/** The model's own equation strings, compiled with mathjs. */
function fromStrings(spec: ModelSpec): { deriv(x: Vars): Vars; post(x: Vars): Vars } {
  const inter = spec.intermediates.map((i) => [i.name, compile(i.expression)] as const);
  const ders = spec.states.filter((s) => s.derivative !== undefined).map((s) => [s.name, compile(s.derivative!)] as const);
  const posts = spec.states.filter((s) => s.post !== undefined).map((s) => [s.name, compile(s.post!)] as const);
  const run = (list: ReadonlyArray<readonly [string, EvalFunction]>, x: Vars): Vars => {
    // Intermediates first, in the spec's order, then the equations in that scope.
    const scope: Vars = { ...x };
    for (const [name, f] of inter) scope[name] = num(f.evaluate(scope), name);
    const out: Vars = {};
    for (const [name, f] of list) out[name] = num(f.evaluate({ ...scope }), name);
    return out;
  };
  return { deriv: (x) => run(ders, x), post: (x) => run(posts, x) };
}

function num(value: unknown, name: string): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number') throw new Error(`${name} evaluated to ${String(value)}, not a number`);
  return value;
}

/**
 * One forward-Euler step in the order the library promises: integrate, clip
 * to bounds, then evaluate every post from the clipped (pre-post) values.
 */
function eulerStep(
  eq: { deriv(x: Vars): Vars; post(x: Vars): Vars },
  bounds: Record<string, Bounds | undefined>,
  state: Vars, fixed: Vars, dtModel: number,
): Vars {
  const d = eq.deriv({ ...fixed, ...state });
  const next: Vars = { ...state };
  for (const [name, rate] of Object.entries(d)) next[name] = state[name] + dtModel * rate;
  for (const [name, b] of Object.entries(bounds)) if (b) next[name] = Math.min(b[1], Math.max(b[0], next[name]));
  const p = eq.post({ ...fixed, ...next });
  return { ...next, ...p };
}

function close(a: number, b: number, tol = 1e-9): boolean {
  return Math.abs(a - b) <= tol * (1 + Math.abs(b));
}

/** Expands intermediates in a tree, so its symbols are states, params and inputs. */
function expanded(text: string, spec: ModelSpec): MathNode {
  const defs = new Map(spec.intermediates.map((i) => [i.name, parse(i.expression)]));
  let node = parse(text);
  for (let pass = 0; pass < spec.intermediates.length + 1; pass++) {
    node = node.transform((child) =>
      child.type === 'SymbolNode' && defs.has((child as unknown as { name: string }).name)
        ? defs.get((child as unknown as { name: string }).name)!
        : child);
  }
  return node;
}

function symbols(node: MathNode): Set<string> {
  const out = new Set<string>();
  node.traverse((child, path, parent) => {
    if (child.type === 'SymbolNode' && !(parent?.type === 'FunctionNode' && path === 'fn')) {
      out.add((child as unknown as { name: string }).name);
    }
  });
  return out;
}

/** Evaluates one derivative string of the model at a point. */
function derivAt(spec: ModelSpec, name: string, x: Vars): number {
  return fromStrings(spec).deriv(x)[name];
}

const defaults = (spec: ModelSpec): Vars =>
  Object.fromEntries([...spec.params, ...spec.inputs].map((p) => [p.name, p.value]));
const initials = (spec: ModelSpec): Vars => Object.fromEntries(spec.states.map((s) => [s.name, s.initial]));

// ---------------------------------------------------------------- specs

describe('models library', () => {
  it('exports exactly the built-in neurons and synapses, each a Model', () => {
    expect(Object.keys(models).sort()).to.deep.equal(Object.keys(CLASSES).sort());
    for (const [name, cls] of Object.entries(CLASSES)) {
      expect((models as Record<string, unknown>)[name]).to.equal(cls);
      expect(new (cls as unknown as new () => Model)()).to.be.instanceOf(Model);
    }
  });

  for (const [name, hand] of Object.entries(HAND)) {
    describe(name, () => {
      const cls = CLASSES[name];

      it('passes readModel and declares the expected states, params, inputs and time scale', () => {
        const spec = readModel(cls);
        expect(spec.name).to.equal(name);
        expect(spec.timeScale).to.equal(hand.timeScale);
        expect(spec.states.map((s) => s.name)).to.deep.equal(Object.keys(hand.states));
        for (const s of spec.states) {
          const [initial, bounds] = hand.states[s.name];
          expect(s.initial, `${name}#${s.name} initial`).to.equal(initial);
          expect(s.bounds, `${name}#${s.name} bounds`).to.deep.equal(bounds);
        }
        expect(Object.fromEntries(spec.params.map((p) => [p.name, p.value]))).to.deep.equal(hand.params);
        expect(spec.params.map((p) => p.name)).to.deep.equal(Object.keys(hand.params));
        expect(Object.fromEntries(spec.inputs.map((p) => [p.name, p.value]))).to.deep.equal(hand.inputs);
      });

      it('takes overrides of parameters and initial states, and keeps the other defaults', () => {
        const spec = readModel(cls);
        const [first, ...rest] = spec.params;
        const st = spec.states[0];
        const Ctor = cls as unknown as new (o?: Vars) => Vars;
        const inst = new Ctor({ [first.name]: first.value * 2 + 1, [st.name]: st.initial + 0.5 });
        expect(inst[first.name]).to.equal(first.value * 2 + 1);
        expect(inst[st.name]).to.equal(st.initial + 0.5);
        for (const p of rest) expect(inst[p.name], p.name).to.equal(p.value);
        for (const s of spec.states.slice(1)) expect(inst[s.name], s.name).to.equal(s.initial);
        const plain = new Ctor();
        for (const p of spec.params) expect(plain[p.name]).to.equal(p.value);
      });

      it('derivative and post strings agree with the hand-typed equations along Euler runs from random points', () => {
        const spec = readModel(cls);
        const model = fromStrings(spec);
        const specBounds = Object.fromEntries(spec.states.map((s) => [s.name, s.bounds]));
        const handBounds = Object.fromEntries(Object.entries(hand.states).map(([k, [, b]]) => [k, b]));
        const rand = seeded(0x5eed + name.length * 7919);
        const dtModel = hand.dt * hand.timeScale;
        for (let point = 0; point < 6; point++) {
          // Random parameters within ±10 % of the defaults, random starting state.
          const params: Vars = {};
          for (const [k, v] of Object.entries(hand.params)) params[k] = v * uniform(rand, [0.9, 1.1]);
          let a: Vars = Object.fromEntries(Object.entries(hand.states).map(([k, [init]]) => [k, init]));
          for (const [k, range] of Object.entries(hand.sample)) a[k] = uniform(rand, range);
          let b: Vars = { ...a };
          for (let step = 0; step < 40; step++) {
            const stimulus = 'stimulus' in hand.drive ? uniform(rand, hand.drive.stimulus)
              : rand() < hand.drive.spikeProbability ? 1 : 0;
            const fixed = { ...params, stimulus };
            if (step === 0) {
              // The two sides define the same states.
              expect(Object.keys(model.deriv({ ...fixed, ...a })).sort()).to.deep.equal(Object.keys(hand.deriv({ ...fixed, ...a })).sort());
              expect(Object.keys(model.post({ ...fixed, ...a })).sort()).to.deep.equal(Object.keys(hand.post({ ...fixed, ...a })).sort());
            }
            a = eulerStep(model, specBounds, a, fixed, dtModel);
            b = eulerStep(hand, handBounds, b, fixed, dtModel);
            for (const k of Object.keys(hand.states)) {
              expect(Number.isFinite(a[k]), `${name}#${k} finite at point ${point}, step ${step}`).to.equal(true);
              expect(close(a[k], b[k]), `${name}#${k} at point ${point}, step ${step}: strings ${a[k]}, by hand ${b[k]}`).to.equal(true);
            }
          }
        }
      });

      if (hand.fires) {
        const fires = hand.fires;
        it(`fires (spike = 1 on some step) from rest with stimulus ${fires.stimulus}, and both sides agree`, () => {
          const spec = readModel(cls);
          const model = fromStrings(spec);
          const bounds = Object.fromEntries(spec.states.map((s) => [s.name, s.bounds]));
          const fixed = { ...defaults(spec), stimulus: fires.stimulus };
          let a = initials(spec);
          let b = { ...a };
          let spikesA = 0;
          let spikesB = 0;
          for (let step = 0; step < fires.steps; step++) {
            a = eulerStep(model, bounds, a, fixed, fires.dt * spec.timeScale);
            b = eulerStep(hand, bounds, b, fixed, fires.dt * spec.timeScale);
            spikesA += a.spike;
            spikesB += b.spike;
          }
          expect(spikesA).to.be.greaterThan(0);
          expect(spikesA).to.equal(spikesB);
          for (const k of Object.keys(a)) expect(close(a[k], b[k], 1e-6), k).to.equal(true);
        });
      }
    });
  }

  describe('neurons start at rest', () => {
    /** The neurons with a resting state below threshold at their defaults (IAF's bias and LeakyIAF's leak make them fire). */
    const RESTING = ['HodgkinHuxley', 'ConnorStevens', 'Wilson', 'Rinzel', 'MorrisLecar', 'Izhikevich'];

    for (const name of RESTING) {
      it(`${name}: with zero stimulus every derivative is 0 at the start values (|dx/dt| ≤ 1e-10 per model time unit)`, () => {
        const spec = readModel(CLASSES[name]);
        const d = fromStrings(spec).deriv({ ...defaults(spec), ...initials(spec), stimulus: 0 });
        for (const [k, rate] of Object.entries(d)) expect(Math.abs(rate), `${name}#${k}' = ${rate}`).to.be.at.most(1e-10);
        const start = initials(spec);
        if ('vprev' in start) expect(start.vprev, `${name}#vprev`).to.equal(start.v);
      });
    }

    it('with zero stimulus none fires in 100 ms and every state stays within 1e-9 of its start (js, dt = 10 µs)', async () => {
      const nn = new Network();
      const units = RESTING.map((name) => nn.add(CLASSES[name], { name }));
      for (const u of units) u.record('spike', { mode: 'sum' });
      await nn.compile({ backend: 'js' });
      const starts = units.map((u) => Object.fromEntries(u.spec.states.map((st) => [st.name, u.get(st.name)[0]])));
      await nn.run(1e-5, { steps: 10_000 });
      units.forEach((u, i) => {
        expect(u.recorder.get('spike').data[0], `${u.name} spikes`).to.equal(0);
        for (const st of u.spec.states) expect(Math.abs(u.get(st.name)[0] - starts[i][st.name]), `${u.name}#${st.name}`).to.be.at.most(1e-9);
      });
    });

    it('the rest is stable: 0.5 mV above it, each returns to within 1e-6 mV in 0.5 s without firing', async () => {
      const nn = new Network();
      const units = RESTING.map((name) => nn.add(CLASSES[name], { name }));
      const rest = units.map((u) => u.get('v')[0]);
      units.forEach((u, i) => u.set('v', rest[i] + 0.5));
      for (const u of units) u.record('spike', { mode: 'sum' });
      await nn.compile({ backend: 'js' });
      await nn.run(1e-5, { steps: 50_000 });
      units.forEach((u, i) => {
        expect(u.recorder.get('spike').data[0], `${u.name} spikes`).to.equal(0);
        expect(Math.abs(u.get('v')[0] - rest[i]), `${u.name}#v`).to.be.at.most(1e-6);
      });
    });

    it('originalStart holds the original start values (frozen); MorrisLecar, which Neural lacks, has none', () => {
      for (const name of RESTING) {
        const original = (CLASSES[name] as unknown as { originalStart?: Vars }).originalStart;
        expect(original, name).to.deep.equal(HAND[name].original);
        if (original) expect(Object.isFrozen(original), name).to.equal(true);
      }
    });

    it('from originalStart with zero stimulus HodgkinHuxley and Rinzel fire once in 100 ms, the start-up artefact', async () => {
      const nn = new Network();
      const units = [HodgkinHuxley, Rinzel].map((M) => nn.add(M, { states: M.originalStart }));
      for (const u of units) u.record('spike', { mode: 'sum' });
      await nn.compile({ backend: 'js' });
      await nn.run(1e-5, { steps: 10_000 });
      for (const u of units) expect(u.recorder.get('spike').data[0], u.name).to.equal(1);
    });
  });

  describe('spikes', () => {
    it('every neuron has a state named spike', () => {
      for (const name of NEURONS) expect(readModel(CLASSES[name]).states.map((s) => s.name), name).to.include('spike');
    });

    it('HodgkinHuxley detects an upward crossing of 0 mV from last step\'s v', () => {
      const spec = readModel(HodgkinHuxley);
      const p = fromStrings(spec).post;
      const at = (vprev: number, v: number) => p({ ...defaults(spec), ...initials(spec), vprev, v });
      expect(at(-1, 0)).to.deep.equal({ spike: 1, vprev: 0 });
      expect(at(-1, 5)).to.deep.equal({ spike: 1, vprev: 5 });
      expect(at(0, 5).spike).to.equal(0);
      expect(at(5, -1).spike).to.equal(0);
      expect(at(-5, -1).spike).to.equal(0);
    });

    it('synapse jumps happen only on a presynaptic spike', () => {
      for (const name of ['NMDA', 'GABAB', 'Exponential', 'WeightedExponential', 'Alpha', 'AMPA']) {
        const spec = readModel(CLASSES[name]);
        const x: Vars = { ...defaults(spec), ...initials(spec), stimulus: 0 };
        const quiet = fromStrings(spec).post(x);
        const spiking = fromStrings(spec).post({ ...x, stimulus: 1 });
        for (const s of spec.states) if (s.derivative && s.post) expect(quiet[s.name], `${name}#${s.name}`).to.equal(x[s.name]);
        expect(Object.values(spiking).some((v, i) => v !== Object.values(quiet)[i]), name).to.equal(true);
      }
    });
  });

  describe('Exponential and WeightedExponential: the jump and the input', () => {
    /** s after one step with each of the given inputs (b1 = 0: no decay), on the js back end. */
    async function jumps(model: typeof Exponential, stimuli: number[][]) {
      const nn = new Network();
      const syn = nn.add(model, { name: 'S', num: stimuli[0].length, params: { b1: 0 } });
      const inputs = stimuli.map((row, k) => nn.input({ name: `in${k}`, num: row.length }).set([row]));
      syn.connect({ stimulus: inputs });
      await nn.compile({ backend: 'js' });
      await nn.run(1e-3, { steps: 1 });
      return Array.from(syn.get('s'));
    }

    it('Exponential jumps by a1 on any non-zero input, as Neural does: 1, 2 and 0.5 all give 11', async () => {
      expect(await jumps(Exponential, [[1, 2, 0.5, 0]])).to.deep.equal([11, 11, 11, 0]);
    });

    it('Exponential: two coincident spikes summed into its input jump once (11)', async () => {
      expect(await jumps(Exponential, [[1, 1, 0], [1, 0, 0]])).to.deep.equal([11, 11, 0]);
    });

    it('WeightedExponential jumps by a1·stimulus: 1, 2 and 0.5 give 11, 22 and 5.5', async () => {
      expect(await jumps(WeightedExponential as typeof Exponential, [[1, 2, 0.5, 0]])).to.deep.equal([11, 22, 5.5, 0]);
    });

    it('WeightedExponential: two coincident spikes jump twice as far as one (22 and 11)', async () => {
      expect(await jumps(WeightedExponential as typeof Exponential, [[1, 1, 0], [1, 0, 0]])).to.deep.equal([22, 11, 0]);
    });

    it('both agree on a 0/1 spike train, decay included', async () => {
      const run = async (model: typeof Exponential) => {
        const nn = new Network();
        const syn = nn.add(model, { name: 'S', num: 1 });
        syn.connect({ stimulus: nn.input({ name: 'in' }).set([[1], [0], [0], [1], [0]]) });
        syn.record('s', 'g');
        await nn.compile({ backend: 'js' });
        await nn.run(1e-3);
        return [...syn.recorder.get('s').data, ...syn.recorder.get('g').data];
      };
      expect(await run(WeightedExponential as typeof Exponential)).to.deep.equal(await run(Exponential));
    });
  });

  describe('HodgkinHuxley guards and linearity', () => {
    const spec = readModel(HodgkinHuxley);
    const base = { ...defaults(spec), ...initials(spec), stimulus: 3 };

    it('uses the limits alpha_n(-55) = 0.1 and alpha_m(-40) = 1 at the removable 0/0 points', () => {
      const n = 0.3;
      const m = 0.6;
      const dn = derivAt(spec, 'n', { ...base, v: -55, n });
      expect(dn).to.be.closeTo(0.1 * (1 - n) - 0.125 * Math.exp(-10 / 80) * n, 1e-12);
      const dm = derivAt(spec, 'm', { ...base, v: -40, m });
      expect(dm).to.be.closeTo(1 * (1 - m) - 4 * Math.exp(-25 / 18) * m, 1e-12);
      // Continuous across the guard.
      for (const dv of [1e-6, -1e-6, 1e-3, -1e-3]) {
        expect(derivAt(spec, 'n', { ...base, v: -55 + dv, n })).to.be.closeTo(dn, 1e-3);
        expect(derivAt(spec, 'm', { ...base, v: -40 + dv, m })).to.be.closeTo(dm, 1e-2);
      }
    });

    it('v, n, m and h are each linear in themselves with a coefficient free of them', () => {
      const rand = seeded(42);
      const ranges: Record<string, Bounds> = { v: [-80, 30], n: [0, 1], m: [0, 1], h: [0, 1] };
      for (let k = 0; k < 20; k++) {
        const x: Vars = { ...base, stimulus: uniform(rand, [0, 30]) };
        for (const [s, r] of Object.entries(ranges)) x[s] = uniform(rand, r);
        if (k === 0) x.v = -55; // on the guard of n
        if (k === 1) x.v = -40; // on the guard of m
        for (const [s, [lo, hi]] of Object.entries(ranges)) {
          const f = (value: number) => derivAt(spec, s, { ...x, [s]: value });
          const mid = (lo + hi) / 2;
          const second = f(lo) - 2 * f(mid) + f(hi);
          expect(Math.abs(second), `${s}'' at v=${x.v}`).to.be.lessThan(1e-9 * (1 + Math.abs(f(lo)) + Math.abs(f(hi))));
        }
      }
    });

    it('every guard tests an expression of v only', () => {
      let guards = 0;
      for (const s of spec.states) {
        if (!s.derivative) continue;
        expanded(s.derivative, spec).traverse((node) => {
          if (node.type !== 'ConditionalNode') return;
          guards++;
          const condition = (node as unknown as { condition: MathNode }).condition;
          expect([...symbols(condition)], `${s.name}: ${condition.toString()}`).to.deep.equal(['v']);
        });
      }
      expect(guards).to.equal(2);
    });

    it('spells n\'s derivative in the guarded form with the an_t intermediate', () => {
      const n = spec.states.find((s) => s.name === 'n')!;
      expect(n.derivative!.replace(/\s+/g, '')).to.equal('abs(an_t)<=1e-7?0.1*(1-n)-beta_n*n:(-0.01*(v+55)/an_t)*(1-n)-beta_n*n');
      expect(spec.intermediates.find((i) => i.name === 'an_t')!.expression.replace(/\s+/g, '')).to.equal('exp(-(v+55)/10)-1');
    });

    it('overrides: new HodgkinHuxley({ gNa: 100 }) changes gNa only', () => {
      const hh = new HodgkinHuxley({ gNa: 100 });
      expect(hh.gNa).to.equal(100);
      expect([hh.gK, hh.gL, hh.ENa, hh.EK, hh.EL, hh.stimulus]).to.deep.equal([36, 0.3, 50, -77, -54.387, 0]);
      expect([hh.v, hh.n, hh.m, hh.h, hh.spike, hh.vprev]).to.deep.equal([-64.9963793311921, 0.317732399760866, 0.0529550868130081, 0.595994124739864, 0, -64.9963793311921]);
    });
  });

  describe('shape of the right-hand sides', () => {
    it('IAF: dv/dt does not depend on v', () => {
      const spec = readModel(IAF);
      expect([...symbols(expanded(spec.states.find((s) => s.name === 'v')!.derivative!, spec))].sort()).to.deep.equal(['bias', 'c', 'stimulus']);
    });

    it('Wilson: dv/dt is not linear in v', () => {
      const spec = readModel(Wilson);
      const x = { ...defaults(spec), ...initials(spec), stimulus: 1 };
      const f = (v: number) => derivAt(spec, 'v', { ...x, v });
      expect(Math.abs(f(-80) - 2 * f(-40) + f(0))).to.be.greaterThan(1);
    });

    it('Alpha: the response to one spike is the dual exponential', () => {
      const spec = readModel(Alpha);
      const eq = fromStrings(spec);
      const fixed = defaults(spec);
      const { ar, ad } = fixed;
      const dt = 1e-5;
      let x = initials(spec);
      x = eulerStep(eq, {}, x, { ...fixed, stimulus: 1 }, dt);
      for (let k = 1; k <= 20000; k++) x = eulerStep(eq, {}, x, { ...fixed, stimulus: 0 }, dt);
      // 20000 steps after the one with the spike: t = 0.2 s.
      const t = 0.2;
      const exact = ((ar * ad) / (ad - ar)) * (Math.exp(-ar * t) - Math.exp(-ad * t));
      expect(x.s).to.be.closeTo(exact, 1e-3 * exact);
    });
  });
});
