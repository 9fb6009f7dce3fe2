/**
 * The CUBA network of Vogels & Abbott (2005), as Brian2's `examples/CUBA.py`
 * writes it: 4000 leaky integrate-and-fire neurons (`models.CUBA`), 3200
 * excitatory and 800 inhibitory, each pair connected with probability 0.02
 * (80 synapses per neuron on average) through synapses that jump the
 * target's `ge` by 1.62 mV or its `gi` by −9 mV on a spike. The neurons
 * start at random potentials between reset and threshold; their resting
 * potential (−49 mV) lies above the threshold (−50 mV), so they fire on
 * their own and the recurrent inhibition keeps the rates low and irregular.
 *
 * Prints the number of synapses, the mean rate, the spread of the rates
 * over neurons, the fraction of silent neurons and the mean coefficient of
 * variation of the inter-spike intervals; writes a raster and the
 * population rate. `specs/synapses/brian2.spec.ts` runs the same network in
 * Brian2 and finds the very same spikes.
 *
 * Run: npm run build && node dist/examples/cuba.js [seconds, default 1]
 */
import { Network, models, utils } from 'neural-ts';

/** What the example found. */
export interface CubaResult {
  synapses: number;
  spikes: number;
  /** Mean rate (Hz). */
  rate: number;
  /** Fraction of neurons without a spike. */
  silent: number;
  /** Mean coefficient of variation of the inter-spike intervals (neurons with 3 spikes or more). */
  cv: number;
}

/** Runs the network for `seconds` of simulated time on `backend`. */
export async function main(backend: 'auto' | 'js' | 'cpu' | 'cuda' = 'auto', seconds = 1): Promise<CubaResult> {
  const dt = 1e-4;
  const nn = new Network({ seed: 1 });
  const P = nn.add(models.CUBA, { name: 'CUBA', num: 4000, states: { v: 'vr + rand() * (vt - vr)' } });
  const exc = nn.synapses(P, P, models.ExcitatoryJump, { sources: [0, 3200], p: 0.02, values: { w: 1.62 } });
  const inh = nn.synapses(P, P, models.InhibitoryJump, { sources: [3200, 4000], p: 0.02, values: { w: -9 } });
  P.record('spike');
  await nn.compile({ backend });
  console.log(`cuba: ${exc.num} excitatory and ${inh.num} inhibitory synapses, compiled for ${nn.chosen?.backend}`);
  await nn.run(dt, { steps: Math.round(seconds / dt), verbose: process.stdout.isTTY });

  const spikes = P.recorder.spikes();
  const rates = spikes.rates();
  const rate = rates.reduce((a, b) => a + b, 0) / rates.length;
  const spread = Math.sqrt(rates.reduce((a, r) => a + (r - rate) ** 2, 0) / rates.length);
  const silent = rates.filter((r) => r === 0).length / rates.length;
  const events = spikes.events();
  const cvs = Array.from({ length: events.num }, (_, i) => utils.interSpikeIntervals(events, i))
    .filter((isi) => isi.length >= 2)
    .map((isi) => utils.coefficientOfVariation(isi));
  const cv = cvs.reduce((a, b) => a + b, 0) / cvs.length;
  console.log(`cuba: ${spikes.count} spikes in ${seconds} s: ${rate.toFixed(2)} ± ${spread.toFixed(2)} Hz per neuron, ${(100 * silent).toFixed(1)} % silent, ISI CV ${cv.toFixed(2)}`);

  // Every tenth neuron (320 excitatory, then 80 inhibitory), over the first second at most.
  const keep = Array.from(events.units.keys()).filter((k) => events.units[k] % 10 === 0 && events.times[k] < 1);
  const raster = { times: Float64Array.from(keep, (k) => events.times[k]), units: Int32Array.from(keep, (k) => events.units[k] / 10), num: 400, duration: Math.min(1, seconds) };
  await utils.plotRaster('out/cuba-raster.png', raster, { title: 'CUBA: every tenth neuron (inhibitory from 320 up)', yLabel: 'neuron / 10' });
  await utils.plotPSTH('out/cuba-rate.png', utils.psth(events, { bin: 0.005 }), { title: 'CUBA: population rate (5 ms bins)' });
  console.log('cuba: wrote out/cuba-raster.png and out/cuba-rate.png');
  return { synapses: exc.num + inh.num, spikes: spikes.count, rate, silent, cv };
}

if (import.meta.url === `file://${process.argv[1]}`) await main('auto', Number(process.argv[2] ?? 1));
