/**
 * Spike and signal analysis: spike detection from voltage traces, spike
 * events from recorded 0/1 matrices, counts, firing rates, peri-stimulus time
 * histograms, inter-spike intervals, signal-to-noise ratio and power spectra.
 *
 * Every function takes plain arrays (Float64Array, Float32Array, number[])
 * and recordings: anything with `data` (row-major) and `shape: [steps, num]`,
 * such as a network recorder's output (see {@link TraceLike}).
 */
import { checkOptions, keysOnly } from '../options.js';
import { InputDataError, describeValue } from '../errors.js';
import { count, finite, nonNegative, positive, samples } from './check.js';
import { dft } from './fourier.js';

/** The keys each options object may hold (values are checked where they are used). */
const COUNT_KEYS = keysOnly('dt', 'num', 'duration');
const DETECT_KEYS = keysOnly('dt', 'threshold', 'refractory');
const EVENTS_FROM_TIMES_KEYS = keysOnly('duration');
const INTERVAL_KEYS = keysOnly('dt');
const PSTH_KEYS = keysOnly('dt', 'num', 'duration', 'bin');

/** A one-dimensional signal: Float64Array, Float32Array or number[]. */
export type Samples = ArrayLike<number>;

/**
 * A recording: a (rows × cols) matrix stored row-major, one row per recorded
 * time step and one column per unit. A network recorder's output satisfies
 * it, and so does a plain `{ data, shape }` object.
 */
export interface TraceLike {
  /** The values, row-major: entry [t, i] is at index t·cols + i. */
  readonly data: ArrayLike<number>;
  /** [rows, cols] = [recorded steps, units]. */
  readonly shape: readonly [number, number] | readonly number[];
  /** The simulation time step in seconds, when known. */
  readonly dt?: number;
  /**
   * Every `rate`-th simulation step was kept (default 1), so consecutive rows
   * are dt·rate seconds apart.
   */
  readonly rate?: number;
}

/**
 * Spike events as parallel arrays: spike k is at `times[k]` in unit
 * `units[k]`. `num` and `duration`, when present, say how many units and how
 * long a recording the events come from (needed for rates).
 */
export interface SpikeEventsLike {
  /** Spike times (seconds, or steps when no time step was known). */
  readonly times: ArrayLike<number>;
  /** The unit (column) of each spike. */
  readonly units: ArrayLike<number>;
  /** How many units were observed, silent ones included. */
  readonly num?: number;
  /** How long they were observed, in the units of `times`. */
  readonly duration?: number;
}

/** Spike events produced by this module, sorted by time and then unit. */
export interface SpikeEvents extends SpikeEventsLike {
  /** Spike times, increasing (seconds, or samples when no interval was known). */
  readonly times: Float64Array;
  /** The unit of each spike; ties in time are ordered by unit. */
  readonly units: Int32Array;
  /** How many units were observed, silent ones included. */
  readonly num: number;
  /** How long they were observed, in the units of `times`. */
  readonly duration: number;
}

/** Option shared by the functions that read recordings. */
export interface IntervalOptions {
  /**
   * Seconds between consecutive samples (rows). Overrides the recording's
   * dt·rate; default 1, i.e. times and durations counted in samples.
   */
  dt?: number;
}

/** A checked recording as a row-major matrix (see {@link recordingMatrix}). */
export interface Matrix {
  /** The values, row-major. */
  data: ArrayLike<number>;
  /** Rows (steps). */
  rows: number;
  /** Columns (units). */
  cols: number;
  /** Time between rows, from {@link sampleInterval}. */
  interval: number;
}

/**
 * Tells a recording ({@link TraceLike}) from other inputs.
 * @param x - anything
 * @returns true when x has `data` and a two-entry `shape`
 */
export function isTraceLike(x: unknown): x is TraceLike {
  if (x === null || typeof x !== 'object') return false;
  const o = x as { data?: unknown; shape?: unknown };
  return o.data !== undefined && Array.isArray(o.shape) && o.shape.length === 2;
}

/**
 * Tells spike events ({@link SpikeEventsLike}) from other inputs.
 * @param x - anything
 * @returns true when x has `times` (not a method, as a Recording has) and `units`
 */
export function isSpikeEvents(x: unknown): x is SpikeEventsLike {
  if (x === null || typeof x !== 'object') return false;
  const o = x as { times?: unknown; units?: unknown };
  // A Recording has a times() method and `units` (null, or its columns' units): it is a trace.
  return o.times !== undefined && typeof o.times !== 'function' && o.units !== undefined && o.units !== null;
}

/**
 * The time between consecutive rows of a recording: `dt` if given, else the
 * recording's dt·rate, else 1 (one sample).
 * @param trace - the recording
 * @param dt - an explicit interval in seconds, overriding the recording's
 * @returns seconds (or samples) between rows
 * @throws {@link InputDataError} when an interval is given but not positive
 */
export function sampleInterval(trace: TraceLike, dt?: number): number {
  if (dt !== undefined) return positive('sampleInterval', 'dt', dt, 'seconds');
  const base = trace.dt === undefined ? 1 : positive('sampleInterval', 'trace.dt', trace.dt, 'seconds');
  const rate = trace.rate === undefined ? 1 : positive('sampleInterval', 'trace.rate', trace.rate);
  return base * rate;
}

/**
 * Checks a recording and returns its matrix view: the one check of a
 * recording for the analysis functions and the plots.
 * @param where - the caller
 * @param trace - the recording
 * @param dt - an explicit interval
 * @returns data, rows, cols and the interval between rows
 * @throws {@link InputDataError} when it is not a recording, its shape is not two counts, or its data does not fill the shape
 */
export function recordingMatrix(where: string, trace: TraceLike, dt?: number): Matrix {
  if (!isTraceLike(trace)) {
    throw new InputDataError(where, `the recording is ${describeValue(trace)}.`, 'Pass a recorder output or { data, shape: [steps, num] }.');
  }
  const [rows, cols] = trace.shape;
  count(where, 'shape[0]', rows);
  count(where, 'shape[1]', cols);
  const data = samples(where, 'data', trace.data, false);
  if (data.length !== rows * cols) {
    throw new InputDataError(where, `data has ${data.length} values but shape [${rows}, ${cols}] needs ${rows * cols}.`, 'Make data.length = steps × num (row-major).');
  }
  return { data, rows, cols, interval: sampleInterval(trace, dt) };
}

/**
 * Copies one unit's trace (a column) out of a recording.
 * @param trace - the recording
 * @param unit - the column, 0 ≤ unit < cols
 * @returns the column, one value per row
 * @throws {@link InputDataError} on a malformed recording or a unit out of range
 */
export function column(trace: TraceLike, unit: number): Float64Array {
  const m = recordingMatrix('column', trace);
  if (!Number.isInteger(unit) || unit < 0 || unit >= m.cols) {
    throw new InputDataError('column', `unit ${describeValue(unit)} is out of range.`, `Pass a unit between 0 and ${m.cols - 1}.`);
  }
  const out = new Float64Array(m.rows);
  for (let t = 0; t < m.rows; t++) out[t] = m.data[t * m.cols + unit];
  return out;
}

/** Options of {@link detectSpikes} and {@link detectSpikeEvents}. */
export interface DetectOptions extends IntervalOptions {
  /** A spike is an upward crossing of this level (default 0). */
  threshold?: number;
  /**
   * Crossings less than this long after the previous spike are ignored, in
   * the units of dt (default 0: every crossing counts).
   */
  refractory?: number;
}

function detectOptions(where: string, o: DetectOptions | undefined): { threshold: number; refractory: number } {
  const threshold = o?.threshold === undefined ? 0 : finite(where, 'threshold', o.threshold);
  const refractory = o?.refractory === undefined ? 0 : nonNegative(where, 'refractory', o.refractory);
  return { threshold, refractory };
}

/**
 * Detects spikes in a voltage trace as upward threshold crossings: sample i
 * is a spike when v[i − 1] < threshold ≤ v[i] and at least `refractory` has
 * passed since the previous spike.
 * @param v - the voltage trace
 * @param options - threshold (default 0), refractory period, dt (default 1)
 * @returns spike times i·dt (sample indices when dt is 1), increasing
 * @throws {@link InputDataError} when v is not an array of finite numbers, or
 *   an option is invalid
 * @example
 * ```ts
 * detectSpikes([-70, -10, 20, -60, 5], { threshold: 0 }); // Float64Array [2, 4]
 * ```
 */
export function detectSpikes(v: Samples, options?: DetectOptions): Float64Array {
  checkOptions('detectSpikes', options, DETECT_KEYS);
  const where = 'detectSpikes';
  const x = samples(where, 'v', v);
  const { threshold, refractory } = detectOptions(where, options);
  const dt = options?.dt === undefined ? 1 : positive(where, 'dt', options.dt, 'seconds');
  const out: number[] = [];
  let last = -Infinity;
  for (let i = 1; i < x.length; i++) {
    if (x[i - 1] < threshold && x[i] >= threshold) {
      const t = i * dt;
      if (t - last >= refractory) {
        out.push(t);
        last = t;
      }
    }
  }
  return Float64Array.from(out);
}

/**
 * Detects spikes in every unit of a voltage recording (see {@link detectSpikes}).
 * @param trace - the recording, (steps × num)
 * @param options - threshold, refractory period, dt (default: the recording's)
 * @returns the spike events of all units, sorted by time then unit
 * @throws {@link InputDataError} on a malformed recording, a non-finite
 *   value, or an invalid option
 */
export function detectSpikeEvents(trace: TraceLike, options?: DetectOptions): SpikeEvents {
  checkOptions('detectSpikeEvents', options, DETECT_KEYS);
  const where = 'detectSpikeEvents';
  const m = recordingMatrix(where, trace, options?.dt);
  const { threshold, refractory } = detectOptions(where, options);
  const last = new Float64Array(m.cols).fill(-Infinity);
  const times: number[] = [];
  const units: number[] = [];
  for (let j = 0; j < m.data.length; j++) {
    if (!Number.isFinite(m.data[j])) {
      throw new InputDataError(where, `the value at step ${Math.floor(j / m.cols)}, unit ${j % m.cols} is ${describeValue(m.data[j])}.`, 'Check the simulation for numerical problems (checkFinite) before detecting spikes.');
    }
  }
  for (let t = 1; t < m.rows; t++) {
    for (let i = 0; i < m.cols; i++) {
      const prev = m.data[(t - 1) * m.cols + i];
      const cur = m.data[t * m.cols + i];
      if (prev < threshold && cur >= threshold) {
        const time = t * m.interval;
        if (time - last[i] >= refractory) {
          times.push(time);
          units.push(i);
          last[i] = time;
        }
      }
    }
  }
  return { times: Float64Array.from(times), units: Int32Array.from(units), num: m.cols, duration: m.rows * m.interval };
}

/**
 * Reads spike events from a recorded spike matrix: each non-zero entry [t, i]
 * is one spike of unit i at time t·dt. A one-dimensional array is one unit.
 * @param spikes - a (steps × num) recording of 0/1 spike states, or one train
 * @param options - dt, seconds between rows (default: the recording's dt·rate, else 1)
 * @returns the events sorted by time then unit, with num and duration
 * @throws {@link InputDataError} on a malformed recording or a NaN entry
 * @example
 * ```ts
 * const ev = spikeEvents(iaf.recorder.get('spike'));
 * ev.times; ev.units; // parallel arrays
 * ```
 */
export function spikeEvents(spikes: TraceLike | Samples, options?: IntervalOptions): SpikeEvents {
  checkOptions('spikeEvents', options, INTERVAL_KEYS);
  const where = 'spikeEvents';
  const m = asMatrix(where, spikes, options?.dt);
  const times: number[] = [];
  const units: number[] = [];
  for (let t = 0; t < m.rows; t++) {
    for (let i = 0; i < m.cols; i++) {
      const x = m.data[t * m.cols + i];
      if (Number.isNaN(x)) {
        throw new InputDataError(where, `the value at step ${t}, unit ${i} is NaN.`, 'Pass a recording of 0/1 spike states.');
      }
      if (x !== 0) {
        times.push(t * m.interval);
        units.push(i);
      }
    }
  }
  return { times: Float64Array.from(times), units: Int32Array.from(units), num: m.cols, duration: m.rows * m.interval };
}

function asMatrix(where: string, x: TraceLike | Samples, dt?: number): Matrix {
  if (isTraceLike(x)) return recordingMatrix(where, x, dt);
  const data = samples(where, 'spikes', x, false);
  return { data, rows: data.length, cols: 1, interval: dt === undefined ? 1 : positive(where, 'dt', dt, 'seconds') };
}

/** Options of {@link eventsFromTimes}. */
export interface EventsFromTimesOptions {
  /** The observation length (default: just past the last spike). */
  duration?: number;
}

/**
 * Gathers per-unit spike times (for example from {@link detectSpikes} or
 * `poissonSpikeTimes`) into one set of events.
 * @param trains - trains[i] holds unit i's spike times
 * @param options - the observation duration
 * @returns the events sorted by time then unit, num = trains.length
 * @throws {@link InputDataError} when a train is not an array of finite numbers
 */
export function eventsFromTimes(trains: readonly Samples[], options?: EventsFromTimesOptions): SpikeEvents {
  checkOptions('eventsFromTimes', options, EVENTS_FROM_TIMES_KEYS);
  const where = 'eventsFromTimes';
  if (!Array.isArray(trains)) {
    throw new InputDataError(where, `trains is ${describeValue(trains)}.`, 'Pass an array with one array of spike times per unit.');
  }
  const pairs: [number, number][] = [];
  trains.forEach((train, i) => {
    const ts = samples(where, `trains[${i}]`, train);
    for (let k = 0; k < ts.length; k++) pairs.push([ts[k], i]);
  });
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const times = Float64Array.from(pairs, (p) => p[0]);
  const units = Int32Array.from(pairs, (p) => p[1]);
  let duration: number;
  if (options?.duration !== undefined) duration = nonNegative(where, 'duration', options.duration);
  else duration = times.length ? times[times.length - 1] : 0;
  return { times, units, num: trains.length, duration };
}

function eventsCheck(where: string, ev: SpikeEventsLike, num?: number): { times: Samples; units: Samples; num: number } {
  const times = samples(where, 'events.times', ev.times);
  const units = samples(where, 'events.units', ev.units);
  if (times.length !== units.length) {
    throw new InputDataError(where, `events.times has ${times.length} entries but events.units has ${units.length}.`, 'Give every spike one time and one unit.');
  }
  const n = num ?? ev.num;
  if (n === undefined) {
    throw new InputDataError(where, 'the number of units is unknown.', 'Pass num (silent units included) in the options or in the events.');
  }
  count(where, 'num', n);
  for (let k = 0; k < units.length; k++) {
    if (!Number.isInteger(units[k]) || units[k] < 0 || units[k] >= n) {
      throw new InputDataError(where, `events.units[${k}] = ${units[k]} is not a unit in [0, ${n}).`, 'Pass the right num, or fix the unit indices.');
    }
  }
  return { times, units, num: n };
}

/** Options of {@link spikeCounts}, {@link firingRates} and {@link psth}. */
export interface CountOptions extends IntervalOptions {
  /** The number of units, when spike events do not say. */
  num?: number;
  /** The observation length, when spike events do not say (same units as their times). */
  duration?: number;
}

/**
 * Counts the spikes (non-zero entries) of one spike train.
 * @param train - a 0/1 train, one entry per step
 * @returns the number of non-zero entries
 * @throws {@link InputDataError} when train is not an array
 */
export function spikeCounts(train: Samples): number;
/**
 * Counts each unit's spikes (non-zero entries) in a recorded spike matrix.
 * @param recording - a (steps × num) recording of 0/1 spike states
 * @returns one count per unit
 * @throws {@link InputDataError} on a malformed recording
 */
export function spikeCounts(recording: TraceLike): Float64Array;
/**
 * Counts each unit's spike events.
 * @param events - spike events
 * @param options - num, when the events do not carry it
 * @returns one count per unit
 * @throws {@link InputDataError} when the number of units is unknown or a unit is out of range
 */
export function spikeCounts(events: SpikeEventsLike, options?: CountOptions): Float64Array;
export function spikeCounts(x: Samples | TraceLike | SpikeEventsLike, options?: CountOptions): number | Float64Array {
  checkOptions('spikeCounts', options, COUNT_KEYS);
  const where = 'spikeCounts';
  if (isSpikeEvents(x)) {
    const ev = eventsCheck(where, x, options?.num);
    const c = new Float64Array(ev.num);
    for (let k = 0; k < ev.units.length; k++) c[ev.units[k]]++;
    return c;
  }
  const m = asMatrix(where, x as TraceLike | Samples);
  const c = new Float64Array(m.cols);
  for (let j = 0; j < m.data.length; j++) if (m.data[j] !== 0) c[j % m.cols]++;
  return isTraceLike(x) ? c : c[0];
}

/**
 * The mean firing rate of one 0/1 spike train: spikes / (length·dt).
 * @param train - a 0/1 train, one entry per step
 * @param options - dt in seconds (default 1: spikes per step)
 * @returns the rate (Hz when dt is in seconds); NaN for an empty train
 * @throws {@link InputDataError} when train is not an array or dt is invalid
 */
export function firingRates(train: Samples, options?: CountOptions): number;
/**
 * Each unit's mean firing rate in a recorded spike matrix: spikes / duration.
 * @param recording - a (steps × num) 0/1 recording
 * @param options - dt, seconds between rows (default: the recording's)
 * @returns one rate per unit (Hz when the interval is in seconds)
 * @throws {@link InputDataError} on a malformed recording
 */
export function firingRates(recording: TraceLike, options?: CountOptions): Float64Array;
/**
 * Each unit's mean firing rate from spike events: spikes / duration.
 * @param events - spike events
 * @param options - num and duration, when the events do not carry them
 * @returns one rate per unit
 * @throws {@link InputDataError} when num or duration is unknown or invalid
 */
export function firingRates(events: SpikeEventsLike, options?: CountOptions): Float64Array;
export function firingRates(x: Samples | TraceLike | SpikeEventsLike, options?: CountOptions): number | Float64Array {
  checkOptions('firingRates', options, COUNT_KEYS);
  const where = 'firingRates';
  if (isSpikeEvents(x)) {
    const duration = options?.duration ?? x.duration;
    if (duration === undefined) {
      throw new InputDataError(where, 'the observation duration is unknown.', 'Pass duration in the options or in the events.');
    }
    positive(where, 'duration', duration);
    const c = spikeCounts(x, options);
    return c.map((v) => v / duration);
  }
  const m = asMatrix(where, x as TraceLike | Samples, options?.dt);
  const duration = m.rows * m.interval;
  const c = new Float64Array(m.cols);
  for (let j = 0; j < m.data.length; j++) if (m.data[j] !== 0) c[j % m.cols]++;
  const rates = c.map((v) => v / duration);
  return isTraceLike(x) ? rates : rates[0];
}

/** Options of {@link psth}. */
export interface PsthOptions extends CountOptions {
  /** The bin width, in the units of the times (seconds when dt is known), > 0. */
  bin: number;
}

/** A peri-stimulus time histogram. */
export interface Psth {
  /** Bin edges, one more than bins: [0, bin, 2·bin, …, duration]. */
  readonly edges: Float64Array;
  /** Bin centres. */
  readonly centers: Float64Array;
  /** Spikes in each bin, summed over units. */
  readonly counts: Float64Array;
  /** Mean rate per unit in each bin: counts / (num · bin width). */
  readonly rates: Float64Array;
  /** The bin width. */
  readonly bin: number;
  /** How many units were averaged. */
  readonly num: number;
}

/**
 * Computes a peri-stimulus time histogram: spikes binned in time, summed
 * over units, and turned into the mean rate per unit. Spikes at time t fall
 * in bin floor(t / bin); a shorter last bin is divided by its own width.
 * @param x - a (steps × num) 0/1 recording, one 0/1 train, or spike events
 * @param options - bin width; dt, num and duration as needed
 * @returns edges, centres, counts and rates
 * @throws {@link InputDataError} when the bin is not positive, or num or
 *   duration is unknown for events
 * @example
 * ```ts
 * const h = psth(iaf.recorder.get('spike'), { bin: 10e-3, dt: 1e-4 });
 * h.rates; // Hz, one per 10 ms bin
 * ```
 */
export function psth(x: TraceLike | Samples | SpikeEventsLike, options: PsthOptions): Psth {
  checkOptions('psth', options, PSTH_KEYS);
  const where = 'psth';
  const bin = positive(where, 'bin', options?.bin);
  let ev: { times: Samples; units: Samples; num: number };
  let duration: number;
  if (isSpikeEvents(x)) {
    ev = eventsCheck(where, x, options.num);
    const d = options.duration ?? x.duration;
    if (d === undefined) {
      throw new InputDataError(where, 'the observation duration is unknown.', 'Pass duration in the options or in the events.');
    }
    duration = nonNegative(where, 'duration', d);
  } else {
    const e = spikeEvents(x as TraceLike | Samples, { dt: options.dt });
    ev = e;
    duration = e.duration;
  }
  // Tolerance: a duration that is a whole number of bins up to rounding has no partial bin.
  const bins = Math.max(0, Math.ceil(duration / bin - 1e-9));
  const edges = new Float64Array(bins + 1);
  for (let b = 0; b <= bins; b++) edges[b] = Math.min(b * bin, duration);
  const counts = new Float64Array(bins);
  for (let k = 0; k < ev.times.length; k++) {
    const t = ev.times[k];
    if (t < 0 || t >= duration) continue;
    counts[Math.min(bins - 1, Math.floor(t / bin + 1e-9))]++;
  }
  const centers = new Float64Array(bins);
  const rates = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    const width = edges[b + 1] - edges[b];
    centers[b] = (edges[b] + edges[b + 1]) / 2;
    rates[b] = ev.num > 0 && width > 0 ? counts[b] / (ev.num * width) : 0;
  }
  return { edges, centers, counts, rates, bin, num: ev.num };
}

/**
 * The intervals between consecutive spikes of one train.
 * @param times - spike times, increasing
 * @returns times[k + 1] − times[k], one fewer than the spikes
 * @throws {@link InputDataError} when times are not finite or not increasing
 */
export function interSpikeIntervals(times: Samples): Float64Array;
/**
 * The intervals between consecutive spikes of one unit in a set of events.
 * @param events - spike events, sorted by time
 * @param unit - the unit
 * @returns that unit's intervals
 * @throws {@link InputDataError} when the events are malformed or unsorted
 */
export function interSpikeIntervals(events: SpikeEventsLike, unit: number): Float64Array;
export function interSpikeIntervals(x: Samples | SpikeEventsLike, unit?: number): Float64Array {
  const where = 'interSpikeIntervals';
  let times: Samples;
  if (isSpikeEvents(x)) {
    count(where, 'unit', unit);
    const ts = samples(where, 'events.times', x.times);
    const us = samples(where, 'events.units', x.units);
    const own: number[] = [];
    for (let k = 0; k < ts.length; k++) if (us[k] === unit) own.push(ts[k]);
    times = own;
  } else {
    times = samples(where, 'times', x);
  }
  const out = new Float64Array(Math.max(0, times.length - 1));
  for (let k = 0; k < out.length; k++) {
    out[k] = times[k + 1] - times[k];
    if (out[k] < 0) {
      throw new InputDataError(where, `spike time ${times[k + 1]} follows ${times[k]}.`, 'Sort the spike times first.');
    }
  }
  return out;
}

/**
 * The coefficient of variation of inter-spike intervals, standard deviation
 * (population, divided by n) over mean: 1 for a Poisson process, 0 for a
 * regular train.
 * @param intervals - the intervals
 * @returns sd/mean; NaN when there are no intervals
 * @throws {@link InputDataError} when intervals are not finite
 */
export function coefficientOfVariation(intervals: Samples): number {
  const x = samples('coefficientOfVariation', 'intervals', intervals);
  if (x.length === 0) return NaN;
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] - mean) ** 2;
  return Math.sqrt(ss / x.length) / mean;
}

/**
 * The signal-to-noise ratio of a reconstruction, in decibels:
 * SNR = 10·log10(Σ u² / Σ (u − û)²).
 * @param signal - the true signal u
 * @param reconstruction - its reconstruction û, same length
 * @returns the SNR in dB; +Infinity when the two are identical
 * @throws {@link InputDataError} when the lengths differ or an entry is not finite
 * @example
 * ```ts
 * snr([1, -1, 1, -1], [1.1, -0.9, 1.1, -0.9]); // 10·log10(4 / 0.04) = 20 dB
 * ```
 */
export function snr(signal: Samples, reconstruction: Samples): number {
  const u = samples('snr', 'signal', signal);
  const r = samples('snr', 'reconstruction', reconstruction);
  if (u.length !== r.length) {
    throw new InputDataError('snr', `signal has ${u.length} samples but reconstruction has ${r.length}.`, 'Compare signals of the same length (trim or resample one).');
  }
  let ps = 0;
  let pe = 0;
  for (let i = 0; i < u.length; i++) {
    ps += u[i] * u[i];
    const e = u[i] - r[i];
    pe += e * e;
  }
  if (pe === 0) return Infinity;
  return 10 * Math.log10(ps / pe);
}

/** A one-sided power spectral density. */
export interface PowerSpectrum {
  /** Frequencies k/(n·dt), k = 0 … floor(n/2), in Hz when dt is in seconds. */
  readonly frequencies: Float64Array;
  /** Power density at each frequency (signal units² per Hz). */
  readonly power: Float64Array;
}

/**
 * The one-sided periodogram of a signal, |X_k|²·dt/n, doubled for
 * 0 < k < n/2, so that Σ power·(1/(n·dt)) equals the mean square of the
 * signal (Parseval). No window, no averaging: use it to check where the
 * power lies, not as a smooth estimate.
 * @param x - the signal
 * @param dt - the sample interval (default 1)
 * @returns frequencies and power
 * @throws {@link InputDataError} when x holds a non-finite value or dt is invalid
 */
export function powerSpectrum(x: Samples, dt = 1): PowerSpectrum {
  const s = samples('powerSpectrum', 'x', x);
  positive('powerSpectrum', 'dt', dt);
  const n = s.length;
  const re = Float64Array.from(s);
  const im = new Float64Array(n);
  dft(re, im);
  const m = Math.floor(n / 2) + 1;
  const frequencies = new Float64Array(n ? m : 0);
  const power = new Float64Array(n ? m : 0);
  for (let k = 0; k < frequencies.length; k++) {
    frequencies[k] = k / (n * dt);
    const p = ((re[k] * re[k] + im[k] * im[k]) * dt) / n;
    power[k] = k === 0 || 2 * k === n ? p : 2 * p;
  }
  return { frequencies, power };
}
