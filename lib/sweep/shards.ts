/**
 * A sweep cut into shards, for a batch system: each shard runs its share of
 * the runs and writes one small file per run; a requeued shard skips the
 * runs already written; a merge gathers the files into the table and
 * refuses an incomplete sweep, naming the missing runs and their shards.
 * The description is data (JSON), so that every shard builds the same list
 * of runs.
 *
 * @module
 */
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DataFileError, InputDataError, describeValue } from '../errors.js';
import { batchesOf, jobsOf, tableOf, writeTable, type SweepOptions, type SweepTable } from './index.js';
import { load, runJobs } from './run.js';

/** A sweep as data: what `neural-ts sweep` reads from a JSON file. */
export interface SweepDescription {
  /** The module exporting `build` and `metrics`, relative to the description's file (or absolute). */
  module: string;
  grid?: Readonly<Record<string, readonly number[]>>;
  sets?: readonly Readonly<Record<string, number>>[];
  seeds?: readonly number[];
  /** Seconds, or a time with its unit (`"0.1 ms"`). */
  dt: number | string;
  steps: number;
  /** Runs per batch (see `SweepOptions.batch`; default 1). */
  batch?: number;
}

/** Reads a description file and resolves its module next to it. */
export async function readDescription(path: string): Promise<SweepOptions & { module: string }> {
  const where = `sweep description '${path}'`;
  let d: SweepDescription;
  try {
    d = JSON.parse(await readFile(path, 'utf8')) as SweepDescription;
  } catch (error) {
    throw new DataFileError(where, `cannot be read as JSON (${(error as Error).message}).`, 'Write it as JSON: { "module", "grid" or "sets", "seeds", "dt", "steps", "batch" }.', { cause: error });
  }
  if (typeof d !== 'object' || d === null || typeof d.module !== 'string') throw new DataFileError(where, 'has no "module" (the file exporting build and metrics).', 'Add "module": "./model.js".');
  const module = pathToFileURL(resolve(dirname(path), d.module)).href;
  return { ...(d.grid ? { grid: d.grid } : {}), ...(d.sets ? { sets: d.sets } : {}), ...(d.seeds ? { seeds: d.seeds } : {}), module, dt: d.dt, steps: d.steps, ...(d.batch !== undefined ? { batch: d.batch } : {}) };
}

/** The file of run `index` in `dir`. */
const runFile = (dir: string, index: number) => join(dir, `run-${String(index).padStart(9, '0')}.json`);

/**
 * Runs shard `shard` of `shards` (the runs whose index modulo `shards` is
 * `shard`), writing each run's metrics to `<dir>/run-<index>.json` as it
 * completes (whole or absent; with `batch`, as each batch completes). Runs already written are skipped, so a
 * requeued or preempted shard goes on where it stopped.
 * @returns how many runs this call ran and skipped
 */
export async function runShard(description: SweepOptions & { module: string }, shard: number, shards: number, dir: string): Promise<{ ran: number; skipped: number }> {
  const where = 'runShard';
  if (!Number.isSafeInteger(shards) || shards < 1 || !Number.isSafeInteger(shard) || shard < 0 || shard >= shards) {
    throw new InputDataError(where, `shard ${describeValue(shard)} of ${describeValue(shards)} is not a shard.`, 'Give 0 <= shard < shards.');
  }
  const jobs = jobsOf(where, description).filter((j) => j.index % shards === shard);
  await mkdir(dir, { recursive: true });
  const { build, metrics } = await load(where, description.module);
  let ran = 0;
  let skipped = 0;
  const pending = [];
  for (const job of jobs) {
    if (await exists(runFile(dir, job.index))) skipped++;
    else pending.push(job);
  }
  for (const list of batchesOf(where, pending, description.batch)) {
    const results = await runJobs(list, build, metrics, description.dt, description.steps);
    for (const [b, job] of list.entries()) {
      const file = runFile(dir, job.index);
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify({ index: job.index, params: job.params, seed: job.seed, metrics: results[b] }));
      await rename(temporary, file);
      ran++;
    }
  }
  return { ran, skipped };
}

/**
 * Gathers the runs written by the shards into the sweep's table (and writes
 * it to `out` when given).
 * @throws {@link DataFileError} when runs are missing (naming them and their shards) or a run file is damaged or belongs to another sweep
 */
export async function mergeShards(description: SweepOptions & { module: string }, shards: number, dir: string, out?: string): Promise<SweepTable> {
  const where = `mergeShards('${dir}')`;
  const jobs = jobsOf(where, description);
  const present = new Set((await readdir(dir).catch(() => [] as string[])).filter((f) => /^run-\d{9}\.json$/.test(f)));
  const missing = jobs.filter((j) => !present.has(basename(runFile(dir, j.index))));
  if (missing.length) {
    const byShard = [...new Set(missing.map((j) => j.index % shards))].sort((a, b) => a - b);
    throw new DataFileError(where, `${missing.length} of ${jobs.length} runs are missing (runs ${missing.slice(0, 10).map((j) => j.index).join(', ')}${missing.length > 10 ? ', …' : ''}; shards ${byShard.join(', ')}).`, `Run those shards again (a shard skips the runs it already wrote), then merge.`);
  }
  const results = await Promise.all(jobs.map(async (job) => {
    const file = runFile(dir, job.index);
    let r: { index: number; params: Record<string, number>; seed: number; metrics: Record<string, number> };
    try {
      r = JSON.parse(await readFile(file, 'utf8')) as typeof r;
    } catch (error) {
      throw new DataFileError(where, `'${file}' cannot be read (${(error as Error).message}).`, 'Delete it and run its shard again.', { cause: error });
    }
    if (r.index !== job.index || r.seed !== job.seed || JSON.stringify(r.params) !== JSON.stringify(job.params)) {
      throw new DataFileError(where, `'${file}' holds run ${describeValue(r.index)} of another sweep (parameters ${JSON.stringify(r.params)}, seed ${describeValue(r.seed)}).`, 'Merge in the folder of this sweep, or delete the files of the other one.');
    }
    return r.metrics;
  }));
  const table = tableOf(where, jobs, results);
  if (out !== undefined) await writeTable(where, out, table);
  return table;
}

/** Options of {@link slurmScript}. */
export interface SlurmOptions {
  /** The description file (as the shards will see it: an absolute path, or relative to the working directory of the job). */
  description: string;
  /** Array tasks. */
  shards: number;
  /** Where the runs' files go. */
  dir: string;
  /** The merged table. */
  out: string;
  /** The command that runs the library's command-line tool (default `npx neural-ts`). */
  command?: string;
  /** Extra `#SBATCH` lines, e.g. `['--partition=short', '--time=01:00:00']`. */
  sbatch?: readonly string[];
  /** At most this many array tasks run at once (`--array=0-N%K`; default: as many as SLURM allows). */
  throttle?: number;
}

/**
 * The sbatch script of a sweep as a SLURM job array: task i runs shard i
 * (`SLURM_ARRAY_TASK_ID`), is requeued when preempted (`--requeue`) and
 * resumes by skipping the runs it wrote. The merge is a second job that
 * depends on the array (`afterok`), see {@link mergeScript}.
 */
export function slurmScript(o: SlurmOptions): string {
  if (o.throttle !== undefined && !(Number.isSafeInteger(o.throttle) && o.throttle >= 1)) throw new InputDataError('slurmScript', `throttle ${describeValue(o.throttle)} is not a whole number of at least 1.`, 'Give the most array tasks to run at once, e.g. 8.');
  return script(o, 'neural-sweep', [`--array=0-${o.shards - 1}${o.throttle !== undefined ? `%${o.throttle}` : ''}`, '--requeue'], `sweep shard ${quote(o.description)} --shard "$SLURM_ARRAY_TASK_ID" --shards ${o.shards} --dir ${quote(o.dir)}`);
}

/** The sbatch script of the merge job of {@link slurmScript}. */
export function mergeScript(o: SlurmOptions): string {
  return script(o, 'neural-sweep-merge', [], `sweep merge ${quote(o.description)} --shards ${o.shards} --dir ${quote(o.dir)} --out ${quote(o.out)}`);
}

/** An sbatch script: its `#SBATCH` lines, then the tool's command. */
function script(o: SlurmOptions, name: string, lines: readonly string[], args: string): string {
  const command = o.command ?? 'npx neural-ts';
  // One line each: a line break would start a line of its own in the script.
  for (const [what, text] of [...(o.sbatch ?? []).map((l) => ['an #SBATCH line', l]), ['the command', command]]) {
    if (typeof text !== 'string' || /[\u0000-\u001f\u007f\u2028\u2029]/.test(text)) throw new InputDataError('slurmScript', `${what} ${JSON.stringify(text)} holds a line break or another control character.`, 'Give each #SBATCH option and the command on one line.');
  }
  return ['#!/bin/bash', `#SBATCH --job-name=${name}`, ...[...lines, ...(o.sbatch ?? [])].map((l) => `#SBATCH ${l}`), 'set -euo pipefail', `${command} ${args}`, ''].join('\n');
}

/** A word for the shell, in single quotes. */
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
