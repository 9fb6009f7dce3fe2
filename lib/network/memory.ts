/**
 * Sizing the arrays of a network before they are allocated, so that a
 * container, input, matrix or recording too large for a typed array or for
 * the free memory is refused with the numbers and what to do, instead of a
 * bare `RangeError` (or a process killed for memory) half-way through.
 *
 * @module
 */
import { constants } from 'node:buffer';
import { freemem } from 'node:os';
import { alignedArray } from '../backends/native/binding.js';
import type { FloatArray } from '../backends/types.js';
import { InputDataError } from '../errors.js';
import type { Dtype } from './plan.js';

/**
 * The most elements one typed array may hold in this Node.js (V8's limit,
 * `buffer.constants.MAX_LENGTH`: 2³² in Node 20 on 64-bit machines).
 */
export const MAX_ELEMENTS: number = constants.MAX_LENGTH;

/** Share of the free memory one allocation (or one run's recordings) may take. */
export const MEMORY_SHARE = 0.8;

const fmt = (n: number) => n.toLocaleString('en');

/**
 * Refuses an array of `elements` values that no typed array can hold.
 * @param what - what the array is, e.g. `'the matrix'`
 * @throws {@link InputDataError} with the count, the limit and `fix`
 */
export function checkElements(where: string, what: string, elements: number, fix: string): void {
  if (!(elements <= MAX_ELEMENTS)) {
    throw new InputDataError(where, `${what} would hold ${fmt(elements)} values; one typed array holds at most ${fmt(MAX_ELEMENTS)}.`, fix);
  }
}

/**
 * Refuses `bytes` of new arrays when they exceed {@link MEMORY_SHARE} of the
 * free memory.
 * @throws {@link InputDataError} with both numbers and `fix`
 */
export function checkBytes(where: string, what: string, bytes: number, fix: string): void {
  const free = freemem();
  if (bytes > MEMORY_SHARE * free) {
    throw new InputDataError(where, `${what} need${/s$/.test(what) ? '' : 's'} ${fmt(bytes)} bytes and ${fmt(free)} are free.`, fix);
  }
}

/**
 * A zeroed array of the dtype (aligned as {@link alignedArray} does), with
 * the size checked first and an allocation failure turned into an
 * {@link InputDataError}.
 */
export function allocate(where: string, what: string, dtype: Dtype, length: number, fix: string): FloatArray {
  checkElements(where, what, length, fix);
  try {
    return alignedArray(dtype, length);
  } catch (error) {
    throw allocationError(where, what, length * (dtype === 'float64' ? 8 : 4), fix, error);
  }
}

/** A zeroed Float64Array, with the size checked first (see {@link allocate}). */
export function allocate64(where: string, what: string, length: number, fix: string): Float64Array {
  checkElements(where, what, length, fix);
  try {
    return new Float64Array(length);
  } catch (error) {
    throw allocationError(where, what, length * 8, fix, error);
  }
}

/**
 * The error for an allocation that failed (`RangeError: Array buffer
 * allocation failed`); other errors are returned unchanged.
 */
export function allocationError(where: string, what: string, bytes: number, fix: string, error: unknown): unknown {
  if (!(error instanceof RangeError)) return error;
  return new InputDataError(where, `${what} could not be allocated (${fmt(bytes)} bytes; ${fmt(freemem())} free): ${error.message}.`, fix, { cause: error });
}
