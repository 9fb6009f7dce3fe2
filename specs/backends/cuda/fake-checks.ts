/**
 * Checks of the addon's CUDA paths against the stand-in driver of
 * fake-cuda.c (see fake-driver.spec.ts): they run in a child process whose
 * `libcuda.so.1` and NVRTC are that library. What they check is the addon
 * and its TypeScript wrappers (handles, leases, workers, argument packing,
 * step batches, error names), not CUDA itself.
 */
import { expect } from 'chai';

import { BackendError, NativeError } from '../../../lib/errors.js';
import { addon, loadLibrary, runC } from '../../../lib/backends/native/binding.js';
import { compileCuda, cudaStatus, DeviceBuffer, getFunction, launch, launchSteps, memInfo, transfer, unloadModule } from '../../../lib/backends/cuda/driver.js';
import { cudaBackend } from '../../../lib/backends/cuda/index.js';
import { Network, models, Sum } from '../../../lib/index.js';
import { rejects, throws } from '../../support.js';

/** The counters of the stand-in driver, and the first arguments its recording kernels saw (read through its fake_stats). */
async function counters(count = 0) {
  const library = loadLibrary(process.env.NEURAL_FAKE_CUDA as string);
  const c = new Float64Array(8);
  const values = new Float64Array(Math.max(1, count));
  await runC(library, 'fake_stats', [c, values], [count]);
  return { launches: c[0], syncs: c[1], loaded: c[2], unloaded: c[3], violations: c[4], recorded: c[5], compiles: c[6], values: Array.from(values.subarray(0, Math.min(count, c[5]))) };
}

const KERNELS = 'extern "C" __global__ void add_one(double *x, int n);\n';

/** Checks for a child process whose NVRTC compiles nothing (NEURAL_FAKE_STUB set), as a stub. */
export const stubChecks: Record<string, () => Promise<void>> = {
  async 'an NVRTC library that loads but cannot compile is found by cudaStatus, and refused at the first compile with no-nvrtc'() {
    const s = cudaStatus();
    expect(s.ok, s.reason).to.equal(true);
    expect(s.nvrtc).to.equal(process.env.NEURAL_FAKE_CUDA);
    const error = await rejects(() => compileCuda(KERNELS, { tag: 'fake-stub' }), BackendError, { message: 'cannot compile a trivial kernel' });
    expect(error.code).to.equal('no-nvrtc');
    expect(error.message).to.include('NVRTC is unavailable').and.to.include('is it a stub?');
  },
};

/** Each check by name; fake-driver.spec.ts runs them all in one child process and reports each. */
export const checks: Record<string, () => Promise<void>> = {
  async 'cudaStatus and memInfo describe the device; NVRTC is found without compiling'() {
    const s = cudaStatus();
    expect(s.ok, s.reason).to.equal(true);
    expect(s.device).to.equal('Fake GPU');
    expect(s.computeCapability).to.deep.equal([9, 0]);
    expect(s.nvrtc).to.equal(process.env.NEURAL_FAKE_CUDA);
    expect(memInfo()).to.deep.equal({ free: 2 ** 34, total: 2 ** 35 });
    expect((await counters()).compiles, 'compiles before the first compileCuda').to.equal(0);
    await compileCuda(`${KERNELS}// first\n`, { tag: 'fake' });
    expect((await counters()).compiles, 'the probe, then the source').to.equal(2);
  },

  async 'uploads, launches, downloads, copies at an offset and zeroes, each awaited'() {
    const { module } = await compileCuda(KERNELS, { tag: 'fake' });
    const addOne = getFunction(module, 'add_one');
    const x = await DeviceBuffer.from(Float64Array.from({ length: 300 }, (_, i) => i));
    await launch(addOne, [3], [128], 'pi', [x, 300]);
    const back = await x.download(new Float64Array(300));
    back.forEach((value, i) => expect(value).to.equal(i + 1));
    await x.upload(new Float64Array([-1, -2]), 8 * 10);
    expect(Array.from(await x.download(new Float64Array(3), 8 * 9))).to.deep.equal([10, -1, -2]);
    await x.zero();
    expect((await x.download(new Float64Array(300))).every((v) => v === 0)).to.equal(true);
    const y = DeviceBuffer.alloc(16);
    await transfer([
      { direction: 'htod', buffer: x, host: new Float64Array([5, 6]) },
      { direction: 'htod', buffer: y, host: new Float64Array([7]), byteOffset: 8 },
      { direction: 'zero', buffer: x, byteOffset: 8, bytes: 8 },
    ]);
    const [a, b] = [new Float64Array(2), new Float64Array(2)];
    await transfer([
      { direction: 'dtoh', buffer: x, host: a },
      { direction: 'dtoh', buffer: y, host: b },
    ]);
    expect([...a, ...b]).to.deep.equal([5, 0, 0, 7]);
    x.free();
    y.free();
  },

  async 'launchSteps runs every kernel once per step, in order, with the step index, and waits once'() {
    const { module } = await compileCuda(`${KERNELS}// steps\n`, { tag: 'fake' });
    const addStep = getFunction(module, 'add_step');
    const trace = getFunction(module, 'trace_k');
    const x = await DeviceBuffer.from(new Float64Array(4));
    const before = await counters();
    await launchSteps(
      [
        { fn: addStep, grid: 1, block: 4, types: 'lpi', args: [0, x, 4], stepArg: 0 },
        { fn: trace, grid: 1, block: 1, types: 'l', args: [-1], stepArg: 0 },
        { fn: trace, grid: 1, block: 1, types: 'l', args: [99] },
      ],
      3,
      5,
    );
    const after = await counters(before.recorded + 10);
    expect(after.launches - before.launches).to.equal(15);
    expect(after.syncs - before.syncs).to.equal(1);
    expect(after.values.slice(before.recorded)).to.deep.equal([3, 99, 4, 99, 5, 99, 6, 99, 7, 99]);
    expect(Array.from(await x.download(new Float64Array(4)))).to.deep.equal([25, 25, 25, 25]);
    // An int32 step index works too; no steps launch nothing.
    await launchSteps([{ fn: addStep, grid: 1, block: 4, types: 'lpi', args: [0, x, 4], stepArg: 0 }], 0, 0);
    expect((await counters()).launches).to.equal(after.launches);
    x.free();
  },

  async 'launch failures name the call, the CUDA error, and in a batch the kernel and step; the buffers are usable after'() {
    const { module } = await compileCuda(KERNELS, { tag: 'fake' });
    const addStep = getFunction(module, 'add_step');
    const x = DeviceBuffer.alloc(8);
    await rejects(() => launch(addStep, 1, 1, 'lpi', [0, x, 1], 64 * 1024 + 1), NativeError, { message: /^launch: cuLaunchKernel: CUDA_ERROR_INVALID_VALUE\.$/ });
    const error = await rejects(
      () =>
        launchSteps(
          [
            { fn: addStep, grid: 1, block: 1, types: 'lpi', args: [0, x, 1], stepArg: 0 },
            { fn: addStep, grid: 1, block: 1, types: 'lpi', args: [0, x, 1], sharedBytes: 1e6 },
          ],
          2,
          3,
        ),
      NativeError,
    );
    expect(error.message).to.equal('launchSteps: cuLaunchKernel: CUDA_ERROR_INVALID_VALUE (kernel 1 at step 2).');
    x.free();
    expect(() => getFunction(module, 'no_such_kernel')).to.throw(NativeError, /cuModuleGetFunction: CUDA_ERROR_NOT_FOUND.*no_such_kernel/);
    expect(() => DeviceBuffer.alloc(1e15)).to.throw(NativeError, /cuMemAlloc: CUDA_ERROR_OUT_OF_MEMORY/);
  },

  async 'a module unloaded during a launch stays loaded until the launch completes; its handles are then reported unloaded'() {
    const { module } = await compileCuda(`${KERNELS}// unload\n`, { tag: 'fake' });
    const spin = getFunction(module, 'spin');
    const x = DeviceBuffer.alloc(8);
    const before = await counters();
    const running = launch(spin, 1, 1, 'p', [x]);
    unloadModule(module);
    // The launch holds the buffer too.
    throws(() => x.free(), NativeError, { message: 'in use by a copy or launch in progress' });
    expect(x.freed).to.equal(false);
    await running;
    const after = await counters();
    expect(after.violations).to.equal(0);
    expect(after.unloaded - before.unloaded).to.equal(1);
    expect((await x.download(new Float64Array(1)))[0]).to.equal(1);
    x.free();
    await rejects(() => launch(spin, 1, 1, 'p', [1n]), NativeError, { message: `the module of CUDA function handle ${spin} was unloaded.` });
    throws(() => getFunction(module, 'spin'), NativeError, { message: `CUDA module handle ${module} was unloaded.` });
    throws(() => unloadModule(module), NativeError, { message: `CUDA module handle ${module} was unloaded.` });
    throws(() => unloadModule(1e6), NativeError, { message: 'is not a CUDA module handle' });
  },

  async 'NVRTC and module load errors carry the log'() {
    const error = await rejects(() => compileCuda('__global__ void k() { oops; }', { tag: 'fake-broken' }), BackendError);
    expect(error.code).to.equal('compile-failed');
    expect(error.message).to.include('NVRTC_ERROR_COMPILATION').and.to.include('fake.cu: error: oops');
    const bad = await rejects(() => addon().cudaLoadModule('bad PTX'), Error);
    expect(bad.message).to.equal('cuModuleLoadDataEx: CUDA_ERROR_INVALID_PTX\nfake: the PTX is bad');
  },

  async 'the cuda back end queues a block of per-step kernels in one call, with k from k0'() {
    const nn = new Network();
    const a = nn.add(models.IAF, { num: 3 });
    const b = nn.add(models.IAF, { num: 2 });
    b.connect({ stimulus: Sum(a.ref('spike')) });
    await nn.compile({ backend: 'cuda' });
    const before = await counters();
    await nn.run(1e-5, { steps: 30, blockSteps: 20 });
    const after = await counters(before.recorded + 1000);
    const ks = after.values.slice(before.recorded);
    const perStep = ks.length / 30;
    expect(Number.isInteger(perStep) && perStep >= 2, `kernels per step: ${perStep}`).to.equal(true);
    expect(ks).to.deep.equal(Array.from({ length: 30 }, (_, k) => Array<number>(perStep).fill(k)).flat());
    // One wait per block of launches (two blocks), plus the copies around them.
    expect(after.launches - before.launches).to.equal(ks.length);
    expect(after.syncs - before.syncs).to.be.at.most(2 * 3 + 2);
    expect(cudaBackend.name).to.equal('cuda');
  },
};
