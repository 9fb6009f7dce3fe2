/**
 * No call corrupts a run: while a run, compile or reset is in progress every
 * change is refused (BusyError) and state, step and recordings stay in step;
 * a run that cannot allocate what it needs fails before its first step and
 * changes nothing; sizes too large for a typed array or for memory are
 * refused with the numbers; Dot shapes are checked, never guessed; set() on a
 * state after compile changes the current value only, and reset() returns to
 * the initial values; input data is copied at set(); a refused set() changes
 * nothing; dt must stay a normal number in the run's dtype; a NumericalError
 * at the very first step says that nothing was recorded.
 *
 * Errors are identified by class name where the class is new (BusyError),
 * so that these cases also load against a library without it.
 */
import { expect } from 'chai';
import {
  BusyError, Dot, InputDataError, Model, input, Network, NetworkWiringError, NeuralError, NumericalError, Repeat, Sum, derivative, models, param, post, state,
  type BackendName,
} from '../../lib/index.js';
import { rejects } from '../support.js';

const DT = 1e-3;

/** Three IAF units driven by an input of 3 streams, recording v. */
async function iafNet(options: { dtype?: 'float64' | 'float32'; backend?: BackendName } = {}) {
  const nn = new Network();
  const inp = nn.input({ name: 'in', num: 3 }).set((k: number) => [1 + (k % 3), 2, 3]);
  const iaf = nn.add(models.IAF, { name: 'iaf', num: 3 });
  iaf.connect({ stimulus: inp });
  iaf.record('v');
  await nn.compile({ backend: options.backend ?? 'js', dtype: options.dtype });
  return { nn, iaf, inp };
}

/** A BusyError of `call`, refused because a run is in progress. */
function expectBusy(error: BusyError, call: RegExp): void {
  expect(error).to.be.instanceOf(NeuralError);
  expect(error.name).to.equal('BusyError');
  expect(error.message).to.match(call).and.match(/a run of the network is in progress\. Await it/);
}

describe('network/integrity', () => {
  describe('one thing at a time', () => {
    it('a second run() while one is in progress is refused; step, state and recordings equal one run', async () => {
      const { nn, iaf } = await iafNet();
      const first = nn.run(DT, { steps: 200, blockSteps: 10 });
      const second = await rejects(() => nn.run(DT, { steps: 200, blockSteps: 10 }), BusyError);
      await first;
      expectBusy(second, /^Network\.run: /);
      const reference = await iafNet();
      await reference.nn.run(DT, { steps: 200, blockSteps: 10 });
      expect(nn.step).to.equal(200);
      expect(iaf.recorder.get('v').shape).to.deep.equal([200, 3]);
      expect(Array.from(iaf.recorder.get('v').data)).to.deep.equal(Array.from(reference.iaf.recorder.get('v').data));
      expect(Array.from(iaf.get('v'))).to.deep.equal(Array.from(reference.iaf.get('v')));
    });

    it('compile(), reset(), set(), connect(), record(), add() and input() during a run are refused and change nothing', async () => {
      const { nn, iaf, inp } = await iafNet();
      const run = nn.run(DT, { steps: 100, blockSteps: 5 });
      const errors = [
        await rejects(() => nn.compile({ backend: 'interpreter' }), BusyError),
        await rejects(() => nn.reset(), BusyError),
        await rejects(() => iaf.set('v', 0.5), BusyError),
        await rejects(() => iaf.set('c', 1), BusyError),
        await rejects(() => inp.set(7), BusyError),
        await rejects(() => iaf.connect({ stimulus: 1 }), BusyError),
        await rejects(() => iaf.record('spike'), BusyError),
        await rejects(() => nn.add(models.IAF), BusyError),
        await rejects(() => nn.input(), BusyError),
      ];
      await run;
      const calls = [/^Network\.compile/, /^Network\.reset/, /^iaf\.set/, /^iaf\.set/, /^input 'in'\.set/, /^iaf\.connect/, /^iaf\.record/, /^Network\.add/, /^Network\.input/];
      errors.forEach((e, i) => expectBusy(e, calls[i]));
      const reference = await iafNet();
      await reference.nn.run(DT, { steps: 100, blockSteps: 5 });
      expect(nn.step).to.equal(100);
      expect(nn.chosen!.backend).to.equal('js');
      expect(Array.from(iaf.recorder.get('v').data)).to.deep.equal(Array.from(reference.iaf.recorder.get('v').data));
      expect(Array.from(iaf.get('v'))).to.deep.equal(Array.from(reference.iaf.get('v')));
      expect(Array.from(iaf.get('c'))).to.deep.equal([5, 5, 5]);
      expect(nn.containers.length).to.equal(1);
      expect(iaf.recorder.names()).to.deep.equal(['v']);
      // Once the run is over, the same calls work.
      iaf.set('c', 1);
      await nn.reset();
      expect(nn.step).to.equal(0);
    });

    it('a run() while compile() is in progress is refused; the compile completes', async () => {
      const nn = new Network();
      nn.add(models.IAF, { name: 'I' });
      const compiling = nn.compile({ backend: 'js' });
      const e = await rejects(() => nn.run(DT, { steps: 1 }), BusyError);
      await compiling;
      expect(e.message).to.match(/^Network\.run: a compile of the network is in progress\./);
      await nn.run(DT, { steps: 1 });
      expect(nn.step).to.equal(1);
    });

    it('reading during a run is allowed', async () => {
      const { nn, iaf } = await iafNet();
      const run = nn.run(DT, { steps: 50, blockSteps: 5 });
      expect(iaf.get('v')).to.have.length(3);
      expect(nn.plan().containers).to.have.length(1);
      expect(nn.toDot()).to.contain('iaf');
      await run;
      expect(nn.step).to.equal(50);
    });
  });

  describe('a run allocates everything before its first step', () => {
    /**
     * Makes every Float64Array of `limit` or more elements (and every
     * ArrayBuffer of 8·limit or more bytes) fail as an allocation beyond the
     * memory would, while f runs.
     */
    async function withAllocationLimit<T>(limit: number, f: () => Promise<T>): Promise<T> {
      const F64 = globalThis.Float64Array;
      const AB = globalThis.ArrayBuffer;
      const fail = () => new RangeError('Array buffer allocation failed');
      globalThis.Float64Array = new Proxy(F64, {
        construct(target, args, newTarget) {
          if (typeof args[0] === 'number' && args[0] >= limit) throw fail();
          if (args[0] instanceof AB && typeof args[2] === 'number' && args[2] >= limit) throw fail();
          return Reflect.construct(target, args, newTarget === globalThis.Float64Array ? target : newTarget);
        },
      });
      globalThis.ArrayBuffer = new Proxy(AB, {
        construct(target, args, newTarget) {
          if (typeof args[0] === 'number' && args[0] >= 8 * limit) throw fail();
          return Reflect.construct(target, args, newTarget === globalThis.ArrayBuffer ? target : newTarget);
        },
      });
      try {
        return await f();
      } finally {
        globalThis.Float64Array = F64;
        globalThis.ArrayBuffer = AB;
      }
    }

    for (const dtype of ['float64', 'float32'] as const) {
      it(`${dtype}: a continued run whose rows cannot be allocated fails before any step; state, step and recordings are unchanged`, async () => {
        const nn = new Network();
        const iaf = nn.add(models.IAF, { name: 'iaf', num: 10, params: { stimulus: 3 } });
        iaf.record('v');
        await nn.compile({ backend: 'js', dtype });
        await nn.run(DT, { steps: 100 });
        const v = Array.from(iaf.get('v'));
        const rec = Array.from(iaf.recorder.get('v').data);
        // This run's rows (1,000 values: 8,000 bytes of float64, 4,000 of float32) do not fit.
        const e = await withAllocationLimit(dtype === 'float64' ? 1000 : 500, () => rejects(() => nn.run(DT, { steps: 100 }), InputDataError));
        expect(Array.from(iaf.get('v'))).to.deep.equal(v);
        expect(nn.step).to.equal(100);
        expect(Array.from(iaf.recorder.get('v').data)).to.deep.equal(rec);
        expect(e.message).to.match(/^Network\.run: the recording of iaf\.v could not be allocated/);
        // With the memory back, the run continues from where it was.
        await nn.run(DT, { steps: 100 });
        expect(nn.step).to.equal(200);
        expect(iaf.recorder.get('v').shape).to.deep.equal([200, 10]);
      });
    }
  });

  describe('sizes are checked before allocating', () => {
    it('a container of 1e12 units is refused with the numbers, not a RangeError', async () => {
      const nn = new Network();
      const e = await rejects(() => nn.add(models.IAF, { name: 'big', num: 1e12 }), InputDataError);
      expect(e.message).to.match(/^container 'big': /).and.contain('1,000,000,000,000').and.match(/Use fewer units/);
      expect(nn.containers).to.have.length(0);
    });

    it('a container or input wider than any typed array (2^52 units) is refused', async () => {
      const nn = new Network();
      await rejects(() => nn.add(models.IAF, { name: 'huge', num: 2 ** 52 }), InputDataError);
      const e = await rejects(() => nn.input({ name: 'wide', num: 2 ** 52 }), InputDataError);
      expect(e.message).to.match(/^input 'wide': one row would hold 4,503,599,627,370,496 values; one typed array holds at most [\d,]+\./);
    });

    it('counts past 2^53 − 1 and runs whose step would pass it are refused', async () => {
      const nn = new Network();
      const e = await rejects(() => nn.input({ name: 'inexact', num: 2 ** 53 }), InputDataError);
      expect(e.message).to.match(/num = 9007199254740992 is larger than 2\^53 − 1/);
      nn.add(models.IAF, { name: 'one' });
      await nn.compile({ backend: 'js' });
      await rejects(() => nn.run(1e-4, { steps: 2 ** 53 + 10 }), InputDataError);
      expect(nn.step).to.equal(0);
    });

    it('Repeat to more values than an array holds is refused when built', () => {
      const nn = new Network();
      const c = nn.add(models.IAF, { name: 'C', num: 6 });
      expect(() => Repeat(c.ref('v'), 2 ** 50)).to.throw(NetworkWiringError, /^Repeat\(C\.v\): 6 values repeated 1125899906842624 times make [\d,]+ values; one array holds at most/);
    });
  });

  describe('Dot shapes', () => {
    const source = () => {
      const nn = new Network();
      return { nn, c: nn.add(models.IAF, { name: 'C', num: 8 }) };
    };

    it('a flat matrix needs its row count: 4×4 values for a source of 8 are not taken as 2×8', () => {
      const { c } = source();
      expect(() => Dot(new Float64Array(16), c.ref('v'))).to.throw(NetworkWiringError, /^Dot\(C\.v\): a row-major matrix of 16 values needs its row count\. Pass it: Dot\(matrix, source, rows\), with rows × 8/);
    });

    it('a flat matrix whose length is not rows × source.num is refused with both shapes', () => {
      const { c } = source();
      expect(() => Dot(new Float64Array(16), c.ref('v'), 4)).to.throw(NetworkWiringError, /^Dot\(C\.v\): given 16 values for 4 rows, expected 4 × 8 = 32\./);
      expect(Dot(new Float64Array(16), c.ref('v'), 2).num).to.equal(2);
    });

    it('number[][] must be rectangular with one column per source value', () => {
      const { c } = source();
      const square = Array.from({ length: 4 }, () => [1, 2, 3, 4]);
      expect(() => Dot(square, c.ref('v'))).to.throw(NetworkWiringError, /^Dot\(C\.v\): given 4×4 \(16 values\), expected rows × 8\./);
      const ragged = [[1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3]];
      expect(() => Dot(ragged, c.ref('v'))).to.throw(NetworkWiringError, /row 1 of the matrix has 3 entries, expected 8/);
      expect(() => Dot([[1, 2, 3, 4, 5, 6, 7, '8' as never]], c.ref('v'))).to.throw(NetworkWiringError, /row 0 column 7: the entry '8' \(a string\) is not a finite number/);
      expect(() => Dot([[1, 2, 3, 4, 5, 6, 7, 8]], c.ref('v'), 2)).to.throw(NetworkWiringError, /rows = 2 but the matrix has 1 rows/);
    });

    it('a new matrix of the same shape replaces the compiled one at the next run', async () => {
      const nn = new Network();
      const inp = nn.input({ name: 'x', num: 2 }).set(1);
      class Copy extends Model {
        @input(0) src!: number;
        @state(0) @post('src') y!: number;
      }
      const out = nn.add(Copy, { name: 'out', num: 2 });
      out.connect({ src: Dot([[1, 0], [0, 1]], inp) });
      await nn.compile({ backend: 'js' });
      await nn.run(DT, { steps: 1 });
      expect(Array.from(out.get('y'))).to.deep.equal([1, 1]);
      out.connect({ src: Dot([[2, 3], [4, 5]], inp) });
      await nn.run(DT, { steps: 1 });
      expect(Array.from(out.get('y'))).to.deep.equal([5, 9]);
    });
  });

  describe('set() and reset()', () => {
    it('set() on a state after compile changes the current value only; reset() restores the value given to add()', async () => {
      const nn = new Network();
      const iaf = nn.add(models.IAF, { name: 'I', num: 2, states: { v: 0.01 } });
      await nn.compile({ backend: 'js' });
      iaf.set('v', 0.02);
      expect(Array.from(iaf.get('v'))).to.deep.equal([0.02, 0.02]);
      await nn.reset();
      expect(Array.from(iaf.get('v'))).to.deep.equal([0.01, 0.01]);
      iaf.set('v', [0.015, 0.005]);
      await nn.run(DT, { steps: 3 });
      await nn.reset();
      expect(Array.from(iaf.get('v'))).to.deep.equal([0.01, 0.01]);
    });

    it('set() before compile sets the initial value; an instance and the model default come next; params keep set() values across reset()', async () => {
      const nn = new Network();
      const a = nn.add(models.IAF, { name: 'a', states: { v: 0.001 } });
      a.set('v', 0.002);
      const b = nn.add(new models.IAF({ v: 0.003 }), { name: 'b' });
      const c = nn.add(models.IAF, { name: 'c' });
      await nn.compile({ backend: 'js' });
      for (const x of [a, b, c]) x.set('v', 0.02);
      a.set('c', 2);
      await nn.run(DT, { steps: 2 });
      await nn.reset();
      expect([a, b, c].map((x) => x.get('v')[0])).to.deep.equal([0.002, 0.003, 0]);
      expect(a.get('c')[0]).to.equal(2);
    });

    it('a container added after compile takes set() as its initial value until the network is compiled with it', async () => {
      const nn = new Network();
      nn.add(models.IAF, { name: 'a' });
      await nn.compile({ backend: 'js' });
      const late = nn.add(models.IAF, { name: 'late' });
      late.set('v', 0.004);
      await nn.run(DT, { steps: 1 });
      late.set('v', 0.02);
      await nn.reset();
      expect(late.get('v')[0]).to.equal(0.004);
    });

    it('a refused set() changes nothing (all values are checked before any is written)', async () => {
      const nn = new Network();
      const iaf = nn.add(models.IAF, { name: 'I', num: 3 });
      expect(() => iaf.set('c', [1, 2, Number.NaN])).to.throw(InputDataError, /^I\.c\[2\]: the value NaN is not/);
      expect(Array.from(iaf.get('c'))).to.deep.equal([5, 5, 5]);
      await nn.compile({ backend: 'js' });
      expect(() => iaf.set('v', [0.1, 'x' as never, 0.1])).to.throw(InputDataError, /^I\.v\[1\]: the value 'x' \(a string\) is not a number/);
      expect(Array.from(iaf.get('v'))).to.deep.equal([0, 0, 0]);
    });

    it('float32: a value outside the float32 range is refused, at compile and at set()', async () => {
      const nn = new Network();
      const iaf = nn.add(models.IAF, { name: 'I', num: 2, params: { c: [1, 1e39] } });
      const e = await rejects(() => nn.compile({ backend: 'js', dtype: 'float32' }), InputDataError);
      expect(e.message).to.match(/^I\.c\[1\]: the value 1e\+39 is outside the range of float32\./);
      iaf.set('c', 1);
      await nn.compile({ backend: 'js', dtype: 'float32' });
      expect(() => iaf.set('bias', 1e39)).to.throw(InputDataError, /^I\.bias: the value 1e\+39 is outside the range of float32/);
      expect(Array.from(iaf.get('bias'))).to.deep.equal([Math.fround(0.01), Math.fround(0.01)]);
    });
  });

  describe('input data', () => {
    it('a Float64Array is copied at set(): NaN written into it later does not reach the run', async () => {
      const run = async (poison: boolean) => {
        const nn = new Network();
        const data = Float64Array.from({ length: 30 }, (_, i) => 1 + (i % 3));
        const inp = nn.input({ name: 'in', num: 3 }).set(data);
        if (poison) data.fill(Number.NaN, 9);
        const iaf = nn.add(models.IAF, { name: 'I', num: 3 });
        iaf.connect({ stimulus: inp });
        iaf.record('v');
        await nn.compile({ backend: 'js' });
        await nn.run(DT, { checkFinite: true });
        return Array.from(iaf.recorder.get('v').data);
      };
      expect(await run(true)).to.deep.equal(await run(false));
    });

    it('a Float32Array is copied too', async () => {
      const nn = new Network();
      const data = new Float32Array(6).fill(1);
      const inp = nn.input({ name: 'in', num: 2 }).set(data);
      data[3] = Number.POSITIVE_INFINITY;
      expect(Array.from(inp.block(0, 3, 'float32'))).to.deep.equal([1, 1, 1, 1, 1, 1]);
    });

    it('a refused set() keeps the data the input had', async () => {
      const nn = new Network();
      const inp = nn.input({ name: 'in', num: 2 }).set([[1, 2], [3, 4]]);
      expect(() => inp.set([[1, 2], [3, Number.NaN]])).to.throw(InputDataError);
      expect(() => inp.set('data' as never)).to.throw(InputDataError);
      expect(inp.steps).to.equal(2);
      expect(Array.from(inp.block(0, 2, 'float64'))).to.deep.equal([1, 2, 3, 4]);
    });

    it('float64 data that overflows float32 is refused in a float32 run, naming step and unit', async () => {
      const nn = new Network();
      const inp = nn.input({ name: 'in', num: 2 }).set([[1, 2], [3, 1e39]]);
      nn.add(models.IAF, { name: 'I', num: 2 }).connect({ stimulus: inp });
      await nn.compile({ backend: 'js', dtype: 'float32' });
      const e = await rejects(() => nn.run(DT), InputDataError);
      expect(e.message).to.match(/^input 'in' step 1 unit 1: the value 1e\+39 is outside the range of float32/);
    });
  });

  describe('dt in the run\'s dtype', () => {
    it('float32: run(1e-300) is refused (dt would be 0), naming both numbers', async () => {
      const { nn } = await iafNet({ dtype: 'float32' });
      const e = await rejects(() => nn.run(1e-300, { steps: 1 }), InputDataError);
      expect(e.message).to.match(/^Network\.run: dt = 1e-300 is 0 in float32\./).and.match(/compile with dtype 'float64'/);
      expect(nn.step).to.equal(0);
    });

    it('float32: a subnormal dt × timeScale is refused, naming dt, the time scale and the product', async () => {
      const { nn } = await iafNet({ dtype: 'float32' });
      class Slow extends Model {
        static timeScale = 1e-3;
        @state(0) @derivative('1') x!: number;
      }
      nn.add(Slow, { name: 'slow' });
      const e = await rejects(() => nn.run(1e-36, { steps: 1 }), InputDataError);
      expect(e.message).to.match(/^Network\.run: dt = 1e-36 s times the time scale 0\.001 of 'slow' gives 1e-39, which is subnormal in float32\./);
    });

    it('float64: a dt × timeScale that underflows is refused', async () => {
      const nn = new Network();
      class Slow extends Model {
        static timeScale = 1e-20;
        @state(0) @derivative('1') x!: number;
      }
      nn.add(Slow, { name: 'slow' });
      await nn.compile({ backend: 'js' });
      const e = await rejects(() => nn.run(1e-300, { steps: 1 }), InputDataError);
      expect(e.message).to.match(/gives 1e-320, which is subnormal in float64/);
      await rejects(() => nn.run(1e-310, { steps: 1 }), InputDataError);
    });
  });

  describe('checkFinite at the first step', () => {
    class Broken extends Model {
      @param(0) lim!: number;
      @state(0) @derivative('1') @post('x >= lim ? log(x - lim - 1) : x') x!: number;
    }

    it('says that no step completed, not "up to step -1"', async () => {
      const nn = new Network();
      const c = nn.add(Broken, { name: 'B' });
      c.record('x');
      await nn.compile({ backend: 'js' });
      const e = await rejects(() => nn.run(1, { steps: 5, checkFinite: true }), NumericalError);
      expect(e.message).to.not.contain('step -1');
      expect(e.message).to.match(/^B#x unit 0 step 0: became -Infinity \(checkFinite\)\. No step completed: nothing was recorded and the network is left as it was before the run\./);
      expect(nn.step).to.equal(0);
      expect(c.recorder.get('x').shape).to.deep.equal([0, 1]);
      expect(Array.from(c.get('x'))).to.deep.equal([0]);
    });
  });

  it('Sum(Dot(...)) and plan() still work together (the plan is pure)', async () => {
    const nn = new Network();
    const c = nn.add(models.IAF, { name: 'C', num: 2 });
    const d = nn.add(models.IAF, { name: 'D', num: 1 });
    d.connect({ stimulus: Sum(Dot([[1, 1], [1, 1]], c.ref('v'))) });
    const a = JSON.stringify(nn.plan());
    expect(JSON.stringify(nn.plan())).to.equal(a);
    await nn.compile({ backend: 'js' });
    await nn.run(DT, { steps: 2 });
    expect(nn.step).to.equal(2);
  });
});
