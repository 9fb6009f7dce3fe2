/**
 * `Recording.times()`: each row's time is the simulated time at which its
 * values hold, checked on a model whose state is the elapsed time (x = 0 at
 * the start, dx/dt = 1: after step k, x = (k + 1)·dt), for one run,
 * continued runs of odd lengths, and a recording that starts in a later run.
 */
import { expect } from 'chai';
import { InputDataError, Model, Network, derivative, post, state, type BackendName } from '../../lib/index.js';

const DT = 0.01;

class Clock extends Model {
  @state(0) @derivative('1') x!: number;
}

async function clockNet(backend: BackendName) {
  const nn = new Network();
  const clock = nn.add(Clock, { name: 'clock', num: 2 });
  await nn.compile({ backend });
  return { nn, clock };
}

/** Every row's values equal its time (the state is the elapsed time). */
function expectRowsAtTimes(nn: Network, variable = 'x'): void {
  const rec = nn.containers[0].recorder.get(variable);
  const times = rec.times();
  const [rows, num] = rec.shape;
  expect(times.length).to.equal(rows);
  for (let r = 0; r < rows; r++) for (let i = 0; i < num; i++) expect(rec.data[r * num + i]).to.be.closeTo(times[r], 1e-12);
}

describe('network/times', () => {
  for (const backend of ['interpreter', 'js'] as BackendName[]) {
    for (const rate of [1, 3]) {
      it(`${backend}, rate ${rate}: row r holds the value at times()[r], over one run`, async () => {
        const { nn, clock } = await clockNet(backend);
        clock.record('x', { rate });
        await nn.run(DT, { steps: 10 });
        expect(clock.recorder.get('x').shape[0]).to.equal(Math.ceil(10 / rate));
        expectRowsAtTimes(nn);
        expect(clock.recorder.get('x').times()[0]).to.be.closeTo(DT, 1e-15);
      });

      it(`${backend}, rate ${rate}: the same over continued runs of 5, 7 and 3 steps`, async () => {
        const { nn, clock } = await clockNet(backend);
        clock.record('x', { rate });
        for (const steps of [5, 7, 3]) await nn.run(DT, { steps, blockSteps: 2 });
        expect(clock.recorder.get('x').shape[0]).to.equal(Math.ceil(15 / rate));
        expectRowsAtTimes(nn);
      });

      it(`${backend}, rate ${rate}: the same for a recording that starts in a later run`, async () => {
        const { nn, clock } = await clockNet(backend);
        await nn.run(DT, { steps: 5 });
        clock.record('x', { rate });
        for (const steps of [7, 3]) await nn.run(DT, { steps });
        expect(clock.recorder.get('x').shape[0]).to.be.greaterThan(0);
        expectRowsAtTimes(nn);
      });
    }
  }
});

describe('network/times: record(..., { initial: true })', () => {
  for (const backend of ['interpreter', 'js'] as BackendName[]) {
    for (const rate of [1, 3]) {
      it(`${backend}, rate ${rate}: row 0 holds the initial value at time 0, then the rows of the steps`, async () => {
        const { nn, clock } = await clockNet(backend);
        clock.record('x', { rate, initial: true });
        for (const steps of [5, 7]) await nn.run(DT, { steps, blockSteps: 2 });
        const rec = clock.recorder.get('x');
        expect(rec.shape).to.deep.equal([1 + Math.ceil(12 / rate), 2]);
        expect(rec.times()[0]).to.equal(0);
        expect(Array.from(rec.data.subarray(0, 2))).to.deep.equal([0, 0]);
        expectRowsAtTimes(nn);
      });
    }

    it(`${backend}: a recording that starts in a later run starts with the values before that run, at step·dt`, async () => {
      const { nn, clock } = await clockNet(backend);
      await nn.run(DT, { steps: 4 });
      clock.record('x', { rate: 3, initial: true });
      await nn.run(DT, { steps: 6 });
      const rec = clock.recorder.get('x');
      expect(rec.times()[0]).to.be.closeTo(4 * DT, 1e-15);
      expect(rec.data[0]).to.be.closeTo(4 * DT, 1e-12);
      expectRowsAtTimes(nn);
    });
  }

  it("float32: the initial row is the run's value as well", async () => {
    const nn = new Network();
    const clock = nn.add(Clock, { name: 'clock', num: 2, states: { x: 0.5 } });
    await nn.compile({ backend: 'js', dtype: 'float32' });
    clock.record('x', { initial: true });
    await nn.run(DT, { steps: 3 });
    const rec = clock.recorder.get('x');
    expect(rec.shape).to.deep.equal([4, 2]);
    expect(rec.at(0, 1)).to.equal(0.5);
    expect(rec.times()[0]).to.equal(0);
  });

  it('is refused for a sum or with keep: false, and a misspelt key is refused with the nearest', async () => {
    const { clock } = await clockNet('js');
    expect(() => clock.record('x', { mode: 'sum', initial: true })).to.throw(InputDataError, /initial: true applies to traces/);
    expect(() => clock.record('x', { keep: false, initial: true })).to.throw(InputDataError, /initial: true applies to kept traces/);
    expect(() => clock.record('x', { inital: true } as never)).to.throw(InputDataError, /'inital' is not an option. Did you mean 'initial'\?/);
  });
});

describe('network/times: the element type of recordings', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`${dtype}: traces (one run, continued runs, initial row) and sums keep the run's dtype`, async () => {
      const nn = new Network();
      const clock = nn.add(Clock, { name: 'clock', num: 2 });
      await nn.compile({ backend: 'js', dtype });
      clock.record('x', { rate: 2, initial: true });
      const want = dtype === 'float32' ? Float32Array : Float64Array;
      await nn.run(DT, { steps: 5, blockSteps: 2 });
      expect(clock.recorder.get('x').data).to.be.instanceOf(want);
      await nn.run(DT, { steps: 4 });
      const rec = clock.recorder.get('x');
      expect(rec.data).to.be.instanceOf(want);
      expect(rec.shape).to.deep.equal([1 + 5, 2]);
      for (let r = 0; r < rec.shape[0]; r++) expect(rec.at(r, 1)).to.be.closeTo(rec.times()[r], dtype === 'float32' ? 1e-6 : 1e-12);
      clock.record('x', { mode: 'sum' });
      await nn.run(DT, { steps: 3 });
      expect(clock.recorder.get('x').data).to.be.instanceOf(want);
    });
  }
});

describe('network/times: events() name the global step of each row', () => {
  /** Fires (spike = 1) on every step whose number k is a multiple of 4: k + 1 ≡ 1 (mod 4) after step k. */
  class Ticker extends Model {
    @state(0) @derivative('1') n!: number;
    @state(0) @post('(n - 4 * floor(n / 4)) < 0.5 ? 1 : 0') spike!: number;
  }

  it('with an initial row, and for a recording that starts in a later run', async () => {
    const nn = new Network();
    const c = nn.add(Ticker, { name: 'ticker' });
    await nn.compile({ backend: 'js' });
    await nn.run(1, { steps: 3 });
    c.record('spike', { initial: true });
    await nn.run(1, { steps: 10 });
    // After step k, n = k + 1: spikes after steps 3, 7, 11 (n = 4, 8, 12).
    const e = c.recorder.get('spike').events();
    expect(Array.from(e.step)).to.deep.equal([3, 7, 11]);
    expect(Array.from(e.unit)).to.deep.equal([0, 0, 0]);
  });
});
