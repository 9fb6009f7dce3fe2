/**
 * The run loop of a {@link Network}: compiling its plan for a back end,
 * running blocks of steps, recordings, `checkFinite` and its replay, reset,
 * and the rule of one call at a time. `Network` keeps the public methods and
 * delegates here; this file knows nothing of how the graph is built.
 *
 * @module
 */
import { backends } from '../backends/index.js';
import { unsupported, type Backend, type BackendCapabilities, type BackendName, type Program } from '../backends/types.js';
import { BackendError, BusyError, InputDataError, NetworkWiringError, NumericalError, RunAbortedError } from '../errors.js';
import { checkOptions, describeValue, type OptionRules } from '../options.js';
import { allocate, allocateBuffers, checkBytes, checkElements, checkPlanArrays } from '../plan/arrays.js';
import { planNetwork } from '../plan/build.js';
import { firstRow, NUMBERS, rowsBetween } from '../plan/layout.js';
import { arrayTypeOf, bytesOf, type BufferArray, type Dtype, type FloatArray, type NetworkPlan } from '../plan/types.js';
import { SOLVERS, type SolverOption } from '../solvers/index.js';
import type { Container } from './container.js';
import { graphOf } from './graph.js';
import type { Synapses } from './synapses.js';
import type { Input } from './input.js';
import { startProgress } from './progress.js';
import { Recording, SpikeRecording, joinSpikeChunks, type SpikeChunk } from './recorder.js';

/** Options of {@link Network.compile}. Unknown keys and values of the wrong type are refused. */
export interface CompileOptions {
  /** Default 'auto': the first of `backends.order` that works here (cuda, else cpu, else js). */
  backend?: BackendName | 'auto';
  /** Element type of every array of a run (default 'float64'). */
  dtype?: Dtype;
  /** 'auto' (per state, as inspect shows) or one rule for every state. */
  solver?: SolverOption;
  /**
   * cpu and cuda: compile with -ffast-math / --use_fast_math. Faster, but NaN
   * and infinity are no longer handled exactly and results differ in the last
   * bits from the other back ends. Default false.
   */
  fastMath?: boolean;
}

/** Options of {@link Network.run}. Unknown keys and values of the wrong type are refused. */
export interface RunOptions {
  /** Steps to run; default: the length of the input data. */
  steps?: number;
  /**
   * Show progress on standard error: on a terminal a line redrawn in place
   * (bar, percentage, time elapsed and left, steps per second and simulated
   * seconds per second, fitted to the terminal's width; the cursor is never
   * hidden); elsewhere (a pipe, a log file) a plain line each tenth of the run
   * when at least 5 s have passed since the last, and a last line at the end.
   */
  verbose?: boolean;
  /** Stop at the first NaN or infinity in a state, naming container, variable, unit and step. */
  checkFinite?: boolean;
  /** Stops the run between blocks; recordings up to the last completed step are kept. */
  signal?: AbortSignal;
  /** Steps per block handed to the back end at once (default: chosen from the network size). */
  blockSteps?: number;
  /**
   * Called after each block (awaited when it returns a Promise) with the
   * trace rows that block wrote, for every trace recording (kept or recorded
   * with `{ keep: false }`): a way to consume a long run without keeping it.
   * The arrays are views, valid only during the call: copy what you keep.
   * When it throws, the run stops after that block (state, step and kept
   * recordings end there) and the error is thrown by `run`.
   */
  onBlock?: (block: RecordedBlock) => void | Promise<void>;
}

/** The trace rows one block wrote, given to `run(dt, { onBlock })`. */
export interface RecordedBlock {
  /** The first network step of the block (counted since the last reset). */
  k0: number;
  /** Steps in the block. */
  steps: number;
  /** One entry per trace recording, in the order of containers and records. */
  records: BlockRows[];
  /**
   * The rows of one recording.
   * @throws {@link InputDataError} when that variable of that container is not recorded as a trace
   */
  get(container: string, variable: string): BlockRows;
  /** The spikes the block found, one entry per container that records them (kept or not), in step and unit order. */
  spikes: BlockSpikes[];
}

/** The spikes of one container found by one block (see {@link RecordedBlock}). */
export interface BlockSpikes {
  /** The container's name. */
  container: string;
  /** The unit of each spike. */
  units: Int32Array;
  /** The global step of each spike. */
  steps: Float64Array;
  /** The time of each spike (seconds, step·dt). */
  times: Float64Array;
}

/** The rows of one trace recording written by one block (see {@link RecordedBlock}). */
export interface BlockRows {
  /** The container's name. */
  container: string;
  /** The variable. */
  variable: string;
  /** Row-major values, (rows × num), in the run's dtype; a view valid during the call only. */
  data: FloatArray;
  /** `[rows, num]` (rows may be 0 when the rate skips the whole block). */
  shape: [number, number];
  /** The index of the first row among all rows of the recording (row r holds the value after step r·rate). */
  firstRow: number;
  /** Steps between rows. */
  rate: number;
}

/** What a run did. */
export interface RunResult {
  /** Steps run. */
  steps: number;
  /** The back end that ran them. */
  backend: BackendName;
  /** Wall-clock seconds. */
  seconds: number;
}

/** What {@link Network.compile} accepts (checked by `checkOptions`). */
export const COMPILE_RULES: OptionRules = {
  backend: { type: 'string' },
  dtype: { type: 'enum', values: ['float64', 'float32'] },
  solver: { type: 'enum', values: SOLVERS },
  fastMath: { type: 'boolean' },
};
/** What {@link Network.run} accepts (checked by `checkOptions`). */
export const RUN_RULES: OptionRules = {
  steps: { type: 'count' },
  verbose: { type: 'boolean' },
  checkFinite: { type: 'boolean' },
  signal: { type: 'signal' },
  blockSteps: { type: 'count' },
  onBlock: { type: 'function' },
};
/** Each run option → 'Network.run', for the hint when one is passed elsewhere. */
export const ofRun = Object.fromEntries(Object.keys(RUN_RULES).map((k) => [k, 'Network.run']));
/** Each compile option → 'Network.compile', for the hint when one is passed elsewhere. */
export const ofCompile = Object.fromEntries(Object.keys(COMPILE_RULES).map((k) => [k, 'Network.compile']));

type Settings = Required<CompileOptions>;
type Compiled = {
  plan: NetworkPlan; program: Program; buffers: BufferArray[]; key: string; streams: Map<number, Input>; structure: number; settings: Settings; backend: Backend;
  /** The kind and longest delay of each projection in steps, as planned (another plans again). */
  delays: string;
  /** Which state of the delays the delay buffers hold (see `fillDelays`), or -1. */
  filled: number;
};

/**
 * Spikes on their way through delays: the step they were sent with, and for
 * each container feeding a projection, the units that fired in each of the
 * last steps (`counts[x]` units of `units` for step `steps[x]`).
 */
export interface InFlight {
  dt: number;
  rings: { container: number; steps: Float64Array; counts: Int32Array; units: Int32Array }[];
}

/** What the run loop reads and writes of its network. */
export interface RunHost {
  /** The containers, in update order. */
  readonly containers: readonly Container[];
  /** The input streams. */
  readonly inputs: readonly Input[];
  /** Steps run since the last reset. */
  step: number;
  /** Counts the changes to what the plan is built from (containers, inputs, wiring, recordings). */
  readonly structure: number;
  /** The seed of the random draws (checked when it is set). */
  readonly seed: number;
  /** The back end compile chose, and why. */
  chosen: { backend: BackendName; reason: string } | null;
  /** The projections, in the order they run. */
  readonly projections: readonly Synapses<never>[];
  /** The seed of each member when the network runs a batch (`Batch`), else null. */
  readonly batchSeeds?: readonly number[] | null;
  /** Why the network may not be changed or run on its own (a member of a batch), else null. */
  readonly locked?: string | null;
}

/**
 * The compiled state of one network and the calls that use it. Created by
 * `Network`; not part of the public API.
 * @internal
 */
export class Runner {
  private options: Settings | null = null;
  private backend: Backend | null = null;
  private compiled: Compiled | null = null;
  /** What is in progress, if anything. */
  private busy: 'run' | 'compile' | 'reset' | null = null;
  /** Uploads of values set after compile (device back ends), awaited before the next run. */
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly host: RunHost) {}

  /** The options of the last successful compile, or null. */
  get settings(): Settings | null {
    return this.options;
  }

  /** Refuses a change while a run, compile or reset is in progress. */
  guard(call: string): void {
    if (this.host.locked) throw new BusyError(call, this.host.locked, 'Change and run the batch instead (batch.run, batch.reset), or build a new network.');
    if (this.busy) {
      throw new BusyError(call, `a ${this.busy} of the network is in progress.`, `Await it (await network.${this.busy}(…)) before calling ${call}().`);
    }
  }


  /** Runs `f` as the only thing the network does until it settles. */
  private async exclusive<T>(what: 'run' | 'compile' | 'reset', f: () => Promise<T>): Promise<T> {
    this.guard(`Network.${what}`);
    this.busy = what;
    try {
      const pending = this.pending;
      this.pending = Promise.resolve();
      try {
        await pending;
      } catch (error) {
        // The device may not hold the values set since: upload them again before the next call.
        const c = this.compiled;
        if (c?.program.upload) {
          const retry = Promise.resolve().then(() => c.program.upload!(c.buffers));
          retry.catch(() => undefined);
          this.pending = retry;
        }
        throw error;
      }
      return await f();
    } finally {
      this.busy = null;
    }
  }

  /**
   * Checks the wiring, lowers every model and compiles the network for a back
   * end. When it fails, the network keeps its previous compilation (if any).
   * @throws {@link InputDataError} for an unknown option or a value of the wrong type, e.g. compile('cpu')
   * @throws {@link BackendError} when the back end asked for is unavailable
   * @throws {@link NetworkWiringError} when a source is not part of this network
   * @throws {@link BusyError} while a run, compile or reset is in progress
   */
  async compile(options?: CompileOptions): Promise<void> {
    this.guard('Network.compile');
    const o = checkOptions<CompileOptions>('Network.compile', options, COMPILE_RULES, {
      usage: (x) => (typeof x === 'string' ? `Write compile({ backend: '${x}' }).` : 'Pass { backend, dtype, solver, fastMath }, or nothing.'),
      elsewhere: ofRun,
    });
    const backend = backends.pick(o.backend ?? 'auto');
    const settings: Settings = { backend: o.backend ?? 'auto', dtype: o.dtype ?? 'float64', solver: o.solver ?? 'auto', fastMath: o.fastMath === true };
    const chosen = { backend: backend.name, reason: o.backend && o.backend !== 'auto' ? 'asked for' : this.autoReason(backend.name) };
    await this.exclusive('compile', async () => {
      await this.prepare(settings, backend);
      this.options = settings;
      this.backend = backend;
      this.host.chosen = chosen;
    });
  }

  private autoReason(name: BackendName): string {
    const st = backends.status();
    const skipped = backends.order.slice(0, backends.order.indexOf(name)).map((n) => `${n}: ${st[n].reason}`);
    return skipped.length ? `auto chose ${name} (${skipped.join('; ')})` : `auto chose ${name}`;
  }

  /** The generated source of the compiled network (empty for the interpreter). */
  get source(): string {
    return this.compiled?.program.source ?? '';
  }

  /**
   * Builds the plan (records included) and compiles it if it changed. Nothing
   * of the network changes unless it succeeds.
   */
  private async prepare(settings: Settings, backend: Backend, dt?: number): Promise<Compiled> {
    // Nothing the plan is built from changed since the last compile: the
    // same plan (a run in many short pieces does not plan each again).
    const c = this.compiled;
    if (dt !== undefined) this.updateDelays(dt);
    const planned = this.delaysPlanned();
    const delays = JSON.stringify(planned);
    if (c && c.structure === this.host.structure && c.backend === backend && c.settings === settings && c.delays === delays) return c;
    const structure = this.host.structure;
    const { graph, matrixIds } = graphOf(this.host.containers, this.host.inputs, this.host.projections, planned, this.host.batchSeeds);
    const { plan, streams, matrices, ints } = planNetwork(graph, { dtype: settings.dtype, solver: settings.solver, fastMath: settings.fastMath, ...(backend.capabilities.gather ? { gather: backend.capabilities.gather } : {}) });
    const key = `${backend.name} ${JSON.stringify(plan)} ${matrixIds.join(',')}`;
    if (this.compiled?.key === key) {
      this.compiled = { ...this.compiled, structure, settings, backend, delays };
      return this.compiled;
    }
    const why = unsupported(backend, plan);
    if (why) throw new BackendError(`backend '${backend.name}'`, `cannot run this network: ${why}.`, 'Compile for a back end whose capabilities list it (backends.pick(name).capabilities), or with another dtype.', { code: 'unsupported' });
    const where = 'Network.compile';
    const fix = 'Use fewer or smaller containers and matrices.';
    checkPlanArrays(plan, where, fix);
    const old = this.compiled;
    const program = await backend.compile(plan);
    let buffers: BufferArray[];
    try {
      // Carry the current state over to the new program (e.g. another back end).
      await old?.program.download?.(old.buffers);
      buffers = allocateBuffers(plan, where, fix);
      // Container values: from the previous compile when there was one, else the initial values.
      plan.containers.forEach((cp, ci) => {
        for (const [name, b] of Object.entries(cp.buffers)) {
          const prev = old && this.bufferOf(old, ci, name);
          const values = prev ?? this.host.containers[ci].values.get(name)!;
          checkRange(`${cp.name}.${name}`, values, plan.dtype);
          buffers[b].set(values);
        }
      });
      for (const { buffer, values } of matrices) {
        checkRange(plan.buffers[buffer].name, values, plan.dtype);
        buffers[buffer].set(values);
      }
      for (const { buffer, values } of ints) buffers[buffer].set(values);
      this.fillProjections(plan, buffers, old);
      await program.upload?.(buffers);
    } catch (error) {
      program.dispose?.();
      throw error;
    }
    old?.program.dispose?.();
    this.compiled = { plan, program, buffers, key, streams: new Map(streams.map((b, i) => [b, this.host.inputs[i]])), structure, settings, backend, delays, filled: -1 };
    return this.compiled;
  }

  /**
   * The delays of each projection in steps: `current` for the spikes sent
   * from step `since` on, `before` for those sent earlier (still in flight
   * after a change between runs), for the dt and delays in `key`.
   */
  private delayBook: { key: string; dt: number; since: number; current: number | Int32Array; before: number | Int32Array }[] = [];
  /** Spikes in flight restored from a checkpoint, written to the rings by the next run (see {@link restoreInFlight}). */
  private restoring: InFlight | null = null;
  /** Counts the changes of `delayBook`. */
  private delayState = 0;

  /**
   * Brings the delays in steps up to date for a run of `dt` seconds: a
   * change (of the delays, or of dt) applies to the spikes sent from now
   * on, the spikes in flight keep the delays they were sent with.
   * @throws {@link InputDataError} when the delays change again while spikes sent before the previous change are still in flight
   */
  private updateDelays(dt: number): void {
    this.host.projections.forEach((syn, pi) => {
      const key = `${dt} ${syn.delayVersion}`;
      const book = this.delayBook[pi];
      if (book?.key === key) return;
      const now = syn.delaySteps(dt * syn.ir.timeScale);
      const k = this.host.step;
      if (book && sameDelays(now, book.current)) {
        book.key = key;
        book.dt = dt;
        return;
      }
      this.delayState++;
      if (!book || k === 0) {
        this.delayBook[pi] = { key, dt, since: k, current: now, before: now };
        return;
      }
      // Spikes sent before the previous change may still be in flight on its older delays.
      if (book.before !== book.current && k - book.since <= longest(book.before)) {
        const wait = longest(book.before) - (k - book.since) + 1;
        throw new InputDataError(`synapses ${syn.name}.delay`, `the delays changed again ${k - book.since} steps after the last change, while spikes sent before that one are still in flight.`, `Run at least ${wait} more step${wait > 1 ? 's' : ''} before changing them again, or reset() the network.`);
      }
      this.delayBook[pi] = { key, dt, since: k, current: now, before: book.current };
    });
  }

  /**
   * The spikes still on their way through delays after the last completed
   * step: for each container that feeds a projection with delays, the units
   * that fired in each of the last `maxDelay` steps; null when none can be
   * (no run yet, or no delay).
   * @throws {@link InputDataError} while spikes sent before a change of the delays are still in flight
   */
  inFlight(): InFlight | null {
    const c = this.compiled;
    const k = this.host.step;
    const delayed = this.delayBook.some((b) => longest(b.current) > 0 || longest(b.before) > 0);
    if (!c || k === 0 || !delayed) return null;
    this.host.projections.forEach((syn, pi) => {
      const book = this.delayBook[pi];
      if (book && book.before !== book.current && k - book.since <= longest(book.before)) {
        const wait = longest(book.before) - (k - book.since) + 1;
        throw new InputDataError(`synapses ${syn.name}.delay`, `spikes sent before the delays changed (${k - book.since} steps ago) are still in flight.`, `Run ${wait} more step${wait > 1 ? 's' : ''}, then save.`);
      }
    });
    const dt = this.delayBook.find((b) => longest(b.current) > 0)?.dt ?? this.delayBook[0].dt;
    const rings = c.plan.containers.flatMap((cp, ci) => {
      if (!cp.fired) return [];
      const ring = c.buffers[cp.fired.ring];
      const row = cp.num + 1;
      const steps: number[] = [];
      const units: number[] = [];
      const counts: number[] = [];
      for (let s = Math.max(0, k - cp.fired.slots + 1); s < k; s++) {
        const at = (s % cp.fired.slots) * row;
        const n = ring[at];
        steps.push(s);
        counts.push(n);
        for (let x = 1; x <= n; x++) units.push(ring[at + x]);
      }
      return [{ container: ci, steps: Float64Array.from(steps), counts: Int32Array.from(counts), units: Int32Array.from(units) }];
    });
    return { dt, rings };
  }

  /**
   * Spikes in flight (from {@link inFlight}, through a checkpoint) that the
   * next run puts back in the rings before its first step; that run must
   * use the step they were sent with.
   */
  restoreInFlight(spikes: InFlight | null): void {
    this.guard('loadCheckpoint');
    this.restoring = spikes;
  }

  /** Writes the restored spikes in flight into the rings of a compile for a run of `dt`. */
  private writeInFlight(c: Compiled, dt: number): void {
    const r = this.restoring;
    if (!r) return;
    if (dt !== r.dt) throw new InputDataError('Network.run', `dt = ${dt} s, but the spikes in flight of the checkpoint loaded were sent at dt = ${r.dt} s (their delays are whole steps of it).`, `Resume with run(${r.dt}), or reset() the network.`);
    for (const { container, steps, counts, units } of r.rings) {
      const cp = c.plan.containers[container];
      if (!cp?.fired) continue;
      const ring = c.buffers[cp.fired.ring];
      const row = cp.num + 1;
      ring.fill(0);
      let at = 0;
      steps.forEach((s, x) => {
        const base = (s % cp.fired!.slots) * row;
        // A step older than the rings keep has nothing left to deliver.
        if (this.host.step - s < cp.fired!.slots) {
          ring[base] = counts[x];
          ring.set(units.subarray(at, at + counts[x]), base + 1);
        }
        at += counts[x];
      });
    }
    this.restoring = null;
  }

  /** What each projection's delays need of the plan: one for all or one each, and the longest in steps. */
  private delaysPlanned(): { kind: 'uniform' | 'each'; maxDelay: number }[] {
    return this.host.projections.map((syn, pi) => {
      const book = this.delayBook[pi];
      if (!book) return { kind: syn.delaySpec().kind, maxDelay: 0 };
      const kind = typeof book.current === 'number' && typeof book.before === 'number' ? 'uniform' : 'each';
      return { kind, maxDelay: Math.max(longest(book.current), longest(book.before)) };
    });
  }

  /** The first step of each projection's current delays, for the block scalars. */
  private since(): number[] {
    return this.host.projections.map((_, pi) => this.delayBook[pi]?.since ?? 0);
  }

  /**
   * Fills the buffers of every projection of a new compile: connectivity,
   * the synapses' values (the previous compile's current ones, or the
   * initial ones), and the rings of fired units (the previous compile's
   * rows for the last steps, so that spikes in flight arrive).
   */
  private fillProjections(plan: NetworkPlan, buffers: BufferArray[], old: Compiled | null): void {
    plan.projections?.forEach((pp, pi) => {
      const syn = this.host.projections[pi];
      buffers[pp.rows].set(syn.rows);
      buffers[pp.cols].set(syn.j);
      const prev = old?.plan.projections?.[pi];
      for (const [name, b] of Object.entries(pp.buffers)) {
        const values = prev && prev.buffers[name] !== undefined && old!.buffers[prev.buffers[name]].length === syn.num ? old!.buffers[prev.buffers[name]] : syn.values.get(name)!;
        checkRange(`synapses ${syn.name}.${name}`, values, plan.dtype);
        buffers[b].set(values);
      }
      if (pp.columns) {
        // The synapses of each target unit, in the order of the synapses.
        const starts = buffers[pp.columns.starts];
        const list = buffers[pp.columns.synapses];
        for (let s = 0; s < syn.num; s++) starts[syn.j[s] + 1]++;
        for (let u = 0; u < syn.target.num; u++) starts[u + 1] += starts[u];
        const next = Int32Array.from(starts.subarray(0, syn.target.num));
        for (let s = 0; s < syn.num; s++) list[next[syn.j[s]]++] = s;
        buffers[pp.columns.sources].set(syn.i);
      }
    });
    plan.containers.forEach((cp, ci) => {
      const before = old?.plan.containers[ci]?.fired;
      if (!cp.fired || !before || old!.plan.containers[ci].num !== cp.num) return;
      const from = old!.buffers[before.ring];
      const to = buffers[cp.fired.ring];
      const row = cp.num + 1;
      const k = this.host.step;
      for (let x = 1; x <= Math.min(before.slots, cp.fired.slots) && k - x >= 0; x++) {
        to.set(from.subarray(((k - x) % before.slots) * row, ((k - x) % before.slots + 1) * row), ((k - x) % cp.fired.slots) * row);
      }
    });
  }

  /** Writes each projection's delays in steps (current and before a change) when they changed since they were last written. */
  private fillDelays(c: Compiled): void {
    if (c.filled === this.delayState) return;
    c.plan.projections?.forEach((pp, pi) => {
      const syn = this.host.projections[pi];
      const book = this.delayBook[pi];
      const current = book?.current ?? 0;
      const before = book?.before ?? current;
      if (Math.max(longest(current), longest(before)) > pp.maxDelay) throw new BackendError('Network.run', `synapses ${syn.name} has a delay of ${Math.max(longest(current), longest(before))} steps where ${pp.maxDelay} were planned.`, 'This is a bug in the run loop.', { code: 'invalid-plan' });
      if (pp.delay.kind === 'uniform') {
        if (typeof current !== 'number' || typeof before !== 'number') throw new BackendError('Network.run', `synapses ${syn.name} has one delay per synapse where one for all was planned.`, 'This is a bug in the run loop.', { code: 'invalid-plan' });
        c.buffers[pp.delay.steps][0] = current;
        c.buffers[pp.delay.before][0] = before;
        return;
      }
      // Each row's synapses by increasing delay (stable: in their order within a delay).
      const write = (delays: number | Int32Array, order: BufferArray, sorted: BufferArray) => {
        const each = typeof delays === 'number' ? new Int32Array(syn.num).fill(delays) : delays;
        for (let u = 0; u < syn.source.num; u++) {
          const lo = syn.rows[u];
          const hi = syn.rows[u + 1];
          const idx = Array.from({ length: hi - lo }, (_, x) => lo + x).sort((a, b) => each[a] - each[b] || a - b);
          idx.forEach((s, x) => { order[lo + x] = s; sorted[lo + x] = each[s]; });
        }
      };
      write(current, c.buffers[pp.delay.order], c.buffers[pp.delay.steps]);
      write(before, c.buffers[pp.delay.beforeOrder], c.buffers[pp.delay.beforeSteps]);
      // By synapse, for a back end that delivers by target.
      if (pp.delay.bySynapse) {
        for (const [delays, to] of [[current, pp.delay.bySynapse.steps], [before, pp.delay.bySynapse.before]] as const) {
          if (typeof delays === 'number') c.buffers[to].fill(delays);
          else c.buffers[to].set(delays);
        }
      }
    });
    c.filled = this.delayState;
  }

  private bufferOf(c: Compiled, ci: number, name: string): BufferArray | undefined {
    const cp = c.plan.containers[ci];
    const b = cp && cp.name === this.host.containers[ci]?.name ? cp.buffers[name] : undefined;
    return b === undefined ? undefined : c.buffers[b];
  }

  /**
   * Runs the network for `steps` steps of `dt` seconds, continuing from where
   * the last run stopped. Recordings are appended.
   *
   * Everything the run needs (this run's rows of every recording, and the
   * snapshots of checkFinite) is sized and allocated before the first step,
   * so that a run refused for memory changes nothing. When a run stops early
   * (checkFinite, abort, an input function that throws), state, `step` and
   * recordings agree: they end at the same completed step.
   * @param dt - the step in seconds; it must stay a normal, finite number in
   *   the run's dtype once multiplied by each model's time scale
   * @throws {@link InputDataError} for a bad dt, steps or option (e.g. run(dt, 3)), input data that is too short,
   *   or recordings that do not fit in memory
   * @throws {@link NumericalError} with checkFinite, at the first NaN or infinity
   * @throws {@link RunAbortedError} when the signal aborts (recordings kept)
   * @throws {@link BusyError} while another run, a compile or a reset is in progress
   */
  async run(dt: number, options?: RunOptions): Promise<RunResult> {
    this.guard('Network.run');
    const o = checkOptions<RunOptions>('Network.run', options, RUN_RULES, {
      usage: (x) => (typeof x === 'number' ? `Write run(dt, { steps: ${x} }).` : 'Pass { steps, verbose, checkFinite, signal, blockSteps, onBlock }, or nothing.'),
      elsewhere: ofCompile,
    });
    if (typeof dt !== 'number' || !Number.isFinite(dt) || dt <= 0) {
      throw new InputDataError('Network.run', `dt = ${typeof dt === 'number' ? String(dt) : describeValue(dt)} is not a positive finite number of seconds.`, 'Pass the time step in seconds, e.g. run(1e-4).');
    }
    return this.exclusive('run', () => this.runNow(dt, o));
  }

  private async runNow(dt: number, options: RunOptions): Promise<RunResult> {
    if (!this.options || !this.backend) {
      throw new NetworkWiringError('Network.run', 'the network is not compiled.', 'Call await network.compile() before run().');
    }
    const backend = this.backend;
    const prepared = await this.prepare(this.options, backend, dt);
    const { plan, program, buffers, streams } = prepared;
    checkDt(dt, plan);
    this.fillDelays(prepared);
    this.writeInFlight(prepared, dt);
    const since = this.since();
    if (plan.projections?.length) await program.upload?.(buffers);
    const steps = options.steps ?? this.defaultSteps();
    if (!Number.isSafeInteger(this.host.step + steps)) throw new InputDataError('Network.run', `step ${this.host.step} + ${steps} steps passes 2^53, where step numbers stop being exact.`, 'Run fewer steps, or reset() first.');
    for (const inp of this.host.inputs) {
      if (inp.steps < steps) {
        throw new InputDataError(`input '${inp.name}'`, `has ${inp.steps} steps of data but the run needs ${steps}.`, `Give at least ${steps} rows, or run({ steps: ${inp.steps} }).`);
      }
    }
    // Trace rows are the network steps that are multiples of rate, counted
    // from the first run, so that continued runs append evenly spaced rows.
    const s0 = this.host.step;
    const rowsBefore = (k: number, rate: number) => rowsBetween(s0, s0 + k, rate);
    const unitSteps = Math.max(1, plan.containers.reduce((s, cp) => s + cp.num, 0));
    const streamBytes = plan.buffers.reduce((s, b) => s + (b.role === 'stream' ? b.length * bytesOf(arrayTypeOf(b.type, plan.dtype)) : 0), 0);
    const seed = this.host.seed;
    // Spikes: a buffer of (step, unit) pairs for one block. It starts small
    // (room for every unit once, or 2^16 pairs); a block that finds more
    // spikes than it holds is run again, from a snapshot, with room for all.
    const spiking = plan.containers.flatMap((cp, ci) => (cp.spikes ? [{ ci, cp, out: cp.spikes.out }] : []));
    const block = options.blockSteps ?? defaultBlock(backend.capabilities, steps, unitSteps, streamBytes);
    const recs = this.recordings(plan, buffers, steps, Math.min(block, steps), rowsBefore);
    const spikeFix = 'Record the spikes of fewer units, or run with smaller blocks (run(dt, { blockSteps })).';
    const pairsFor = (x: { cp: { name: string } }, capacity: number) => {
      const a = allocate('Network.run', `the spikes of ${x.cp.name} in one block`, 'int32', 2 + 2 * capacity, spikeFix) as Int32Array;
      a[1] = capacity;
      return a;
    };
    const spikeRecs = spiking.map((x) => ({
      ...x,
      container: this.host.containers[x.ci],
      pairs: pairsFor(x, Math.min(x.cp.num * Math.min(block, steps), Math.max(2 ** 16, x.cp.num))),
      chunks: [] as SpikeChunk[],
      /** The chunks found since the last onBlock call. */
      fresh: [] as SpikeChunk[],
    }));
    /** Takes the spikes of the steps from `k` (run-relative) that the last program.run wrote. */
    const collect = (k: number) => {
      for (const rec of spikeRecs) {
        if (rec.pairs[0] > 0) {
          const chunk = spikeChunk(rec.pairs, rec.cp.num, s0 + k, dt);
          rec.fresh.push(chunk);
          if (rec.container.keepsSpikes) rec.chunks.push(chunk);
        }
        rec.pairs[0] = 0;
      }
    };
    // checkFinite: room to put back what a block (and a step) changes.
    // Of the synapses, only their states change in a block (their parameters, often most of the memory, do not).
    const synapseStates = new Set((plan.projections ?? []).flatMap((p) => p.ir.states.map((x) => p.buffers[x.name])));
    const watched = plan.buffers.flatMap((b, i) => (b.role === 'state' || b.role === 'input' || b.role === 'op' || b.role === 'ring' || synapseStates.has(i) ? [i] : []));
    const copies = () => ({
      buffers: watched.map((i) => allocate('Network.run', 'a checkFinite snapshot', arrayTypeOf(plan.buffers[i].type, plan.dtype), buffers[i].length, 'Run without checkFinite, or with fewer units.')),
      sums: recs.map(({ r, data }) => (r.mode === 'sum' ? allocate('Network.run', 'a checkFinite snapshot', plan.dtype, data.length, 'Run without checkFinite.') : null)),
    });
    const snapshot = options.checkFinite || spikeRecs.length ? copies() : null;
    const before = options.checkFinite ? copies() : null;
    const save = (to: ReturnType<typeof copies>) => {
      watched.forEach((b, j) => to.buffers[j].set(buffers[b]));
      recs.forEach(({ data }, i) => to.sums[i]?.set(data));
    };
    const restore = (from: ReturnType<typeof copies>) => {
      watched.forEach((b, j) => buffers[b].set(from.buffers[j]));
      recs.forEach(({ data }, i) => from.sums[i] && data.set(from.sums[i]!));
    };
    const progress = options.verbose ? startProgress({ total: steps, dt, backend: program.backend }) : null;
    const t0 = performance.now();
    let done = 0;
    /** Keeps the first k steps of this run: recordings and step (no allocation). */
    const keep = (k: number) => {
      for (const rec of recs) {
        const { r, data, result, prev, head } = rec;
        if (!rec.keep) {
          rec.container.recorder.drop(r.variable);
          continue;
        }
        let recording: Recording;
        const { units, width } = rec;
        if (r.mode === 'sum') {
          for (let j = 0; j < width; j++) result![j] = (prev ? prev.data[j] : 0) + data[units ? units[j] : j];
          recording = new Recording(r.variable, result!, width, (prev ? prev.rate : 0) + k, dt, 'sum', prev ? prev.firstStep : s0, null, units);
        } else {
          const rows = result!.subarray(0, (head + rowsBefore(k, r.rate)) * width);
          // Row 0 of a new trace is the first step of this run that is a multiple
          // of the rate (after the initial row, with { initial: true }).
          recording = prev ? prev.append(rows) : new Recording(r.variable, rows, width, r.rate, dt, 'trace', firstRow(NUMBERS, s0, r.rate) * r.rate, head ? s0 : null, units);
        }
        rec.container.recorder.put(recording);
      }
      for (const rec of spikeRecs) {
        if (!rec.container.keepsSpikes) {
          rec.container.recorder.dropSpikes();
          continue;
        }
        const chunk = joinSpikeChunks(rec.chunks, `the spikes of ${rec.cp.name}`);
        const prev = rec.container.recorder.spikesOrNull();
        rec.container.recorder.putSpikes(prev ? prev.append(chunk, k * dt) : new SpikeRecording(rec.cp.ir.events!.name, rec.cp.num, k * dt, chunk));
      }
      this.host.step += k;
    };
    // A block writes its trace rows into this run's rows of the recording
    // (direct), or from the start of a block buffer whose rows are then
    // copied there (flush).
    let blockStart = 0;
    const traceView = (rec: (typeof recs)[number], k: number) => rec.data.subarray((rowsBefore(k, rec.r.rate) - (rec.direct ? 0 : rowsBefore(blockStart, rec.r.rate))) * rec.cp.num);
    /** Hands the rows of the steps from the block's start to `k` to onBlock. */
    const emit = async (k: number) => {
      if (!options.onBlock) {
        for (const rec of spikeRecs) rec.fresh = [];
        return;
      }
      const records: BlockRows[] = recs.filter((rec) => rec.r.mode === 'trace').map((rec) => {
        const { r, cp } = rec;
        const from = rowsBefore(blockStart, r.rate);
        const rows = rowsBefore(k, r.rate) - from;
        const data = rec.direct ? rec.data.subarray(from * cp.num, (from + rows) * cp.num) : rec.data.subarray(0, rows * cp.num);
        return { container: cp.name, variable: r.variable, data, shape: [rows, cp.num], firstRow: firstRow(NUMBERS, s0 + blockStart, r.rate), rate: r.rate };
      });
      const get = (container: string, variable: string) => {
        const found = records.find((b) => b.container === container && b.variable === variable);
        if (!found) throw new InputDataError('RecordedBlock.get', `${container}.${variable} is not recorded as a trace.`, `Use one of: ${records.map((b) => `${b.container}.${b.variable}`).join(', ') || '(none)'}.`);
        return found;
      };
      const spikes: BlockSpikes[] = spikeRecs.map((rec) => {
        const c = joinSpikeChunks(rec.fresh, `the spikes of ${rec.cp.name}`);
        rec.fresh = [];
        return { container: rec.cp.name, ...c };
      });
      await options.onBlock({ k0: s0 + blockStart, steps: k - blockStart, records, get, spikes });
    };
    /** Copies the rows of the steps from the block's start to `k` out of the block buffers (no allocation). */
    const flush = (k: number) => {
      for (const rec of recs) {
        if (rec.r.mode !== 'trace' || rec.direct || !rec.chunk) continue;
        const from = rowsBefore(blockStart, rec.r.rate);
        const rows = rowsBefore(k, rec.r.rate) - from;
        const { units, width, chunk, data } = rec;
        const num = rec.cp.num;
        if (!units) chunk.set(data.subarray(0, rows * num), from * num);
        else for (let t = 0; t < rows; t++) for (let j = 0; j < width; j++) chunk[(from + t) * width + j] = data[t * num + units[j]];
      }
    };
    try {
      while (done < steps) {
        if (options.signal?.aborted) throw new RunAbortedError('Network.run', done);
        const n = Math.min(block, steps - done);
        const view = buffers.slice();
        for (const [b, inp] of streams) view[b] = inp.block(done, n, plan.dtype);
        blockStart = done;
        for (const rec of recs) view[rec.r.out] = rec.r.mode === 'sum' ? rec.data : traceView(rec, done);
        for (const rec of spikeRecs) { rec.pairs[0] = 0; view[rec.out] = rec.pairs; }
        if (snapshot) {
          // A device holds the state: the snapshot is taken from it.
          await program.download?.(buffers);
          save(snapshot);
        }
        await program.run(view, { k0: s0 + done, steps: n, dt, seed, since });
        // More spikes than room: run the block again from the snapshot with room for all of them.
        for (let tries = 0; snapshot && spikeRecs.some((rec) => rec.pairs[0] > rec.pairs[1]); tries++) {
          if (tries > 2) throw new BackendError(`backend '${program.backend}'`, 'a block found more spikes than it had room for, again and again.', 'This is a bug in the back end: a block run again must find the same spikes.', { code: 'invalid-plan' });
          for (const rec of spikeRecs) {
            if (rec.pairs[0] > rec.pairs[1]) rec.pairs = pairsFor(rec, Math.min(rec.cp.num * n, Math.ceil(rec.pairs[0] * 1.25)));
            rec.pairs[0] = 0;
            view[rec.out] = rec.pairs;
          }
          restore(snapshot);
          await program.upload?.(buffers);
          await program.run(view, { k0: s0 + done, steps: n, dt, seed, since });
        }
        if (options.checkFinite && snapshot && before) {
          await program.download?.(buffers);
          const bad = this.firstNonFinite(plan, buffers);
          if (bad) {
            // Replay the block one step at a time from the snapshot to find the exact step.
            for (const rec of spikeRecs) rec.pairs[0] = 0;
            restore(snapshot);
            await program.upload?.(buffers);
            let k = done;
            for (; k < done + n; k++) {
              const one = view.slice();
              plan.buffers.forEach((b, i) => { if (b.role === 'stream') one[i] = view[i].subarray((k - done) * b.length, (k - done + 1) * b.length); });
              for (const rec of recs) if (rec.r.mode === 'trace') one[rec.r.out] = traceView(rec, k);
              // What the failing step would change, to put it back: the state
              // and recordings then agree (both end before that step).
              save(before);
              await program.run(one, { k0: s0 + k, steps: 1, dt, seed, since });
              await program.download?.(buffers);
              const hit = this.firstNonFinite(plan, buffers);
              if (!hit) collect(k);
              if (hit) {
                for (const rec of spikeRecs) rec.pairs[0] = 0;
                restore(before);
                await program.upload?.(buffers);
                flush(k);
                keep(k);
                await emit(k).catch(() => undefined);
                progress?.update(k);
                progress?.stop(false);
                const step = s0 + k;
                const kept = step === 0
                  ? 'No step completed: nothing was recorded and the network is left as it was before the run.'
                  : `Recordings up to step ${step - 1} are kept and the network is left as it was after that step.`;
                throw new NumericalError(`${hit.container}#${hit.variable} unit ${hit.unit} step ${step}`, `became ${hit.value} (checkFinite).`, `${kept} Reduce dt, check parameters and inputs near step ${step}, or add bounds to the state.`, { ...hit, step });
              }
            }
          }
        }
        collect(done);
        flush(done + n);
        done += n;
        progress?.update(done);
        await emit(done);
        if (options.signal) await new Promise((r) => setImmediate(r));
      }
      await program.download?.(buffers);
    } catch (error) {
      progress?.stop(false);
      if (error instanceof NumericalError) throw error;
      await program.download?.(buffers).catch(() => undefined);
      keep(done);
      if (error instanceof RunAbortedError) throw new RunAbortedError('Network.run', done);
      throw error;
    }
    progress?.stop();
    keep(steps);
    return { steps, backend: program.backend, seconds: (performance.now() - t0) / 1e3 };
  }

  /**
   * The arrays of every recording of a run of `steps` steps in blocks of at
   * most `block` steps: for a trace, this run's rows (of the run's dtype),
   * which the blocks write into directly, or through a block buffer when the
   * rows are not kept; for a 'sum', the run's totals and the kept totals. A
   * continued trace keeps the rows of earlier runs where they are (see
   * {@link Recording.append}), so that a run costs the same however the steps
   * are split into runs. A new trace recorded with `{ initial: true }` gets
   * one more row first (`head`), the values before this run's first step.
   * Everything is allocated here, before the first step, so that keeping the
   * results needs no allocation.
   * @throws {@link InputDataError} when they do not fit (nothing has changed yet)
   */
  private recordings(plan: NetworkPlan, buffers: BufferArray[], steps: number, block: number, rowsBefore: (k: number, rate: number) => number) {
    const where = 'Network.run';
    const fix = "Record fewer variables, keep every k-th step with record(..., { rate: k }), count spikes with { mode: 'sum' }, or run in shorter pieces.";
    const bytes = bytesOf(plan.dtype);
    const wanted = plan.containers.flatMap((cp, ci) => cp.records.map((r) => {
      const container = this.host.containers[ci];
      const options = container.records.get(r.variable);
      // The units kept (null: all), and the width of a kept row.
      const units = options?.units ?? null;
      const width = units ? units.length : cp.num;
      const old = container.recorder.names().includes(r.variable) ? container.recorder.get(r.variable) : null;
      // A recording continues when its mode, units (and, for a trace, its rate) are unchanged; else it starts anew.
      const sameUnits = (a: Int32Array | null, b: Int32Array | null) => (a === null ? b === null : b !== null && a.length === b.length && a.every((u, j) => u === b[j]));
      const prev = old && old.mode === r.mode && sameUnits(old.units, units) && (r.mode === 'sum' || old.rate === r.rate) ? old : null;
      const prevRows = prev && r.mode === 'trace' ? prev.shape[0] : 0;
      const rows = r.mode === 'sum' ? 1 : rowsBefore(steps, r.rate);
      const keep = options?.keep !== false;
      // The initial row: only for a kept trace that starts with this run.
      const head = r.mode === 'trace' && keep && !prev && options?.initial === true ? 1 : 0;
      // Every unit of a kept trace is written where it is kept; a subset goes through a block buffer.
      const direct = r.mode === 'trace' && keep && !units;
      // Rows one block writes: at most one per `rate` steps, and no more than the run's.
      const blockRows = r.mode === 'sum' ? 1 : direct ? 0 : Math.min(rows, Math.ceil(block / r.rate));
      return { r, cp, container, prev, prevRows, rows, direct, blockRows, keep, head, units, width };
    }));
    let needed = 0;
    for (const { cp, rows, blockRows, keep, head, width } of wanted) needed += blockRows * cp.num * bytes + (keep ? (head + rows) * width * bytes : 0);
    // Below 64 MiB an allocation that fails is still refused (allocate); the free memory is not asked for.
    if (needed >= 2 ** 26) checkBytes(where, 'the recordings', needed, fix);
    // The rows of every run must fit in one array once joined.
    for (const { r, cp, prevRows, rows, keep, head, width } of wanted) if (keep) checkElements(where, `the recording of ${cp.name}.${r.variable}`, (prevRows + head + rows) * width, fix);
    return wanted.map((w) => {
      const { r, cp, rows, direct, blockRows, keep, head, units, width } = w;
      const label = `the recording of ${cp.name}.${r.variable}`;
      if (!keep) return { ...w, data: allocate(where, label, plan.dtype, blockRows * cp.num, fix), result: null, chunk: null };
      const kept = allocate(where, label, plan.dtype, (head + rows) * width, fix);
      if (r.mode === 'sum') return { ...w, data: allocate(where, label, plan.dtype, cp.num, fix), result: kept, chunk: null };
      // The initial row: the values now, before the first step (the host copy is current between runs).
      if (head) kept.set(units ? Array.from(units, (u) => buffers[r.source][u]) : buffers[r.source].subarray(0, cp.num));
      const chunk = kept.subarray(head * width);
      const data = direct ? chunk : allocate(where, label, plan.dtype, blockRows * cp.num, fix);
      return { ...w, data, result: kept, chunk };
    });
  }

  private firstNonFinite(plan: NetworkPlan, buffers: BufferArray[]) {
    for (const cp of plan.containers) {
      for (const s of cp.ir.states) {
        const a = buffers[cp.buffers[s.name]];
        for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return { container: cp.name, variable: s.name, unit: i, value: a[i] };
      }
    }
    return null;
  }

  private defaultSteps(): number {
    const finite = this.host.inputs.map((i) => i.steps).filter(Number.isFinite);
    if (!finite.length) throw new InputDataError('Network.run', 'the number of steps is not known: no input holds data of a fixed length.', 'Pass run(dt, { steps }).');
    return Math.min(...finite);
  }


  /** The current values of a projection's variable, from the compiled buffers (undefined before a compile). */
  currentSynapse(syn: Synapses<never>, variable: string, from = 0, to = syn.num): Float64Array | undefined {
    const pi = this.host.projections.indexOf(syn);
    const pp = this.compiled?.plan.projections?.[pi];
    const b = pp?.buffers[variable];
    return b === undefined ? undefined : Float64Array.from(this.compiled!.buffers[b].subarray(from, to));
  }

  /** Stores values given to `synapses.set`: as for containers, a state of a compiled projection gets its current value only. */
  storeSynapse(syn: Synapses<never>, variable: string, values: Float64Array): void {
    const pi = this.host.projections.indexOf(syn);
    const pp = this.compiled?.plan.projections?.[pi];
    const b = pp?.buffers[variable];
    if (b !== undefined) checkRange(`synapses ${syn.name}.${variable}`, values, this.compiled!.plan.dtype);
    const isState = syn.ir.states.some((s) => s.name === variable);
    if (!(b !== undefined && isState)) syn.values.get(variable)!.set(values);
    if (b !== undefined) {
      const { program, buffers } = this.compiled!;
      buffers[b].set(values);
      if (program.upload) {
        const p = this.pending.then(() => program.upload!(buffers));
        p.catch(() => undefined);
        this.pending = p;
      }
    }
  }

  /** The current values of a container's variable (float64 copy), or of units [from, to) of it. */
  current(c: Container, variable: string, from = 0, to = c.num): Float64Array {
    const ci = this.host.containers.indexOf(c);
    const b = this.compiled && this.bufferOf(this.compiled, ci, variable);
    return Float64Array.from((b ?? c.values.get(variable)!).subarray(from, to));
  }

  /**
   * Stores a value given to `container.set`: a state of a container the
   * network was compiled with gets its current value only; anything else its
   * value (and, when compiled, the buffer as well).
   */
  store(c: Container, variable: string, value: number | Float64Array): void {
    const ci = this.host.containers.indexOf(c);
    const b = this.compiled ? this.bufferOf(this.compiled, ci, variable) : undefined;
    if (b) checkRange(`${c.name}.${variable}`, typeof value === 'number' ? [value] : value, this.compiled!.plan.dtype);
    const isState = c.spec.states.some((s) => s.name === variable);
    if (!(b && isState)) {
      const target = c.values.get(variable)!;
      if (typeof value === 'number') target.fill(value);
      else target.set(value);
    }
    if (b) {
      if (typeof value === 'number') b.fill(value);
      else b.set(value);
      const { program, buffers } = this.compiled!;
      if (program.upload) {
        const p = this.pending.then(() => program.upload!(buffers));
        p.catch(() => undefined);
        this.pending = p;
      }
    }
  }

  /**
   * Returns every state to its initial value (see {@link Container} for which
   * value that is), clears the recordings and the step count. Parameters and
   * inputs keep their values.
   * @throws {@link BusyError} while a run, compile or another reset is in progress
   */
  async reset(): Promise<void> {
    await this.exclusive('reset', async () => {
      if (this.compiled) {
        const { plan, buffers, program } = this.compiled;
        plan.containers.forEach((cp, ci) => {
          for (const [name, b] of Object.entries(cp.buffers)) buffers[b].set(this.host.containers[ci].values.get(name)!);
          if (cp.fired) buffers[cp.fired.ring].fill(0);
        });
        plan.projections?.forEach((pp, pi) => {
          const syn = this.host.projections[pi];
          for (const s of pp.ir.states) buffers[pp.buffers[s.name]].set(syn.values.get(s.name)!);
        });
        // No spike is in flight: every delay is the current one from step 0.
        for (const book of this.delayBook) { book.since = 0; book.before = book.current; }
        this.delayState++;
        await program.upload?.(buffers);
      }
      this.restoring = null;
      this.host.step = 0;
      for (const c of this.host.containers) c.recorder.clear();
    });
  }

}

/**
 * Steps per block when the caller does not say: about a fifth of a second of
 * the back end's work (`unitStepsPerBlock` unit-steps, at most
 * `maxBlockSteps` steps), so that progress, abort and checkFinite stay
 * responsive while per-block costs stay small; and no more than
 * `streamBytesPerBlock` bytes of input data per block.
 * @param capabilities - what the back end declares (see {@link BackendCapabilities})
 * @param unitSteps - units advanced per step (all containers)
 * @param streamBytesPerStep - bytes of input data per step (all streams)
 */
export function defaultBlock(capabilities: Pick<BackendCapabilities, 'unitStepsPerBlock' | 'maxBlockSteps' | 'streamBytesPerBlock'>, steps: number, unitSteps: number, streamBytesPerStep: number): number {
  let block = Math.min(steps, Math.ceil(capabilities.unitStepsPerBlock / unitSteps), capabilities.maxBlockSteps);
  if (streamBytesPerStep > 0) block = Math.min(block, Math.floor(capabilities.streamBytesPerBlock / streamBytesPerStep));
  return Math.max(1, block);
}

/**
 * Refuses values that become infinite in the run's dtype (float32 holds up to
 * about 3.4e38).
 */
function checkRange(where: string, values: ArrayLike<number>, dtype: Dtype): void {
  if (dtype !== 'float32') return;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(Math.fround(values[i]))) {
      throw new InputDataError(values.length > 1 ? `${where}[${i}]` : where, `the value ${values[i]} is outside the range of float32.`, "Use smaller values, or compile with dtype 'float64'.");
    }
  }
}

/** The smallest normal number of each dtype. */
/**
 * The spikes a block wrote as (k − k0, unit) pairs after a count and the
 * room (see `ContainerPlan.spikes`), sorted by step and unit, with global
 * steps (`k0` is the block's first) and times `step·dt`.
 */
function spikeChunk(pairs: Int32Array, num: number, k0: number, dt: number): SpikeChunk {
  const n = pairs[0];
  // Keys step·num + unit are exact (below 2^53) and sort like (step, unit).
  const keys = new Float64Array(n);
  let sorted = true;
  for (let j = 0; j < n; j++) {
    keys[j] = pairs[2 + 2 * j] * num + pairs[3 + 2 * j];
    if (j > 0 && keys[j] < keys[j - 1]) sorted = false;
  }
  if (!sorted) keys.sort();
  const units = new Int32Array(n);
  const steps = new Float64Array(n);
  const times = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const kk = Math.floor(keys[j] / num);
    units[j] = keys[j] - kk * num;
    steps[j] = k0 + kk;
    times[j] = steps[j] * dt;
  }
  return { units, steps, times };
}

const MIN_NORMAL: Record<Dtype, number> = { float64: 2 ** -1022, float32: 2 ** -126 };

/**
 * Refuses a dt that is 0, subnormal or infinite in the run's dtype, itself
 * or multiplied by a model's time scale (what the back ends step with).
 */
function checkDt(dt: number, plan: NetworkPlan): void {
  const dtype = plan.dtype;
  const round = dtype === 'float32' ? Math.fround : (x: number) => x;
  const bad = (x: number) => { const y = round(x); return y === 0 ? 'is 0' : !Number.isFinite(y) ? 'is infinite' : Math.abs(y) < MIN_NORMAL[dtype] ? 'is subnormal' : null; };
  const other = dtype === 'float32' ? ", or compile with dtype 'float64'" : '';
  const fix = `Use a dt whose product with each time scale lies between ${MIN_NORMAL[dtype]} and ${dtype === 'float32' ? 3.4e38 : Number.MAX_VALUE} (normal ${dtype} numbers)${other}.`;
  const itself = bad(dt);
  if (itself) throw new InputDataError('Network.run', `dt = ${dt} ${itself} in ${dtype}.`, fix);
  for (const cp of plan.containers) {
    const scale = cp.ir.timeScale;
    const why = bad(dt * scale);
    if (why) {
      throw new InputDataError('Network.run', `dt = ${dt} s times the time scale ${scale} of '${cp.name}' gives ${dt * scale}, which ${why} in ${dtype}.`, fix);
    }
  }
}

/** The longest of a projection's delays in steps (one for all, or one per synapse). */
function longest(delays: number | Int32Array): number {
  return typeof delays === 'number' ? delays : delays.reduce((a, b) => Math.max(a, b), 0);
}

/** Whether two sets of delays in steps are the same. */
function sameDelays(a: number | Int32Array, b: number | Int32Array): boolean {
  return typeof a === 'number' || typeof b === 'number' ? a === b : a.length === b.length && a.every((x, i) => x === b[i]);
}
