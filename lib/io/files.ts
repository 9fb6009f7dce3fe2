/**
 * What the file formats share: the element types they hold, checks of what
 * the caller passes, and reading and writing whole files with errors that say
 * which file and why.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { DataFileError, InputDataError, describeIoError, describeValue } from '../errors.js';

/** The element types the files hold: numpy's `float64`, `float32`, `int32`, `uint8` and `int64`. */
export type NumericDtype = 'float64' | 'float32' | 'int32' | 'uint8' | 'int64';

/** The typed array of each {@link NumericDtype}. */
export interface NumericArrays {
  float64: Float64Array;
  float32: Float32Array;
  int32: Int32Array;
  uint8: Uint8Array;
  int64: BigInt64Array;
}

/** A typed array of one of the {@link NumericDtype}s. */
export type NumericArray = NumericArrays[NumericDtype];

/** Values of a column or an array as a file hands them back: `dtype` says which typed array `data` is. */
export type TypedColumn = { [D in NumericDtype]: { dtype: D; data: NumericArrays[D] } }[NumericDtype];

/** The constructor of each dtype, and its size in bytes. */
export const DTYPES: { readonly [D in NumericDtype]: { readonly of: { new (length: number): NumericArrays[D]; new (buffer: ArrayBuffer, offset: number, length: number): NumericArrays[D] }; readonly bytes: number } } = {
  float64: { of: Float64Array, bytes: 8 },
  float32: { of: Float32Array, bytes: 4 },
  int32: { of: Int32Array, bytes: 4 },
  uint8: { of: Uint8Array, bytes: 1 },
  int64: { of: BigInt64Array, bytes: 8 },
};

/** The dtype of a typed array (a `Buffer` is a `Uint8Array`), or undefined for anything else. */
export function dtypeOf(array: unknown): NumericDtype | undefined {
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof Uint8Array) return 'uint8';
  if (array instanceof BigInt64Array) return 'int64';
  return undefined;
}

/** The advice for an array of the wrong kind. */
export const ARRAY_FIX = 'Pass a Float64Array, Float32Array, Int32Array, Uint8Array or BigInt64Array (e.g. Float64Array.from(values)).';

/**
 * Checks that `array` is a typed array of a {@link NumericDtype}.
 * @throws {@link InputDataError} naming `what` when it is not
 */
export function checkArray(where: string, what: string, array: unknown): NumericDtype {
  const dtype = dtypeOf(array);
  if (!dtype) throw new InputDataError(where, `${what} is ${describeValue(array)}, not a typed array the file formats hold.`, ARRAY_FIX);
  return dtype;
}

/**
 * Checks a path handed to a save or load function and, for a save, its
 * extension.
 * @param extensions - the extensions the call writes (lower case, with the dot); empty: any
 * @throws {@link InputDataError} for a path that is not a non-empty string, or has another extension
 */
export function checkPath(where: string, path: unknown, extensions: readonly string[]): string {
  const quoted = extensions.map((e) => `'${e}'`);
  const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}` : (quoted[0] ?? '');
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
    throw new InputDataError(where, `path is ${describeValue(path)}.`, `Pass a file path${list ? ` ending in ${list}` : ''}.`);
  }
  const ext = extname(path).toLowerCase();
  if (extensions.length > 0 && !extensions.includes(ext)) {
    throw new InputDataError(where, `'${path}' ends in '${ext}', not ${list}.`, `End the path in ${list}.`);
  }
  return path;
}

/**
 * Writes `parts` one after the other as the file `path`, creating its folder.
 * The bytes go to a temporary file in the same folder first, renamed over
 * `path` at the end, so that a failed write leaves no half-written file and
 * a reader never sees one.
 * @throws {@link DataFileError} when the folder cannot be made or the file cannot be written
 */
export async function writeParts(where: string, path: string, parts: readonly Uint8Array[]): Promise<void> {
  const out = resolve(path);
  const temporary = `${out}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(out), { recursive: true });
    await writeFile(temporary, parts, { flag: 'wx', mode: 0o666 });
    await rename(temporary, out);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new DataFileError(where, `'${path}' cannot be written (${describeIoError(error)}).`, 'Pass a path in a folder that exists or can be created and is writable, that is not itself a folder.', { cause: error });
  }
}

/**
 * Reads the whole file `path`.
 * @throws {@link DataFileError} when it cannot be read
 */
export async function readBytes(where: string, path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException)?.code === 'ENOENT';
    throw new DataFileError(where, `'${path}' cannot be read (${describeIoError(error)}).`, missing ? 'Check the path: no file is there.' : 'Check that the path is a readable file.', { cause: error });
  }
}

/** The formats a file's first bytes give away, for messages about a file of another kind. */
const SIGNATURES: readonly [string, string, string][] = [
  ['\x93NUMPY', 'an .npy file', 'loadNpy'],
  ['PK\x03\x04', 'a zip archive (.npz)', 'loadNpz'],
  ['PK\x05\x06', 'an empty zip archive (.npz)', 'loadNpz'],
  ['ARROW1', 'an Arrow IPC file', 'loadArrow'],
  ['PAR1', 'a Parquet file', 'loadParquet'],
  ['FEA1', 'a Feather version 1 file', ''],
];

/** True when `bytes` starts with the characters of `magic` (each a byte). */
export function startsWith(bytes: Uint8Array, magic: string, at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[at + i] !== magic.charCodeAt(i)) return false;
  return true;
}

/**
 * The {@link DataFileError} for a file that does not start as format `what`
 * says: it names the format it seems to be in and the call that reads it.
 */
export function foreignFile(where: string, path: string, bytes: Uint8Array, what: string, call: string): DataFileError {
  const known = SIGNATURES.find(([magic]) => startsWith(bytes, magic));
  if (known && known[2] && known[2] !== call) {
    return new DataFileError(where, `'${path}' is ${known[1]}, not ${what}.`, `Read it with ${known[2]}, or pass ${what}.`);
  }
  if (known && !known[2]) return new DataFileError(where, `'${path}' is ${known[1]}, not ${what}.`, "Write it again with pyarrow.feather.write_feather (version 2, the default), or pass a file in the format its name says.");
  const size = bytes.length === 0 ? 'is empty' : 'does not start with its signature';
  return new DataFileError(where, `'${path}' ${size}: it is not ${what}.`, 'Pass a file in the format its name says (it may be damaged or cut short).');
}

/** The length of a list of equal-length columns, checked. @throws {@link InputDataError} when they differ */
export function columnLength(where: string, columns: Readonly<Record<string, NumericArray>>): number {
  let length: number | undefined;
  let first = '';
  for (const [name, data] of Object.entries(columns)) {
    if (length === undefined) {
      length = data.length;
      first = name;
    } else if (data.length !== length) {
      throw new InputDataError(where, `column '${name}' has ${data.length} values but '${first}' has ${length}.`, 'Pass columns of equal length (one value per row).');
    }
  }
  return length ?? 0;
}

/**
 * Checks named columns: a plain object of 1-D typed arrays, names that are
 * non-empty and free of control characters.
 * @returns the columns and their dtypes, in the order given
 * @throws {@link InputDataError} for anything else
 */
export function checkColumns(where: string, columns: unknown): [string, NumericArray, NumericDtype][] {
  if (columns === null || typeof columns !== 'object' || Array.isArray(columns) || dtypeOf(columns)) {
    throw new InputDataError(where, `columns are ${describeValue(columns)}.`, 'Pass an object of named typed arrays, e.g. { time: recording.times(), v: recording.trace(0) }.');
  }
  const out: [string, NumericArray, NumericDtype][] = [];
  for (const [name, data] of Object.entries(columns as Record<string, unknown>)) {
    checkName(where, 'column', name);
    out.push([name, data as NumericArray, checkArray(where, `column '${name}'`, data)]);
  }
  columnLength(where, Object.fromEntries(out.map(([n, d]) => [n, d])));
  return out;
}

/** Checks the name of a column or array: not empty, no control characters. @throws {@link InputDataError} */
export function checkName(where: string, kind: string, name: string): void {
  if (name.length === 0 || /[\x00-\x1f\x7f]/.test(name)) {
    throw new InputDataError(where, `the ${kind} name ${describeValue(name)} is empty or holds control characters.`, `Name every ${kind} with a non-empty string without control characters.`);
  }
}

/** Named columns of equal length, one typed array each: what {@link saveArrow} and {@link saveParquet} write. */
export type Columns = Readonly<Record<string, NumericArray>>;

/** Options of {@link saveArrow}. */
export interface ColumnOptions {
  /** Text to keep with the table, by key (the schema's metadata, as pyarrow's `schema.metadata` shows it). */
  metadata?: Readonly<Record<string, string>>;
}

/** A table read from a file: its columns by name, in the file's order, and the schema's metadata. */
export interface ColumnTable {
  /** Each column's values in a typed array of its own: float64, float32, int32, uint8 or int64 (BigInt64Array). */
  columns: Record<string, NumericArray>;
  /** The text kept with the table, by key (empty when there is none). */
  metadata: Record<string, string>;
}

/** Checks `options.metadata`: text by key. @throws {@link InputDataError} */
export function checkMetadata(where: string, metadata: unknown): [string, string][] {
  if (metadata === undefined) return [];
  const entries = metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? Object.entries(metadata) : undefined;
  if (!entries || !entries.every(([, v]) => typeof v === 'string')) {
    throw new InputDataError(where, `metadata is ${describeValue(metadata)}.`, "Pass text by key, e.g. { metadata: { units: 'mV' } } (JSON.stringify other values).");
  }
  return entries as [string, string][];
}
