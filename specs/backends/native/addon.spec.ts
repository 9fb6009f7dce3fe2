import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BackendError, InputDataError, NativeError } from '../../../lib/errors.js';
import { addon, addonStatus, alignedArray, hasSymbol, loadLibrary, runC, unloadLibrary, type NativeAddon } from '../../../lib/backends/native/binding.js';
import { cacheDir, cachePath, clearCache, loadOrBuild, storeVerified } from '../../../lib/backends/native/cache.js';
import { compileShared, compilerStatus } from '../../../lib/backends/native/compiler.js';
import { rejects, temporaryCacheDir, throws } from '../../support.js';

/** A fresh comment makes each source unique, so no earlier run's disk cache answers. */
const unique = () => `/* ${process.pid} ${Date.now()} ${Math.random()} */\n`;

const DOUBLE = `
int neural_double(void **buffers, const double *scalars) {
  double *x = (double *)buffers[0];
  long n = (long)scalars[0];
  for (long i = 0; i < n; i++) x[i] *= 2.0;
  return 0;
}
/* Returns scalars[0] + scalars[1] + buffers[0][0] (an int32). */
int neural_sum(void **buffers, const double *scalars) {
  const int *k = (const int *)buffers[0];
  return (int)(scalars[0] + scalars[1]) + k[0];
}
`;

describe('native addon', function () {
  this.timeout(120_000);
  const dir = temporaryCacheDir('neural-cache-spec-');

  it('loads', function () {
    const status = addonStatus();
    expect(status.ok, status.reason).to.equal(true);
    expect(addon().loadLibrary).to.be.a('function');
    expect(addon().cudaInfo).to.be.a('function');
  });

  it('finds a working C compiler', function () {
    const status = compilerStatus();
    expect(status.ok, status.reason).to.equal(true);
    expect(status.path).to.be.a('string');
  });

  it('remembers the compiler version in the cache folder, and asks again when the compiler changed', function () {
    const folder = mkdtempSync(join(tmpdir(), 'neural-cc-spec-'));
    const module = new URL('../../../lib/backends/native/compiler.js', import.meta.url).href;
    const status = () => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import('${module}'); console.log(JSON.stringify(m.compilerStatus()));`], { env: { ...process.env, NEURAL_CACHE_DIR: folder }, encoding: 'utf8' })) as { version: string };
    try {
      const real = status().version;
      const [file] = readdirSync(folder).filter((n) => n.startsWith('compiler-'));
      expect(file).to.match(/^compiler-[0-9a-f]{64}\.json$/);
      const saved = JSON.parse(readFileSync(join(folder, file), 'utf8')) as { stamp: string; version: string };
      expect(saved.version).to.equal(real);
      writeFileSync(join(folder, file), JSON.stringify({ ...saved, version: 'remembered' }));
      expect(status().version).to.equal('remembered'); // read, not asked
      writeFileSync(join(folder, file), JSON.stringify({ stamp: `${saved.stamp}0`, version: 'remembered' }));
      expect(status().version).to.equal(real); // another file behind the name: asked again
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('compiles C, runs it on typed arrays and returns its int', async function () {
    const lib = await compileShared(unique() + DOUBLE, { tag: 'spec-double' });
    expect(lib.cached).to.equal('none');
    expect(existsSync(lib.path)).to.equal(true);
    expect(lib.path.startsWith(dir())).to.equal(true);

    const x = new Float64Array([1, -2.5, 3, 1e300, 0]);
    expect(await runC(lib.handle, 'neural_double', [x], [x.length])).to.equal(0);
    expect(Array.from(x)).to.deep.equal([2, -5, 6, 2e300, 0]);

    // Only the first n elements are touched.
    const y = new Float64Array([1, 2, 3]);
    await runC(lib.handle, 'neural_double', [y], new Float64Array([2]));
    expect(Array.from(y)).to.deep.equal([2, 4, 3]);

    expect(await runC(lib.handle, 'neural_sum', [new Int32Array([5])], [10, 20])).to.equal(35);
  });

  it('passes a view of a typed array, not its whole buffer', async function () {
    const lib = await compileShared(DOUBLE, { tag: 'spec-double' });
    const whole = new Float64Array([1, 2, 3, 4]);
    await runC(lib.handle, 'neural_double', [whole.subarray(2)], [2]);
    expect(Array.from(whole)).to.deep.equal([1, 2, 6, 8]);
  });

  it('loading a library built with -ffast-math leaves subnormal numbers intact in JavaScript and in C', async function () {
    const tiny = new Float64Array([1e-310]);
    const third = () => tiny[0] / 3; // 3.3e-311: a subnormal, or 0 under flush-to-zero
    expect(third()).to.be.greaterThan(0);
    await compileShared(unique() + DOUBLE, { tag: 'spec-fast', flags: ['-ffast-math'] });
    expect(third()).to.equal(1e-310 / 3).and.to.be.greaterThan(0);
    const exact = await compileShared(DOUBLE, { tag: 'spec-double' });
    const x = new Float64Array([1e-310 / 4]);
    await runC(exact.handle, 'neural_double', [x], [1]);
    expect(x[0]).to.equal(1e-310 / 2);
  });

  it('alignedArray gives zeroed arrays whose first element starts a 64-byte line', function () {
    for (const dtype of ['float64', 'float32'] as const) {
      for (const n of [1, 3, 1000, 100_003]) {
        const a = alignedArray(dtype, n);
        expect(a).to.be.instanceOf(dtype === 'float64' ? Float64Array : Float32Array);
        expect(a.length).to.equal(n);
        expect(addon().alignmentOf(a), `${dtype} ${n}`).to.equal(0);
        expect(a.every((x) => x === 0)).to.equal(true);
      }
      expect(alignedArray(dtype, 0).length).to.equal(0);
    }
    expect(addon().alignmentOf(new Float64Array(new ArrayBuffer(80), 8, 2)) % 8).to.equal(0);
  });

  it('caches a compiled source in memory, then on disk', async function () {
    const source = unique() + DOUBLE;
    const first = await compileShared(source, { tag: 'spec-cache' });
    const second = await compileShared(source, { tag: 'spec-cache' });
    expect(first.cached).to.equal('none');
    expect(second.cached).to.equal('memory');
    expect(second.handle).to.equal(first.handle);
    expect(second.path).to.equal(first.path);
    // Other flags are another build.
    const third = await compileShared(source, { tag: 'spec-cache', flags: ['-DNEURAL_SPEC=1'] });
    expect(third.cached).to.equal('none');
    expect(third.path).to.not.equal(first.path);
    expect(readdirSync(cacheDir()).some((name) => name.startsWith('spec-cache-') && name.endsWith('.c'))).to.equal(true);
  });

  it('reports a compile error as a BackendError with the compiler message', async function () {
    const bad = `${unique()}int broken(void **b, const double *s) { return undeclared_thing + ; }\n`;
    const error = await rejects(() => compileShared(bad, { tag: 'spec-broken' }), BackendError, { where: 'compileShared(spec-broken)', message: 'undeclared_thing' });
    expect(error.message).to.match(/error/i);
    // A failed build is not remembered: the same source fails again, and does not hang.
    await rejects(() => compileShared(bad, { tag: 'spec-broken' }), BackendError);
  });

  it('clearCache removes cached files and leaves others alone', async function () {
    await compileShared(unique() + DOUBLE, { tag: 'spec-clear' });
    const keep = join(cacheDir(), 'README');
    writeFileSync(keep, 'not ours');
    expect(clearCache()).to.be.greaterThan(0);
    expect(readdirSync(cacheDir())).to.deep.equal(['README']);
  });

  describe('argument checks', function () {
    let native: NativeAddon;
    let handle: number;
    // Call through an untyped view, as a careless caller would.
    const call = (name: keyof NativeAddon, ...args: unknown[]) => (native[name] as (...a: unknown[]) => unknown)(...args);

    before(async function () {
      native = addon();
      handle = (await compileShared(DOUBLE, { tag: 'spec-args' })).handle;
    });

    const cases: [keyof NativeAddon, unknown[]][] = [
      ['loadLibrary', []],
      ['loadLibrary', [42]],
      ['loadLibrary', ['/no/such/library.so']],
      ['hasSymbol', []],
      ['hasSymbol', ['1', 'neural_double']],
      ['hasSymbol', [1, 7]],
      ['hasSymbol', [1e9, 'neural_double']],
      ['runC', []],
      ['runC', ['1', 'neural_double', [], new Float64Array(1)]],
      ['runC', [1, 7, [], new Float64Array(1)]],
      ['runC', [1, 'neural_double', 'not an array', new Float64Array(1)]],
      ['runC', [1, 'neural_double', [[1, 2]], new Float64Array(1)]],
      ['runC', [1, 'neural_double', [], new Float32Array(1)]],
      ['runC', [1, 'neural_double', [], [1]]],
      ['runC', [1e9, 'neural_double', [], new Float64Array(1)]],
      ['runC', [-1, 'neural_double', [], new Float64Array(1)]],
      ['runC', [1.5, 'neural_double', [], new Float64Array(1)]],
      ['alignmentOf', []],
      ['alignmentOf', [[1, 2]]],
      ['alignmentOf', [new ArrayBuffer(8)]],
      ['nvrtcCompile', []],
      ['nvrtcCompile', ['x', 'y', [1]]],
      ['unloadLibrary', []],
      ['unloadLibrary', ['1']],
      ['unloadLibrary', [1e9]],
      ['unloadLibrary', [0.5]],
      ['cudaLoadModule', [1]],
      ['cudaUnloadModule', []],
      ['cudaUnloadModule', ['m']],
      ['cudaUnloadModule', [1e9]],
      ['cudaGetFunction', ['m', 'k']],
      ['cudaGetFunction', [1e9, 'k']],
      ['cudaMalloc', []],
      ['cudaMalloc', ['10']],
      ['cudaMalloc', [-1]],
      ['cudaMalloc', [1.5]],
      ['cudaFree', [1]],
      ['cudaFree', [-1n]],
      ['cudaCopy', []],
      ['cudaCopy', [{}]],
      ['cudaCopy', [[1]]],
      ['cudaCopy', [[{ direction: 'sideways', ptr: 1n, host: new Float64Array(1) }]]],
      ['cudaCopy', [[{ direction: 'htod', ptr: 1, host: new Float64Array(1) }]]],
      ['cudaCopy', [[{ direction: 'htod', ptr: 1n, host: [1, 2] }]]],
      ['cudaCopy', [[{ direction: 'dtoh', ptr: 1n, host: new ArrayBuffer(8) }]]],
      ['cudaCopy', [[{ direction: 'zero', ptr: 1n, bytes: -1 }]]],
      ['cudaCopy', [[{ direction: 'zero', ptr: 1n, bytes: 8, offset: 0.5 }]]],
      ['cudaCopy', [[{ direction: 'zero', ptr: 2n ** 64n - 1n, bytes: 8, offset: 8 }]]],
      ['cudaLaunch', []],
      ['cudaLaunch', [[], 0]],
      ['cudaLaunch', [[], 0.5, 1]],
      ['cudaLaunch', [[], 0, -1]],
      ['cudaLaunch', [[], 0, 2 ** 32]],
      ['cudaLaunch', [{}, 0, 1]],
      ['cudaLaunch', [[1], 0, 1]],
      ['cudaLaunch', [[{ fn: '1', grid: [1, 1, 1], block: [1, 1, 1], types: '', args: [] }], 0, 1]],
      ['cudaLaunch', [[{ fn: 1, grid: [1, 1], block: [1, 1, 1], types: '', args: [] }], 0, 1]],
      ['cudaLaunch', [[{ fn: 1, grid: [1, 1, 1], block: [1, 1, -1], types: '', args: [] }], 0, 1]],
      ['cudaLaunch', [[{ fn: 1, grid: [1, 1, 1], block: [1, 1, 1], sharedBytes: -1, types: '', args: [] }], 0, 1]],
      ['cudaLaunch', [[{ fn: 1, grid: [1, 1, 1], block: [1, 1, 1], types: 'x', args: [1] }], 0, 1]],
      ['cudaLaunch', [[{ fn: 1, grid: [1, 1, 1], block: [1, 1, 1], types: 'p', args: [1] }], 0, 1]],
      ['cudaLaunch', [[{ fn: 1, grid: [1, 1, 1], block: [1, 1, 1], types: 'pp', args: [1n] }], 0, 1]],
      ['cudaLaunch', [[{ fn: 1, grid: [1, 1, 1], block: [1, 1, 1], types: 'i', args: [2 ** 40] }], 0, 1]],
      ['cudaLaunch', [[{ fn: 1, grid: [1, 1, 1], block: [1, 1, 1], types: 'd', args: [1], stepArg: 0 }], 0, 1]],
      ['cudaLaunch', [[{ fn: 1, grid: [1, 1, 1], block: [1, 1, 1], types: 'l', args: [1], stepArg: 1 }], 0, 1]],
      ['cudaLaunch', [[{ fn: 1, grid: [1, 1, 1], block: [1, 1, 1], types: 'i', args: [1], stepArg: 0 }], 2 ** 31, 1]],
      ['cudaLaunch', [[{ fn: 1e9, grid: [1, 1, 1], block: [1, 1, 1], types: 'l', args: [1], stepArg: 0 }], 0, 1]],
    ];
    const show = (value: unknown): string =>
      typeof value === 'bigint'
        ? `${value}n`
        : Array.isArray(value)
          ? `[${value.map(show).join(', ')}]`
          : ArrayBuffer.isView(value) || value instanceof ArrayBuffer
            ? `new ${value.constructor.name}()`
            : typeof value === 'object' && value !== null
              ? `{ ${Object.entries(value).map(([key, item]) => `${key}: ${show(item)}`).join(', ')} }`
              : JSON.stringify(value);
    for (const [name, args] of cases) {
      it(`${name}(${args.map(show).join(', ')}) throws a JS error, before asking the driver`, function () {
        expect(() => call(name, ...args))
          .to.throw(Error)
          .with.property('message')
          .that.does.not.match(/is unavailable/);
      });
    }

    it('a missing symbol throws, naming it', function () {
      expect(() => call('runC', handle, 'no_such_function', [], new Float64Array(0))).to.throw(/no_such_function/);
    });

    it('cudaInfo never throws, and looks for NVRTC only where the driver works', function () {
      const info = native.cudaInfo();
      expect(info.ok).to.be.a('boolean');
      if (info.ok) {
        expect(info.nvrtc !== undefined || typeof info.nvrtcReason === 'string').to.equal(true);
        expect(info.memory !== undefined || typeof info.memoryReason === 'string').to.equal(true);
      } else {
        expect(info.reason).to.be.a('string').and.not.equal('');
        expect(info.nvrtc).to.equal(undefined);
        expect(info.nvrtcReason).to.equal(undefined);
        expect(info.memory).to.equal(undefined);
      }
    });
  });

  describe('library handles', function () {
    const SPIN = `
/* Counts to scalars[0] (slowly, so that a call is still running while the spec goes on), then writes it to buffers[0][0]. */
int neural_spin(void **buffers, const double *scalars) {
  volatile double count = 0;
  for (long i = 0; i < (long)scalars[0]; i++) count += 1;
  ((double *)buffers[0])[0] = count;
  return 3;
}
`;

    it('unloadLibrary closes a library; its handle is then reported as unloaded, not used', async function () {
      const lib = await compileShared(SPIN, { tag: 'spec-unload' });
      const handle = loadLibrary(lib.path);
      expect(handle).to.not.equal(lib.handle);
      const x = new Float64Array(1);
      expect(await runC(handle, 'neural_spin', [x], [10])).to.equal(3);
      expect(x[0]).to.equal(10);
      unloadLibrary(handle);
      const unloaded = { where: 'unloadLibrary', message: `library handle ${handle} was unloaded.` };
      throws(() => unloadLibrary(handle), NativeError, unloaded);
      throws(() => hasSymbol(handle, 'neural_spin'), NativeError, { message: `library handle ${handle} was unloaded.` });
      await rejects(() => runC(handle, 'neural_spin', [x], [10]), NativeError, { message: `library handle ${handle} was unloaded.` });
      throws(() => unloadLibrary(1e9), NativeError, { message: '1e+09 is not a library handle.' });
      throws(() => unloadLibrary(0), InputDataError, { where: 'unloadLibrary' });
      // The library loaded by compileShared is another handle, still usable.
      expect(await runC(lib.handle, 'neural_spin', [x], [5])).to.equal(3);
      expect(x[0]).to.equal(5);
    });

    it('a library unloaded while runC is in progress stays open until the call returns', async function () {
      const lib = await compileShared(SPIN, { tag: 'spec-unload' });
      const handle = loadLibrary(lib.path);
      const x = new Float64Array(1);
      const running = runC(handle, 'neural_spin', [x], [3e7]);
      unloadLibrary(handle); // while the worker thread runs its code
      expect(await running).to.equal(3);
      expect(x[0]).to.equal(3e7);
      await rejects(() => runC(handle, 'neural_spin', [x], [1]), NativeError, { message: 'was unloaded' });
    });

    it('the compile cache unloads a cached artefact it refuses before building it again', async function () {
      const file = cachePath('spec-discard', 'e'.repeat(64), 'ptx');
      storeVerified(file, 'old');
      const discarded: string[] = [];
      const steps = {
        build: async (path: string) => storeVerified(path, 'new'),
        load: async (bytes: Buffer) => bytes.toString('utf8'),
        unusable: (value: string) => (value === 'old' ? 'is old' : undefined),
        discard: (value: string) => {
          discarded.push(value);
        },
      };
      const result = await loadOrBuild(file, steps);
      expect(result).to.deep.equal({ value: 'new', cached: 'none', rebuilt: `${file} is old` });
      expect(discarded).to.deep.equal(['old']);
      // A failing discard does not stop the rebuild.
      storeVerified(file, 'old');
      const again = await loadOrBuild(file, {
        ...steps,
        discard: () => {
          throw new Error('cannot unload');
        },
      });
      expect(again.value).to.equal('new');
    });
  });

  describe('typed wrappers', function () {
    it('runC rejects malformed arguments with InputDataError before calling C', async function () {
      const untyped = runC as unknown as (...a: unknown[]) => Promise<number>;
      for (const args of [
        [0, 'f', []],
        [1, 'not a name', []],
        [1, 'f', 'x'],
        [1, 'f', [[1]]],
      ]) {
        await rejects(() => untyped(...args), InputDataError, { where: 'runC' }, `runC(${JSON.stringify(args)})`);
      }
    });

    it('loadLibrary reports dlopen failures as NativeError', function () {
      expect(() => loadLibrary('/no/such/library.so')).to.throw(NativeError, /^loadLibrary: .*no\/such\/library\.so/);
      expect(() => loadLibrary('')).to.throw(InputDataError);
    });
  });
});
