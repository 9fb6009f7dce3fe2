/**
 * `npm run bench`: hh-pop (ARCHITECTURE.md) on this machine. Prints each
 * hand-written baseline and each back end from the same run, with ratios.
 * Every figure is the best of `reps` runs (the machine is shared: the best
 * run is the one least disturbed by other work, for baselines and back ends
 * alike).
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
import { Network, models, backends } from 'neural';
import { compileShared } from '../lib/backends/native/compiler.js';
import { runC } from '../lib/backends/native/binding.js';
import { hhDrive, hhReference } from './reference.js';

const N = Number(process.argv[2] ?? 10000);
const steps = Number(process.argv[3] ?? 2000);
const reps = Number(process.argv[4] ?? 3);
const dt = 1e-5;
const rate = (ms: number) => (N * steps) / (ms / 1e3);
const fmt = (x: number) => x.toExponential(2);
const sum = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};

/** The best (shortest) of `reps` timed calls, and what the last call returned. */
async function best<T>(fn: () => Promise<T> | T): Promise<{ ms: number; out: T }> {
  let ms = Infinity;
  let out!: T;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    out = await fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, out };
}

/** Builds hh-pop on a back end; returns a function that runs it from the initial state. */
async function backend(name: 'js' | 'cpu', fastMath = false): Promise<{ run: () => Promise<number>; compileMs: number }> {
  const nn = new Network();
  const hh = nn.add(models.HodgkinHuxley, { num: N });
  hh.set('stimulus', hhDrive(N));
  hh.record('spike', { mode: 'sum' });
  const t0 = performance.now();
  await nn.compile({ backend: name, fastMath });
  const compileMs = performance.now() - t0;
  await nn.run(dt, { steps: 10 }); // warm-up
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

console.log(`hh-pop: N = ${N}, ${steps} steps, dt = ${dt} s, float64; best of ${reps} runs each; ${cpus().length} cores`);
const jsRef = await best(() => sum(hhReference(N, steps, dt).spikes));
console.log(`  hand-written JavaScript loop   ${fmt(rate(jsRef.ms))} neuron-steps/s   spikes ${jsRef.out}`);
const js = await backend('js');
const jsRun = await best(js.run);
console.log(`  js back end                    ${fmt(rate(jsRun.ms))} neuron-steps/s   spikes ${jsRun.out}   ratio to hand-written JS ${(jsRef.ms / jsRun.ms).toFixed(2)}`);

if (backends.status().cpu.ok) {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const source = readFileSync(`${here}/../../bench/reference.c`, 'utf8');
  const hand = async (tag: string, flags: string[]) => {
    const lib = await compileShared(source, { flags, tag });
    return best(async () => {
      const spikes = new Float64Array(N);
      await runC(lib.handle, 'hh_reference', [hhDrive(N), spikes, new Float64Array(N)], [N, steps, dt * 1e3]);
      return sum(spikes);
    });
  };
  const base = await hand('hh-reference', ['-ffast-math']);
  const baseRate = rate(base.ms);
  const exact = await hand('hh-reference-exact', []);
  const exactThreads = await hand('hh-reference-exact-threads', ['-DREFERENCE_THREADS']);
  const line = (label: string, r: number, spikes: number, extra = '') =>
    console.log(`  ${label.padEnd(58)} ${fmt(r)} neuron-steps/s   spikes ${spikes}   ratio to baseline ${(r / baseRate).toFixed(2)}${extra}`);
  line('hand-written C, -O3 -march=native -ffast-math, 1 thread', baseRate, base.out, '   (the baseline)');
  line("hand-written C, the cpu back end's exact flags, 1 thread", rate(exact.ms), exact.out);
  line(`hand-written C, the cpu back end's exact flags, ${cpus().length} threads`, rate(exactThreads.ms), exactThreads.out);
  for (const fast of [false, true]) {
    for (const threads of [1, 2]) {
      const env = { ...process.env, NEURAL_BENCH_CHILD: '1', OMP_NUM_THREADS: String(threads), NEURAL_BENCH_FAST: fast ? '1' : '0' };
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), String(N), String(steps), String(reps)], { env }).toString();
      const r = JSON.parse(out.trim().split('\n').pop()!) as { rate: number; spikes: number; compileMs: number };
      const twin = threads === 1 ? exact : threads === cpus().length ? exactThreads : undefined;
      const same = fast || !twin ? '' : `, to the same loop hand-written ${(r.rate / rate(twin.ms)).toFixed(2)}`;
      line(`cpu back end${fast ? ', fastMath' : ''}, ${threads} thread${threads > 1 ? 's' : ''}`, r.rate, r.spikes, `${same}   (compile ${r.compileMs.toFixed(0)} ms)`);
    }
  }
} else {
  console.log(`  cpu back end unavailable: ${backends.status().cpu.reason}`);
}
