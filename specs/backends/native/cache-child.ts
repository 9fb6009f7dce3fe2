/**
 * A separate process for cache-security.spec.ts: a damaged library can kill
 * the process that loads it, and the in-memory state of a new process
 * (nothing loaded, nothing probed) is part of what is checked. The task is
 * JSON in argv[2]; the process prints one JSON line with what it saw.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';

import * as compiler from '../../../lib/backends/native/compiler.js';
import { runC } from '../../../lib/backends/native/binding.js';
import { tamper, type Helpers, type Outcome, type Tamper } from './cache-support.js';


type Task =
  | { action: 'run'; source: string; tag: string; then?: { tamper: Tamper; helpers: Helpers } }
  | { action: 'full-disk'; sources: string[]; tag: string }
  | { action: 'not-writable'; source: string; tag: string }
  | { action: 'recover'; source: string; tag: string; good: string };

function describeError(error: unknown): Outcome['error'] {
  const e = error as { name?: string; message?: string; where?: string; fix?: string };
  return { name: e?.name ?? 'unknown', message: e?.message ?? String(error), where: e?.where, fix: e?.fix };
}

function files(): string[] {
  try {
    return fs.readdirSync(process.env.NEURAL_CACHE_DIR ?? '').sort();
  } catch {
    return [];
  }
}

async function compileAndRun(source: string, tag: string): Promise<Outcome> {
  try {
    const lib = await compiler.compileShared(source, { tag, symbols: ['neural_run'] });
    const x = new Float64Array([1, 2, 3]);
    const status = await runC(lib.handle, 'neural_run', [x], [x.length]);
    return { path: lib.path, cached: lib.cached, rebuilt: lib.rebuilt, status, values: Array.from(x) };
  } catch (error) {
    return { error: describeError(error), files: files() };
  }
}

/** Makes every write fail with ENOSPC while `full` is set, leaving a partial file as a full disk does. */
function fillDisk(): { set(full: boolean): void } {
  const original = { writeFileSync: fs.writeFileSync, writeSync: fs.writeSync };
  let full = false;
  const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  const patched = fs as unknown as Record<string, unknown>; // the CommonJS object, which named imports follow after syncBuiltinESMExports
  patched.writeFileSync = (file: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, options?: fs.WriteFileOptions) => {
    if (!full) return original.writeFileSync(file, data, options);
    if (typeof file !== 'number') original.writeFileSync(file, ''); // created, then the disk filled up
    throw enospc();
  };
  patched.writeSync = (...args: unknown[]) => {
    if (full) throw enospc();
    return (original.writeSync as (...a: unknown[]) => number)(...args);
  };
  syncBuiltinESMExports();
  return {
    set(value: boolean) {
      full = value;
    },
  };
}

const task = JSON.parse(process.argv[2]) as Task;
let result: unknown;
switch (task.action) {
  case 'run': {
    const first = await compileAndRun(task.source, task.tag);
    if (!task.then || first.path === undefined) {
      result = { first };
      break;
    }
    // The same process again: damage the file, forget what is loaded, compile the same source.
    tamper(first.path, task.then.tamper, task.then.helpers);
    compiler.forgetLoadedLibraries();
    result = { first, second: await compileAndRun(task.source, task.tag) };
    break;
  }
  case 'full-disk': {
    const disk = fillDisk();
    const outcomes: { full: Outcome; after: Outcome }[] = [];
    for (const source of task.sources) {
      disk.set(true);
      const full = await compileAndRun(source, task.tag);
      disk.set(false);
      outcomes.push({ full, after: await compileAndRun(source, task.tag) });
    }
    result = { outcomes };
    break;
  }
  case 'not-writable': {
    // The cache folder is ours with mode 0500.
    const denied = await compileAndRun(task.source, task.tag);
    fs.chmodSync(process.env.NEURAL_CACHE_DIR as string, 0o700);
    result = { denied, after: await compileAndRun(task.source, task.tag) };
    break;
  }
  case 'recover': {
    // NEURAL_CACHE_DIR cannot be created; then it points to a good folder.
    const refused = await compileAndRun(task.source, task.tag);
    process.env.NEURAL_CACHE_DIR = task.good;
    result = { refused, after: await compileAndRun(task.source, task.tag), files: fs.readdirSync(join(task.good)).sort() };
    break;
  }
}
console.log(JSON.stringify(result));
