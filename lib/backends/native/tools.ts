/**
 * The external programs the native back ends run (the C compiler, `nvcc`):
 * checking what is handed to them, finding them on the PATH and reading what
 * they said when they failed.
 *
 * @module
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

import { InputDataError } from '../../errors.js';

/**
 * The executable `name` resolves to: `name` itself when it holds a `/`, else
 * the first `<folder>/<name>` that may be executed, in the folders of `$PATH`
 * (in order, empty entries skipped) and then in `also`.
 *
 * @param name - a program name (`cc`, `nvcc`) or a path
 * @param also - folders searched after the PATH, e.g. `/usr/local/cuda/bin`
 * @returns its path, or undefined when there is none
 * @example
 * ```ts
 * which('cc');                              // '/usr/bin/cc'
 * which('nvcc', ['/usr/local/cuda/bin']);   // '/usr/local/cuda/bin/nvcc'
 * ```
 */
export function which(name: string, also: readonly string[] = []): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), ...also]) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * What a program started with `execFile` said when it failed: its standard
 * error, else the error's message, with `(timed out)` when it was killed for
 * taking too long.
 *
 * @param error - what the promisified `execFile` rejected with
 * @returns the text to show in an error message
 */
export function toolMessages(error: unknown): string {
  const e = error as { stderr?: string; message?: string; killed?: boolean };
  return `${((e.stderr ?? '').trim() || e.message) ?? String(error)}${e.killed ? ' (timed out)' : ''}`;
}

/**
 * Checks what every compile call takes, before anything is looked for or
 * run: a non-empty string of source, and extra flags as an array of strings.
 *
 * @param where - the call, e.g. `compileShared`
 * @param language - the language of the source, e.g. `C`, `CUDA C`
 * @param source - what was passed as the source
 * @param flags - what was passed as the extra flags (undefined: none)
 * @param example - a flag to show in the fix, e.g. `-ffast-math`
 * @returns the flags
 * @throws {@link InputDataError} for an empty source, or flags that are not an array of strings
 */
export function checkCompileInput(where: string, language: string, source: unknown, flags: unknown, example: string): string[] {
  if (typeof source !== 'string' || source.length === 0) {
    throw new InputDataError(where, `the ${language} source is empty.`, `Pass the generated ${language} source as a string.`);
  }
  const list = flags ?? [];
  if (!Array.isArray(list) || list.some((flag) => typeof flag !== 'string')) {
    throw new InputDataError(where, 'flags must be an array of strings.', `Pass e.g. { flags: ['${example}'] }.`);
  }
  return list as string[];
}
