/**
 * Compiling generated C to a shared object and loading it through the addon.
 *
 * The system C compiler is `$CC`, else the first of `cc`, `gcc`, `clang` on
 * the PATH that runs. Results are cached in memory (per process) and on disk
 * under {@link cacheDir}, keyed by the sha256 of the source, the flags and
 * the compiler, so a model is compiled once per machine.
 *
 * A cached shared object is loaded only after its bytes were checked against
 * the sha256 recorded when it was built (see `cache.ts`); those very bytes
 * are copied to a new private file (created `O_EXCL`, mode 0600, in the cache
 * folder) which is opened with `dlopen` and then removed, so the file checked
 * is the file loaded. A damaged, replaced or unrecorded library, or one
 * without the functions the caller needs, is rebuilt (one that was loaded is
 * unloaded first).
 *
 * @module
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { realpathSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

import { BackendError, InputDataError } from '../../errors.js';
import {
  ArtefactCache,
  adoptVerified,
  cacheDir,
  cachePath,
  cacheTag,
  cacheWriteError,
  readCacheFile,
  temporaryPath,
  writeFileAtomic,
  writeFileExclusive,
} from './cache.js';
import { addon, addonStatus, loadLibrary, unloadLibrary } from './binding.js';
import { checkCompileInput, toolMessages, which } from './tools.js';

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
  /**
   * Functions the library must export, e.g. `['neural_run']`. A cached
   * library without one of them is rebuilt; a new build without one is a
   * {@link BackendError}.
   */
  symbols?: string[];
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
  /** Why a library found in the disk cache was not used and was built again (damaged, replaced, not ours …). */
  rebuilt?: string;
}

/** Flags always passed, in order. Those in {@link OPTIONAL_FLAGS} are dropped when the compiler rejects them. */
export const DEFAULT_FLAGS: readonly string[] = ['-O3', '-ffp-contract=off', '-march=native', '-fPIC', '-shared', '-fno-math-errno', '-fopenmp', '-lm'];

/** Default flags that are nice to have but not needed for correct code. */
const OPTIONAL_FLAGS = new Set(['-march=native', '-fno-math-errno', '-fopenmp']);

/** Upper bound on one compile, so a wedged compiler cannot hang a run. */
const COMPILE_TIMEOUT_MS = 5 * 60 * 1000;

let status: CompilerStatus | undefined;
let acceptedFlags: Promise<string[]> | undefined;
/** Shared objects of this process (path and handle) by the sha256 of source, flags and compiler. */
const libraries = new ArtefactCache<{ path: string; handle: number }>();

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
    const saved = readMemo(remembered) as { stamp?: unknown; version?: unknown } | undefined;
    if (saved?.stamp === stamp && typeof saved.version === 'string' && saved.version.length > 0 && !saved.version.includes('\n')) return saved.version;
  } catch {
    // No usable cache folder: ask the compiler.
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
 * A small JSON file the compiler remembers in the cache folder, or undefined
 * when it is missing, not a trusted file (see `readCacheFile`) or not JSON.
 * Callers check its shape and rewrite it when it is wrong.
 */
function readMemo(path: string): unknown {
  const file = readCacheFile(path);
  if (file?.data === undefined) return undefined;
  try {
    return JSON.parse(file.data.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Whether `value` is a list of default flags the compiler may have kept: the
 * required ones and some of the optional ones, in {@link DEFAULT_FLAGS}' order.
 */
function isKeptFlags(value: unknown): value is string[] {
  if (!Array.isArray(value) || !value.every((flag) => typeof flag === 'string')) return false;
  const expected = DEFAULT_FLAGS.filter((flag) => !OPTIONAL_FLAGS.has(flag) || value.includes(flag));
  return value.length === expected.length && value.every((flag, i) => flag === expected[i]);
}

/**
 * The libraries loaded in this process are forgotten (not unloaded), so
 * that the next {@link compileShared} of the same source reads the disk
 * cache again.
 *
 * @internal for specs of the disk cache
 */
export function forgetLoadedLibraries(): void {
  libraries.clear();
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
    const saved = readMemo(remembered);
    if (isKeptFlags(saved)) return saved;
    // Not probed yet, or the file is damaged: probe, and write it again.
    const kept = await probeFlags(compiler);
    try {
      writeFileAtomic(remembered, JSON.stringify(kept));
    } catch {
      // A read-only cache folder only costs a probe per process.
    }
    return kept;
  })();
  try {
    return await acceptedFlags;
  } catch (error) {
    acceptedFlags = undefined; // not remembered: a later call probes again (e.g. once the disk has room)
    throw error;
  }
}

/**
 * Builds a trivial shared object to find which optional flags the compiler
 * takes. When not even the required flags build it, nothing is remembered
 * and the compiler's messages are thrown.
 */
async function probeFlags(compiler: string): Promise<string[]> {
  const probe = join(cacheDir(), `probe-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  const source = `${probe}.c`;
  writeFileExclusive(source, 'int neural_probe(void **b, const double *s) { (void)b; (void)s; return 0; }\n');
  const attempt = async (flags: string[]): Promise<string | undefined> => {
    try {
      await run(compiler, [...compileFlags(flags), '-o', `${probe}.so`, source, ...linkFlags(flags)], { timeout: 60_000 });
      return undefined;
    } catch (error) {
      return toolMessages(error);
    }
  };
  try {
    if ((await attempt([...DEFAULT_FLAGS])) === undefined) return [...DEFAULT_FLAGS];
    const required = DEFAULT_FLAGS.filter((flag) => !OPTIONAL_FLAGS.has(flag));
    const failure = await attempt(required);
    if (failure !== undefined) {
      throw compilerFailure('cpu compiler', `${compiler} cannot build a trivial shared object with ${required.join(' ')} in ${dirname(probe)}`, failure, `${probe}.so`, 'Check that the compiler works (e.g. its linker is installed), or set CC to another C compiler.');
    }
    const kept: string[] = [];
    for (const flag of DEFAULT_FLAGS) {
      if (!OPTIONAL_FLAGS.has(flag) || (await attempt([...required, flag])) === undefined) kept.push(flag);
    }
    return kept;
  } finally {
    rmSync(source, { force: true });
    rmSync(`${probe}.so`, { force: true });
  }
}

/**
 * A {@link BackendError} for a compiler run that failed: a full disk or an
 * unwritable cache folder is said as such (it is not a bug in the generated
 * code, and it goes away once there is room); anything else with `fix`.
 */
function compilerFailure(where: string, what: string, messages: string, output: string, fix: string, cause?: unknown): BackendError {
  if (/No space left on device|Disk quota exceeded/i.test(messages)) {
    const code = /quota/i.test(messages) ? 'EDQUOT' : 'ENOSPC';
    return cacheWriteError(output, Object.assign(new Error(messages), { code, cause }), messages);
  }
  return new BackendError(where, `${what}:\n${messages}\n`, fix, { code: 'compile-failed', cause });
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
  const extra = checkCompileInput('compileShared', 'C', source, options.flags, '-ffast-math');
  const symbols = options.symbols ?? [];
  if (!Array.isArray(symbols) || symbols.some((symbol) => typeof symbol !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(symbol))) {
    throw new InputDataError('compileShared', 'symbols must be an array of C identifiers.', "Pass e.g. { symbols: ['neural_run'] }.");
  }
  const compiler = compilerStatus();
  if (!compiler.ok || !compiler.path) {
    throw new BackendError('cpu compiler', `${compiler.reason}.`, 'Install gcc or clang, or set CC to a C compiler.', { code: 'no-compiler' });
  }
  const addon = addonStatus();
  if (!addon.ok) {
    throw new BackendError('native addon', `${addon.reason}.`, 'Build it with `npm rebuild neural-ts` (or `npx node-gyp rebuild`); that needs python3, make and a C++ compiler.', { code: 'no-addon' });
  }
  const flags = [...(await defaultFlags(compiler.path)), ...extra];
  const hash = createHash('sha256')
    .update(JSON.stringify([source, flags, compiler.path, compiler.version]))
    .digest('hex');
  const tag = cacheTag(options.tag);
  const library = await libraries.get(hash, () => cachePath(tag, hash, 'so'), {
    build: (object) => build(source, flags, compiler.path as string, tag, hash, object),
    load: (bytes, object) => ({ path: object, handle: loadBytes(object, bytes) }),
    unusable: ({ handle }) => {
      const missing = missingSymbols(handle, symbols);
      return missing.length > 0 ? `does not export ${missing.join(', ')}` : undefined;
    },
    discard: ({ handle }) => unloadLibrary(handle),
  });
  const { path, handle } = library.value;
  const missing = missingSymbols(handle, symbols);
  if (missing.length > 0) {
    if (library.cached === 'memory') {
      // Loaded earlier in this process, when other functions were asked for.
      throw new BackendError(`compileShared(${tag})`, `the library built from this source does not export ${missing.join(', ')}.`, 'A failure here is a bug in the code generator.', { code: 'compile-failed' });
    }
    throw new BackendError(
      `compileShared(${tag})`,
      `the library built from ${path.replace(/\.so$/, '.c')} does not export ${missing.join(', ')}.`,
      'The generated source is kept at that path; a failure here is a bug in the code generator.',
      { code: 'compile-failed' },
    );
  }
  const ms = performance.now() - started;
  return library.rebuilt === undefined ? { path, handle, cached: library.cached, ms } : { path, handle, cached: library.cached, ms, rebuilt: library.rebuilt };
}

/**
 * Compiles `source` with the compiler into `object` in the cache folder: the
 * source is kept beside it (`.c`), the compiler writes a temporary file, which
 * is then recorded and moved into place (see `adoptVerified`).
 *
 * @returns the bytes of the shared object stored
 * @throws {@link BackendError} with the compiler's messages when it fails (code `compile-failed`; `cache` for a full disk)
 */
async function build(source: string, flags: string[], compiler: string, tag: string, hash: string, object: string): Promise<Buffer> {
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
    throw compilerFailure(
      `compileShared(${tag})`,
      `${compiler} could not compile ${file}`,
      toolMessages(error),
      temporary,
      'The generated source is kept at that path; a failure here is a bug in the code generator or in the extra flags.',
      error,
    );
  }
  return adoptVerified(temporary, object);
}

/**
 * Loads the shared object whose verified bytes are `bytes`: they are written
 * to a new file beside `object` (created exclusively, mode 0600, in the
 * private cache folder), which is opened with dlopen and then removed. So the
 * code that runs is exactly the code that was checked, even if the cached
 * file changes meanwhile.
 *
 * @throws {@link BackendError} when the copy cannot be written; {@link NativeError} when dlopen fails
 */
function loadBytes(object: string, bytes: Uint8Array): number {
  const copy = temporaryPath(object);
  writeFileExclusive(copy, bytes);
  try {
    return loadLibrary(copy);
  } finally {
    rmSync(copy, { force: true });
  }
}

/** Those of `symbols` that the loaded library does not export (none are checked with an addon too old to tell). */
function missingSymbols(handle: number, symbols: readonly string[]): string[] {
  const native = addon();
  if (symbols.length === 0 || typeof native.hasSymbol !== 'function') return [];
  return symbols.filter((symbol) => !native.hasSymbol(handle, symbol));
}
