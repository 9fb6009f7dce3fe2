#!/usr/bin/env node
/**
 * `neural-ts`: the command-line tool of the package.
 *
 * ```
 * neural-ts sweep run   <description.json> [--workers N] [--out table.parquet]
 * neural-ts sweep shard <description.json> --shard I --shards N --dir parts/
 * neural-ts sweep merge <description.json> --shards N --dir parts/ --out table.parquet
 * neural-ts sweep slurm <description.json> --shards N --dir parts/ --out table.parquet [--submit] [--throttle K] [--sbatch=--partition=short ...] [--command 'npx neural-ts']
 * ```
 *
 * A description is JSON: `{ "module": "./model.js", "grid": {…} or "sets": […],
 * "seeds": […], "dt": 1e-4, "steps": 10000 }`, the module exporting `build`
 * and `metrics` (see `sweep`). `slurm` writes the sbatch scripts of a job
 * array (one task per shard, requeued when preempted) and of the merge,
 * and with `--submit` submits both, the merge after the array (`afterok`).
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { NeuralError } from './errors.js';
import { sweep } from './sweep/index.js';
import { mergeScript, mergeShards, readDescription, runShard, slurmScript } from './sweep/shards.js';

const USAGE = `usage:
  neural-ts sweep run   <description.json> [--workers N] [--out table.parquet]
  neural-ts sweep shard <description.json> --shard I --shards N --dir DIR
  neural-ts sweep merge <description.json> --shards N --dir DIR --out TABLE
  neural-ts sweep slurm <description.json> --shards N --dir DIR --out TABLE [--submit] [--throttle K] [--sbatch=LINE ...] [--command 'npx neural-ts']`;

/** `--name value` and `--name=value` options (repeatable ones gathered), and the rest. */
function parse(args: readonly string[]): { positional: string[]; options: Map<string, string[]> } {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const value = eq > 0 ? a.slice(eq + 1) : name === 'submit' ? 'true' : args[++i];
    if (value === undefined) throw new NeuralError('neural-ts', `--${name} has no value.`, USAGE);
    options.set(name, [...(options.get(name) ?? []), value]);
  }
  return { positional, options };
}

/** Runs the tool with these arguments; returns the exit status. */
export async function main(args: readonly string[], print: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const { positional, options } = parse(args);
  const [group, verb, file] = positional;
  if (group !== 'sweep' || !verb || !file) throw new NeuralError('neural-ts', `'${args.join(' ')}' is not a command.`, USAGE);
  const one = (name: string) => options.get(name)?.[0];
  const count = (name: string) => {
    const v = one(name);
    const n = Number(v);
    if (v === undefined || !Number.isSafeInteger(n) || n < 0) throw new NeuralError('neural-ts', `--${name} ${v ?? '(missing)'} is not a whole number.`, USAGE);
    return n;
  };
  const need = (name: string) => {
    const v = one(name);
    if (v === undefined) throw new NeuralError('neural-ts', `--${name} is missing.`, USAGE);
    return v;
  };
  const description = await readDescription(file);
  switch (verb) {
    case 'run': {
      const t = await sweep({ ...description, ...(one('workers') !== undefined ? { workers: count('workers') } : {}), ...(one('out') ? { out: one('out')! } : {}), verbose: process.stderr.isTTY });
      print(`sweep: ${t.rows} runs${one('out') ? `, written to ${one('out')}` : ''}`);
      return 0;
    }
    case 'shard': {
      const r = await runShard(description, count('shard'), count('shards'), need('dir'));
      print(`sweep shard ${one('shard')}/${one('shards')}: ${r.ran} runs done, ${r.skipped} already there`);
      return 0;
    }
    case 'merge': {
      const t = await mergeShards(description, count('shards'), need('dir'), need('out'));
      print(`sweep merge: ${t.rows} runs written to ${one('out')}`);
      return 0;
    }
    case 'slurm': {
      const o = { description: resolve(file), shards: count('shards'), dir: resolve(need('dir')), out: resolve(need('out')), sbatch: options.get('sbatch') ?? [], ...(one('command') ? { command: one('command')! } : {}), ...(one('throttle') !== undefined ? { throttle: count('throttle') } : {}) };
      if (o.shards < 1) throw new NeuralError('neural-ts', '--shards must be at least 1.', USAGE);
      await mkdir(o.dir, { recursive: true });
      const array = join(o.dir, 'sweep.sbatch');
      const merge = join(o.dir, 'merge.sbatch');
      await writeFile(array, slurmScript(o));
      await writeFile(merge, mergeScript(o));
      print(`sweep slurm: wrote ${array} and ${merge}`);
      if (one('submit') !== 'true') return 0;
      const run = promisify(execFile);
      const submit = async (...a: string[]) => {
        const { stdout } = await run('sbatch', ['--parsable', ...a]);
        const id = stdout.trim().split(';')[0];
        if (!/^\d+$/.test(id)) throw new NeuralError('neural-ts sweep slurm', `sbatch answered ${JSON.stringify(stdout.trim())}, not a job id.`, 'Check that SLURM is running (sinfo) and that sbatch accepts the script.');
        return id;
      };
      const job = await submit(array);
      const after = await submit(`--dependency=afterok:${job}`, merge);
      print(`sweep slurm: submitted job array ${job} and merge job ${after}`);
      return 0;
    }
    default:
      throw new NeuralError('neural-ts', `'${verb}' is not a sweep command.`, USAGE);
  }
}

// Run as a program (not when imported, e.g. by the specs); npm's bin entry is a link to this file.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (status) => process.exit(status),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
