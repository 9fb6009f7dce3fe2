/**
 * Helpers of `brian2.spec.ts`: running the Brian2 scripts of `bench/brian2/`
 * in the background, reading the networks they export, and comparing spike
 * trains and their statistics.
 *
 * The scripts are run with `/usr/bin/python3` (another interpreter:
 * `BRIAN2_PYTHON`), as `npm run bench:brian2` runs them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNpy } from '../../lib/index.js';

/** The interpreter that runs the Brian2 scripts. */
export const PYTHON = process.env.BRIAN2_PYTHON ?? '/usr/bin/python3';

/** The Brian2 scripts (from dist/specs/synapses/ or specs/synapses/). */
const SCRIPTS = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../bench/brian2/' : '../../bench/brian2/', import.meta.url));

/** Why Brian2 cannot be used here, or undefined when `PYTHON` imports it. */
export function brian2Missing(): string | undefined {
  const p = spawnSync(PYTHON, ['-c', 'import brian2; print(brian2.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  if (p.error) return `${PYTHON} does not run (${p.error.message}); set BRIAN2_PYTHON to an interpreter with Brian2`;
  if (p.status !== 0) {
    const why = (p.stderr ?? '').trim().split('\n').pop() || `exit ${p.status ?? p.signal}`;
    return `${PYTHON} cannot import brian2 (${why}); install it (pip install brian2, or Debian's python3-brian) or set BRIAN2_PYTHON`;
  }
  return undefined;
}

/** Spikes as (unit, step) pairs, sorted by step, then unit. */
export interface Spikes {
  units: ArrayLike<number>;
  steps: ArrayLike<number>;
}

/** What a script of bench/brian2/ writes (common.finish's keys and the script's own), plus the wall time of the process. */
export interface Brian2Run extends Spikes {
  target: string;
  method: string;
  /** From the first object built to the end of the run (compilation included). */
  seconds: number;
  /** The simulation alone. */
  run_seconds: number;
  /** The whole Python process, start-up and import included (measured here). */
  wallSeconds: number;
  [key: string]: unknown;
}

/** Runs Brian2 scripts in the background and stops the ones still running when asked. */
export class Brian2Runner {
  private readonly children = new Set<ChildProcess>();

  constructor(private readonly folder: () => string) {}

  /**
   * Runs `bench/brian2/<script>.py` on `config` with `flags`.
   * @returns its output, once the process has ended
   * @throws when the process fails, with the end of what it wrote to stderr
   */
  run(script: string, config: object, flags: string[] = []): Promise<Brian2Run> {
    const tag = `${script}-${flags.join('').replace(/[^a-z0-9]+/gi, '-')}`;
    const configPath = join(this.folder(), `${tag}.config.json`);
    const outPath = join(this.folder(), `${tag}.out.json`);
    writeFileSync(configPath, JSON.stringify(config));
    rmSync(outPath, { force: true });
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const child = spawn(PYTHON, ['-B', join(SCRIPTS, `${script}.py`), configPath, outPath, ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
      this.children.add(child);
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (text: string) => {
        stderr = (stderr + text).slice(-4000);
      });
      child.on('error', (error) => {
        this.children.delete(child);
        reject(error);
      });
      child.on('close', (code, signal) => {
        this.children.delete(child);
        if (code !== 0) {
          const tail = stderr.trim().split('\n').slice(-3).join(' | ');
          reject(new Error(`${script}.py ${flags.join(' ')} failed (${signal ?? `exit ${code}`}): ${tail}`));
          return;
        }
        const out = JSON.parse(readFileSync(outPath, 'utf8')) as Brian2Run;
        resolve({ ...out, wallSeconds: (performance.now() - started) / 1e3 });
      });
    });
  }

  /** Stops every script still running. */
  stop(): void {
    for (const child of this.children) child.kill('SIGKILL');
    this.children.clear();
  }
}

/** `promise`, marked as handled: a rejection waits for the test that awaits it instead of failing the run as unhandled. */
export function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** A numeric array exported by a script (`<dir>/<name>.npy`) as numbers. */
export async function npy(dir: string, name: string): Promise<Float64Array> {
  const a = await loadNpy(join(dir, `${name}.npy`));
  if (a.dtype === 'string' || a.data instanceof BigInt64Array || a.data instanceof BigUint64Array) throw new Error(`${name}.npy holds ${a.dtype}, not numbers`);
  return Float64Array.from(a.data as ArrayLike<number>);
}

/** The spikes of a recording, sorted by step, then unit (the order of the Brian2 scripts' output). */
export function sorted(s: Spikes): { units: Int32Array; steps: Float64Array } {
  const order = Array.from({ length: s.units.length }, (_, k) => k).sort((a, b) => s.steps[a] - s.steps[b] || s.units[a] - s.units[b]);
  return { units: Int32Array.from(order, (k) => s.units[k]), steps: Float64Array.from(order, (k) => s.steps[k]) };
}

/** Where two sorted spike lists first differ: the index and the step (Infinity and the length when they are identical). */
export function firstDifference(a: Spikes, b: Spikes): { index: number; step: number } {
  const n = Math.min(a.units.length, b.units.length);
  let k = 0;
  while (k < n && a.units[k] === b.units[k] && a.steps[k] === b.steps[k]) k++;
  if (k === a.units.length && k === b.units.length) return { index: k, step: Infinity };
  const next = (s: Spikes) => (k < s.steps.length ? s.steps[k] : Infinity);
  return { index: k, step: Math.min(next(a), next(b)) };
}

/** The number of spikes before `step`. */
export function spikesBefore(s: Spikes, step: number): number {
  let k = 0;
  while (k < s.steps.length && s.steps[k] < step) k++;
  return k;
}

/**
 * How delays (ms) become whole steps of `dtMs` on each side: Brian2's spike
 * queue (`cspikequeue.cpp`, numpy and cpp_standalone) takes
 * `int(delay / dt + 0.5)` in seconds, this library `Math.round(delay / dt)`
 * in the synapse model's unit (ms here; `Synapses.delaySteps`). Returns
 * how many delays the two round to different steps and how many distinct
 * step counts there are.
 */
export function delaySteps(delaysMs: ArrayLike<number>, dtMs: number): { differ: number; distinct: number } {
  const dtSeconds = dtMs * 1e-3;
  const theirs = (d: number) => Math.trunc(d / 1e3 / dtSeconds + 0.5);
  const ours = (d: number) => Math.round(d / (dtSeconds * 1e3));
  let differ = 0;
  const distinct = new Set<number>();
  for (let s = 0; s < delaysMs.length; s++) {
    if (theirs(delaysMs[s]) !== ours(delaysMs[s])) differ++;
    distinct.add(ours(delaysMs[s]));
  }
  return { differ, distinct: distinct.size };
}

/** Statistics of a population's spikes over `seconds`: mean rate (Hz), its spread over units, the fraction of units that never fired. */
export interface RateStats {
  spikes: number;
  rate: number;
  std: number;
  silent: number;
}

export function rateStats(s: Spikes, num: number, seconds: number): RateStats {
  const counts = new Float64Array(num);
  for (let k = 0; k < s.units.length; k++) counts[s.units[k]]++;
  const rates = counts.map((c) => c / seconds);
  const rate = rates.reduce((a, b) => a + b, 0) / num;
  const std = Math.sqrt(rates.reduce((a, r) => a + (r - rate) ** 2, 0) / num);
  return { spikes: s.units.length, rate, std, silent: counts.filter((c) => c === 0).length / num };
}

/** A weight distribution (w / gmax): the fractions near 0 and near 1, the density in the middle, a 20-bin histogram. */
export interface WeightStats {
  /** Fraction with w < 0.1·gmax. */
  low: number;
  /** Fraction with w > 0.9·gmax. */
  high: number;
  /** Fraction in [0.3, 0.7)·gmax per 0.1·gmax: what `low` and `high` would be for a flat distribution like the middle. */
  middle: number;
  histogram: number[];
}

export function weightStats(w: ArrayLike<number>): WeightStats {
  const n = w.length;
  let low = 0;
  let high = 0;
  let middle = 0;
  const histogram = new Array<number>(20).fill(0);
  for (let k = 0; k < n; k++) {
    const x = w[k];
    if (x < 0.1) low++;
    if (x > 0.9) high++;
    if (x >= 0.3 && x < 0.7) middle++;
    histogram[Math.min(19, Math.max(0, Math.floor(x * 20)))]++;
  }
  return { low: low / n, high: high / n, middle: middle / n / 4, histogram };
}

/** The largest gap between the empirical distribution functions of two samples (Kolmogorov–Smirnov). */
export function ksDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let gap = 0;
  while (i < x.length && j < y.length) {
    const t = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= t) i++;
    while (j < y.length && y[j] <= t) j++;
    gap = Math.max(gap, Math.abs(i / x.length - j / y.length));
  }
  return gap;
}
