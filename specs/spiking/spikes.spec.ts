/**
 * Spikes as events: `@spike` (threshold, reset, refractory period),
 * `unlessRefractory`, `lastspike`, `t` in equations, and `record('spike')`.
 * The reference is a hand-written loop with Brian2's rules (exponential
 * Euler, threshold after the update, refractoriness counted in whole steps);
 * the interpreter, js and cpu must give its spike steps exactly.
 */
import { expect } from 'chai';
import {
  ExpressionError, InputDataError, Model, ModelDefinitionError, Network, NetworkWiringError, derivative, emit, inspect, intermediate, models, param, readModel, spike, state, type ModelClass,
  type BackendName, type Dtype,
} from '../../lib/index.js';
import { needsBackend, rejects, throws } from '../support.js';

/** The library's LIF (vt −50, vr −60, tau 20 ms, refractory tref), with El and tref per unit below. */
const LIF = models.LIF;

const DT = 1e-4;
const EL = [-45, -40, -49, -55, -30];
const TREF = [5, 2, 0, 5, 1];

/** The hand-written reference: the same model, Brian2's order of one step. */
function reference(steps: number): { units: number[]; steps: number[]; v: number[] } {
  const dt = DT * 1e3;
  const out = { units: [] as number[], steps: [] as number[], v: [] as number[] };
  const step = (x: number) => Math.floor(x / dt + 1e-3);
  for (let i = 0; i < EL.length; i++) {
    let v = -60;
    let last = -1e7;
    const spikes: number[] = [];
    for (let k = 0; k < steps; k++) {
      // Brian2: the refractory test at the step's time, for the update and the threshold alike.
      const t = k * dt;
      const out = step(t - last) >= step(TREF[i]);
      if (out) v = v - (EL[i] - v) / 20 * (Math.expm1(-dt / 20) / (1 / 20));
      if (v > -50 && out) {
        v = -60;
        last = t;
        spikes.push(k);
      }
    }
    out.v.push(v);
    for (const k of spikes) { out.units.push(i); out.steps.push(k); }
  }
  // Sorted by step, then unit, as recordings are.
  const order = out.steps.map((_, j) => j).sort((a, b) => out.steps[a] - out.steps[b] || out.units[a] - out.units[b]);
  return { units: order.map((j) => out.units[j]), steps: order.map((j) => out.steps[j]), v: out.v };
}

async function simulate(backend: BackendName, steps: number, runs = 1, dtype: Dtype = 'float64', blockSteps?: number) {
  const nn = new Network({ seed: 3 });
  const c = nn.add(LIF, { num: EL.length, params: { El: EL, tref: TREF } });
  c.record('spike', 'v', { rate: 100 });
  await nn.compile({ backend, dtype });
  for (let r = 0; r < runs; r++) await nn.run(DT, { steps: steps / runs, ...(blockSteps ? { blockSteps } : {}) });
  return { spikes: c.recorder.spikes(), v: c.get('v'), c, nn };
}

describe('spiking/spikes: thresholds, resets and refractoriness', () => {
  const STEPS = 4000;
  const want = reference(STEPS);

  it('the reference fires in every unit but the one below threshold, with the refractory periods visible', () => {
    expect(want.units.length).to.be.above(40);
    expect(new Set(want.units)).to.deep.equal(new Set([0, 1, 2, 4]));
  });

  for (const backend of ['interpreter', 'js', 'cpu'] as const) {
    it(`${backend}: the spike steps and final values of the hand-written loop`, async function () {
      needsBackend(this, backend);
      const { spikes, v } = await simulate(backend, STEPS);
      expect(Array.from(spikes.units)).to.deep.equal(want.units);
      expect(Array.from(spikes.steps)).to.deep.equal(want.steps);
      expect(Array.from(spikes.times())).to.deep.equal(want.steps.map((k) => k * DT));
      v.forEach((x, i) => expect(x).to.be.closeTo(want.v[i], 1e-9));
      expect(spikes.count).to.equal(want.units.length);
      expect(Array.from(spikes.counts())).to.deep.equal(EL.map((_, i) => want.units.filter((u) => u === i).length));
      expect(spikes.rates()[0]).to.be.closeTo(want.units.filter((u) => u === 0).length / (STEPS * DT), 1e-9);
    });

    it(`${backend}: runs in pieces and small blocks give the same spikes as one run`, async function () {
      needsBackend(this, backend);
      const { spikes } = await simulate(backend, STEPS, 4, 'float64', 37);
      expect(Array.from(spikes.units)).to.deep.equal(want.units);
      expect(Array.from(spikes.steps)).to.deep.equal(want.steps);
      expect(spikes.duration).to.be.closeTo(STEPS * DT, 1e-12);
    });
  }

  it('float32 runs give the same spikes on js and cpu (within a step of float64)', async function () {
    needsBackend(this, 'cpu');
    for (const backend of ['js', 'cpu'] as const) {
      const { spikes } = await simulate(backend, STEPS, 1, 'float32');
      expect(spikes.count, backend).to.be.within(want.units.length - 2, want.units.length + 2);
    }
  });

  it('lastspike and not_refractory are states that can be read and recorded', async () => {
    const { c } = await simulate('js', STEPS);
    const last = c.get('lastspike');
    const lastStep = (i: number) => Math.max(-Infinity, ...want.steps.filter((_, j) => want.units[j] === i));
    expect(last[0]).to.be.closeTo(lastStep(0) * DT * 1e3, 1e-9);
    expect(last[3]).to.equal(-1e4 * 1e3);
    expect(readModel(LIF).states.map((s) => s.name)).to.deep.equal(['v', 'lastspike', 'not_refractory']);
  });

  it('a reset runs its statements in order, each reading what the earlier ones set', async () => {
    class Two extends Model {
      @state(0) @derivative('1') v!: number;
      @state(0) w!: number;
      @spike({ threshold: 'v > 1', reset: ['w += v', 'v = 0; w *= 2'] }) spike!: number;
    }
    for (const backend of ['interpreter', 'js'] as const) {
      const nn = new Network();
      const c = nn.add(Two);
      c.record('spike');
      await nn.compile({ backend });
      await nn.run(0.3, { steps: 4 });
      // v: 0.3 0.6 0.9 1.2 → fires at step 3: w = (0 + 1.2) * 2, v = 0.
      expect(c.get('w')[0], backend).to.be.closeTo(2.4, 1e-12);
      expect(c.get('v')[0], backend).to.equal(0);
      expect(Array.from(c.recorder.spikes().steps)).to.deep.equal([3]);
    }
  });

  it('a threshold that is a number, not a comparison, fires where it is not zero', async () => {
    class Flag extends Model {
      @state(0) @derivative('1') v!: number;
      @spike({ threshold: 'floor(v) - 1' }) spike!: number;
    }
    const nn = new Network();
    const c = nn.add(Flag);
    c.record('spike');
    await nn.compile({ backend: 'js' });
    await nn.run(0.25, { steps: 8 });
    // floor(v) − 1 is 0 for v in [1, 2): steps 3 (v = 1) to 6 do not fire.
    expect(Array.from(c.recorder.spikes().steps)).to.deep.equal([0, 1, 2, 7]);
  });

  it('t is the time at the start of the step, in the model time unit, in every stage of every rule', async () => {
    class Clock extends Model {
      static timeScale = 1e3;
      @state(0) @derivative('cos(t)') x!: number;
    }
    // x(T) = sin(T): the error shrinks with the rule's order only if each stage sees its own time.
    const T = 1.5;
    const error = async (solver: 'euler' | 'midpoint' | 'rk4', steps: number) => {
      const nn = new Network();
      const c = nn.add(Clock);
      await nn.compile({ backend: 'js', solver });
      await nn.run(T / steps / 1e3, { steps });
      return Math.abs(c.get('x')[0] - Math.sin(T));
    };
    for (const [solver, order] of [['euler', 1], ['midpoint', 2], ['rk4', 4]] as const) {
      const observed = Math.log2((await error(solver, 16)) / (await error(solver, 32)));
      expect(observed, solver).to.be.within(order - 0.3, order + 0.3);
    }
  });

  it('spikes need no dense trace: a spike recording is events, and get() points there', async () => {
    const { c } = await simulate('js', 400);
    throws(() => c.recorder.get('spike'), InputDataError, { where: 'LIF0.recorder', fix: /recorder\.spikes\(\)/ });
    expect(c.recorder.spike).to.equal(c.recorder.spikes());
  });

  it('reset() forgets the spikes; a later run records anew', async () => {
    const { nn, c } = await simulate('js', 800);
    await nn.reset();
    throws(() => c.recorder.spikes(), InputDataError, { fix: /record\('spike'\)/ });
    await nn.run(DT, { steps: 800 });
    expect(c.recorder.spikes().count).to.equal(reference(800).units.length);
  });

  it('toString and toTex show the spike, the reset and the refractory period', () => {
    expect(inspect(LIF).toString()).to.include('spike: v > vt  ->  v = vr  (refractory tref)');
    const tex = inspect(LIF).toTex();
    expect(tex).to.include('\\text{spike} &: \\mathit{v}>\\mathit{vt}');
    expect(tex).to.include('\\text{refractory} &: \\mathit{tref}');
  });

  it('the generated JavaScript, C and CUDA C hold a spike phase and no text of the model', () => {
    for (const target of ['js', 'c', 'cuda'] as const) {
      const src = emit(LIF, target);
      expect(src, target).to.match(/\/\/ spike\b/);
      // Field names appear as checked locals (c0_tref); the equations never as text.
      expect(src, target).to.not.match(/v > vt|v = vr/);
    }
  });
});

describe('spiking/spikes: declarations that are refused', () => {
  const refused = (make: () => unknown, where: string | RegExp, what: RegExp) => {
    const cls = make() as new () => object;
    throws(() => readModel(cls), ModelDefinitionError, { where, message: what });
  };

  it('options of @spike: a threshold is needed, unknown options and bad resets are named', () => {
    refused(() => { class A extends Model { @state(0) v!: number; @spike({} as never) s!: number; } return A; }, 'A#s', /needs a threshold condition as text/);
    refused(() => { class B extends Model { @state(0) v!: number; @spike({ threshold: 'v > 1', rest: 'v = 0' } as never) s!: number; } return B; }, 'B#s', /unknown option 'rest'/);
    refused(() => { class C extends Model { @state(0) v!: number; @spike({ threshold: 'v > 1', reset: 'v := 0' }) s!: number; } return C; }, 'C#s', /is not 'state = expression'/);
    refused(() => { class D extends Model { @state(0) v!: number; @param(1) p!: number; @spike({ threshold: 'v > 1', reset: 'p = 0' }) s!: number; } return D; }, 'D#s', /assigns 'p', which is not a state/);
    refused(() => { class E extends Model { @state(0) v!: number; @spike({ threshold: 'v > 1', reset: 'lastspike = 0' }) s!: number; } return E; }, 'E#s', /not a state the model may set/);
    refused(() => { class F extends Model { @state(0) v!: number; @spike({ threshold: 'v > 1', refractory: -1 }) s!: number; } return F; }, 'F#s', /refractory period -1 is not a finite number >= 0/);
    refused(() => { class G extends Model { @state(0) v!: number; @spike({ threshold: 'v > w' }) s!: number; } return G; }, 'G#s', /unknown symbol 'w'/);
    refused(() => { class H extends Model { @state(0) v!: number; @spike({ threshold: 'v > 1' }) s!: number; @spike({ threshold: 'v > 2' }) r!: number; } return H; }, 'H', /declares 2 spikes/);
  });

  it('unlessRefractory needs a refractory period; lastspike needs a spike', () => {
    refused(() => { class A extends Model { @state(0) @derivative('1', { unlessRefractory: true }) v!: number; @spike({ threshold: 'v > 1' }) s!: number; } return A; }, 'A#v', /no refractory period/);
    refused(() => { class B extends Model { @state(0) @derivative('t - lastspike') v!: number; } return B; }, 'B#v', /unknown symbol 'lastspike'/);
    refused(() => { class C extends Model { @state(0) lastspike!: number; } return C; }, 'C#lastspike', /reserved/);
  });

  it('noise and draws go where they mean something', () => {
    refused(() => { class A extends Model { @state(0) @derivative('rand()') v!: number; } return A; }, 'A#v', /calls rand\(\) in a derivative/);
    refused(() => { class B extends Model { @state(0) @derivative('n') v!: number; @intermediate('xi') n!: number; } return B; }, 'B#n', /uses the noise 'xi' in an intermediate/);
    refused(() => { class C extends Model { @state(0) v!: number; @spike({ threshold: 'xi > 1' }) s!: number; } return C; }, 'C#s', /uses the noise 'xi' in a spike condition/);
    refused(() => { class D extends Model { @state(0) xi!: number; } return D; }, 'D#xi', /reserved \(the noise in derivatives\)/);
  });

  it('multiplicative or non-linear noise, and a forced deterministic rule, are refused when the network is planned', async () => {
    class Mult extends Model { @state(1) @derivative('-v + v * xi') v!: number; }
    class Square extends Model { @state(1) @derivative('-v + xi^2') v!: number; }
    class Additive extends Model { @param(1) s!: number; @state(1) @derivative('-v + s * xi') v!: number; }
    throws(() => inspect(Mult).noise('v'), ExpressionError, { where: 'Mult#v', message: /multiplicative: its factor 'v' reads the state v/ });
    throws(() => inspect(Square).noise('v'), ExpressionError, { where: 'Square#v', message: /not linear in the noise xi/ });
    expect(inspect(Additive).noise('v')!.toString()).to.equal('s');
    expect(inspect(Additive).solver('v')).to.equal('euler');
    const nn = new Network();
    nn.add(Additive);
    await rejects(() => nn.compile({ backend: 'js', solver: 'rk4' }), ExpressionError, { where: 'Additive#v', message: /rule 'rk4' integrates deterministic equations only/ });
  });

  it('record of a spike a model does not declare is refused with the recordable names', () => {
    class Plain extends Model { @state(0) @derivative('1') v!: number; }
    const nn = new Network();
    throws(() => nn.add(Plain).record('spike' as never), InputDataError, { message: /'spike' is not a variable of Plain/ });
    expect(NetworkWiringError).to.be.a('function');
  });

  it('a seed must be an integer in [0, 2^32)', () => {
    throws(() => new Network({ seed: -1 }), InputDataError, { where: 'new Network' });
    throws(() => new Network({ seed: 2 ** 32 }), InputDataError, { where: 'new Network' });
    throws(() => new Network({ seed: 1.5 }), InputDataError, { where: 'new Network' });
    expect(new Network({ seed: 0 }).seed).to.equal(0);
    const nn = new Network({ seed: 5 });
    throws(() => { nn.seed = 2 ** 32; }, InputDataError, { where: 'Network.seed', fix: /network\.seed = 42/ });
    expect(nn.seed).to.equal(5);
    const a = new Network().seed;
    expect(Number.isInteger(a) && a >= 0 && a < 2 ** 32).to.equal(true);
  });
});

describe('spiking/spikes: containers are typed by their model', () => {
  it('variable names are checked at compile time (a misspelt name does not compile) and at run time', () => {
    const nn = new Network();
    const lif = nn.add(models.LIF, { num: 2 });
    lif.record('v', 'spike', 'lastspike');
    // @ts-expect-error 'vv' is not a variable of LIF
    throws(() => lif.record('vv'), InputDataError, { message: /'vv' is not a variable of LIF/ });
    // @ts-expect-error 'taum' is not a variable of LIF
    throws(() => lif.set('taum', 1), InputDataError, { fix: /Did you mean 'tau'\?/ });
    expect(lif.get('tau')[0]).to.equal(20);
    // A class known only as a ModelClass takes any name.
    const any: ModelClass = models.LIF;
    expect(() => nn.add(any, { name: 'other' }).record('v')).to.not.throw();
  });
});

describe('spiking/spikes: consumed block by block', () => {
  it("record('spike', { keep: false }) hands each block's spikes to onBlock and keeps none; they are the spikes a kept recording has", async () => {
    const kept = await simulate('js', 2000);
    const nn = new Network({ seed: 3 });
    const c = nn.add(LIF, { num: EL.length, params: { El: EL, tref: TREF } });
    c.record('spike', { keep: false });
    await nn.compile({ backend: 'js' });
    const units: number[] = [];
    const steps: number[] = [];
    let blocks = 0;
    await nn.run(DT, {
      steps: 2000,
      blockSteps: 300,
      onBlock: (block) => {
        blocks++;
        const [s] = block.spikes;
        expect(s.container).to.equal(c.name);
        for (const k of s.steps) expect(k).to.be.within(block.k0, block.k0 + block.steps - 1);
        units.push(...s.units);
        steps.push(...s.steps);
      },
    });
    expect(blocks).to.equal(7);
    expect(units).to.deep.equal(Array.from(kept.spikes.units));
    expect(steps).to.deep.equal(Array.from(kept.spikes.steps));
    throws(() => c.recorder.spikes(), InputDataError, { fix: /record\('spike'\)/ });
  });
});
