/**
 * The error catalogue. Every error the library raises is a {@link NeuralError};
 * each area has its own subclass so callers can tell them apart with
 * `instanceof`. Messages read *where: what. fix*.
 */

/** Base class of every error raised by Neural. */
export class NeuralError extends Error {
  /** Where the problem is (`Class#field`, container, input, step …). */
  readonly where: string;
  /** What is wrong: the message between `where: ` and the fix. */
  readonly what: string;
  /** How to fix it, when there is something to do (may be empty). */
  readonly fix: string;

  /**
   * @param where - the place the problem was found, e.g. `IAF#v`
   * @param what - what is wrong
   * @param fix - what to do about it (may be empty)
   * @param options - `cause` of the error, kept for inspection
   */
  constructor(where: string, what: string, fix = '', options?: { cause?: unknown }) {
    super(`${where}: ${what}${fix ? ` ${fix}` : ''}`, options);
    this.name = new.target.name;
    this.where = where;
    this.what = what;
    this.fix = fix;
  }
}

/** A model class is declared wrongly (decorators, names, bounds, cycles). */
export class ModelDefinitionError extends NeuralError {
  /** Every problem found, when several were reported at once. */
  readonly problems: readonly string[];
  constructor(where: string, what: string, fix = '', options?: { cause?: unknown; problems?: string[] }) {
    super(where, what, fix, options);
    this.problems = options?.problems ?? [this.message];
  }
}

/** An equation does not parse, or uses something that is not allowed. */
export class ExpressionError extends NeuralError {}

/** Containers, inputs and operators are connected in a way that cannot work. */
export class NetworkWiringError extends NeuralError {}

/** Data handed to the library (input streams, dt, sizes, options) is invalid. */
export class InputDataError extends NeuralError {}

/**
 * A data file (`.npy`, `.npz`, `.arrow`, `.parquet`) cannot be written or
 * read: the path is not writable or readable, or the file is damaged, cut
 * short, in another format, or holds what the library does not read (a
 * big-endian or Fortran-order array, a column of text). `where` names the
 * call and the file.
 */
export class DataFileError extends NeuralError {}

/**
 * Why a back end cannot be used or failed, as a code to act on: the
 * {@link BackendError.code} of an error, and the `code` of an unavailable back
 * end in `backends.status()` (the same code for the same cause).
 *
 * - `unknown-backend`: the name is not a back end.
 * - `no-addon`: the native addon is not built or did not load.
 * - `no-compiler`: no working C compiler (cpu), or no `nvcc` where it is needed.
 * - `no-driver`: no NVIDIA driver, or one too old or failing to start.
 * - `no-device`: a driver, but no usable CUDA device.
 * - `no-nvrtc`: neither NVRTC nor `nvcc` to compile CUDA C.
 * - `compile-failed`: the compiler rejected generated code, or built a library without the functions asked for.
 * - `cache`: the compile cache folder, or a file in it, cannot be used or written (see docs/security.md).
 * - `device-memory`: what a run needs does not fit in the memory free on the device.
 * - `invalid-plan`: a back end was handed a plan or IR it cannot turn into code (names, numbers, buffers).
 * - `unsupported`: the back end does not run what the plan needs (a dtype or buffer element type missing from its capabilities).
 * - `status-failed`: checking whether the back end works failed unexpectedly.
 */
export type BackendErrorCode =
  | 'unknown-backend'
  | 'no-addon'
  | 'no-compiler'
  | 'no-driver'
  | 'no-device'
  | 'no-nvrtc'
  | 'compile-failed'
  | 'cache'
  | 'device-memory'
  | 'invalid-plan'
  | 'unsupported'
  | 'status-failed';

/** A back end is unavailable or failed to compile or run generated code; {@link BackendError.code} says why. */
export class BackendError extends NeuralError {
  /** Why, as a code (see {@link BackendErrorCode}). */
  readonly code: BackendErrorCode;

  /**
   * @param where - the place the problem was found, e.g. `backend 'cuda'`, `compile cache`
   * @param what - what is wrong
   * @param fix - what to do about it (may be empty)
   * @param options - the `code` (required) and the `cause` of the error
   */
  constructor(where: string, what: string, fix: string, options: { code: BackendErrorCode; cause?: unknown }) {
    super(where, what, fix, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = options?.code;
  }
}

/** The native addon rejected a call or reported a CUDA, NVRTC or compiler failure. */
export class NativeError extends NeuralError {}

/** A simulation produced NaN or infinity while `checkFinite` was on. */
export class NumericalError extends NeuralError {
  constructor(
    where: string,
    what: string,
    fix: string,
    readonly detail: { container: string; variable: string; unit: number; step: number; value: number },
  ) {
    super(where, what, fix);
  }
}

/** A run was stopped through its `AbortSignal`; recordings up to `step` are kept. */
export class RunAbortedError extends NeuralError {
  constructor(where: string, readonly completedSteps: number) {
    super(where, `the run was aborted after ${completedSteps} completed steps.`, 'Recordings up to that step are readable.');
  }
}

/**
 * A call would change a network while a run, compile or reset of it is in
 * progress (a `run()` that was not awaited, for example). Nothing was changed:
 * await the call in progress, then try again.
 */
export class BusyError extends NeuralError {}

/**
 * A value as error messages show it, the same in every part of the library:
 * numbers as written (`NaN`, `Infinity`), `'text' (a string)` (cut at 40
 * characters), `5n (a bigint)`, `true (a boolean)`, `null`, `undefined`, short
 * arrays of numbers as written (`[1,NaN]`), other arrays and typed arrays by
 * length (`an array of length 3`, `a Float32Array of length 8`), and other
 * objects by class (`a Map`, `an object`). Functions and symbols are named,
 * never printed.
 * @param value - anything
 * @returns a short, one-line description
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'number': return String(value);
    case 'string': return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}' (a string)`;
    case 'bigint': return `${value}n (a bigint)`;
    case 'boolean': return `${value} (a boolean)`;
    case 'symbol': return 'a symbol';
    case 'function': return 'a function';
    default: {
      if (Array.isArray(value)) {
        return value.length <= 8 && value.every((x) => typeof x === 'number') ? `[${value.map(String).join(',')}]` : `an array of length ${value.length}`;
      }
      const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
      const article = (n: string) => (/^[AEIOU]/.test(n) ? 'an' : 'a');
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
        return `${article(name ?? 'TypedArray')} ${name ?? 'typed array'} of length ${(value as unknown as ArrayLike<unknown>).length}`;
      }
      return name && name !== 'Object' ? `${article(name)} ${name}` : 'an object';
    }
  }
}

/**
 * A failed file operation as error messages show it: `EACCES: permission
 * denied` from a Node error (its code and the words after it, without the
 * path Node appends), else the error's message.
 * @param error - what a file operation threw
 */
export function describeIoError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string') return `${e.code}: ${(e.message ?? '').replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')}`;
  return error instanceof Error ? error.message : String(error);
}
