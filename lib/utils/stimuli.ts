/**
 * Stimulus generators. Each returns a Float64Array with one value per time
 * step, sampled at t_i = i·dt for i = 0 … steps − 1, ready to be placed in a
 * network input (use {@link population} to build the (steps × num) matrix).
 *
 * The time grid is given by `dt` (seconds) and either `steps` or `duration`
 * (seconds, steps = round(duration / dt)). Random stimuli take a `seed` (or a
 * generator from `rng(seed)`) and repeat exactly.
 */
import { checkOptions, keysOnly } from '../options.js';
import { InputDataError, describeValue } from '../errors.js';
import { count, finite, nonNegative, positive, samples } from './check.js';
import { dft } from './fourier.js';
import { toRng, type Rng } from './random.js';

/** The keys each options object may hold (values are checked where they are used). */
const BAND_LIMITED_NOISE_KEYS = keysOnly('dt', 'duration', 'steps', 'cutoff', 'low', 'rms', 'mean', 'seed');
const GAUSSIAN_NOISE_KEYS = keysOnly('dt', 'duration', 'steps', 'sd', 'mean', 'seed');
const GRID_KEYS = keysOnly('dt', 'duration', 'steps');
const ORNSTEIN_UHLENBECK_KEYS = keysOnly('dt', 'duration', 'steps', 'tau', 'sigma', 'mean', 'initial', 'seed');
const PEAK_KEYS = keysOnly('dt', 'duration', 'steps', 'start', 'end', 'baseline', 'amplitude', 'ratio');
const POISSON_KEYS = keysOnly('dt', 'duration', 'steps', 'rate', 'seed');
const SINUSOID_KEYS = keysOnly('dt', 'duration', 'steps', 'start', 'end', 'baseline', 'amplitude', 'frequency', 'phase');
const SPIKE_TRAIN_KEYS = keysOnly('dt', 'duration', 'steps', 'times', 'amplitude');
const STEP_KEYS = keysOnly('dt', 'duration', 'steps', 'start', 'end', 'baseline', 'amplitude');

/** The time grid of a stimulus: `dt` and one of `duration` or `steps`. */
export interface GridOptions {
  /** The time step in seconds, > 0. */
  dt: number;
  /** The length in seconds; the grid has round(duration / dt) steps. */
  duration?: number;
  /** The number of steps (instead of `duration`). */
  steps?: number;
}

/** A time window [start, end) in seconds and the value outside it. */
export interface WindowOptions {
  /** Where the stimulus starts, in seconds (default 0). */
  start?: number;
  /** Where it ends, excluded, in seconds (default: the end of the grid). */
  end?: number;
  /** The value outside the window, also added inside it (default 0). */
  baseline?: number;
}

/** A seed: a safe integer, or a generator ({@link Rng}, from `rng(seed)`) to draw from. */
export type Seed = number | Rng;

/** Tolerance for times that fall on grid points up to rounding, in steps. */
const EPS = 1e-9;

/** {@link gridSteps}, naming the caller in errors. */
function resolveSteps(where: string, grid: GridOptions): number {
  if (grid === null || typeof grid !== 'object') {
    throw new InputDataError(where, `options are ${describeValue(grid)}.`, 'Pass an object such as { dt: 1e-4, duration: 1 }.');
  }
  const dt = positive(where, 'dt', grid.dt, 'seconds');
  const { duration, steps } = grid;
  if (duration === undefined && steps === undefined) {
    throw new InputDataError(where, 'neither duration nor steps is given.', 'Pass duration (seconds) or steps.');
  }
  let n: number | undefined;
  if (duration !== undefined) {
    nonNegative(where, 'duration', duration, 'seconds');
    n = Math.round(duration / dt);
    if (!Number.isSafeInteger(n)) {
      throw new InputDataError(where, `duration / dt = ${duration / dt} steps is too many.`, 'Shorten the duration or raise dt.');
    }
  }
  if (steps !== undefined) {
    count(where, 'steps', steps);
    if (n !== undefined && n !== steps) {
      throw new InputDataError(where, `duration ${duration} s at dt ${dt} s gives ${n} steps, but steps is ${steps}.`, 'Pass only one of duration and steps.');
    }
    n = steps;
  }
  return n as number;
}

/**
 * Resolves a time grid to its number of steps: `steps`, or round(duration / dt).
 * @param grid - dt and duration or steps
 * @returns the number of steps
 * @throws {@link InputDataError} when dt is not positive, duration is negative
 *   or not finite, steps is not a whole number, none of duration and steps is
 *   given, or both are given and disagree
 * @example
 * ```ts
 * gridSteps({ dt: 0.1, duration: 0.3 }); // 3, although 0.3 / 0.1 = 2.9999999999999996
 * ```
 */
export function gridSteps(grid: GridOptions): number {
  checkOptions('gridSteps', grid, GRID_KEYS);
  return resolveSteps('gridSteps', grid);
}

/**
 * The sample times of a grid, t_i = i·dt.
 * @param grid - dt and duration or steps
 * @returns the times in seconds
 * @throws {@link InputDataError} on an invalid grid (see {@link gridSteps})
 * @example
 * ```ts
 * timeAxis({ dt: 0.1, steps: 3 }); // Float64Array [0, 0.1, 0.2]
 * ```
 */
export function timeAxis(grid: GridOptions): Float64Array {
  checkOptions('timeAxis', grid, GRID_KEYS);
  const n = resolveSteps('timeAxis', grid);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = i * grid.dt;
  return t;
}

/** The index of the first grid point at or after time t (tolerant to rounding). */
function indexAt(t: number, dt: number): number {
  return Math.ceil(t / dt - EPS);
}

interface Window {
  n: number;
  dt: number;
  i0: number;
  i1: number;
  start: number;
  end: number;
  baseline: number;
}

function window(where: string, o: GridOptions & WindowOptions): Window {
  const n = resolveSteps(where, o);
  const dt = o.dt;
  const start = o.start === undefined ? 0 : nonNegative(where, 'start', o.start, 'seconds');
  const end = o.end === undefined ? n * dt : finite(where, 'end', o.end);
  if (end < start) {
    throw new InputDataError(where, `end ${end} s is before start ${start} s.`, 'Pass start ≤ end, both in seconds.');
  }
  const baseline = o.baseline === undefined ? 0 : finite(where, 'baseline', o.baseline);
  const i0 = Math.min(n, indexAt(start, dt));
  const i1 = Math.min(n, Math.max(i0, indexAt(end, dt)));
  return { n, dt, i0, i1, start, end, baseline };
}

/** Options of {@link step}. */
export interface StepOptions extends GridOptions, WindowOptions {
  /** The height of the step above the baseline. */
  amplitude: number;
}

/**
 * A step (rectangular pulse): baseline + amplitude for start ≤ t < end,
 * baseline elsewhere.
 * @param options - grid, window and amplitude
 * @returns one value per step
 * @throws {@link InputDataError} on an invalid grid, window or amplitude
 * @example
 * ```ts
 * const I = step({ dt: 1e-4, duration: 1, start: 0.2, end: 0.8, amplitude: 10 });
 * ```
 */
export function step(options: StepOptions): Float64Array {
  checkOptions('step', options, STEP_KEYS);
  const w = window('step', options);
  const a = finite('step', 'amplitude', options.amplitude);
  const x = new Float64Array(w.n).fill(w.baseline);
  for (let i = w.i0; i < w.i1; i++) x[i] += a;
  return x;
}

/** Options of {@link ramp} and {@link parabola}. */
export interface PeakOptions extends GridOptions, WindowOptions {
  /** The peak height above the baseline. */
  amplitude: number;
  /**
   * Where the peak lies within the window, as a fraction of it (0 … 1):
   * the peak is at start + ratio·(end − start). 1 rises over the whole window.
   * Defaults: 0.9 for ramps, 0.95 for parabolas.
   */
  ratio?: number;
}

function peaked(where: string, options: PeakOptions, defaultRatio: number, shape: (u: number) => number): Float64Array {
  const w = window(where, options);
  const a = finite(where, 'amplitude', options.amplitude);
  const ratio = options.ratio === undefined ? defaultRatio : finite(where, 'ratio', options.ratio);
  if (ratio < 0 || ratio > 1) {
    throw new InputDataError(where, `ratio is ${ratio}.`, 'Pass a ratio between 0 and 1 (where the peak lies within [start, end)).');
  }
  const peak = w.start + ratio * (w.end - w.start);
  const x = new Float64Array(w.n).fill(w.baseline);
  for (let i = w.i0; i < w.i1; i++) {
    const t = i * w.dt;
    // Rising part: (t − start)/(peak − start); falling part: (end − t)/(end − peak).
    const u = t <= peak ? (peak > w.start ? (t - w.start) / (peak - w.start) : 1) : (w.end - t) / (w.end - peak);
    x[i] += a * shape(Math.min(1, Math.max(0, u)));
  }
  return x;
}

/**
 * A triangular ramp: rises linearly from the baseline at `start` to
 * baseline + amplitude at the peak (start + ratio·(end − start)), then falls
 * linearly back to the baseline at `end`.
 * @param options - grid, window, amplitude and ratio (default 0.9)
 * @returns one value per step
 * @throws {@link InputDataError} on an invalid grid, window, amplitude or ratio
 * @example
 * ```ts
 * const up = ramp({ dt: 1e-4, duration: 1, amplitude: 20, ratio: 1 }); // 0 → 20 over 1 s
 * ```
 */
export function ramp(options: PeakOptions): Float64Array {
  checkOptions('ramp', options, PEAK_KEYS);
  return peaked('ramp', options, 0.9, (u) => u);
}

/**
 * A parabolic pulse: baseline + amplitude·u², where u rises linearly from 0 at
 * `start` to 1 at the peak (start + ratio·(end − start)) and falls back to 0
 * at `end`.
 * @param options - grid, window, amplitude and ratio (default 0.95)
 * @returns one value per step
 * @throws {@link InputDataError} on an invalid grid, window, amplitude or ratio
 */
export function parabola(options: PeakOptions): Float64Array {
  checkOptions('parabola', options, PEAK_KEYS);
  return peaked('parabola', options, 0.95, (u) => u * u);
}

/** Options of {@link sinusoid}. */
export interface SinusoidOptions extends GridOptions, WindowOptions {
  /** The amplitude (half the peak-to-peak height). */
  amplitude: number;
  /** The frequency in Hz, ≥ 0. */
  frequency: number;
  /** The phase in radians at `start` (default 0). */
  phase?: number;
}

/**
 * A sinusoid: baseline + amplitude·sin(2πf(t − start) + phase) for
 * start ≤ t < end, baseline elsewhere.
 * @param options - grid, window, amplitude, frequency and phase
 * @returns one value per step
 * @throws {@link InputDataError} on an invalid grid, window, amplitude,
 *   frequency or phase
 */
export function sinusoid(options: SinusoidOptions): Float64Array {
  checkOptions('sinusoid', options, SINUSOID_KEYS);
  const w = window('sinusoid', options);
  const a = finite('sinusoid', 'amplitude', options.amplitude);
  const f = nonNegative('sinusoid', 'frequency', options.frequency, 'Hz');
  const phase = options.phase === undefined ? 0 : finite('sinusoid', 'phase', options.phase);
  const x = new Float64Array(w.n).fill(w.baseline);
  for (let i = w.i0; i < w.i1; i++) x[i] += a * Math.sin(2 * Math.PI * f * (i * w.dt - w.start) + phase);
  return x;
}

/** Options of {@link spikeTrain}. */
export interface SpikeTrainOptions extends GridOptions {
  /** Spike times in seconds, each in [0, steps·dt); any order. */
  times: ArrayLike<number>;
  /** The value added at each spike's step (default 1). */
  amplitude?: number;
}

/**
 * A spike train on the grid from spike times: the step containing each time
 * (index floor(t / dt)) receives `amplitude`; spikes sharing a step add up.
 * @param options - grid, spike times and amplitude
 * @returns one value per step (0 where no spike)
 * @throws {@link InputDataError} on an invalid grid, or a spike time that is
 *   NaN, negative or not before the end of the grid
 * @example
 * ```ts
 * spikeTrain({ dt: 1e-3, steps: 5, times: [0.001, 0.003] }); // [0, 1, 0, 1, 0]
 * ```
 */
export function spikeTrain(options: SpikeTrainOptions): Float64Array {
  checkOptions('spikeTrain', options, SPIKE_TRAIN_KEYS);
  const n = resolveSteps('spikeTrain', options);
  const times = samples('spikeTrain', 'times', options?.times);
  const a = options.amplitude === undefined ? 1 : finite('spikeTrain', 'amplitude', options.amplitude);
  const x = new Float64Array(n);
  for (let k = 0; k < times.length; k++) {
    const t = times[k];
    const i = Math.floor(t / options.dt + EPS);
    if (t < 0 || i >= n) {
      throw new InputDataError('spikeTrain', `times[${k}] = ${t} s is outside the grid [0, ${n * options.dt}) s.`, 'Drop spike times outside the grid or lengthen it.');
    }
    x[i] += a;
  }
  return x;
}

/** Options of {@link poissonSpikeTimes} and {@link poissonSpikeTrain}. */
export interface PoissonOptions {
  /** The time step in seconds, > 0. */
  dt: number;
  /** The length in seconds (optional when `rate` is an array). */
  duration?: number;
  /** The number of steps (optional when `rate` is an array). */
  steps?: number;
  /**
   * The firing rate in Hz: one number, or one value per step (an
   * inhomogeneous process with the rate held constant over each step).
   */
  rate: number | ArrayLike<number>;
  /** A seed or a generator; the same seed gives the same spikes. */
  seed: Seed;
}

/**
 * Spike times of a Poisson process, drawn exactly in continuous time:
 * exponential intervals at the peak rate, each spike kept with probability
 * rate(t)/peak (thinning; no thinning when the rate is constant).
 * @param options - grid, rate (Hz) and seed
 * @returns spike times in seconds, increasing, in [0, steps·dt)
 * @throws {@link InputDataError} on an invalid grid or seed, a negative or
 *   non-finite rate, or a rate array whose length is not the number of steps
 */
export function poissonSpikeTimes(options: PoissonOptions): Float64Array {
  checkOptions('poissonSpikeTimes', options, POISSON_KEYS);
  const where = 'poissonSpikeTimes';
  const { n, rate, peak } = poissonSetup(where, options);
  const r = toRng(options.seed, where);
  const T = n * options.dt;
  const out: number[] = [];
  if (peak === 0) return new Float64Array(0);
  for (let t = r.exponential(peak); t < T; t += r.exponential(peak)) {
    if (typeof rate === 'number') {
      out.push(t);
      continue;
    }
    const ri = rate[Math.min(n - 1, Math.floor(t / options.dt))];
    if (ri >= peak || r.uniform() * peak < ri) out.push(t);
  }
  return Float64Array.from(out);
}

function poissonSetup(where: string, options: PoissonOptions): { n: number; rate: number | ArrayLike<number>; peak: number } {
  if (options === null || typeof options !== 'object') {
    throw new InputDataError(where, `options are ${describeValue(options)}.`, 'Pass an object such as { dt: 1e-4, duration: 1, rate: 20, seed: 1 }.');
  }
  const rate = options.rate;
  if (typeof rate === 'number') {
    nonNegative(where, 'rate', rate, 'Hz');
    return { n: resolveSteps(where, options), rate, peak: rate };
  }
  const arr = samples(where, 'rate', rate);
  const n = options.duration === undefined && options.steps === undefined ? (positive(where, 'dt', options.dt, 'seconds'), arr.length) : resolveSteps(where, options);
  if (arr.length !== n) {
    throw new InputDataError(where, `rate has ${arr.length} values but the grid has ${n} steps.`, 'Pass one rate per step, or omit duration and steps.');
  }
  let peak = 0;
  for (let i = 0; i < n; i++) {
    if (arr[i] < 0) throw new InputDataError(where, `rate[${i}] is ${arr[i]} Hz.`, 'Rates must be ≥ 0.');
    peak = Math.max(peak, arr[i]);
  }
  return { n, rate: arr, peak };
}

/**
 * A Poisson spike train on the grid: the number of spikes of
 * {@link poissonSpikeTimes} falling in each step (almost always 0 or 1 while
 * rate·dt ≪ 1).
 * @param options - grid, rate (Hz) and seed
 * @returns one spike count per step
 * @throws {@link InputDataError} as {@link poissonSpikeTimes}
 * @example
 * ```ts
 * const s = poissonSpikeTrain({ dt: 1e-4, duration: 10, rate: 20, seed: 1 }); // ≈ 200 spikes
 * ```
 */
export function poissonSpikeTrain(options: PoissonOptions): Float64Array {
  checkOptions('poissonSpikeTrain', options, POISSON_KEYS);
  const where = 'poissonSpikeTrain';
  const { n } = poissonSetup(where, options);
  const times = poissonSpikeTimes(options);
  const x = new Float64Array(n);
  for (const t of times) x[Math.min(n - 1, Math.floor(t / options.dt))] += 1;
  return x;
}

/** Options of {@link bandLimitedNoise}. */
export interface BandLimitedNoiseOptions extends GridOptions {
  /** The highest frequency present, in Hz (capped just below the Nyquist frequency 1/(2dt)). */
  cutoff: number;
  /** The lowest frequency present, in Hz (default 0: from the lowest non-zero frequency 1/T). */
  low?: number;
  /** The root-mean-square of the fluctuations (default 1). */
  rms?: number;
  /** The mean added to the fluctuations (default 0). */
  mean?: number;
  /** A seed or a generator; the same seed gives the same noise. */
  seed: Seed;
}

/**
 * Band-limited white noise: a sum of sinusoids at the frequencies
 * k/T (T = steps·dt) with low ≤ k/T ≤ cutoff, each with independent normal
 * cosine and sine coefficients (a flat spectrum inside the band, nothing
 * outside it), synthesised with one inverse FFT. The result is periodic over
 * T, its fluctuations have exactly the requested RMS (sample RMS about
 * `mean`), and its discrete spectrum is zero above `cutoff` up to rounding.
 * @param options - grid, band (Hz), rms, mean and seed
 * @returns one value per step
 * @throws {@link InputDataError} on an invalid grid, band, rms or seed, or
 *   when no frequency k/T lies in the band (lengthen the grid or widen the band)
 */
export function bandLimitedNoise(options: BandLimitedNoiseOptions): Float64Array {
  checkOptions('bandLimitedNoise', options, BAND_LIMITED_NOISE_KEYS);
  const where = 'bandLimitedNoise';
  const n = resolveSteps(where, options);
  const cutoff = positive(where, 'cutoff', options.cutoff, 'Hz');
  const low = options.low === undefined ? 0 : nonNegative(where, 'low', options.low, 'Hz');
  const rms = options.rms === undefined ? 1 : nonNegative(where, 'rms', options.rms);
  const mean = options.mean === undefined ? 0 : finite(where, 'mean', options.mean);
  const r = toRng(options.seed, where);
  if (n === 0) return new Float64Array(0);
  const T = n * options.dt;
  // Frequencies k/T; k < n/2 keeps every component strictly below Nyquist.
  const kMax = Math.min(Math.floor(cutoff * T + EPS), Math.ceil(n / 2) - 1);
  const kMin = Math.max(1, Math.ceil(low * T - EPS));
  if (kMin > kMax) {
    throw new InputDataError(where, `no frequency k/T (T = ${T} s, step ${1 / T} Hz, below Nyquist ${1 / (2 * options.dt)} Hz) lies in [${low}, ${cutoff}] Hz.`, 'Lengthen the stimulus, widen the band or reduce dt.');
  }
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let k = kMin; k <= kMax; k++) {
    const a = r.normal();
    const b = r.normal();
    // Hermitian symmetry makes the inverse transform real.
    re[k] = a;
    im[k] = b;
    re[n - k] = a;
    im[n - k] = -b;
  }
  dft(re, im, true);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += re[i] * re[i];
  const scale = ss > 0 ? rms / Math.sqrt(ss / n) : 0;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = mean + scale * re[i];
  return x;
}

/** Options of {@link ornsteinUhlenbeck}. */
export interface OrnsteinUhlenbeckOptions extends GridOptions {
  /** The correlation time in seconds, > 0. */
  tau: number;
  /** The noise intensity σ ≥ 0; the stationary variance is σ²τ/2. */
  sigma: number;
  /** The mean the process relaxes to (default 0). */
  mean?: number;
  /** The value at t = 0 (default: a draw from the stationary distribution). */
  initial?: number;
  /** A seed or a generator; the same seed gives the same path. */
  seed: Seed;
}

/**
 * Ornstein–Uhlenbeck noise, dx = (μ − x)/τ dt + σ dW, sampled with the exact
 * discretisation x_{i+1} = μ + (x_i − μ)e^{−dt/τ} + σ√(τ/2 · (1 − e^{−2dt/τ}))·ξ_i
 * (ξ_i standard normal), so the statistics do not depend on dt: stationary
 * variance σ²τ/2, autocorrelation e^{−|Δt|/τ}.
 * @param options - grid, tau (s), sigma, mean, initial value and seed
 * @returns one value per step
 * @throws {@link InputDataError} on an invalid grid, tau, sigma, mean, initial value or seed
 * @example
 * ```ts
 * const I = ornsteinUhlenbeck({ dt: 1e-4, duration: 2, tau: 5e-3, sigma: 2, mean: 10, seed: 7 });
 * ```
 */
export function ornsteinUhlenbeck(options: OrnsteinUhlenbeckOptions): Float64Array {
  checkOptions('ornsteinUhlenbeck', options, ORNSTEIN_UHLENBECK_KEYS);
  const where = 'ornsteinUhlenbeck';
  const n = resolveSteps(where, options);
  const tau = positive(where, 'tau', options.tau, 'seconds');
  const sigma = nonNegative(where, 'sigma', options.sigma);
  const mu = options.mean === undefined ? 0 : finite(where, 'mean', options.mean);
  const initial = options.initial === undefined ? undefined : finite(where, 'initial', options.initial);
  const r = toRng(options.seed, where);
  const x = new Float64Array(n);
  if (n === 0) return x;
  const sdStationary = sigma * Math.sqrt(tau / 2);
  const decay = Math.exp(-options.dt / tau);
  // −expm1 keeps 1 − e^{−2dt/τ} accurate when dt ≪ τ.
  const sdStep = sdStationary * Math.sqrt(-Math.expm1((-2 * options.dt) / tau));
  x[0] = initial ?? r.normal(mu, sdStationary);
  for (let i = 1; i < n; i++) x[i] = mu + (x[i - 1] - mu) * decay + sdStep * r.normal();
  return x;
}

/** Options of {@link gaussianNoise}. */
export interface GaussianNoiseOptions extends GridOptions {
  /** The standard deviation of each sample, ≥ 0. */
  sd: number;
  /** The mean (default 0). */
  mean?: number;
  /** A seed or a generator; the same seed gives the same noise. */
  seed: Seed;
}

/**
 * Independent normal samples, one per step (discrete white noise; its
 * power spreads up to the Nyquist frequency, so it depends on dt).
 * @param options - grid, sd, mean and seed
 * @returns one value per step
 * @throws {@link InputDataError} on an invalid grid, sd, mean or seed
 */
export function gaussianNoise(options: GaussianNoiseOptions): Float64Array {
  checkOptions('gaussianNoise', options, GAUSSIAN_NOISE_KEYS);
  const where = 'gaussianNoise';
  const n = resolveSteps(where, options);
  const sd = nonNegative(where, 'sd', options.sd);
  const mean = options.mean === undefined ? 0 : finite(where, 'mean', options.mean);
  const r = toRng(options.seed, where);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = r.normal(mean, sd);
  return x;
}

/**
 * Builds a (steps × num) row-major matrix for a population input from
 * per-unit columns: entry [t, i] = column(i)[t], at index t·num + i.
 * @param steps - the number of rows (time steps)
 * @param num - the number of columns (units)
 * @param column - returns unit i's stimulus, `steps` values long
 * @returns the matrix, ready for `input.set(data)`
 * @throws {@link InputDataError} when steps or num is not a whole number, or
 *   a column has the wrong length
 * @example
 * ```ts
 * const data = population(10000, 10, (i) => step({ dt: 1e-4, steps: 10000, amplitude: i }));
 * ```
 */
export function population(steps: number, num: number, column: (i: number) => ArrayLike<number>): Float64Array;
/**
 * Builds a (steps × num) row-major matrix from a list of equally long columns.
 * @param columns - one array per unit
 * @returns the matrix
 * @throws {@link InputDataError} when the columns differ in length
 */
export function population(columns: readonly ArrayLike<number>[]): Float64Array;
export function population(
  a: number | readonly ArrayLike<number>[],
  b?: number,
  c?: (i: number) => ArrayLike<number>,
): Float64Array {
  const where = 'population';
  let steps: number;
  let num: number;
  let column: (i: number) => ArrayLike<number>;
  if (Array.isArray(a)) {
    const cols = a as readonly ArrayLike<number>[];
    num = cols.length;
    steps = num > 0 ? samples(where, 'columns[0]', cols[0], false).length : 0;
    column = (i) => cols[i];
  } else {
    steps = count(where, 'steps', a);
    num = count(where, 'num', b);
    if (typeof c !== 'function') {
      throw new InputDataError(where, `column is ${describeValue(c)}, not a function.`, 'Pass (i) => the stimulus of unit i.');
    }
    column = c;
  }
  const out = new Float64Array(steps * num);
  for (let i = 0; i < num; i++) {
    const col = samples(where, `column ${i}`, column(i));
    if (col.length !== steps) {
      throw new InputDataError(where, `column ${i} has ${col.length} values, expected ${steps}.`, 'Make every column one value per step.');
    }
    for (let t = 0; t < steps; t++) out[t * num + i] = col[t];
  }
  return out;
}
