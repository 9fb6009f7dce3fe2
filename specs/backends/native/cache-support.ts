/**
 * Shared by cache-security.spec.ts and the processes it starts
 * (cache-child.ts): the C sources, the ways a cached library gets damaged or
 * replaced, and how to start a child process.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The library under test: `x[i] = 3 x[i] + 1` for the first `scalars[0]` elements; returns 7. */
export const SOURCE = `
int neural_run(void **buffers, const double *scalars) {
  double *x = (double *)buffers[0];
  long n = (long)scalars[0];
  for (long i = 0; i < n; i++) x[i] = 3.0 * x[i] + 1.0;
  return 7;
}
`;

/** What {@link SOURCE} makes of [1, 2, 3]. */
export const EXPECTED = [4, 7, 10];

/** Another library with the same entry point and another meaning (another network's code). */
export const OTHER = `
int neural_run(void **buffers, const double *scalars) {
  double *x = (double *)buffers[0];
  (void)scalars;
  x[0] = -1.0; x[1] = -1.0; x[2] = -1.0;
  return 0;
}
`;

/** A valid library without `neural_run`. */
export const NO_ENTRY = `
int something_else(void **buffers, const double *scalars) { (void)buffers; (void)scalars; return 0; }
`;

/** A planted library: its constructor leaves a file at $NEURAL_SPEC_MARKER, and it answers 666. */
export const PLANTED = `
#include <stdio.h>
#include <stdlib.h>
__attribute__((constructor)) static void planted(void) {
  const char *marker = getenv("NEURAL_SPEC_MARKER");
  if (marker) { FILE *f = fopen(marker, "w"); if (f) { fputs("ran", f); fclose(f); } }
}
int neural_run(void **buffers, const double *scalars) {
  double *x = (double *)buffers[0];
  (void)scalars;
  x[0] = 666; x[1] = 666; x[2] = 666;
  return 666;
}
`;

/** What a child process saw: a compile and a run of a source, or the error it gave. */
export interface Outcome {
  path?: string;
  cached?: string;
  rebuilt?: string;
  status?: number;
  values?: number[];
  error?: { name: string; message: string; where?: string; fix?: string };
  /** Files left in the cache folder afterwards. */
  files?: string[];
}

/** Paths of the helper libraries, built with the plain compiler (not through the cache). */
export interface Helpers {
  other: string;
  noEntry: string;
  planted: string;
}

/** How a cached library is damaged or replaced. */
export type Tamper =
  | 'truncate'
  | 'overwrite'
  | 'other'
  | 'other-with-record'
  | 'no-entry'
  | 'no-entry-recorded'
  | 'planted-symlink'
  | 'planted-foreign'
  | 'group-writable'
  | 'record-missing';

/** A uid that is not ours, for files and folders "of someone else" (root only). */
export const STRANGER = 12345;

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Damages or replaces the cached library at `path` (its record is `<path>.sha256`). */
export function tamper(path: string, kind: Tamper, helpers: Helpers): void {
  const record = `${path}.sha256`;
  const size = statSync(path).size;
  switch (kind) {
    case 'truncate':
      truncateSync(path, Math.floor(size / 2));
      return;
    case 'overwrite': {
      // ud2 (0f 0b) over the middle half: code, tables, whatever lies there.
      const bytes = readFileSync(path);
      for (let i = Math.floor(size / 4); i < Math.floor((3 * size) / 4); i += 2) bytes.set([0x0f, 0x0b], i);
      writeFileSync(path, bytes);
      return;
    }
    case 'other':
      copyFileSync(helpers.other, path);
      return;
    case 'other-with-record':
      // Another entry's library with its own, correct record.
      copyFileSync(helpers.other, path);
      writeFileSync(record, `${sha256(helpers.other)}  ${basename(path).replace(/-[0-9a-f]{64}\./, `-${'0'.repeat(64)}.`)}\n`);
      return;
    case 'no-entry':
      copyFileSync(helpers.noEntry, path);
      return;
    case 'no-entry-recorded':
      copyFileSync(helpers.noEntry, path);
      writeFileSync(record, `${sha256(path)}  ${basename(path)}\n`);
      return;
    case 'planted-symlink':
      rmSync(path);
      symlinkSync(helpers.planted, path);
      writeFileSync(record, `${sha256(helpers.planted)}  ${basename(path)}\n`);
      return;
    case 'planted-foreign':
      copyFileSync(helpers.planted, path);
      writeFileSync(record, `${sha256(path)}  ${basename(path)}\n`);
      chownSync(path, STRANGER, STRANGER);
      return;
    case 'group-writable':
      chmodSync(path, 0o664);
      return;
    case 'record-missing':
      rmSync(record);
      return;
  }
}

/** What a child process printed, and how it ended. */
export interface ChildResult<T> {
  /** The JSON it printed last, when it printed one. */
  out?: T;
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

const CHILD = fileURLToPath(new URL('./cache-child.js', import.meta.url));

/**
 * Runs cache-child.js with `task` in a new process.
 *
 * @param env - added to this process's environment (a value `undefined` removes the variable)
 * @param uid - run as this user (root only)
 */
export function child<T>(task: object, env: Record<string, string | undefined> = {}, uid?: number): ChildResult<T> {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  const result = spawnSync(process.execPath, [CHILD, JSON.stringify(task)], {
    env: merged,
    encoding: 'utf8',
    timeout: 120_000,
    ...(uid === undefined ? {} : { uid, gid: uid }),
  });
  const lines = (result.stdout ?? '').trim().split('\n').filter(Boolean);
  let out: T | undefined;
  try {
    out = lines.length > 0 ? (JSON.parse(lines[lines.length - 1]) as T) : undefined;
  } catch {
    out = undefined;
  }
  return { out, status: result.status, signal: result.signal, stderr: `${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}
