/**
 * Checkpoints: the run state of a network in a file, to stop a run and
 * resume it later (another process, another machine) with the same results
 * as an uninterrupted run.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFileError, InputDataError, RunAbortedError, describeValue } from '../errors.js';
import type { Network } from '../network/network.js';
import { Recording, SpikeRecording } from '../network/recorder.js';
import { checkOptions, type OptionRules } from '../options.js';
import { isSeed } from '../random/philox.js';
import { checkPath, readBytes, writeParts } from './files.js';
import { decodeNpz, encodeNpz } from './npz.js';

/** What a checkpoint file says it is, and the version of its layout. */
const FORMAT = 'neural-ts checkpoint';
const VERSION = 1;
/** The generator the random draws come from: a checkpoint resumes the same streams only with it. */
const GENERATOR = 'philox4x32-10';

/** What a checkpoint records of a network besides the values: enough to refuse another network. */
interface CheckpointMeta {
  format: string;
  version: number;
  generator: string;
  step: number;
  seed: number;
  containers: { name: string; model: string; num: number; variables: string[] }[];
  /** The projections (absent when the network had none): model, size, variables and the sha256 of their (i, j) and of their delays. */
  projections?: { name: string; model: string; num: number; variables: string[]; connectivity: string; delays?: string }[];
  /**
   * Spikes on their way through delays (absent when none can be): the step
   * they were sent with (seconds) and the containers whose recent spikes are
   * saved (arrays `f<i>.steps`, `f<i>.counts`, `f<i>.units`).
   */
  inFlight?: { dt: number; containers: number[] };
  /**
   * The recordings so far (absent when saved without them): each kept trace
   * or sum (array `r<i>.<variable>`, float64; `float32` says the rows were
   * float32) and each container's spikes (arrays `p<i>.units`, `p<i>.steps`,
   * `p<i>.times`).
   */
  recordings?: {
    traces: { container: number; variable: string; width: number; rate: number; dt: number; mode: 'trace' | 'sum'; firstStep: number; initialStep: number | null; units: number[] | null; float32: boolean }[];
    spikes: { container: number; variable: string; num: number; duration: number }[];
  };
  /** sha256 of every value array's bytes, in the order of the containers and their variables, then the projections and theirs. */
  sha256: string;
}

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /**
   * Whether the checkpoint holds the recordings so far (default true), so
   * that a resumed network's recordings are those of the uninterrupted run;
   * false for long runs whose recordings are saved or consumed elsewhere.
   */
  recordings?: boolean;
}

/** The sha256 of the value arrays, in order: what makes a changed value a damaged file. */
function digest(arrays: readonly Float64Array[]): string {
  const h = createHash('sha256');
  for (const a of arrays) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}

/** The network's containers as a checkpoint describes them. */
function describe(network: Network): CheckpointMeta['containers'] {
  return network.containers.map((c) => ({ name: c.name, model: c.spec.name, num: c.num, variables: c.variables }));
}

/** The network's projections as a checkpoint describes them: which synapses join which units. */
function describeProjections(network: Network): NonNullable<CheckpointMeta['projections']> {
  return network.projections.map((p) => {
    const h = createHash('sha256');
    h.update(`${network.containers.indexOf(p.source)} ${network.containers.indexOf(p.target)} `);
    for (const a of [p.i, p.j]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    const d = p.delay;
    const delays = createHash('sha256').update(typeof d === 'number' ? `one ${d}` : new Uint8Array(d.buffer, d.byteOffset, d.byteLength)).digest('hex');
    return { name: p.name, model: p.ir.model, num: p.num, variables: p.variables, connectivity: h.digest('hex'), delays };
  });
}

/**
 * Saves the run state of a network: every variable of every container (the
 * current values: states, parameters and inputs, `lastspike` and
 * `not_refractory` included) and of every projection's synapses, the step
 * and the seed, the spikes still on their way through synapse delays (the
 * units that fired in the last steps, which the resumed run delivers as the
 * uninterrupted run would have), and the recordings so far (traces, sums
 * and spikes; `{ recordings: false }` leaves them out), as an `.npz` file
 * (float64 arrays `c<i>.<variable>`, `s<i>.<variable>`, `f<i>.*`,
 * `r<i>.<variable>`, `p<i>.*`, and `meta`, JSON text).
 *
 * Random draws are addressed by seed and step, so this is all a resumed run
 * needs to draw the same numbers. Not saved: the input streams (give the
 * resumed run the rows from the saved step on), and the part of a reduced
 * recording's window (`{ rate, reduce }`) before the checkpoint (save at a
 * multiple of the rate to lose none).
 * @param path - the file, ending in `.npz`; whole or absent (written to a temporary file, then renamed)
 * @param network - a network (compiled or not; not while a run is in progress)
 * @param options - `recordings`: whether to hold the recordings so far (default true)
 * @throws {@link InputDataError} for another extension, an unknown option or something other than a network, or while spikes sent before a change of the delays are still in flight (it says how many steps to run first)
 * @throws {@link DataFileError} when the file cannot be written
 * @example
 * await nn.run(dt, { steps: 5000 });
 * await saveCheckpoint('out/run.npz', nn);
 */
export async function saveCheckpoint(path: string, network: Network, options?: SaveCheckpointOptions): Promise<void> {
  const where = 'saveCheckpoint';
  checkOptions(where, options, { recordings: { type: 'boolean' } });
  checkPath(where, path, ['.npz']);
  checkNetwork(where, network);
  const values: Record<string, Float64Array> = {};
  network.containers.forEach((c, ci) => {
    for (const v of c.variables) values[`c${ci}.${v}`] = c.get(v);
  });
  network.projections.forEach((p, pi) => {
    for (const v of p.variables) values[`s${pi}.${v}`] = p.get(v as never);
  });
  // Spikes in flight: float64 arrays like the values, so that one checksum covers them.
  const flight = network.inFlight();
  for (const r of flight?.rings ?? []) {
    values[`f${r.container}.steps`] = r.steps;
    values[`f${r.container}.counts`] = Float64Array.from(r.counts);
    values[`f${r.container}.units`] = Float64Array.from(r.units);
  }
  const recordings = options?.recordings === false ? undefined : recordingsOf(network, values);
  const meta: CheckpointMeta = {
    format: FORMAT, version: VERSION, generator: GENERATOR, step: network.step, seed: network.seed, containers: describe(network),
    ...(network.projections.length ? { projections: describeProjections(network) } : {}),
    ...(flight ? { inFlight: { dt: flight.dt, containers: flight.rings.map((r) => r.container) } } : {}),
    ...(recordings ? { recordings } : {}),
    sha256: digest(Object.values(values)),
  };
  const arrays: Record<string, unknown> = { meta: { data: [JSON.stringify(meta)], shape: [] }, ...values };
  await writeParts(`${where}('${path}')`, path, [encodeNpz(where, arrays, false)]);
}

/**
 * Restores a checkpoint into a network built the same way (the same
 * containers, models, sizes and variables, in the same order): every
 * variable's values, the step and the seed. On a compiled network the
 * states become the current values (what the next run starts from); before
 * compile they become the initial values. The next `run` continues from the
 * saved step and gives what the uninterrupted run gave; spikes that were on
 * their way through synapse delays arrive as they would have, provided that
 * run uses the `dt` they were sent with (another is refused). The network's
 * recordings become those of the checkpoint (none when it was saved without
 * them), and the next run continues them as the uninterrupted run would have.
 * @param path - an `.npz` file written by {@link saveCheckpoint}
 * @param network - the network to restore into
 * @throws {@link DataFileError} when the file is damaged, is not a checkpoint, is of another layout version or generator, or was saved from another network (the first difference is named)
 * @example
 * const nn = build(); // as the network that was saved
 * await loadCheckpoint('out/run.npz', nn);
 * await nn.run(dt, { steps: 5000 });
 */
export async function loadCheckpoint(path: string, network: Network): Promise<void> {
  const call = 'loadCheckpoint';
  checkPath(call, path, ['.npz']);
  checkNetwork(call, network);
  const where = `${call}('${path}')`;
  const arrays = decodeNpz(where, path, await readBytes(where, path), call);
  const refuse = (what: string, fix = 'Load a checkpoint saved from a network built the same way (saveCheckpoint).') => new DataFileError(where, what, fix);
  const text = arrays.meta;
  let meta: CheckpointMeta;
  try {
    if (!text || text.dtype !== 'string') throw new Error('no meta');
    meta = JSON.parse(String((text.data as unknown as string[])[0])) as CheckpointMeta;
  } catch {
    throw refuse('it is not a checkpoint (no readable meta record).');
  }
  if (meta.format !== FORMAT) throw refuse(`it is not a checkpoint (format ${describeValue(meta.format)}).`);
  if (meta.version !== VERSION) throw refuse(`its layout is version ${describeValue(meta.version)}; this library reads version ${VERSION}.`, 'Resume it with the library version that saved it.');
  if (meta.generator !== GENERATOR) throw refuse(`its random draws come from ${describeValue(meta.generator)}, not ${GENERATOR}.`, 'Resume it with the library version that saved it.');
  if (!Number.isSafeInteger(meta.step) || meta.step < 0 || !isSeed(meta.seed) || !Array.isArray(meta.containers)) {
    throw refuse(`its step ${describeValue(meta.step)}, seed ${describeValue(meta.seed)} or containers are damaged.`);
  }
  const here = describe(network);
  if (meta.containers.length !== here.length) throw refuse(`it holds ${meta.containers.length} containers; this network has ${here.length}.`);
  here.forEach((c, ci) => {
    const saved = meta.containers[ci];
    const label = `container ${ci}`;
    if (saved.name !== c.name || saved.model !== c.model) throw refuse(`${label} was '${saved.name}' (${saved.model}); here it is '${c.name}' (${c.model}).`);
    if (saved.num !== c.num) throw refuse(`${label} '${c.name}' had ${saved.num} units; here it has ${c.num}.`);
    if (saved.variables.join(',') !== c.variables.join(',')) throw refuse(`${label} '${c.name}' had the variables ${saved.variables.join(', ')}; here ${c.variables.join(', ')}.`);
    for (const v of c.variables) {
      const a = arrays[`c${ci}.${v}`];
      if (!a || a.dtype !== 'float64' || a.data.length !== c.num) throw refuse(`the values of ${c.name}.${v} are missing or damaged.`);
    }
  });
  const saved = meta.projections ?? [];
  const projections = describeProjections(network);
  if (saved.length !== projections.length) throw refuse(`it holds ${saved.length} projections; this network has ${projections.length}.`);
  projections.forEach((p, pi) => {
    const old = saved[pi];
    const label = `synapses ${pi}`;
    if (old.name !== p.name || old.model !== p.model || old.num !== p.num) throw refuse(`${label} were '${old.name}' (${old.model}, ${old.num} synapses); here '${p.name}' (${p.model}, ${p.num}).`);
    if (old.connectivity !== p.connectivity) throw refuse(`${label} '${p.name}' joined other units (another seed, or connected otherwise).`);
    if (old.delays !== undefined && old.delays !== p.delays) throw refuse(`${label} '${p.name}' had other delays.`);
    if (old.variables.join(',') !== p.variables.join(',')) throw refuse(`${label} '${p.name}' had the variables ${old.variables.join(', ')}; here ${p.variables.join(', ')}.`);
    for (const v of p.variables) {
      const a = arrays[`s${pi}.${v}`];
      if (!a || a.dtype !== 'float64' || a.data.length !== p.num) throw refuse(`the values of synapses ${p.name}.${v} are missing or damaged.`);
    }
  });
  const flight = meta.inFlight;
  if (flight !== undefined && !(typeof flight.dt === 'number' && flight.dt > 0 && Array.isArray(flight.containers) && flight.containers.every((ci) => Number.isInteger(ci) && ci >= 0 && ci < here.length))) throw refuse('its record of spikes in flight is damaged.');
  const fly = (flight?.containers ?? []).map((ci) => ['steps', 'counts', 'units'].map((k) => {
    const a = arrays[`f${ci}.${k}`];
    if (!a || a.dtype !== 'float64') throw refuse(`the spikes in flight of ${here[ci].name} are missing or damaged.`);
    return a.data as Float64Array;
  }));
  // What the rings will hold: each step before the saved one, at most every unit once, in order.
  fly.forEach(([steps, counts, units], x) => {
    const num = here[flight!.containers[x]].num;
    let at = 0;
    const bad = steps.length !== counts.length || steps.some((s, y) => {
      const n = counts[y];
      if (!Number.isSafeInteger(s) || s < 0 || s >= meta.step || !Number.isInteger(n) || n < 0 || n > num || at + n > units.length) return true;
      for (let u = at; u < at + n; u++) if (!Number.isInteger(units[u]) || units[u] < 0 || units[u] >= num || (u > at && units[u] <= units[u - 1])) return true;
      at += n;
      return false;
    });
    if (bad || at !== units.length) throw refuse(`the spikes in flight of ${here[flight!.containers[x]].name} are damaged.`);
  });
  const recorded = readRecordings(meta, network, arrays, refuse);
  const values = [
    ...network.containers.flatMap((c, ci) => c.variables.map((v) => arrays[`c${ci}.${v}`].data as Float64Array)),
    ...network.projections.flatMap((p, pi) => p.variables.map((v) => arrays[`s${pi}.${v}`].data as Float64Array)),
    ...fly.flat(),
    ...(recorded?.order ?? []).map((name) => arrays[name].data as Float64Array),
  ];
  if (digest(values) !== meta.sha256) throw refuse('it is damaged: its values do not have the checksum it was saved with.', 'Resume from an earlier checkpoint, or run again from the start.');
  // Everything checked: now write. Recordings made before do not continue
  // across the jump in steps.
  network.containers.forEach((c, ci) => {
    for (const v of c.variables) c.set(v, arrays[`c${ci}.${v}`].data as Float64Array);
    c.recorder.clear();
  });
  for (const { container, recording } of recorded?.traces ?? []) container.recorder.put(recording);
  for (const { container, recording } of recorded?.spikes ?? []) container.recorder.putSpikes(recording);
  network.projections.forEach((p, pi) => {
    for (const v of p.variables) p.set(v as never, arrays[`s${pi}.${v}`].data as Float64Array);
  });
  network.step = meta.step;
  network.seed = meta.seed;
  network.restoreInFlight(flight ? {
    dt: flight.dt,
    rings: flight.containers.map((container, x) => {
      const [steps, counts, units] = fly[x];
      return { container, steps, counts: Int32Array.from(counts), units: Int32Array.from(units) };
    }),
  } : null);
}

/** The kept recordings of every container, as meta records; their arrays are added to `values`. */
function recordingsOf(network: Network, values: Record<string, Float64Array>): NonNullable<CheckpointMeta['recordings']> {
  const traces: NonNullable<CheckpointMeta['recordings']>['traces'] = [];
  const spikes: NonNullable<CheckpointMeta['recordings']>['spikes'] = [];
  // Every trace, then every spike recording: the order of the checksum.
  network.containers.forEach((c, ci) => {
    for (const variable of c.recorder.names()) {
      const r = c.recorder.get(variable);
      values[`r${ci}.${variable}`] = Float64Array.from(r.data);
      traces.push({ container: ci, variable, width: r.shape[1], rate: r.rate, dt: r.dt, mode: r.mode, firstStep: r.firstStep, initialStep: r.initialStep, units: r.units ? Array.from(r.units) : null, float32: r.data instanceof Float32Array });
    }
  });
  network.containers.forEach((c, ci) => {
    const s = c.recorder.spikesOrNull();
    if (!s) return;
    values[`p${ci}.units`] = Float64Array.from(s.units);
    values[`p${ci}.steps`] = Float64Array.from(s.steps);
    values[`p${ci}.times`] = Float64Array.from(s.times());
    spikes.push({ container: ci, variable: s.variable, num: s.num, duration: s.duration });
  });
  return { traces, spikes };
}

/**
 * The recordings of a checkpoint, checked and made, in the order of its
 * meta; `arrays` the archive's arrays.
 * @throws {@link DataFileError} (through `refuse`) when a record or its array is damaged
 */
function readRecordings(meta: CheckpointMeta, network: Network, arrays: Record<string, { dtype: string; data: unknown }>, refuse: (what: string) => DataFileError) {
  const saved = meta.recordings;
  if (saved === undefined) return null;
  const ok = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  const named = (x: unknown) => (typeof x === 'string' ? `'${x}'` : describeValue(x));
  const array = (name: string, length?: number) => {
    const a = arrays[name];
    if (!a || a.dtype !== 'float64' || (length !== undefined && (a.data as Float64Array).length !== length)) throw refuse(`the recording ${name} is missing or damaged.`);
    return a.data as Float64Array;
  };
  if (!Array.isArray(saved.traces) || !Array.isArray(saved.spikes)) throw refuse('its record of recordings is damaged.');
  const traces = saved.traces.map((t) => {
    const c = network.containers[t.container];
    const units = t.units;
    const step = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0 && (x as number) <= meta.step;
    if (!c || typeof t.variable !== 'string' || !c.variables.includes(t.variable) || !Number.isSafeInteger(t.width) || t.width < 0 || !Number.isSafeInteger(t.rate) || t.rate < (t.mode === 'sum' ? 0 : 1) || !ok(t.dt) || !(t.dt > 0) || (t.mode !== 'trace' && t.mode !== 'sum') || !step(t.firstStep) || (t.initialStep !== null && !step(t.initialStep))
      || (units !== null && (!Array.isArray(units) || units.length !== t.width || !units.every((u) => Number.isInteger(u) && u >= 0 && u < c.num))) || (units === null && t.width !== c.num)) {
      throw refuse(`the record of a recording (${named(t.variable)}) is damaged.`);
    }
    const data = array(`r${t.container}.${t.variable}`);
    if (t.width > 0 ? data.length % t.width !== 0 : data.length !== 0) throw refuse(`the recording r${t.container}.${t.variable} is damaged.`);
    return { container: c, recording: new Recording(t.variable, t.float32 ? Float32Array.from(data) : data, t.width, t.rate, t.dt, t.mode, t.firstStep, t.initialStep, units ? Int32Array.from(units) : null) };
  });
  const spikes = saved.spikes.map((s) => {
    const c = network.containers[s.container];
    if (!c || s.variable !== c.spec.spike?.name || s.num !== c.num || !ok(s.duration) || s.duration < 0) throw refuse(`the record of the spikes of ${named(s.variable)} is damaged.`);
    const units = array(`p${s.container}.units`);
    const steps = array(`p${s.container}.steps`, units.length);
    const times = array(`p${s.container}.times`, units.length);
    if (!units.every((u) => Number.isInteger(u) && u >= 0 && u < c.num) || !steps.every((k) => Number.isSafeInteger(k) && k >= 0 && k < meta.step)) throw refuse(`the spikes of ${c.name} are damaged.`);
    return { container: c, recording: new SpikeRecording(s.variable, c.num, s.duration, { units: Int32Array.from(units), steps, times }) };
  });
  const order = [...traces.map((t) => `r${network.containers.indexOf(t.container)}.${t.recording.variable}`), ...spikes.flatMap((s) => ['units', 'steps', 'times'].map((k) => `p${network.containers.indexOf(s.container)}.${k}`))];
  return { traces, spikes, order };
}

/** Refuses what is not a network. */
function checkNetwork(where: string, network: unknown): void {
  const n = network as Partial<Network> | null;
  if (n === null || typeof n !== 'object' || !Array.isArray(n.containers) || typeof n.step !== 'number') {
    throw new InputDataError(where, `network is ${describeValue(network)}.`, 'Pass a Network.');
  }
}

/** Options of {@link runWithCheckpoints}. */
export interface CheckpointedRunOptions {
  /** The global step to run to (counted since the last reset): a resumed run goes on to the same end. */
  until: number;
  /** Steps between checkpoints. */
  every: number;
  /** The folder the checkpoints go to (`checkpoint-<step>.npz`; created when missing). */
  folder: string;
  /** How many of the newest checkpoints to keep (default 2; older ones are deleted). */
  keep?: number;
  /** Signals that stop the run at the next block and write a checkpoint there (default SIGTERM and SIGINT). */
  signals?: readonly NodeJS.Signals[];
  /** Stops the run the same way as a signal. */
  signal?: AbortSignal;
  /** Whether each checkpoint holds the recordings so far (default true; see {@link saveCheckpoint}). */
  recordings?: boolean;
  /** Passed on to each `run` (progress, checkFinite, block size). */
  verbose?: boolean;
  checkFinite?: boolean;
  blockSteps?: number;
}

/** What {@link runWithCheckpoints} did. */
export interface CheckpointedRun {
  /** The step the network is at. */
  step: number;
  /** The newest checkpoint written (or null when none was). */
  checkpoint: string | null;
  /** Whether a signal (or `signal`) stopped the run before `until`. */
  stopped: boolean;
}

const NAME = /^checkpoint-(\d{15})\.npz$/;
const fileOf = (folder: string, step: number) => join(folder, `checkpoint-${String(step).padStart(15, '0')}.npz`);

/**
 * Runs a network to step `until` in pieces of `every` steps, writing a
 * checkpoint after each piece, and at the step where a signal (SIGTERM,
 * SIGINT: a batch system ending or preempting the job) or `signal` stops it.
 * Pieces cost what one run costs (a run continues where the last stopped),
 * and draws are addressed by step, so the results are those of one run.
 * With {@link resumeLatest} first, a job started again goes on from its
 * newest checkpoint:
 * ```ts
 * const nn = build();
 * await nn.compile();
 * await resumeLatest('ckpt', nn);
 * const r = await runWithCheckpoints(nn, 1e-4, { until: 1_000_000, every: 50_000, folder: 'ckpt' });
 * if (r.stopped) process.exit(143); // requeued later, resumes from r.checkpoint
 * ```
 * @throws {@link InputDataError} for options that are not whole numbers or a folder that is not a path
 * @throws what `run` and {@link saveCheckpoint} throw
 */
export async function runWithCheckpoints(network: Network, dt: number, options: CheckpointedRunOptions): Promise<CheckpointedRun> {
  const where = 'runWithCheckpoints';
  checkNetwork(where, network);
  const o = checkOptions<CheckpointedRunOptions>(where, options, RUN_KEYS);
  const count = (name: string, x: unknown, min: number) => {
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < min) throw new InputDataError(where, `${name} is ${describeValue(x)}.`, `Give ${name} as a whole number of at least ${min}.`);
    return x;
  };
  const until = count('until', o.until, 0);
  const every = count('every', o.every, 1);
  const keep = count('keep', o.keep ?? 2, 1);
  if (typeof o.folder !== 'string' || !o.folder) throw new InputDataError(where, `folder is ${describeValue(o.folder)}.`, 'Give the folder of the checkpoints as a path.');
  await mkdir(o.folder, { recursive: true });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  const signals = o.signals ?? ['SIGTERM', 'SIGINT'];
  for (const s of signals) process.on(s, onSignal);
  o.signal?.addEventListener('abort', onSignal);
  if (o.signal?.aborted) stop.abort();
  let checkpoint: string | null = null;
  const save = async () => {
    checkpoint = fileOf(o.folder, network.step);
    await saveCheckpoint(checkpoint, network, { recordings: o.recordings !== false });
    const old = (await readdir(o.folder)).filter((f) => NAME.test(f)).sort().reverse().slice(keep);
    await Promise.all(old.map((f) => rm(join(o.folder, f), { force: true })));
  };
  try {
    while (network.step < until && !stop.signal.aborted) {
      const steps = Math.min(every - (network.step % every), until - network.step);
      try {
        await network.run(dt, { steps, signal: stop.signal, ...(o.verbose !== undefined ? { verbose: o.verbose } : {}), ...(o.checkFinite !== undefined ? { checkFinite: o.checkFinite } : {}), ...(o.blockSteps !== undefined ? { blockSteps: o.blockSteps } : {}) });
      } catch (error) {
        if (!(error instanceof RunAbortedError)) throw error;
      }
      await save();
    }
  } finally {
    for (const s of signals) process.off(s, onSignal);
    o.signal?.removeEventListener('abort', onSignal);
  }
  return { step: network.step, checkpoint, stopped: network.step < until };
}

/**
 * Loads the newest checkpoint of a folder ({@link runWithCheckpoints}'s
 * `checkpoint-<step>.npz` files) into a network built the same way.
 * @returns the file loaded, or null when the folder holds none (the network is then left as it is)
 * @throws what {@link loadCheckpoint} throws
 */
export async function resumeLatest(folder: string, network: Network): Promise<string | null> {
  let files: string[];
  try {
    files = (await readdir(folder)).filter((f) => NAME.test(f)).sort();
  } catch {
    return null;
  }
  const newest = files[files.length - 1];
  if (!newest) return null;
  const path = join(folder, newest);
  await loadCheckpoint(path, network);
  return path;
}

const RUN_KEYS: OptionRules = {
  until: { type: 'any' }, every: { type: 'any' }, folder: { type: 'any' }, keep: { type: 'any' }, signals: { type: 'any' },
  signal: { type: 'signal' }, recordings: { type: 'boolean' }, verbose: { type: 'boolean' }, checkFinite: { type: 'boolean' }, blockSteps: { type: 'count' },
};
