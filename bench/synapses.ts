/**
 * `npm run bench` (synapses): the field's two standard network benchmarks,
 * side by side with Brian2's C++ standalone target when Brian2 is installed
 * (Debian's `python3-brian` under `/usr/bin/python3`, or `BRIAN2_PYTHON`).
 *
 * - CUBA (Vogels & Abbott 2005, Brian2's `examples/CUBA.py`): N LIF neurons,
 *   80 % excitatory, p = 80 / N (80 synapses per neuron), current jumps.
 * - COBAHH (Brian2's `examples/COBAHH.py`): N Hodgkin–Huxley neurons with
 *   conductance synapses, p = 80 / N (2 % at N = 4,000).
 *
 * For each model and size, Brian2 (`bench/brian2/cuba.py`, `cobahh.py`,
 * method `exponential_euler`, cpp_standalone) makes the network and writes
 * it out (`--export`); this library imports the very same synapses and
 * initial values (explicit `i`, `j`) and runs 1 s at dt = 0.1 ms on js and
 * cpu with 1 and 2 threads, each in a fresh process (OpenMP reads its
 * thread count at start). Without Brian2 the library makes the network
 * itself from the same rule.
 *
 * The cpu back end runs twice: exact (the default: the same arithmetic as
 * the interpreter and js) and with `fastMath` (`-ffast-math`, what Brian2's
 * C++ standalone compiles with by default).
 *
 * Printed per run: simulation time (the run loop only: Brian2's
 * `run_wall_seconds`, the library's `run()`), time to first result (from
 * building the first object to the end of the run: Brian2's code
 * generation and C++ build included, the library's compile included), the
 * mean rate, and the ratio of Brian2's time to the library's (above 1: the
 * library is faster). Rounds are interleaved; the medians are printed.
 *
 * Usage: node dist/bench/synapses.js [sizes, e.g. 4000,32000] [rounds]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Network, backends, loadNpy, models, type BackendName, type Container } from 'neural-ts';

const PYTHON = process.env.BRIAN2_PYTHON ?? '/usr/bin/python3';
const SCRIPTS = fileURLToPath(new URL('../../bench/brian2/', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const DT = 1e-4;
const STEPS = 10000;

type Model = 'cuba' | 'cobahh';

/** What one run gives, on either side. */
interface Outcome {
  run: number;
  first: number;
  rate: number;
}

/** The network's files written by Brian2, as the library reads them. */
async function network(nn: Network, model: Model, n: number, dir: string | null): Promise<Container> {
  const ne = Math.floor((4 * n) / 5);
  const p = 80 / n;
  const ints = async (name: string) => Int32Array.from((await loadNpy(join(dir!, `${name}.npy`))).data as ArrayLike<number>);
  const floats = async (name: string) => Float64Array.from((await loadNpy(join(dir!, `${name}.npy`))).data as ArrayLike<number>);
  const P = model === 'cuba' ? nn.add(models.CUBA, { num: n }) : nn.add(models.COBAHH, { num: n });
  const [we, wi] = model === 'cuba' ? [1.62, -9] : [6, 67];
  if (dir) {
    nn.synapses(P, P, models.ExcitatoryJump, { i: await ints('exc_i'), j: await ints('exc_j'), values: { w: we } });
    nn.synapses(P, P, models.InhibitoryJump, { i: await ints('inh_i'), j: await ints('inh_j'), values: { w: wi } });
    P.set('v', await floats('v0'));
    if (model === 'cobahh') {
      P.set('ge', await floats('ge0'));
      P.set('gi', await floats('gi0'));
    }
  } else {
    nn.synapses(P, P, models.ExcitatoryJump, { sources: [0, ne], p, values: { w: we } });
    nn.synapses(P, P, models.InhibitoryJump, { sources: [ne, n], p, values: { w: wi } });
    if (model === 'cuba') P.set('v', 'vr + rand() * (vt - vr)');
    else {
      P.set('v', 'El + randn() * 5 - 5');
      P.set('ge', '(randn() * 1.5 + 4) * 10');
      P.set('gi', '(randn() * 12 + 20) * 10');
    }
  }
  return P;
}

/** The child process: one run of the library, printed as JSON. */
async function child(model: Model, n: number, backend: BackendName, dir: string | null, fastMath: boolean): Promise<void> {
  const t0 = performance.now();
  const nn = new Network({ seed: 1 });
  const P = await network(nn, model, n, dir);
  P.record('spike');
  await nn.compile({ backend, fastMath });
  const t1 = performance.now();
  await nn.run(DT, { steps: STEPS });
  const t2 = performance.now();
  const counts = P.recorder.spikes().counts();
  const total = counts.reduce((a, b) => a + b, 0);
  const out: Outcome = { run: (t2 - t1) / 1e3, first: (t2 - t0) / 1e3, rate: total / n / (STEPS * DT) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** A run of the library in a fresh process with `threads` OpenMP threads. */
function library(model: Model, n: number, backend: BackendName, threads: number, dir: string | null, cache: string, fastMath = false): Outcome | string {
  const p = spawnSync(process.execPath, [SELF, '--child', model, String(n), backend, dir ?? '-', fastMath ? 'fast' : 'exact'], {
    encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, OMP_NUM_THREADS: String(threads), NEURAL_CACHE_DIR: cache },
  });
  if (p.status !== 0) return `library ${backend}: ${(p.stderr || p.stdout).trim().split('\n').slice(-3).join(' ')}`;
  return JSON.parse(p.stdout.trim().split('\n').pop()!) as Outcome;
}

/** Brian2's run of the network (cpp_standalone, `threads` OpenMP threads); `exportTo` writes the network it made. */
function brian2(model: Model, n: number, threads: number, work: string, files: string, exporting: boolean): Outcome | string {
  const config = join(work, 'config.json');
  const out = join(work, 'out.json');
  writeFileSync(config, JSON.stringify({ N: n, p: 80 / n, dt_ms: DT * 1e3, duration_ms: STEPS * DT * 1e3, seed: 1, threads }));
  const flags = ['--target', 'cpp_standalone', '--method', 'exponential_euler', exporting ? '--export' : '--import', files];
  const p = spawnSync(PYTHON, ['-B', join(SCRIPTS, `${model}.py`), config, out, ...flags], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (p.status !== 0) return `Brian2: ${(p.stderr || p.stdout).trim().split('\n').slice(-3).join(' ')}`;
  const r = JSON.parse(readFileSync(out, 'utf8')) as { run_wall_seconds?: number; run_seconds: number; seconds: number; rate_hz: number };
  return { run: r.run_wall_seconds ?? r.run_seconds, first: r.seconds, rate: r.rate_hz };
}

function hasBrian2(): boolean {
  return spawnSync(PYTHON, ['-c', 'import brian2'], { encoding: 'utf8' }).status === 0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number) => (x < 1 ? x.toFixed(3) : x.toFixed(2));

async function main(): Promise<void> {
  const sizes = (process.argv[2] ?? '4000,32000').split(',').map(Number);
  const rounds = Number(process.argv[3] ?? 3);
  const work = mkdtempSync(join(tmpdir(), 'neural-bench-synapses-'));
  const cache = join(work, 'cache');
  const brian = hasBrian2();
  const cpu = backends.status().cpu.ok;
  console.log(`Synapses: CUBA and COBAHH, 1 s at dt = 0.1 ms, 80 synapses per neuron; medians of ${rounds} interleaved rounds.`);
  if (!brian) console.log(`Brian2 is not installed for ${PYTHON} (apt-get install python3-brian): the library's runs only, on networks it makes itself.`);
  // cpu also with fastMath, as Brian2's C++ standalone compiles (-ffast-math).
  const runs: [BackendName, number, boolean][] = cpu ? [['js', 1, false], ['cpu', 1, false], ['cpu', 2, false], ['cpu', 1, true], ['cpu', 2, true]] : [['js', 1, false]];
  try {
    for (const model of ['cuba', 'cobahh'] as Model[]) {
      for (const n of sizes) {
        const files = join(work, `${model}-${n}`);
        mkdirSync(files, { recursive: true });
        const times = new Map<string, Outcome[]>();
        const add = (key: string, r: Outcome | string) => {
          if (typeof r === 'string') { console.log(`  ${model} N=${n} ${key}: ${r}`); return; }
          times.set(key, [...(times.get(key) ?? []), r]);
        };
        for (let round = 0; round < rounds; round++) {
          if (brian) {
            for (const threads of cpu ? [1, 2] : [1]) add(`Brian2 C++ standalone, ${threads} thread${threads > 1 ? 's' : ''}`, brian2(model, n, threads, work, files, round === 0 && threads === 1));
          }
          const dir = brian && existsSync(join(files, 'exc_i.npy')) ? files : null;
          for (const [backend, threads, fast] of runs) add(`neural-ts ${backend}${fast ? ' fastMath' : ''}${backend === 'cpu' ? `, ${threads} thread${threads > 1 ? 's' : ''}` : ''}`, library(model, n, backend, threads, dir, cache, fast));
        }
        console.log(`\n${model === 'cuba' ? 'CUBA' : 'COBAHH'}, N = ${n.toLocaleString('en')}`);
        console.log('  run                                      simulation (s)   first result (s)   rate (Hz)   Brian2 / this, same threads (simulation, first result)');
        for (const [key, list] of times) {
          const run = median(list.map((x) => x.run));
          const first = median(list.map((x) => x.first));
          const threads = key.endsWith('2 threads') ? 2 : 1;
          const ref = times.get(`Brian2 C++ standalone, ${threads} thread${threads > 1 ? 's' : ''}`);
          const ratio = ref && !key.startsWith('Brian2') ? `${fmt(median(ref.map((x) => x.run)) / run)}×, ${fmt(median(ref.map((x) => x.first)) / first)}×` : '';
          console.log(`  ${key.padEnd(40)} ${fmt(run).padStart(14)}   ${fmt(first).padStart(16)}   ${list[0].rate.toFixed(2).padStart(9)}   ${ratio}`);
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [, , , model, n, backend, dir, math] = process.argv;
  await child(model as Model, Number(n), backend as BackendName, dir === '-' ? null : dir, math === 'fast');
} else {
  await main();
}
