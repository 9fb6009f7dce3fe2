/**
 * One run of a sweep, the same in this thread and in a worker thread.
 *
 * @module
 */
import { InputDataError, NeuralError } from '../errors.js';
import { Batch } from '../network/batch.js';
import type { Network } from '../network/network.js';

/** One parameter set: names and numbers. */
export type ParameterSet = Readonly<Record<string, number>>;

/** Builds the network of one parameter set and seed (not compiled, or compiled). */
export type SweepBuild = (params: ParameterSet, seed: number) => Network | Promise<Network>;
/** The numbers to keep of one run. */
export type SweepMetrics = (network: Network, params: ParameterSet) => Readonly<Record<string, number>> | Promise<Readonly<Record<string, number>>>;

/** One run of a sweep: its place in the table, its parameters and seed. */
export interface Job {
  index: number;
  params: ParameterSet;
  seed: number;
}

/** What `f` gives; its error named with the run's index, parameters and seed. */
async function named<T>(job: Job, f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (error) {
    throw new NeuralError(`sweep run ${job.index} (${JSON.stringify(job.params)}, seed ${job.seed})`, `failed: ${error instanceof Error ? error.message : String(error)}`, 'Fix the build or metrics function for these parameters.', { cause: error });
  }
}

/** One run: build, compile (when not compiled), run, metrics; a failure names the run's parameters. */
export async function runJob(job: Job, build: SweepBuild, metrics: SweepMetrics, dt: number | string, steps: number): Promise<Readonly<Record<string, number>>> {
  return named(job, async () => {
    const network = await build(job.params, job.seed);
    if (!network.chosen) await network.compile();
    await network.run(dt, { steps });
    return await metrics(network, job.params);
  });
}

/**
 * Runs as one batch (see `Batch`): each network built, all joined and
 * compiled once (with the options of the first one compiled by `build`,
 * else the defaults), run together, then the metrics of each. The numbers
 * are those of the runs done one by one. A failure names the run, or all
 * of them when the batch as a whole fails.
 */
export async function runJobs(jobs: readonly Job[], build: SweepBuild, metrics: SweepMetrics, dt: number | string, steps: number): Promise<Readonly<Record<string, number>>[]> {
  if (jobs.length === 1) return [await runJob(jobs[0], build, metrics, dt, steps)];
  const networks: Network[] = [];
  for (const job of jobs) networks.push(await named(job, () => build(job.params, job.seed)));
  try {
    const batch = new Batch(networks);
    await batch.compile();
    await batch.run(dt, { steps });
  } catch (error) {
    throw new NeuralError(`sweep runs ${jobs.map((j) => j.index).join(', ')}`, `failed as one batch: ${error instanceof Error ? error.message : String(error)}`, 'Make build give networks of one structure for every parameter set, or run the sweep with batch: 1.', { cause: error });
  }
  const out: Readonly<Record<string, number>>[] = [];
  for (const [b, job] of jobs.entries()) out.push(await named(job, () => metrics(networks[b], job.params)));
  return out;
}

/** `build` and `metrics` of a module. */
export async function load(where: string, module: string | URL): Promise<{ build: SweepBuild; metrics: SweepMetrics }> {
  const m = (await import(String(module))) as { build?: unknown; metrics?: unknown };
  if (typeof m.build !== 'function' || typeof m.metrics !== 'function') {
    throw new InputDataError(where, `the module ${String(module)} does not export build and metrics functions.`, 'Export build(params, seed) returning a Network and metrics(network, params) returning numbers.');
  }
  return { build: m.build as SweepBuild, metrics: m.metrics as SweepMetrics };
}
