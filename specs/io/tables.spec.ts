/**
 * Arrow IPC and Parquet files of named columns: what saveArrow and
 * saveParquet write is read back with its schema, values (bit for bit) and
 * metadata by pyarrow and pandas (when Python has them) and by a reader
 * that is not the writer (apache-arrow's RecordBatchFileReader; hyparquet's
 * row reader); what pyarrow writes is read by loadArrow and loadParquet;
 * damaged and foreign files are refused.
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordBatchFileReader } from 'apache-arrow';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { DataFileError, InputDataError, loadArrow, loadParquet, saveArrow, saveParquet, type ColumnTable, type Columns, type NumericArray } from '../../lib/index.js';
import { rejects, temporaryFolder } from '../support.js';
import { hasPython, hex, needsPython, ownBuffer, python, samples } from './independent.js';

/** One format: its calls, extension, signature, and how pyarrow and an independent JavaScript reader see a file. */
interface Format {
  name: string;
  ext: string;
  magic: string;
  save: (path: string, columns: Columns, options?: { metadata?: Record<string, string> }) => Promise<void>;
  load: (path: string) => Promise<ColumnTable>;
  /** pyarrow's reader, as Python code that sets `t` from `path`. */
  pyarrow: string;
  /** pandas' reader, as a Python expression of `path`. */
  pandas: string;
  /** The type names an independent JavaScript reader gives each column, and the values it reads, as hex. */
  independent: (bytes: Uint8Array) => Promise<{ types: Record<string, string>; values: Record<string, string>; metadata: Record<string, string> }>;
  /** The type names each dtype has for that reader. */
  types: Record<string, string>;
}

const FORMATS: Format[] = [
  {
    name: 'Arrow IPC',
    ext: '.arrow',
    magic: 'ARROW1',
    save: saveArrow,
    load: loadArrow,
    pyarrow: 'import pyarrow.feather as feather; t = feather.read_table(path)',
    pandas: 'pd.read_feather(path)',
    independent: async (bytes) => {
      const reader = RecordBatchFileReader.from(bytes).open();
      const { fields, metadata } = reader.schema;
      const batches = reader.readAll();
      const column = (name: string) => {
        const parts = batches.map((b) => b.getChild(name)!.toArray() as NumericArray);
        return parts.map((p) => hex(p)).join('');
      };
      return {
        types: Object.fromEntries(fields.map((f) => [f.name, String(f.type)])),
        values: Object.fromEntries(fields.map((f) => [f.name, column(f.name)])),
        metadata: Object.fromEntries(metadata),
      };
    },
    types: { float64: 'Float64', float32: 'Float32', int32: 'Int32', uint8: 'Uint8', int64: 'Int64' },
  },
  {
    name: 'Parquet',
    ext: '.parquet',
    magic: 'PAR1',
    save: saveParquet,
    load: loadParquet,
    pyarrow: 'import pyarrow.parquet as pq; t = pq.read_table(path)',
    pandas: 'pd.read_parquet(path)',
    independent: async (bytes) => {
      const file = ownBuffer(bytes);
      const metadata = parquetMetadata(file);
      const rows = await parquetReadObjects({ file });
      const leaves = metadata.schema.slice(1);
      const arrays: Record<string, string> = { DOUBLE: 'float64', FLOAT: 'float32', INT32: 'int32', INT64: 'int64', UINT_8: 'uint8' };
      const of = { float64: Float64Array, float32: Float32Array, int32: Int32Array, uint8: Uint8Array, int64: BigInt64Array } as const;
      const typeOf = (e: (typeof leaves)[number]) => [e.type, e.converted_type].filter(Boolean).join(' ');
      const values = leaves.map((e) => {
        const dtype = arrays[e.converted_type ?? (e.type as string)] as keyof typeof of;
        return [e.name, hex((of[dtype] as unknown as { from(x: unknown[]): NumericArray }).from(rows.map((r) => r[e.name])))];
      });
      return {
        types: Object.fromEntries(leaves.map((e) => [e.name, typeOf(e)])),
        values: Object.fromEntries(values),
        metadata: Object.fromEntries((metadata.key_value_metadata ?? []).map(({ key, value }) => [key, value ?? ''])),
      };
    },
    types: { float64: 'DOUBLE', float32: 'FLOAT', int32: 'INT32', uint8: 'INT32 UINT_8', int64: 'INT64' },
  },
];

/** pyarrow's names of each dtype. */
const PYARROW_TYPES: Record<string, string> = { float64: 'double', float32: 'float', int32: 'int32', uint8: 'uint8', int64: 'int64' };

/** pyarrow's view of a file: column names, types, values as hex, and the metadata. */
function pyarrowReads(format: Format, path: string): { types: Record<string, string>; values: Record<string, string>; metadata: Record<string, string> } {
  return python(
    `import sys, json
path = sys.argv[1]
${format.pyarrow}
meta = {k.decode(): v.decode() for k, v in (t.schema.metadata or {}).items()}
print(json.dumps({'types': {f.name: str(f.type) for f in t.schema}, 'values': {n: t.column(n).to_numpy().tobytes().hex() for n in t.column_names}, 'metadata': meta}))`,
    path,
  );
}

for (const format of FORMATS) {
  describe(`io/tables: ${format.name}`, () => {
    const folder = temporaryFolder('neural-tables-');
    const file = (name: string) => join(folder(), `${name}${format.ext}`);
    const columns = samples();
    const metadata = { units: 'mV', note: 'ünïcode' };

    before(async () => {
      await format.save(file('all'), columns, { metadata });
    });

    it(`starts and ends with ${format.magic}`, () => {
      const bytes = readFileSync(file('all'));
      expect(bytes.subarray(0, format.magic.length).toString('latin1')).to.equal(format.magic);
      expect(bytes.subarray(bytes.length - format.magic.length).toString('latin1')).to.equal(format.magic);
    });

    it('an independent reader sees each column with its type, its values bit for bit, and the metadata', async () => {
      const seen = await format.independent(readFileSync(file('all')));
      expect(seen.types).to.deep.equal(Object.fromEntries(Object.keys(columns).map((k) => [k, format.types[k]])));
      expect(seen.values).to.deep.equal(Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, hex(v)])));
      expect(seen.metadata).to.deep.include(metadata);
    });

    it('the loader returns the same columns, in order, of the same types, and the metadata', async () => {
      const back = await format.load(file('all'));
      expect(Object.keys(back.columns)).to.deep.equal(Object.keys(columns));
      for (const [k, v] of Object.entries(columns)) {
        expect(back.columns[k].constructor, k).to.equal(v.constructor);
        expect(hex(back.columns[k]), k).to.equal(hex(v));
      }
      expect(back.metadata).to.deep.include(metadata);
    });

    it('pyarrow reads the types, values and metadata; pandas the values', function () {
      needsPython(this, 'pyarrow');
      const seen = pyarrowReads(format, file('all'));
      expect(seen.types).to.deep.equal(Object.fromEntries(Object.keys(columns).map((k) => [k, PYARROW_TYPES[k]])));
      expect(seen.values).to.deep.equal(Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, hex(v)])));
      expect(seen.metadata).to.deep.include(metadata);
      if (!hasPython('pandas')) return;
      const frame = python<Record<string, [string, string]>>(
        `import sys, json, pandas as pd
path = sys.argv[1]
df = ${format.pandas}
print(json.dumps({n: [str(df[n].dtype), df[n].to_numpy().tobytes().hex()] for n in df.columns}))`,
        file('all'),
      );
      expect(frame).to.deep.equal(Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, [k, hex(v)]])));
    });

    it('a table of no rows, and one of no columns, round-trip', async function () {
      await format.save(file('no-rows'), { time: new Float64Array(0), v: new Float32Array(0) });
      const back = await format.load(file('no-rows'));
      expect(back.columns.time).to.be.instanceOf(Float64Array).with.length(0);
      expect(back.columns.v).to.be.instanceOf(Float32Array).with.length(0);
      await format.save(file('no-columns'), {});
      expect((await format.load(file('no-columns'))).columns).to.deep.equal({});
      if (!hasPython('pyarrow')) return;
      expect(pyarrowReads(format, file('no-rows')).types).to.deep.equal({ time: 'double', v: 'float' });
    });

    it('reads what pyarrow writes: NaN kept, missing floats as NaN, compressed pages', async function () {
      needsPython(this, 'pyarrow');
      const codecs = format.ext === '.arrow' ? ['uncompressed', 'zstd'] : ['none', 'snappy', 'gzip', 'zstd'];
      const written = python<Record<string, string>>(
        `import sys, json, numpy as np, pyarrow as pa, pyarrow.feather as feather, pyarrow.parquet as pq
base, ext = sys.argv[1], sys.argv[2]
a = np.arange(3000, dtype=np.float64) / 7
a[5] = np.nan
t = pa.table({'a': a, 'b': pa.array([1.5, None, 2.5] * 1000, type=pa.float32()), 'c': np.arange(3000, dtype=np.int32), 'd': np.arange(3000, dtype=np.int64) * 2**40, 'e': (np.arange(3000) % 256).astype(np.uint8)})
for codec in sys.argv[3:]:
    if ext == '.arrow': feather.write_feather(t, f'{base}-{codec}{ext}', compression=codec)
    else: pq.write_table(t, f'{base}-{codec}{ext}', compression=codec)
b = np.array([1.5, np.nan, 2.5] * 1000, dtype=np.float32)
print(json.dumps({'a': a.tobytes().hex(), 'b': b.tobytes().hex(), 'c': t.column('c').to_numpy().tobytes().hex(), 'd': t.column('d').to_numpy().tobytes().hex(), 'e': t.column('e').to_numpy().tobytes().hex()}))`,
        join(folder(), 'py'),
        format.ext,
        ...codecs,
      );
      for (const codec of codecs) {
        const back = await format.load(join(folder(), `py-${codec}${format.ext}`));
        expect(Object.fromEntries(Object.entries(back.columns).map(([k, v]) => [k, hex(v)])), codec).to.deep.equal(written);
        expect(back.columns.e, codec).to.be.instanceOf(Uint8Array);
      }
    });

    it('refuses integers with nulls, text columns and (Arrow) LZ4, saying how to write them instead', async function () {
      needsPython(this, 'pyarrow');
      python(
        `import sys, json, pyarrow as pa, pyarrow.feather as feather, pyarrow.parquet as pq
base, ext = sys.argv[1], sys.argv[2]
write = (lambda t, p, **k: feather.write_feather(t, p, compression=k.get('compression', 'uncompressed'))) if ext == '.arrow' else (lambda t, p, **k: pq.write_table(t, p))
write(pa.table({'n': pa.array([1, None], type=pa.int32())}), f'{base}-nulls{ext}')
write(pa.table({'s': ['a', 'b']}), f'{base}-text{ext}')
if ext == '.arrow': write(pa.table({'x': [1.0]}), f'{base}-lz4{ext}', compression='lz4')
print('{}')`,
        join(folder(), 'py'),
        format.ext,
      );
      const call = format.ext === '.arrow' ? 'loadArrow' : 'loadParquet';
      const path = (name: string) => join(folder(), `py-${name}${format.ext}`);
      await rejects(() => format.load(path('nulls')), DataFileError, { where: `${call}('${path('nulls')}')`, message: "column 'n' has", fix: /fillna\(0\)/ });
      await rejects(() => format.load(path('text')), DataFileError, { message: /column 's' holds .* values, which are not read/, fix: /astype\("float64"\)/ });
      if (format.ext === '.arrow') await rejects(() => format.load(path('lz4')), DataFileError, { message: 'is compressed with LZ4', fix: /compression='uncompressed'/ });
    });

    it('refuses bad columns, options and paths (InputDataError), damaged and foreign files (DataFileError)', async () => {
      const save = format.ext === '.arrow' ? 'saveArrow' : 'saveParquet';
      await rejects(() => format.save(file('x'), { a: Float64Array.of(1, 2), b: Int32Array.of(1) }), InputDataError, { where: save, message: "column 'b' has 1 values but 'a' has 2.", fix: /equal length/ });
      await rejects(() => format.save(file('x'), { a: [1, 2] as never }), InputDataError, { message: "column 'a' is [1,2], not a typed array", fix: /Float64Array\.from/ });
      await rejects(() => format.save(file('x'), Float64Array.of(1) as never), InputDataError, { message: 'columns are a Float64Array of length 1.' });
      await rejects(() => format.save(file('x'), { a: Float64Array.of(1) }, { metadata: { n: 1 as never } }), InputDataError, { message: 'metadata is an object.', fix: /JSON\.stringify/ });
      await rejects(() => format.save(join(folder(), 'x.csv'), {}), InputDataError, { message: "ends in '.csv'" });
      const good = readFileSync(file('all'));
      writeFileSync(file('cut'), good.subarray(0, good.length - 9));
      await rejects(() => format.load(file('cut')), DataFileError, { message: /is damaged: it does not end as an? (Arrow IPC|Parquet) file does/, fix: /cut short/ });
      const hole = Buffer.from(good);
      hole.fill(0xff, format.magic.length + 2, good.length - format.magic.length - 8);
      writeFileSync(file('hole'), hole);
      await rejects(() => format.load(file('hole')), DataFileError, { message: /is damaged/ });
      writeFileSync(file('zip'), Buffer.from('PK\x03\x04...', 'latin1'));
      await rejects(() => format.load(file('zip')), DataFileError, { message: 'is a zip archive (.npz), not', fix: /Read it with loadNpz/ });
    });
  });
}
