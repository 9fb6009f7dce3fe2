/**
 * A parameter sweep: the firing rate of a noisy leaky integrate-and-fire
 * population (`models.NoisyLIF`, 100 neurons) against its mean input `I`
 * and its noise `sigma`, two seeds each: 60 runs, built by one function,
 * run in batches of 30 (each batch compiled once and run as one program;
 * the numbers are those of the runs done one by one). Writes the table as
 * CSV and Parquet (pandas and polars read both) and a heatmap of the mean
 * rate over the seeds.
 *
 * Below threshold (I < vt − El = 10 mV) only noise makes the cells fire:
 * the heatmap shows the rate rising with the noise there, and with the
 * input everywhere.
 *
 * Run: npm run build && node dist/examples/sweep.js
 */
import { Network, models, saveParquet, sweep, utils, type ParameterSet, type SweepTable } from 'neural-ts';

/** One run of the sweep: 100 noisy LIF neurons, their spikes recorded. */
export function build(p: ParameterSet, seed: number): Network {
  const nn = new Network({ seed });
  nn.add(models.NoisyLIF, { name: 'lif', num: 100, params: { I: p.I, sigma: p.sigma, tau: 10, tref: 2 }, states: { v: 'vr + rand() * (vt - vr)' } }).record('spike');
  return nn;
}

/** The mean firing rate (Hz) and the fraction of neurons that fired. */
export function metrics(nn: Network): Record<string, number> {
  const spikes = nn.containers[0].recorder.spikes();
  const counts = spikes.counts();
  return { rate: spikes.count / spikes.num / spikes.duration, active: counts.filter((c) => c > 0).length / spikes.num };
}

/** Runs the sweep; returns its table. */
export async function main(): Promise<SweepTable> {
  const table = await sweep({
    grid: { I: [6, 8, 10, 12, 14, 16], sigma: [0, 1, 2, 4, 6] },
    seeds: [1, 2],
    build,
    metrics,
    dt: 1e-4,
    steps: 5000,
    batch: 30,
    out: 'out/sweep.csv',
    verbose: process.stderr.isTTY,
  });
  await saveParquet('out/sweep.parquet', table.columns);
  await utils.plotSweep('out/sweep-rates.png', table, { x: 'I', y: 'sigma', value: 'rate', xLabel: 'mean input I (mV)', yLabel: 'noise σ (mV)', title: 'Noisy LIF: mean rate (Hz) over 2 seeds' });
  const at = (I: number, sigma: number) => {
    const rows = Array.from({ length: table.rows }, (_, r) => r).filter((r) => table.columns.I[r] === I && table.columns.sigma[r] === sigma);
    return rows.reduce((s, r) => s + table.columns.rate[r], 0) / rows.length;
  };
  console.log(`sweep: ${table.rows} runs; rate at I = 8 mV: ${at(8, 0).toFixed(1)} Hz without noise, ${at(8, 6).toFixed(1)} Hz with σ = 6 mV; at I = 16 mV: ${at(16, 0).toFixed(1)} Hz`);
  console.log('sweep: wrote out/sweep.csv, out/sweep.parquet and out/sweep-rates.png');
  return table;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
