/**
 * Failures during a run never lose what was recorded: checkFinite stops at
 * the first NaN naming container, variable, unit and step with the rows
 * before it readable; an AbortSignal stops between blocks with rows equal to
 * the completed steps (and equal to an uninterrupted run of that length); a
 * failing input function keeps the blocks already run; a run whose
 * recordings cannot fit in memory is refused before it starts, naming the
 * bytes and the options rate and 'sum'. The aborts are made deterministic by
 * aborting from inside an input function.
 */
import { expect } from 'chai';
import { freemem } from 'node:os';
import {
  InputDataError, Model, Network, NumericalError, RunAbortedError, backends, derivative, models, param, post, state, type BackendName,
} from '../../lib/index.js';
import { rejects } from '../support.js';

/** x counts steps (x' = 1, dt = 1); a unit becomes NaN on the step where x reaches lim. */
class Poisoned extends Model {
  @param(100) lim!: number;
  @state(0) @derivative('1') @post('x >= lim ? log(x - lim - 1) : x') x!: number;
  @state(0) @post('x') copy!: number;
}

async function poisoned(backend: BackendName) {
  const nn = new Network();
  const c = nn.add(Poisoned, { name: 'P', num: 3, params: { lim: [9, 6, 12] } });
  await nn.compile({ backend });
  c.record('x', 'copy');
  return { nn, c };
}

describe('errors/run failures', () => {
  describe('checkFinite', () => {
    for (const backend of ['interpreter', 'js'] as BackendName[]) {
      for (const blockSteps of [undefined, 4, 1]) {
        it(`${backend}, blockSteps ${blockSteps ?? 'default'}: stops at unit 1, step 5 (x reaches 6), rows 0–4 kept`, async () => {
          const { nn, c } = await poisoned(backend);
          const e = await rejects(() => nn.run(1, { steps: 20, checkFinite: true, blockSteps }), NumericalError);
          expect(e.detail).to.deep.include({ container: 'P', variable: 'x', unit: 1, step: 5 });
          expect(Number.isNaN(e.detail.value)).to.equal(true);
          expect(e.where).to.equal('P#x unit 1 step 5');
          expect(e.message).to.match(/^P#x unit 1 step 5: became NaN \(checkFinite\)\. Recordings up to step 4 are kept and the network is left as it was after that step\./);
          expect(e.fix).to.match(/Reduce dt/);
          const x = c.recorder.get('x');
          expect(x.shape).to.deep.equal([5, 3]);
          for (let k = 0; k < 5; k++) for (let i = 0; i < 3; i++) expect(x.at(k, i)).to.equal(k + 1);
          expect(c.recorder.get('copy').shape).to.deep.equal([5, 3]);
          expect(nn.step).to.equal(5);
          // The state is the one of the last kept row, not the failing step's.
          expect(Array.from(c.get('x'))).to.deep.equal([5, 5, 5]);
          expect(Array.from(c.get('copy'))).to.deep.equal([5, 5, 5]);
        });
      }
    }

    it('with record rate 2, the kept rows are those of steps 0, 2, 4 (before the NaN at step 5)', async () => {
      for (const backend of ['interpreter', 'js'] as BackendName[]) {
        const nn = new Network();
        const c = nn.add(Poisoned, { name: 'P', num: 3, params: { lim: [9, 6, 12] } });
        await nn.compile({ backend });
        c.record('x', { rate: 2 });
        await rejects(() => nn.run(1, { steps: 20, checkFinite: true, blockSteps: 3 }), NumericalError);
        expect(c.recorder.get('x').shape).to.deep.equal([3, 3]);
        expect(Array.from(c.recorder.get('x').trace(2))).to.deep.equal([1, 3, 5]);
      }
    });

    it('without checkFinite the run goes on and the NaN is recorded', async () => {
      const { nn, c } = await poisoned('js');
      await nn.run(1, { steps: 8 });
      const x = c.recorder.get('x');
      expect(x.shape).to.deep.equal([8, 3]);
      expect(Number.isNaN(x.at(5, 1))).to.equal(true);
      expect(x.at(7, 0)).to.equal(8);
    });

    it("after the error, the state and a 'sum' recording end at the last kept step, on every back end; running on fails at that step again", async () => {
      const names: BackendName[] = ['interpreter', 'js', ...(backends.status().cpu.ok ? ['cpu' as const] : [])];
      for (const backend of names) {
        const nn = new Network();
        const c = nn.add(Poisoned, { name: 'P', num: 3, params: { lim: [9, 6, 12] } });
        c.record('x', { mode: 'sum' });
        await nn.compile({ backend });
        const e = await rejects(() => nn.run(1, { steps: 20, checkFinite: true, blockSteps: 8 }), NumericalError, {}, backend);
        expect(e.detail.step, backend).to.equal(5);
        expect(Array.from(c.get('x')), backend).to.deep.equal([5, 5, 5]);
        expect(Array.from(c.recorder.get('x').data), backend).to.deep.equal([15, 15, 15]); // 1 + 2 + 3 + 4 + 5
        const again = await rejects(() => nn.run(1, { steps: 3, checkFinite: true }), NumericalError);
        expect(again.detail, backend).to.deep.include({ unit: 1, step: 5 });
      }
    });

    it('in a continued run, the rows of the earlier run and of this one up to the NaN stay recorded', async () => {
      const { nn, c } = await poisoned('js');
      await nn.run(1, { steps: 3, checkFinite: true });
      const e = await rejects(() => nn.run(1, { steps: 10, checkFinite: true }), NumericalError);
      expect(e.detail.unit).to.equal(1);
      expect(c.recorder.get('x').shape).to.deep.equal([5, 3]);
      expect(Array.from(c.recorder.get('x').trace(0))).to.deep.equal([1, 2, 3, 4, 5]);
      expect(nn.step).to.equal(5);
    });

    it('in a continued run, the error names the network step (5), as the recordings count it', async () => {
      const { nn } = await poisoned('js');
      await nn.run(1, { steps: 3, checkFinite: true });
      const e = await rejects(() => nn.run(1, { steps: 10, checkFinite: true }), NumericalError);
      expect(e.detail.step).to.equal(5);
      expect(e.message).to.match(/^P#x unit 1 step 5: became NaN \(checkFinite\)\. Recordings up to step 4 are kept and the network is left as it was after that step\./);
    });
  });

  describe('AbortSignal', () => {
    for (const backend of ['interpreter', 'js'] as BackendName[]) {
      it(`${backend}: aborted while block [50, 60) is prepared, stops after 60 steps; rows = 60 and equal an uninterrupted run`, async () => {
        const make = async (signalAt?: number) => {
          const nn = new Network();
          const ctl = new AbortController();
          const inp = nn.input({ name: 'in', num: 2 }).set((k: number) => {
            if (k === signalAt) ctl.abort();
            return [20 + k / 10, 40];
          });
          const iaf = nn.add(models.IAF, { name: 'I', num: 2 });
          iaf.connect({ stimulus: inp });
          await nn.compile({ backend });
          iaf.record('v');
          iaf.record('spike', { mode: 'sum' });
          return { nn, iaf, signal: ctl.signal };
        };
        const a = await make(50);
        const e = await rejects(() => a.nn.run(1e-3, { steps: 1000, signal: a.signal, blockSteps: 10 }), RunAbortedError);
        expect(e.completedSteps).to.equal(60);
        expect(e.where).to.equal('Network.run');
        expect(e.fix).to.equal('Recordings up to that step are readable.');
        expect(a.nn.step).to.equal(60);
        expect(a.iaf.recorder.get('v').shape).to.deep.equal([60, 2]);
        const b = await make();
        await b.nn.run(1e-3, { steps: 60, blockSteps: 10 });
        expect(Array.from(a.iaf.recorder.get('v').data)).to.deep.equal(Array.from(b.iaf.recorder.get('v').data));
        expect(Array.from(a.iaf.recorder.get('spike').data)).to.deep.equal(Array.from(b.iaf.recorder.get('spike').data));
        expect(Array.from(a.iaf.get('v'))).to.deep.equal(Array.from(b.iaf.get('v')));
        // The network can go on after an abort.
        await a.nn.run(1e-3, { steps: 5 });
        expect(a.nn.step).to.equal(65);
      });
    }

    it('a signal aborted before the run: nothing runs, empty recordings are readable', async () => {
      const nn = new Network();
      const iaf = nn.add(models.IAF, { name: 'I', num: 2 });
      await nn.compile({ backend: 'js' });
      iaf.record('v');
      const ctl = new AbortController();
      ctl.abort();
      const e = await rejects(() => nn.run(1e-3, { steps: 100, signal: ctl.signal }), RunAbortedError);
      expect(e.completedSteps).to.equal(0);
      expect(iaf.recorder.get('v').shape).to.deep.equal([0, 2]);
      expect(Array.from(iaf.get('v'))).to.deep.equal([0, 0]);
    });
  });

  it('an input function that fails mid-run keeps the blocks already run', async () => {
    const nn = new Network();
    const inp = nn.input({ name: 'f', num: 2 }).set((k: number) => (k < 150 ? [1, 2] : [Number.NaN, 2]));
    const iaf = nn.add(models.IAF, { name: 'I', num: 2 });
    iaf.connect({ stimulus: inp });
    await nn.compile({ backend: 'js' });
    iaf.record('v');
    const e = await rejects(() => nn.run(1e-3, { steps: 300, blockSteps: 100 }), InputDataError);
    expect(e.where).to.equal("input 'f' step 150 unit 0");
    expect(iaf.recorder.get('v').shape).to.deep.equal([100, 2]);
    expect(nn.step).to.equal(100);
  });

  it('a run whose recordings do not fit in memory is refused before it starts, naming bytes, rate and sum', async () => {
    const num = 100_000;
    const steps = Math.ceil((freemem() * 2) / (num * 8)) + 1;
    const nn = new Network();
    const iaf = nn.add(models.IAF, { name: 'I', num });
    await nn.compile({ backend: 'js' });
    iaf.record('v');
    const e = await rejects(() => nn.run(1e-4, { steps }), InputDataError);
    expect(e.where).to.equal('Network.run');
    // float64: one array of 8 bytes a value, which the blocks fill in place.
    const needed = steps * num * 8;
    expect(e.message).to.contain(`the recordings need ${needed.toLocaleString('en')} bytes and `);
    expect(e.message).to.match(/bytes and [\d,]+ are free\./);
    expect(e.fix).to.contain('record(..., { rate: k })').and.contain("{ mode: 'sum' }");
    expect(nn.step).to.equal(0);
  });
});
