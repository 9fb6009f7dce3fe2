/**
 * Argument checks shared by the utilities. Each throws an
 * {@link InputDataError} whose message names the caller and the option.
 */
import { InputDataError, describeValue } from '../errors.js';

/**
 * Requires a finite number.
 * @param where - the caller
 * @param name - the option
 * @param x - the value
 * @returns x
 * @throws {@link InputDataError} when x is not a finite number
 */
export function finite(where: string, name: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new InputDataError(where, `${name} is ${describeValue(x)}, not a finite number.`, `Pass a finite number for ${name}.`);
  }
  return x;
}

/**
 * Requires a finite number > 0.
 * @param where - the caller
 * @param name - the option
 * @param x - the value
 * @param unit - what x measures, named in the fix
 * @returns x
 * @throws {@link InputDataError} when x is not a positive finite number
 */
export function positive(where: string, name: string, x: unknown, unit = ''): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) {
    throw new InputDataError(where, `${name} is ${describeValue(x)}, not a positive finite number.`, `Pass ${name} > 0${unit ? ` in ${unit}` : ''}.`);
  }
  return x;
}

/**
 * Requires a finite number ≥ 0.
 * @param where - the caller
 * @param name - the option
 * @param x - the value
 * @param unit - what x measures, named in the fix
 * @returns x
 * @throws {@link InputDataError} when x is negative, NaN or infinite
 */
export function nonNegative(where: string, name: string, x: unknown, unit = ''): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
    throw new InputDataError(where, `${name} is ${describeValue(x)}, not a finite number ≥ 0.`, `Pass ${name} ≥ 0${unit ? ` in ${unit}` : ''}.`);
  }
  return x;
}

/**
 * Requires an integer ≥ 0.
 * @param where - the caller
 * @param name - the option
 * @param x - the value
 * @returns x
 * @throws {@link InputDataError} when x is not a non-negative safe integer
 */
export function count(where: string, name: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) {
    throw new InputDataError(where, `${name} is ${describeValue(x)}, not an integer ≥ 0.`, `Pass a whole number for ${name}.`);
  }
  return x;
}

/**
 * Requires an array-like of numbers (typed array or number[]), optionally
 * checking every entry is finite.
 * @param where - the caller
 * @param name - the argument
 * @param x - the value
 * @param finiteEntries - also reject NaN and ±Infinity entries
 * @returns x
 * @throws {@link InputDataError} when x is not array-like, or holds a non-finite entry
 */
export function samples(where: string, name: string, x: unknown, finiteEntries = true): ArrayLike<number> {
  const ok = ArrayBuffer.isView(x) ? !(x instanceof DataView) : Array.isArray(x);
  if (!ok) {
    throw new InputDataError(where, `${name} is ${describeValue(x)}, not an array of numbers.`, `Pass a Float64Array, Float32Array or number[] for ${name}.`);
  }
  const a = x as ArrayLike<number>;
  if (finiteEntries) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new InputDataError(where, `${name}[${i}] is ${describeValue(v)}.`, `Replace it with a finite number.`);
      }
    }
  }
  return a;
}
