/**
 * The error catalogue. Every error the library raises is a {@link NeuralError};
 * each area has its own subclass so callers can tell them apart with
 * `instanceof`. Messages read *where: what. fix*.
 */

/** Base class of every error raised by Neural. */
export class NeuralError extends Error {
  /** Where the problem is (`Class#field`, container, input, step …). */
  readonly where: string;
  /** How to fix it, when there is something to do. */
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

/** A back end is unavailable or failed to compile or run generated code. */
export class BackendError extends NeuralError {}

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
