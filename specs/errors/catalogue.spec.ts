/**
 * The error catalogue: every error is a NeuralError of its area, named after
 * its class, with `where` (the place) and `fix` (what to do), and a message
 * that reads *where: what. fix*. One section per error class; each case
 * checks where and fix exactly or by pattern.
 */
import { expect } from 'chai';
import {
  BackendError, ExpressionError, InputDataError, Model, ModelDefinitionError, NativeError, Network, NetworkWiringError,
  NeuralError, NumericalError, RunAbortedError, backends, derivative, emit, inspect, models, readModel, state,
} from '../../lib/index.js';
import { parseExpression } from '../../lib/symbolic/parse.js';

type ErrorClass<E extends NeuralError> = abstract new (...args: never[]) => E;

/** Runs f (sync or async) and returns what it throws, checked to be a T. */
async function caught<E extends NeuralError>(type: ErrorClass<E>, f: () => unknown): Promise<E> {
  try {
    await f();
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(type);
    expect(error).to.be.instanceOf(NeuralError);
    expect(error).to.be.instanceOf(Error);
    return error as E;
  }
  return expect.fail('nothing was thrown');
}

/** where, message = `${where}: …${fix}` and fix matching. */
function expectWhereFix(e: NeuralError, where: string | RegExp, fix: string | RegExp): void {
  if (typeof where === 'string') expect(e.where).to.equal(where);
  else expect(e.where).to.match(where);
  if (typeof fix === 'string') expect(e.fix).to.equal(fix);
  else expect(e.fix).to.match(fix);
  expect(e.message.startsWith(`${e.where}: `), e.message).to.equal(true);
  expect(e.message.endsWith(e.fix), e.message).to.equal(true);
}

describe('errors/catalogue', () => {
  describe('NeuralError', () => {
    it('keeps where, fix and cause; name is the subclass name', () => {
      const cause = new Error('inner');
      const e = new BackendError('here', 'went wrong.', 'Do this.', { code: 'cache', cause });
      expect(e.name).to.equal('BackendError');
      expect(e.message).to.equal('here: went wrong. Do this.');
      expect(e.cause).to.equal(cause);
      const bare = new NeuralError('there', 'broke.');
      expect(bare.message).to.equal('there: broke.');
      expect(bare.fix).to.equal('');
    });

    it('every area has its own subclass', () => {
      for (const C of [ModelDefinitionError, ExpressionError, NetworkWiringError, InputDataError, BackendError, NativeError]) {
        const e = new C('w', 'x.', 'y.');
        expect(e).to.be.instanceOf(NeuralError);
        expect(e.name).to.equal(C.name);
      }
      expect(new NumericalError('w', 'x.', 'y.', { container: 'c', variable: 'v', unit: 1, step: 2, value: Number.NaN }).detail.step).to.equal(2);
      expect(new RunAbortedError('w', 5).completedSteps).to.equal(5);
    });
  });

  describe('ModelDefinitionError', () => {
    it('where is Class#field; the message ends with the fix', async () => {
      class Misspelt extends Model {
        @state(0) @derivative('-v / tauu') v!: number;
      }
      const e = await caught(ModelDefinitionError, () => readModel(Misspelt));
      expect(e.where).to.equal('Misspelt#v');
      expect(e.message).to.match(/uses unknown symbol 'tauu'\. Declare it with @param or @state, or name it with @intermediate\.$/);
    });
  });

  describe('ExpressionError', () => {
    it('a syntax error: where as given, the mathjs message with its position, the cause kept', async () => {
      const e = await caught(ExpressionError, () => parseExpression('(x', 'M#x'));
      expectWhereFix(e, 'M#x', /^Fix the syntax of the expression/);
      expect(e.message).to.match(/'\(x' does not parse: Parenthesis \) expected \(char 3\)/);
      expect((e.cause as Error).message).to.match(/char 3/);
    });

    it('an empty equation or one that is not a string', async () => {
      for (const text of ['', 42 as unknown as string]) {
        const e = await caught(ExpressionError, () => parseExpression(text, 'M#y'));
        expectWhereFix(e, 'M#y', "Write a mathjs expression such as '-v / tau'.");
      }
    });

    it('unsupported constructs name what to use instead', async () => {
      expectWhereFix(await caught(ExpressionError, () => parseExpression('gamma(x)', 'M#z')), 'M#z', /^Use one of abs, exp, log/);
      expectWhereFix(await caught(ExpressionError, () => parseExpression('x % 2', 'M#z')), 'M#z', /^Use one of \+ - \* \/ \^/);
      expectWhereFix(await caught(ExpressionError, () => parseExpression('x[1]', 'M#z')), 'M#z', /without assignments, indexing/);
    });

    it('inspect asks about a state that does not exist', async () => {
      const e = await caught(ExpressionError, () => inspect(models.IAF).derivative('w'));
      expectWhereFix(e, 'IAF#w', 'Use one of: spike, v.');
    });
  });

  describe('NetworkWiringError', () => {
    it('connecting an input the model lacks', async () => {
      const nn = new Network();
      const c = nn.add(models.IAF, { name: 'I' });
      expectWhereFix(await caught(NetworkWiringError, () => c.connect({ current: 1 })), 'I.connect', 'Connect one of its inputs: stimulus.');
    });

    it('a size mismatch names both containers and the operators to use', async () => {
      const nn = new Network();
      const pre = nn.add(models.IAF, { name: 'pre', num: 3 });
      const post = nn.add(models.Alpha, { name: 'post', num: 2 });
      const e = await caught(NetworkWiringError, () => post.connect({ stimulus: pre.ref('spike') }));
      expectWhereFix(e, 'post.connect(stimulus)', 'Match the sizes, or use an operator (Sum, Mean, BlockSum, Repeat, Dot) between pre.spike and post.');
      expect(e.message).to.contain('pre.spike gives 3 values but post has 2 units.');
    });

    it('a reference to a variable the model lacks', async () => {
      const nn = new Network();
      const c = nn.add(models.IAF, { name: 'I' });
      expectWhereFix(await caught(NetworkWiringError, () => c.ref('I')), "I.ref('I')", /^Use one of: vt, c, bias, stimulus, spike, v\.$/);
    });

    it('running before compiling', async () => {
      const nn = new Network();
      nn.add(models.IAF);
      expectWhereFix(await caught(NetworkWiringError, () => nn.run(1e-4, { steps: 1 })), 'Network.run', 'Call await network.compile() before run().');
    });

    it('a name used twice, a class that is not a model, an input of another network', async () => {
      const nn = new Network();
      nn.add(models.IAF, { name: 'a' });
      expectWhereFix(await caught(NetworkWiringError, () => nn.input({ name: 'a' })), "name 'a'", 'Give every container and input its own name.');
      class NotAModel {}
      expectWhereFix(await caught(NetworkWiringError, () => nn.add(NotAModel as never)), 'Network.add', /^Pass a class that extends Model/);
      const foreign = new Network().input({ name: 'x' });
      const b = nn.add(models.IAF, { name: 'b' });
      b.connect({ stimulus: foreign });
      expectWhereFix(await caught(NetworkWiringError, () => nn.compile({ backend: 'js' })), 'b.connect', 'Create the input with this network: nn.input(...).');
    });

    it('connecting a non-finite number or something that is not a source', async () => {
      const nn = new Network();
      const c = nn.add(models.IAF, { name: 'I' });
      expectWhereFix(await caught(NetworkWiringError, () => c.connect({ stimulus: Number.NaN })), 'I.connect(stimulus)', 'Connect a finite number.');
      expectWhereFix(await caught(NetworkWiringError, () => c.connect({ stimulus: 'x' as never })), 'I.connect(stimulus)', /^Connect an input, a number/);
    });
  });

  describe('InputDataError', () => {
    const compiled = async () => {
      const nn = new Network();
      const c = nn.add(models.IAF, { name: 'I', num: 3 });
      await nn.compile({ backend: 'js' });
      return { nn, c };
    };

    for (const dt of [0, -1e-4, Number.NaN, Number.POSITIVE_INFINITY]) {
      it(`dt = ${dt}`, async () => {
        const { nn } = await compiled();
        const e = await caught(InputDataError, () => nn.run(dt, { steps: 1 }));
        expectWhereFix(e, 'Network.run', 'Pass the time step in seconds, e.g. run(1e-4).');
        expect(e.message).to.contain(`dt = ${dt} is not a positive finite number of seconds.`);
      });
    }

    for (const steps of [0, -3, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      it(`steps = ${steps}`, async () => {
        const { nn } = await compiled();
        const e = await caught(InputDataError, () => nn.run(1e-4, { steps }));
        expectWhereFix(e, 'Network.run', 'Give steps as a whole number of at least 1.');
        expect(e.message).to.contain(`steps = ${steps} is not a positive integer.`);
      });
    }

    it('num that is not a positive integer, for a container and an input', async () => {
      const nn = new Network();
      for (const num of [0, -1, 1.5]) {
        expectWhereFix(await caught(InputDataError, () => nn.add(models.IAF, { name: 'c', num })), "container 'c'", 'Give num as a whole number of at least 1.');
        expectWhereFix(await caught(InputDataError, () => nn.input({ name: 'i', num })), "input 'i'", 'Give num as a whole number of at least 1.');
      }
    });

    it('per-unit parameter arrays of the wrong length or with a non-finite value', async () => {
      const nn = new Network();
      expectWhereFix(await caught(InputDataError, () => nn.add(models.IAF, { name: 'c', num: 3, params: { c: [1, 2] } })), 'c.c', 'Give one number, or exactly 3 values.');
      expectWhereFix(await caught(InputDataError, () => nn.add(models.IAF, { name: 'd', num: 3, states: { v: [0, 0, 0, 0] } })), 'd.v', 'Give one number, or exactly 3 values.');
      expectWhereFix(await caught(InputDataError, () => nn.add(models.IAF, { name: 'e', num: 2, params: { c: [1, Number.NaN] } })), 'e.c[1]', 'Give finite numbers.');
      expectWhereFix(await caught(InputDataError, () => nn.add(models.IAF, { name: 'f', params: { zz: 1 } })), 'f.params', 'Use one of: vt, c, bias, stimulus.');
      const { c } = await compiled();
      expectWhereFix(await caught(InputDataError, () => c.set('bias', [1, 2, 3, 4])), 'I.bias', 'Give one number, or exactly 3 values.');
    });

    it('input data of the wrong shape or type, or with NaN', async () => {
      const nn = new Network();
      const inp = nn.input({ name: 'in', num: 3 });
      expectWhereFix(await caught(InputDataError, () => inp.set(new Float64Array(7))), "input 'in'", 'Give (steps × 3) values, row-major.');
      expectWhereFix(await caught(InputDataError, () => inp.set(new Float32Array(0))), "input 'in'", 'Give (steps × 3) values, row-major.');
      expectWhereFix(await caught(InputDataError, () => inp.set([[1, 2, 3], [1, 2]])), "input 'in' row 1", 'Give number[][] with 3 numbers per row (one row per step).');
      expectWhereFix(await caught(InputDataError, () => inp.set([[1, 2, '3' as never]])), "input 'in' row 0", /^Give number\[\]\[\]/);
      expectWhereFix(await caught(InputDataError, () => inp.set('data' as never)), "input 'in'", /^Give a Float64Array, Float32Array, number\[\]\[\], a number or a function/);
      expectWhereFix(await caught(InputDataError, () => inp.set([[1, 2, 3], [1, Number.NaN, 3]])), "input 'in' step 1 unit 1", 'Replace NaN and infinity in the data.');
      expectWhereFix(await caught(InputDataError, () => inp.set(Number.POSITIVE_INFINITY)), "input 'in'", 'Give a finite number.');
    });

    it('input data too short for the run', async () => {
      const nn = new Network();
      const inp = nn.input({ name: 'in', num: 2 }).set([[1, 2], [3, 4]]);
      nn.add(models.IAF, { name: 'I', num: 2 }).connect({ stimulus: inp });
      await nn.compile({ backend: 'js' });
      expectWhereFix(await caught(InputDataError, () => nn.run(1e-4, { steps: 3 })), "input 'in'", 'Give at least 3 rows, or run({ steps: 2 }).');
    });

    it('an input function that returns the wrong size or NaN, at the step it happened', async () => {
      const nn = new Network();
      const inp = nn.input({ name: 'f', num: 2 }).set((k: number) => (k === 4 ? [1] : [1, 1]));
      nn.add(models.IAF, { name: 'I', num: 2 }).connect({ stimulus: inp });
      await nn.compile({ backend: 'js' });
      expectWhereFix(await caught(InputDataError, () => nn.run(1e-4, { steps: 6 })), "input 'f' step 4", 'Return a number or 2 values.');
      inp.set((k: number) => (k === 3 ? [1, Number.NaN] : [1, 1]));
      expectWhereFix(await caught(InputDataError, () => nn.run(1e-4, { steps: 6 })), "input 'f' step 3 unit 1", 'Return finite numbers.');
    });

    it('recording an unknown variable, a bad rate or mode; reading what was not recorded', async () => {
      const { c } = await compiled();
      expectWhereFix(await caught(InputDataError, () => c.record('w')), 'I.record', 'Record one of: vt, c, bias, stimulus, spike, v.');
      expectWhereFix(await caught(InputDataError, () => c.record('v', { rate: 0 })), 'I.record', 'Give rate as a whole number of steps, at least 1.');
      expectWhereFix(await caught(InputDataError, () => c.record('v', { mode: 'mean' as never })), 'I.record', "Use 'trace' or 'sum'.");
      expectWhereFix(await caught(InputDataError, () => c.recorder.get('v')), 'I.recorder', "Call record('v') before run(); recorded: (none).");
    });

    it('no steps and no input of fixed length; a bad blockSteps; an unknown dtype or emit target', async () => {
      const { nn } = await compiled();
      expectWhereFix(await caught(InputDataError, () => nn.run(1e-4)), 'Network.run', 'Pass run(dt, { steps }).');
      expectWhereFix(await caught(InputDataError, () => nn.run(1e-4, { steps: 3, blockSteps: 0 })), 'Network.run', 'Give blockSteps as a whole number of at least 1.');
      expectWhereFix(await caught(InputDataError, () => nn.compile({ dtype: 'float16' as never })), 'Network.compile', "Use 'float64' or 'float32'.");
      expectWhereFix(await caught(InputDataError, () => emit(models.IAF, 'fortran' as never)), "emit(IAF, 'fortran')", /^Use one of: js/);
    });
  });

  describe('BackendError', () => {
    it("an unavailable back end ('cuda' here) says why and what to do", async function () {
      const status = backends.status();
      if (status.cuda.ok) this.skip();
      expect(status.cuda.reason, 'status gives a reason').to.be.a('string').and.not.equal('');
      const nn = new Network();
      nn.add(models.IAF);
      const e = await caught(BackendError, () => nn.compile({ backend: 'cuda' }));
      expectWhereFix(e, "backend 'cuda'", /^Use backend: 'auto' .*backends\.status\(\) shows why/);
      expect(e.message).to.contain(`is unavailable: ${status.cuda.reason}`);
      expect(() => backends.pick('cuda')).to.throw(BackendError, status.cuda.reason!);
    });

    it('a name that is not a back end', async () => {
      const nn = new Network();
      nn.add(models.IAF);
      expectWhereFix(await caught(BackendError, () => nn.compile({ backend: 'gpu' as never })), "backend 'gpu'", "Use 'auto', 'interpreter', 'js', 'cpu' or 'cuda'.");
    });

    it("'auto' takes one that works and says which", async () => {
      const nn = new Network();
      nn.add(models.IAF);
      await nn.compile({ backend: 'auto' });
      expect(backends.status()[nn.chosen!.backend].ok).to.equal(true);
      expect(nn.chosen!.reason).to.match(new RegExp(`^auto chose ${nn.chosen!.backend}`));
    });
  });
});
