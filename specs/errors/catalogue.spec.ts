/**
 * The error catalogue: every error is a NeuralError of its area, named after
 * its class, with `where` (the place), `what` (what is wrong) and `fix` (what
 * to do), and a message that reads *where: what fix*. One section per error
 * class; each case checks where and fix exactly or by pattern (`rejects`
 * also checks that the message is made of where, what and fix).
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BackendError, BusyError, DataFileError, ExpressionError, InputDataError, Model, ModelDefinitionError, NativeError, Network, NetworkWiringError,
  NeuralError, NumericalError, Recording, RunAbortedError, backends, derivative, emit, inspect, loadNpy, models, readModel, saveRecording, state, utils,
  type BackendErrorCode,
} from '../../lib/index.js';
import { describeValue } from '../../lib/errors.js';
import { parseExpression } from '../../lib/expr/parse.js';
import { evaluate, interpreterBackend } from '../../lib/backends/interpreter/index.js';
import { loadLibrary } from '../../lib/backends/native/binding.js';
import { cacheDir } from '../../lib/backends/native/cache.js';
import { compileShared } from '../../lib/backends/native/compiler.js';
import { compileCuda, driverReasonCode } from '../../lib/backends/cuda/driver.js';
import { needsBackend, needsNoBackend, rejects, temporaryCacheDir, temporaryFolder, throws } from '../support.js';

describe('errors/catalogue', () => {
  describe('NeuralError', () => {
    it('keeps where, what, fix and cause; name is the subclass name', () => {
      const cause = new Error('inner');
      const e = new BackendError('here', 'went wrong.', 'Do this.', { code: 'cache', cause });
      expect(e.name).to.equal('BackendError');
      expect(e.message).to.equal('here: went wrong. Do this.');
      expect([e.where, e.what, e.fix]).to.deep.equal(['here', 'went wrong.', 'Do this.']);
      expect(e.cause).to.equal(cause);
      const bare = new NeuralError('there', 'broke.');
      expect(bare.message).to.equal('there: broke.');
      expect(bare.what).to.equal('broke.');
      expect(bare.fix).to.equal('');
      expect(Object.hasOwn(bare, 'cause')).to.equal(false);
    });

    it('every area has its own subclass', () => {
      for (const C of [ModelDefinitionError, ExpressionError, NetworkWiringError, InputDataError, NativeError, BusyError, DataFileError]) {
        const e = new C('w', 'x.', 'y.');
        expect(e).to.be.instanceOf(NeuralError);
        expect(e.name).to.equal(C.name);
        expect(e.what).to.equal('x.');
      }
      expect(new BackendError('w', 'x.', 'y.', { code: 'no-addon' }).code).to.equal('no-addon');
      expect(new NumericalError('w', 'x.', 'y.', { container: 'c', variable: 'v', unit: 1, step: 2, value: Number.NaN }).detail.step).to.equal(2);
      expect(new RunAbortedError('w', 5).completedSteps).to.equal(5);
    });
  });

  describe('values in messages', () => {
    it('are shown one way everywhere (describeValue)', () => {
      const cases: [unknown, string][] = [
        [Number.NaN, 'NaN'], [-Infinity, '-Infinity'], [1.5, '1.5'], ['abc', "'abc' (a string)"], [`${'x'.repeat(45)}`, `'${'x'.repeat(40)}…' (a string)`],
        [5n, '5n (a bigint)'], [true, 'true (a boolean)'], [null, 'null'], [undefined, 'undefined'], [Symbol('s'), 'a symbol'], [() => 1, 'a function'],
        [[1, Number.NaN], '[1,NaN]'], [[], '[]'], [['a'], 'an array of length 1'], [new Array(9).fill(0), 'an array of length 9'],
        [new Float32Array(8), 'a Float32Array of length 8'], [new Int8Array(2), 'an Int8Array of length 2'], [new Map(), 'a Map'], [{}, 'an object'],
        [Object.create(null), 'an object'],
      ];
      for (const [value, shown] of cases) expect(describeValue(value), shown).to.equal(shown);
    });

    it('the utilities, the addon bindings, the options and readModel use it', async () => {
      throws(() => utils.step({ dt: 'x' as never, duration: 1, amplitude: 1 }), InputDataError, { message: "dt is 'x' (a string), not" });
      throws(() => loadLibrary([1, 2] as never), InputDataError, { message: 'got [1,2].' });
      await rejects(() => new Network().compile({ fastMath: 1n as never }), InputDataError, { message: 'fastMath = 1n (a bigint) is not a boolean.' });
      class Bad extends Model {
        @state(0, { bounds: [1, Number.NaN] }) @derivative('1') v!: number;
      }
      throws(() => readModel(Bad), ModelDefinitionError, { message: 'bounds [1,NaN] are not [lower, upper]' });
    });
  });

  describe('ModelDefinitionError', () => {
    it('where is Class#field; the message ends with the fix', async () => {
      class Misspelt extends Model {
        @state(0) @derivative('-v / tauu') v!: number;
      }
      const e = await rejects(() => readModel(Misspelt), ModelDefinitionError, { where: 'Misspelt#v', fix: 'Declare it with @param or @state, or name it with @intermediate.' });
      expect(e.what).to.equal("'-v / tauu' uses unknown symbol 'tauu'.");
    });

    it("an equation that does not parse keeps the ExpressionError's where, what and fix as the problem", async () => {
      class Broken extends Model {
        @state(0) @derivative('(v') v!: number;
      }
      const parsed = throws(() => parseExpression('(v', 'Broken#v'), ExpressionError);
      const e = await rejects(() => readModel(Broken), ModelDefinitionError, { where: parsed.where, fix: parsed.fix });
      expect(e.what).to.equal(parsed.what);
      expect(e.problems).to.deep.equal([parsed.message]);
    });
  });

  describe('ExpressionError', () => {
    it('a syntax error: where as given, the mathjs message with its position, the cause kept', async () => {
      const e = await rejects(() => parseExpression('(x', 'M#x'), ExpressionError, { where: 'M#x', fix: /^Fix the syntax of the expression/ });
      expect(e.message).to.match(/'\(x' does not parse: Parenthesis \) expected \(char 3\)/);
      expect((e.cause as Error).message).to.match(/char 3/);
    });

    it('an empty equation or one that is not a string', async () => {
      for (const text of ['', 42 as unknown as string]) {
        await rejects(() => parseExpression(text, 'M#y'), ExpressionError, { where: 'M#y', fix: "Write a mathjs expression such as '-v / tau'." });
      }
    });

    it('unsupported constructs name what to use instead', async () => {
      await rejects(() => parseExpression('gamma(x)', 'M#z'), ExpressionError, { where: 'M#z', fix: /^Use one of abs, exp, log/ });
      await rejects(() => parseExpression('x % 2', 'M#z'), ExpressionError, { where: 'M#z', fix: /^Use one of \+ - \* \/ \^/ });
      await rejects(() => parseExpression('x[1]', 'M#z'), ExpressionError, { where: 'M#z', fix: /without assignments, indexing/ });
    });

    it('inspect asks about a state that does not exist', async () => {
      await rejects(() => inspect(models.IAF).derivative('w'), ExpressionError, { where: 'IAF#w', fix: 'Use one of: spike, v.' });
    });
  });

  describe('NetworkWiringError', () => {
    it('connecting an input the model lacks', async () => {
      const nn = new Network();
      const c = nn.add(models.IAF, { name: 'I' });
      await rejects(() => c.connect({ current: 1 } as never), NetworkWiringError, { where: 'I.connect', fix: 'Connect one of its inputs: stimulus.' });
    });

    it('a size mismatch names both containers and the operators to use', async () => {
      const nn = new Network();
      const pre = nn.add(models.IAF, { name: 'pre', num: 3 });
      const post = nn.add(models.Alpha, { name: 'post', num: 2 });
      const e = await rejects(() => post.connect({ stimulus: pre.ref('spike') }), NetworkWiringError, { where: 'post.connect(stimulus)', fix: 'Match the sizes, or use an operator (Sum, Mean, BlockSum, Repeat, Dot) between pre.spike and post.' });
      expect(e.message).to.contain('pre.spike gives 3 values but post has 2 units.');
    });

    it('a reference to a variable the model lacks', async () => {
      const nn = new Network();
      const c = nn.add(models.IAF, { name: 'I' });
      await rejects(() => c.ref('I' as never), NetworkWiringError, { where: "I.ref('I')", fix: /^Use one of: vt, c, bias, stimulus, spike, v\.$/ });
    });

    it('running before compiling', async () => {
      const nn = new Network();
      nn.add(models.IAF);
      await rejects(() => nn.run(1e-4, { steps: 1 }), NetworkWiringError, { where: 'Network.run', fix: 'Call await network.compile() before run().' });
    });

    it('a name used twice, a class that is not a model, an input of another network', async () => {
      const nn = new Network();
      nn.add(models.IAF, { name: 'a' });
      await rejects(() => nn.input({ name: 'a' }), NetworkWiringError, { where: "name 'a'", fix: 'Give every container and input its own name.' });
      class NotAModel {}
      await rejects(() => nn.add(NotAModel as never), NetworkWiringError, { where: 'Network.add', fix: /^Pass a class that extends Model/ });
      const foreign = new Network().input({ name: 'x' });
      const b = nn.add(models.IAF, { name: 'b' });
      b.connect({ stimulus: foreign });
      await rejects(() => nn.compile({ backend: 'js' }), NetworkWiringError, { where: 'b.connect', fix: 'Create the input with this network: nn.input(...).' });
    });

    it('connecting a non-finite number or something that is not a source', async () => {
      const nn = new Network();
      const c = nn.add(models.IAF, { name: 'I' });
      await rejects(() => c.connect({ stimulus: Number.NaN }), NetworkWiringError, { where: 'I.connect(stimulus)', fix: 'Connect a finite number.' });
      await rejects(() => c.connect({ stimulus: 'x' as never }), NetworkWiringError, { where: 'I.connect(stimulus)', fix: /^Connect an input, a number/ });
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
        const e = await rejects(() => nn.run(dt, { steps: 1 }), InputDataError, { where: 'Network.run', fix: 'Pass the time step in seconds, e.g. run(1e-4).' });
        expect(e.message).to.contain(`dt = ${dt} is not a positive finite number of seconds.`);
      });
    }

    for (const steps of [0, -3, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      it(`steps = ${steps}`, async () => {
        const { nn } = await compiled();
        const e = await rejects(() => nn.run(1e-4, { steps }), InputDataError, { where: 'Network.run', fix: 'Give steps as a whole number of at least 1.' });
        expect(e.message).to.contain(`steps = ${steps} is not a positive integer.`);
      });
    }

    it('num that is not a positive integer, for a container and an input', async () => {
      const nn = new Network();
      for (const num of [0, -1, 1.5]) {
        await rejects(() => nn.add(models.IAF, { name: 'c', num }), InputDataError, { where: "container 'c'", fix: 'Give num as a whole number of at least 1.' });
        await rejects(() => nn.input({ name: 'i', num }), InputDataError, { where: "input 'i'", fix: 'Give num as a whole number of at least 1.' });
      }
    });

    it('per-unit parameter arrays of the wrong length or with a non-finite value', async () => {
      const nn = new Network();
      await rejects(() => nn.add(models.IAF, { name: 'c', num: 3, params: { c: [1, 2] } }), InputDataError, { where: 'c.c', fix: 'Give one number, or exactly 3 values.' });
      await rejects(() => nn.add(models.IAF, { name: 'd', num: 3, states: { v: [0, 0, 0, 0] } }), InputDataError, { where: 'd.v', fix: 'Give one number, or exactly 3 values.' });
      await rejects(() => nn.add(models.IAF, { name: 'e', num: 2, params: { c: [1, Number.NaN] } }), InputDataError, { where: 'e.c[1]', fix: 'Give finite numbers.' });
      await rejects(() => nn.add(models.IAF, { name: 'f', params: { zz: 1 } }), InputDataError, { where: 'f.params', fix: 'Use one of: vt, c, bias, stimulus.' });
      const { c } = await compiled();
      await rejects(() => c.set('bias', [1, 2, 3, 4]), InputDataError, { where: 'I.bias', fix: 'Give one number, or exactly 3 values.' });
    });

    it('input data of the wrong shape or type, or with NaN', async () => {
      const nn = new Network();
      const inp = nn.input({ name: 'in', num: 3 });
      await rejects(() => inp.set(new Float64Array(7)), InputDataError, { where: "input 'in'", fix: 'Give (steps × 3) values, row-major.' });
      await rejects(() => inp.set(new Float32Array(0)), InputDataError, { where: "input 'in'", fix: 'Give (steps × 3) values, row-major.' });
      await rejects(() => inp.set([[1, 2, 3], [1, 2]]), InputDataError, { where: "input 'in' row 1", fix: 'Give number[][] with 3 numbers per row (one row per step).' });
      await rejects(() => inp.set([[1, 2, '3' as never]]), InputDataError, { where: "input 'in' row 0", fix: /^Give number\[\]\[\]/ });
      await rejects(() => inp.set('data' as never), InputDataError, { where: "input 'in'", fix: /^Give a Float64Array, Float32Array, number\[\]\[\], a number or a function/ });
      await rejects(() => inp.set([[1, 2, 3], [1, Number.NaN, 3]]), InputDataError, { where: "input 'in' step 1 unit 1", fix: 'Replace NaN and infinity in the data.' });
      await rejects(() => inp.set(Number.POSITIVE_INFINITY), InputDataError, { where: "input 'in'", fix: 'Give a finite number.' });
    });

    it('input data too short for the run', async () => {
      const nn = new Network();
      const inp = nn.input({ name: 'in', num: 2 }).set([[1, 2], [3, 4]]);
      nn.add(models.IAF, { name: 'I', num: 2 }).connect({ stimulus: inp });
      await nn.compile({ backend: 'js' });
      await rejects(() => nn.run(1e-4, { steps: 3 }), InputDataError, { where: "input 'in'", fix: 'Give at least 3 rows, or run({ steps: 2 }).' });
    });

    it('an input function that returns the wrong size or NaN, at the step it happened', async () => {
      const nn = new Network();
      const inp = nn.input({ name: 'f', num: 2 }).set((k: number) => (k === 4 ? [1] : [1, 1]));
      nn.add(models.IAF, { name: 'I', num: 2 }).connect({ stimulus: inp });
      await nn.compile({ backend: 'js' });
      await rejects(() => nn.run(1e-4, { steps: 6 }), InputDataError, { where: "input 'f' step 4", fix: 'Return a number or 2 values.' });
      inp.set((k: number) => (k === 3 ? [1, Number.NaN] : [1, 1]));
      await rejects(() => nn.run(1e-4, { steps: 6 }), InputDataError, { where: "input 'f' step 3 unit 1", fix: 'Return finite numbers.' });
    });

    it('recording an unknown variable, a bad rate or mode; reading what was not recorded', async () => {
      const { c } = await compiled();
      await rejects(() => c.record('w' as never), InputDataError, { where: 'I.record', fix: 'Record one of: vt, c, bias, stimulus, spike, v.' });
      await rejects(() => c.record('v', { rate: 0 }), InputDataError, { where: 'I.record', fix: 'Give rate as a whole number of steps, at least 1.' });
      await rejects(() => c.record('v', { mode: 'mean' as never }), InputDataError, { where: 'I.record', fix: "Use 'trace' or 'sum'." });
      await rejects(() => c.recorder.get('v'), InputDataError, { where: 'I.recorder', fix: "Call record('v') before run(); recorded: (none)." });
    });

    it('no steps and no input of fixed length; a bad blockSteps; an unknown dtype or emit target', async () => {
      const { nn } = await compiled();
      await rejects(() => nn.run(1e-4), InputDataError, { where: 'Network.run', fix: 'Pass run(dt, { steps }).' });
      await rejects(() => nn.run(1e-4, { steps: 3, blockSteps: 0 }), InputDataError, { where: 'Network.run', fix: 'Give blockSteps as a whole number of at least 1.' });
      await rejects(() => nn.compile({ dtype: 'float16' as never }), InputDataError, { where: 'Network.compile', fix: "Use 'float64' or 'float32'." });
      await rejects(() => emit(models.IAF, 'fortran' as never), InputDataError, { where: "emit(IAF, 'fortran')", fix: /^Use one of: js/ });
    });
  });

  describe('BackendError', () => {
    it("an unavailable back end ('cuda' here) says why and what to do", async function () {
      needsNoBackend(this, 'cuda');
      const status = backends.status();
      expect(status.cuda.reason, 'status gives a reason').to.be.a('string').and.not.equal('');
      const nn = new Network();
      nn.add(models.IAF);
      const e = await rejects(() => nn.compile({ backend: 'cuda' }), BackendError, { where: "backend 'cuda'", fix: /^Use backend: 'auto' .*backends\.status\(\) shows why/ });
      expect(e.message).to.contain(`is unavailable: ${status.cuda.reason}`);
      expect(() => backends.pick('cuda')).to.throw(BackendError, status.cuda.reason!);
    });

    it('a name that is not a back end', async () => {
      const nn = new Network();
      nn.add(models.IAF);
      await rejects(() => nn.compile({ backend: 'gpu' as never }), BackendError, { where: "backend 'gpu'", fix: "Use 'auto', 'interpreter', 'js', 'cpu' or 'cuda'." });
    });

    it("'auto' takes one that works and says which", async () => {
      const nn = new Network();
      nn.add(models.IAF);
      await nn.compile({ backend: 'auto' });
      expect(backends.status()[nn.chosen!.backend].ok).to.equal(true);
      expect(nn.chosen!.reason).to.match(new RegExp(`^auto chose ${nn.chosen!.backend}`));
    });

    it('carries a code: unknown-backend, or the code of the status of the one asked for', async () => {
      expect(throws(() => backends.pick('gpu' as never), BackendError).code).to.equal('unknown-backend');
      for (const [name, s] of Object.entries(backends.status())) {
        if (s.ok) {
          expect(s.code, name).to.equal(undefined);
          continue;
        }
        expect(s.code, `${name}: ${s.reason}`).to.be.a('string');
        const e = throws(() => backends.pick(name as never), BackendError, { where: `backend '${name}'`, message: s.reason });
        expect(e.code, name).to.equal(s.code);
      }
    });

    it('an unavailable cpu back end says whether the addon or the compiler is missing', function () {
      const s = backends.status().cpu;
      if (s.ok) expect(s.code).to.equal(undefined);
      else expect(s.code).to.be.oneOf(['no-addon', 'no-compiler']);
    });

    it('cuda: the reasons the addon gives map to no-driver or no-device; no compiler is no-nvrtc', function () {
      const cases: [string, BackendErrorCode][] = [
        ['no libcuda.so.1 (no NVIDIA driver)', 'no-driver'],
        ['no libcuda.so.1 (no NVIDIA driver): libcuda.so.1: wrong ELF class', 'no-driver'],
        ['libcuda.so.1 has no cuMemAlloc_v2 (the NVIDIA driver is too old)', 'no-driver'],
        ['cuInit failed: CUDA_ERROR_INSUFFICIENT_DRIVER', 'no-driver'],
        ['cuInit failed: CUDA_ERROR_NO_DEVICE', 'no-device'],
        ['cuDeviceGetCount failed: CUDA_ERROR_UNKNOWN', 'no-device'],
        ['no CUDA device', 'no-device'],
        ['cuDeviceGet failed: CUDA_ERROR_INVALID_DEVICE', 'no-device'],
        ['cuDevicePrimaryCtxRetain failed: CUDA_ERROR_OUT_OF_MEMORY', 'no-device'],
      ];
      for (const [reason, code] of cases) expect(driverReasonCode(reason), reason).to.equal(code);
      const s = backends.status().cuda;
      if (!s.ok) expect(s.code).to.be.oneOf(['no-addon', 'no-driver', 'no-device', 'no-nvrtc']);
    });

    it('CUDA calls without CUDA throw the code of the cuda status', async function () {
      needsNoBackend(this, 'cuda');
      const e = await rejects(() => compileCuda('extern "C" __global__ void k() {}'), BackendError, { where: 'compileCuda', fix: /^Install the NVIDIA driver/ });
      expect(e.code).to.equal(backends.status().cuda.code);
    });

    describe('compiling', function () {
      const cache = temporaryCacheDir('neural-catalogue-');

      it('a cache folder that cannot be created: code cache, where compile cache', function () {
        const file = join(cache(), 'a-file');
        writeFileSync(file, '');
        const previous = process.env.NEURAL_CACHE_DIR;
        process.env.NEURAL_CACHE_DIR = join(file, 'cache');
        try {
          const e = throws(() => cacheDir(), BackendError, { where: 'compile cache', message: 'ENOTDIR', fix: /NEURAL_CACHE_DIR/ });
          expect(e.code).to.equal('cache');
        } finally {
          process.env.NEURAL_CACHE_DIR = previous;
        }
      });

      it('C that does not compile: code compile-failed, with the compiler messages', async function () {
        needsBackend(this, 'cpu');
        const e = await rejects(() => compileShared('int neural_run(void) { return undeclared_here; }', { tag: 'spec-catalogue' }), BackendError, {
          where: 'compileShared(spec-catalogue)',
          message: 'undeclared_here',
          fix: /^The generated source is kept at that path/,
        });
        expect(e.code).to.equal('compile-failed');
      });
    });

    it('the interpreter handed IR that reads an undefined name: code invalid-plan', async () => {
      const e = throws(() => evaluate({ k: 'ref', name: 'ghost' }, new Map()), BackendError, { where: 'interpreter', fix: 'This is a bug in the IR or the network plan.' });
      expect(e.code).to.equal('invalid-plan');
      expect(e.what).to.equal("'ghost' is read but not defined.");
      const nn = new Network();
      nn.add(models.IAF, { name: 'I' });
      const plan = nn.plan();
      const broken = { ...plan, containers: plan.containers.map((c) => ({ ...c, ir: { ...c.ir, update: [{ kind: 'set' as const, name: 'v', expr: { k: 'ref' as const, name: 'ghost' } }] } })) };
      const program = await interpreterBackend.compile(broken);
      const buffers = plan.buffers.map((b) => new Float64Array(b.length));
      await rejects(() => program.run(buffers, { k0: 0, steps: 1, dt: 1e-4 }), BackendError, { where: 'interpreter' });
    });
  });

  describe('InputDataError from the compilers and the addon', () => {
    it('compileShared and compileCuda refuse malformed arguments alike, before looking for a compiler', async () => {
      for (const [name, compile] of [['compileShared', compileShared], ['compileCuda', compileCuda]] as const) {
        await rejects(() => compile(''), InputDataError, { where: name, fix: /^Pass the generated .* source as a string\.$/ });
        await rejects(() => compile(42 as never), InputDataError, { where: name });
        await rejects(() => compile('int x;', { flags: '-O2' as never }), InputDataError, { where: name, message: 'flags must be an array of strings.' });
        await rejects(() => compile('int x;', { flags: [1] as never }), InputDataError, { where: name, message: 'flags must be an array of strings.' });
      }
      await rejects(() => compileShared('int x;', { symbols: ['not a name'] }), InputDataError, { where: 'compileShared', fix: "Pass e.g. { symbols: ['neural_run'] }." });
    });

    it('the addon bindings show the value they refuse', () => {
      throws(() => loadLibrary(42 as never), InputDataError, { where: 'loadLibrary', message: 'path must be a non-empty string, got 42.' });
      throws(() => loadLibrary('' as never), InputDataError, { message: "got '' (a string)." });
    });
  });

  describe('NativeError', () => {
    it('what the addon reports (here dlopen) is a NativeError at the call, with a fix', function () {
      needsBackend(this, 'cpu');
      const e = throws(() => loadLibrary('/no/such/library.so'), NativeError, { where: 'loadLibrary', fix: 'Check that the file is a shared object built for this machine.' });
      expect(e.what).to.match(/no\/such\/library\.so/);
    });
  });

  describe('NumericalError', () => {
    it('checkFinite names container, variable, unit and step in where, and says what was kept', async () => {
      class Blow extends Model {
        @state(1) @derivative('x * 1e300') x!: number;
      }
      const nn = new Network();
      nn.add(Blow, { name: 'B' });
      await nn.compile({ backend: 'js', solver: 'euler' });
      const e = await rejects(() => nn.run(1, { steps: 5, checkFinite: true }), NumericalError, { where: /^B#x unit 0 step \d+$/, fix: /Reduce dt, check parameters and inputs near step \d+/ });
      expect(e.detail).to.include({ container: 'B', variable: 'x', unit: 0 });
    });
  });

  describe('RunAbortedError', () => {
    it('where is Network.run; the fix says the recordings are readable', async () => {
      const nn = new Network();
      nn.add(models.IAF, { name: 'I' });
      await nn.compile({ backend: 'js' });
      const e = await rejects(() => nn.run(1e-4, { steps: 10, signal: AbortSignal.abort() }), RunAbortedError, { where: 'Network.run', fix: 'Recordings up to that step are readable.' });
      expect(e.completedSteps).to.equal(0);
    });
  });

  describe('DataFileError', () => {
    const folder = temporaryFolder('neural-catalogue-');

    it('where names the call and the file; the fix says what to pass or write instead', async () => {
      const path = join(folder(), 'v.npy');
      await saveRecording(path, new Recording('v', Float64Array.of(1, 2), 2, 1, 1e-4));
      writeFileSync(path, readFileSync(path).subarray(0, 100));
      await rejects(() => loadNpy(path), DataFileError, { where: `loadNpy('${path}')`, message: 'is damaged', fix: 'Write the file again (np.save); it is not a valid .npy file.' });
      const inside = join(path, 'w.npz');
      await rejects(() => saveRecording(inside, new Recording('w', new Float64Array(0), 1, 1, 1e-4)), DataFileError, {
        where: `saveRecording('${inside}')`,
        fix: 'Pass a path in a folder that exists or can be created and is writable, that is not itself a folder.',
      });
    });
  });

  describe('BusyError', () => {
    it('a change while a run is in progress names the call and says what to await', async () => {
      const nn = new Network();
      const c = nn.add(models.IAF, { name: 'I' });
      await nn.compile({ backend: 'js' });
      const running = nn.run(1e-4, { steps: 10 });
      throws(() => c.set('c', 1), BusyError, { where: 'I.set', fix: 'Await it (await network.run(…)) before calling I.set().' });
      await running;
    });
  });
});
