/**
 * The CUDA side of the native addon, typed and validated: whether CUDA works
 * here ({@link cudaStatus}), compiling CUDA C to PTX and loading it
 * ({@link compileCuda}, with NVRTC or else `nvcc`), device memory
 * ({@link DeviceBuffer}) and kernel launches ({@link launch}).
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
import { addon, addonStatus, isTypedArray, nativeCall, nativeCallAsync, type Dim3, type TypedArray } from '../native/binding.js';
import { ArtefactCache, cachePath, cacheTag, loadOrBuild, storeVerified, writeFileAtomic, type ArtefactSteps } from '../native/cache.js';
import { checkCompileInput, toolMessages, which } from '../native/tools.js';

const run = promisify(execFile);

/** Whether the CUDA back end can work here (see {@link cudaStatus}). */
export interface CudaStatus {
  /** The addon is built, a device answers, and CUDA C can be compiled (NVRTC or nvcc). */
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
 * the addon, the NVIDIA driver, a device, and NVRTC or `nvcc`.
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
      const kept = cachePath(tag, hash, 'cu');
      let where = `The source is kept at ${kept}`;
      try {
        writeFileAtomic(kept, source);
      } catch (failure) {
        where = `The source could not be kept (${failure instanceof Error ? failure.message : String(failure)})`;
      }
      throw new BackendError(
        `compileCuda(${tag})`,
        `${error instanceof Error ? error.message : String(error)}\n`,
        `${where}; a failure here is a bug in the code generator or in the extra flags.`,
        { code: 'compile-failed', cause: error },
      );
    }
  };
  const { value: module, cached } = await modules.get(hash, () => cachePath(tag, hash, 'ptx'), ptxSteps(compile, loadModule));
  return { module, cached, ms: performance.now() - started };
}

/** The steps of the compile cache for PTX: compiled by `compile`, stored as text with its sha256, loaded by `load`. */
function ptxSteps<T>(compile: () => Promise<string>, load: (ptx: string) => T): ArtefactSteps<T> {
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
  load: (ptx: string) => T,
): Promise<{ result: T; cached: 'disk' | 'none'; rebuilt?: string }> {
  const { value, cached, rebuilt } = await loadOrBuild(file, ptxSteps(compile, load));
  return rebuilt === undefined ? { result: value, cached } : { result: value, cached, rebuilt };
}

function loadModule(ptx: string): number {
  const native = addon();
  return nativeCall('cudaLoadModule', () => native.cudaLoadModule(ptx), 'The PTX may be newer than the driver: update the NVIDIA driver, or compile for an older arch.');
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

/** Free and total memory of device 0, in bytes. */
export function memInfo(): { free: number; total: number } {
  requireCuda('memInfo');
  const native = addon();
  return nativeCall('memInfo', () => native.cudaMemInfo());
}

/**
 * A block of device memory. Free it with {@link DeviceBuffer.free} when done;
 * using a freed buffer throws.
 *
 * @example
 * ```ts
 * const x = DeviceBuffer.from(new Float64Array([1, 2, 3]));
 * await launch(addOne, [1, 1, 1], [32, 1, 1], 'pi', [x, 3]);
 * x.download(new Float64Array(3)); // [2, 3, 4]
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

  /** Allocates a buffer the size of `data` and uploads it. */
  static from(data: TypedArray): DeviceBuffer {
    checkArray('DeviceBuffer.from', data);
    const buffer = DeviceBuffer.alloc(data.byteLength);
    buffer.upload(data);
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
   * Copies all of `src` to the device, starting `byteOffset` bytes in.
   *
   * @throws {@link InputDataError} when it does not fit
   */
  upload(src: TypedArray, byteOffset = 0): void {
    checkArray('DeviceBuffer.upload', src);
    this.checkRange('DeviceBuffer.upload', src.byteLength, byteOffset);
    const ptr = this.ptr;
    if (src.byteLength === 0) return;
    const native = addon();
    nativeCall('DeviceBuffer.upload', () => native.cudaMemcpyHtoD(ptr, src, byteOffset));
  }

  /**
   * Fills all of `dst` from the device, starting `byteOffset` bytes in.
   *
   * @returns `dst`
   * @throws {@link InputDataError} when it does not fit
   */
  download<T extends TypedArray>(dst: T, byteOffset = 0): T {
    checkArray('DeviceBuffer.download', dst);
    this.checkRange('DeviceBuffer.download', dst.byteLength, byteOffset);
    const ptr = this.ptr;
    if (dst.byteLength === 0) return dst;
    const native = addon();
    nativeCall('DeviceBuffer.download', () => native.cudaMemcpyDtoH(dst, ptr, byteOffset));
    return dst;
  }

  /** Sets every byte to zero. */
  zero(): void {
    const ptr = this.ptr;
    if (this.byteLength === 0) return;
    const native = addon();
    nativeCall('DeviceBuffer.zero', () => native.cudaMemset(ptr, this.byteLength));
  }

  /** Releases the memory; calling it again does nothing. */
  free(): void {
    const ptr = this.#ptr;
    if (ptr === null) return;
    this.#ptr = null;
    if (ptr === 0n) return;
    const native = addon();
    nativeCall('DeviceBuffer.free', () => native.cudaFree(ptr));
  }

  private checkRange(where: string, bytes: number, byteOffset: number): void {
    if (!Number.isSafeInteger(byteOffset) || byteOffset < 0 || byteOffset + bytes > this.byteLength) {
      throw new InputDataError(
        where,
        `${bytes} bytes at offset ${describeValue(byteOffset)} do not fit in a buffer of ${this.byteLength} bytes.`,
        'Use a smaller array or offset, or a larger buffer.',
      );
    }
  }
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
  if (!Number.isInteger(fn) || fn < 1) {
    throw new InputDataError(where, `fn must be a handle from getFunction, got ${describeValue(fn)}.`, 'Pass getFunction(module, name).');
  }
  const g = dims(where, 'grid', grid);
  const b = dims(where, 'block', block);
  if (b[0] * b[1] * b[2] > 1024) {
    throw new InputDataError(where, `a block of ${b.join('×')} threads exceeds 1024.`, 'Use fewer threads per block and more blocks.');
  }
  if (!Number.isInteger(sharedBytes) || sharedBytes < 0) {
    throw new InputDataError(where, `sharedBytes must be a non-negative integer, got ${describeValue(sharedBytes)}.`, 'Pass a byte count.');
  }
  if (typeof types !== 'string' || !/^[pdfil]*$/.test(types)) {
    throw new InputDataError(where, `types must be letters p, d, f, i, l, got ${describeValue(types)}.`, "Pass e.g. 'pdi' for (double *x, double a, int n).");
  }
  if (!Array.isArray(args) || args.length !== types.length) {
    throw new InputDataError(where, `${types.length} types but ${Array.isArray(args) ? args.length : describeValue(args)} arguments.`, 'Give one type letter per argument.');
  }
  const values = args.map((arg, i): bigint | number => {
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
    throw new InputDataError(where, `args[${i}] ${describeValue(arg)} does not match type '${type}'.`, "'p' takes a DeviceBuffer or bigint, 'i' an int32, 'l' an integer, 'd' and 'f' numbers.");
  });
  requireCuda(where);
  const native = addon();
  await nativeCallAsync(where, () => native.cudaLaunch(fn, g, b, sharedBytes, types, values));
}
