/**
 * Apache Parquet files, written by hyparquet-writer and read by hyparquet
 * (plain JavaScript, no native code), both loaded on first use. Pages
 * compressed with Snappy (hyparquet), GZIP (fflate) and ZSTD (fzstd, the
 * default of polars) are read.
 */
import { gunzipSync } from 'fflate';
import { decompress } from 'fzstd';
import type { Compressors, SchemaElement } from 'hyparquet';
import { DataFileError } from '../errors.js';
import { checkOptions, type OptionRules } from '../options.js';
import { DTYPES, checkColumns, checkMetadata, checkPath, foreignFile, readBytes, startsWith, writeParts, type ColumnOptions, type ColumnTable, type Columns, type NumericArray, type NumericDtype } from './files.js';

/** Options of {@link saveParquet}. */
export interface ParquetOptions extends ColumnOptions {
  /** Compress each page with Snappy, as pyarrow does by default (default true). */
  compress?: boolean;
}

const PARQUET_KEYS: OptionRules = { metadata: { type: 'record' }, compress: { type: 'boolean' } };
const MAGIC = 'PAR1';
/** The decompressors hyparquet lacks (it reads Snappy itself). */
const DECOMPRESSORS: Compressors = { GZIP: (input) => gunzipSync(input), ZSTD: (input) => decompress(input) };

/** The Parquet schema element of each dtype: its physical type, and for uint8 the annotation that it is one. */
const ELEMENTS: { readonly [D in NumericDtype]: Omit<SchemaElement, 'name'> } = {
  float64: { type: 'DOUBLE', repetition_type: 'REQUIRED' },
  float32: { type: 'FLOAT', repetition_type: 'REQUIRED' },
  int32: { type: 'INT32', repetition_type: 'REQUIRED' },
  uint8: { type: 'INT32', repetition_type: 'REQUIRED', converted_type: 'UINT_8' },
  int64: { type: 'INT64', repetition_type: 'REQUIRED' },
};

/** The bytes of a Parquet file holding checked columns and metadata. */
export async function encodeParquet(where: string, columns: unknown, metadata: unknown, compress: boolean): Promise<Uint8Array> {
  const checked = checkColumns(where, columns);
  const entries = checkMetadata(where, metadata);
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const schema: SchemaElement[] = [{ name: 'root', num_children: checked.length }, ...checked.map(([name, , dtype]) => ({ name, ...ELEMENTS[dtype] }))];
  const buffer = parquetWriteBuffer({
    columnData: checked.map(([name, data]) => ({ name, data })),
    schema,
    codec: compress ? 'SNAPPY' : 'UNCOMPRESSED',
    kvMetadata: entries.map(([key, value]) => ({ key, value })),
  });
  return new Uint8Array(buffer);
}

/** The dtype a leaf of a Parquet schema is read as, or undefined when it is not read. */
function dtypeOfElement(e: SchemaElement): NumericDtype | undefined {
  const logical = e.logical_type as { type: string; bitWidth?: number; isSigned?: boolean } | undefined;
  const integer = (bits: number, signed: boolean, converted: string) =>
    (logical === undefined || (logical.type === 'INTEGER' && logical.bitWidth === bits && logical.isSigned === signed)) && (e.converted_type === undefined || e.converted_type === converted);
  if (e.type === 'DOUBLE' && !logical && !e.converted_type) return 'float64';
  if (e.type === 'FLOAT' && !logical && !e.converted_type) return 'float32';
  if (e.type === 'INT32' && (e.converted_type === 'UINT_8' || (logical?.bitWidth === 8 && logical.isSigned === false)) && integer(8, false, 'UINT_8')) return 'uint8';
  if (e.type === 'INT32' && integer(32, true, 'INT_32')) return 'int32';
  if (e.type === 'INT64' && integer(64, true, 'INT_64')) return 'int64';
  return undefined;
}

/**
 * Reads the bytes of a Parquet file into columns; missing values of a float
 * column are NaN.
 * @throws {@link DataFileError} for a damaged or foreign file, nested columns, a column of another type, or integers with nulls
 */
export async function decodeParquet(where: string, path: string, bytes: Uint8Array, call = 'loadParquet'): Promise<ColumnTable> {
  if (!startsWith(bytes, MAGIC)) throw foreignFile(where, path, bytes, 'a Parquet file', call);
  if (bytes.length < 12 || !startsWith(bytes, MAGIC, bytes.length - MAGIC.length)) {
    throw new DataFileError(where, `'${path}' is damaged: it does not end as a Parquet file does.`, 'Write the file again; it may have been cut short.');
  }
  const { parquetMetadata, parquetRead } = await import('hyparquet');
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const damaged = (error: unknown) => new DataFileError(where, `'${path}' is damaged or uses what is not read (${(error as Error).message}).`, 'Write it again with pyarrow (pandas.DataFrame.to_parquet) uncompressed or with Snappy, GZIP or ZSTD, or with saveParquet.', { cause: error });
  let metadata: ReturnType<typeof parquetMetadata>;
  try {
    metadata = parquetMetadata(file);
  } catch (error) {
    throw damaged(error);
  }
  const [root, ...leaves] = metadata.schema;
  const rows = Number(metadata.num_rows);
  const out: [string, NumericArray][] = [];
  for (const e of leaves) {
    if ((e.num_children ?? 0) > 0 || root.num_children !== leaves.length) {
      throw new DataFileError(where, `'${path}' holds nested columns ('${e.name}').`, 'Flatten the table first: one column of numbers each.');
    }
    const dtype = dtypeOfElement(e);
    if (!dtype) {
      const kind = [e.type, e.converted_type, (e.logical_type as { type?: string } | undefined)?.type].filter((x) => x !== undefined).join(' ');
      throw new DataFileError(where, `'${path}' column '${e.name}' holds ${kind} values, which are not read.`, 'Convert it first, e.g. df[name] = df[name].astype("float64"); float64, float32, int32, uint8 and int64 columns are read.');
    }
    out.push([e.name, new DTYPES[dtype].of(rows)]);
  }
  const byName = new Map(out);
  const filled = new Map(out.map(([name]) => [name, 0]));
  // hyparquet calls onChunk where a throw would not reach this function: problems are noted, and thrown after the read.
  const withNulls = new Set<string>();
  try {
    await parquetRead({
      file,
      metadata,
      compressors: DECOMPRESSORS,
      onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
        const target = byName.get(columnName) as NumericArray;
        const n = rowEnd - rowStart;
        if (ArrayBuffer.isView(columnData)) {
          (target as Float64Array).set((columnData as Float64Array).subarray(0, n), rowStart);
        } else {
          // An optional column: missing values are null, read as NaN in a float column (as pandas writes NaN).
          const float = target instanceof Float64Array || target instanceof Float32Array;
          const values = Array.from(columnData as ArrayLike<unknown>).slice(0, n);
          for (let k = 0; k < values.length; k++) {
            if (values[k] !== null && values[k] !== undefined) continue;
            if (float) values[k] = Number.NaN;
            else withNulls.add(columnName);
          }
          if (!withNulls.has(columnName)) (target as unknown as { set(values: unknown[], offset: number): void }).set(values, rowStart);
        }
        filled.set(columnName, (filled.get(columnName) ?? 0) + n);
      },
    });
  } catch (error) {
    throw damaged(error);
  }
  for (const name of withNulls) {
    throw new DataFileError(where, `'${path}' column '${name}' has missing values (nulls) in a column of integers.`, 'Fill them first (df[name].fillna(0)), drop those rows, or make it a float column (missing values are read as NaN there).');
  }
  for (const [name, count] of filled) {
    if (count !== rows) throw new DataFileError(where, `'${path}' is damaged: column '${name}' holds ${count} of its ${rows} rows.`, 'Write the file again.');
  }
  const metadataEntries = (metadata.key_value_metadata ?? []).map(({ key, value }) => [key, value ?? ''] as const);
  return { columns: Object.fromEntries(out), metadata: Object.fromEntries(metadataEntries) };
}

/**
 * Writes named columns as an Apache Parquet file (one row group per 100,000
 * rows after the first 1,000, Snappy-compressed unless `compress: false`):
 * `pandas.read_parquet(path)`, `pyarrow.parquet.read_table(path)` and
 * `polars.read_parquet(path)` read it.
 * @param path - the file to write, ending in `.parquet`; its folder is
 *   created; written to a temporary file first and renamed
 * @param columns - name → a Float64Array, Float32Array, Int32Array,
 *   Uint8Array or BigInt64Array, all of one length; each keeps its type
 *   (uint8 as an INT32 column marked UINT_8, which pandas reads as uint8)
 * @param options - `metadata`: text by key, kept in the file's key-value
 *   metadata; `compress` (default true)
 * @throws {@link InputDataError} for a path with another extension, columns
 *   of other kinds or different lengths, a bad name or unknown option
 * @throws {@link DataFileError} when the file cannot be written
 * @example await saveParquet('out/spikes.parquet', { unit: events.unit, time: times });
 */
export async function saveParquet(path: string, columns: Columns, options?: ParquetOptions): Promise<void> {
  const where = 'saveParquet';
  checkPath(where, path, ['.parquet']);
  const { metadata, compress = true } = checkOptions<ParquetOptions>(where, options, PARQUET_KEYS);
  await writeParts(`${where}('${path}')`, path, [await encodeParquet(where, columns, metadata, compress)]);
}

/**
 * Reads an Apache Parquet file of flat numeric columns (uncompressed, or
 * compressed with Snappy as pyarrow and pandas write by default, ZSTD as
 * polars does, or GZIP) into its columns.
 * Missing values (nulls) of a float column are read as NaN, as pandas
 * writes NaN.
 * @param path - the file
 * @returns every column, in the file's order, and the key-value metadata
 * @throws {@link InputDataError} for a path that is not a string
 * @throws {@link DataFileError} when the file cannot be read, is damaged or
 *   not a Parquet file, uses another compression (Brotli, LZ4), or holds a
 *   nested column, one of another type (text, dates, int16 …) or integers
 *   with missing values
 * @example const { columns, metadata } = await loadParquet('spikes.parquet');
 */
export async function loadParquet(path: string): Promise<ColumnTable> {
  checkPath('loadParquet', path, []);
  const where = `loadParquet('${path}')`;
  return decodeParquet(where, path, await readBytes(where, path));
}
