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
  memInfo,
} from '../../../lib/backends/cuda/driver.js';
import { needsBackend, needsNoBackend, needsNvcc, rejects, skipBecause, temporaryCacheDir } from '../../support.js';

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
