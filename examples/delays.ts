/**
 * Synaptic delays on a synfire chain: 10 groups of 100 integrate-and-fire
 * neurons (`models.CUBA` at rest below threshold, one spike per volley),
 * each neuron driven by 50 random neurons of the group before it. The first
 * group fires at once, and the volley travels down the chain. Three copies
 * of the same chain (the same synapses and initial potentials) differ only
 * in their delays:
 *
 * - `none`: every delay 0: each link takes the time the targets need to
 *   integrate the volley to threshold (about 4 ms);
 * - `fixed`: every delay 2 ms: each link takes 2 ms longer;
 * - `spread`: delays drawn uniformly in [0, 4] ms (the same mean): the
 *   volley arrives as spread out as its delays, so the targets reach their
 *   threshold a little later, and the groups fire a little less together.
 *
 * Prints, for each chain, when each group fires (mean ± standard deviation
 * of its spike times) and the time per link; writes a raster of the three
 * chains and their rates.
 *
 * Run: npm run build && node dist/examples/delays.js
 */
import { Network, models, utils, type Container } from 'neural-ts';

const GROUPS = 10;
const SIZE = 100;
const INPUTS = 50;

/** Per chain: the mean and the standard deviation of each group's spike times (ms), and the mean time per link (ms). */
export type DelaysResult = Record<'none' | 'fixed' | 'spread', { mean: number[]; sd: number[]; link: number }>;

/** Runs the three chains for 80 ms on `backend`. */
export async function main(backend: 'auto' | 'js' | 'cpu' | 'cuda' = 'auto'): Promise<DelaysResult> {
  const dt = 1e-4;
  const draw = utils.rng(7);
  // Neuron b of group g + 1 listens to INPUTS distinct neurons of group g, chosen at random.
  const i: number[] = [];
  const j: number[] = [];
  for (let g = 0; g + 1 < GROUPS; g++) {
    for (let b = 0; b < SIZE; b++) {
      const pool = Array.from({ length: SIZE }, (_, a) => a);
      for (let k = 0; k < INPUTS; k++) {
        const x = k + Math.floor(draw.uniform() * (SIZE - k));
        [pool[k], pool[x]] = [pool[x], pool[k]];
        i.push(g * SIZE + pool[k]);
        j.push((g + 1) * SIZE + b);
      }
    }
  }
  // The first group starts just above threshold (−50 mV); the others at rest, −60 to −56 mV.
  const v0 = Float64Array.from({ length: GROUPS * SIZE }, (_, u) => (u < SIZE ? -49.9 : -60 + 4 * draw.uniform()));

  const nn = new Network({ seed: 1 });
  const delays = { none: 0, fixed: 2, spread: 'rand() * 4' } as const;
  const chains = {} as Record<keyof typeof delays, Container>;
  for (const [name, delay] of Object.entries(delays) as [keyof typeof delays, number | string][]) {
    const chain = nn.add(models.CUBA, { name, num: GROUPS * SIZE, params: { El: -60, tref: 20 }, states: { v: v0 } });
    nn.synapses(chain, chain, models.ExcitatoryJump, { i, j, delay, values: { w: 1.5 } });
    chain.record('spike');
    chains[name] = chain;
  }
  await nn.compile({ backend });
  console.log(`delays: 3 chains of ${GROUPS} × ${SIZE} neurons, ${i.length} synapses each, compiled for ${nn.chosen?.backend}`);
  await nn.run(dt, { steps: 800 });

  const result = {} as DelaysResult;
  const times: number[] = [];
  const units: number[] = [];
  const rates: Record<string, Float64Array> = {};
  Object.entries(chains).forEach(([name, chain], c) => {
    const events = chain.recorder.spikes().events();
    const groups = Array.from({ length: GROUPS }, () => [] as number[]);
    events.times.forEach((t, k) => {
      groups[Math.floor(events.units[k] / SIZE)].push(t * 1e3);
      times.push(t);
      units.push(c * GROUPS * SIZE + events.units[k]);
    });
    const mean = groups.map((ts) => ts.reduce((a, b) => a + b, 0) / ts.length);
    const sd = groups.map((ts, g) => Math.sqrt(ts.reduce((a, t) => a + (t - mean[g]) ** 2, 0) / ts.length));
    const link = (mean[GROUPS - 1] - mean[0]) / (GROUPS - 1);
    result[name as keyof typeof delays] = { mean, sd, link };
    const fired = groups.map((ts) => ts.length).reduce((a, b) => a + b, 0);
    console.log(`delays: ${name.padEnd(6)} ${fired} spikes, ${link.toFixed(2)} ms per link; groups fire at ${mean.map((m, g) => `${m.toFixed(1)}±${sd[g].toFixed(2)}`).join(' ')} ms`);
    rates[{ none: 'delay 0', fixed: 'delay 2 ms', spread: 'U[0, 4] ms' }[name as keyof typeof delays]] = utils.psth(events, { bin: 5e-4 }).rates;
  });

  await utils.plotRaster('out/delays-raster.png', { times, units, num: 3 * GROUPS * SIZE, duration: 0.08 }, { title: 'Synfire chains: delays 0 (bottom), 2 ms, U[0, 4] ms (top)', yLabel: 'neuron (chain × 1000 + group × 100 + unit)' });
  await utils.plotTraces('out/delays-rate.png', rates, { dt: 5e-4, title: 'Rate of each chain (0.5 ms bins)', yLabel: 'rate (Hz)' });
  console.log('delays: wrote out/delays-raster.png and out/delays-rate.png');
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
