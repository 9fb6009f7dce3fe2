/**
 * The cost of running in chunks while recording: IAF population, N = 1,000,
 * v recorded at every step, 20,000 steps on the js back end, as one run, as
 * 200 runs of 100 steps and as 2,000 runs of 10 steps; best of three each,
 * interleaved.
 * A continued recording appends to an array grown geometrically, so the
 * ratios stay near 1. Usage: node dist/bench/chunks.js
 */
import { Network, models } from 'neural-ts';

const N = 1000;
const STEPS = 20000;

async function seconds(runs: number): Promise<number> {
  const nn = new Network();
  const iaf = nn.add(models.IAF, { num: N, params: { stimulus: 3 } });
  iaf.record('v');
  await nn.compile({ backend: 'js' });
  const t = performance.now();
  for (let i = 0; i < runs; i++) await nn.run(1e-4, { steps: STEPS / runs });
  const s = (performance.now() - t) / 1e3;
  if (iaf.recorder.get('v').shape[0] !== STEPS) throw new Error('chunks: the recording lost rows');
  return s;
}

// Interleaved, best of three, so that a busy machine slows each case alike.
const best = new Map<number, number>([[1, Infinity], [200, Infinity], [2000, Infinity]]);
for (let i = 0; i < 3; i++) for (const runs of best.keys()) best.set(runs, Math.min(best.get(runs)!, await seconds(runs)));
const one = best.get(1)!;
console.log(`chunks, js, N = ${N}, ${STEPS.toLocaleString('en')} steps recorded: one run ${one.toFixed(3)} s`);
for (const runs of [200, 2000]) {
  const s = best.get(runs)!;
  console.log(`  ${runs.toLocaleString('en')} runs of ${STEPS / runs} steps: ${s.toFixed(3)} s (${(s / one).toFixed(2)} × one run)`);
}
