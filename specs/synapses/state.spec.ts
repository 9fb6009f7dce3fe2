/**
 * The state of synapses across compiles and runs: `get` and `set` before
 * and after compile and between runs (a parameter set between runs changes
 * what happens next without compiling again; a state set after compile is
 * its current value only), `nn.reset()` (synapse states back to their
 * initial values, spikes in flight dropped), runs in pieces and other block
 * sizes equal to one run, and a block run again for room for its spikes.
 */
import { expect } from 'chai';
import { Model, Network, backends, models, onPre, param, spike, state, type BackendName } from '../../lib/index.js';
import { needsBackend } from '../support.js';
import { BACKENDS, Driver, Jump, Sink, changes, driverParams } from './helpers.js';

/** Fires in every step. */
class Always extends Model {
  static timeScale = 1e3;
  @spike({ threshold: 't >= 0' }) spike!: number;
}

/** Counts its events in a state and adds its weight to the target. */
class Counting extends Model {
  static timeScale = 1e3;
  @param(1) w!: number;
  @state(0) n!: number;
  @onPre(['n += 1', 'x_post += w']) pre!: never;
}

/** Adds its weight, then halves it: a synapse state changed by each event. */
class Halving extends Model {
  static timeScale = 1e3;
  @state(0.5) w!: number;
  @onPre(['x_post += w', 'w = w * 0.5']) pre!: never;
}

/** A target with the `ge` that SongSTDP adds to, firing at chosen steps. */
class Target extends Driver {
  @state(0) ge!: number;
}

/** A small CUBA network with a delay per synapse and STDP from a driven source, for runs in pieces. */
async function network(backend: BackendName) {
  const nn = new Network({ seed: 31 });
  const P = nn.add(models.CUBA, { name: 'P', num: 100, states: { v: 'vr + rand() * (vt - vr)' } });
  nn.synapses(P, P, models.ExcitatoryJump, { sources: [0, 80], p: 0.1, values: { w: 3 }, delay: '0.2 + 1.5 * rand()' });
  nn.synapses(P, P, models.InhibitoryJump, { sources: [80, 100], p: 0.1, values: { w: -10 }, delay: 0.8 });
  const plastic = nn.synapses(P, P, models.SongSTDP, { sources: [0, 20], targets: [20, 40], p: 0.5, values: { w: 'rand() * gmax', dApre: 0.001, dApost: -0.00105 }, delay: 0.3 });
  P.record('spike');
  await nn.compile({ backend });
  return { nn, P, plastic };
}

async function final(backend: BackendName, pieces: number[], blockSteps?: number) {
  const { nn, P, plastic } = await network(backend);
  for (const steps of pieces) await nn.run(1e-4, { steps, ...(blockSteps ? { blockSteps } : {}) });
  const s = P.recorder.spikes();
  return {
    spikes: Array.from(s.steps, (k, q) => `${k}:${s.units[q]}`),
    v: Array.from(P.get('v')),
    ge: Array.from(P.get('ge')),
    w: Array.from(plastic.get('w')),
    Apre: Array.from(plastic.get('Apre')),
    step: nn.step,
  };
}

describe('synapses/state: values, reset and runs in pieces', () => {
  describe('get and set', () => {
    it('before compile: get gives the initial values; set changes them (a state set now is what reset restores)', async () => {
      const nn = new Network({ seed: 1 });
      const driver = nn.add(Driver, { num: 2, params: driverParams([[1], [2]]) });
      const sink = nn.add(Sink, { num: 2 });
      const syn = nn.synapses(driver, sink, Counting, { i: [0, 1], j: [0, 1], values: { w: [2, 3] } });
      expect(Array.from(syn.get('w'))).to.deep.equal([2, 3]);
      expect(Array.from(syn.get('n'))).to.deep.equal([0, 0]);
      syn.set('n', [10, 20]);
      syn.set('w', 'i * 5 + 1');
      expect(Array.from(syn.get('w'))).to.deep.equal([1, 6]);
      await nn.compile({ backend: 'js' });
      expect(Array.from(syn.get('n'))).to.deep.equal([10, 20]);
      await nn.run(1e-3, { steps: 5 });
      expect(Array.from(syn.get('n'))).to.deep.equal([11, 21]);
      expect(Array.from(sink.get('x'))).to.deep.equal([1, 6]);
      await nn.reset();
      expect(Array.from(syn.get('n')), 'reset restores the value set before compile').to.deep.equal([10, 20]);
      expect(Array.from(syn.get('w')), 'a parameter keeps its value').to.deep.equal([1, 6]);
    });

    for (const backend of BACKENDS) {
      it(`${backend}: a parameter set between runs changes the next run without compiling again; a state set after compile is current only`, async function () {
        needsBackend(this, backend);
        const nn = new Network({ seed: 1 });
        const driver = nn.add(Driver, { num: 2, params: driverParams([[3, 13, 23], [4, 14, 24]]) });
        const sink = nn.add(Sink, { num: 2 });
        sink.record('x');
        const syn = nn.synapses(driver, sink, Counting, { p: 1, delay: 1 });
        await nn.compile({ backend });
        await nn.run(1e-3, { steps: 10 });
        const source = nn.source;
        expect(Array.from(syn.get('n'))).to.deep.equal([1, 1, 1, 1]);
        syn.set('w', [1, 10, 100, 1000]);
        syn.set('n', 50);
        expect(Array.from(syn.get('n'))).to.deep.equal([50, 50, 50, 50]);
        await nn.run(1e-3, { steps: 10 });
        expect(nn.source, 'not compiled again').to.equal(source);
        syn.set('w', 'j * 2 - i');
        await nn.run(1e-3, { steps: 10 });
        expect(nn.source, 'not compiled again').to.equal(source);
        // Synapses (0,0) (0,1) (1,0) (1,1); x of target j: the weights from each source.
        // At step 24 synapse (0, 0) adds 0: no change.
        expect(changes(sink.recorder.get('x'), 0)).to.deep.equal([{ step: 4, by: 1 }, { step: 5, by: 1 }, { step: 14, by: 1 }, { step: 15, by: 100 }, { step: 25, by: -1 }]);
        expect(changes(sink.recorder.get('x'), 1)).to.deep.equal([{ step: 4, by: 1 }, { step: 5, by: 1 }, { step: 14, by: 10 }, { step: 15, by: 1000 }, { step: 24, by: 2 }, { step: 25, by: 1 }]);
        expect(Array.from(syn.get('n'))).to.deep.equal([52, 52, 52, 52]);
        await nn.reset();
        expect(Array.from(syn.get('n')), 'reset: the initial value').to.deep.equal([0, 0, 0, 0]);
        expect(Array.from(syn.get('w')), 'reset keeps parameters').to.deep.equal([0, 2, -1, 1]);
      });
    }
  });

  describe('reset', () => {
    for (const backend of BACKENDS) {
      it(`${backend}: reset restores STDP weights and traces and drops spikes in flight; the run after it equals the first`, async function () {
        needsBackend(this, backend);
        const nn = new Network({ seed: 2 });
        const driver = nn.add(Driver, { num: 2, params: driverParams([[8, 30], [2, 9]]) });
        const target = nn.add(Sink, { num: 1 });
        const counter = nn.add(Sink, { name: 'counter', num: 1 });
        const stdpTarget = nn.add(Target, { name: 'stdp target', num: 1, params: driverParams([[5]]) });
        // Delay 5 ms: the spike of step 8 is in flight when the first run stops at step 10.
        nn.synapses(driver, target, Jump, { p: 1, delay: 5 });
        const plastic = nn.synapses(driver, counter, Halving, { p: 1 });
        const stdp = nn.synapses(driver, stdpTarget, models.SongSTDP, { p: 1, values: { w: 0.005 } });
        target.record('x');
        await nn.compile({ backend });
        await nn.run(1e-3, { steps: 10 });
        // Source 0 fired once, source 1 twice.
        expect(Array.from(plastic.get('w'))).to.deep.equal([0.25, 0.125]);
        const first = { w: stdp.get('w'), Apre: stdp.get('Apre'), last: stdp.get('lastupdate'), x: target.get('x') };
        expect(Array.from(first.last)).to.deep.equal([8, 9]);
        await nn.reset();
        expect(nn.step).to.equal(0);
        expect(Array.from(plastic.get('w'))).to.deep.equal([0.5, 0.5]);
        expect(Array.from(stdp.get('w'))).to.deep.equal([0.005, 0.005]);
        expect(Array.from(stdp.get('Apre'))).to.deep.equal([0, 0]);
        expect(Array.from(stdp.get('lastupdate'))).to.deep.equal([0, 0]);
        expect(Array.from(target.get('x'))).to.deep.equal([0]);
        await nn.run(1e-3, { steps: 10 });
        // The spikes of steps 8 and 9 from before the reset (due at 13 and 14) do not arrive;
        // only the spike of step 2 arrives, at 7, as in the first run.
        expect(changes(target.recorder.get('x'), 0)).to.deep.equal([{ step: 7, by: 1 }]);
        expect(Array.from(target.get('x'))).to.deep.equal(Array.from(first.x));
        expect(Array.from(stdp.get('w'))).to.deep.equal(Array.from(first.w));
        expect(Array.from(stdp.get('Apre'))).to.deep.equal(Array.from(first.Apre));
        expect(Array.from(plastic.get('w'))).to.deep.equal([0.25, 0.125]);
        expect(Array.from(counter.get('x'))).to.deep.equal([0.5 + 0.5 + 0.25]);
      });
    }
  });

  describe('runs in pieces and block sizes', () => {
    for (const backend of BACKENDS) {
      it(`${backend}: several runs, and blocks of 1, 13 and 64 steps, give the same spikes and state as one run`, async function () {
        needsBackend(this, backend);
        const one = await final(backend, [600]);
        expect(one.spikes.length).to.be.above(50);
        expect(one.w.length).to.be.above(50);
        const pieces = await final(backend, [1, 99, 200, 300]);
        expect(pieces).to.deep.equal(one);
        for (const blockSteps of [1, 13, 64]) expect(await final(backend, [600], blockSteps), `blockSteps ${blockSteps}`).to.deep.equal(one);
      });
    }

    it('the back ends agree on that network', async function () {
      const results = [];
      for (const backend of BACKENDS) {
        if (!backends.status()[backend].ok) continue;
        results.push(await final(backend, [600]));
      }
      for (const r of results.slice(1)) {
        expect(r.spikes).to.deep.equal(results[0].spikes);
        expect(r.w).to.deep.equal(results[0].w);
      }
    });

    for (const backend of BACKENDS) {
      it(`${backend}: a block run again for room for its spikes applies its synaptic events once`, async function () {
        needsBackend(this, backend);
        // 1000 units fire in every step: 100 steps make 100 000 spikes, more than the first room (2^16).
        const nn = new Network({ seed: 1 });
        const always = nn.add(Always, { num: 1000 });
        const sink = nn.add(Sink, { num: 1 });
        always.record('spike');
        const syn = nn.synapses(always, sink, Counting, { p: 1, delay: 3 });
        await nn.compile({ backend });
        await nn.run(1e-3, { steps: 100 });
        expect(always.recorder.spikes().count).to.equal(100000);
        // Steps 3 … 99 deliver the spikes of steps 0 … 96.
        expect(syn.get('n').every((x) => x === 97)).to.equal(true);
        expect(sink.get('x')[0]).to.equal(97000);
      });
    }
  });
});
