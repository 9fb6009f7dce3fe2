/**
 * `npm run bench`: a batch of small networks against one large network of
 * the same number of neurons, on the cpu back end (js when the addon is
 * missing).
 *
 * - CUBA networks: 64 members of 100 `models.CUBA` units (80 excitatory,
 *   20 inhibitory), each unit receiving 16 excitatory and 4 inhibitory
 *   synapses (`inDegree`), each member with its own seed and excitatory
 *   weight (a sweep), as one `Batch`; against one network of 6,400 units
 *   (5,120 / 1,280) with the same in-degrees and weights; and against the
 *   64 members run one after another (a sweep without batches).
 * - Noisy LIF populations: 64 × 100 units, each member with its own seed
 *   (every draw reads its member's seed), against one population of 6,400.
 *
 * Throughput is neuron-steps per second of `run` (compiled beforehand);
 * each figure is the best of `reps` rounds, the variants measured in
 * alternating order (the machine is shared). The ratio is the batch's
 * throughput over the large network's (1: a batch costs what one network
 * of all its neurons costs).
 *
 * Usage: node dist/bench/batch.js [members] [units] [steps] [reps]
 */
import { Batch, Network, backends, models, type BackendName } from 'neural-ts';

const MEMBERS = Number(process.argv[2] ?? 64);
const UNITS = Number(process.argv[3] ?? 100);
const STEPS = Number(process.argv[4] ?? 10_000);
const reps = Number(process.argv[5] ?? 3);
const DT = 1e-4;
const backend: BackendName = backends.status().cpu.ok ? 'cpu' : 'js';
const fmt = (x: number) => x.toExponential(2);

/** A CUBA network of `num` units, 80 % excitatory, 16 + 4 synapses into each unit; the spike count after a run. */
function cuba(nn: Network, num: number, we: number): () => number {
  const P = nn.add(models.CUBA, { name: 'P', num, states: { v: 'vr + rand() * (vt - vr)' } });
  const ne = Math.round(0.8 * num);
  nn.synapses(P, P, models.ExcitatoryJump, { name: 'exc', sources: [0, ne], inDegree: 16, values: { w: we } });
  nn.synapses(P, P, models.InhibitoryJump, { name: 'inh', sources: [ne, num], inDegree: 4, values: { w: -36 } });
  P.record('spike');
  return () => P.recorder.spikes().count;
}

/** A noisy LIF population above threshold; the spike count after a run. */
function noisy(nn: Network, num: number): () => number {
  const L = nn.add(models.NoisyLIF, { name: 'L', num, params: { El: -45, tau: 10, tref: 2, sigma: 2 } });
  L.record('spike');
  return () => L.recorder.spikes().count;
}

interface Case {
  label: string;
  /** Runs STEPS from the initial state; returns the spikes. */
  run: () => Promise<number>;
  ms: number;
  spikes: number;
}

/** One network: compiled, a short run to warm up. */
async function single(label: string, make: (nn: Network) => () => number): Promise<Case> {
  const nn = new Network({ seed: 1 });
  const count = make(nn);
  await nn.compile({ backend });
  await nn.run(DT, { steps: 100 });
  return { label, ms: Infinity, spikes: 0, run: async () => { await nn.reset(); await nn.run(DT, { steps: STEPS }); return count(); } };
}

/** The members as one batch. */
async function batched(label: string, make: (nn: Network, b: number) => () => number): Promise<Case> {
  const members = Array.from({ length: MEMBERS }, (_, b) => new Network({ seed: 1 + b }));
  const counts = members.map((nn, b) => make(nn, b));
  const batch = new Batch(members);
  await batch.compile({ backend });
  await batch.run(DT, { steps: 100 });
  return { label, ms: Infinity, spikes: 0, run: async () => { await batch.reset(); await batch.run(DT, { steps: STEPS }); return counts.reduce((n, c) => n + c(), 0); } };
}

/** The members one after another (each compiled once beforehand). */
async function oneByOne(label: string, make: (nn: Network, b: number) => () => number): Promise<Case> {
  const members = Array.from({ length: MEMBERS }, (_, b) => new Network({ seed: 1 + b }));
  const counts = members.map((nn, b) => make(nn, b));
  for (const nn of members) await nn.compile({ backend });
  return {
    label, ms: Infinity, spikes: 0,
    run: async () => {
      for (const nn of members) { await nn.reset(); await nn.run(DT, { steps: STEPS }); }
      return counts.reduce((n, c) => n + c(), 0);
    },
  };
}

async function compare(cases: Case[], what: string): Promise<void> {
  for (let r = 0; r < reps; r++) {
    for (const c of r % 2 ? [...cases].reverse() : cases) {
      const t = performance.now();
      c.spikes = await c.run();
      c.ms = Math.min(c.ms, performance.now() - t);
    }
  }
  const units = MEMBERS * UNITS;
  for (const c of cases) console.log(`  ${c.label.padEnd(48)} ${fmt((units * STEPS) / (c.ms / 1e3))} neuron-steps/s   ${(c.spikes / units / (STEPS * DT)).toFixed(1)} Hz`);
  console.log(`  ${what}: batch / one network ${(cases[1].ms / cases[0].ms).toFixed(2)}${cases[2] ? `, batch / one by one ${(cases[2].ms / cases[0].ms).toFixed(2)}` : ''}`);
}

/** Each member's excitatory weight (a sweep from 5 to 8 mV). */
const weight = (b: number) => 5 + (3 * b) / Math.max(1, MEMBERS - 1);

console.log(`batch: ${backend} back end, float64, ${MEMBERS} members × ${UNITS} units against one network of ${MEMBERS * UNITS}, ${STEPS} steps of 0.1 ms, best of ${reps} alternating rounds`);
await compare([
  await batched(`CUBA, a batch of ${MEMBERS} × ${UNITS}`, (nn, b) => cuba(nn, UNITS, weight(b))),
  await single(`CUBA, one network of ${MEMBERS * UNITS}`, (nn) => cuba(nn, MEMBERS * UNITS, 6.5)),
  await oneByOne(`CUBA, ${MEMBERS} networks of ${UNITS} one by one`, (nn, b) => cuba(nn, UNITS, weight(b))),
], 'CUBA');
await compare([
  await batched(`noisy LIF, a batch of ${MEMBERS} × ${UNITS}`, (nn) => noisy(nn, UNITS)),
  await single(`noisy LIF, one population of ${MEMBERS * UNITS}`, (nn) => noisy(nn, MEMBERS * UNITS)),
], 'noisy LIF');
