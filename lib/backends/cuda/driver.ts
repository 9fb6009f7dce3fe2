/**
 * The CUDA side of the native addon, typed and validated: whether CUDA works
 * here ({@link cudaStatus}), compiling CUDA C to PTX and loading it
 * ({@link compileCuda}, with NVRTC or else `nvcc`), device memory
 * ({@link DeviceBuffer}, {@link transfer}) and kernel launches
 * ({@link launch}, and {@link launchSteps} for a block of steps). Module
 * loads, copies and launches run on a worker thread: they return Promises.
 *
 * Everything runs on device 0, in its primary context. Kernels must be
 * declared `extern "C"` so that {@link getFunction} finds them by name.
 *
 * @module
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

import { BackendError, InputDataError, NativeError, describeValue, type BackendErrorCode } from '../../errors.js';
import { addon, addonStatus, isTypedArray, nativeCall, nativeCallAsync, type Dim3, type NativeCopy, type NativeKernelLaunch, type TypedArray } from '../native/binding.js';
import { ArtefactCache, cachePath, cacheTag, loadOrBuild, storeVerified, writeFileAtomic, type ArtefactSteps } from '../native/cache.js';
import { checkCompileInput, toolMessages, which } from '../native/tools.js';

const run = promisify(execFile);

/** Whether the CUDA back end can work here (see {@link cudaStatus}). */
export interface CudaStatus {
  /** The addon is built, a device answers, and CUDA C can be compiled: NVRTC was found (its first compile checks that it is no stub) or nvcc. */
  ok: boolean;
  /** Why not, when `ok` is false. */
  reason?: string;
  /** Why not, as a code, when `ok` is false: `no-addon`, `no-driver`, `no-device` or `no-nvrtc`. */
  code?: BackendErrorCode;
  /** Name of device 0. */
  device?: string;
  /** Compute capability of device 0, e.g. `[9, 0]`. */
  computeCapability?: [number, number];
  /** Path of the NVRTC library in use, or `'nvcc'` when PTX comes from the nvcc command. */
  nvrtc?: string | 'nvcc';
}

/** Options of {@link compileCuda}. */
export interface CompileCudaOptions {
  /** Virtual architecture, `compute_90` (also accepted: `sm_90`, `90`); default: that of device 0. */
  arch?: string;
  /** Extra compiler options, passed to NVRTC or nvcc as they are. */
  flags?: string[];
  /** Add `--use_fast_math` (fast, less accurate `exp`, `log`, division). Default false. */
  fastMath?: boolean;
  /** Readable prefix of the cached file names, e.g. the kernel name. */
  tag?: string;
}

/** What {@link compileCuda} returns. */
export interface CudaModule {
  /** Module handle for {@link getFunction}. */
  module: number;
  /** `'memory'`: already loaded in this process; `'disk'`: reused cached PTX; `'none'`: compiled now. */
  cached: 'memory' | 'disk' | 'none';
  /** Milliseconds this call took. */
  ms: number;
}

let status: CudaStatus | undefined;
let nvccPath: string | null | undefined;
let nvccVersion: string | undefined;
/** Modules of this process by the sha256 of source, options, architecture and compiler. */
const modules = new ArtefactCache<number>();

/**
 * Whether the CUDA back end works here, checked once per process. It needs
 * the addon, the NVIDIA driver, a device, and NVRTC or `nvcc`. NVRTC is
 * looked for only where the driver works, and without compiling anything: a
 * library that loads but cannot compile (a stub) is refused by the first
 * {@link compileCuda}, with code `no-nvrtc`.
 *
 * @returns `{ ok: true, device, computeCapability, nvrtc }` or `{ ok: false, reason }`
 * @example
 * ```ts
 * const s = cudaStatus();
 * if (!s.ok) console.log(`no CUDA: ${s.reason}`);
 * ```
 */
export function cudaStatus(): CudaStatus {
  if (status) return status;
  const loaded = addonStatus();
  if (!loaded.ok) {
    status = { ok: false, reason: loaded.reason, code: 'no-addon' };
    return status;
  }
  const info = addon().cudaInfo();
  if (!info.ok) {
    status = { ok: false, reason: info.reason, code: driverReasonCode(info.reason ?? '') };
    return status;
  }
  const compiler = info.nvrtc ?? (nvccAvailable() ? 'nvcc' : undefined);
  status = compiler
    ? { ok: true, device: info.device, computeCapability: info.computeCapability, nvrtc: compiler }
    : {
        ok: false,
        device: info.device,
        computeCapability: info.computeCapability,
        reason: `${info.nvrtcReason ?? 'no NVRTC'}, and no nvcc on the PATH or in /usr/local/cuda/bin`,
        code: 'no-nvrtc',
      };
  return status;
}

/**
 * The code of a reason the addon gives for CUDA being unusable: `no-driver`
 * when the NVIDIA driver is missing, too old or does not start (`no
 * libcuda.so.1 …`, `libcuda.so.1 has no …`, `cuInit failed: …`), else
 * `no-device` (no device, or device 0 cannot be used).
 *
 * @param reason - `cudaInfo().reason`
 * @returns `no-driver` or `no-device`
 * @internal
 */
export function driverReasonCode(reason: string): 'no-driver' | 'no-device' {
  if (/CUDA_ERROR_NO_DEVICE/.test(reason)) return 'no-device';
  return /^(?:no libcuda|libcuda\.so\.1 has no|cuInit failed)/.test(reason) ? 'no-driver' : 'no-device';
}

/** Throws unless {@link cudaStatus} is ok. */
function requireCuda(where: string): CudaStatus {
  const s = cudaStatus();
  if (!s.ok) {
    throw new BackendError(where, `CUDA is unavailable: ${s.reason}.`, "Install the NVIDIA driver and the CUDA toolkit (NVRTC), or use the 'cpu' or 'js' back end.", { code: s.code ?? 'status-failed' });
  }
  return s;
}

/**
 * The `nvcc` executable: on the PATH, else `$CUDA_HOME/bin`, else
 * `/usr/local/cuda/bin`. Needs no GPU.
 *
 * @returns its path, or null when there is none
 */
export function nvccAvailable(): string | null {
  if (nvccPath === undefined) nvccPath = which('nvcc', [...(process.env.CUDA_HOME ? [join(process.env.CUDA_HOME, 'bin')] : []), '/usr/local/cuda/bin']) ?? null;
  return nvccPath;
}

/** `compute_XY` from `compute_XY`, `sm_XY` or `XY`. */
function virtualArch(arch: string): string {
  const match = /^(?:compute_|sm_)?([0-9]{2,3}[a-z]?)$/.exec(arch);
  if (!match) {
    throw new InputDataError('compileCuda', `arch ${describeValue(arch)} is not an architecture.`, "Use e.g. 'compute_90' or 'sm_90'.");
  }
  return `compute_${match[1]}`;
}

/**
 * Compiles CUDA C to PTX with `nvcc -ptx`. Works without a GPU (only nvcc is
 * needed), so specs can check generated kernels on any machine with the CUDA
 * toolkit. Unlike NVRTC's `-default-device`, nvcc needs `__device__` on every
 * device function.
 *
 * @param source - complete CUDA C translation unit
 * @param arch - virtual architecture, default `compute_90`
 * @param options - extra `flags`, and `fastMath` for `-use_fast_math`
 * @returns the PTX text
 * @throws {@link BackendError} when nvcc is absent or rejects the source (with its messages)
 * @example
 * ```ts
 * const ptx = await compilePtxWithNvcc('extern "C" __global__ void k(double *x) { x[0] = 1; }');
 * ```
 */
export async function compilePtxWithNvcc(
  source: string,
  arch = 'compute_90',
  options: { flags?: string[]; fastMath?: boolean } = {},
): Promise<string> {
  const nvcc = nvccAvailable();
  if (!nvcc) {
    throw new BackendError('nvcc', 'nvcc was not found on the PATH or in /usr/local/cuda/bin.', 'Install the CUDA toolkit or add its bin folder to PATH.', { code: 'no-compiler' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'neural-nvcc-'));
  const input = join(dir, 'kernel.cu');
  const output = join(dir, 'kernel.ptx');
  try {
    writeFileSync(input, source);
    const args = ['-ptx', `-arch=${virtualArch(arch)}`, ...(options.fastMath ? ['-use_fast_math'] : []), ...(options.flags ?? []), '-o', output, input];
    try {
      await run(nvcc, args, { timeout: 5 * 60 * 1000, maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      throw new BackendError(
        'nvcc',
        `nvcc could not compile the CUDA source:\n${toolMessages(error)}\n`,
        'A failure here is a bug in the code generator or in the extra flags.',
        { code: 'compile-failed', cause: error },
      );
    }
    return readFileSync(output, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Identifies the PTX compiler for cache keys: PTX from another compiler version may differ. */
function compilerId(s: CudaStatus): string {
  if (s.nvrtc !== 'nvcc') return `nvrtc:${s.nvrtc}`;
  if (nvccVersion === undefined) {
    try {
      nvccVersion = execFileSync(nvccAvailable() as string, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim().split('\n').pop() ?? '';
    } catch {
      nvccVersion = '';
    }
  }
  return `nvcc:${nvccAvailable()}:${nvccVersion}`;
}

/**
 * Compiles CUDA C and loads the module on device 0. PTX comes from NVRTC
 * (options `--gpu-architecture=compute_XY -default-device`, plus
 * `--use_fast_math` when `fastMath` is set), else from `nvcc -ptx`. PTX is
 * cached on disk under `cacheDir()` by the sha256 of source, options,
 * architecture and compiler, and modules are cached in memory. Cached PTX is
 * loaded only when its sha256 matches the one recorded when it was written
 * (see {@link cachedPtx}); otherwise it is compiled again.
 *
 * @param source - complete CUDA C translation unit; kernels `extern "C"`
 * @param options - `arch`, `flags`, `fastMath`, `tag`
 * @returns the module handle, where it came from and how long this took
 * @throws {@link BackendError} when CUDA is unavailable or the source does not compile (NVRTC error name and log)
 * @throws {@link NativeError} when the driver rejects the PTX
 * @example
 * ```ts
 * const { module } = await compileCuda(source, { tag: 'HodgkinHuxley' });
 * const step = getFunction(module, 'hh_step');
 * ```
 */
export async function compileCuda(source: string, options: CompileCudaOptions = {}): Promise<CudaModule> {
  const started = performance.now();
  const flags = checkCompileInput('compileCuda', 'CUDA C', source, options.flags, '-lineinfo');
  const s = requireCuda('compileCuda');
  const [major, minor] = s.computeCapability ?? [5, 2];
  const arch = virtualArch(options.arch ?? `${major}${minor}`);
  const useNvrtc = s.nvrtc !== 'nvcc';
  const compileOptions = useNvrtc
    ? [`--gpu-architecture=${arch}`, '-default-device', ...(options.fastMath ? ['--use_fast_math'] : []), ...flags]
    : [...(options.fastMath ? ['-use_fast_math'] : []), ...flags];
  const hash = createHash('sha256')
    .update(JSON.stringify([source, compileOptions, arch, compilerId(s)]))
    .digest('hex');

  const tag = cacheTag(options.tag);
  const compile = async (): Promise<string> => {
    if (!useNvrtc) return compilePtxWithNvcc(source, arch, { flags, fastMath: options.fastMath });
    const native = addon();
    try {
      return (await native.nvrtcCompile(source, `${tag}.cu`, compileOptions)).ptx;
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (text.startsWith('nvrtcCompile: NVRTC is unavailable')) {
        // The library found by cudaStatus (without compiling) failed its first compile: a stub, or broken.
        throw new BackendError(`compileCuda(${tag})`, `${text}.`, 'Install the CUDA toolkit (NVRTC), or point NEURAL_NVRTC at a working libnvrtc.so.', { code: 'no-nvrtc', cause: error });
      }
      const kept = cachePath(tag, hash, 'cu');
      let where = `The source is kept at ${kept}`;
      try {
        writeFileAtomic(kept, source);
      } catch (failure) {
        where = `The source could not be kept (${failure instanceof Error ? failure.message : String(failure)})`;
      }
      throw new BackendError(
        `compileCuda(${tag})`,
        `${text}\n`,
        `${where}; a failure here is a bug in the code generator or in the extra flags.`,
        { code: 'compile-failed', cause: error },
      );
    }
  };
  const { value: module, cached } = await modules.get(hash, () => cachePath(tag, hash, 'ptx'), ptxSteps(compile, loadModule));
  return { module, cached, ms: performance.now() - started };
}

/** The steps of the compile cache for PTX: compiled by `compile`, stored as text with its sha256, loaded by `load`. */
function ptxSteps<T>(compile: () => Promise<string>, load: (ptx: string) => T | Promise<T>): ArtefactSteps<T> {
  return {
    build: async (file) => storeVerified(file, await compile()),
    load: (bytes) => load(bytes.toString('utf8')),
  };
}

/**
 * The PTX cache of {@link compileCuda} (its disk layer), apart from CUDA so
 * that it can be checked anywhere: the cache of compiled code shared with the
 * cpu back end (`loadOrBuild` in `native/cache.ts`), for PTX. PTX cached at
 * `file` is used only when its file is a regular file of ours, writable by
 * nobody else, whose sha256 matches the one recorded when it was written, and
 * `load` receives exactly the text that was checked. Damaged, replaced or
 * unrecorded PTX, or PTX that `load` rejects, is removed and compiled again;
 * new PTX is stored with its sha256.
 *
 * @param file - the cache path of the PTX (`cachePath(tag, hash, 'ptx')`)
 * @param compile - makes the PTX
 * @param load - loads PTX (throws when it cannot)
 * @returns what `load` returned, whether the PTX came from the disk, and why cached PTX was not used
 * @throws {@link BackendError} when the PTX cannot be stored (cache folder not writable, disk full)
 * @internal
 */
export async function cachedPtx<T>(
  file: string,
  compile: () => Promise<string>,
  load: (ptx: string) => T | Promise<T>,
): Promise<{ result: T; cached: 'disk' | 'none'; rebuilt?: string }> {
  const { value, cached, rebuilt } = await loadOrBuild(file, ptxSteps(compile, load));
  return rebuilt === undefined ? { result: value, cached } : { result: value, cached, rebuilt };
}

/** Loads PTX on a worker thread (the driver compiles it for the device). */
async function loadModule(ptx: string): Promise<number> {
  const native = addon();
  return nativeCallAsync('cudaLoadModule', () => native.cudaLoadModule(ptx), 'The PTX may be newer than the driver: update the NVIDIA driver, or compile for an older arch.');
}

/**
 * Unloads a module (`cuModuleUnload`). Its handle and the function handles
 * of its kernels are reported as unloaded from then on; a launch in progress
 * keeps it loaded until it completes. A module from {@link compileCuda} is
 * cached for the process: unload only one that nothing will compile again,
 * as the cache would hand out the unloaded handle.
 *
 * @param module - module handle
 * @throws {@link InputDataError} for a malformed handle
 * @throws {@link NativeError} when the handle is unknown or was already unloaded
 */
export function unloadModule(module: number): void {
  if (!Number.isInteger(module) || module < 1) {
    throw new InputDataError('unloadModule', `module must be a handle from compileCuda, got ${describeValue(module)}.`, 'Pass compileCuda(...).module.');
  }
  const native = addon();
  nativeCall('unloadModule', () => native.cudaUnloadModule(module), 'Unload each module once.');
}

/**
 * Looks up a kernel in a module from {@link compileCuda}.
 *
 * @param module - module handle
 * @param name - the kernel's `extern "C"` name
 * @returns a function handle for {@link launch}
 * @throws {@link NativeError} when the module has no such kernel
 */
export function getFunction(module: number, name: string): number {
  if (!Number.isInteger(module) || module < 1) {
    throw new InputDataError('getFunction', `module must be a handle from compileCuda, got ${describeValue(module)}.`, 'Pass compileCuda(...).module.');
  }
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new InputDataError('getFunction', `kernel name must be a C identifier, got ${describeValue(name)}.`, 'Pass the name of an extern "C" __global__ function.');
  }
  const native = addon();
  return nativeCall(`getFunction(${name})`, () => native.cudaGetFunction(module, name), 'Declare the kernel extern "C" so its name is not mangled.');
}

/**
 * Free and total memory of device 0, in bytes, now.
 *
 * @throws {@link BackendError} when CUDA is unavailable
 * @throws {@link NativeError} when the driver cannot tell
 */
export function memInfo(): { free: number; total: number } {
  requireCuda('memInfo');
  const native = addon();
  const info = nativeCall('memInfo', () => native.cudaInfo());
  if (!info.memory) throw new NativeError('memInfo', `${info.memoryReason ?? info.reason ?? 'the driver did not tell'}.`, 'Check the device with nvidia-smi.');
  return info.memory;
}

/**
 * A block of device memory. Free it with {@link DeviceBuffer.free} when done;
 * using a freed buffer throws. Copies run on a worker thread: await them
 * before freeing the buffer or touching the host array.
 *
 * @example
 * ```ts
 * const x = await DeviceBuffer.from(new Float64Array([1, 2, 3]));
 * await launch(addOne, [1, 1, 1], [32, 1, 1], 'pi', [x, 3]);
 * await x.download(new Float64Array(3)); // [2, 3, 4]
 * x.free();
 * ```
 */
export class DeviceBuffer {
  /** Size in bytes. */
  readonly byteLength: number;
  #ptr: bigint | null;

  private constructor(ptr: bigint, byteLength: number) {
    this.#ptr = ptr;
    this.byteLength = byteLength;
  }

  /**
   * Allocates `byteLength` bytes (not cleared; see {@link DeviceBuffer.zero}).
   *
   * @throws {@link InputDataError} for a negative or fractional size
   * @throws {@link NativeError} naming `CUDA_ERROR_OUT_OF_MEMORY` when the device is full
   */
  static alloc(byteLength: number): DeviceBuffer {
    if (!Number.isSafeInteger(byteLength) || byteLength < 0) {
      throw new InputDataError('DeviceBuffer.alloc', `byteLength must be a non-negative integer, got ${describeValue(byteLength)}.`, 'Pass a size in bytes.');
    }
    requireCuda('DeviceBuffer.alloc');
    if (byteLength === 0) return new DeviceBuffer(0n, 0); // cuMemAlloc rejects 0 bytes
    const native = addon();
    const ptr = nativeCall(
      'DeviceBuffer.alloc',
      () => native.cudaMalloc(byteLength),
      `Could not allocate ${byteLength} bytes on the GPU; use fewer units, float32, or free other buffers.`,
    );
    return new DeviceBuffer(ptr, byteLength);
  }

  /** Allocates a buffer the size of `data` and uploads it (freed again when the upload fails). */
  static async from(data: TypedArray): Promise<DeviceBuffer> {
    checkArray('DeviceBuffer.from', data);
    const buffer = DeviceBuffer.alloc(data.byteLength);
    try {
      await buffer.upload(data);
    } catch (error) {
      buffer.free();
      throw error;
    }
    return buffer;
  }

  /** The device pointer. @throws {@link NativeError} once freed */
  get ptr(): bigint {
    if (this.#ptr === null) {
      throw new NativeError('DeviceBuffer', 'the buffer was already freed.', 'Allocate a new one.');
    }
    return this.#ptr;
  }

  /** Whether {@link DeviceBuffer.free} was called. */
  get freed(): boolean {
    return this.#ptr === null;
  }

  /**
   * Copies all of `src` to the device, starting `byteOffset` bytes in, on a
   * worker thread.
   *
   * @throws {@link InputDataError} when it does not fit
   */
  async upload(src: TypedArray, byteOffset = 0): Promise<void> {
    await copyAll('DeviceBuffer.upload', [{ direction: 'htod', buffer: this, host: src, byteOffset }]);
  }

  /**
   * Fills all of `dst` from the device, starting `byteOffset` bytes in, on a
   * worker thread.
   *
   * @returns `dst`
   * @throws {@link InputDataError} when it does not fit
   */
  async download<T extends TypedArray>(dst: T, byteOffset = 0): Promise<T> {
    await copyAll('DeviceBuffer.download', [{ direction: 'dtoh', buffer: this, host: dst, byteOffset }]);
    return dst;
  }

  /** Sets every byte to zero. */
  async zero(): Promise<void> {
    await copyAll('DeviceBuffer.zero', [{ direction: 'zero', buffer: this }]);
  }

  /**
   * Releases the memory; calling it again does nothing.
   *
   * @throws {@link NativeError} while a copy or launch that uses the buffer is in progress (the buffer stays allocated)
   */
  free(): void {
    const ptr = this.#ptr;
    if (ptr === null) return;
    if (ptr !== 0n) {
      const native = addon();
      nativeCall('DeviceBuffer.free', () => native.cudaFree(ptr), 'Await the copies and launches that use the buffer before freeing it.');
    }
    this.#ptr = null;
  }

  /**
   * Throws unless `bytes` bytes at `byteOffset` fit in the buffer.
   *
   * @internal
   */
  checkRange(where: string, bytes: number, byteOffset: number): void {
    if (!Number.isSafeInteger(byteOffset) || byteOffset < 0 || byteOffset + bytes > this.byteLength) {
      throw new InputDataError(
        where,
        `${bytes} bytes at offset ${describeValue(byteOffset)} do not fit in a buffer of ${this.byteLength} bytes.`,
        'Use a smaller array or offset, or a larger buffer.',
      );
    }
  }
}

/**
 * One copy of {@link transfer}, `byteOffset` bytes into a {@link DeviceBuffer}
 * (default 0): `htod` copies all of `host` to the device, `dtoh` fills all of
 * `host` from it, `zero` sets `bytes` bytes to zero (default: the rest of the
 * buffer).
 */
export type Transfer =
  | { direction: 'htod' | 'dtoh'; buffer: DeviceBuffer; host: TypedArray; byteOffset?: number }
  | { direction: 'zero'; buffer: DeviceBuffer; bytes?: number; byteOffset?: number };

/**
 * Runs copies between host arrays and device buffers, in order, on one
 * worker thread, and waits for the device once at the end. The host arrays
 * must not be touched until it settles.
 *
 * @param copies - the copies, checked before any is made
 * @throws {@link InputDataError} for a malformed copy, or one that does not fit its buffer
 * @throws {@link NativeError} for a freed buffer, or naming the failing CUDA call
 * @throws {@link BackendError} when CUDA is unavailable
 * @example
 * ```ts
 * await transfer([{ direction: 'htod', buffer: x, host: input }, { direction: 'zero', buffer: y }]);
 * ```
 */
export async function transfer(copies: readonly Transfer[]): Promise<void> {
  await copyAll('transfer', copies);
}

async function copyAll(where: string, copies: readonly Transfer[]): Promise<void> {
  if (!Array.isArray(copies)) {
    throw new InputDataError(where, `copies must be an array, got ${describeValue(copies)}.`, "Pass e.g. [{ direction: 'htod', buffer, host }].");
  }
  const list: NativeCopy[] = [];
  copies.forEach((copy: Transfer, i) => {
    const at = copies.length > 1 || where === 'transfer' ? `copies[${i}]: ` : '';
    if (typeof copy !== 'object' || copy === null || !(copy.buffer instanceof DeviceBuffer)) {
      throw new InputDataError(where, `${at}expected { direction, buffer: DeviceBuffer, … }, got ${describeValue(copy)}.`, 'Give each copy a DeviceBuffer.');
    }
    const offset = copy.byteOffset ?? 0;
    if (copy.direction === 'htod' || copy.direction === 'dtoh') {
      checkArray(where, copy.host);
      copy.buffer.checkRange(where, copy.host.byteLength, offset);
      const ptr = copy.buffer.ptr;
      if (copy.host.byteLength > 0) list.push({ direction: copy.direction, ptr, offset, host: copy.host });
    } else if (copy.direction === 'zero') {
      const bytes = copy.bytes ?? copy.buffer.byteLength - (Number.isSafeInteger(offset) ? offset : 0);
      if (!Number.isSafeInteger(bytes) || bytes < 0) {
        throw new InputDataError(where, `${at}bytes must be a non-negative integer, got ${describeValue(copy.bytes)}.`, 'Pass a byte count.');
      }
      copy.buffer.checkRange(where, bytes, offset);
      const ptr = copy.buffer.ptr;
      if (bytes > 0) list.push({ direction: 'zero', ptr, offset, bytes });
    } else {
      throw new InputDataError(where, `${at}direction must be 'htod', 'dtoh' or 'zero', got ${describeValue((copy as { direction?: unknown }).direction)}.`, "Use 'htod' to upload, 'dtoh' to download.");
    }
  });
  if (list.length === 0) return;
  requireCuda(where);
  const native = addon();
  await nativeCallAsync(where, () => native.cudaCopy(list));
}

function checkArray(where: string, value: unknown): void {
  if (!isTypedArray(value)) {
    throw new InputDataError(where, `expected a typed array, got ${describeValue(value)}.`, 'Pass a Float64Array, Float32Array, Int32Array ….');
  }
}

/** Launch dimensions: `[x, y, z]`, `[x, y]`, `[x]` or a number (missing ones are 1). */
export type Dims = number | readonly number[];

function dims(where: string, what: string, value: Dims): Dim3 {
  const list = typeof value === 'number' ? [value] : Array.isArray(value) ? [...value] : [];
  if (list.length < 1 || list.length > 3 || list.some((d) => !Number.isInteger(d) || d < 1 || d > 0xffffffff)) {
    throw new InputDataError(where, `${what} must be one to three positive integers, got ${describeValue(value)}.`, 'Pass e.g. [blocks, 1, 1].');
  }
  while (list.length < 3) list.push(1);
  return list as Dim3;
}

/** A kernel argument for {@link launch}: a buffer or pointer for `p`, a number (or bigint for `l`). */
export type KernelArg = DeviceBuffer | bigint | number;

/** One kernel of {@link launchSteps}: what {@link launch} takes, and the argument that receives the step index. */
export interface StepKernel {
  /** Function handle from {@link getFunction}. */
  fn: number;
  /** Blocks per grid. */
  grid: Dims;
  /** Threads per block (at most 1024 in all). */
  block: Dims;
  /** One letter per argument: `p` device pointer, `d` double, `f` float, `i` int32, `l` int64. */
  types: string;
  /** The arguments, a {@link DeviceBuffer} or bigint for each `p`; the one at `stepArg` is replaced by the step index. */
  args: readonly KernelArg[];
  /** Dynamic shared memory per block (default 0). */
  sharedBytes?: number;
  /** Index of the argument (type `i` or `l`) set to the step index `k` at each launch; none when absent. */
  stepArg?: number;
}

/** Checks one kernel launch and packs it for the addon; `at` prefixes messages (`kernels[2]: `). */
function kernelLaunch(where: string, at: string, kernel: StepKernel): NativeKernelLaunch {
  if (typeof kernel !== 'object' || kernel === null) {
    throw new InputDataError(where, `${at}expected { fn, grid, block, types, args }, got ${describeValue(kernel)}.`, 'Describe each kernel launch as an object.');
  }
  const { fn, grid, block, types, args, sharedBytes = 0, stepArg } = kernel;
  if (!Number.isInteger(fn) || fn < 1) {
    throw new InputDataError(where, `${at}fn must be a handle from getFunction, got ${describeValue(fn)}.`, 'Pass getFunction(module, name).');
  }
  const g = dims(where, `${at}grid`, grid);
  const b = dims(where, `${at}block`, block);
  if (b[0] * b[1] * b[2] > 1024) {
    throw new InputDataError(where, `${at}a block of ${b.join('×')} threads exceeds 1024.`, 'Use fewer threads per block and more blocks.');
  }
  if (!Number.isInteger(sharedBytes) || sharedBytes < 0 || sharedBytes > 0xffffffff) {
    throw new InputDataError(where, `${at}sharedBytes must be a non-negative integer, got ${describeValue(sharedBytes)}.`, 'Pass a byte count.');
  }
  if (typeof types !== 'string' || !/^[pdfil]*$/.test(types)) {
    throw new InputDataError(where, `${at}types must be letters p, d, f, i, l, got ${describeValue(types)}.`, "Pass e.g. 'pdi' for (double *x, double a, int n).");
  }
  if (!Array.isArray(args) || args.length !== types.length) {
    throw new InputDataError(where, `${at}${types.length} types but ${Array.isArray(args) ? args.length : describeValue(args)} arguments.`, 'Give one type letter per argument.');
  }
  if (stepArg !== undefined && (!Number.isInteger(stepArg) || stepArg < 0 || stepArg >= types.length || !'il'.includes(types[stepArg]))) {
    throw new InputDataError(where, `${at}stepArg must be the index of an argument of type 'i' or 'l', got ${describeValue(stepArg)} for types '${types}'.`, 'Point stepArg at the kernel\'s step index parameter.');
  }
  const values = args.map((arg: KernelArg, i): bigint | number => {
    const type = types[i];
    if (type === 'p') {
      if (arg instanceof DeviceBuffer) return arg.ptr;
      if (typeof arg === 'bigint') return arg;
    } else if (type === 'l') {
      if (typeof arg === 'bigint' || (typeof arg === 'number' && Number.isSafeInteger(arg))) return arg;
    } else if (type === 'i') {
      if (typeof arg === 'number' && Number.isInteger(arg) && arg >= -0x80000000 && arg <= 0x7fffffff) return arg;
    } else if (typeof arg === 'number') {
      return arg;
    }
    throw new InputDataError(where, `${at}args[${i}] ${describeValue(arg)} does not match type '${type}'.`, "'p' takes a DeviceBuffer or bigint, 'i' an int32, 'l' an integer, 'd' and 'f' numbers.");
  });
  const packed: NativeKernelLaunch = { fn, grid: g, block: b, sharedBytes, types, args: values };
  if (stepArg !== undefined) packed.stepArg = stepArg;
  return packed;
}

/**
 * Launches a kernel on device 0 and waits for it to finish (off the main
 * thread).
 *
 * @param fn - function handle from {@link getFunction}
 * @param grid - blocks per grid
 * @param block - threads per block (at most 1024 in all)
 * @param types - one letter per argument: `p` device pointer, `d` double, `f` float, `i` int32, `l` int64
 * @param args - the arguments, a {@link DeviceBuffer} or bigint for each `p`
 * @param sharedBytes - dynamic shared memory per block
 * @throws {@link InputDataError} for malformed arguments
 * @throws {@link NativeError} naming the failing call and CUDA error
 * @example
 * ```ts
 * await launch(addOne, [Math.ceil(n / 256), 1, 1], [256, 1, 1], 'pi', [x, n]);
 * ```
 */
export async function launch(fn: number, grid: Dims, block: Dims, types: string, args: readonly KernelArg[], sharedBytes = 0): Promise<void> {
  const where = 'launch';
  const kernel = kernelLaunch(where, '', { fn, grid, block, types, args, sharedBytes });
  requireCuda(where);
  const native = addon();
  await nativeCallAsync(where, () => native.cudaLaunch([kernel], 0, 1));
}

/**
 * Launches a block of steps on device 0: for each step `k` in
 * `[k0, k0 + steps)`, every kernel in order, each with its `stepArg`
 * argument set to `k`; all on one stream, waiting once at the end (off the
 * main thread). The device pointers and modules the kernels use are kept
 * until it settles.
 *
 * @param kernels - the kernels of one step, in order
 * @param k0 - index of the first step (a non-negative integer)
 * @param steps - how many steps (a non-negative integer below 2^32)
 * @throws {@link InputDataError} for malformed arguments (checked before anything is launched)
 * @throws {@link NativeError} naming the failing call, CUDA error, kernel and step
 * @throws {@link BackendError} when CUDA is unavailable
 * @example
 * ```ts
 * // update(long long k, double *x): x advanced by step k
 * await launchSteps([{ fn: update, grid: blocks, block: 128, types: 'lp', args: [0, x], stepArg: 0 }], 0, 1000);
 * ```
 */
export async function launchSteps(kernels: readonly StepKernel[], k0: number, steps: number): Promise<void> {
  const where = 'launchSteps';
  if (!Number.isSafeInteger(k0) || k0 < 0) {
    throw new InputDataError(where, `k0 must be a non-negative integer, got ${describeValue(k0)}.`, 'Pass the index of the first step.');
  }
  if (!Number.isInteger(steps) || steps < 0 || steps > 0xffffffff || !Number.isSafeInteger(k0 + steps)) {
    throw new InputDataError(where, `steps must be an integer in [0, 2^32), got ${describeValue(steps)}.`, 'Pass the number of steps of the block.');
  }
  if (!Array.isArray(kernels)) {
    throw new InputDataError(where, `kernels must be an array, got ${describeValue(kernels)}.`, 'Pass the kernels of one step, in order.');
  }
  const packed = kernels.map((kernel: StepKernel, i) => kernelLaunch(where, `kernels[${i}]: `, kernel));
  packed.forEach((kernel, i) => {
    if (kernel.stepArg !== undefined && kernel.types[kernel.stepArg] === 'i' && steps > 0 && k0 + steps - 1 > 0x7fffffff) {
      throw new InputDataError(where, `kernels[${i}]: step ${k0 + steps - 1} does not fit the int32 argument ${kernel.stepArg}.`, "Declare the step index 'l' (long long).");
    }
  });
  requireCuda(where);
  if (packed.length === 0 || steps === 0) return;
  const native = addon();
  await nativeCallAsync(where, () => native.cudaLaunch(packed, k0, steps));
}
