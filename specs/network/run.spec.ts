/**
 * Running a network: record rate, 'sum' mode, reset(), set() between runs
 * (no recompiling), continuation that appends recordings, the default number
 * of steps, toDot() and solve(). Expected values come from a hand-written IAF
 * loop or from an uninterrupted run (exact equality: the same operations run
 * in the same order).
 */
import { expect } from 'chai';
import { InputDataError, Network, Sum, models, solve, type BackendName } from '../../lib/index.js';

const DT = 1e-3;

/** IAF by hand (one unit): v += dt·(s + bias)/c, spike and reset when v > vt. */
function handIAF(stimulus: (k: number) => number, steps: number, c = 5, v0 = 0) {
  const v: number[] = [];
  const spike: number[] = [];
  let x = v0;
  for (let k = 0; k < steps; k++) {
    x = x + DT * ((stimulus(k) + 0.01) / c);
    const s = x > 0.025 ? 1 : 0;
    if (s) x = 0;
    v.push(x);
    spike.push(s);
  }
  return { v, spike };
}

/** Three IAF units with constant drives 1, 2, 3 (given as params of the unconnected input). */
async function iafNet(backend: BackendName = 'js') {
  const nn = new Network();
  const iaf = nn.add(models.IAF, { name: 'iaf', num: 3, params: { stimulus: [1, 2, 3] } });
  await nn.compile({ backend });
  return { nn, iaf };
}

const rows = (data: ArrayLike<number>, num: number, i: number) => Array.from({ length: data.length / num }, (_, r) => data[r * num + i]);

describe('network/run', () => {
  describe('record rate', () => {
    for (const backend of ['interpreter', 'js'] as BackendName[]) {
      it(`${backend}: rate 3 over 10 steps keeps rows 0, 3, 6, 9 of the full trace, also across blocks of 4`, async () => {
        const full = await iafNet(backend);
        full.iaf.record('v');
        await full.nn.run(DT, { steps: 10 });
        const every3 = await iafNet(backend);
        every3.iaf.record('v', { rate: 3 });
        await every3.nn.run(DT, { steps: 10, blockSteps: 4 });
        const r = every3.iaf.recorder.get('v');
        expect(r.shape).to.deep.equal([4, 3]);
        expect(r.rate).to.equal(3);
        for (const [row, step] of [[0, 0], [1, 3], [2, 6], [3, 9]]) {
          for (let i = 0; i < 3; i++) expect(r.at(row, i)).to.equal(full.iaf.recorder.get('v').at(step, i));
        }
        expect(Array.from(r.times())).to.deep.equal([1 * DT, 4 * DT, 7 * DT, 10 * DT]);
      });
    }

    it('a different rate per variable', async () => {
      const { nn, iaf } = await iafNet();
      iaf.record('v', { rate: 4 });
      iaf.record('spike');
      await nn.run(DT, { steps: 9 });
      expect(iaf.recorder.get('v').shape).to.deep.equal([3, 3]);
      expect(iaf.recorder.get('spike').shape).to.deep.equal([9, 3]);
    });
  });

  describe("'sum' mode", () => {
    for (const backend of ['interpreter', 'js'] as BackendName[]) {
      it(`${backend}: one row of per-unit totals equal to the column sums of the full trace`, async () => {
        const a = await iafNet(backend);
        a.iaf.record('spike');
        await a.nn.run(DT, { steps: 300, blockSteps: 70 });
        const b = await iafNet(backend);
        b.iaf.record('spike', { mode: 'sum' });
        await b.nn.run(DT, { steps: 300, blockSteps: 70 });
        const totals = b.iaf.recorder.get('spike');
        expect(totals.shape).to.deep.equal([1, 3]);
        expect(totals.mode).to.equal('sum');
        const trace = a.iaf.recorder.get('spike').data;
        for (let i = 0; i < 3; i++) {
          const want = rows(trace, 3, i).reduce((s, x) => s + x, 0);
          expect(totals.at(0, i)).to.equal(want);
          expect(want).to.equal(handIAF(() => i + 1, 300).spike.reduce((s, x) => s + x, 0));
        }
        expect(totals.at(0, 2)).to.be.greaterThan(totals.at(0, 0));
      });
    }

    it('sums carry over a continued run', async () => {
      const { nn, iaf } = await iafNet();
      iaf.record('spike', { mode: 'sum' });
      await nn.run(DT, { steps: 120 });
      await nn.run(DT, { steps: 180 });
      const hand = [1, 2, 3].map((s) => handIAF(() => s, 300).spike.reduce((a, b) => a + b, 0));
      expect(Array.from(iaf.recorder.get('spike').data)).to.deep.equal(hand);
    });
  });

  describe('continuation', () => {
    it('run(5) then run(7) appends to the rows of run(12), and nn.step counts all steps', async () => {
      const once = await iafNet();
      once.iaf.record('v', 'spike');
      await once.nn.run(DT, { steps: 12 });
      const twice = await iafNet();
      twice.iaf.record('v', 'spike');
      await twice.nn.run(DT, { steps: 5 });
      expect(twice.iaf.recorder.get('v').shape).to.deep.equal([5, 3]);
      await twice.nn.run(DT, { steps: 7 });
      expect(twice.nn.step).to.equal(12);
      for (const v of ['v', 'spike']) {
        expect(twice.iaf.recorder.get(v as never).shape).to.deep.equal([12, 3]);
        expect(Array.from(twice.iaf.recorder.get(v as never).data)).to.deep.equal(Array.from(once.iaf.recorder.get(v as never).data));
      }
    });

    it('new input data for the second run continues the first (data A then B = data A·B)', async () => {
      const stim = (k: number) => 3 + Math.sin(k / 9);
      const make = async () => {
        const nn = new Network();
        const inp = nn.input({ name: 'in', num: 1 });
        const iaf = nn.add(models.IAF, { name: 'iaf' });
        iaf.connect({ stimulus: inp });
        await nn.compile({ backend: 'js' });
        iaf.record('v');
        return { nn, inp, iaf };
      };
      const a = await make();
      a.inp.set(Array.from({ length: 200 }, (_, k) => [stim(k)]));
      await a.nn.run(DT);
      a.inp.set(Array.from({ length: 100 }, (_, k) => [stim(200 + k)]));
      await a.nn.run(DT);
      const hand = handIAF(stim, 300);
      expect(a.iaf.recorder.get('v').shape).to.deep.equal([300, 1]);
      const got = Array.from(a.iaf.recorder.get('v').data);
      for (let k = 0; k < 300; k++) expect(got[k], `step ${k}`).to.be.closeTo(hand.v[k], 1e-15);
    });

    it('with rate 2, run(5) then run(7) gives the rows of run(12) (steps 0, 2, …, 10)', async () => {
      const once = await iafNet();
      once.iaf.record('v', { rate: 2 });
      await once.nn.run(DT, { steps: 12 });
      const twice = await iafNet();
      twice.iaf.record('v', { rate: 2 });
      await twice.nn.run(DT, { steps: 5 });
      await twice.nn.run(DT, { steps: 7 });
      expect(twice.iaf.recorder.get('v').shape).to.deep.equal([6, 3]);
      expect(Array.from(twice.iaf.recorder.get('v').data)).to.deep.equal(Array.from(once.iaf.recorder.get('v').data));
    });

    it('a record() added between runs recompiles and keeps the current state', async () => {
      const once = await iafNet();
      once.iaf.record('v');
      await once.nn.run(DT, { steps: 20 });
      const twice = await iafNet();
      twice.iaf.record('v');
      await twice.nn.run(DT, { steps: 10 });
      twice.iaf.record('spike');
      await twice.nn.run(DT, { steps: 10 });
      expect(Array.from(twice.iaf.recorder.get('v').data)).to.deep.equal(Array.from(once.iaf.recorder.get('v').data));
      expect(twice.iaf.recorder.get('spike').shape).to.deep.equal([10, 3]);
    });

    it('compile() again after a run (another back end) continues from the current state', async () => {
      const once = await iafNet();
      once.iaf.record('v');
      await once.nn.run(DT, { steps: 20 });
      const twice = await iafNet('js');
      twice.iaf.record('v');
      await twice.nn.run(DT, { steps: 10 });
      const v10 = Array.from(twice.iaf.get('v'));
      await twice.nn.compile({ backend: 'interpreter' });
      expect(Array.from(twice.iaf.get('v'))).to.deep.equal(v10);
      await twice.nn.run(DT, { steps: 10 });
      const got = Array.from(twice.iaf.recorder.get('v').data);
      Array.from(once.iaf.recorder.get('v').data).forEach((want, j) => expect(got[j], `element ${j}`).to.be.closeTo(want, 1e-15));
    });

    it('without steps, a run takes the length of the shortest input data', async () => {
      const nn = new Network();
      const a = nn.input({ name: 'a', num: 2 }).set(new Float64Array(2 * 40));
      const b = nn.input({ name: 'b', num: 1 }).set(new Float64Array(25));
      const iaf = nn.add(models.IAF, { name: 'iaf', num: 2 });
      iaf.connect({ stimulus: [a, b] });
      await nn.compile({ backend: 'js' });
      iaf.record('v');
      const result = await nn.run(DT);
      expect(result.steps).to.equal(25);
      expect(iaf.recorder.get('v').shape).to.deep.equal([25, 2]);
    });
  });

  describe('reset() and set()', () => {
    it('reset() restores initial states, clears recordings and the step count; the next run repeats the first', async () => {
      const { nn, iaf } = await iafNet();
      iaf.record('v', 'spike');
      await nn.run(DT, { steps: 150 });
      const first = Array.from(iaf.recorder.get('v').data);
      expect(Array.from(iaf.get('v'))).to.not.deep.equal([0, 0, 0]);
      await nn.reset();
      expect(nn.step).to.equal(0);
      expect(iaf.recorder.names()).to.deep.equal([]);
      expect(() => iaf.recorder.get('v')).to.throw(InputDataError, /'v' has no recording/);
      expect(Array.from(iaf.get('v'))).to.deep.equal([0, 0, 0]);
      await nn.run(DT, { steps: 150 });
      expect(Array.from(iaf.recorder.get('v').data)).to.deep.equal(first);
    });

    it('set() of a parameter between runs changes the next run without recompiling (source unchanged)', async () => {
      const { nn, iaf } = await iafNet();
      iaf.record('v');
      await nn.run(DT, { steps: 50 });
      const source = nn.source;
      expect(source).to.contain('record of c0.v');
      iaf.set('c', [2, 5, 10]);
      await nn.run(DT, { steps: 50 });
      expect(nn.source).to.equal(source);
      const v = iaf.recorder.get('v');
      for (const [i, c] of [[0, 2], [1, 5], [2, 10]]) {
        // Continue the hand loop from the state after step 49 with the new c.
        const start = handIAF(() => i + 1, 50);
        const cont = handIAF(() => i + 1, 50, c, start.v[49]);
        expect(rows(v.data, 3, i).slice(50)).to.deep.equal(cont.v);
      }
    });

    it('set() of a state between runs takes effect as the new current value; set() before compile is kept', async () => {
      const nn = new Network();
      const iaf = nn.add(models.IAF, { name: 'iaf', num: 2, params: { stimulus: 1 } });
      iaf.set('v', [0.01, 0.02]);
      await nn.compile({ backend: 'js' });
      iaf.record('v');
      await nn.run(DT, { steps: 1 });
      expect(iaf.recorder.get('v').at(0, 1)).to.be.closeTo(0.02 + DT * (1.01 / 5), 1e-15);
      iaf.set('v', 0);
      await nn.run(DT, { steps: 1 });
      expect(iaf.recorder.get('v').at(1, 0)).to.be.closeTo(DT * (1.01 / 5), 1e-15);
    });

    it('get() returns a copy of the current values', async () => {
      const { nn, iaf } = await iafNet();
      await nn.run(DT, { steps: 10 });
      const v = iaf.get('v');
      v[0] = 123;
      expect(iaf.get('v')[0]).to.not.equal(123);
      expect(iaf.get('v')[0]).to.be.closeTo(handIAF(() => 1, 10).v[9], 1e-15);
    });
  });

  describe('toDot()', () => {
    it('names every input and container, and draws every wire with its variable', () => {
      const nn = new Network();
      const inp = nn.input({ name: 'in', num: 2 });
      const iaf = nn.add(models.IAF, { name: 'neurons', num: 2 });
      const syn = nn.add(models.Alpha, { name: 'synapses', num: 2 });
      const hh = nn.add(models.HodgkinHuxley, { name: 'hh', num: 1 });
      iaf.connect({ stimulus: inp });
      syn.connect({ stimulus: iaf.ref('spike') });
      hh.connect({ stimulus: [Sum(syn.ref('g')), 2] });
      const dot = nn.toDot();
      expect(dot.startsWith('digraph network {')).to.equal(true);
      expect(dot.trimEnd().endsWith('}')).to.equal(true);
      expect(dot).to.contain('"in" [shape=box, label="in\\n(2 streams)"];');
      expect(dot).to.contain('"neurons" [shape=ellipse, label="neurons\\nIAF × 2"];');
      expect(dot).to.contain('"synapses" [shape=ellipse');
      expect(dot).to.contain('"in" -> "neurons" [label="stimulus"];');
      expect(dot).to.contain('"neurons" -> "synapses" [label="spike → stimulus"];');
      expect(dot).to.contain('"synapses" -> "hh" [label="sum(synapses.g) → stimulus"];');
      expect(dot.match(/->/g)).to.have.length(3);
    });
  });

  describe('solve()', () => {
    it('simulates one model without building a network: every state recorded, values as the hand loop', async () => {
      const rec = await solve(models.IAF, { dt: DT, steps: 200, inputs: { stimulus: 2 }, backend: 'js' });
      expect(Object.keys(rec).sort()).to.deep.equal(['spike', 'v']);
      expect(rec.v.shape).to.deep.equal([200, 1]);
      const hand = handIAF(() => 2, 200);
      expect(Array.from(rec.spike.data)).to.deep.equal(hand.spike);
      Array.from(rec.v.data).forEach((x, k) => expect(x, `step ${k}`).to.be.closeTo(hand.v[k], 1e-15));
    });

    it('takes num, per-unit params, initial states, an input function and a list to record', async () => {
      const rec = await solve(models.IAF, {
        dt: DT, steps: 30, num: 2, params: { c: [5, 2] }, states: { v: [0.02, 0] },
        inputs: { stimulus: (k: number) => [1, k] }, record: ['v'], backend: 'interpreter',
      });
      expect(Object.keys(rec)).to.deep.equal(['v']);
      expect(rec.v.shape).to.deep.equal([30, 2]);
      const u0 = handIAF(() => 1, 30, 5, 0.02).v;
      const u1 = handIAF((k) => k, 30, 2, 0).v;
      for (let k = 0; k < 30; k++) {
        expect(rec.v.at(k, 0)).to.be.closeTo(u0[k], 1e-15);
        expect(rec.v.at(k, 1)).to.be.closeTo(u1[k], 1e-15);
      }
    });
  });
});
