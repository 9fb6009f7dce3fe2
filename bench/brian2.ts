/**
 * `npm run bench:brian2`: the library's spiking neurons against Brian2, side
 * by side. Not part of `npm run bench`: it needs Brian2 (Debian's
 * `python3-brian`, 2.5.1, or `pip install brian2`) under `/usr/bin/python3`
 * (another interpreter: `BRIAN2_PYTHON`), and skips with a message without.
 *
 * - LIF: `models.LIF` with El, I and tref per unit, 1 s at 0.1 ms, on the
 *   interpreter, js and cpu, against `bench/brian2/lif.py` (the same
 *   equations, `(unless refractory)`, method `exponential_euler`) on
 *   Brian2's numpy and cpp_standalone targets: spike counts per unit, the
 *   (unit, step) pairs exactly, and the final v; then a plain loop of the
 *   library's arithmetic with Brian2's timing (the refractory test at the
 *   start of each step, for the update and the threshold), against both,
 *   and Brian2's method `exact`.
 * - HH: `models.HodgkinHuxleySpiking` against `bench/brian2/hh.py` (the same
 *   equations, bounds and spike test `vprev < 0 and v >= 0`), 0.01 ms steps.
 * - Poisson: `models.Poisson` against Brian2's `PoissonGroup` (20 Hz): the
 *   random streams differ, so only the statistics: the mean count within
 *   3 standard errors of rate·T and of each other, the variance-to-mean
 *   ratio within 3 standard errors of 1 − rate·dt, and the largest gap
 *   between the two distributions of counts (Kolmogorov–Smirnov).
 *
 * Times are wall times, in `rounds` interleaved rounds: Brian2's is the
 * whole Python process (start-up, import, code generation, the C++ build
 * for cpp_standalone, the run), with the script's own figure from building
 * the model to the end of the run after it; the library's is compile + run,
 * from `new Network`. The cpu back end's compiled code is cached (a fresh
 * cache folder for this process, unless `NEURAL_CACHE_DIR` is set), so its
 * first round includes the C compile and the later ones do not;
 * cpp_standalone builds anew in every round. The interpreter is timed in the
 * first round only for HH (it is the slowest by far).
 *
 * Usage: node dist/bench/brian2.js [N_lif] [N_hh] [rounds]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Network, backends, models, type BackendName, type Container } from 'neural-ts';

const N_LIF = Number(process.argv[2] ?? 1000);
const N_HH = Number(process.argv[3] ?? 50);
const ROUNDS = Number(process.argv[4] ?? 5);
const PYTHON = process.env.BRIAN2_PYTHON ?? '/usr/bin/python3';
const SCRIPTS = fileURLToPath(new URL('../../bench/brian2/', import.meta.url));
const WORK = mkdtempSync(join(tmpdir(), 'neural-bench-brian2-'));
process.env.NEURAL_CACHE_DIR ??= join(WORK, 'cache');
const BACKENDS: BackendName[] = backends.status().cpu.ok ? ['interpreter', 'js', 'cpu'] : ['interpreter', 'js'];

/** Spikes as recorded by either side: parallel arrays sorted by step, then unit. */
interface Spikes {
  units: ArrayLike<number>;
  steps: ArrayLike<number>;
}

/** Spikes and, for models with one, the final membrane potential. */
interface Outcome extends Spikes {
  v?: ArrayLike<number>;
}

/** One run of either side: its outcome and wall times (ms). */
interface Run extends Outcome {
  ms: number;
  /** Brian2: the script's own time, from building the model to the end of the run. */
  innerMs?: number;
  updateCode?: string;
}

/** The values of `f(i)` for i = 0…n−1. */
const perUnit = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
/** The fractional part: with an irrational step, i·step spreads units over [0, 1) with no ties. */
const frac = (x: number) => x - Math.floor(x);
const seconds = (ms: number) => (ms / 1e3).toFixed(2);

/** Runs a Brian2 script of bench/brian2/ on `config`; the reason, as text, when it fails. */
function brian2(script: string, config: object, flags: string[] = []): Run | string {
  const configPath = join(WORK, `${script}.json`);
  const outPath = join(WORK, `${script}.out.json`);
  writeFileSync(configPath, JSON.stringify(config));
  rmSync(outPath, { force: true });
  const t = performance.now();
  const p = spawnSync(PYTHON, ['-B', join(SCRIPTS, `${script}.py`), configPath, outPath, ...flags], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t;
  if (p.status !== 0) {
    const tail = `${p.stderr ?? ''}${p.error?.message ?? ''}`.trim().split('\n').slice(-3).join(' | ');
    return `${script}.py ${flags.join(' ')} failed (exit ${p.status}): ${tail}`;
  }
  const out = JSON.parse(readFileSync(outPath, 'utf8'));
  return { units: out.units, steps: out.steps, v: out.v, ms, innerMs: out.seconds * 1e3, updateCode: out.update_code };
}

/** Builds a network with `build`, compiles it on `backend` and runs it; the times include the compile. */
async function library(backend: BackendName, build: (nn: Network) => Container, dt: number, steps: number): Promise<Run> {
  const t = performance.now();
  const nn = new Network({ seed: 1 });
  const c = build(nn);
  await nn.compile({ backend });
  await nn.run(dt, { steps });
  const spikes = c.recorder.spikes();
  const v = c.variables.includes('v') ? c.get('v') : undefined;
  return { units: spikes.units, steps: spikes.steps, ...(v ? { v } : {}), ms: performance.now() - t };
}

/** One round of the library on each of `names`, timed into `times`. */
async function libraryRound(times: Times, names: BackendName[], build: (nn: Network) => Container, dt: number, steps: number): Promise<Map<BackendName, Run>> {
  const runs = new Map<BackendName, Run>();
  for (const backend of names) {
    const run = await library(backend, build, dt, steps);
    times.add(`library ${backend}`, run.ms);
    runs.set(backend, run);
  }
  return runs;
}

/** Each unit's spike steps. */
function trains(s: Spikes, n: number): number[][] {
  const out = perUnit<number[]>(n, () => []);
  for (let j = 0; j < s.units.length; j++) out[s.units[j]].push(s.steps[j]);
  return out;
}

/** Whether two recordings hold the same (unit, step) pairs, in the same order. */
function identical(a: Spikes, b: Spikes): boolean {
  if (a.units.length !== b.units.length) return false;
  for (let j = 0; j < a.units.length; j++) if (a.units[j] !== b.units[j] || a.steps[j] !== b.steps[j]) return false;
  return true;
}

/**
 * Prints how `lib` and `ref` differ: spikes on each side, units whose
 * counts differ, pairs found on one side only, the largest difference of
 * the final v, and the first `show` units that differ. Returns whether the
 * pairs are the same.
 */
function compare(label: string, lib: Outcome, ref: Outcome, n: number, describe: (i: number) => string, show = 3): boolean {
  const a = trains(lib, n);
  const b = trains(ref, n);
  let countsDiffer = 0;
  let onlyLib = 0;
  let onlyRef = 0;
  const differing: number[] = [];
  for (let i = 0; i < n; i++) {
    if (a[i].length !== b[i].length) countsDiffer++;
    const sa = new Set(a[i]);
    const sb = new Set(b[i]);
    const ia = a[i].filter((k) => !sb.has(k)).length;
    const ib = b[i].filter((k) => !sa.has(k)).length;
    onlyLib += ia;
    onlyRef += ib;
    if (ia + ib > 0) differing.push(i);
  }
  let dv = '';
  if (lib.v && ref.v) {
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(lib.v[i] - ref.v[i]));
    dv = `; final v: max |difference| ${max.toExponential(2)} mV`;
  }
  const same = onlyLib + onlyRef === 0;
  console.log(`  ${label}: ${lib.units.length} against ${ref.units.length} spikes; counts differ in ${countsDiffer} of ${n} units; `
    + `${onlyLib} (unit, step) pairs only in the first, ${onlyRef} only in the second${same ? ' (identical)' : ''}${dv}`);
  for (const i of differing.slice(0, show)) {
    const first = (train: number[]) => `[${train.slice(0, 5).join(', ')}${train.length > 5 ? ', …' : ''}] (${train.length})`;
    console.log(`    unit ${i} (${describe(i)}): ${first(a[i])} against ${first(b[i])}`);
  }
  if (differing.length > show) console.log(`    … and ${differing.length - show} more units`);
  return same;
}

/** For units with two spikes or more on both sides: by how many steps their first intervals differ, and in how many units. */
function intervalShift(lib: Spikes, ref: Spikes, n: number): string {
  const a = trains(lib, n);
  const b = trains(ref, n);
  const histogram = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (a[i].length < 2 || b[i].length < 2) continue;
    const d = (a[i][1] - a[i][0]) - (b[i][1] - b[i][0]);
    histogram.set(d, (histogram.get(d) ?? 0) + 1);
  }
  return [...histogram].sort((x, y) => x[0] - y[0]).map(([d, c]) => `${d > 0 ? '+' : ''}${d} step${Math.abs(d) === 1 ? '' : 's'} in ${c} units`).join(', ');
}

/** Wall times per side and round. */
class Times {
  private readonly rows = new Map<string, number[]>();
  add(label: string, ms: number, innerMs?: number): void {
    const row = this.rows.get(label) ?? [];
    row.push(ms);
    this.rows.set(label, row);
    if (innerMs !== undefined) this.add(`${label}, without start-up`, innerMs);
  }
  print(title: string): void {
    console.log(`  ${title}: wall time (s) per round, and the median`);
    for (const [label, ms] of this.rows) {
      const sorted = [...ms].sort((x, y) => x - y);
      const median = sorted[Math.floor((sorted.length - 1) / 2)];
      console.log(`    ${label.padEnd(40)} ${ms.map(seconds).map((s) => s.padStart(7)).join(' ')}   median ${seconds(median)}`);
    }
  }
}

/** The Brian2 sides of one model: numpy and, while it works, cpp_standalone. */
class Brian2Sides {
  private standalone = true;
  constructor(private readonly script: string, private readonly config: object) {}

  /** One round of each target; a target that fails is reported once and dropped. */
  round(times: Times): { numpy?: Run; standalone?: Run } {
    const numpy = brian2(this.script, this.config);
    if (typeof numpy === 'string') throw new Error(numpy);
    times.add('Brian2 numpy', numpy.ms, numpy.innerMs);
    if (!this.standalone) return { numpy };
    const standalone = brian2(this.script, this.config, ['--target', 'cpp_standalone']);
    if (typeof standalone === 'string') {
      this.standalone = false;
      console.log(`  Brian2 cpp_standalone: skipped: ${standalone}`);
      return { numpy };
    }
    times.add('Brian2 cpp_standalone', standalone.ms, standalone.innerMs);
    return { numpy, standalone };
  }
}

/** Checks that every back end of `runs` gave the same pairs, and says so. */
function backendsAgree(runs: Map<BackendName, Run>): Run {
  const [first, ...rest] = [...runs];
  const differ = rest.filter(([, r]) => !identical(r, first[1])).map(([b]) => b);
  console.log(`  library: ${[...runs.keys()].join(', ')}: ${differ.length ? `spikes differ from ${first[0]} on ${differ.join(', ')}` : `identical spikes (${first[1].units.length})`}`);
  return first[1];
}

/** Brian2's generated code, indented under its heading. */
const indent = (code: string) => code.trim().split('\n').map((l) => `      ${l}`).join('\n');

/** The parameters of the LIF case, as lif.py reads them (mV, ms). */
interface LifConfig {
  dt_ms: number;
  vt: number;
  vr: number;
  tau: number;
  El: number[];
  I: number[];
  tref: number[];
  steps: number;
}

/**
 * models.LIF as a plain loop with the arithmetic of the library's generated
 * JavaScript (exponential Euler, v + f(v)·expm1(B·dt)/B with B = −1/tau, in
 * ms and mV), and one of two timings of the refractory test
 * ⌊(t − lastspike)/dt + 10⁻³⌋ ≥ ⌊tref/dt + 10⁻³⌋: the library's (the update
 * reads the test of the previous step, or 0 after a spike) or Brian2's (the
 * test at this step's t, before the update, as Brian2's state updater
 * computes `not_refractory`).
 */
function lifLoop(c: LifConfig): Outcome {
  const dt = (c.dt_ms * 1e-3) * 1e3; // the library's dt in ms, from the run's dt in seconds
  const whole = (x: number) => Math.floor(x / dt + 1e-3);
  const B = -1 / c.tau;
  const spikes: [number, number][] = [];
  const final = new Float64Array(c.El.length);
  for (let i = 0; i < c.El.length; i++) {
    let v = c.vr;
    let last = -1e4 * 1e3;
    for (let k = 0; k < c.steps; k++) {
      // Out of the refractory period at this step's time: integrate, and the threshold may fire.
      const t = k * dt;
      const out = whole(t - last) >= whole(c.tref[i]);
      if (out) v = v + (((c.El[i] - v) + c.I[i]) / c.tau) * (Math.expm1(B * dt) / B);
      if (v > c.vt && out) {
        v = c.vr;
        last = t;
        spikes.push([i, k]);
      }
    }
    final[i] = v;
  }
  spikes.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return { units: spikes.map((s) => s[0]), steps: spikes.map((s) => s[1]), v: final };
}

async function lif(): Promise<void> {
  const dtMs = 0.1;
  const steps = 10_000;
  // El over [-52, -30) mV (a few units stay below vt = -50 with their I), I over [0, 2) mV,
  // tref over 0…4.44 ms in steps of 0.37 ms (most not a whole number of 0.1 ms steps).
  const El = perUnit(N_LIF, (i) => -52 + 22 * frac(i * 0.6180339887498949));
  const I = perUnit(N_LIF, (i) => 2 * frac(i * 0.7548776662466927));
  const tref = perUnit(N_LIF, (i) => ((7 * i) % 13) * 0.37);
  const config = { dt_ms: dtMs, duration_ms: steps * dtMs, steps, vt: -50, vr: -60, tau: 20, El, I, tref };
  const describe = (i: number) => `El ${El[i].toFixed(3)} mV, I ${I[i].toFixed(3)} mV, tref ${tref[i].toFixed(2)} ms`;
  const build = (nn: Network) => {
    const c = nn.add(models.LIF, { num: N_LIF, params: { El, tref } });
    c.set('I', I);
    c.record('spike');
    return c;
  };
  console.log(`\nLIF: N = ${N_LIF}, ${steps} steps of ${dtMs} ms (1 s), vt -50 mV, vr -60 mV, tau 20 ms; El, I and tref per unit; every unit starts at v = vr`);
  const times = new Times();
  const sides = new Brian2Sides('lif', config);
  for (let r = 0; r < ROUNDS; r++) {
    const { numpy, standalone } = sides.round(times);
    const runs = await libraryRound(times, BACKENDS, build, dtMs * 1e-3, steps);
    if (r > 0) continue;
    // Spikes: the first round; later rounds only time.
    const lib = backendsAgree(runs);
    console.log(`  Brian2 exponential_euler update:\n${indent(numpy!.updateCode!)}`);
    const same = compare('library against Brian2 numpy', lib, numpy!, N_LIF, describe);
    if (standalone) compare('library against Brian2 cpp_standalone', lib, standalone, N_LIF, describe, 0);
    if (standalone) compare('Brian2 cpp_standalone against numpy', standalone, numpy!, N_LIF, describe, 0);
    if (!same) console.log(`  first interval, library − Brian2 numpy: ${intervalShift(lib, numpy!, N_LIF)}`);
    // An independent loop: the library's arithmetic, Brian2's order of one step.
    compare('hand-written loop (Brian2\'s timing) against the library', lifLoop(config), lib, N_LIF, describe);
    const exact = brian2('lif', config, ['--method', 'exact']);
    if (typeof exact === 'string') console.log(`  Brian2 method 'exact': ${exact}`);
    else {
      console.log(`  Brian2 exact update:\n${indent(exact.updateCode!)}`);
      compare('Brian2 exact against Brian2 exponential_euler (numpy)', exact, numpy!, N_LIF, describe, 0);
    }
  }
  times.print(`LIF, ${ROUNDS} interleaved rounds`);
}

async function hh(): Promise<void> {
  const dtMs = 0.01;
  const steps = 50_000;
  // 7…20 µA/cm²: every unit above the threshold of repetitive firing (about 6.3).
  const stimulus = perUnit(N_HH, (i) => 7 + (13 * i) / Math.max(1, N_HH - 1));
  const config = { dt_ms: dtMs, duration_ms: steps * dtMs, stimulus };
  const describe = (i: number) => `stimulus ${stimulus[i].toFixed(3)} µA/cm²`;
  const build = (nn: Network) => {
    const c = nn.add(models.HodgkinHuxleySpiking, { num: N_HH });
    c.set('stimulus', stimulus);
    c.record('spike');
    return c;
  };
  console.log(`\nHH: N = ${N_HH}, ${steps} steps of ${dtMs} ms (${steps * dtMs} ms), stimulus 7…20 µA/cm² over the units, from rest`);
  const times = new Times();
  const sides = new Brian2Sides('hh', config);
  for (let r = 0; r < ROUNDS; r++) {
    const { numpy, standalone } = sides.round(times);
    const runs = await libraryRound(times, BACKENDS.filter((b) => r === 0 || b !== 'interpreter'), build, dtMs * 1e-3, steps);
    if (r > 0) continue;
    const lib = backendsAgree(runs);
    compare('library against Brian2 numpy', lib, numpy!, N_HH, describe);
    if (standalone) compare('library against Brian2 cpp_standalone', lib, standalone, N_HH, describe);
    if (standalone) compare('Brian2 cpp_standalone against numpy', standalone, numpy!, N_HH, describe, 0);
  }
  times.print(`HH, ${ROUNDS} interleaved rounds (the interpreter: round 1 only)`);
}

/** Mean, unbiased variance and their standard errors of per-unit spike counts. */
function countStatistics(s: Spikes, n: number) {
  const counts = new Float64Array(n);
  for (let j = 0; j < s.units.length; j++) counts[s.units[j]]++;
  const mean = counts.reduce((a, b) => a + b, 0) / n;
  const variance = counts.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { counts, mean, variance, se: Math.sqrt(variance / n), fano: variance / mean };
}

/** The largest gap between the empirical distribution functions of two samples of integers. */
function ksDistance(a: Float64Array, b: Float64Array): number {
  const max = Math.max(...a, ...b);
  let d = 0;
  for (let x = 0; x <= max; x++) {
    const fa = a.filter((c) => c <= x).length / a.length;
    const fb = b.filter((c) => c <= x).length / b.length;
    d = Math.max(d, Math.abs(fa - fb));
  }
  return d;
}

async function poisson(): Promise<void> {
  const num = 1000;
  const rate = 20;
  const dt = 1e-4;
  const steps = 10_000;
  console.log(`\nPoisson: N = ${num}, ${rate} Hz, ${steps} steps of ${dt * 1e3} ms (1 s); statistics only (the random streams differ)`);
  const ref = brian2('poisson', { dt_ms: dt * 1e3, duration_ms: steps * dt * 1e3, num, rate_hz: rate, seed: 1 });
  if (typeof ref === 'string') throw new Error(ref);
  const runs = new Map<BackendName, Run>();
  for (const backend of BACKENDS) {
    runs.set(backend, await library(backend, (nn) => {
      const c = nn.add(models.Poisson, { num });
      c.set('rate', rate);
      c.record('spike');
      return c;
    }, dt, steps));
  }
  const lib = backendsAgree(runs);
  const expected = rate * steps * dt;
  const p = rate * dt;
  const fanoSe = Math.sqrt(2 / (num - 1));
  const sides = [['library (seed 1)', countStatistics(lib, num)], ['Brian2 PoissonGroup (seed 1)', countStatistics(ref, num)]] as const;
  for (const [label, s] of sides) {
    const z = (s.mean - expected) / s.se;
    const fz = (s.fano - (1 - p)) / fanoSe;
    console.log(`  ${label.padEnd(30)} mean count ${s.mean.toFixed(3)} ± ${s.se.toFixed(3)} (rate ${s.mean.toFixed(2)} Hz; ${z.toFixed(2)} SE from ${expected}), `
      + `variance/mean ${s.fano.toFixed(3)} (${fz.toFixed(2)} SE from ${1 - p}): ${Math.abs(z) < 3 && Math.abs(fz) < 3 ? 'within 3 SE' : 'OUTSIDE 3 SE'}`);
  }
  const [a, b] = [sides[0][1], sides[1][1]];
  const zDiff = (a.mean - b.mean) / Math.sqrt(a.se ** 2 + b.se ** 2);
  const d = ksDistance(a.counts, b.counts);
  const critical = 1.36 * Math.sqrt(2 / num);
  console.log(`  library − Brian2: mean count ${(a.mean - b.mean).toFixed(3)} (${zDiff.toFixed(2)} SE); counts' distributions: KS distance ${d.toFixed(4)} (5 % critical value ${critical.toFixed(4)})`);
  console.log(`  wall time (s): Brian2 numpy ${seconds(ref.ms)} (without start-up ${seconds(ref.innerMs!)}), ${[...runs].map(([k, r]) => `library ${k} ${seconds(r.ms)}`).join(', ')}`);
}

async function main(): Promise<void> {
  const check = spawnSync(PYTHON, ['-c', 'import brian2; print(brian2.__version__)'], { encoding: 'utf8' });
  if (check.status !== 0) {
    const why = `${check.stderr ?? ''}${check.error?.message ?? ''}`.trim().split('\n').pop();
    console.log(`brian2: skipped: ${PYTHON} cannot import brian2 (${why}). Install it (Debian: apt-get install python3-brian; else pip install brian2), or set BRIAN2_PYTHON to a Python that has it.`);
    return;
  }
  const cc = spawnSync('c++', ['--version'], { encoding: 'utf8' });
  console.log(`Brian2 ${check.stdout.trim()} (${PYTHON}) against neural-ts; Node ${process.version}; ${cpus().length} cores (${cpus()[0]?.model.trim()}); `
    + `C++ ${cc.status === 0 ? cc.stdout.split('\n')[0] : 'none'}; library back ends ${BACKENDS.join(', ')}, float64`);
  await lif();
  await hh();
  await poisson();
}

try {
  await main();
} finally {
  rmSync(WORK, { recursive: true, force: true });
}
