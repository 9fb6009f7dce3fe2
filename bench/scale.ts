/**
 * `node dist/bench/scale.js [N] [p]`: the sizes the README quotes, measured
 * (not part of `npm run bench`: it needs several GB of memory and half a
 * minute).
 *
 * - A dense `Dot` of 4,000 × 4,000 weights between two LIF populations on
 *   the cpu back end: milliseconds per step with the threads OpenMP is
 *   given (`OMP_NUM_THREADS`).
 * - A CUBA network of N neurons (default 100,000) connected with
 *   probability p (default 0.01: 10⁸ synapses): the time to make the
 *   synapses, to compile, to run 300 steps (spikes and synaptic events), and
 *   the process's peak resident memory.
 */
import { Dot, Network, backends, models } from 'neural-ts';
import { resourceUsage } from 'node:process';

const N = Number(process.argv[2] ?? 100000);
const P = Number(process.argv[3] ?? 0.01);
const seconds = (t: number) => ((performance.now() - t) / 1e3).toFixed(1);
const peak = () => `${(resourceUsage().maxRSS / 2 ** 20).toFixed(2)} GiB peak`;

async function dense(): Promise<void> {
  const n = 4000;
  const m = new Float64Array(n * n).map((_, i) => ((i * 2654435761) % 1000) / 1e6);
  const nn = new Network();
  const a = nn.add(models.LIF, { num: n });
  const b = nn.add(models.LIF, { num: n });
  b.connect({ I: Dot(m, a.ref('v'), n) });
  await nn.compile({ backend: 'cpu' });
  await nn.run(1e-4, { steps: 5 });
  const t = performance.now();
  await nn.run(1e-4, { steps: 100 });
  console.log(`Dot ${n}×${n}: ${((performance.now() - t) / 100).toFixed(2)} ms per step (OMP_NUM_THREADS=${process.env.OMP_NUM_THREADS ?? 'unset'})`);
}

async function sparse(): Promise<void> {
  let t = performance.now();
  const nn = new Network({ seed: 1 });
  const cells = nn.add(models.CUBA, { num: N, states: { v: 'vr + rand() * (vt - vr)' } });
  const syn = nn.synapses(cells, cells, models.ExcitatoryJump, { p: P, values: { w: 0.01 } });
  console.log(`CUBA, N = ${N.toLocaleString('en')}, p = ${P}: ${syn.num.toLocaleString('en')} synapses made in ${seconds(t)} s, ${peak()}`);
  t = performance.now();
  await nn.compile({ backend: 'cpu' });
  console.log(`  compiled in ${seconds(t)} s, ${peak()}`);
  cells.record('spike');
  t = performance.now();
  await nn.run(1e-4, { steps: 300 });
  const ran = seconds(t);
  const recorded = cells.recorder.spikes();
  const counts = recorded.counts();
  let events = 0;
  for (let u = 0; u < N; u++) events += (syn.rows[u + 1] - syn.rows[u]) * counts[u];
  console.log(`  300 steps in ${ran} s: ${recorded.count.toLocaleString('en')} spikes, ${events.toLocaleString('en')} synaptic events, ${peak()}`);
}

if (!backends.status().cpu.ok) console.log(`the cpu back end is unavailable: ${backends.status().cpu.reason}`);
else {
  await dense();
  await sparse();
}
