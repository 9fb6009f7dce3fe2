/**
 * Parameter sweeps: one network per parameter set and seed, built by a
 * function of yours, run, and reduced to numbers (the metrics); the results
 * as one table, in this thread or in worker threads on every core.
 *
 * @module
 */
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SingleBar } from 'cli-progress';
import { InputDataError, NeuralError, describeValue } from '../errors.js';
import { saveArrow } from '../io/arrow.js';
import { writeParts } from '../io/files.js';
import { saveParquet } from '../io/parquet.js';
import { checkOptions, type OptionRules } from '../options.js';
import { isSeed } from '../random/philox.js';
import { stepOf } from '../network/network.js';
import { load, runJobs, type Job, type ParameterSet, type SweepBuild, type SweepMetrics } from './run.js';

export type { ParameterSet, SweepBuild, SweepMetrics } from './run.js';

/** Options of {@link sweep}. */
export interface SweepOptions {
  /** Every combination of these values (a grid), or … */
  grid?: Readonly<Record<string, readonly number[]>>;
  /** … these parameter sets, in order. */
  sets?: readonly ParameterSet[];
  /** Each set is run with each of these seeds (default [0]). */
  seeds?: readonly number[];
  /**
   * A module (path or URL) that exports `build` and `metrics` (see
   * {@link SweepBuild}, {@link SweepMetrics}): what worker threads import.
   * Give either this or `build` and `metrics`.
   */
  module?: string | URL;
  /** Builds each network, in this thread (with `metrics`). */
  build?: SweepBuild;
  /** The metrics of each run, in this thread (with `build`). */
  metrics?: SweepMetrics;
  /** The step (seconds, or a time with its unit: `'0.1 ms'`) and the steps of each run. */
  dt: number | string;
  steps: number;
  /** Worker threads (default: with `module`, one per core up to the number of batches; with `build`, 0: this thread). */
  workers?: number;
  /**
   * Runs per batch (default 1): that many consecutive runs are built, joined
   * into one `Batch`, compiled once and run as one program, which is much
   * faster for small networks. The numbers are the same as run one by one;
   * `build` must then give networks of one structure.
   */
  batch?: number;
  /** Writes the table: `.csv`, `.arrow`/`.feather` or `.parquet`. */
  out?: string;
  /** A progress bar over the whole sweep on standard error. */
  verbose?: boolean;
}

/** The result of a sweep: one row per run, the parameters, `seed`, then the metrics. */
export interface SweepTable {
  /** Column names, in order. */
  names: string[];
  /** One Float64Array per column, a value per run. */
  columns: Record<string, Float64Array>;
  /** Runs, in the order of the sets and, within a set, of the seeds. */
  rows: number;
}

/**
 * Runs a network for every parameter set (a grid or a list) and seed, and
 * gathers the metrics into one table (written to `out` when given).
 * Networks are built by your `build` function, run for `steps` steps of
 * `dt`, and reduced by your `metrics` function: in this thread, or in
 * worker threads that import `module`, one run at a time or in batches of
 * runs compiled and run as one program (`batch`). Each run is its own
 * network with its own seed, so a run's numbers do not depend on the order,
 * the thread, the number of workers or the batch.
 * @example
 * const table = await sweep({
 *   grid: { El: [-56, -52, -48], sigma: [1, 3] }, seeds: [1, 2],
 *   module: new URL('./lif-sweep.js', import.meta.url), // exports build and metrics
 *   dt: 1e-4, steps: 10_000, batch: 6, out: 'out/sweep.parquet',
 * });
 * @throws {@link InputDataError} for bad options (a grid and sets both, no build, values that are not numbers…)
 * @throws {@link NeuralError} naming the parameters of a run that failed (the original error as its cause)
 */
export async function sweep(options: SweepOptions): Promise<SweepTable> {
  const where = 'sweep';
  const o = checkOptions<SweepOptions>(where, options, SWEEP_KEYS);
  const jobs = jobsOf(where, o);
  if ((o.module === undefined) === (o.build === undefined) || (o.build !== undefined) !== (o.metrics !== undefined)) {
    throw new InputDataError(where, 'it needs either a module, or build and metrics functions.', 'Give module (for worker threads) or build and metrics (this thread).');
  }
  const batches = batchesOf(where, jobs, o.batch);
  const workers = o.workers ?? (o.module !== undefined ? Math.min(cpus().length, batches.length) : 0);
  if (!Number.isSafeInteger(workers) || workers < 0) throw new InputDataError(where, `workers is ${describeValue(workers)}.`, 'Give a whole number of worker threads (0: this thread).');
  if (workers > 0 && o.module === undefined) throw new InputDataError(where, 'worker threads need a module to import build and metrics from.', 'Give module, or workers: 0.');

  const bar = o.verbose ? new SingleBar({ format: 'sweep {bar} {value}/{total} runs | {duration_formatted}', stream: process.stderr, hideCursor: false }) : null;
  bar?.start(jobs.length, 0);
  const results: Readonly<Record<string, number>>[] = new Array(jobs.length);
  const done = (job: Job, metrics: Readonly<Record<string, number>>) => {
    results[job.index] = metrics;
    bar?.increment();
  };
  try {
    if (workers === 0) {
      const { build, metrics } = o.module !== undefined ? await load(where, o.module) : { build: o.build!, metrics: o.metrics! };
      for (const list of batches) (await runJobs(list, build, metrics, o.dt, o.steps)).forEach((m, b) => done(list[b], m));
    } else {
      await inWorkers(where, o.module!, batches, workers, o.dt, o.steps, (index, m) => done(jobs[index], m));
    }
  } finally {
    bar?.stop();
  }
  const table = tableOf(where, jobs, results);
  if (o.out !== undefined) await writeTable(where, o.out, table);
  return table;
}

/**
 * The runs of a sweep, in order: each parameter set (of the grid, the first
 * name varying slowest, or of the list) with each seed; the options checked.
 */
export function jobsOf(where: string, o: Pick<SweepOptions, 'grid' | 'sets' | 'seeds' | 'dt' | 'steps'>): Job[] {
  const sets = parameterSets(where, o);
  const seeds = o.seeds ?? [0];
  if (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every(isSeed)) {
    throw new InputDataError(where, `seeds ${describeValue(seeds)} are not integers in [0, 2^32).`, 'Give e.g. seeds: [1, 2, 3].');
  }
  const dt = stepOf(where, o.dt);
  if (typeof dt !== 'number' || !(dt > 0) || !Number.isSafeInteger(o.steps) || o.steps < 1) {
    throw new InputDataError(where, `dt ${describeValue(o.dt)} or steps ${describeValue(o.steps)} is not a positive number of seconds and of steps.`, 'Give e.g. dt: 1e-4, steps: 10000.');
  }
  return sets.flatMap((params) => seeds.map((seed) => ({ params, seed }))).map((j, index) => ({ ...j, index }));
}

/** The parameter sets of a grid (every combination, the first name varying slowest) or a list. */
function parameterSets(where: string, o: Pick<SweepOptions, 'grid' | 'sets'>): ParameterSet[] {
  if ((o.grid === undefined) === (o.sets === undefined)) throw new InputDataError(where, 'it needs a grid or sets (one of them).', 'Give grid: { name: [values] } or sets: [{ name: value }, …].');
  const number = (name: string, x: unknown) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new InputDataError(where, `the value ${describeValue(x)} of '${name}' is not a finite number.`, 'Give parameters as numbers.');
    return x;
  };
  if (o.sets !== undefined) {
    if (!Array.isArray(o.sets) || o.sets.length === 0) throw new InputDataError(where, `sets ${describeValue(o.sets)} is not a non-empty list.`, 'Give sets: [{ name: value }, …].');
    return o.sets.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, number(k, v)])));
  }
  let sets: Record<string, number>[] = [{}];
  for (const [name, values] of Object.entries(o.grid!)) {
    if (!Array.isArray(values) || values.length === 0) throw new InputDataError(where, `grid '${name}' is ${describeValue(values)}, not a non-empty list of numbers.`, `Give e.g. ${name}: [1, 2, 3].`);
    sets = sets.flatMap((s) => values.map((v) => ({ ...s, [name]: number(name, v) })));
  }
  return sets;
}

/**
 * The jobs cut into batches of `size` consecutive runs (the last may be
 * shorter); one run each by default.
 * @throws {@link InputDataError} when size is not a whole number of at least 1
 */
export function batchesOf(where: string, jobs: readonly Job[], size = 1): Job[][] {
  if (!Number.isSafeInteger(size) || size < 1) throw new InputDataError(where, `batch is ${describeValue(size)}.`, 'Give the number of runs per batch, a whole number of at least 1 (1: one run at a time).');
  const out: Job[][] = [];
  for (let at = 0; at < jobs.length; at += size) out.push(jobs.slice(at, at + size));
  return out;
}

/** Runs the batches on `count` worker threads, each taking the next batch when it is free. */
async function inWorkers(where: string, module: string | URL, batches: Job[][], count: number, dt: number | string, steps: number, done: (index: number, metrics: Readonly<Record<string, number>>) => void): Promise<void> {
  let next = 0;
  const one = () => new Promise<void>((resolve, reject) => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { module: String(module), dt, steps } });
    const give = () => {
      if (next >= batches.length) {
        void worker.terminate().then(() => resolve());
        return;
      }
      worker.postMessage(batches[next++]);
    };
    worker.on('message', (m: { results?: { index: number; metrics: Record<string, number> }[]; error?: { where: string; message: string } }) => {
      if (m.error) {
        // No more runs for any worker: the sweep has failed.
        next = batches.length;
        void worker.terminate();
        reject(new NeuralError(m.error.where, m.error.message, 'Fix the build or metrics function for these parameters.'));
        return;
      }
      for (const r of m.results!) done(r.index, r.metrics);
      give();
    });
    worker.on('error', (error) => reject(new NeuralError(where, `a worker thread failed: ${error.message}`, 'Check the module: it must import without error in a worker thread.', { cause: error })));
    worker.on('online', give);
  });
  await Promise.all(Array.from({ length: Math.min(count, batches.length) }, one));
}

/** The table: parameters, seed, metrics; every run must give the same metric names. */
export function tableOf(where: string, jobs: readonly Job[], results: readonly Readonly<Record<string, number>>[]): SweepTable {
  const params = Object.keys(jobs[0].params);
  const metrics = Object.keys(results[0] ?? {});
  const names = [...params, 'seed', ...metrics];
  const columns = Object.fromEntries(names.map((n) => [n, new Float64Array(jobs.length)]));
  jobs.forEach((job, r) => {
    const m = results[r];
    const got = Object.keys(m ?? {});
    if (got.join(',') !== metrics.join(',')) throw new InputDataError(where, `run ${r} gave the metrics ${got.join(', ')}; run 0 gave ${metrics.join(', ')}.`, 'Return the same metrics, in the same order, from every run.');
    for (const p of params) columns[p][r] = job.params[p];
    columns.seed[r] = job.seed;
    for (const k of metrics) {
      const x = m[k];
      if (typeof x !== 'number') throw new InputDataError(where, `metric '${k}' of run ${r} is ${describeValue(x)}, not a number.`, 'Return numbers from metrics.');
      columns[k][r] = x;
    }
  });
  return { names, columns, rows: jobs.length };
}

/**
 * Writes the table by extension: `.csv` (a header line, then one line per
 * run, numbers as JavaScript prints them: the shortest text that reads back
 * exactly; written here, as there is nothing to quote), `.arrow`,
 * `.feather` or `.parquet` (float64 columns).
 */
export async function writeTable(where: string, path: string, table: SweepTable): Promise<void> {
  const ext = path.slice(path.lastIndexOf('.')).toLowerCase();
  if (ext === '.csv') {
    for (const n of table.names) if (/[",\n\r]/.test(n)) throw new InputDataError(where, `the column name ${JSON.stringify(n)} holds a comma, quote or line break.`, 'Name parameters and metrics without them.');
    const lines = [table.names.join(',')];
    for (let r = 0; r < table.rows; r++) lines.push(table.names.map((n) => String(table.columns[n][r])).join(','));
    await writeParts(`${where}('${path}')`, path, [new TextEncoder().encode(`${lines.join('\n')}\n`)]);
  } else if (ext === '.parquet') await saveParquet(path, table.columns);
  else if (ext === '.arrow' || ext === '.feather') await saveArrow(path, table.columns);
  else throw new InputDataError(where, `out '${path}' is neither .csv, .arrow, .feather nor .parquet.`, "Give e.g. out: 'sweep.parquet'.");
}

const SWEEP_KEYS: OptionRules = {
  grid: { type: 'record' }, sets: { type: 'any' }, seeds: { type: 'any' }, module: { type: 'any' }, build: { type: 'function' }, metrics: { type: 'function' },
  dt: { type: 'any' }, steps: { type: 'count' }, workers: { type: 'any' }, batch: { type: 'any' }, out: { type: 'string' }, verbose: { type: 'boolean' },
};
