/**
 * One run of a sweep, the same in this thread and in a worker thread.
 *
 * @module
 */
import { InputDataError, NeuralError } from '../errors.js';
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

/** One run: build, compile (when not compiled), run, metrics; a failure names the run's parameters. */
export async function runJob(job: Job, build: SweepBuild, metrics: SweepMetrics, dt: number, steps: number): Promise<Readonly<Record<string, number>>> {
  try {
    const network = await build(job.params, job.seed);
    if (!network.chosen) await network.compile();
    await network.run(dt, { steps });
    return await metrics(network, job.params);
  } catch (error) {
    throw new NeuralError(`sweep run ${job.index} (${JSON.stringify(job.params)}, seed ${job.seed})`, `failed: ${error instanceof Error ? error.message : String(error)}`, 'Fix the build or metrics function for these parameters.', { cause: error });
  }
}

/** `build` and `metrics` of a module. */
export async function load(where: string, module: string | URL): Promise<{ build: SweepBuild; metrics: SweepMetrics }> {
  const m = (await import(String(module))) as { build?: unknown; metrics?: unknown };
  if (typeof m.build !== 'function' || typeof m.metrics !== 'function') {
    throw new InputDataError(where, `the module ${String(module)} does not export build and metrics functions.`, 'Export build(params, seed) returning a Network and metrics(network, params) returning numbers.');
  }
  return { build: m.build as SweepBuild, metrics: m.metrics as SweepMetrics };
}
