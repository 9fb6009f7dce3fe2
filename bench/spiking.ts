/**
 * `npm run bench`: what spikes and noise cost on the cpu back end (the js
 * back end when the addon is missing).
 *
 * - hh-pop with the spike declared as an event (`HodgkinHuxleySpiking`,
 *   spikes recorded as events) against the same population with the seed's
 *   `@post` spike state (`HodgkinHuxley`, spikes counted with a 'sum'
 *   recording), from the same start (Neural's) and drive (20·i/N, as
 *   bench/cpu.ts).
 * - A leaky integrate-and-fire population driven above threshold with
 *   Gaussian white noise (`xi`: one Philox draw and one Box–Muller normal per
 *   unit and step) against the same population without the noise term.
 *
 * Each figure is the best of `reps` runs, the two variants measured in
 * alternating rounds (the machine is shared); the ratio is noise-free
 * time over noisy time (1 = free, 0.5 = twice as slow).
 *
 * Usage: node dist/bench/spiking.js [N_hh] [steps_hh] [N_lif] [steps_lif] [reps]
 */
import { Network, backends, models, type BackendName, type Container } from 'neural-ts';
import { hhDrive } from './reference.js';

const N_HH = Number(process.argv[2] ?? 10000);
const STEPS_HH = Number(process.argv[3] ?? 4000);
const N_LIF = Number(process.argv[4] ?? 100000);
const STEPS_LIF = Number(process.argv[5] ?? 10000);
const reps = Number(process.argv[6] ?? 3);
const backend: BackendName = backends.status().cpu.ok ? 'cpu' : 'js';
const fmt = (x: number) => x.toExponential(2);

/** A LIF population above threshold (mV, ms), with or without white noise (σ = 2 mV). */
const DRIVEN = { El: -45, tau: 10, tref: 2 };

interface Case {
  label: string;
  run: () => Promise<number>;
  ms: number;
  spikes: number;
}

/** A compiled network and a run from its initial state that returns the number of spikes. */
async function prepare(label: string, build: (nn: Network) => () => number, dt: number, steps: number): Promise<Case> {
  const nn = new Network({ seed: 1 });
  const count = build(nn);
  await nn.compile({ backend });
  await nn.run(dt, { steps: Math.min(steps, 200) });
  return {
    label,
    ms: Infinity,
    spikes: 0,
    run: async () => {
      await nn.reset();
      await nn.run(dt, { steps });
      return count();
    },
  };
}

/** The spikes of a container recorded as events: record them, and count them after a run. */
function events(c: Container): () => number {
  c.record('spike');
  return () => c.recorder.spikes().count;
}

/**
 * Runs the two cases in alternating rounds, keeps each one's best time, and
 * prints their rates and the ratio of the first's time to the second's.
 */
async function compare(cases: [Case, Case], units: number, steps: number, what: string): Promise<void> {
  for (let r = 0; r < reps; r++) {
    for (const c of cases) {
      const t = performance.now();
      c.spikes = await c.run();
      c.ms = Math.min(c.ms, performance.now() - t);
    }
  }
  for (const c of cases) console.log(`  ${c.label.padEnd(44)} ${fmt((units * steps) / (c.ms / 1e3))} neuron-steps/s   spikes ${c.spikes}`);
  console.log(`  ${what}: ratio ${(cases[0].ms / cases[1].ms).toFixed(2)}`);
}

console.log(`spiking: ${backend} back end, float64, best of ${reps} alternating rounds`);

await compare([
  await prepare('hh-pop, @post spike state (sum recorded)', (nn) => {
    const c = nn.add(models.HodgkinHuxley, { num: N_HH, states: models.HodgkinHuxley.originalStart });
    c.set('stimulus', hhDrive(N_HH));
    c.record('spike', { mode: 'sum' });
    return () => Array.from(c.recorder.get('spike').data).reduce((a, b) => a + b, 0);
  }, 1e-5, STEPS_HH),
  await prepare('hh-pop, @spike events (recorded)', (nn) => {
    const c = nn.add(models.HodgkinHuxleySpiking, { num: N_HH, states: models.HodgkinHuxleySpiking.originalStart });
    c.set('stimulus', hhDrive(N_HH));
    return events(c);
  }, 1e-5, STEPS_HH),
], N_HH, STEPS_HH, `spike events against the @post spike state (N = ${N_HH}, ${STEPS_HH} steps of 0.01 ms)`);

await compare([
  await prepare('LIF, no noise', (nn) => events(nn.add(models.LIF, { num: N_LIF, params: DRIVEN })), 1e-4, STEPS_LIF),
  await prepare('LIF, white noise (xi)', (nn) => events(nn.add(models.NoisyLIF, { num: N_LIF, params: { ...DRIVEN, sigma: 2 } })), 1e-4, STEPS_LIF),
], N_LIF, STEPS_LIF, `noisy against noise-free LIF (N = ${N_LIF}, ${STEPS_LIF} steps of 0.1 ms)`);
