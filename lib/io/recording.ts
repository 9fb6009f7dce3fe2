/**
 * A {@link Recording} saved in the format its file name says, and read back
 * as plain data.
 */
import { DataFileError, InputDataError, describeValue } from '../errors.js';
import type { Recording } from '../network/recorder.js';
import { checkOptions, type OptionRules } from '../options.js';
import type { FloatArray } from '../plan/types.js';
import { ARROW_EXTENSIONS, decodeArrow, encodeArrow } from './arrow.js';
import { checkPath, readBytes, writeParts, type ColumnTable, type NumericArray } from './files.js';
import { checkArrayInput, decodeNpy, encodeNpy, type NpyArray } from './npy.js';
import { decodeNpz, encodeNpz } from './npz.js';
import { decodeParquet, encodeParquet } from './parquet.js';

/** What a recording is besides its values: as {@link Recording} has it. */
export interface RecordingMeta {
  /** The variable recorded. */
  variable: string;
  /** 'trace' (one row per kept step) or 'sum' (one row of totals). */
  mode: 'trace' | 'sum';
  /** The step in seconds. */
  dt: number;
  /** Steps between rows. */
  rate: number;
  /** The global step whose result is the first row after the initial one (see {@link Recording}). */
  firstStep: number;
  /** The step before which the initial row was taken, or null when there is none. */
  initialStep: number | null;
  /** The unit of each column, when a subset was recorded (`record(…, { units })`); null when column i is unit i. */
  units: number[] | null;
}

/** A recording read back from a file by {@link loadRecording}. */
export interface RecordingFile {
  /** The values, row-major (rows × units), float64 or float32 as saved. */
  data: FloatArray;
  /** `[rows, units]`. */
  shape: [number, number];
  /** The time of each row in seconds, as `recording.times()` gave it; null from an .npy file. */
  times: Float64Array | null;
  /** The recording's variable, mode, dt, rate and steps; null from an .npy file, or a table written by other means. */
  meta: RecordingMeta | null;
}

/** Options of {@link saveRecording}. */
export interface SaveRecordingOptions {
  /**
   * For `.npz` (default false, as `np.savez`) and `.parquet` (default true,
   * Snappy): compress the values. Arrow files are written uncompressed.
   */
  compress?: boolean;
}

const SAVE_KEYS: OptionRules = { compress: { type: 'boolean' } };

/**
 * The checks a save of recorded data starts with: the path's extension, the
 * options, and no `compress` for an Arrow file (written uncompressed).
 * @returns the `compress` option and the extension, in lower case
 */
export function checkSave(where: string, path: string, extensions: readonly string[], options: SaveRecordingOptions | undefined): { compress: boolean | undefined; ext: string } {
  checkPath(where, path, extensions);
  const { compress } = checkOptions<SaveRecordingOptions>(where, options, SAVE_KEYS);
  const ext = path.slice(path.lastIndexOf('.')).toLowerCase();
  if (compress !== undefined && ARROW_EXTENSIONS.includes(ext)) {
    throw new InputDataError(where, `compress is given for '${path}', but Arrow files are written uncompressed.`, "Leave compress out, or save as '.parquet' or '.npz'.");
  }
  return { compress, ext };
}
/** The extensions {@link saveRecording} writes. */
const EXTENSIONS: readonly string[] = ['.npy', '.npz', ...ARROW_EXTENSIONS, '.parquet'];
/** The key of the metadata that Arrow and Parquet files keep, as JSON. */
const META_KEY = 'neural.recording';
/** The name of unit `i`'s column in a table. */
const unitColumn = (variable: string, i: number) => `${variable}[${i}]`;

/** What the files keep of a recording, in Python's spelling (as .npz keys and the JSON of tables). */
function metaOf(r: Recording): Record<string, string | number | number[]> {
  return { variable: r.variable, mode: r.mode, dt: r.dt, rate: r.rate, first_step: r.firstStep, initial_step: r.initialStep ?? -1, ...(r.units ? { units: Array.from(r.units) } : {}) };
}

/** The recording's columns: `time`, then one per unit, each of the recording's float type. */
function columnsOf(r: Recording): Record<string, NumericArray> {
  const [rows, units] = r.shape;
  const data = r.data;
  const columns: [string, NumericArray][] = [['time', r.times()]];
  for (let i = 0; i < units; i++) {
    const column = new (data instanceof Float32Array ? Float32Array : Float64Array)(rows);
    for (let t = 0; t < rows; t++) column[t] = data[t * units + i];
    columns.push([unitColumn(r.variable, r.units ? r.units[i] : i), column]);
  }
  return Object.fromEntries(columns);
}

/**
 * Saves a recording in the format its file name says:
 *
 * - `.npy`: the values, a rows × units matrix of the recording's dtype
 *   (`np.load(path)`); nothing else.
 * - `.npz`: `data` (rows × units), `times` (seconds, float64), and 0-d
 *   arrays `variable` and `mode` (text), `dt` (float64), `rate`,
 *   `first_step` and `initial_step` (int64, −1 when there is no initial
 *   row), and `units` (int32, the unit of each column) when a subset of
 *   units was recorded: `f = np.load(path); f['data'], float(f['dt'])`.
 * - `.arrow` or `.feather` (Arrow IPC), `.parquet`: a wide table, one row
 *   per recorded row: a `time` column (seconds, float64), then one column
 *   per unit named `variable[i]` (`v[0]`, `v[1]`, …, i the unit) of the recording's
 *   dtype; the rest as JSON in the schema's metadata under
 *   `neural.recording` (`{"variable", "mode", "dt", "rate", "first_step",
 *   "initial_step"}`). `pd.read_feather(path)`, `pd.read_parquet(path)`;
 *   `df.melt(id_vars='time')` gives the long form (time, unit, value).
 *
 * float32 recordings stay float32 in every format.
 * @param path - the file, ending in `.npy`, `.npz`, `.arrow`, `.feather`
 *   or `.parquet`; its folder is created; written to a temporary file first
 *   and renamed, so it is whole or absent
 * @param recording - a recording (`container.recorder.get('v')`)
 * @param options - `compress` for `.npz` and `.parquet`
 * @throws {@link InputDataError} for another extension, something other
 *   than a recording, an unknown option, or `compress` with an Arrow file
 * @throws {@link DataFileError} when the file cannot be written
 * @example await saveRecording('out/v.arrow', hh.recorder.get('v'));
 */
export async function saveRecording(path: string, recording: Recording, options?: SaveRecordingOptions): Promise<void> {
  const where = 'saveRecording';
  const { compress, ext } = checkSave(where, path, EXTENSIONS, options);
  const r = recording as Partial<Recording> | null;
  if (r === null || typeof r !== 'object' || typeof r.times !== 'function' || !Array.isArray(r.shape) || typeof r.variable !== 'string') {
    throw new InputDataError(where, `recording is ${describeValue(recording)}.`, "Pass a recording, e.g. container.recorder.get('v'); save other arrays with saveNpy, saveNpz, saveArrow or saveParquet.");
  }
  const file = `${where}('${path}')`;
  const metadata = { [META_KEY]: JSON.stringify(metaOf(recording)) };
  let parts: Uint8Array[];
  if (ext === '.npy') {
    parts = encodeNpy(checkArrayInput(where, 'recording', recording));
  } else if (ext === '.npz') {
    const meta = metaOf(recording);
    const scalar = (x: number, integer: boolean) => ({ data: integer ? BigInt64Array.of(BigInt(x)) : Float64Array.of(x), shape: [] });
    const arrays = {
      data: recording,
      times: recording.times(),
      variable: { data: [recording.variable], shape: [] },
      mode: { data: [recording.mode], shape: [] },
      dt: scalar(recording.dt, false),
      rate: scalar(recording.rate, true),
      first_step: scalar(meta.first_step as number, true),
      initial_step: scalar(meta.initial_step as number, true),
      ...(recording.units ? { units: recording.units } : {}),
    };
    parts = [encodeNpz(where, arrays, compress ?? false)];
  } else if (ext === '.parquet') {
    parts = [await encodeParquet(where, columnsOf(recording), metadata, compress ?? true)];
  } else {
    parts = [await encodeArrow(where, columnsOf(recording), metadata)];
  }
  await writeParts(file, path, parts);
}

/** The values of a recording read from an .npy array or the `data` of an .npz: 2-D float64 or float32. `name` names it in messages. */
function matrix(damaged: (what: string) => DataFileError, a: NpyArray | undefined, name: string): { data: FloatArray; shape: [number, number] } {
  if (!a) throw damaged(`it has no ${name} array`);
  if ((a.dtype !== 'float64' && a.dtype !== 'float32') || a.shape.length !== 2) {
    throw damaged(`${name} is a ${a.shape.length}-d ${a.dtype} array, not a rows × units matrix of float64 or float32`);
  }
  return { data: a.data, shape: [a.shape[0], a.shape[1]] };
}

/** Checks the meta data read from a file: every field of its type. */
function checkMeta(damaged: (what: string) => DataFileError, m: Record<string, unknown>): RecordingMeta {
  const steps = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x);
  const { variable, mode, dt, rate, first_step: firstStep, initial_step: initialStep } = m;
  if (typeof variable !== 'string' || (mode !== 'trace' && mode !== 'sum') || typeof dt !== 'number' || !steps(rate) || !steps(firstStep) || !steps(initialStep)) {
    throw damaged(`its recording metadata (${JSON.stringify(m).slice(0, 200)}) lacks a field or has one of the wrong type`);
  }
  const units = m.units;
  if (units !== undefined && units !== null && !(Array.isArray(units) && units.every((u) => Number.isSafeInteger(u) && (u as number) >= 0))) {
    throw damaged(`its units (${JSON.stringify(units).slice(0, 100)}) are not unit indices`);
  }
  return { variable, mode, dt, rate: rate as number, firstStep: firstStep as number, initialStep: (initialStep as number) < 0 ? null : (initialStep as number), units: (units as number[] | undefined) ?? null };
}

/** A recording from the arrays of an .npz file. */
function fromNpz(damaged: (what: string) => DataFileError, arrays: Record<string, NpyArray>): RecordingFile {
  const { data, shape } = matrix(damaged, arrays.data, "'data'");
  const times = arrays.times;
  if (times && (times.dtype !== 'float64' || times.shape.length !== 1 || times.shape[0] !== shape[0])) {
    throw damaged(`'times' is not ${shape[0]} float64 values, one per row`);
  }
  const keys = ['variable', 'mode', 'dt', 'rate', 'first_step', 'initial_step'];
  let meta: RecordingMeta | null = null;
  if (keys.some((k) => k in arrays)) {
    const value = (k: string): unknown => {
      const a = arrays[k];
      if (!a || a.shape.length !== 0) return undefined;
      return a.dtype === 'int64' ? Number(a.data[0]) : a.data[0];
    };
    const units = arrays.units;
    meta = checkMeta(damaged, { ...Object.fromEntries(keys.map((k) => [k, value(k)])), units: units && units.dtype === 'int32' ? Array.from(units.data as Int32Array) : undefined });
  }
  return { data, shape, times: times ? (times.data as Float64Array) : null, meta };
}

/** A recording from a table: `time`, then the units' columns, all float64 or all float32. */
function fromTable(damaged: (what: string) => DataFileError, table: ColumnTable): RecordingFile {
  const [first, ...units] = Object.entries(table.columns);
  if (!first || first[0] !== 'time' || !(first[1] instanceof Float64Array)) throw damaged("its first column is not 'time' (float64), as saveRecording writes it");
  const float32 = units.length > 0 && units[0][1] instanceof Float32Array;
  for (const [name, column] of units) {
    if (!(column instanceof (float32 ? Float32Array : Float64Array))) throw damaged(`column '${name}' is not of the first unit's type (${float32 ? 'float32' : 'float64'})`);
  }
  const rows = first[1].length;
  const data = new (float32 ? Float32Array : Float64Array)(rows * units.length);
  units.forEach(([, column], i) => {
    for (let t = 0; t < rows; t++) data[t * units.length + i] = (column as FloatArray)[t];
  });
  let meta: RecordingMeta | null = null;
  const text = table.metadata[META_KEY];
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw damaged(`its '${META_KEY}' metadata is not JSON`);
    }
    meta = checkMeta(damaged, parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {});
  }
  return { data, shape: [rows, units.length], times: first[1], meta };
}

/**
 * Reads a recording saved by {@link saveRecording}, in the format its file
 * name says, as plain data. A table (`.arrow`, `.feather`, `.parquet`)
 * written by other means is read when its first column is `time` (float64)
 * and the others are all float64 or all float32; its `meta` is then null.
 * @param path - the file, ending in `.npy`, `.npz`, `.arrow`, `.feather` or `.parquet`
 * @returns the values (rows × units), the shape, the times (null from
 *   `.npy`) and the metadata (null from `.npy`)
 * @throws {@link InputDataError} for another extension
 * @throws {@link DataFileError} when the file cannot be read, is damaged,
 *   in another format, or does not hold a recording laid out as
 *   saveRecording writes it
 * @example const { data, shape, times, meta } = await loadRecording('out/v.npz');
 */
export async function loadRecording(path: string): Promise<RecordingFile> {
  checkPath('loadRecording', path, EXTENSIONS);
  const where = `loadRecording('${path}')`;
  const bytes = await readBytes(where, path);
  const damaged = (what: string) => new DataFileError(where, `'${path}' holds no recording: ${what}.`, 'Pass a file written by saveRecording, or read it with loadNpy, loadNpz, loadArrow or loadParquet.');
  const ext = path.slice(path.lastIndexOf('.')).toLowerCase();
  if (ext === '.npy') return { ...matrix(damaged, decodeNpy(where, path, bytes, 'loadRecording'), 'the array'), times: null, meta: null };
  if (ext === '.npz') return fromNpz(damaged, decodeNpz(where, path, bytes, 'loadRecording'));
  if (ext === '.parquet') return fromTable(damaged, await decodeParquet(where, path, bytes, 'loadRecording'));
  return fromTable(damaged, await decodeArrow(where, path, bytes, 'loadRecording'));
}
