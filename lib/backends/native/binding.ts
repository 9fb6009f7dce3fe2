/**
 * Typed access to the native addon (`build/Release/neural.node`).
 *
 * The addon is loaded lazily, inside try/catch: importing this module never
 * throws, even where the addon was never built. {@link addonStatus} says
 * whether it loaded and why not; {@link addon} returns it or throws a
 * {@link BackendError} that says how to build it. The thin wrappers here
 * ({@link loadLibrary}, {@link unloadLibrary}, {@link hasSymbol},
 * {@link runC}) validate their arguments before the call and turn the
 * addon's errors into {@link NativeError}s.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { BackendError, InputDataError, NativeError, describeValue } from '../../errors.js';
import { setAlignmentProbe } from '../../plan/arrays.js';

/** Any typed array whose memory the addon can read or write. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** Three launch dimensions `[x, y, z]`. */
export type Dim3 = [number, number, number];

/** What the addon knows about CUDA on this machine (see {@link NativeAddon.cudaInfo}). */
export interface CudaInfo {
  /** A driver and a device were found and device 0's primary context was retained. */
  ok: boolean;
  /** Why CUDA is unusable, e.g. `no libcuda.so.1 (no NVIDIA driver)`. */
  reason?: string;
  /** Name of device 0. */
  device?: string;
  /** Compute capability of device 0, e.g. `[9, 0]`. */
  computeCapability?: [number, number];
  /** `cuDriverGetVersion`, e.g. 13000 for CUDA 13.0. */
  driverVersion?: number;
  /** Free and total memory of device 0 in bytes, at the time of the call. */
  memory?: { free: number; total: number };
  /** Why `memory` is missing where the driver works. */
  memoryReason?: string;
  /** Path of the NVRTC library found (looked for only where the driver works; the first compile checks that it compiles). */
  nvrtc?: string;
  /** Why no NVRTC library was found (looked for only where the driver works). */
  nvrtcReason?: string;
}

/** One transfer of {@link NativeAddon.cudaCopy}, at `ptr + offset` on the device. */
export type NativeCopy =
  | { direction: 'htod' | 'dtoh'; ptr: bigint; offset?: number; host: TypedArray }
  | { direction: 'zero'; ptr: bigint; offset?: number; bytes: number };

/** One kernel of {@link NativeAddon.cudaLaunch}. */
export interface NativeKernelLaunch {
  /** Function handle from `cudaGetFunction`. */
  fn: number;
  grid: Dim3;
  block: Dim3;
  /** Dynamic shared memory per block, in bytes (default 0). */
  sharedBytes?: number;
  /**
   * One letter per argument: `p` device pointer (bigint), `d` double, `f`
   * float, `i` int32, `l` int64 (bigint or number).
   */
  types: string;
  args: (bigint | number)[];
  /** Index of the argument (type `i` or `l`) set to the step index at each launch. */
  stepArg?: number;
}

/**
 * The functions the compiled addon exports. C++ checks only the count and
 * types of arguments; every failure is a thrown JS `Error` (or a rejected
 * Promise), never a crash. Handles are small integers standing for native
 * pointers, never reused: a freed handle is reported as freed. Device
 * pointers are `bigint`s. Whatever may take long (a C call, a compile, a
 * module load, copies, launches) runs on a worker thread and returns a
 * Promise.
 */
export interface NativeAddon {
  /** `dlopen` a shared object (RTLD_NOW | RTLD_LOCAL); returns a library handle. */
  loadLibrary(path: string): number;
  /** `dlclose` a library from `loadLibrary`; a `runC` in progress keeps it open until it returns. */
  unloadLibrary(handle: number): void;
  /** Whether a library from `loadLibrary` exports `symbol`. */
  hasSymbol(handle: number, symbol: string): boolean;
  /** Calls `int symbol(void **buffers, const double *scalars)` on a worker thread; resolves with its return value. */
  runC(handle: number, symbol: string, buffers: TypedArray[], scalars: Float64Array): Promise<number>;
  /** Where the array's first element lies within a 64-byte cache line (0: at its start). */
  alignmentOf(array: TypedArray): number;
  /** Describes the CUDA driver, device 0 (with its free memory now) and, where the driver works, NVRTC; never throws. */
  cudaInfo(): CudaInfo;
  /** Compiles CUDA C to PTX with NVRTC on a worker thread; rejects with the NVRTC error name and log. */
  nvrtcCompile(source: string, name: string, options: string[]): Promise<{ ptx: string; log: string }>;
  /** Loads PTX into the primary context on a worker thread; resolves with a module handle. */
  cudaLoadModule(ptx: string): Promise<number>;
  /** `cuModuleUnload`; its function handles are reported as unloaded from then on. A launch in progress keeps it loaded until it completes. */
  cudaUnloadModule(module: number): void;
  /** Looks up a kernel (`extern "C"` name) in a module; returns a function handle. */
  cudaGetFunction(module: number, name: string): number;
  /** `cuMemAlloc`; returns the device pointer. */
  cudaMalloc(bytes: number): bigint;
  /** `cuMemFree`; refuses memory that a copy or launch in progress uses. */
  cudaFree(ptr: bigint): void;
  /** Runs copies host to device, device to host, and zero fills, in order on a worker thread, then waits for the device. */
  cudaCopy(copies: NativeCopy[]): Promise<void>;
  /**
   * Launches the kernels in order once per step `k` in `[k0, k0 + steps)`,
   * each with `args[stepArg]` set to `k`, on one stream, and waits once at
   * the end, on a worker thread. One kernel and one step is a single launch.
   */
  cudaLaunch(kernels: NativeKernelLaunch[], k0: number, steps: number): Promise<void>;
}

/** Where the addon may be, relative to this file: compiled (`dist/lib/backends/native/`) or run from source. */
const candidates = ['../../../../build/Release/neural.node', '../../../build/Release/neural.node'].map((relative) =>
  fileURLToPath(new URL(relative, import.meta.url)),
);

const BUILD_FIX =
  'Build it with `npm rebuild neural-ts` (or `npx node-gyp rebuild` in the package folder); that needs python3, make and a C++ compiler.';

let loaded: NativeAddon | undefined;
let loadReason: string | undefined;
let tried = false;

function load(): void {
  if (tried) return;
  tried = true;
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) {
    loadReason = `the native addon is not built (no ${candidates[0]})`;
    return;
  }
  try {
    loaded = createRequire(import.meta.url)(found) as NativeAddon;
  } catch (error) {
    loadReason = `the native addon at ${found} did not load (${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * Whether the native addon loaded, and why not.
 *
 * @returns `{ ok: true }`, or `{ ok: false, reason }` with the load error
 * @example
 * ```ts
 * if (!addonStatus().ok) console.warn(addonStatus().reason);
 * ```
 */
export function addonStatus(): { ok: boolean; reason?: string } {
  load();
  return loaded ? { ok: true } : { ok: false, reason: loadReason };
}

/**
 * The loaded native addon.
 *
 * @returns the addon's functions
 * @throws {@link BackendError} when the addon is not built or did not load, saying how to build it
 */
export function addon(): NativeAddon {
  load();
  if (!loaded) throw new BackendError('native addon', `${loadReason}.`, BUILD_FIX, { code: 'no-addon' });
  return loaded;
}

// Aligned allocation lives in the plan layer (lib/plan/arrays.ts), below the
// back ends and the network; it learns addresses from the addon through this
// probe. The addon is still loaded lazily: on the first aligned allocation.
setAlignmentProbe(() => {
  load();
  return loaded && typeof loaded.alignmentOf === 'function' ? (bytes) => loaded!.alignmentOf(bytes) : null;
});

export { ALIGNMENT, alignedArray } from '../../plan/arrays.js';

/** True for typed arrays (not DataView). */
export function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/**
 * Runs `call` and turns what the addon throws into a {@link NativeError}
 * raised at `where`, keeping the original as `cause`.
 *
 * @param where - the place to name in the error, e.g. `cuda.malloc`
 * @param call - the addon call
 * @param fix - what the user can do when it fails
 */
export function nativeCall<T>(where: string, call: () => T, fix = ''): T {
  try {
    return call();
  } catch (error) {
    throw toNativeError(where, error, fix);
  }
}

/** Asynchronous form of {@link nativeCall}, for calls that return a Promise. */
export async function nativeCallAsync<T>(where: string, call: () => Promise<T>, fix = ''): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toNativeError(where, error, fix);
  }
}

function toNativeError(where: string, error: unknown, fix: string): Error {
  if (error instanceof BackendError || error instanceof NativeError || error instanceof InputDataError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new NativeError(where, text.endsWith('.') ? text : `${text}.`, fix, { cause: error });
}

/**
 * Opens a compiled shared object.
 *
 * @param path - path of the `.so`
 * @returns a library handle for {@link runC}
 * @throws {@link InputDataError} when `path` is not a non-empty string
 * @throws {@link NativeError} with the `dlopen` error text
 * @throws {@link BackendError} when the addon is not built
 */
export function loadLibrary(path: string): number {
  if (typeof path !== 'string' || path.length === 0) {
    throw new InputDataError('loadLibrary', `path must be a non-empty string, got ${describeValue(path)}.`, 'Pass the path of a compiled shared object.');
  }
  const native = addon();
  return nativeCall('loadLibrary', () => native.loadLibrary(path), 'Check that the file is a shared object built for this machine.');
}

/**
 * Closes a library opened with {@link loadLibrary} (`dlclose`). Its handle is
 * reported as unloaded from then on; a {@link runC} still in progress keeps
 * the library open until it returns.
 *
 * @param handle - from {@link loadLibrary}
 * @throws {@link InputDataError} for a malformed handle
 * @throws {@link NativeError} when the handle is unknown or was already unloaded
 */
export function unloadLibrary(handle: number): void {
  checkLibraryHandle('unloadLibrary', handle);
  const native = addon();
  nativeCall('unloadLibrary', () => native.unloadLibrary(handle), 'Unload each library once, and only one that loadLibrary returned.');
}

/** Throws unless `handle` looks like a library handle (the addon knows whether it is one). */
function checkLibraryHandle(where: string, handle: number): void {
  if (!Number.isInteger(handle) || handle < 1) {
    throw new InputDataError(where, `handle must be a positive integer from loadLibrary, got ${describeValue(handle)}.`, 'Use the handle that loadLibrary or compileShared returned.');
  }
}

/**
 * Whether a library opened with {@link loadLibrary} exports `symbol`.
 *
 * @param handle - from {@link loadLibrary}
 * @param symbol - a C identifier
 * @returns true when `dlsym` finds it
 * @throws {@link InputDataError} for a malformed handle or name
 * @throws {@link NativeError} when the handle is unknown or was unloaded
 */
export function hasSymbol(handle: number, symbol: string): boolean {
  checkLibraryHandle('hasSymbol', handle);
  if (typeof symbol !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(symbol)) {
    throw new InputDataError('hasSymbol', `symbol must be a C identifier, got ${describeValue(symbol)}.`, 'Pass the name of the exported C function.');
  }
  const native = addon();
  return nativeCall('hasSymbol', () => native.hasSymbol(handle, symbol));
}

/**
 * Calls `int symbol(void **buffers, const double *scalars)` from a library
 * opened with {@link loadLibrary}, on a worker thread. The arrays are passed
 * by reference (the C code reads and writes them in place) and stay alive
 * until the call returns.
 *
 * @param handle - from {@link loadLibrary}
 * @param symbol - the C function's name
 * @param buffers - typed arrays, in the order the C code expects them
 * @param scalars - numbers, passed as `const double *`
 * @returns the C function's return value
 * @throws {@link InputDataError} for malformed arguments
 * @throws {@link NativeError} when the handle or symbol is unknown, or the library was unloaded
 * @example
 * ```ts
 * const status = await runC(handle, 'step', [v, spikes], [dt, steps]);
 * ```
 */
export async function runC(
  handle: number,
  symbol: string,
  buffers: readonly TypedArray[],
  scalars: Float64Array | readonly number[] = [],
): Promise<number> {
  checkLibraryHandle('runC', handle);
  if (typeof symbol !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(symbol)) {
    throw new InputDataError('runC', `symbol must be a C identifier, got ${describeValue(symbol)}.`, 'Pass the name of the exported C function.');
  }
  if (!Array.isArray(buffers)) {
    throw new InputDataError('runC', `buffers must be an array of typed arrays, got ${describeValue(buffers)}.`, 'Wrap the arrays in [ ].');
  }
  buffers.forEach((buffer, i) => {
    if (!isTypedArray(buffer)) {
      throw new InputDataError('runC', `buffers[${i}] must be a typed array, got ${describeValue(buffer)}.`, 'Pass Float64Array, Float32Array, Int32Array … only.');
    }
  });
  const values = scalars instanceof Float64Array ? scalars : Float64Array.from(scalars as readonly number[]);
  const native = addon();
  return nativeCallAsync(`runC(${symbol})`, () => native.runC(handle, symbol, [...buffers], values));
}
