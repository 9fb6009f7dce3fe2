/**
 * `npm run bench`: hh-pop (ARCHITECTURE.md) on this machine. Prints each
 * hand-written baseline and each back end from the same run, with ratios.
 * Every figure is the best of `reps` runs (the machine is shared: the best
 * run is the one least disturbed by other work); the C loops and the cpu back
 * end are measured in rounds, each configuration once per round.
 *
 * The baseline is bench/reference.c built with -ffast-math on one thread. The
 * same loop is also built with the cpu back end's own flags (exact IEEE
 * arithmetic, the default of `compile()`), on one thread and on all cores, so
 * that the cost of exact arithmetic and the machine's own two-thread scaling
 * are measured next to the back end.
 *
 * Usage: node dist/bench/cpu.js [N] [steps] [reps]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Network, models, backends } from 'neural-ts';
import { compileShared } from '../lib/backends/native/compiler.js';
import { runC } from '../lib/backends/native/binding.js';
import { hhDrive, hhReference } from './reference.js';

const N = Number(process.argv[2] ?? 10000);
const steps = Number(process.argv[3] ?? 4000);
const reps = Number(process.argv[4] ?? 5);
const dt = 1e-5;
const rate = (ms: number) => (N * steps) / (ms / 1e3);
const fmt = (x: number) => x.toExponential(2);
const sum = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};

/** The best (shortest) of `n` timed calls, and what the last call returned. */
async function best<T>(fn: () => Promise<T> | T, n = reps): Promise<{ ms: number; out: T }> {
  let ms = Infinity;
  let out!: T;
  for (let r = 0; r < n; r++) {
    const t = performance.now();
    out = await fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, out };
}

/** Builds hh-pop on a back end; returns a function that runs it from the initial state. */
async function backend(name: 'js' | 'cpu', fastMath = false): Promise<{ run: () => Promise<number>; compileMs: number }> {
  const nn = new Network();
  const hh = nn.add(models.HodgkinHuxley, { num: N, states: models.HodgkinHuxley.originalStart }); // as bench/reference.*
  hh.set('stimulus', hhDrive(N));
  hh.record('spike', { mode: 'sum' });
  const t0 = performance.now();
  await nn.compile({ backend: name, fastMath });
  const compileMs = performance.now() - t0;
  // Warm-up: a few short runs (V8 compiles the network's own code) and one
  // whole run. The first runs of a process are up to a fifth slower (threads,
  // page faults, code not yet compiled or in cache); a hand-written loop gets
  // the same chance by being measured in several rounds.
  for (let k = 0; k < 5; k++) await nn.run(dt, { steps: 1 });
  await nn.run(dt, { steps });
  return {
    compileMs,
    run: async () => {
      await nn.reset();
      await nn.run(dt, { steps });
      return sum(hh.recorder.get('spike').data);
    },
  };
}

if (process.env.NEURAL_BENCH_CHILD) {
  // One cpu configuration under the OMP_NUM_THREADS this process was started with.
  const b = await backend('cpu', process.env.NEURAL_BENCH_FAST === '1');
  const r = await best(b.run);
  console.log(JSON.stringify({ rate: rate(r.ms), spikes: r.out, compileMs: b.compileMs }));
  process.exit(0);
}

console.log(`hh-pop: N = ${N}, ${steps} steps, dt = ${dt} s, float64; best of ${reps} runs each (JavaScript: of 3); ${cpus().length} cores`);
// JavaScript runs take seconds each and vary less: three are enough.
const jsRef = await best(() => sum(hhReference(N, steps, dt).spikes), Math.min(reps, 3));
console.log(`  hand-written JavaScript loop   ${fmt(rate(jsRef.ms))} neuron-steps/s   spikes ${jsRef.out}`);
const js = await backend('js');
const jsRun = await best(js.run, Math.min(reps, 3));
console.log(`  js back end                    ${fmt(rate(jsRun.ms))} neuron-steps/s   spikes ${jsRun.out}   ratio to hand-written JS ${(jsRef.ms / jsRun.ms).toFixed(2)}`);

if (backends.status().cpu.ok) {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const source = readFileSync(`${here}/../../bench/reference.c`, 'utf8');
  const hand = async (tag: string, flags: string[]) => {
    const lib = await compileShared(source, { flags, tag });
    return async () => {
      const spikes = new Float64Array(N);
      const t = performance.now();
      await runC(lib.handle, 'hh_reference', [hhDrive(N), spikes, new Float64Array(N)], [N, steps, dt * 1e3]);
      return { rate: rate(performance.now() - t), spikes: sum(spikes) };
    };
  };
  const child = (threads: number, fast: boolean) => () => {
    const env = { ...process.env, NEURAL_BENCH_CHILD: '1', OMP_NUM_THREADS: String(threads), NEURAL_BENCH_FAST: fast ? '1' : '0' };
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), String(N), String(steps), '1'], { env }).toString();
    return JSON.parse(out.trim().split('\n').pop()!) as Measured;
  };
  type Measured = { rate: number; spikes: number; compileMs?: number };
  const configs: [string, () => Promise<Measured> | Measured][] = [
    ['hand-written C, -O3 -march=native -ffast-math, 1 thread', await hand('hh-reference', ['-ffast-math'])],
    ["hand-written C, the cpu back end's exact flags, 1 thread", await hand('hh-reference-exact', [])],
    [`hand-written C, the cpu back end's exact flags, ${cpus().length} threads`, await hand('hh-reference-exact-threads', ['-DREFERENCE_THREADS'])],
    ['cpu back end, 1 thread', child(1, false)],
    ['cpu back end, 2 threads', child(2, false)],
    ['cpu back end, fastMath, 1 thread', child(1, true)],
    ['cpu back end, fastMath, 2 threads', child(2, true)],
  ];
  // Rounds: every configuration once per round, so that a busy moment of the
  // machine touches all of them alike; each keeps its best round.
  const bestOf: Measured[] = configs.map(() => ({ rate: 0, spikes: 0 }));
  for (let r = 0; r < reps; r++) {
    for (const [i, [, measure]] of configs.entries()) {
      const m = await measure();
      if (m.rate > bestOf[i].rate) bestOf[i] = m;
    }
  }
  const baseline = bestOf[0].rate;
  const twin = (label: string) => label.includes('fastMath') ? undefined : label.endsWith(' 1 thread') ? bestOf[1] : label.endsWith(`${cpus().length} threads`) ? bestOf[2] : undefined;
  configs.forEach(([label], i) => {
    const m = bestOf[i];
    const same = label.startsWith('cpu') && twin(label) ? `, to the same loop hand-written ${(m.rate / twin(label)!.rate).toFixed(2)}` : '';
    const note = i === 0 ? '   (the baseline)' : m.compileMs !== undefined ? `   (compile ${m.compileMs.toFixed(0)} ms)` : '';
    console.log(`  ${label.padEnd(58)} ${fmt(m.rate)} neuron-steps/s   spikes ${m.spikes}   ratio to baseline ${(m.rate / baseline).toFixed(2)}${same}${note}`);
  });
} else {
  console.log(`  cpu back end unavailable: ${backends.status().cpu.reason}`);
}
