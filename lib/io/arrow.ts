/**
 * Apache Arrow IPC files (Feather version 2), through the apache-arrow
 * package, loaded on first use so that importing the library does not load
 * it. ZSTD-compressed files are read through fzstd; LZ4 (pyarrow's default)
 * is not.
 */
import { decompress } from 'fzstd';
import { DataFileError } from '../errors.js';
import { checkOptions, type OptionRules } from '../options.js';
import { DTYPES, checkColumns, checkMetadata, checkPath, foreignFile, readBytes, startsWith, writeParts, type ColumnOptions, type ColumnTable, type Columns, type NumericArray, type NumericDtype } from './files.js';

const ARROW_KEYS: OptionRules = { metadata: { type: 'record' } };
const MAGIC = 'ARROW1';
/** The extensions of Arrow IPC files. */
export const ARROW_EXTENSIONS: readonly string[] = ['.arrow', '.feather'];

/** The dtype of each Arrow type that is read (as apache-arrow names them). */
const TYPES: Readonly<Record<string, NumericDtype>> = { Float64: 'float64', Float32: 'float32', Int32: 'int32', Uint8: 'uint8', Int64: 'int64' };

/** The bytes of an Arrow IPC file holding checked columns and metadata. */
export async function encodeArrow(where: string, columns: unknown, metadata: unknown): Promise<Uint8Array> {
  const checked = checkColumns(where, columns);
  const entries = checkMetadata(where, metadata);
  const arrow = await import('apache-arrow');
  const table = new arrow.Table(Object.fromEntries(checked.map(([name, data]) => [name, arrow.makeVector(data)])));
  for (const [key, value] of entries) table.schema.metadata.set(key, value);
  return arrow.tableToIPC(table, 'file');
}

/**
 * Reads the bytes of an Arrow IPC file into columns.
 * Missing values of a float column are NaN.
 * @throws {@link DataFileError} for a damaged or foreign file, a column of another type, or integers with nulls
 */
export async function decodeArrow(where: string, path: string, bytes: Uint8Array, call = 'loadArrow'): Promise<ColumnTable> {
  if (!startsWith(bytes, MAGIC)) throw foreignFile(where, path, bytes, 'an Arrow IPC file', call);
  if (!startsWith(bytes, MAGIC, bytes.length - MAGIC.length) || bytes.length < 2 * MAGIC.length + 4) {
    throw new DataFileError(where, `'${path}' is damaged: it does not end as an Arrow IPC file does.`, 'Write the file again; it may have been cut short.');
  }
  const arrow = await import('apache-arrow');
  // A decoder for ZSTD buffers, unless the process registered one already. A copy: fzstd may
  // return a view at any offset, and apache-arrow needs each buffer aligned for its type.
  if (!arrow.compressionRegistry.get(arrow.CompressionType.ZSTD)) arrow.compressionRegistry.set(arrow.CompressionType.ZSTD, { decode: (bytes) => decompress(bytes).slice() });
  let table: InstanceType<typeof arrow.Table>;
  try {
    table = arrow.tableFromIPC(bytes);
  } catch (error) {
    const message = (error as Error).message;
    if (/compressed but codec not found/.test(message)) {
      throw new DataFileError(where, `'${path}' is compressed with LZ4 (the default of pyarrow and pandas), which is not read.`, "Write it uncompressed or with ZSTD: df.to_feather(path, compression='uncompressed') or pyarrow.feather.write_feather(table, path, compression='zstd').", { cause: error });
    }
    throw new DataFileError(where, `'${path}' is damaged: ${message.replace(/\.$/, '')}.`, 'Write the file again (pyarrow.feather.write_feather or saveArrow).', { cause: error });
  }
  const columns: [string, NumericArray][] = [];
  for (const field of table.schema.fields) {
    const type = String(field.type);
    const dtype = TYPES[type];
    if (!dtype) {
      throw new DataFileError(where, `'${path}' column '${field.name}' holds ${type} values, which are not read.`, 'Convert it first, e.g. df[name] = df[name].astype("float64"); float64, float32, int32, uint8 and int64 columns are read.');
    }
    const vector = table.getChild(field.name);
    if (!vector) throw new DataFileError(where, `'${path}' is damaged: column '${field.name}' has no values.`, 'Write the file again.');
    const float = dtype === 'float64' || dtype === 'float32';
    if (vector.nullCount > 0 && !float) {
      throw new DataFileError(where, `'${path}' column '${field.name}' has ${vector.nullCount} missing values (nulls) in a column of integers.`, 'Fill them first (df[name].fillna(0)), drop those rows, or make it a float column (missing values are read as NaN there).');
    }
    // A copy, so that each column has a buffer of its own rather than a view into the file's bytes.
    const values = vector.toArray() as NumericArray;
    const own = new DTYPES[dtype].of(values.length) as NumericArray;
    (own as Float64Array).set(values as Float64Array);
    // Missing values of a float column are NaN, as pandas writes NaN.
    if (vector.nullCount > 0) for (let i = 0; i < own.length; i++) if (!vector.isValid(i)) own[i] = Number.NaN;
    columns.push([field.name, own]);
  }
  return { columns: Object.fromEntries(columns), metadata: Object.fromEntries(table.schema.metadata) };
}

/**
 * Writes named columns as an Apache Arrow IPC file (Feather version 2,
 * uncompressed): `pyarrow.feather.read_table(path)`,
 * `pandas.read_feather(path)` and `polars.read_ipc(path)` read it.
 * @param path - the file to write, ending in `.arrow` or `.feather`; its
 *   folder is created; written to a temporary file first and renamed
 * @param columns - name → a Float64Array, Float32Array, Int32Array,
 *   Uint8Array or BigInt64Array, all of one length; each keeps its type
 * @param options - `metadata`: text by key, kept in the schema
 * @throws {@link InputDataError} for a path with another extension, columns
 *   of other kinds or different lengths, a bad name or unknown option
 * @throws {@link DataFileError} when the file cannot be written
 * @example await saveArrow('out/spikes.arrow', { unit: events.unit, time: times });
 */
export async function saveArrow(path: string, columns: Columns, options?: ColumnOptions): Promise<void> {
  const where = 'saveArrow';
  checkPath(where, path, ARROW_EXTENSIONS);
  const { metadata } = checkOptions<ColumnOptions>(where, options, ARROW_KEYS);
  await writeParts(`${where}('${path}')`, path, [await encodeArrow(where, columns, metadata)]);
}

/**
 * Reads an Apache Arrow IPC file (Feather version 2, as
 * `pyarrow.feather.write_feather` and `DataFrame.to_feather` write it,
 * uncompressed or ZSTD-compressed, not LZ4) into its columns. Missing values (nulls) of a float column
 * are read as NaN, as pandas writes NaN.
 * @param path - the file
 * @returns every column, in the file's order, and the schema's metadata
 * @throws {@link InputDataError} for a path that is not a string
 * @throws {@link DataFileError} when the file cannot be read, is damaged or
 *   not an Arrow IPC file, or holds a column of another type (text, dates,
 *   int16 …), integers with missing values, or LZ4-compressed buffers
 * @example const { columns } = await loadArrow('spikes.arrow');
 */
export async function loadArrow(path: string): Promise<ColumnTable> {
  checkPath('loadArrow', path, []);
  const where = `loadArrow('${path}')`;
  return decodeArrow(where, path, await readBytes(where, path));
}
