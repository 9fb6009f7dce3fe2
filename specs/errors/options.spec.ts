/**
 * Options and values of the public API: an unknown key is refused naming the
 * nearest valid one ("Did you mean 'dtype'?") or the call it belongs to; a
 * value of the wrong type (a string for a boolean, null for an object, a
 * number where an options object goes) is refused with where, what and fix,
 * never ignored, misread or left to a raw TypeError. The same for model
 * overrides and per-unit values.
 */
import { expect } from 'chai';
import { InputDataError, Network, emit, models, solve } from '../../lib/index.js';
import { checkOptions, editDistance, nearest } from '../../lib/options.js';
import { rejects } from '../support.js';

const compiled = async () => {
  const nn = new Network();
  const c = nn.add(models.IAF, { name: 'I', num: 3 });
  await nn.compile({ backend: 'js' });
  return { nn, c };
};

describe('errors/options', () => {
  describe('the checker', () => {
    it('edit distance counts a swap of neighbours as one edit', () => {
      expect(editDistance('dtpye', 'dtype')).to.equal(1);
      expect(editDistance('nmu', 'num')).to.equal(1);
      expect(editDistance('parms', 'params')).to.equal(1);
      expect(editDistance('kitten', 'sitting')).to.equal(3);
      expect(editDistance('', 'abc')).to.equal(3);
    });

    it('nearest ignores case, needs closeness, and never changes digits', () => {
      expect(nearest('dtpye', ['backend', 'dtype', 'solver'])).to.equal('dtype');
      expect(nearest('CheckFinite', ['checkFinite', 'steps'])).to.equal('checkFinite');
      expect(nearest('banana', ['dtype', 'solver'])).to.equal(undefined);
      expect(nearest('float16', ['float64', 'float32'])).to.equal(undefined);
      expect(nearest('w', ['v'])).to.equal(undefined);
    });

    it('undefined means {}; a key whose value is undefined is not given; required keys must be given', () => {
      expect(checkOptions('f', undefined, { a: { type: 'boolean' } })).to.deep.equal({});
      expect(checkOptions('f', { a: undefined }, { a: { type: 'boolean' } })).to.deep.equal({ a: undefined });
      expect(() => checkOptions('f', {}, { a: { type: 'number', required: true } })).to.throw(InputDataError, /^f: the option 'a' is missing\. Pass a \(a number\)\./);
    });

    it('refuses arrays, maps and class instances as options objects', () => {
      for (const x of [[], new Map(), new Date(0)]) expect(() => checkOptions('f', x, {})).to.throw(InputDataError, /^f: takes an options object, not (\[\]|an? (Map|Date))/);
      expect(checkOptions('f', Object.create(null), {})).to.deep.equal({});
    });
  });

  describe('unknown keys name the nearest valid key', () => {
    it('compile({ dtpye })', async () => {
      const nn = new Network();
      nn.add(models.IAF);
      const e = await rejects(() => nn.compile({ dtpye: 'float32' } as never), InputDataError);
      expect(e.message).to.equal("Network.compile: 'dtpye' is not an option. Did you mean 'dtype'? Options: backend, dtype, solver, fastMath.");
      expect(nn.chosen).to.equal(null);
    });

    it('an option of run() given to compile(), and the other way round', async () => {
      const { nn } = await compiled();
      expect((await rejects(() => nn.compile({ checkFinite: true } as never), InputDataError)).message).to.match(/^Network\.compile: 'checkFinite' is an option of Network\.run, not of Network\.compile\./);
      expect((await rejects(() => nn.run(1e-4, { steps: 1, dtype: 'float32' } as never), InputDataError)).message).to.match(/^Network\.run: 'dtype' is an option of Network\.compile/);
      expect(nn.step).to.equal(0);
    });

    it('run({ stpes }), add({ nmu }), add({ parms }), input({ nmu }), record({ rat }), solve({ recrod }), emit({ sovler })', async () => {
      const { nn, c } = await compiled();
      expect((await rejects(() => nn.run(1e-4, { stpes: 3 } as never), InputDataError)).fix).to.match(/^Did you mean 'steps'\?/);
      expect((await rejects(() => nn.add(models.IAF, { nmu: 3 } as never), InputDataError)).fix).to.match(/^Did you mean 'num'\?/);
      expect((await rejects(() => nn.add(models.IAF, { parms: { c: 1 } } as never), InputDataError)).fix).to.match(/^Did you mean 'params'\?/);
      expect((await rejects(() => nn.input({ nmu: 2 } as never), InputDataError)).fix).to.match(/^Did you mean 'num'\?/);
      expect((await rejects(() => c.record('v', { rat: 2 } as never), InputDataError)).fix).to.match(/^Did you mean 'rate'\?/);
      expect((await rejects(() => solve(models.IAF, { dt: 1e-4, steps: 2, recrod: ['v'] } as never), InputDataError)).fix).to.match(/^Did you mean 'record'\?/);
      expect((await rejects(() => emit(models.IAF, 'c', { sovler: 'rk4' } as never), InputDataError)).fix).to.match(/^Did you mean 'solver'\?/);
    });

    it('model overrides and per-unit values name the nearest variable', async () => {
      expect((await rejects(() => new models.IAF({ vtt: 1 }), InputDataError)).fix).to.match(/^Did you mean 'vt'\? Use one of: vt, c, bias, stimulus, spike, v\./);
      const nn = new Network();
      expect((await rejects(() => nn.add(models.IAF, { params: { bais: 1 } }), InputDataError)).fix).to.match(/^Did you mean 'bias'\?/);
      expect((await rejects(() => nn.add(models.IAF, { params: { v: 1 } }), InputDataError)).fix).to.match(/^'v' is a state: pass it in states\./);
      expect((await rejects(() => nn.add(models.IAF, { num: 2 }).set('bais' as never, 1), InputDataError)).fix).to.match(/^Did you mean 'bias'\?/);
    });
  });

  describe('values of the wrong type are refused, not ignored or misread', () => {
    it('null options give where, what and fix, not a TypeError', async () => {
      const { nn, c } = await compiled();
      for (const [where, f] of [
        ['Network.compile', () => nn.compile(null as never)],
        ['Network.run', () => nn.run(1e-4, null as never)],
        ['Network.add', () => nn.add(models.IAF, null as never)],
        ['Network.input', () => nn.input(null as never)],
        ['I.record', () => c.record('v', null as never)],
        ["emit(IAF, 'c')", () => emit(models.IAF, 'c', null as never)],
        ['solve', () => solve(models.IAF, null as never)],
      ] as const) {
        const e = await rejects(f, InputDataError);
        expect(e.where).to.equal(where);
        expect(e.message).to.contain('takes an options object, not null.');
      }
      expect(nn.step).to.equal(0);
    });

    it("compile('cpu') is refused: write compile({ backend: 'cpu' })", async () => {
      const nn = new Network();
      nn.add(models.IAF);
      const e = await rejects(() => nn.compile('cpu' as never), InputDataError);
      expect(e.message).to.equal("Network.compile: takes an options object, not 'cpu' (a string). Write compile({ backend: 'cpu' }).");
      expect(nn.chosen).to.equal(null);
    });

    it('run(dt, 3) is refused: write run(dt, { steps: 3 })', async () => {
      const { nn } = await compiled();
      const e = await rejects(() => nn.run(1e-4, 3 as never), InputDataError);
      expect(e.message).to.equal('Network.run: takes an options object, not 3. Write run(dt, { steps: 3 }).');
      expect(nn.step).to.equal(0);
    });

    it("checkFinite: 'false', verbose: 1, fastMath: 'yes' are not booleans", async () => {
      const { nn } = await compiled();
      expect((await rejects(() => nn.run(1e-4, { steps: 1, checkFinite: 'false' as never }), InputDataError)).message).to.equal("Network.run: checkFinite = 'false' (a string) is not a boolean. Write checkFinite: true or checkFinite: false.");
      expect((await rejects(() => nn.run(1e-4, { steps: 1, verbose: 1 as never }), InputDataError)).message).to.match(/verbose = 1 is not a boolean/);
      expect((await rejects(() => nn.compile({ fastMath: 'yes' as never }), InputDataError)).message).to.match(/fastMath = 'yes' \(a string\) is not a boolean/);
    });

    it('signal must be an AbortSignal; steps, blockSteps, num and rate whole numbers', async () => {
      const { nn, c } = await compiled();
      expect((await rejects(() => nn.run(1e-4, { steps: 1, signal: {} as never }), InputDataError)).message).to.match(/signal = an object is not an AbortSignal\. Pass controller\.signal/);
      expect((await rejects(() => nn.run(1e-4, { steps: '3' as never }), InputDataError)).message).to.match(/steps = '3' \(a string\) is not a positive integer/);
      expect((await rejects(() => nn.run(1e-4, { steps: 3, blockSteps: 2.5 }), InputDataError)).message).to.match(/blockSteps = 2\.5 is not a positive integer/);
      expect((await rejects(() => nn.add(models.IAF, { name: 'x', num: '3' as never }), InputDataError)).message).to.match(/^container 'x': num = '3' \(a string\) is not a positive integer/);
      expect((await rejects(() => c.record('v', { rate: 2.5 }), InputDataError)).message).to.match(/rate = 2\.5 is not a positive integer/);
      expect((await rejects(() => c.record('v', 10 as never), InputDataError)).fix).to.equal("Name the variables as strings and pass the options last, e.g. record('v', { rate: 10 }).");
    });

    it('add(): name must be a string, params and states objects, solver known', async () => {
      const nn = new Network();
      expect((await rejects(() => nn.add(models.IAF, { name: 5 as never }), InputDataError)).message).to.match(/^Network\.add: name = 5 is not a string/);
      expect((await rejects(() => nn.add(models.IAF, { params: 5 as never }), InputDataError)).message).to.match(/params = 5 is not an object of values by name/);
      expect((await rejects(() => nn.add(models.IAF, { states: [1] as never }), InputDataError)).message).to.match(/states = \[1\] is not an object of values by name/);
      expect((await rejects(() => nn.add(models.IAF, { solver: 'eular' as never }), InputDataError)).fix).to.match(/^Did you mean 'euler'\?/);
      expect(nn.containers).to.have.length(0);
    });

    it("emit(M, 'c', { dtype: 'float16' }) and an unknown solver are refused", async () => {
      const e = await rejects(() => emit(models.IAF, 'c', { dtype: 'float16' as never }), InputDataError);
      expect(e.message).to.equal("emit(IAF, 'c'): dtype 'float16' is unknown. Use 'float64' or 'float32'.");
      expect((await rejects(() => emit(models.IAF, 'js', { solver: 'rk5' as never }), InputDataError)).message).to.match(/solver 'rk5' is unknown\. Use one of: auto, euler/);
      expect(emit(models.IAF, 'c', { dtype: 'float32' })).to.contain('float');
    });

    it('solve() needs dt and steps, and checks its options', async () => {
      expect((await rejects(() => solve(models.IAF, { steps: 3 } as never), InputDataError)).message).to.match(/^solve: the option 'dt' is missing/);
      expect((await rejects(() => solve(models.IAF, { dt: 1e-4, steps: 3, record: 'v' as never }), InputDataError)).message).to.match(/record = 'v' \(a string\) is not an array of names/);
      expect((await rejects(() => solve(models.IAF, { dt: 1e-4, steps: 3, checkFinite: true } as never), InputDataError)).message).to.match(/'checkFinite' is an option of Network\.run/);
      const { v } = await solve(models.IAF, { dt: 1e-4, steps: 3, record: ['v'] });
      expect(v.shape).to.deep.equal([3, 1]);
    });

    it('plan() checks its dtype and solver', async () => {
      const nn = new Network();
      nn.add(models.IAF);
      expect((await rejects(() => nn.plan('float16' as never), InputDataError)).message).to.match(/^Network\.plan: dtype 'float16' is unknown/);
    });
  });

  describe('model values must be finite numbers', () => {
    it("new IAF({ vt: 'abc' }) and { vt: 5n }, { vt: null } are refused; undefined means the default", async () => {
      expect((await rejects(() => new models.IAF({ vt: 'abc' as never }), InputDataError)).message).to.equal("IAF#vt: 'abc' (a string) is not a number. Give a finite number, e.g. { vt: 0.025 }.");
      expect((await rejects(() => new models.IAF({ vt: 5n as never }), InputDataError)).message).to.match(/^IAF#vt: 5n \(a bigint\) is not a number/);
      expect((await rejects(() => new models.IAF({ vt: null as never }), InputDataError)).message).to.match(/^IAF#vt: null is not a number/);
      expect((await rejects(() => new models.IAF(null as never), InputDataError)).message).to.match(/^IAF: takes an object of values by name, not null/);
      expect((new models.IAF({ vt: undefined as never }) as unknown as { vt: number }).vt).to.equal(0.025);
    });

    it('an instance whose field was set to a string after construction is refused by add()', async () => {
      const m = new models.IAF();
      (m as unknown as { vt: unknown }).vt = 'abc';
      expect((await rejects(() => new Network().add(m), InputDataError)).message).to.match(/^IAF#vt: 'abc' \(a string\) is not a number/);
    });

    it('per-unit values: bigints, null, objects, holes, BigInt64Array and strings that are no expression of the model are refused', async () => {
      const nn = new Network();
      const c = nn.add(models.IAF, { name: 'I', num: 3 });
      const cases: [unknown, RegExp][] = [
        ['abc', /^I\.c: 'abc' uses unknown symbol 'abc'\./],
        [5n, /^I\.c: 5n \(a bigint\) is not a number or a list of numbers/],
        [null, /^I\.c: null is not a number or a list of numbers/],
        [{ length: 3 }, /^I\.c: an object is not a number or a list of numbers/],
        [[1, null, 3], /^I\.c\[1\]: the value null is not a number/],
        [[1, { x: 1 }, 3], /^I\.c\[1\]: the value an object is not a number/],
        [[1, 2n, 3], /^I\.c\[1\]: the value 2n \(a bigint\) is not a number/],
        [[1, , 3], /^I\.c\[1\]: the value is missing \(a hole in the array\)/], // eslint-disable-line no-sparse-arrays
        [new BigInt64Array(3), /^I\.c: a BigInt64Array holds bigints, not numbers/],
      ];
      for (const [value, message] of cases) expect((await rejects(() => c.set('c', value as never), InputDataError)).message).to.match(message);
      expect((await rejects(() => nn.add(models.IAF, { name: 'J', num: 2, params: { c: ['1', '2'] as never } }), InputDataError)).message).to.match(/^J\.c\[0\]: the value '1' \(a string\) is not a number/);
      expect(Array.from(c.get('c'))).to.deep.equal([5, 5, 5]);
      c.set('c', new Int32Array([1, 2, 3]));
      expect(Array.from(c.get('c'))).to.deep.equal([1, 2, 3]);
    });
  });
});
