/**
 * The sweep fixture's networks and metrics, each run taking at least
 * `PACE` milliseconds more (the metrics wait): long enough for a live SLURM
 * spec to requeue a task in the middle of its shard. The numbers are the
 * fixture's.
 */
import type { Network, ParameterSet } from '../../lib/index.js';
import { metrics as fast } from './fixture.js';

export { build } from './fixture.js';

/** Milliseconds each run waits before its metrics. */
export const PACE = 1500;

export async function metrics(network: Network, params: ParameterSet): Promise<Record<string, number>> {
  await new Promise((resolve) => setTimeout(resolve, PACE));
  void params;
  return fast(network);
}
