/**
 * Spike-timing-dependent plasticity after Song, Miller & Abbott (2000), as
 * Brian2's `examples/synapses/STDP.py`: 1000 Poisson inputs at 15 Hz drive
 * one integrate-and-fire neuron (`models.SongNeuron`) through plastic
 * synapses (`models.SongSTDP`: additive STDP, all-to-all pairing,
 * depression 5 % stronger than potentiation), with weights first drawn
 * uniformly in [0, gmax]. The inputs compete for control of the output
 * spikes: the weights drift apart, towards 0 or gmax, and their distribution
 * becomes bimodal while the output rate settles.
 *
 * Prints the histogram of w / gmax (20 bins) and the fractions below 0.1
 * and above 0.9, and writes the histogram and the output rate over time.
 * The library's defaults are Brian2's constants, so that
 * `specs/synapses/brian2.spec.ts` compares the two simulators on the same
 * network (the Poisson spikes differ, so the statistics only).
 *
 * The distribution needs tens of seconds of simulated time to become
 * clearly bimodal: by default 100 s, as Brian2's example, on the cpu or cuda
 * back end (about 5 s on cpu), and 20 s on js (about 15 s; the ends have
 * grown from 10 % to about 17 % and 12 % by then, against 25 % and 20 %
 * after 100 s).
 *
 * Run: npm run build && node dist/examples/stdp.js [seconds]
 */
import { Network, models, utils } from 'neural-ts';

/** What the example found. */
export interface StdpResult {
  seconds: number;
  /** Counts of w / gmax in 20 bins of [0, 1]. */
  histogram: number[];
  /** Fractions of the weights below 0.1·gmax and above 0.9·gmax. */
  low: number;
  high: number;
  /** Output rate (Hz) over the first and over the last tenth of the run. */
  rateStart: number;
  rateEnd: number;
}

/** Runs the plasticity for `seconds` of simulated time (default: 100 s, 20 s on js) on `backend`. */
export async function main(backend: 'auto' | 'js' | 'cpu' | 'cuda' = 'auto', seconds?: number): Promise<StdpResult> {
  const dt = 1e-4;
  const N = 1000;
  const nn = new Network({ seed: 1 });
  const inputs = nn.add(models.Poisson, { name: 'inputs', num: N });
  inputs.set('rate', 15);
  // Brian2's example leaves v at 0 mV: the neuron fires on the first step.
  const neuron = nn.add(models.SongNeuron, { name: 'neuron', num: 1, states: { v: 0 } });
  const S = nn.synapses(inputs, neuron, models.SongSTDP, { p: 1, values: { w: 'rand() * gmax' } });
  neuron.record('spike');
  await nn.compile({ backend });
  const chosen = nn.chosen?.backend;
  const T = seconds ?? (chosen === 'cpu' || chosen === 'cuda' ? 100 : 20);
  console.log(`stdp: ${N} Poisson inputs at 15 Hz onto one neuron, ${T} s, compiled for ${chosen}`);
  await nn.run(dt, { steps: Math.round(T / dt), verbose: process.stdout.isTTY });

  const gmax = S.get('gmax')[0];
  const w = S.get('w').map((x) => x / gmax);
  const histogram = new Array<number>(20).fill(0);
  for (const x of w) histogram[Math.min(19, Math.floor(x * 20))]++;
  const low = w.filter((x) => x < 0.1).length / N;
  const high = w.filter((x) => x > 0.9).length / N;
  const top = Math.max(...histogram);
  console.log('stdp: w / gmax after the run');
  histogram.forEach((c, b) => console.log(`  ${(b / 20).toFixed(2)}–${((b + 1) / 20).toFixed(2)} ${String(c).padStart(4)} ${'#'.repeat(Math.round((40 * c) / top))}`));
  console.log(`stdp: ${(100 * low).toFixed(1)} % of the weights below 0.1·gmax, ${(100 * high).toFixed(1)} % above 0.9·gmax (10 % each at the start)`);

  const spikes = neuron.recorder.spikes();
  const rate = utils.psth(spikes.events(), { bin: T / 10 }).rates;
  console.log(`stdp: output rate ${rate[0].toFixed(1)} Hz over the first ${T / 10} s, ${rate[9].toFixed(1)} Hz over the last`);

  await utils.plotSpec(
    'out/stdp-weights.png',
    {
      data: { values: histogram.map((count, b) => ({ from: b / 20, to: (b + 1) / 20, count })) },
      mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x: { field: 'from', type: 'quantitative', title: 'w / gmax', scale: { domain: [0, 1] } },
        x2: { field: 'to' },
        y: { field: 'count', type: 'quantitative', title: 'synapses' },
        color: { value: '#4c78a8' },
      },
    },
    { title: `Weights after ${T} s of STDP (uniform at the start)` },
  );
  await utils.plotPSTH('out/stdp-rate.png', utils.psth(spikes.events(), { bin: 1 }), { title: 'Output neuron: rate (1 s bins)' });
  console.log('stdp: wrote out/stdp-weights.png and out/stdp-rate.png');
  return { seconds: T, histogram, low, high, rateStart: rate[0], rateEnd: rate[9] };
}

if (import.meta.url === `file://${process.argv[1]}`) await main('auto', process.argv[2] === undefined ? undefined : Number(process.argv[2]));
