/**
 * Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror and Shaw,
 * "Parallel random numbers: as easy as 1, 2, 3", SC 2011), the generator of
 * Random123 and of cuRAND's `curand_init(…, philox)`, and the library's
 * addressing of draws on top of it.
 *
 * Philox is a keyed bijection of 128-bit counters: the same (counter, key)
 * gives the same four words on every back end, with no state to carry from
 * one step to the next, so a unit's draws do not depend on how the units are
 * split among threads or how the steps are split into blocks. Every draw has
 * an address:
 *
 * - key = `[seed, stream]` (the stream says what the draws are for, see
 *   {@link STREAMS});
 * - counter = `[unit, step mod 2^32, ⌊step / 2^32⌋, container << 16 | draw]`.
 *
 * So a network of up to 65536 containers of up to 2^32 units each can make
 * 65536 draws per unit and step, for 2^53 steps, each from its own counter.
 * The same generator is written in C and CUDA C in `lib/backends/random.ts`;
 * both give the same words and the same uniforms, bit for bit. Normals go
 * through `log` and `cos`, which V8 and a C library may round differently in
 * the last bit: they agree to within a few units in the last place.
 *
 * {@link drawWords}, {@link uniform} and {@link normal} check their arguments;
 * {@link RANDOM} is the unchecked, allocation-free form handed to generated
 * JavaScript.
 *
 * @module
 */
import { InputDataError, describeValue } from '../errors.js';

/** The round multipliers and the key increments (Weyl constants) of Philox4x32. */
const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const ROUNDS = 10;
const TWO_POW_32 = 4294967296;
const TWO_POW_MINUS_32 = 2.3283064365386963e-10;
const TWO_POW_MINUS_53 = 1.1102230246251565e-16;
const TWO_PI = 6.283185307179586;

/**
 * The ten rounds on a counter held in numbers (each taken modulo 2^32), the
 * result written to `out`. Unchecked and allocation-free.
 */
function rounds(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): Uint32Array {
  c0 >>>= 0;
  c2 >>>= 0;
  k0 |= 0;
  k1 |= 0;
  for (let r = 0; r < ROUNDS; r++) {
    // The low words of M·c exactly (Math.imul). For the high words: M·c < 2^64
    // is rounded to a double with an error of at most 2^10, and subtracting
    // the low word adds at most as much again, so (M·c − lo) / 2^32 lies
    // within 2^-21 of the integer hi, and rounding gives hi exactly.
    const lo0 = Math.imul(M0, c0) >>> 0;
    const lo1 = Math.imul(M1, c2) >>> 0;
    const hi0 = Math.round((M0 * c0 - lo0) * TWO_POW_MINUS_32);
    const hi1 = Math.round((M1 * c2 - lo1) * TWO_POW_MINUS_32);
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) | 0;
    k1 = (k1 + W1) | 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

/**
 * Philox4x32-10: the raw bijection of a 128-bit counter under a 64-bit key,
 * as Random123's `philox4x32(ctr, key)` with 10 rounds.
 * @param ctr - the counter, four words (each taken modulo 2^32)
 * @param key - the key, two words (each taken modulo 2^32)
 * @param out - where to write the four result words (default: a new array)
 * @returns `out`, holding the four words
 * @example
 * ```ts
 * philox4x32([0, 0, 0, 0], [0, 0]); // Uint32Array [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]
 * ```
 */
export function philox4x32(ctr: ArrayLike<number>, key: ArrayLike<number>, out: Uint32Array = new Uint32Array(4)): Uint32Array {
  return rounds(ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1], out);
}

/**
 * The stream numbers, the second word of the key: what the draws are for.
 * `run`: draws made while a network runs; `initial`: random initial values;
 * `connect`: random connectivity. Draws of one stream never meet those of
 * another, whatever their addresses.
 */
export const STREAMS = { run: 0, initial: 1, connect: 2 } as const;

/** The name of a stream of {@link STREAMS}. */
export type StreamName = keyof typeof STREAMS;

/** The four words of a draw at its address, into `out`. Unchecked. */
function address(seed: number, stream: number, container: number, unit: number, step: number, draw: number, out: Uint32Array): Uint32Array {
  return rounds(unit, step, Math.floor(step * TWO_POW_MINUS_32), (container << 16) | draw, seed, stream, out);
}

/** A double uniform on [0, 1) from two words: the top 27 bits of `a` and the top 26 of `b`, 53 bits in all. */
function fromWords(a: number, b: number): number {
  return ((a >>> 5) * 67108864 + (b >>> 6)) * TWO_POW_MINUS_53;
}

/** Box–Muller on the four words of a draw: u1 from the first two, u2 from the last two; 1 − u1 is exact and in (0, 1]. */
function normalOf(w: Uint32Array): number {
  return Math.sqrt(-2 * Math.log(1 - fromWords(w[0], w[1]))) * Math.cos(TWO_PI * fromWords(w[2], w[3]));
}

/** The parts of an address, in order, with their largest value and what to do about a bad one. */
const ADDRESS = [
  { name: 'seed', max: TWO_POW_32 - 1, range: '[0, 2^32 − 1]', fix: 'Pass a whole number from 0 to 4294967295, such as 0, 1 or 42.' },
  { name: 'stream', max: TWO_POW_32 - 1, range: '[0, 2^32 − 1]', fix: `Pass one of STREAMS (${Object.entries(STREAMS).map(([k, v]) => `${k}: ${v}`).join(', ')}), or another whole number up to 4294967295.` },
  { name: 'container', max: 65535, range: '[0, 65535]', fix: 'Number containers from 0; a network holds at most 65536.' },
  { name: 'unit', max: TWO_POW_32 - 1, range: '[0, 2^32 − 1]', fix: 'Number units from 0 within their container; a container holds at most 2^32.' },
  { name: 'step', max: Number.MAX_SAFE_INTEGER, range: '[0, 2^53 − 1]', fix: 'Number steps from 0, at most 2^53 − 1.' },
  { name: 'draw', max: 65535, range: '[0, 65535]', fix: 'Number the draws of a unit in one step from 0; at most 65536.' },
] as const;

function inRange(x: number, max: number): boolean {
  return Number.isInteger(x) && x >= 0 && x <= max;
}

/** Whether `x` is a seed the generator takes: an integer in [0, 2^32 − 1]. */
export function isSeed(x: unknown): x is number {
  return typeof x === 'number' && inRange(x, TWO_POW_32 - 1);
}

/** Checks an address; allocates nothing when it is good. */
function checkAddress(where: string, seed: number, stream: number, container: number, unit: number, step: number, draw: number): void {
  if (isSeed(seed) && inRange(stream, TWO_POW_32 - 1) && inRange(container, 65535) && inRange(unit, TWO_POW_32 - 1) && inRange(step, Number.MAX_SAFE_INTEGER) && inRange(draw, 65535)) return;
  const values = [seed, stream, container, unit, step, draw];
  ADDRESS.forEach((part, j) => {
    if (!inRange(values[j], part.max)) throw new InputDataError(where, `${part.name} ${describeValue(values[j])} is not an integer in ${part.range}.`, part.fix);
  });
}

/**
 * The four words of the draw at an address: Philox4x32-10 of the counter
 * `[unit, step mod 2^32, ⌊step / 2^32⌋, container << 16 | draw]` under the key
 * `[seed, stream]`.
 * @param seed - the run's seed, an integer in [0, 2^32 − 1]
 * @param stream - what the draws are for, an integer in [0, 2^32 − 1] (see {@link STREAMS})
 * @param container - the container's index, an integer in [0, 65535]
 * @param unit - the unit's index in its container, an integer in [0, 2^32 − 1]
 * @param step - the step, an integer in [0, 2^53 − 1]
 * @param draw - which draw of the unit in this step, an integer in [0, 65535]
 * @param out - where to write the words (default: a new array)
 * @returns `out`, holding the four words
 * @throws {@link InputDataError} when a part of the address is not an integer in its range
 * @example
 * ```ts
 * drawWords(42, STREAMS.run, 0, 7, 1000, 0); // the same four words on every back end
 * ```
 */
export function drawWords(seed: number, stream: number, container: number, unit: number, step: number, draw: number, out: Uint32Array = new Uint32Array(4)): Uint32Array {
  checkAddress('drawWords', seed, stream, container, unit, step, draw);
  return address(seed, stream, container, unit, step, draw, out);
}

/** Scratch words for the checked and unchecked draws (one thread, never handed out). */
const SCRATCH = new Uint32Array(4);

/**
 * A double uniform on [0, 1) at an address (see {@link drawWords}), built
 * from 53 random bits of the first two words: every value is a multiple of
 * 2^-53, exactly representable.
 * @returns `((w0 >>> 5)·2^26 + (w1 >>> 6))·2^-53`
 * @throws {@link InputDataError} when a part of the address is not an integer in its range
 * @example
 * ```ts
 * uniform(42, STREAMS.run, 0, 7, 1000, 0); // in [0, 1)
 * ```
 */
export function uniform(seed: number, stream: number, container: number, unit: number, step: number, draw: number): number {
  checkAddress('uniform', seed, stream, container, unit, step, draw);
  const w = address(seed, stream, container, unit, step, draw, SCRATCH);
  return fromWords(w[0], w[1]);
}

/**
 * A standard normal value at an address (see {@link drawWords}), by
 * Box–Muller on the draw's four words: u1 and u2 as {@link uniform} builds
 * them from words 0–1 and 2–3, and `√(−2 ln(1 − u1)) · cos(2π u2)`.
 * @returns the value (finite: |value| ≤ √(106 ln 2) ≈ 8.57)
 * @throws {@link InputDataError} when a part of the address is not an integer in its range
 * @example
 * ```ts
 * normal(42, STREAMS.initial, 1, 0, 0, 0); // mean 0, variance 1 over addresses
 * ```
 */
export function normal(seed: number, stream: number, container: number, unit: number, step: number, draw: number): number {
  checkAddress('normal', seed, stream, container, unit, step, draw);
  return normalOf(address(seed, stream, container, unit, step, draw, SCRATCH));
}

/**
 * The draws as generated JavaScript calls them: {@link uniform} and
 * {@link normal} without the checks, allocating nothing. The arguments are
 * the parts of an address: seed, stream, container `ci`, unit `i`, step `k`
 * and draw `d`; out-of-range values are not refused but folded modulo 2^32
 * as the C and CUDA C forms fold them.
 */
export interface RandomFunctions {
  /** A uniform on [0, 1), as {@link uniform}. */
  u(seed: number, stream: number, ci: number, i: number, k: number, d: number): number;
  /** A standard normal value, as {@link normal}. */
  n(seed: number, stream: number, ci: number, i: number, k: number, d: number): number;
}

/**
 * The unchecked draws handed to generated JavaScript (see
 * {@link RandomFunctions}); frozen.
 * @example
 * ```ts
 * const f = new Function('R', 'return R.u(42, 0, 0, 7, 1000, 0);');
 * f(RANDOM) === uniform(42, 0, 0, 7, 1000, 0); // true
 * ```
 */
export const RANDOM: RandomFunctions = Object.freeze({
  u(seed: number, stream: number, ci: number, i: number, k: number, d: number): number {
    const w = address(seed, stream, ci, i, k, d, SCRATCH);
    return fromWords(w[0], w[1]);
  },
  n(seed: number, stream: number, ci: number, i: number, k: number, d: number): number {
    return normalOf(address(seed, stream, ci, i, k, d, SCRATCH));
  },
});
