/**
 * The cuda back end: the plan rendered to CUDA C, compiled with NVRTC (or
 * nvcc). Where every connection is one-to-one, one fused kernel per block of
 * steps: one thread per unit, its state in registers across the steps.
 * Otherwise (operators, containers of different sizes) one launch per step
 * and phase, the state kept on the device between launches: a block's
 * launches are queued by one call ({@link launchSteps}), which waits for the
 * device once. Recordings are written to device buffers and copied back once
 * per block; the copies of a block go in one call each way ({@link transfer}).
 */
import { BackendError } from '../../errors.js';
import { SCALARS, projectionScalar, rowsBetween, scalarIndex } from '../../plan/layout.js';
import type { NetworkPlan } from '../../plan/types.js';
import { renderCuda, renderCudaSteps } from '../cfamily.js';
import { cacheDir } from '../native/cache.js';
import { blockScalars, type Backend, type BackendStatus, type BufferArray, type Program } from '../types.js';
import { compileCuda, cudaStatus, DeviceBuffer, getFunction, launch, launchSteps, memInfo, transfer, type Transfer } from './driver.js';

const THREADS = 128;

/** CUDA on an NVIDIA GPU. */
export const cudaBackend: Backend = {
  name: 'cuda',
  // One launch per block: at most 10,000 steps. Input data per block is
  // limited by device memory, checked when its buffer is allocated.
  capabilities: { fusion: true, unitStepsPerBlock: 2e9, maxBlockSteps: 10000, streamBytesPerBlock: Infinity, dtypes: ['float64', 'float32'], elements: ['float', 'int32'], device: true, synapses: true, gather: THREADS },
  status(): BackendStatus {
    const s = cudaStatus();
    if (!s.ok) return { ok: false, reason: s.reason, code: s.code };
    // PTX goes to the private cache folder only (see the cpu back end).
    try {
      cacheDir();
    } catch (error) {
      if (error instanceof BackendError) return { ok: false, code: error.code, reason: error.message };
      throw error;
    }
    return { ok: true, device: s.device };
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
    /** Bytes per element of buffer i: int32 buffers (indices, spike pairs) take 4. */
    const size = (i: number) => (plan.buffers[i].type === 'int32' ? 4 : bytes);
    // Buffers that live on the device across blocks (state, params, operators, indices);
    // streams, recordings and the spike pairs are sized for each block.
    const persistent = plan.buffers.map((b, i) => ({ b, i })).filter(({ b }) => b.role !== 'stream' && b.role !== 'record' && b.role !== 'spikes');
    const recordOf = new Map(plan.containers.flatMap((c) => c.records.map((r) => [r.out, r] as const)));
    const rowsIn = (rate: number, args: { k0: number; steps: number }) => rowsBetween(args.k0, args.k0 + args.steps, rate);
    const sized = new Map<number, DeviceBuffer>();
    let uploaded = false;
    const ensure = (i: number, length: number): DeviceBuffer => {
      let buf = sized.get(i);
      const need = length * size(i);
      if (!buf || buf.byteLength < need) {
        buf?.free();
        const free = memInfo().free;
        if (need > free) {
          throw new BackendError('cuda', `a buffer of ${need.toLocaleString('en')} bytes does not fit in the ${free.toLocaleString('en')} bytes free on the device.`, 'Run fewer steps per block (run(dt, { blockSteps })), record fewer variables or with a larger rate.', { code: 'device-memory' });
        }
        buf = DeviceBuffer.alloc(Math.max(size(i), need));
        sized.set(i, buf);
      }
      return buf;
    };
    const program: Program = {
      backend: 'cuda',
      source,
      async upload(buffers: BufferArray[]) {
        const copies: Transfer[] = [];
        for (const { i } of persistent) if (buffers[i].length) copies.push({ direction: 'htod', buffer: ensure(i, buffers[i].length), host: buffers[i] });
        await transfer(copies);
        uploaded = true;
      },
      async download(buffers: BufferArray[]) {
        const copies: Transfer[] = [];
        for (const { i } of persistent) if (buffers[i].length) copies.push({ direction: 'dtoh', buffer: sized.get(i)!, host: buffers[i] });
        await transfer(copies);
      },
      async run(buffers, args) {
        if (!uploaded) await program.upload!(buffers);
        const ptrs: DeviceBuffer[] = [];
        const uploads: Transfer[] = [];
        plan.buffers.forEach((b, i) => {
          if (b.role === 'stream') {
            const buf = ensure(i, buffers[i].length);
            uploads.push({ direction: 'htod', buffer: buf, host: buffers[i] });
            ptrs.push(buf);
          } else if (b.role === 'spikes') {
            // The pairs of this block: its count (0) and room go up; the pairs found come back after.
            const buf = ensure(i, buffers[i].length);
            uploads.push({ direction: 'htod', buffer: buf, host: buffers[i].subarray(0, 2) });
            ptrs.push(buf);
          } else if (b.role === 'record') {
            const rec = recordOf.get(i)!;
            const n = rec.mode === 'sum' ? buffers[i].length : Math.min(buffers[i].length, rowsIn(rec.rate, args) * b.length);
            const buf = ensure(i, n);
            if (rec.mode === 'sum') uploads.push({ direction: 'htod', buffer: buf, host: buffers[i] });
            ptrs.push(buf);
          } else ptrs.push(sized.get(i)!);
        });
        await transfer(uploads);
        const S = blockScalars(plan, args);
        const real = bytes === 8 ? 'd' : 'f';
        const types = `lll${plan.containers.map(() => `l${real}`).join('')}${(plan.projections ?? []).map(() => `${real}l`).join('')}${'p'.repeat(ptrs.length)}`;
        const sizes = [
          ...plan.containers.flatMap((_, ci) => [S[scalarIndex(ci, 'num')], S[scalarIndex(ci, 'dt')]]),
          ...(plan.projections ?? []).flatMap((_, pi) => [S[projectionScalar(plan, pi)], S[projectionScalar(plan, pi, 'since')]]),
        ];
        const grid = (n: number) => Math.max(1, Math.ceil(n / THREADS));
        if (steps) {
          // Every kernel of every phase, for each step of the block; argument 0 is the step index k.
          const kernels = phases.flat().map((kernel) => ({ fn: kernel.fn, grid: grid(kernel.size), block: THREADS, types, args: [0, args.k0, S[SCALARS.seed], ...sizes, ...ptrs], stepArg: 0 }));
          await launchSteps(kernels, args.k0, args.steps);
        } else {
          await launch(fn, grid(plan.containers[0]?.num ?? 0), THREADS, types, [S[SCALARS.k0], S[SCALARS.steps], S[SCALARS.seed], ...sizes, ...ptrs]);
        }
        const downloads: Transfer[] = [];
        for (const [i, rec] of recordOf) {
          const view = rec.mode === 'sum' ? buffers[i] : buffers[i].subarray(0, rowsIn(rec.rate, args) * plan.buffers[i].length);
          if (view.length) downloads.push({ direction: 'dtoh', buffer: sized.get(i)!, host: view });
        }
        await transfer(downloads);
        // Spike pairs: the count and room first, then the pairs that fit.
        const pairs = plan.buffers.flatMap((b, i) => (b.role === 'spikes' ? [i] : []));
        await transfer(pairs.map((i) => ({ direction: 'dtoh', buffer: sized.get(i)!, host: buffers[i].subarray(0, 2) })));
        await transfer(pairs.flatMap((i) => {
          const found = Math.min(buffers[i][0], buffers[i][1]);
          return found > 0 ? [{ direction: 'dtoh' as const, buffer: sized.get(i)!, host: buffers[i].subarray(2, 2 + 2 * found), byteOffset: 8 }] : [];
        }));
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
