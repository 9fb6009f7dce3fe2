/**
 * A small seeded pseudo-random number generator, so that stimuli and any other
 * random draw repeat exactly from run to run and machine to machine.
 *
 * The generator is xoshiro128** (Blackman and Vigna, "Scrambled linear
 * pseudorandom number generators", 2018): 128 bits of state held in four
 * unsigned 32-bit words, period 2^128 − 1, and only 32-bit integer operations,
 * which JavaScript performs exactly through `Math.imul` and `>>>`. The state is
 * filled from the seed with splitmix32 (a Weyl sequence through the MurmurHash3
 * finaliser), so that nearby seeds such as 0, 1, 2 give unrelated streams.
 */
import { InputDataError } from '../errors.js';

/** A seeded stream of random numbers; see {@link rng}. */
export interface Rng {
  /** The seed the stream was created from. */
  readonly seed: number;
  /**
   * Draws the next raw output.
   * @returns an integer uniform on [0, 2^32)
   */
  uint32(): number;
  /**
   * Draws a double uniform on [low, high), built from 53 random bits.
   * @param low - lower end (default 0)
   * @param high - upper end, excluded (default 1)
   * @returns the draw
   */
  uniform(low?: number, high?: number): number;
  /**
   * Draws from a normal distribution (Box–Muller; the second value of each
   * pair is kept for the next call).
   * @param mean - the mean (default 0)
   * @param sd - the standard deviation (default 1)
   * @returns the draw
   */
  normal(mean?: number, sd?: number): number;
  /**
   * Draws from an exponential distribution by inversion, −ln(U)/rate.
   * @param rate - the rate (default 1); the mean is 1/rate
   * @returns the draw, positive
   */
  exponential(rate?: number): number;
  /**
   * Draws an integer uniform on [0, n), without modulo bias.
   * @param n - the number of outcomes, a positive integer up to 2^32
   * @returns the draw
   * @throws {@link InputDataError} when n is not a positive integer up to 2^32
   */
  integer(n: number): number;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** splitmix32: a Weyl sequence passed through the MurmurHash3 32-bit finaliser. */
function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

class Xoshiro128StarStar implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = NaN;

  constructor(readonly seed: number, words?: readonly number[]) {
    if (words) {
      [this.s0, this.s1, this.s2, this.s3] = words.map((w) => w >>> 0) as [number, number, number, number];
    } else {
      // Both 32-bit halves of the (safe-integer) seed feed the splitmix32 state.
      const lo = seed >>> 0;
      const hi = Math.floor(seed / TWO_POW_32) >>> 0;
      const sm = { x: lo };
      sm.x ^= Math.imul(hi, 0x27d4eb2f);
      this.s0 = splitmix32(sm);
      this.s1 = splitmix32(sm);
      this.s2 = splitmix32(sm);
      this.s3 = splitmix32(sm);
    }
    // The all-zero state is the one fixed point of the generator.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 0x9e3779b9;
  }

  uint32(): number {
    // xoshiro128**: output = rotl(s1 · 5, 7) · 9, then the linear state update.
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  uniform(low = 0, high = 1): number {
    // 27 + 26 high bits of two outputs make a 53-bit mantissa on [0, 1).
    const a = this.uint32() >>> 5;
    const b = this.uint32() >>> 6;
    const u = (a * 67108864 + b) / TWO_POW_53;
    return low + (high - low) * u;
  }

  normal(mean = 0, sd = 1): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = NaN;
      return mean + sd * z;
    }
    // Box–Muller: u1 on (0, 1] keeps the logarithm finite.
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const phi = 2 * Math.PI * u2;
    this.spare = r * Math.sin(phi);
    return mean + sd * r * Math.cos(phi);
  }

  exponential(rate = 1): number {
    return -Math.log(1 - this.uniform()) / rate;
  }

  integer(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new InputDataError('rng.integer', `n = ${n} is not a positive integer up to 2^32.`, 'Pass the number of outcomes, e.g. rng.integer(6) for a die.');
    }
    // Rejection sampling: discard the top partial block of 2^32 mod n values.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.uint32();
      if (x < limit) return x % n;
    }
  }
}

/**
 * Creates a seeded random number generator (xoshiro128**).
 *
 * The same seed gives the same stream on every platform. Seeds need not be
 * spread out: 0, 1, 2 … give unrelated streams.
 * @param seed - any safe integer (negative allowed)
 * @returns a fresh generator
 * @throws {@link InputDataError} when the seed is not a safe integer
 * @example
 * ```ts
 * const r = rng(42);
 * const x = r.normal(0, 1); // identical on every run
 * ```
 */
export function rng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new InputDataError('rng', `seed ${String(seed)} is not a safe integer.`, 'Pass an integer seed such as 0, 1 or 42.');
  }
  return new Xoshiro128StarStar(seed);
}

/**
 * Creates a generator from an explicit 128-bit state, as four 32-bit words;
 * mostly useful to compare against reference implementations.
 * @param words - four unsigned 32-bit words, not all zero
 * @returns a generator starting from that state (its `seed` is NaN)
 * @throws {@link InputDataError} when there are not four words or all are zero
 */
export function rngFromState(words: readonly number[]): Rng {
  if (words.length !== 4 || words.some((w) => !Number.isInteger(w) || w < 0 || w >= TWO_POW_32)) {
    throw new InputDataError('rngFromState', `expected four unsigned 32-bit integers, got [${words.join(', ')}].`, 'Pass four integers in [0, 2^32).');
  }
  if (words.every((w) => w === 0)) {
    throw new InputDataError('rngFromState', 'the all-zero state never changes.', 'Set at least one word to a non-zero value.');
  }
  return new Xoshiro128StarStar(NaN, words);
}

/**
 * Turns a seed or an existing generator into a generator: a number starts a
 * new stream, a generator is used (and advanced) as it is.
 * @param seed - a safe integer or a generator from {@link rng}
 * @param where - the caller, named in errors
 * @returns the generator to draw from
 * @throws {@link InputDataError} when the seed is neither
 */
export function toRng(seed: number | Rng, where = 'rng'): Rng {
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed)) {
      throw new InputDataError(where, `seed ${String(seed)} is not a safe integer.`, 'Pass an integer seed such as 0, 1 or 42, or a generator from rng(seed).');
    }
    return rng(seed);
  }
  if (seed && typeof seed === 'object' && typeof seed.uint32 === 'function' && typeof seed.normal === 'function') return seed;
  throw new InputDataError(where, `seed is ${String(seed)}.`, 'Pass an integer seed such as 0, 1 or 42, or a generator from rng(seed).');
}
