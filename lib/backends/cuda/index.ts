/**
 * The cuda back end: the plan rendered to CUDA C, compiled with NVRTC (or
 * nvcc). Where every connection is one-to-one, one fused kernel per block of
 * steps: one thread per unit, its state in registers across the steps.
 * Otherwise (operators, containers of different sizes) one launch per step
 * and phase, the state kept on the device between launches. Recordings are
 * written to device buffers and copied back once per block.
 */
import { BackendError } from '../../errors.js';
import { SCALARS, rowsBetween, scalarIndex } from '../../plan/layout.js';
import type { NetworkPlan } from '../../plan/types.js';
import { renderCuda, renderCudaSteps } from '../cfamily.js';
import { blockScalars, type Backend, type BackendStatus, type BufferArray, type Program } from '../types.js';
import { compileCuda, cudaStatus, DeviceBuffer, getFunction, launch, memInfo } from './driver.js';

const THREADS = 128;

/** CUDA on an NVIDIA GPU. */
export const cudaBackend: Backend = {
  name: 'cuda',
  // One launch per block: at most 10,000 steps. Input data per block is
  // limited by device memory, checked when its buffer is allocated.
  capabilities: { fusion: true, unitStepsPerBlock: 2e9, maxBlockSteps: 10000, streamBytesPerBlock: Infinity, dtypes: ['float64', 'float32'], elements: ['float'], device: true },
  status(): BackendStatus {
    const s = cudaStatus();
    return s.ok ? { ok: true, device: s.device } : { ok: false, reason: s.reason, code: s.code };
  },
  async compile(plan: NetworkPlan): Promise<Program> {
    // Fusable wiring: one kernel advances every unit through the whole block.
    // Otherwise: per step, each container's operators and update as kernels.
    const steps = plan.fusable ? null : renderCudaSteps(plan);
    const source = steps ? steps.source : renderCuda(plan);
    const mod = await compileCuda(source, { tag: 'network', fastMath: plan.fastMath === true });
    const fn = steps ? 0 : getFunction(mod.module, 'neural_run');
    const phases = steps ? steps.kernels.map((phase) => phase.map((k) => ({ fn: getFunction(mod.module, k.name), size: k.size }))) : [];
    const bytes = plan.dtype === 'float64' ? 8 : 4;
    // Buffers that live on the device across blocks (state, params, operators);
    // streams and recordings are sized for each block.
    const persistent = plan.buffers.map((b, i) => ({ b, i })).filter(({ b }) => b.role !== 'stream' && b.role !== 'record');
    const recordOf = new Map(plan.containers.flatMap((c) => c.records.map((r) => [r.out, r] as const)));
    const rowsIn = (rate: number, args: { k0: number; steps: number }) => rowsBetween(args.k0, args.k0 + args.steps, rate);
    const sized = new Map<number, DeviceBuffer>();
    let uploaded = false;
    const ensure = (i: number, length: number): DeviceBuffer => {
      let buf = sized.get(i);
      if (!buf || buf.byteLength < length * bytes) {
        buf?.free();
        const free = memInfo().free;
        if (length * bytes > free) {
          throw new BackendError('cuda', `a buffer of ${(length * bytes).toLocaleString('en')} bytes does not fit in the ${free.toLocaleString('en')} bytes free on the device.`, 'Run fewer steps per block (run(dt, { blockSteps })), record fewer variables or with a larger rate.', { code: 'device-memory' });
        }
        buf = DeviceBuffer.alloc(Math.max(bytes, length * bytes));
        sized.set(i, buf);
      }
      return buf;
    };
    const program: Program = {
      backend: 'cuda',
      source,
      async upload(buffers: BufferArray[]) {
        for (const { i } of persistent) if (buffers[i].length) ensure(i, buffers[i].length).upload(buffers[i]);
        uploaded = true;
      },
      async download(buffers: BufferArray[]) {
        for (const { i } of persistent) if (buffers[i].length) sized.get(i)!.download(buffers[i]);
      },
      async run(buffers, args) {
        if (!uploaded) await program.upload!(buffers);
        const ptrs: DeviceBuffer[] = [];
        plan.buffers.forEach((b, i) => {
          if (b.role === 'stream') {
            const buf = ensure(i, buffers[i].length);
            buf.upload(buffers[i]);
            ptrs.push(buf);
          } else if (b.role === 'record') {
            const rec = recordOf.get(i)!;
            const n = rec.mode === 'sum' ? buffers[i].length : Math.min(buffers[i].length, rowsIn(rec.rate, args) * b.length);
            const buf = ensure(i, n);
            if (rec.mode === 'sum') buf.upload(buffers[i]);
            ptrs.push(buf);
          } else ptrs.push(sized.get(i)!);
        });
        const S = blockScalars(plan, args);
        const types = `ll${plan.containers.map(() => `l${bytes === 8 ? 'd' : 'f'}`).join('')}${'p'.repeat(ptrs.length)}`;
        const sizes = plan.containers.flatMap((_, ci) => [S[scalarIndex(ci, 'num')], S[scalarIndex(ci, 'dt')]]);
        const grid = (n: number) => Math.max(1, Math.ceil(n / THREADS));
        if (steps) {
          for (let k = args.k0; k < args.k0 + args.steps; k++) {
            for (const phase of phases) for (const kernel of phase) await launch(kernel.fn, grid(kernel.size), THREADS, types, [k, args.k0, ...sizes, ...ptrs]);
          }
        } else {
          await launch(fn, grid(plan.containers[0]?.num ?? 0), THREADS, types, [S[SCALARS.k0], S[SCALARS.steps], ...sizes, ...ptrs]);
        }
        for (const [i, rec] of recordOf) {
          const view = rec.mode === 'sum' ? buffers[i] : buffers[i].subarray(0, rowsIn(rec.rate, args) * plan.buffers[i].length);
          if (view.length) sized.get(i)!.download(view);
        }
      },
      dispose() {
        for (const b of sized.values()) b.free();
        sized.clear();
        uploaded = false;
      },
    };
    return program;
  },
};
