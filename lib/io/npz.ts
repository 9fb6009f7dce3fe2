/**
 * NumPy's `.npz` format: a zip archive of `.npy` files, one per named array
 * (`np.savez`, `np.savez_compressed`). The zip is written and read by fflate.
 */
import { crc32 } from 'node:zlib';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { DataFileError, InputDataError, describeValue } from '../errors.js';
import { checkOptions, type OptionRules } from '../options.js';
import { checkName, checkPath, dtypeOf, foreignFile, readBytes, startsWith, writeParts } from './files.js';
import { checkArrayInput, decodeNpy, encodeNpy, type ArrayInput, type NpyArray } from './npy.js';

/** Options of {@link saveNpz}. */
export interface NpzOptions {
  /**
   * Deflate each array (as `np.savez_compressed`) rather than store it (as
   * `np.savez`, the default). Spike flags and slowly changing traces shrink
   * much; noisy float64 values little, and take longer to write.
   */
  compress?: boolean;
}

const NPZ_KEYS: OptionRules = { compress: { type: 'boolean' } };

/** fflate writes no ZIP64 records: each entry and the archive stay below 4 GiB. */
const ZIP_LIMIT = 2 ** 32 - 1;

/** The archive's bytes for named arrays (checked), each stored or deflated. */
export function encodeNpz(where: string, arrays: unknown, compress: boolean): Uint8Array {
  if (arrays === null || typeof arrays !== 'object' || Array.isArray(arrays) || dtypeOf(arrays)) {
    throw new InputDataError(where, `arrays are ${describeValue(arrays)}.`, 'Pass an object of named arrays, e.g. { data: recording, times: recording.times() }.');
  }
  const files: Zippable = {};
  let total = 0;
  for (const [name, array] of Object.entries(arrays as Record<string, unknown>)) {
    checkName(where, 'array', name);
    if (/[/\\]/.test(name)) throw new InputDataError(where, `the array name '${name}' holds '/' or '\\'.`, "Name arrays without '/' or '\\' (each becomes a file of the archive).");
    const [head, body] = encodeNpy(checkArrayInput(where, `array '${name}'`, array));
    const bytes = head.length + body.length;
    total += bytes;
    if (bytes > ZIP_LIMIT || total > ZIP_LIMIT) {
      throw new InputDataError(where, 'the arrays take more than 4 GiB, more than an .npz without ZIP64 records holds.', 'Save the largest arrays with saveNpy, one file each, or as .arrow.');
    }
    const npy = new Uint8Array(bytes);
    npy.set(head);
    npy.set(body, head.length);
    files[`${name}.npy`] = npy;
  }
  return zipSync(files, { level: compress ? 6 : 0 });
}

/**
 * Reads an archive's bytes into its arrays.
 * @throws {@link DataFileError} for a damaged archive or one that holds anything but .npy files
 */
export function decodeNpz(where: string, path: string, bytes: Uint8Array, call = 'loadNpz'): Record<string, NpyArray> {
  if (!startsWith(bytes, 'PK\x03\x04') && !startsWith(bytes, 'PK\x05\x06')) throw foreignFile(where, path, bytes, 'an .npz file (a zip archive)', call);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (error) {
    throw new DataFileError(where, `'${path}' is damaged: the zip archive cannot be read (${(error as Error).message}).`, 'Write the file again (np.savez); it may have been cut short.', { cause: error });
  }
  // fflate does not check the CRC of stored entries: check every entry against the central directory.
  const crcs = centralCrcs(bytes);
  for (const [entry, content] of Object.entries(entries)) {
    const want = crcs?.get(entry);
    if (want !== undefined && crc32(content) !== want) {
      throw new DataFileError(where, `'${path}' is damaged: the contents of '${entry}' do not match the checksum the archive records for it.`, 'Write the file again (np.savez); its bytes were changed.');
    }
  }
  const arrays: [string, NpyArray][] = [];
  for (const [entry, npy] of Object.entries(entries)) {
    if (entry.endsWith('/') && npy.length === 0) continue;
    if (!entry.endsWith('.npy')) {
      throw new DataFileError(where, `'${path}' holds '${entry}', which is not an .npy array.`, 'Pass an archive written by np.savez or saveNpz (only .npy files inside).');
    }
    arrays.push([entry.slice(0, -4), decodeNpy(where, `${path}:${entry}`, npy, call)]);
  }
  return Object.fromEntries(arrays);
}

/**
 * The CRC-32 of each entry of a zip archive, from its central directory;
 * null when the directory cannot be found (then fflate's own checks stand).
 * The CRC field is 32 bits in ZIP64 archives too.
 */
function centralCrcs(bytes: Uint8Array): Map<string, number> | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record: in the last 22 + 65,535 bytes (a comment may follow it).
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  if (at === 0xffffffff || count === 0xffff) return null;
  const out = new Map<string, number>();
  const decoder = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) return null;
    const crc = view.getUint32(at + 16, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    out.set(decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)), crc);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

/**
 * Writes named arrays as a NumPy `.npz` file: a zip archive with one `.npy`
 * file per array, as `np.savez` (stored) or `np.savez_compressed` (with
 * `compress: true`) writes it. `np.load(path)[name]` reads an array.
 * Without ZIP64 records, the arrays may take up to 4 GiB together.
 * @param path - the file to write, ending in `.npz`; its folder is created;
 *   written to a temporary file first and renamed, so it is whole or absent
 * @param arrays - name → a typed array (1-D), an array of strings, or
 *   `{ data, shape }` (a {@link Recording} is one); names are non-empty,
 *   without '/', '\\' or control characters
 * @param options - `compress` (default false)
 * @throws {@link InputDataError} for a path not ending in `.npz`, a bad name,
 *   array or shape, an unknown option, or arrays over 4 GiB
 * @throws {@link DataFileError} when the file cannot be written
 * @example await saveNpz('out/spikes.npz', { unit: events.unit, step: events.step });
 */
export async function saveNpz(path: string, arrays: Readonly<Record<string, ArrayInput>>, options?: NpzOptions): Promise<void> {
  const where = 'saveNpz';
  checkPath(where, path, ['.npz']);
  const { compress = false } = checkOptions<NpzOptions>(where, options, NPZ_KEYS);
  await writeParts(`${where}('${path}')`, path, [encodeNpz(where, arrays, compress)]);
}

/**
 * Reads a NumPy `.npz` file (stored or compressed, as `np.savez` and
 * `np.savez_compressed` write it) into its arrays, by name (the file names
 * inside, less `.npy`), each as {@link loadNpy} returns it.
 * @param path - the file
 * @throws {@link InputDataError} for a path that is not a string
 * @throws {@link DataFileError} when the file cannot be read, is damaged or
 *   not a zip archive, holds anything but .npy files, or an array of a type
 *   that is not read
 * @example const { unit, step } = await loadNpz('spikes.npz');
 */
export async function loadNpz(path: string): Promise<Record<string, NpyArray>> {
  checkPath('loadNpz', path, []);
  const where = `loadNpz('${path}')`;
  return decodeNpz(where, path, await readBytes(where, path));
}
