/**
 * The on-disk cache of compiled code: generated C sources and the shared
 * objects built from them, CUDA sources and their PTX. Files are named
 * `<tag>-<sha256>.<ext>`, so one source compiled with one set of flags by one
 * compiler is built once per machine, and several processes can share the
 * folder (files appear by atomic rename).
 *
 * @module
 */
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Names this cache writes: `<tag>-<64 hex>.<ext>`, and the temporary files on their way there. */
const CACHE_FILE = /^[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*-[0-9a-f]{64}(?:\.[0-9]+\.[0-9a-z]+)?\.(?:c|so|cu|ptx|json)$/;

/**
 * The folder that holds compiled code, created on demand: `$NEURAL_CACHE_DIR`
 * when set, else `~/.cache/neural`, else (when that cannot be created)
 * `<os.tmpdir()>/neural-cache`.
 *
 * @returns an absolute path to an existing folder
 * @example
 * ```ts
 * process.env.NEURAL_CACHE_DIR = '/tmp/my-cache';
 * cacheDir(); // '/tmp/my-cache'
 * ```
 */
export function cacheDir(): string {
  const chosen = process.env.NEURAL_CACHE_DIR;
  // Absolute, so that dlopen never mistakes a cached file for a library name to search for.
  const preferred = resolve(chosen && chosen.length > 0 ? chosen : join(homedir(), '.cache', 'neural'));
  try {
    mkdirSync(preferred, { recursive: true });
    return preferred;
  } catch {
    // A read-only or missing home (containers, CI) should not stop compiling.
    const fallback = join(tmpdir(), 'neural-cache');
    mkdirSync(fallback, { recursive: true });
    return fallback;
  }
}

/**
 * Deletes the compiled files in {@link cacheDir} (only files named the way
 * this cache names them; anything else in the folder is left alone). Code
 * already loaded in this process stays loaded and usable.
 *
 * @returns how many files were removed
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
 * The cache path of a compiled artefact.
 *
 * @param tag - a readable prefix (model or kernel name); characters other than letters, digits, `_` and `-` become `_`
 * @param hash - sha256 hex of everything that determines the artefact
 * @param ext - `c`, `so`, `cu` or `ptx`
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

/** Writes `data` to `path` so that readers never see a partial file. */
export function writeFileAtomic(path: string, data: string): void {
  const temporary = temporaryPath(path);
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}
