/**
 * Compiling generated C to a shared object and loading it through the addon.
 *
 * The system C compiler is `$CC`, else the first of `cc`, `gcc`, `clang` on
 * the PATH that runs. Results are cached in memory (per process) and on disk
 * under {@link cacheDir}, keyed by the sha256 of the source, the flags and
 * the compiler, so a model is compiled once per machine.
 *
 * @module
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

import { BackendError } from '../../errors.js';
import { cacheDir, cachePath, cacheTag, temporaryPath, writeFileAtomic } from './cache.js';
import { addonStatus, loadLibrary } from './binding.js';

const run = promisify(execFile);

/** Whether a C compiler is usable (see {@link compilerStatus}). */
export interface CompilerStatus {
  ok: boolean;
  /** The compiler that will be used. */
  path?: string;
  /** First line of `<compiler> --version`. */
  version?: string;
  /** Why none is usable. */
  reason?: string;
}

/** Options of {@link compileShared}. */
export interface CompileSharedOptions {
  /** Extra compiler flags, after the defaults (e.g. `['-ffast-math']`). */
  flags?: string[];
  /** Readable prefix of the cached file names, e.g. the model name. */
  tag?: string;
}

/** What {@link compileShared} returns. */
export interface SharedLibrary {
  /** Path of the loaded `.so`. */
  path: string;
  /** Library handle for `runC`. */
  handle: number;
  /** `'memory'`: already loaded in this process; `'disk'`: reused a cached `.so`; `'none'`: compiled now. */
  cached: 'memory' | 'disk' | 'none';
  /** Milliseconds this call took. */
  ms: number;
}

/** Flags always passed, in order. Those in {@link OPTIONAL_FLAGS} are dropped when the compiler rejects them. */
export const DEFAULT_FLAGS: readonly string[] = ['-O3', '-march=native', '-fPIC', '-shared', '-fno-math-errno', '-fopenmp', '-lm'];

/** Default flags that are nice to have but not needed for correct code. */
const OPTIONAL_FLAGS = new Set(['-march=native', '-fno-math-errno', '-fopenmp']);

/** Upper bound on one compile, so a wedged compiler cannot hang a run. */
const COMPILE_TIMEOUT_MS = 5 * 60 * 1000;

let status: CompilerStatus | undefined;
let acceptedFlags: Promise<string[]> | undefined;
const loaded = new Map<string, Promise<Omit<SharedLibrary, 'ms'>>>();

/** The executable `name` resolves to on the PATH, or undefined. */
export function which(name: string): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
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
 * Finds the C compiler and checks that it runs (once per process).
 *
 * @returns `{ ok: true, path, version }` or `{ ok: false, reason }`
 * @example
 * ```ts
 * compilerStatus(); // { ok: true, path: '/usr/bin/cc', version: 'cc (Ubuntu 13.3.0…) 13.3.0' }
 * ```
 */
export function compilerStatus(): CompilerStatus {
  if (status) return status;
  const fromEnv = process.env.CC?.trim();
  const names = fromEnv ? [fromEnv] : ['cc', 'gcc', 'clang'];
  const problems: string[] = [];
  for (const name of names) {
    const path = which(name);
    if (!path) {
      problems.push(`${name} is not on the PATH`);
      continue;
    }
    try {
      status = { ok: true, path, version: compilerVersion(path) };
      return status;
    } catch (error) {
      problems.push(`${path} --version failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    }
  }
  status = {
    ok: false,
    reason: `no working C compiler (${problems.join('; ')})${fromEnv ? ' ($CC is set)' : ''}`,
  };
  return status;
}

/**
 * The first line of `<compiler> --version`. It is remembered in the cache
 * folder with the size and time of the compiler's file, so that a new process
 * does not start the compiler just to ask (10 to 20 ms); a compiler that
 * changed, or another one behind the same name, is asked again.
 */
function compilerVersion(path: string): string {
  let remembered: string | undefined;
  let stamp = '';
  try {
    const real = realpathSync(path);
    const { size, mtimeMs } = statSync(real);
    stamp = `${real} ${size} ${mtimeMs}`;
    remembered = join(cacheDir(), `compiler-${createHash('sha256').update(path).digest('hex')}.json`);
    const saved = JSON.parse(readFileSync(remembered, 'utf8')) as { stamp?: unknown; version?: unknown };
    if (saved.stamp === stamp && typeof saved.version === 'string' && saved.version.length > 0) return saved.version;
  } catch {
    // Not remembered yet, or no cache folder: ask the compiler.
  }
  const out = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const version = out.split('\n')[0].trim();
  if (remembered && stamp) {
    try {
      writeFileAtomic(remembered, JSON.stringify({ stamp, version }));
    } catch {
      // A read-only cache folder only costs a --version per process.
    }
  }
  return version;
}

/**
 * The default flags this compiler accepts, probed once by building a trivial
 * shared object; rejected optional flags are dropped and remembered, in this
 * process and in the cache folder (so a new process does not probe again).
 */
async function defaultFlags(compiler: string): Promise<string[]> {
  acceptedFlags ??= (async () => {
    const key = createHash('sha256').update(JSON.stringify([compiler, compilerStatus().version, DEFAULT_FLAGS])).digest('hex');
    const remembered = join(cacheDir(), `flags-${key}.json`);
    try {
      const flags: unknown = JSON.parse(readFileSync(remembered, 'utf8'));
      if (Array.isArray(flags) && flags.every((f) => typeof f === 'string' && DEFAULT_FLAGS.includes(f))) return flags as string[];
    } catch {
      // Not probed yet (or unreadable): probe below.
    }
    const kept = await probeFlags(compiler);
    try {
      writeFileAtomic(remembered, JSON.stringify(kept));
    } catch {
      // A read-only cache folder only costs a probe per process.
    }
    return kept;
  })();
  return acceptedFlags;
}

/** Builds a trivial shared object to find which optional flags the compiler takes. */
async function probeFlags(compiler: string): Promise<string[]> {
  const probe = join(cacheDir(), `probe-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  const source = `${probe}.c`;
  writeFileSync(source, 'int neural_probe(void **b, const double *s) { (void)b; (void)s; return 0; }\n');
  const works = async (flags: string[]): Promise<boolean> => {
    try {
      await run(compiler, [...compileFlags(flags), '-o', `${probe}.so`, source, ...linkFlags(flags)], { timeout: 60_000 });
      return true;
    } catch {
      return false;
    }
  };
  try {
    if (await works([...DEFAULT_FLAGS])) return [...DEFAULT_FLAGS];
    const required = DEFAULT_FLAGS.filter((flag) => !OPTIONAL_FLAGS.has(flag));
    const kept: string[] = [];
    for (const flag of DEFAULT_FLAGS) {
      if (!OPTIONAL_FLAGS.has(flag) || (await works([...required, flag]))) kept.push(flag);
    }
    return kept;
  } finally {
    rmSync(source, { force: true });
    rmSync(`${probe}.so`, { force: true });
  }
}

/** Flags that go before the source file. */
function compileFlags(flags: readonly string[]): string[] {
  return flags.filter((flag) => !flag.startsWith('-l'));
}

/** Libraries go after the source file, where the linker still needs their symbols. */
function linkFlags(flags: readonly string[]): string[] {
  return flags.filter((flag) => flag.startsWith('-l'));
}

/**
 * Compiles C source to a shared object and loads it, reusing earlier builds.
 *
 * The source should export functions of the form
 * `int name(void **buffers, const double *scalars)` for `runC`.
 *
 * @param source - complete C translation unit
 * @param options - extra `flags` after {@link DEFAULT_FLAGS}; `tag` names the cached files
 * @returns the loaded library, where it came from and how long this took
 * @throws {@link BackendError} when no compiler works, the addon is not built, or the source does not compile (with the compiler's messages)
 * @example
 * ```ts
 * const lib = await compileShared(cSource, { tag: 'HodgkinHuxley' });
 * await runC(lib.handle, 'hh_step', [v, n, m, h], [dt, steps]);
 * ```
 */
export async function compileShared(source: string, options: CompileSharedOptions = {}): Promise<SharedLibrary> {
  const started = performance.now();
  if (typeof source !== 'string' || source.length === 0) {
    throw new BackendError('compileShared', 'the C source is empty.', 'Pass the generated C source as a string.');
  }
  const extra = options.flags ?? [];
  if (!Array.isArray(extra) || extra.some((flag) => typeof flag !== 'string')) {
    throw new BackendError('compileShared', 'flags must be an array of strings.', "Pass e.g. { flags: ['-ffast-math'] }.");
  }
  const compiler = compilerStatus();
  if (!compiler.ok || !compiler.path) {
    throw new BackendError('cpu compiler', `${compiler.reason}.`, 'Install gcc or clang, or set CC to a C compiler.');
  }
  const addon = addonStatus();
  if (!addon.ok) {
    throw new BackendError('native addon', `${addon.reason}.`, 'Build it with `npm rebuild neural-ts` (or `npx node-gyp rebuild`); that needs python3, make and a C++ compiler.');
  }
  const flags = [...(await defaultFlags(compiler.path)), ...extra];
  const hash = createHash('sha256')
    .update(JSON.stringify([source, flags, compiler.path, compiler.version]))
    .digest('hex');

  const known = loaded.get(hash);
  if (known) {
    const library = await known;
    return { ...library, cached: 'memory', ms: performance.now() - started };
  }
  const pending = build(source, flags, compiler.path, cacheTag(options.tag), hash);
  loaded.set(hash, pending);
  try {
    const library = await pending;
    return { ...library, ms: performance.now() - started };
  } catch (error) {
    loaded.delete(hash); // a later call may succeed (e.g. after the cache folder is fixed)
    throw error;
  }
}

async function build(
  source: string,
  flags: string[],
  compiler: string,
  tag: string,
  hash: string,
): Promise<Omit<SharedLibrary, 'ms'>> {
  const object = cachePath(tag, hash, 'so');
  if (existsSync(object)) {
    try {
      return { path: object, handle: loadLibrary(object), cached: 'disk' };
    } catch {
      // A truncated or foreign file: build it again below.
      rmSync(object, { force: true });
    }
  }
  const file = cachePath(tag, hash, 'c');
  writeFileAtomic(file, source);
  const temporary = temporaryPath(object);
  try {
    await run(compiler, [...compileFlags(flags), '-o', temporary, file, ...linkFlags(flags)], {
      timeout: COMPILE_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    rmSync(temporary, { force: true });
    const e = error as { stderr?: string; message?: string; killed?: boolean };
    const messages = (e.stderr ?? '').trim() || e.message || String(error);
    throw new BackendError(
      `compileShared(${tag})`,
      `${compiler} could not compile ${file}${e.killed ? ' (timed out)' : ''}:\n${messages}\n`,
      'The generated source is kept at that path; a failure here is a bug in the code generator or in the extra flags.',
      { cause: error },
    );
  }
  renameSync(temporary, object);
  return { path: object, handle: loadLibrary(object), cached: 'none' };
}
