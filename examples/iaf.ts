/**
 * The original package's example: 10 integrate-and-fire neurons, each fed by
 * its own input stream (a step current of a different height). Records spike
 * and v, prints the recorder's shape and every neuron's spike count, and
 * writes a voltage plot and a spike raster to out/.
 *
 * Run: npm run build && node dist/examples/iaf.js
 */
import { Network, models, utils } from 'neural-ts';

/** Runs the example; returns the spike counts. */
export async function main(backend: 'auto' | 'js' | 'cpu' | 'cuda' = 'auto'): Promise<number[]> {
  const dt = 1e-4;
  const steps = 10000; // 1 s
  const num = 10;
  const nn = new Network();
  const inp = nn.input({ name: 'Input to IAF', num });
  const iaf = nn.add(models.IAF, { name: 'My IAFs', num });
  iaf.connect({ stimulus: inp });
  await nn.compile({ backend, dtype: 'float64' });
  console.log(`iaf: compiled for ${nn.chosen?.backend} (${nn.chosen?.reason})`);
  iaf.record('spike', 'v');
  // Neuron i gets a 0.2 .. 0.8 s step of 0.2·(i + 1).
  inp.set(utils.population(steps, num, (i) => utils.step({ dt, steps, start: 0.2, end: 0.8, amplitude: 0.2 * (i + 1) })));
  await nn.run(dt, { verbose: process.stdout.isTTY });
  const v = iaf.recorder.get('v');
  const spikes = iaf.recorder.get('spike');
  console.log(`iaf: recorder v shape [${v.shape.join(', ')}]`);
  const counts = Array.from({ length: num }, (_, i) => spikes.trace(i).reduce((a, b) => a + b, 0));
  console.log(`iaf: spike counts ${counts.join(' ')}`);
  await utils.plotTraces('out/iaf-v.svg', v, { units: [0, 4, 9], title: 'IAF membrane voltage', yLabel: 'v' });
  await utils.plotRaster('out/iaf-raster.png', spikes, { title: 'IAF spikes' });
  console.log('iaf: wrote out/iaf-v.svg and out/iaf-raster.png');
  return counts;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
