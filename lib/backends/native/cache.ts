/**
 * The on-disk cache of compiled code: generated C sources and the shared
 * objects built from them, CUDA sources and their PTX. Files are named
 * `<tag>-<sha256>.<ext>`, so one source compiled with one set of flags by one
 * compiler is built once per machine, and several processes can share the
 * folder (files appear by atomic rename).
 *
 * Code in this folder is loaded into the process, so the folder is private:
 * created with mode 0700, and checked before every use (it must belong to
 * the current user and grant nothing to group or others; there is no
 * fallback to a shared place). Each shared object and PTX file has a
 * `<file>.sha256` record written when it was built; {@link readVerified}
 * returns a file's bytes only when the file is a regular file of ours that
 * nobody else can write and its sha256 matches the record, and callers load
 * exactly those bytes. See docs/security.md.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';

import { BackendError, describeIoError } from '../../errors.js';

/** The `where` of errors about the cache folder and its files. */
const WHERE = 'compile cache';

/**
 * Names this cache writes: `<tag>-<64 hex>.<ext>`, the `.so.sha256` and
 * `.ptx.sha256` records, the temporary files on their way there
 * (`<name>.<pid>.<random>.<ext>`), and the compiler's flag probes.
 */
const CACHE_FILE =
  /^(?:[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*-[0-9a-f]{64}(?:\.(?:so|ptx))?(?:\.[0-9]+\.[0-9a-z]+)?\.(?:c|so|cu|ptx|json|sha256)|probe-[0-9]+-[0-9a-z]+\.(?:c|so))$/;

/** Opens a cached file for reading without following a symbolic link, and without waiting on a FIFO. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** The user id of this process, or undefined where there is none (Windows). */
function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/** `0755` for a mode. */
function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/**
 * Where the cache folder is, before any check: `$NEURAL_CACHE_DIR` when set
 * and not empty; else `$XDG_CACHE_HOME/neural` when `XDG_CACHE_HOME` is an
 * absolute path (the XDG Base Directory specification ignores a relative
 * one); else `~/.cache/neural`. `base` is the folder it is made in.
 */
function chosenFolder(): { path: string; base: string; fromEnv: boolean } {
  const own = process.env.NEURAL_CACHE_DIR;
  // Absolute, so that dlopen never mistakes a cached file for a library name to search for.
  if (own !== undefined && own.length > 0) {
    const path = resolve(own);
    return { path, base: resolve(path, '..'), fromEnv: true };
  }
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg !== undefined && isAbsolute(xdg) ? resolve(xdg) : join(homedir(), '.cache');
  return { path: join(base, 'neural'), base, fromEnv: false };
}

/**
 * The folder that holds compiled code, created on demand with mode 0700:
 * `$NEURAL_CACHE_DIR` when set, else `$XDG_CACHE_HOME/neural` when
 * `XDG_CACHE_HOME` is set to an absolute path, else `~/.cache/neural`. It is checked on
 * every call: it must belong to the current user and be writable by nobody
 * else. A folder of ours that only group or others may read or enter is
 * made private (`chmod 700`); anything else is refused. There is no fallback
 * to a shared folder.
 *
 * @returns the folder's absolute real path (symbolic links resolved)
 * @throws {@link BackendError} when the folder cannot be created, belongs to another user, or is writable by group or others; the message names the folder and says what to do
 * @example
 * ```ts
 * process.env.NEURAL_CACHE_DIR = '/home/me/.neural-cache';
 * cacheDir(); // '/home/me/.neural-cache', mode 0700
 * ```
 */
export function cacheDir(): string {
  const { path: preferred, base, fromEnv } = chosenFolder();
  const elsewhere = `set NEURAL_CACHE_DIR to ${fromEnv ? 'another' : 'a private'} folder you can write (it is created with mode 700).`;
  let created: string | undefined;
  try {
    created = mkdirSync(preferred, { recursive: true, mode: 0o700 });
    if (created !== undefined) {
      // The mode given to mkdir passes through the umask: set it explicitly, on every folder made here.
      let path = created;
      chmodSync(path, 0o700);
      for (const part of relative(created, preferred).split(sep).filter(Boolean)) {
        path = join(path, part);
        chmodSync(path, 0o700);
      }
    }
  } catch (error) {
    throw new BackendError(
      WHERE,
      `the cache folder ${preferred} cannot be created (${describeIoError(error)}), and compiled code is never put in a shared place instead.`,
      fromEnv ? `Set NEURAL_CACHE_DIR to a folder that exists or can be created (it is created with mode 700).` : `Make ${base} writable, or ${elsewhere}`,
      { code: 'cache', cause: error },
    );
  }
  let real: string;
  let stats: Stats;
  try {
    real = realpathSync(preferred);
    stats = statSync(real);
  } catch (error) {
    throw new BackendError(WHERE, `the cache folder ${preferred} cannot be examined (${describeIoError(error)}).`, `Check it, or ${elsewhere}`, { code: 'cache', cause: error });
  }
  if (!stats.isDirectory()) {
    throw new BackendError(WHERE, `the cache folder ${real} is not a folder.`, `Remove it, or ${elsewhere}`, { code: 'cache' });
  }
  const uid = currentUid();
  if (uid !== undefined && stats.uid !== uid) {
    throw new BackendError(
      WHERE,
      `the cache folder ${real} belongs to uid ${stats.uid} (mode ${octal(stats.mode)}), not to you (uid ${uid}); code in it could have been put there by someone else, so it is not used.`,
      fromEnv ? 'Set NEURAL_CACHE_DIR to a folder of your own (it is created with mode 700).' : `Remove ${real} (it is created again, yours, with mode 700), or set NEURAL_CACHE_DIR to a folder of your own.`,
      { code: 'cache' },
    );
  }
  if ((stats.mode & 0o022) !== 0) {
    const who = [stats.mode & 0o020 ? 'its group' : '', stats.mode & 0o002 ? 'all users' : ''].filter(Boolean).join(' and ');
    throw new BackendError(
      WHERE,
      `the cache folder ${real} is writable by ${who} (mode ${octal(stats.mode)}), so someone else could replace the compiled code in it; it is not used.`,
      `Run \`chmod 700 ${real}\` (files in it that are not yours are then rebuilt), or ${elsewhere}`,
      { code: 'cache' },
    );
  }
  if ((stats.mode & 0o077) !== 0) {
    // Ours, and nobody else could write to it: only readable by others, as older versions made it.
    try {
      chmodSync(real, stats.mode & 0o700);
    } catch (error) {
      throw new BackendError(WHERE, `the cache folder ${real} (mode ${octal(stats.mode)}) cannot be made private (${describeIoError(error)}).`, `Run \`chmod 700 ${real}\`, or ${elsewhere}`, { code: 'cache', cause: error });
    }
  }
  return real;
}

/**
 * Deletes the compiled files in the compile cache folder (`$NEURAL_CACHE_DIR`,
 * else `$XDG_CACHE_HOME/neural`, else `~/.cache/neural`): only files named
 * the way this cache names them; anything else in the folder is left alone.
 * Code already loaded in this process stays loaded and usable; later
 * compiles build again what they need.
 *
 * @returns how many files were removed
 * @throws {@link BackendError} when the cache folder is unusable: it cannot
 *   be created, belongs to another user, or group or others may write to it
 *   (the message names the folder and says what to do)
 * @example
 * ```ts
 * import { clearCache } from 'neural-ts';
 * console.log(`removed ${clearCache()} cached files`);
 * ```
 */
export function clearCache(): number {
  const dir = cacheDir();
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (!CACHE_FILE.test(name)) continue;
    rmSync(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

/**
 * The cache path of a compiled artefact. Checks the cache folder (see
 * {@link cacheDir}) on every call.
 *
 * @param tag - a readable prefix (model or kernel name); characters other than letters, digits, `_` and `-` become `_`
 * @param hash - sha256 hex of everything that determines the artefact
 * @param ext - `c`, `so`, `cu` or `ptx`
 * @throws {@link BackendError} when the cache folder is unusable
 */
export function cachePath(tag: string, hash: string, ext: 'c' | 'so' | 'cu' | 'ptx'): string {
  return join(cacheDir(), `${cacheTag(tag)}-${hash}.${ext}`);
}

/** `tag` made safe for a file name (letters, digits, `_`, inner `-`), `neural` when empty. */
export function cacheTag(tag: string | undefined): string {
  const safe = (tag ?? '').replace(/[^A-Za-z0-9_-]/g, '_').replace(/^-+|-+$/g, '').replace(/-{2,}/g, '-');
  return safe.length > 0 ? safe.slice(0, 64) : 'neural';
}

/**
 * A unique temporary name beside `path` with the same extension, for
 * writing a file and renaming it into place.
 */
export function temporaryPath(path: string): string {
  const dot = path.lastIndexOf('.');
  const unique = `${process.pid}.${Math.random().toString(36).slice(2, 10)}`;
  return `${path.slice(0, dot)}.${unique}${path.slice(dot)}`;
}

/**
 * A {@link BackendError} for a failed write in the cache folder, saying why
 * in words (not writable, disk full …) and what to do.
 *
 * @param path - the file that could not be written
 * @param error - the Node error (its `code` decides the wording)
 * @param detail - more to say, e.g. the compiler's messages
 */
export function cacheWriteError(path: string, error: unknown, detail?: string): BackendError {
  if (error instanceof BackendError) return error;
  const dir = path.slice(0, path.lastIndexOf(sep)) || sep;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const more = detail ? `\n${detail}\n` : '';
  const elsewhere = 'or set NEURAL_CACHE_DIR to a private folder elsewhere';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new BackendError(
      WHERE,
      `the cache folder ${dir} is not writable (${code}): could not write ${path}.${more}`,
      `Make it writable (\`chmod 700 ${dir}\`), ${elsewhere}.`,
      { code: 'cache', cause: error },
    );
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new BackendError(
      WHERE,
      `the disk holding the cache folder ${dir} is full (${code}): could not write ${path}.${more}`,
      `Free some space (clearCache() removes old compiled code), ${elsewhere}.`,
      { code: 'cache', cause: error },
    );
  }
  return new BackendError(WHERE, `could not write ${path} (${describeIoError(error)}).${more}`, `Check the cache folder ${dir}, ${elsewhere}.`, { code: 'cache', cause: error });
}

/**
 * Creates `path`, which must not exist yet (`O_CREAT | O_EXCL`, so never
 * through a symbolic link), with mode 0600, and writes `data` to it. On
 * failure the partial file is removed.
 *
 * @throws {@link BackendError} saying why (see {@link cacheWriteError})
 */
export function writeFileExclusive(path: string, data: string | Uint8Array): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'wx', 0o600);
    writeFileSync(fd, data);
    closeSync(fd);
    fd = undefined;
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
    }
    rmSync(path, { force: true });
    throw cacheWriteError(path, error);
  }
}

/**
 * Writes `data` to `path` (mode 0600) so that readers never see a partial
 * file: a new temporary file beside it, then a rename. On failure the
 * temporary file is removed and `path` is unchanged.
 *
 * @throws {@link BackendError} saying why (not writable, disk full …) and what to do
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temporary = temporaryPath(path);
  writeFileExclusive(temporary, data);
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw cacheWriteError(path, error);
  }
}

/** What {@link readCacheFile} and {@link readVerified} found: the bytes, or why they cannot be trusted. */
export type CacheRead = { data: Buffer; problem?: undefined } | { data?: undefined; problem: string };

/**
 * Reads a file of the cache folder, if it is one we can trust: a regular
 * file (not a symbolic link, FIFO or device) that belongs to the current
 * user and that neither group nor others may write. The checks are made on
 * the open file, so they hold for the bytes returned.
 *
 * @returns undefined when there is no such file; `{ data }`; or `{ problem }` saying why it is not used
 */
export function readCacheFile(path: string): CacheRead | undefined {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') return { problem: `${path} is a symbolic link` };
    return { problem: `${path} cannot be opened (${describeIoError(error)})` };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { problem: `${path} is not a regular file` };
    const uid = currentUid();
    if (uid !== undefined && stats.uid !== uid) return { problem: `${path} belongs to uid ${stats.uid}, not to you (uid ${uid})` };
    if ((stats.mode & 0o022) !== 0) return { problem: `${path} is writable by group or others (mode ${octal(stats.mode)})` };
    return { data: readFileSync(fd) };
  } catch (error) {
    return { problem: `${path} cannot be read (${describeIoError(error)})` };
  } finally {
    closeSync(fd);
  }
}

/** The sha256 of `data`, in hex. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Where the sha256 of the artefact at `path` is recorded. */
export function sha256Path(path: string): string {
  return `${path}.sha256`;
}

/**
 * Records the sha256 of `data` as that of the artefact at `path`, in
 * `<path>.sha256` (written atomically), in the format of `sha256sum`:
 * `<hex>  <file name>`. The name binds the record to its cache entry, so a
 * library and record copied over from another entry are not accepted. Write
 * it before the artefact itself is renamed into place.
 *
 * @throws {@link BackendError} when it cannot be written
 */
export function recordSha256(path: string, data: Uint8Array): void {
  writeFileAtomic(sha256Path(path), `${sha256(data)}  ${basename(path)}\n`);
}

/**
 * Writes a compiled artefact and the record of its sha256, both atomically
 * (the record first).
 *
 * @returns the bytes written
 * @throws {@link BackendError} when either cannot be written
 */
export function storeVerified(path: string, data: string | Uint8Array): Uint8Array {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  recordSha256(path, bytes);
  writeFileAtomic(path, bytes);
  return bytes;
}

/**
 * Moves an artefact a tool just wrote at `temporary` (beside `path`, in the
 * cache folder) into place as `path`: made private (mode 0600), read back
 * through {@link readCacheFile}'s checks, its sha256 recorded, then renamed.
 * On failure the temporary file is removed.
 *
 * @returns the bytes recorded, which are those now at `path`
 * @throws {@link BackendError} (code `cache`) when it cannot be read back, recorded or moved
 */
export function adoptVerified(temporary: string, path: string): Buffer {
  try {
    chmodSync(temporary, 0o600); // the tool made it with the umask's mode
    const made = readCacheFile(temporary);
    if (made?.data === undefined) {
      throw new BackendError(WHERE, `the file just built cannot be read back: ${made?.problem ?? `${temporary} is missing`}.`, 'Check the cache folder, or set NEURAL_CACHE_DIR to a private folder elsewhere.', { code: 'cache' });
    }
    recordSha256(path, made.data);
    renameSync(temporary, path);
    return made.data;
  } catch (error) {
    rmSync(temporary, { force: true });
    throw cacheWriteError(path, error);
  }
}

/**
 * Reads a compiled artefact if it can be trusted: {@link readCacheFile}'s
 * checks on it and on its `.sha256` record, and its sha256 equal to the
 * record. Load exactly the bytes returned (never the file again), so that
 * what runs is what was checked.
 *
 * @returns undefined when the artefact is not cached; `{ data }` when it can be loaded; `{ problem }` (damaged, replaced, unrecorded …) when it must be rebuilt
 */
export function readVerified(path: string): CacheRead | undefined {
  const file = readCacheFile(path);
  if (file === undefined || file.problem !== undefined) return file;
  const record = readCacheFile(sha256Path(path));
  if (record === undefined) return { problem: `${path} has no recorded sha256 (${sha256Path(path)} is missing)` };
  if (record.problem !== undefined) return { problem: `its sha256 record is unusable: ${record.problem}` };
  const match = /^([0-9a-f]{64}) {2}(\S+)\n?$/.exec(record.data.toString('utf8'));
  if (match === null) return { problem: `the sha256 record ${sha256Path(path)} is malformed` };
  if (match[2] !== basename(path)) return { problem: `the sha256 record ${sha256Path(path)} is that of ${match[2]} (copied from another entry)` };
  if (sha256(file.data) !== match[1]) {
    return { problem: `${path} does not match the sha256 recorded when it was built (damaged or replaced)` };
  }
  return { data: file.data };
}

/** Removes a cached artefact and its sha256 record (missing ones are fine). */
export function removeVerified(path: string): void {
  for (const file of [path, sha256Path(path)]) {
    try {
      rmSync(file, { force: true });
    } catch {
      // A later rename over it replaces it anyway.
    }
  }
}

/** An artefact from {@link ArtefactCache} or {@link loadOrBuild}: what was loaded, and where it came from. */
export interface Artefact<T> {
  /** What `load` made of the artefact's bytes (a library handle, a module handle). */
  value: T;
  /** `'memory'`: built or read earlier in this process; `'disk'`: a verified cached file; `'none'`: built now. */
  cached: 'memory' | 'disk' | 'none';
  /** Why a cached file was not used and was built again (damaged, replaced, not ours, unusable …). */
  rebuilt?: string;
}

/** How to build, load and check one kind of artefact (a shared object, PTX). */
export interface ArtefactSteps<T> {
  /**
   * Builds the artefact and stores it at `file` with its sha256 record
   * ({@link storeVerified} or {@link adoptVerified}).
   * @returns exactly the bytes stored
   */
  build(file: string): Promise<Uint8Array>;
  /**
   * Loads bytes that were verified (or just stored), at once or
   * asynchronously. Throws (or rejects) when they cannot be loaded: a cached
   * file is then built again, except that a {@link BackendError} (the cache
   * folder failed) is passed on.
   */
  load(bytes: Buffer, file: string): T | Promise<T>;
  /**
   * Why a loaded cached artefact cannot be used (e.g. a function is
   * missing), or undefined when it can; it is then released with `discard`
   * and built again. A new artefact is returned as built: its caller checks
   * it.
   */
  unusable?(value: T, file: string): string | undefined;
  /**
   * Releases a loaded artefact that `unusable` refused (unloads a library or
   * a module). A failure here is ignored: the artefact is replaced anyway.
   */
  discard?(value: T): void;
}

/**
 * The disk layer of the compile cache: the artefact at `file` is loaded only
 * when {@link readVerified} accepts it (a regular file of ours that nobody
 * else can write, whose sha256 matches the record written when it was built),
 * and `load` receives exactly the bytes that were checked. A damaged,
 * replaced, unrecorded or unusable artefact is removed, never loaded (an
 * unusable one is unloaded with `discard`), and built again; a new one is
 * stored with its sha256 before it is loaded.
 *
 * @param file - the cache path (from {@link cachePath})
 * @param steps - how to build, load and check it
 * @returns the loaded value, whether it came from the disk, and why a cached file was not used
 * @throws {@link BackendError} when the cache folder fails; whatever `build` or `load` throws for a new artefact
 */
export async function loadOrBuild<T>(file: string, steps: ArtefactSteps<T>): Promise<Artefact<T> & { cached: 'disk' | 'none' }> {
  let rebuilt: string | undefined;
  const found = readVerified(file);
  if (found?.data !== undefined) {
    try {
      const value = await steps.load(found.data, file);
      const why = steps.unusable?.(value, file);
      if (why === undefined) return { value, cached: 'disk' };
      rebuilt = `${file} ${why}`;
      try {
        steps.discard?.(value);
      } catch {
        // Unloading what is replaced is tidiness; the replacement does not depend on it.
      }
    } catch (error) {
      if (error instanceof BackendError) throw error; // the cache folder itself failed (full, not writable)
      rebuilt = `${file} does not load (${error instanceof Error ? error.message : String(error)})`;
    }
  } else if (found?.problem !== undefined) {
    rebuilt = found.problem;
  }
  if (found !== undefined) removeVerified(file); // damaged, replaced or unusable: never loaded, built again below
  const bytes = await steps.build(file);
  const value = await steps.load(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
  return rebuilt === undefined ? { value, cached: 'none' } : { value, cached: 'none', rebuilt };
}

/**
 * The compile cache of one kind of artefact: in this process, each key (the
 * sha256 of everything that determines the artefact) is loaded or built once
 * and concurrent callers share that work; behind it, {@link loadOrBuild}'s
 * verified disk cache. A failed build is forgotten, so that a later call
 * tries again (e.g. once the cache folder is fixed).
 */
export class ArtefactCache<T> {
  readonly #builds = new Map<string, Promise<Artefact<T>>>();

  /**
   * The artefact for `key`: from this process (`'memory'`), else from the
   * disk or built now (see {@link loadOrBuild}).
   *
   * @param key - sha256 hex of everything that determines the artefact
   * @param file - its cache path, asked for only when this process has not got it
   * @param steps - how to build, load and check it
   * @throws as {@link loadOrBuild}
   */
  async get(key: string, file: () => string, steps: ArtefactSteps<T>): Promise<Artefact<T>> {
    const known = this.#builds.get(key);
    if (known) return { value: (await known).value, cached: 'memory' };
    const pending = (async () => loadOrBuild(file(), steps))();
    this.#builds.set(key, pending);
    try {
      return await pending;
    } catch (error) {
      this.#builds.delete(key); // a later call may succeed (e.g. after the cache folder is fixed)
      throw error;
    }
  }

  /** Forgets what this process loaded (nothing is unloaded): the next {@link ArtefactCache.get} of a key reads the disk again. */
  clear(): void {
    this.#builds.clear();
  }
}
