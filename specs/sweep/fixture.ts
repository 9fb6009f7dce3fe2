/**
 * The module a sweep spec hands to worker threads: a noisy LIF population
 * built from a parameter set and a seed, and its spike count and mean rate.
 * A run with El = 0 fails on purpose (to check how failures are reported).
 */
import { Network, models, type ParameterSet } from '../../lib/index.js';

export function build(params: ParameterSet, seed: number): Network {
  if (params.El === 0) throw new Error('El = 0 is refused by this fixture');
  const nn = new Network({ seed });
  const lif = nn.add(models.NoisyLIF, { name: 'lif', num: 20, params: { El: params.El, sigma: params.sigma, tau: 10, tref: 2 } });
  lif.record('spike');
  return nn;
}

export async function metrics(network: Network): Promise<Record<string, number>> {
  const spikes = network.containers[0].recorder.spikes();
  return { spikes: spikes.count, rate: spikes.count / spikes.num / spikes.duration };
}
