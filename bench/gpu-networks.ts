/**
 * Spiking networks on the cuda back end (run on a GPU machine, after
 * bench/gpu.ts; `bash bench/gpu.sh` runs both): CUBA and COBAHH as Brian2's
 * examples write them, 80 synapses into each neuron on average (p = 80/N),
 * at each N asked for, in float64 and float32, 0.1 s of simulated time at
 * 0.1 ms. For each: the time to build the synapses, to compile, and to run,
 * the spikes, and simulated seconds per second. For the smallest N in
 * float64 the same network also runs on cpu, and the spike trains are
 * compared (the cuda back end delivers each target's events in the cpu's
 * order, so they should be identical).
 *
 * Usage: node dist/bench/gpu-networks.js [N,N,…] [backend]
 * (default 10000,100000,1000000 on cuda; `cpu` as backend runs the same
 * script here, to check it before a GPU session).
 */
import { Network, backends, models, type BackendName, type Dtype } from 'neural-ts';

const sizes = (process.argv[2] ?? '10000,100000,1000000').split(',').map(Number);
const backend = (process.argv[3] ?? 'cuda') as BackendName;
const DT = 1e-4;
const STEPS = 1000;
const status = backends.status()[backend];
if (!status?.ok) {
  console.log(`${backend} unavailable: ${status?.reason ?? 'not a back end'}`);
  process.exit(0);
}
console.log(`networks on ${backend}${status.device ? ` (${status.device})` : ''}: ${STEPS} steps of 0.1 ms, 80 synapses per neuron`);

/** CUBA (Brian2's examples/CUBA.py) or COBAHH (examples/COBAHH.py) of n neurons, built from a seed. */
function build(kind: 'CUBA' | 'COBAHH', n: number) {
  const nn = new Network({ seed: 11 });
  const ne = Math.round(0.8 * n);
  const p = Math.min(1, 80 / n);
  const t = performance.now();
  if (kind === 'CUBA') {
    const P = nn.add(models.CUBA, { num: n, states: { v: 'vr + rand() * (vt - vr)' } });
    nn.synapses(P, P, models.ExcitatoryJump, { name: 'exc', sources: [0, ne], p, values: { w: 1.62 } });
    nn.synapses(P, P, models.InhibitoryJump, { name: 'inh', sources: [ne, n], p, values: { w: -9 } });
    P.record('spike');
  } else {
    const P = nn.add(models.COBAHH, { num: n, states: { v: 'El + (randn() * 5 - 5)', ge: '(randn() * 1.5 + 4) * 10', gi: '(randn() * 12 + 20) * 10' } });
    nn.synapses(P, P, models.ExcitatoryJump, { name: 'exc', sources: [0, ne], p, values: { w: 6 } });
    nn.synapses(P, P, models.InhibitoryJump, { name: 'inh', sources: [ne, n], p, values: { w: 67 } });
    P.record('spike');
  }
  const synapsesMs = performance.now() - t;
  return { nn, synapsesMs, synapses: nn.projections.reduce((s, x) => s + x.num, 0) };
}

/** Compiles for a dtype and back end, runs STEPS steps; the spike train as "step:unit" (sorted) and the timings. */
async function run(nn: Network, on: BackendName, dtype: Dtype) {
  await nn.reset();
  let t = performance.now();
  await nn.compile({ backend: on, dtype });
  const compileMs = performance.now() - t;
  t = performance.now();
  await nn.run(DT, { steps: STEPS });
  const seconds = (performance.now() - t) / 1e3;
  const s = nn.containers[0].recorder.spikes();
  const train = Array.from(s.units, (u, q) => [s.steps[q], u] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([k, u]) => `${k}:${u}`);
  return { compileMs, seconds, train };
}

for (const kind of ['CUBA', 'COBAHH'] as const) {
  for (const n of sizes) {
    const { nn, synapsesMs, synapses } = build(kind, n);
    for (const dtype of ['float64', 'float32'] as const) {
      const r = await run(nn, backend, dtype);
      const rate = r.train.length / n / (STEPS * DT);
      console.log(`${kind} N = ${n.toLocaleString('en')} (${synapses.toLocaleString('en')} synapses, made in ${(synapsesMs / 1e3).toFixed(1)} s), ${dtype}: run ${r.seconds.toFixed(3)} s (${((STEPS * DT) / r.seconds).toFixed(2)} simulated s per s), compile ${r.compileMs.toFixed(0)} ms, ${r.train.length} spikes, ${rate.toFixed(2)} Hz`);
      if (dtype === 'float64' && n === Math.min(...sizes) && backend !== 'cpu') {
        const cpu = await run(nn, 'cpu', 'float64');
        const first = r.train.findIndex((x, q) => x !== cpu.train[q]);
        console.log(`  against cpu (${cpu.seconds.toFixed(3)} s): ${first < 0 && r.train.length === cpu.train.length ? 'identical spike trains' : `trains differ from spike ${first < 0 ? Math.min(r.train.length, cpu.train.length) : first} (${r.train.length} against ${cpu.train.length})`}`);
      }
    }
  }
}
