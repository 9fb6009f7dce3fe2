/**
 * The COBAHH network (benchmark 3 of Brette et al. 2007), as Brian2's
 * `examples/COBAHH.py` writes it: 4000 Hodgkin–Huxley neurons with Traub &
 * Miles kinetics (`models.COBAHH`), 3200 excitatory and 800 inhibitory, each
 * pair connected with probability 0.02 through conductance synapses that
 * raise the target's `ge` by 6 nS or its `gi` by 67 nS on a spike. Initial
 * values as in the example: `v = El + (randn()·5 − 5)` mV,
 * `ge = (randn()·1.5 + 4)·10` nS, `gi = (randn()·12 + 20)·10` nS, the gates
 * at 0.
 *
 * Prints the mean rate, its spread over neurons, the fraction of silent
 * neurons and the share of spikes fired by the inhibitory neurons; writes a
 * raster of every tenth neuron and the population rate.
 * `specs/synapses/brian2.spec.ts` runs the same network in Brian2 and finds
 * the very same spikes.
 *
 * Run: npm run build && node dist/examples/cobahh.js [seconds, default 1]
 */
import { Network, models, utils } from 'neural-ts';

/** What the example found. */
export interface CobahhResult {
  spikes: number;
  /** Mean rate (Hz). */
  rate: number;
  /** Fraction of neurons without a spike. */
  silent: number;
  /** Mean rates (Hz) of the excitatory and the inhibitory neurons. */
  excitatory: number;
  inhibitory: number;
}

/** Runs the network for `seconds` of simulated time on `backend`. */
export async function main(backend: 'auto' | 'js' | 'cpu' | 'cuda' = 'auto', seconds = 1): Promise<CobahhResult> {
  const dt = 1e-4;
  const N = 4000;
  const Ne = 3200;
  const nn = new Network({ seed: 1 });
  const P = nn.add(models.COBAHH, {
    name: 'COBAHH',
    num: N,
    states: { v: 'El + (randn() * 5 - 5)', ge: '(randn() * 1.5 + 4) * 10', gi: '(randn() * 12 + 20) * 10' },
  });
  nn.synapses(P, P, models.ExcitatoryJump, { sources: [0, Ne], p: 0.02, values: { w: 6 } });
  nn.synapses(P, P, models.InhibitoryJump, { sources: [Ne, N], p: 0.02, values: { w: 67 } });
  P.record('spike');
  await nn.compile({ backend });
  console.log(`cobahh: ${N} Hodgkin–Huxley neurons, compiled for ${nn.chosen?.backend}`);
  await nn.run(dt, { steps: Math.round(seconds / dt), verbose: process.stdout.isTTY });

  const spikes = P.recorder.spikes();
  const rates = spikes.rates();
  const mean = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0) / a.length;
  const rate = mean(rates);
  const spread = Math.sqrt(mean(rates.map((r) => (r - rate) ** 2)));
  const silent = rates.filter((r) => r === 0).length / N;
  const excitatory = mean(rates.subarray(0, Ne));
  const inhibitory = mean(rates.subarray(Ne));
  console.log(`cobahh: ${spikes.count} spikes in ${seconds} s: ${rate.toFixed(2)} ± ${spread.toFixed(2)} Hz per neuron, ${(100 * silent).toFixed(1)} % silent`);
  console.log(`cobahh: excitatory neurons ${excitatory.toFixed(2)} Hz, inhibitory ${inhibitory.toFixed(2)} Hz`);

  // Every tenth neuron (320 excitatory, then 80 inhibitory), over the first second at most.
  const events = spikes.events();
  const keep = Array.from(events.units.keys()).filter((k) => events.units[k] % 10 === 0 && events.times[k] < 1);
  const raster = { times: Float64Array.from(keep, (k) => events.times[k]), units: Int32Array.from(keep, (k) => events.units[k] / 10), num: N / 10, duration: Math.min(1, seconds) };
  await utils.plotRaster('out/cobahh-raster.png', raster, { title: 'COBAHH: every tenth neuron (inhibitory from 320 up)', yLabel: 'neuron / 10' });
  await utils.plotPSTH('out/cobahh-rate.png', utils.psth(events, { bin: 0.005 }), { title: 'COBAHH: population rate (5 ms bins)' });
  console.log('cobahh: wrote out/cobahh-raster.png and out/cobahh-rate.png');
  return { spikes: spikes.count, rate, silent, excitatory, inhibitory };
}

if (import.meta.url === `file://${process.argv[1]}`) await main('auto', Number(process.argv[2] ?? 1));
