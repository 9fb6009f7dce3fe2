/**
 * A population of 100 Hodgkin-Huxley neurons under a current ramp whose peak
 * grows with the neuron index. The neurons start at rest, so those whose ramp
 * stays below threshold never fire. Prints the spike count of a few neurons
 * and the first neuron that fires, and writes their voltage traces to
 * out/hh-ramp.png and a raster to out/hh-raster.svg.
 *
 * Run: npm run build && node dist/examples/hh-ramp.js
 */
import { Network, models, utils } from 'neural-ts';

/** Runs the example; returns the spike count of every neuron. */
export async function main(backend: 'auto' | 'js' | 'cpu' | 'cuda' = 'auto'): Promise<number[]> {
  const dt = 1e-5;
  const duration = 0.2;
  const steps = Math.round(duration / dt);
  const num = 100;
  const nn = new Network();
  const inp = nn.input({ name: 'ramp', num });
  const hh = nn.add(models.HodgkinHuxley, { name: 'HH', num });
  hh.connect({ stimulus: inp });
  // Neuron i: a ramp from 0 to 40·(i+1)/num µA/cm² and back over 0.2 s.
  inp.set(utils.population(steps, num, (i) => utils.ramp({ dt, steps, amplitude: 40 * (i + 1) / num, ratio: 0.5 })));
  hh.record('v', { rate: 10 });
  hh.record('spike');
  await nn.compile({ backend });
  console.log(`hh-ramp: compiled for ${nn.chosen?.backend}`);
  await nn.run(dt, { verbose: process.stdout.isTTY });
  const spikes = hh.recorder.get('spike');
  const counts = Array.from({ length: num }, (_, i) => spikes.trace(i).reduce((a, b) => a + b, 0));
  console.log(`hh-ramp: spikes of neurons 0, 24, 49, 99: ${[0, 24, 49, 99].map((i) => counts[i]).join(', ')}`);
  const first = counts.findIndex((c) => c > 0);
  console.log(first < 0 ? 'hh-ramp: no neuron fired' : `hh-ramp: neurons 0 to ${first - 1} stay at rest; neuron ${first} (ramp peak ${40 * (first + 1) / num} µA/cm²) is the first to fire`);
  await utils.plotTraces('out/hh-ramp.png', hh.recorder.get('v'), { units: [24, 49, 99], title: 'Hodgkin-Huxley under a current ramp', yLabel: 'v (mV)' });
  await utils.plotRaster('out/hh-raster.svg', spikes, { title: 'Hodgkin-Huxley population' });
  console.log('hh-ramp: wrote out/hh-ramp.png and out/hh-raster.svg');
  return counts;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
