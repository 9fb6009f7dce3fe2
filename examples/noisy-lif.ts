/**
 * A population of 400 leaky integrate-and-fire neurons driven by Gaussian
 * white noise (`models.NoisyLIF`: `xi`, integrated by Euler–Maruyama) around
 * a mean drive drawn per neuron, with a refractory period. Records the spikes as events,
 * prints the spike count, the mean rate and the coefficient of variation of
 * the inter-spike intervals, and writes a raster and a population rate plot.
 * The same seed gives the same spikes on every back end.
 *
 * Run: npm run build && node dist/examples/noisy-lif.js
 */
import { Network, models, utils } from 'neural-ts';

/** Runs the example; returns the number of spikes and the mean rate (Hz). */
export async function main(backend: 'auto' | 'js' | 'cpu' | 'cuda' = 'auto'): Promise<{ count: number; rate: number; cv: number }> {
  const dt = 1e-4;
  const nn = new Network({ seed: 2026 });
  // The mean drive of each neuron: from −56 to −46 mV, drawn from the seed.
  const lif = nn.add(models.NoisyLIF, {
    name: 'noisy LIF',
    num: 400,
    states: { v: 'vr + rand() * (vt - vr)' },
    params: { El: '-56 + 10 * rand()', tau: 10, sigma: 4, tref: 2 },
  });
  lif.record('spike');
  await nn.compile({ backend });
  console.log(`noisy-lif: compiled for ${nn.chosen?.backend} (${nn.chosen?.reason})`);
  await nn.run(dt, { steps: 10000, verbose: process.stdout.isTTY });
  const spikes = lif.recorder.spikes();
  const rate = spikes.count / spikes.num / spikes.duration;
  const events = spikes.events();
  const cvs = Array.from({ length: events.num }, (_, i) => utils.coefficientOfVariation(utils.interSpikeIntervals(events, i)));
  const finite = cvs.filter((x) => Number.isFinite(x));
  const cv = finite.reduce((a, b) => a + b, 0) / finite.length;
  console.log(`noisy-lif: ${spikes.count} spikes from ${spikes.num} neurons in ${spikes.duration} s: ${rate.toFixed(2)} Hz on average, ISI CV ${cv.toFixed(2)}`);
  await utils.plotRaster('out/noisy-lif-raster.png', events, { title: 'Noisy LIF population: spikes' });
  await utils.plotPSTH('out/noisy-lif-rate.svg', utils.psth(events, { bin: 0.01 }), { title: 'Noisy LIF population: rate (10 ms bins)' });
  console.log('noisy-lif: wrote out/noisy-lif-raster.png and out/noisy-lif-rate.svg');
  return { count: spikes.count, rate, cv };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
