/** Recorded variables: row-major (rows × units) arrays with helpers. */
import { InputDataError } from '../errors.js';
import type { VariableOf } from './container.js';
import { allocate } from '../plan/arrays.js';
import type { FloatArray } from '../plan/types.js';

/** One recorded variable of one container. */
export class Recording {
  /**
   * `[rows, num]`; row r holds the value after global step `firstStep + r·rate`,
   * or, with an initial row (`initialStep` not null), row 0 the values before
   * step `initialStep` and row r ≥ 1 those after step `firstStep + (r − 1)·rate`
   * (see {@link times}).
   */
  readonly shape: [number, number];
  /**
   * The rows of each run, in order: the first `count` arrays of a list that
   * the recordings continuing this one share and push to (so that appending
   * copies nothing), until `data` joins them into `joined`.
   */
  private chunks: { list: FloatArray[]; count: number };
  private joined: FloatArray | null = null;
  /**
   * The unit of the variable (`'mV'`), when its model declares units
   * (set when the recording is stored in its container's recorder); plots
   * label their axis with it.
   */
  unit?: string;

  /**
   * @param variable - the variable recorded
   * @param data - the values, kept as given (float64, or float32 from a float32 run)
   * @param num - units per row
   * @param rate - steps between rows
   * @param dt - the step in seconds
   * @param mode - 'trace' (one row per kept step) or 'sum' (one row of totals)
   * @param firstStep - the global step (0-based, counted since the last
   *   reset) whose result is row 0 of a trace; for a 'sum', the first step
   *   counted (default 0)
   * @param initialStep - for a trace whose row 0 holds the values before a
   *   step (recorded with `{ initial: true }`): that step; else null (default)
   * @param units - the unit of each column, when a subset was recorded
   *   (`record(…, { units })`); null (default) when column i is unit i
   */
  constructor(readonly variable: string, data: FloatArray, num: number, readonly rate: number, readonly dt: number, readonly mode: 'trace' | 'sum' = 'trace', readonly firstStep: number = 0, readonly initialStep: number | null = null, readonly units: Int32Array | null = null) {
    this.chunks = { list: [data], count: 1 };
    this.shape = [num ? data.length / num : 0, num];
  }

  /**
   * Row-major values, (rows × num). A recording continued over several
   * runs keeps each run's rows apart and joins them here once, on the first
   * read, so that a run never copies the rows of earlier runs: read `data`
   * after the last run (or consume the rows as they come with `onBlock`),
   * not after each. Often a view into a larger buffer (`data.byteOffset`
   * need not be 0): use `data.slice()`, not `data.buffer`, for an array of
   * its own. The element type is the run's dtype: a `Float32Array` from
   * float32 runs, a `Float64Array` from float64 runs (and when the runs of
   * a continued recording mixed the two).
   * @throws {@link InputDataError} when the joined rows cannot be allocated
   */
  get data(): FloatArray {
    if (this.joined) return this.joined;
    const { list, count } = this.chunks;
    if (count === 1) return list[0];
    const where = `recording '${this.variable}'`;
    const fix = 'Record fewer steps (a larger rate) or fewer variables, or consume the rows block by block with run(dt, { onBlock }).';
    let length = 0;
    let float32 = true;
    for (let c = 0; c < count; c++) {
      length += list[c].length;
      float32 &&= list[c] instanceof Float32Array;
    }
    const joined = allocate(where, 'the joined rows', float32 ? 'float32' : 'float64', length, fix);
    for (let c = 0, at = 0; c < count; at += list[c].length, c++) joined.set(list[c], at);
    this.joined = joined;
    return joined;
  }

  /**
   * The rows from row `from` on, joining only the pieces that hold them (a
   * reader that takes the new rows after each run copies each row once).
   * A view of one piece when they are all in it.
   * @internal
   */
  rowsFrom(from: number): FloatArray {
    const num = this.shape[1];
    if (from === 0 || this.chunks.count === 1 || this.joined) return this.data.subarray(from * num);
    const pieces: FloatArray[] = [];
    let at = 0;
    for (let c = 0; c < this.chunks.count; c++) {
      const piece = this.chunks.list[c];
      const end = at + (num ? piece.length / num : 0);
      if (end > from) pieces.push(piece.subarray(Math.max(0, from - at) * num));
      at = end;
    }
    if (pieces.length === 1) return pieces[0];
    const out = allocate(`recording '${this.variable}'`, 'the rows since a run', pieces.every((x) => x instanceof Float32Array) ? 'float32' : 'float64', pieces.reduce((n, x) => n + x.length, 0), 'Record fewer steps or units.');
    for (let c = 0, to = 0; c < pieces.length; to += pieces[c].length, c++) out.set(pieces[c], to);
    return out;
  }

  /**
   * This recording continued by the rows of one more run (kept apart until
   * `data` is read): no element is copied.
   * @internal
   */
  append(rows: FloatArray): Recording {
    const num = this.shape[1];
    const next = new Recording(this.variable, rows, num, this.rate, this.dt, this.mode, this.firstStep, this.initialStep, this.units);
    // The latest recording of a list pushes to it; an older one starts its own.
    const own = this.chunks.count === this.chunks.list.length ? this.chunks.list : this.chunks.list.slice(0, this.chunks.count);
    own.push(rows);
    next.chunks = { list: own, count: own.length };
    next.shape[0] = this.shape[0] + (num ? rows.length / num : 0);
    if (this.unit !== undefined) next.unit = this.unit;
    return next;
  }

  /** The value at row `t` for unit `i`. @throws {@link InputDataError} when out of range */
  at(t: number, i: number): number {
    this.check(t, i);
    return this.data[t * this.shape[1] + i];
  }

  /** The time course of unit `i` (a new array of length rows). */
  trace(i: number): Float64Array {
    this.check(0, i);
    const [rows, num] = this.shape;
    const out = new Float64Array(rows);
    for (let t = 0; t < rows; t++) out[t] = this.data[t * num + i];
    return out;
  }

  /**
   * The simulated time in seconds at which each row's values hold. Row r of
   * a trace holds the value after global step `firstStep + r·rate` (steps
   * counted from 0 since the last reset), that is at time
   * `(firstStep + r·rate + 1)·dt`: with rate 1 from the start, row 0 is at
   * dt, not 0. A recording that starts in a later run starts at its first
   * recorded step. With an initial row (`{ initial: true }`), row 0 holds
   * the values before step `initialStep`, at `initialStep·dt` (0 after a
   * reset), and the rows after it follow as above. The one row of a 'sum'
   * holds the totals after its last step: `(firstStep + rate)·dt`, `rate`
   * being the steps counted.
   */
  times(): Float64Array {
    const { firstStep, initialStep, rate, dt } = this;
    if (this.mode === 'sum') return Float64Array.from({ length: this.shape[0] }, () => (firstStep + rate) * dt);
    if (initialStep === null) return Float64Array.from({ length: this.shape[0] }, (_, r) => (firstStep + r * rate + 1) * dt);
    return Float64Array.from({ length: this.shape[0] }, (_, r) => (r === 0 ? initialStep * dt : (firstStep + (r - 1) * rate + 1) * dt));
  }

  /**
   * Non-zero entries as events: `unit[j]` was non-zero after global step
   * `step[j]` (for spikes). An initial row is not an event. With a subset
   * of units, `unit[j]` is the unit (not the column).
   */
  events(): { unit: Int32Array; step: Int32Array } {
    const [rows, num] = this.shape;
    const unit: number[] = [];
    const step: number[] = [];
    // Row r holds the value after global step firstStep + r·rate; an initial
    // row (the values before any step of the recording) is no event.
    const skip = this.mode === 'trace' && this.initialStep !== null ? 1 : 0;
    for (let t = skip; t < rows; t++) {
      for (let i = 0; i < num; i++) if (this.data[t * num + i] !== 0) { unit.push(this.units ? this.units[i] : i); step.push(this.firstStep + (t - skip) * this.rate); }
    }
    return { unit: Int32Array.from(unit), step: Int32Array.from(step) };
  }

  private check(t: number, i: number): void {
    const [rows, num] = this.shape;
    if (!(Number.isInteger(t) && t >= 0 && t < rows && Number.isInteger(i) && i >= 0 && i < num)) {
      throw new InputDataError(`recording '${this.variable}'`, `index (${t}, ${i}) is outside the shape [${rows}, ${num}].`, 'Use 0 <= t < rows and 0 <= i < num.');
    }
  }
}

/**
 * The spikes of one container: which unit fired in which step, as Brian2's
 * SpikeMonitor keeps them (`i` and `t` there, {@link units} and
 * {@link times} here), in the order of steps and, within a step, of units.
 * Every spike is kept, as events, not as a dense trace.
 */
export class SpikeRecording {
  private chunks: { list: SpikeChunk[]; count: number };
  private joined: SpikeChunk | null = null;

  /**
   * @param variable - the name of the model's spike (its `@spike` field)
   * @param num - units of the container
   * @param duration - seconds of simulated time the recording covers
   * @param chunk - the spikes of one run (or block)
   */
  constructor(readonly variable: string, readonly num: number, readonly duration: number, chunk: SpikeChunk) {
    this.chunks = { list: [chunk], count: 1 };
  }

  /** The spikes joined once, on first read. */
  private all(): SpikeChunk {
    if (!this.joined) this.joined = joinSpikeChunks(this.chunks.list.slice(0, this.chunks.count), `spike recording '${this.variable}'`);
    return this.joined;
  }

  /** Number of spikes. */
  get count(): number {
    let n = 0;
    for (let c = 0; c < this.chunks.count; c++) n += this.chunks.list[c].units.length;
    return n;
  }

  /** The unit of each spike. */
  get units(): Int32Array {
    return this.all().units;
  }

  /** The global step (counted since the last reset) in which each spike happened. */
  get steps(): Float64Array {
    return this.all().steps;
  }

  /**
   * The time of each spike in seconds: `step·dt`, the time at the start of
   * the step whose update crossed the threshold (Brian2's convention).
   */
  times(): Float64Array {
    return this.all().times;
  }

  /**
   * The spikes as the analysis and plot helpers of `utils` take them
   * (`plotRaster`, `psth`, `firingRates`, …): times in seconds, units, the
   * number of units and the duration recorded.
   */
  events(): { times: Float64Array; units: Int32Array; num: number; duration: number } {
    return { times: this.times(), units: this.units, num: this.num, duration: this.duration };
  }

  /** Spikes per unit. */
  counts(): Float64Array {
    const out = new Float64Array(this.num);
    for (const u of this.units) out[u]++;
    return out;
  }

  /** Mean firing rate of each unit over the recorded time, in Hz (spikes per second). */
  rates(): Float64Array {
    const c = this.counts();
    if (this.duration > 0) for (let i = 0; i < c.length; i++) c[i] /= this.duration;
    return c;
  }

  /**
   * The spikes from the `from`-th on, joining only the pieces that hold them
   * (a reader that takes the new spikes after each run copies each spike once).
   * @internal
   */
  since(from: number): SpikeChunk {
    const pieces: SpikeChunk[] = [];
    let at = 0;
    for (let c = 0; c < this.chunks.count; c++) {
      const chunk = this.chunks.list[c];
      const n = chunk.units.length;
      if (at + n > from) {
        const skip = Math.max(0, from - at);
        pieces.push(skip ? { units: chunk.units.subarray(skip), steps: chunk.steps.subarray(skip), times: chunk.times.subarray(skip) } : chunk);
      }
      at += n;
    }
    return joinSpikeChunks(pieces, `spike recording '${this.variable}'`);
  }

  /**
   * This recording continued by the spikes of one more block or run, over
   * `seconds` more of simulated time (kept apart until read).
   * @internal
   */
  append(chunk: SpikeChunk, seconds: number): SpikeRecording {
    const next = new SpikeRecording(this.variable, this.num, this.duration + seconds, chunk);
    const own = this.chunks.count === this.chunks.list.length ? this.chunks.list : this.chunks.list.slice(0, this.chunks.count);
    own.push(chunk);
    next.chunks = { list: own, count: own.length };
    return next;
  }
}

/** Spikes of one piece of a run, in order: unit, step and time of each. */
export interface SpikeChunk {
  units: Int32Array;
  steps: Float64Array;
  times: Float64Array;
}

/**
 * Pieces of spikes, in order, as one (the piece itself when there is one;
 * empty arrays when there is none).
 * @internal
 * @throws {@link InputDataError} when the joined arrays cannot be allocated (`where` names them)
 */
export function joinSpikeChunks(chunks: readonly SpikeChunk[], where: string): SpikeChunk {
  if (chunks.length === 1) return chunks[0];
  let n = 0;
  for (const c of chunks) n += c.units.length;
  const fix = 'Record spikes of fewer units, or run in shorter pieces and save each.';
  const out: SpikeChunk = { units: allocate(where, 'the units', 'int32', n, fix), steps: allocate(where, 'the steps', 'float64', n, fix), times: allocate(where, 'the times', 'float64', n, fix) };
  let at = 0;
  for (const c of chunks) {
    out.units.set(c.units, at);
    out.steps.set(c.steps, at);
    out.times.set(c.times, at);
    at += c.units.length;
  }
  return out;
}

/** The unit of each variable of a recorder's model (kept outside the recorder, whose own properties are the variables' names). */
const UNITS = new WeakMap<object, Readonly<Record<string, string>>>();

/**
 * The recordings of one container. `recorder.get('v')` or `recorder.v`;
 * spikes: `recorder.spikes()` or `recorder.spike` (the `@spike` field's name).
 */
export class Recorder<M = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  private readonly items = new Map<string, Recording>();
  private spiking: SpikeRecording | null = null;
  [variable: string]: unknown;

  /**
   * @param owner - the container's name
   * @param units - the unit of each variable, when the model declares units
   */
  constructor(private readonly owner: string, units?: Readonly<Record<string, string>>) {
    if (units) UNITS.set(this, units);
  }

  /**
   * The recorded spikes.
   * @throws {@link InputDataError} when no spikes were recorded
   */
  spikes(): SpikeRecording {
    if (!this.spiking) {
      throw new InputDataError(`${this.owner}.recorder`, 'no spikes were recorded.', "Call record('spike') (the name of the model's @spike field) before run().");
    }
    return this.spiking;
  }

  /** @internal Forgets the spike recording (spikes recorded with keep: false). */
  dropSpikes(): void {
    if (this.spiking) delete (this as Record<string, unknown>)[this.spiking.variable];
    this.spiking = null;
  }

  /** @internal The spike recording, or null. */
  spikesOrNull(): SpikeRecording | null {
    return this.spiking;
  }

  /** @internal Replaces the spike recording. */
  putSpikes(r: SpikeRecording): void {
    this.spiking = r;
    if (!(r.variable in Recorder.prototype) && r.variable !== 'owner' && r.variable !== 'items' && r.variable !== 'spiking') Object.defineProperty(this, r.variable, { get: () => this.spiking, configurable: true, enumerable: true });
  }

  /** The recording of a variable. @throws {@link InputDataError} when it was not recorded */
  get(variable: VariableOf<M>): Recording {
    const r = this.items.get(variable);
    if (!r && this.spiking?.variable === variable) {
      throw new InputDataError(`${this.owner}.recorder`, `'${variable}' is the model's spike, recorded as events.`, `Use recorder.spikes() (units, times(), counts(), rates()).`);
    }
    if (!r) {
      throw new InputDataError(`${this.owner}.recorder`, `'${variable}' has no recording.`, `Call record('${variable}') before run(); recorded: ${[...this.items.keys()].join(', ') || '(none)'}.`);
    }
    return r;
  }

  /** Names of the recorded variables. */
  names(): string[] {
    return [...this.items.keys()];
  }

  /** @internal Replaces the recording of a variable. */
  put(r: Recording): void {
    const units = UNITS.get(this);
    if (units && Object.hasOwn(units, r.variable)) r.unit = units[r.variable];
    this.items.set(r.variable, r);
    if (!(r.variable in Recorder.prototype) && r.variable !== 'owner' && r.variable !== 'items') Object.defineProperty(this, r.variable, { get: () => this.items.get(r.variable), configurable: true, enumerable: true });
  }

  /** @internal Forgets the recording of a variable (one recorded with keep: false). */
  drop(variable: string): void {
    if (!this.items.delete(variable)) return;
    delete (this as Record<string, unknown>)[variable];
  }

  /** @internal Forgets every recording. */
  clear(): void {
    for (const k of this.items.keys()) delete (this as Record<string, unknown>)[k];
    this.items.clear();
    if (this.spiking) delete (this as Record<string, unknown>)[this.spiking.variable];
    this.spiking = null;
  }
}
