/**
 * The cuda benchmark (run on a GPU machine): hh-pop with N = 1,000,000 for
 * 10,000 steps in float64 and float32, spikes counted, against a hand-written
 * fused kernel measured in the same run; and N = 10,000 fused against one
 * launch per step. Usage: node dist/bench/gpu.js [N] [steps]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Network, models, backends } from 'neural-ts';
import { compileCuda, DeviceBuffer, getFunction, launch } from '../lib/backends/cuda/driver.js';
import { hhDrive, hhReference } from './reference.js';

const N = Number(process.argv[2] ?? 1_000_000);
const steps = Number(process.argv[3] ?? 10_000);
const dt = 1e-5;
const fmt = (x: number) => x.toExponential(2);
const status = backends.status().cuda;
if (!status.ok) {
  console.log(`cuda unavailable: ${status.reason}`);
  process.exit(0);
}
console.log(`device: ${status.device}`);

async function ours(n: number, k: number, dtype: 'float64' | 'float32', blockSteps?: number) {
  const nn = new Network();
  const hh = nn.add(models.HodgkinHuxley, { num: n, states: models.HodgkinHuxley.originalStart }); // as bench/reference.*
  hh.set('stimulus', hhDrive(n));
  hh.record('spike', { mode: 'sum' });
  let t = performance.now();
  await nn.compile({ backend: 'cuda', dtype });
  const compileMs = performance.now() - t;
  await nn.run(dt, { steps: 10 });
  await nn.reset();
  t = performance.now();
  await nn.run(dt, { steps: k, blockSteps });
  const s = (performance.now() - t) / 1e3;
  const spikes = hh.recorder.get('spike').data;
  return { rate: (n * k) / s, spikes, total: Array.from(spikes).reduce((a, b) => a + b, 0), compileMs };
}

async function reference(n: number, k: number, dtype: 'float64' | 'float32') {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const real = dtype === 'float64' ? 'double' : 'float';
  const source = `#define REAL ${real}\n${readFileSync(`${here}/../../bench/reference.cu`, 'utf8')}`;
  const mod = await compileCuda(source, { tag: `hh-reference-${dtype}` });
  const fn = getFunction(mod.module, 'hh_reference');
  const Arr = dtype === 'float64' ? Float64Array : Float32Array;
  const I = await DeviceBuffer.from(Arr.from(hhDrive(n)));
  const out = DeviceBuffer.alloc(n * (dtype === 'float64' ? 8 : 4));
  const t = performance.now();
  await launch(fn, Math.ceil(n / 128), 128, `ppll${dtype === 'float64' ? 'd' : 'f'}`, [I, out, n, k, dt * 1e3]);
  const s = (performance.now() - t) / 1e3;
  const spikes = new Arr(n);
  await out.download(spikes);
  I.free();
  out.free();
  let total = 0;
  for (const x of spikes) total += x;
  return { rate: (n * k) / s, total };
}

// Correctness first: N = 10,000 for 10,000 steps in float64 against the JavaScript reference.
{
  const n = 10_000, k = 10_000;
  const r = await ours(n, k, 'float64');
  const js = hhReference(n, k, dt);
  let differ = 0;
  for (let i = 0; i < n; i++) if (r.spikes[i] !== js.spikes[i]) differ++;
  console.log(`check: N = ${n}, ${k} steps, float64: cuda ${r.total} spikes (neuron N-1: ${r.spikes[n - 1]}), JavaScript reference ${js.spikes.reduce((a, b) => a + b, 0)}; units differing: ${differ}`);
}
for (const dtype of ['float64', 'float32'] as const) {
  const ref = await reference(N, steps, dtype);
  const r = await ours(N, steps, dtype);
  console.log(`hh-pop N = ${N}, ${steps} steps, ${dtype}: hand-written fused kernel ${fmt(ref.rate)} neuron-steps/s (${ref.total} spikes); cuda back end ${fmt(r.rate)} (${r.total} spikes, compile ${r.compileMs.toFixed(0)} ms); ratio ${(r.rate / ref.rate).toFixed(2)}`);
}
{
  const n = 10_000, k = 10_000;
  const fused = await ours(n, k, 'float64');
  const perStep = await ours(n, 2000, 'float64', 1);
  console.log(`hh-pop N = ${n}, float64: fused blocks ${fmt(fused.rate)} neuron-steps/s; one launch per step ${fmt(perStep.rate)}; speed-up ${(fused.rate / perStep.rate).toFixed(1)}x`);
}
