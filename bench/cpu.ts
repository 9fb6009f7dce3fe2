/**
 * `npm run bench`: hh-pop (ARCHITECTURE.md) on this machine. Prints each
 * hand-written baseline and each back end from the same run, with ratios.
 * Usage: node dist/bench/cpu.js [N] [steps]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Network, models, backends } from 'neural';
import { compileShared } from '../lib/backends/native/compiler.js';
import { runC } from '../lib/backends/native/binding.js';
import { hhDrive, hhReference } from './reference.js';

const N = Number(process.argv[2] ?? 10000);
const steps = Number(process.argv[3] ?? 2000);
const dt = 1e-5;
const rate = (s: number) => (N * steps) / s;
const fmt = (x: number) => x.toExponential(2);

async function backend(name: 'js' | 'cpu', fastMath = false): Promise<{ rate: number; spikes: number; compileMs: number }> {
  const nn = new Network();
  const hh = nn.add(models.HodgkinHuxley, { num: N });
  hh.set('stimulus', hhDrive(N));
  hh.record('spike', { mode: 'sum' });
  const t0 = performance.now();
  await nn.compile({ backend: name, fastMath });
  const compileMs = performance.now() - t0;
  await nn.run(dt, { steps: 10 }); // warm-up
  await nn.reset();
  const t = performance.now();
  await nn.run(dt, { steps });
  const s = (performance.now() - t) / 1e3;
  return { rate: rate(s), spikes: hh.recorder.get('spike').data.reduce((a, b) => a + b, 0), compileMs };
}

if (process.env.NEURAL_BENCH_CHILD) {
  // One cpu measurement under the OMP_NUM_THREADS this process was started with.
  const r = await backend('cpu', process.env.NEURAL_BENCH_FAST === '1');
  console.log(JSON.stringify(r));
  process.exit(0);
}

console.log(`hh-pop: N = ${N}, ${steps} steps, dt = ${dt} s, float64`);
let t = performance.now();
const ref = hhReference(N, steps, dt);
const jsRef = rate((performance.now() - t) / 1e3);
const refSpikes = ref.spikes.reduce((a, b) => a + b, 0);
console.log(`  hand-written JavaScript loop   ${fmt(jsRef)} neuron-steps/s   spikes ${refSpikes}`);
const js = await backend('js');
console.log(`  js back end                    ${fmt(js.rate)} neuron-steps/s   spikes ${js.spikes}   ratio to hand-written JS ${(js.rate / jsRef).toFixed(2)}`);

if (backends.status().cpu.ok) {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const source = readFileSync(`${here}/../../bench/reference.c`, 'utf8');
  const lib = await compileShared(source, { flags: ['-ffast-math'], tag: 'hh-reference' });
  const spikes = new Float64Array(N);
  const vOut = new Float64Array(N);
  t = performance.now();
  await runC(lib.handle, 'hh_reference', [hhDrive(N), spikes, vOut], [N, steps, dt * 1e3]);
  const cRef = rate((performance.now() - t) / 1e3);
  console.log(`  hand-written C (-O3 -march=native -ffast-math, 1 thread)   ${fmt(cRef)} neuron-steps/s   spikes ${spikes.reduce((a, b) => a + b, 0)}`);
  for (const fast of [false, true]) {
    for (const threads of [1, 2]) {
      const env = { ...process.env, NEURAL_BENCH_CHILD: '1', OMP_NUM_THREADS: String(threads), NEURAL_BENCH_FAST: fast ? '1' : '0' };
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), String(N), String(steps)], { env }).toString();
      const r = JSON.parse(out.trim().split('\n').pop()!);
      const label = `cpu back end${fast ? ', fastMath' : ''}, ${threads} thread${threads > 1 ? 's' : ''}`.padEnd(34);
      console.log(`  ${label} ${fmt(r.rate)} neuron-steps/s   spikes ${r.spikes}   ratio to hand-written C ${(r.rate / cRef).toFixed(2)}   (compile ${r.compileMs.toFixed(0)} ms)`);
    }
  }
} else {
  console.log(`  cpu back end unavailable: ${backends.status().cpu.reason}`);
}
