import { expect } from 'chai';

import { BackendError, InputDataError, NativeError } from '../../../lib/errors.js';
import { addon } from '../../../lib/backends/native/binding.js';
import {
  compileCuda,
  compilePtxWithNvcc,
  cudaStatus,
  DeviceBuffer,
  getFunction,
  launch,
  launchSteps,
  memInfo,
  transfer,
  unloadModule,
} from '../../../lib/backends/cuda/driver.js';
import { needsBackend, needsNoBackend, needsNvcc, rejects, skipBecause, temporaryCacheDir, throws } from '../../support.js';

const KERNELS = `
extern "C" __global__ void add_one(double *x, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) x[i] += 1.0;
}

extern "C" __global__ void axpb(float *y, const float *x, float a, double b, long long n) {
  long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = a * x[i] + (float)b;
}
`;

describe('cuda driver', function () {
  this.timeout(120_000);
  temporaryCacheDir('neural-cuda-spec-');

  it('cudaStatus says whether CUDA works, and why not', function () {
    const status = cudaStatus();
    expect(status.ok).to.be.a('boolean');
    if (status.ok) {
      expect(status.device).to.be.a('string');
      expect(status.computeCapability).to.have.length(2);
      expect(status.nvrtc).to.be.a('string');
    } else {
      expect(status.reason).to.be.a('string').and.not.equal('');
    }
    expect(cudaStatus()).to.equal(status); // checked once
  });

  it('without CUDA, device calls throw BackendError with the reason instead of crashing', async function () {
    needsNoBackend(this, 'cuda');
    const status = cudaStatus();
    expect(() => DeviceBuffer.alloc(16)).to.throw(BackendError, status.reason as string);
    const error = await rejects(() => compileCuda(KERNELS), BackendError);
    expect(error.message).to.include('CUDA is unavailable');
    expect(error.code).to.equal(status.code);
  });

  describe('argument checks, before CUDA is asked (no GPU needed)', function () {
    const kernel = { fn: 1, grid: 1, block: 128, types: 'lpi', args: [0, 1n, 4], stepArg: 0 };

    it('launch rejects malformed launches with InputDataError', async function () {
      for (const [fn, grid, block, types, args, shared] of [
        [0, [1], [1], 'pi', [1n, 1], 0],
        [1.5, [1], [1], 'pi', [1n, 1], 0],
        [1, [0], [1], 'pi', [1n, 1], 0],
        [1, [1, 1, 1, 1], [1], 'pi', [1n, 1], 0],
        [1, [1], [2048], 'pi', [1n, 1], 0],
        [1, [1], [1], 'pq', [1n, 1], 0],
        [1, [1], [1], 'pi', [1, 1], 0],
        [1, [1], [1], 'pi', [1n], 0],
        [1, [1], [1], 'pi', [1n, 2 ** 31], 0],
        [1, [1], [1], 'pl', [1n, 0.5], 0],
        [1, [1], [1], 'pi', [1n, 1], -1],
      ] as const) {
        await rejects(() => launch(fn, grid, block, types, args as never, shared), InputDataError, { where: 'launch' }, JSON.stringify([fn, grid, block, types, shared]));
      }
    });

    it('launchSteps rejects malformed blocks with InputDataError, naming the kernel', async function () {
      const cases: [unknown, unknown, unknown, string | RegExp][] = [
        [[kernel], -1, 10, 'k0 must be a non-negative integer'],
        [[kernel], 0.5, 10, 'k0 must be a non-negative integer'],
        [[kernel], 0, -1, 'steps must be an integer in [0, 2^32)'],
        [[kernel], 0, 2 ** 32, 'steps must be an integer in [0, 2^32)'],
        [[kernel], 2 ** 53 - 5, 10, 'steps must be an integer'],
        [kernel, 0, 10, 'kernels must be an array'],
        [[kernel, null], 0, 10, 'kernels[1]: expected { fn, grid, block, types, args }'],
        [[kernel, { ...kernel, fn: 0 }], 0, 10, 'kernels[1]: fn must be a handle'],
        [[{ ...kernel, block: 4096 }], 0, 10, 'kernels[0]: a block of 4096×1×1 threads exceeds 1024'],
        [[{ ...kernel, args: [0, 1, 4] }], 0, 10, "kernels[0]: args[1] 1 does not match type 'p'"],
        [[{ ...kernel, stepArg: 1 }], 0, 10, "kernels[0]: stepArg must be the index of an argument of type 'i' or 'l'"],
        [[{ ...kernel, stepArg: 3 }], 0, 10, 'stepArg must be the index'],
        [[{ ...kernel, stepArg: -1 }], 0, 10, 'stepArg must be the index'],
        [[{ ...kernel, types: 'ipi', stepArg: 0 }], 2 ** 31 - 5, 10, 'kernels[0]: step 2147483652 does not fit the int32 argument 0'],
        [[{ ...kernel, sharedBytes: 0.5 }], 0, 10, 'kernels[0]: sharedBytes must be a non-negative integer'],
      ];
      for (const [kernels, k0, steps, message] of cases) {
        await rejects(() => launchSteps(kernels as never, k0 as never, steps as never), InputDataError, { where: 'launchSteps', message }, JSON.stringify([k0, steps, message]));
      }
    });

    it('launchSteps accepts an int32 step index up to 2^31 - 1, and checks CUDA after the arguments', async function () {
      needsNoBackend(this, 'cuda');
      await rejects(() => launchSteps([{ ...kernel, types: 'ipi' }], 2 ** 31 - 10, 10), BackendError, { message: 'CUDA is unavailable' });
      await rejects(() => launchSteps([], 0, 0), BackendError, { where: 'launchSteps' });
    });

    it('transfer, DeviceBuffer and unloadModule reject malformed arguments with InputDataError', async function () {
      await rejects(() => transfer('x' as never), InputDataError, { where: 'transfer', message: 'copies must be an array' });
      await rejects(() => transfer([{ direction: 'htod', buffer: {} as DeviceBuffer, host: new Float64Array(1) }]), InputDataError, { message: 'copies[0]: expected { direction, buffer: DeviceBuffer' });
      await rejects(() => transfer([null as never]), InputDataError, { where: 'transfer' });
      expect(await transfer([])).to.equal(undefined); // nothing to copy: nothing asked
      throws(() => DeviceBuffer.alloc(-1), InputDataError, { where: 'DeviceBuffer.alloc' });
      throws(() => DeviceBuffer.alloc(1.5), InputDataError, { where: 'DeviceBuffer.alloc' });
      await rejects(() => DeviceBuffer.from([1, 2] as never), InputDataError, { where: 'DeviceBuffer.from' });
      throws(() => unloadModule(0), InputDataError, { where: 'unloadModule' });
      throws(() => unloadModule('1' as never), InputDataError, { where: 'unloadModule' });
    });
  });

  describe('nvcc', function () {
    before(function () {
      needsNvcc(this);
    });

    it('compiles a kernel to PTX without a GPU', async function () {
      const ptx = await compilePtxWithNvcc(KERNELS, 'compute_90');
      expect(ptx).to.match(/\.version \d+\.\d+/);
      expect(ptx).to.include('.target sm_90');
      expect(ptx).to.match(/\.entry add_one\(/);
      expect(ptx).to.match(/\.entry axpb\(/);
    });

    it('accepts sm_XY and bare numbers as the architecture', async function () {
      expect(await compilePtxWithNvcc(KERNELS, 'sm_80')).to.include('.target sm_80');
      await rejects(() => compilePtxWithNvcc(KERNELS, 'hopper'), InputDataError);
    });

    it('reports a compile error with nvcc messages', async function () {
      const error = await rejects(() => compilePtxWithNvcc('extern "C" __global__ void k(double *x) { x[0] = missing_name; }'), BackendError);
      expect(error.code).to.equal('compile-failed');
      expect(error.message).to.match(/^nvcc: /);
      expect(error.message).to.include('missing_name');
    });
  });

  describe('on a GPU', function () {
    before(function () {
      needsBackend(this, 'cuda');
    });

    it('uploads, launches a kernel adding 1.0 to each element, and downloads', async function () {
      const n = 1000;
      const { module, cached } = await compileCuda(KERNELS, { tag: 'spec-kernels' });
      expect(cached).to.equal('none');
      const addOne = getFunction(module, 'add_one');
      const host = Float64Array.from({ length: n }, (_, i) => i * 0.5);
      const x = await DeviceBuffer.from(host);
      try {
        await launch(addOne, [Math.ceil(n / 128), 1, 1], [128, 1, 1], 'pi', [x, n]);
        const back = await x.download(new Float64Array(n));
        back.forEach((value, i) => expect(value).to.equal(i * 0.5 + 1));
        // Partial copies at a byte offset.
        await x.upload(new Float64Array([-1, -2]), 8 * 10);
        expect(Array.from(await x.download(new Float64Array(3), 8 * 9))).to.deep.equal([9 * 0.5 + 1, -1, -2]);
        await x.zero();
        expect((await x.download(new Float64Array(n))).every((v) => v === 0)).to.equal(true);
      } finally {
        x.free();
      }
      expect(x.freed).to.equal(true);
      expect(() => x.ptr).to.throw(NativeError);
      x.free(); // idempotent
    });

    it('passes float, double and int64 arguments', async function () {
      const n = 300;
      const { module } = await compileCuda(KERNELS, { tag: 'spec-kernels' });
      const axpb = getFunction(module, 'axpb');
      const x = await DeviceBuffer.from(Float32Array.from({ length: n }, (_, i) => i));
      const y = DeviceBuffer.alloc(4 * n);
      try {
        await launch(axpb, [3], [128], 'ppfdl', [y, x, 2, 0.5, BigInt(n)]);
        const out = await y.download(new Float32Array(n));
        out.forEach((value, i) => expect(value).to.equal(2 * i + 0.5));
        await launch(axpb, 3, 128, 'ppfdl', [y.ptr, x.ptr, -1, 0, n]);
        (await y.download(out)).forEach((value, i) => expect(value).to.equal(-i));
      } finally {
        x.free();
        y.free();
      }
    });

    it('caches modules in memory and PTX on disk', async function () {
      const first = await compileCuda(KERNELS, { tag: 'spec-kernels' });
      expect(first.cached).to.equal('memory');
      const other = await compileCuda(KERNELS, { tag: 'spec-kernels', fastMath: true });
      expect(other.cached).to.equal('none');
      expect(other.module).to.not.equal(first.module);
    });

    it('reports an NVRTC compile error with its log', async function () {
      if (cudaStatus().nvrtc === 'nvcc') skipBecause(this, 'PTX comes from nvcc here, not NVRTC');
      const error = await rejects(() => compileCuda('extern "C" __global__ void k(double *x) { x[0] = not_declared_anywhere; }', { tag: 'spec-broken' }), BackendError);
      expect(error.code).to.equal('compile-failed');
      expect(error.message).to.include('NVRTC_ERROR_COMPILATION');
      expect(error.message).to.include('not_declared_anywhere');
      // The raw addon call rejects with the same information.
      const raw = await rejects(() => addon().nvrtcCompile('__global__ void k() { oops; }', 'raw.cu', []), Error);
      expect(raw.message).to.match(/^nvrtcCompileProgram: NVRTC_ERROR_COMPILATION\n/);
      expect(raw.message).to.include('oops');
    });

    it('names CUDA_ERROR_OUT_OF_MEMORY when an allocation is too large', function () {
      expect(() => DeviceBuffer.alloc(1e15)).to.throw(NativeError, /cuMemAlloc: CUDA_ERROR_OUT_OF_MEMORY/);
      const { free, total } = memInfo();
      expect(free).to.be.greaterThan(0);
      expect(free).to.be.at.most(total);
    });

    it('rejects a launch with a bad configuration naming the call and the error', async function () {
      const { module } = await compileCuda(KERNELS, { tag: 'spec-kernels' });
      const addOne = getFunction(module, 'add_one');
      const x = DeviceBuffer.alloc(8);
      try {
        // 64 KiB + 1 of dynamic shared memory exceeds what a launch may ask for without opting in.
        const error = await rejects(() => launch(addOne, 1, 1, 'pi', [x, 1], 64 * 1024 + 1), NativeError);
        expect(error.message).to.match(/cuLaunchKernel: CUDA_ERROR_[A-Z_]+/);
        // The context survives: a correct launch still works.
        await x.zero();
        await launch(addOne, 1, 1, 'pi', [x, 1]);
        expect((await x.download(new Float64Array(1)))[0]).to.equal(1);
      } finally {
        x.free();
      }
    });

    it('launchSteps runs each kernel once per step, in order, with the step index', async function () {
      const source = `${KERNELS}
extern "C" __global__ void add_step(long long k, double *x, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) x[i] += (double)k;
}
`;
      const { module } = await compileCuda(source, { tag: 'spec-steps' });
      const addStep = getFunction(module, 'add_step');
      const addOne = getFunction(module, 'add_one');
      const x = await DeviceBuffer.from(new Float64Array(300));
      try {
        await launchSteps(
          [
            { fn: addStep, grid: 3, block: 128, types: 'lpi', args: [0, x, 300], stepArg: 0 },
            { fn: addOne, grid: 3, block: 128, types: 'pi', args: [x, 300] },
          ],
          3,
          5,
        );
        expect((await x.download(new Float64Array(300))).every((v) => v === 3 + 4 + 5 + 6 + 7 + 5)).to.equal(true);
        const error = await rejects(() => launchSteps([{ fn: addOne, grid: 1, block: 1, types: 'pi', args: [x, 1], sharedBytes: 64 * 1024 + 1 }], 0, 2), NativeError);
        expect(error.message).to.match(/cuLaunchKernel: CUDA_ERROR_[A-Z_]+ \(kernel 0 at step 0\)/);
      } finally {
        x.free();
      }
    });

    it('an unloaded module is reported as unloaded, not used', async function () {
      const { module } = await compileCuda(`${KERNELS}// unload ${process.pid} ${Date.now()}\n`, { tag: 'spec-unload' });
      const addOne = getFunction(module, 'add_one');
      unloadModule(module);
      expect(() => getFunction(module, 'add_one')).to.throw(NativeError, /was unloaded/);
      await rejects(() => launch(addOne, 1, 1, 'pi', [1n, 0]), NativeError, { message: 'was unloaded' });
      expect(() => unloadModule(module)).to.throw(NativeError, /was unloaded/);
    });

    it('an unknown kernel name is a NativeError naming it', async function () {
      const { module } = await compileCuda(KERNELS, { tag: 'spec-kernels' });
      expect(() => getFunction(module, 'no_such_kernel')).to.throw(NativeError, /cuModuleGetFunction: CUDA_ERROR_NOT_FOUND.*no_such_kernel/);
    });

    it('validates launch arguments before calling the driver', async function () {
      const { module } = await compileCuda(KERNELS, { tag: 'spec-kernels' });
      const addOne = getFunction(module, 'add_one');
      for (const [grid, block, types, args] of [
        [[0], [1], 'pi', [1n, 1]],
        [[1], [2048], 'pi', [1n, 1]],
        [[1], [1], 'pq', [1n, 1]],
        [[1], [1], 'pi', [1, 1]],
        [[1], [1], 'pi', [1n]],
      ] as const) {
        await rejects(() => launch(addOne, grid, block, types, args as never), InputDataError, {}, JSON.stringify([grid, block, types]));
      }
    });
  });
});
