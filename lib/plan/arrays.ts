/**
 * The arrays of a run: sized before they are allocated, so that a container,
 * input, matrix or recording too large for a typed array or for the free
 * memory is refused with the numbers and what to do, instead of a bare
 * `RangeError` (or a process killed for memory) half-way through; and
 * allocated by element type, aligned to a cache line where the native addon
 * can tell addresses.
 *
 * This module sits in the plan layer, below the back ends and the network,
 * which both allocate through it. It does not load the native addon: the
 * native binding registers its address probe with {@link setAlignmentProbe}
 * when it is imported.
 *
 * @module
 */
import { constants } from 'node:buffer';
import { freemem } from 'node:os';
import { InputDataError } from '../errors.js';
import { arrayTypeOf, BLOCK_ROLES, bytesOf, type ArrayType, type BufferArray, type NetworkPlan } from './types.js';

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

/** The bytes {@link alignedArray} aligns to: one cache line, one AVX-512 vector. */
export const ALIGNMENT = 64;

/** Where the first byte of `bytes` lies within a 64-byte cache line (0: at its start). */
export type AlignmentProbe = (bytes: Uint8Array) => number;

/** The typed array of each {@link ArrayType}. */
export interface ArrayOf {
  float64: Float64Array;
  float32: Float32Array;
  int32: Int32Array;
  uint8: Uint8Array;
}

const CONSTRUCTORS: { readonly [T in ArrayType]: new (...args: [number] | [ArrayBuffer, number, number]) => ArrayOf[T] } = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  uint8: Uint8Array,
};

let probeProvider: (() => AlignmentProbe | null) | null = null;

/**
 * Registers how {@link alignedArray} learns where an array lies in memory
 * (JavaScript cannot tell). The native binding registers the addon's
 * `alignmentOf` when it is imported; `provider` is called at each aligned
 * allocation and may load the addon then, returning null where it is not
 * available (arrays are then ordinary, unaligned ones).
 * @param provider - gives the probe, or null; null unregisters
 */
export function setAlignmentProbe(provider: (() => AlignmentProbe | null) | null): void {
  probeProvider = provider;
}

/**
 * A zeroed array of `length` elements of `type` whose first element starts a
 * 64-byte cache line, so that compiled loops load and store whole lines
 * (unaligned AVX-512 loads that cross lines cost up to a tenth of hh-pop's
 * time). It is a view into a slightly larger ArrayBuffer, whose memory never
 * moves. Without an address probe (no native addon) it is an ordinary array:
 * only the compiled back ends care.
 * @param type - 'float64', 'float32', 'int32' or 'uint8'
 * @throws {@link InputDataError} for another type
 */
export function alignedArray<T extends ArrayType>(type: T, length: number): ArrayOf[T] {
  if (!Object.hasOwn(CONSTRUCTORS, type)) {
    throw new InputDataError('alignedArray', `the element type ${JSON.stringify(String(type))} is unknown.`, `Use one of: ${Object.keys(CONSTRUCTORS).join(', ')}.`);
  }
  const Type = CONSTRUCTORS[type];
  const probe = probeProvider?.() ?? null;
  if (typeof probe !== 'function' || length === 0) return new Type(length);
  const size = bytesOf(type);
  const bytes = new ArrayBuffer(length * size + ALIGNMENT);
  const offset = (ALIGNMENT - probe(new Uint8Array(bytes, 0, 1))) % ALIGNMENT;
  // The offset is a multiple of the element size: ArrayBuffer memory is at least 8-byte aligned.
  return offset % size === 0 ? new Type(bytes, offset, length) : new Type(length);
}

/**
 * A zeroed, aligned array of an element type (see {@link alignedArray}), with
 * the size checked first and an allocation failure turned into an
 * {@link InputDataError}.
 */
export function allocate<T extends ArrayType>(where: string, what: string, type: T, length: number, fix: string): ArrayOf[T] {
  checkElements(where, what, length, fix);
  try {
    return alignedArray(type, length);
  } catch (error) {
    throw allocationError(where, what, length * bytesOf(type), fix, error);
  }
}

/**
 * Refuses a plan whose buffers do not fit: a buffer longer than one typed
 * array holds, or all of them together more than {@link MEMORY_SHARE} of the
 * free memory. Streams and records are sized for each block and not counted.
 * @throws {@link InputDataError} naming the buffer, or with both byte counts
 */
export function checkPlanArrays(plan: NetworkPlan, where: string, fix: string): void {
  let bytes = 0;
  for (const b of plan.buffers) {
    if (BLOCK_ROLES.has(b.role)) continue;
    checkElements(where, `buffer '${b.name}'`, b.length, fix);
    bytes += b.length * bytesOf(arrayTypeOf(b.type, plan.dtype));
  }
  checkBytes(where, "the network's arrays", bytes, fix);
}

/**
 * One zeroed array per buffer of the plan, each of its element type (`'float'`
 * in the plan's dtype): streams and records empty (they are given for each
 * block), every other buffer of its length.
 * @throws {@link InputDataError} when one cannot be allocated
 */
export function allocateBuffers(plan: NetworkPlan, where: string, fix: string): BufferArray[] {
  return plan.buffers.map((b) => {
    const type = arrayTypeOf(b.type, plan.dtype);
    return BLOCK_ROLES.has(b.role) ? allocate(where, b.name, type, 0, fix) : allocate(where, `buffer '${b.name}'`, type, b.length, fix);
  });
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
