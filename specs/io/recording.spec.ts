/**
 * saveRecording and loadRecording: a recording from a run (float64 and
 * float32) in each format, read back by loadRecording and by readers that
 * are not the writer (numpy, pyarrow and pandas when Python has them; the
 * io specs' own zip reader with npyjs; apache-arrow's reader; hyparquet);
 * empty recordings; refusals.
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { parse } from 'npyjs';
import {
  DataFileError, InputDataError, Network, Recording, loadRecording, models, saveArrow, saveNpy, saveNpz, saveRecording, type Dtype, type NumericArray,
} from '../../lib/index.js';
import { rejects, temporaryFolder } from '../support.js';
import { hasPython, hex, needsPython, numpyReads, ownBuffer, python, unzip } from './independent.js';

const EXTENSIONS = ['.npy', '.npz', '.arrow', '.feather', '.parquet'];

/** A recording of 3 IAF units, every 2nd step with an initial row, from a run of the given dtype. */
async function recorded(dtype: Dtype): Promise<Recording> {
  const nn = new Network();
  const iaf = nn.add(models.IAF, { name: 'IAF', num: 3 });
  iaf.connect({ stimulus: 1 });
  iaf.record('v', { rate: 2, initial: true });
  await nn.compile({ backend: 'interpreter', dtype });
  await nn.run(1e-4, { steps: 5 });
  await nn.run(1e-4, { steps: 6 });
  return iaf.recorder.get('v');
}

/** The recording's meta data as loadRecording returns it. */
const metaOf = (r: Recording) => ({ variable: r.variable, mode: r.mode, dt: r.dt, rate: r.rate, firstStep: r.firstStep, initialStep: r.initialStep, units: r.units ? Array.from(r.units) : null });

describe('io/recording', () => {
  const folder = temporaryFolder('neural-recording-');
  const file = (name: string) => join(folder(), name);

  for (const dtype of ['float64', 'float32'] as const) {
    describe(`a ${dtype} recording`, () => {
      let r: Recording;
      const Of = dtype === 'float32' ? Float32Array : Float64Array;
      before(async () => {
        r = await recorded(dtype);
        expect(r.data).to.be.instanceOf(Of);
        expect(r.shape).to.deep.equal([7, 3]);
        for (const ext of EXTENSIONS) await saveRecording(file(`${dtype}${ext}`), r);
      });

      for (const ext of EXTENSIONS) {
        it(`${ext}: loadRecording gives the values (still ${dtype}), shape, times and meta data`, async () => {
          const back = await loadRecording(file(`${dtype}${ext}`));
          expect(back.data).to.be.instanceOf(Of);
          expect(hex(back.data)).to.equal(hex(r.data));
          expect(back.shape).to.deep.equal([7, 3]);
          expect(back.times === null ? null : hex(back.times)).to.equal(ext === '.npy' ? null : hex(r.times()));
          expect(back.meta).to.deep.equal(ext === '.npy' ? null : metaOf(r));
        });
      }

      it('.npy and .npz: npyjs and the zip reader see the matrix, the times and the meta data', () => {
        const npy = parse(ownBuffer(readFileSync(file(`${dtype}.npy`))));
        expect([npy.dtype, npy.shape, hex(npy.data as NumericArray)]).to.deep.equal([dtype === 'float32' ? 'f4' : 'f8', [7, 3], hex(r.data)]);
        const entries = unzip(readFileSync(file(`${dtype}.npz`)));
        expect([...entries.keys()]).to.deep.equal(['data.npy', 'times.npy', 'variable.npy', 'mode.npy', 'dt.npy', 'rate.npy', 'first_step.npy', 'initial_step.npy']);
        const read = (name: string) => parse(ownBuffer(entries.get(`${name}.npy`)!.data));
        expect(hex(read('data').data as NumericArray)).to.equal(hex(r.data));
        expect(hex(read('times').data as NumericArray)).to.equal(hex(r.times()));
        expect([read('variable').data, read('mode').data]).to.deep.equal([['v'], ['trace']]);
        expect([...(read('rate').data as BigInt64Array), ...(read('first_step').data as BigInt64Array), ...(read('initial_step').data as BigInt64Array)]).to.deep.equal([2n, BigInt(r.firstStep), 0n]);
        expect(read('dt').shape).to.deep.equal([]);
      });

      it('.arrow and .parquet: a time column, then one column per unit of the recording\'s type, the meta data as JSON', async () => {
        const names = ['time', 'v[0]', 'v[1]', 'v[2]'];
        const json = { variable: 'v', mode: 'trace', dt: 1e-4, rate: 2, first_step: r.firstStep, initial_step: 0 };
        const table = tableFromIPC(readFileSync(file(`${dtype}.arrow`)));
        expect(table.schema.fields.map((f) => [f.name, String(f.type)])).to.deep.equal(names.map((n, i) => [n, i === 0 ? 'Float64' : dtype === 'float32' ? 'Float32' : 'Float64']));
        expect(hex(table.getChild('v[1]')!.toArray() as NumericArray)).to.equal(hex(Of.from(r.trace(1))));
        expect(JSON.parse(table.schema.metadata.get('neural.recording')!)).to.deep.equal(json);
        const metadata = parquetMetadata(ownBuffer(readFileSync(file(`${dtype}.parquet`))));
        expect(metadata.schema.slice(1).map((e) => [e.name, e.type])).to.deep.equal(names.map((n, i) => [n, i === 0 ? 'DOUBLE' : dtype === 'float32' ? 'FLOAT' : 'DOUBLE']));
        expect(JSON.parse(metadata.key_value_metadata!.find((kv) => kv.key === 'neural.recording')!.value!)).to.deep.equal(json);
      });

      it('numpy reads the .npy and .npz files: the matrix, times and 0-d meta data', function () {
        needsPython(this, 'numpy');
        expect(numpyReads(file(`${dtype}.npy`))['']).to.deep.equal({ descr: dtype === 'float32' ? '<f4' : '<f8', shape: [7, 3], hex: hex(r.data), list: null });
        const f = python<Record<string, unknown>>(
          `import sys, json, numpy as np
f = np.load(sys.argv[1])
print(json.dumps({'data': [f['data'].dtype.str, list(f['data'].shape), f['data'].tobytes().hex()], 'times': f['times'].tobytes().hex(), 'variable': str(f['variable']), 'mode': str(f['mode']), 'dt': float(f['dt']), 'rate': int(f['rate']), 'first_step': int(f['first_step']), 'initial_step': int(f['initial_step'])}))`,
          file(`${dtype}.npz`),
        );
        expect(f).to.deep.equal({
          data: [dtype === 'float32' ? '<f4' : '<f8', [7, 3], hex(r.data)], times: hex(r.times()), variable: 'v', mode: 'trace', dt: 1e-4, rate: 2, first_step: r.firstStep, initial_step: 0,
        });
      });

      it('pandas reads the .arrow, .feather and .parquet files as time and one column per unit', function () {
        needsPython(this, 'pandas', 'pyarrow');
        for (const [ext, reader] of [['.arrow', 'read_feather'], ['.feather', 'read_feather'], ['.parquet', 'read_parquet']]) {
          const frame = python<Record<string, [string, string]>>(
            `import sys, json, pandas as pd
df = pd.${reader}(sys.argv[1])
print(json.dumps({n: [str(df[n].dtype), df[n].to_numpy().tobytes().hex()] for n in df.columns}))`,
            file(`${dtype}${ext}`),
          );
          expect(frame, ext).to.deep.equal({
            time: ['float64', hex(r.times())],
            ...Object.fromEntries([0, 1, 2].map((i) => [`v[${i}]`, [dtype, hex(Of.from(r.trace(i)))]])),
          });
        }
      });
    });
  }

  it('empty recordings (no rows; no units) and a sum round-trip in every format', async function () {
    const cases: [string, Recording][] = [
      ['no-rows', new Recording('g', new Float32Array(0), 4, 1, 1e-3)],
      ['no-units', new Recording('g', new Float64Array(0), 0, 1, 1e-3)],
      ['sum', new Recording('spike', Float64Array.of(3, 0, 5), 3, 100, 1e-4, 'sum', 20)],
    ];
    for (const [name, r] of cases) {
      for (const ext of EXTENSIONS) {
        await saveRecording(file(`${name}${ext}`), r);
        const back = await loadRecording(file(`${name}${ext}`));
        expect(back.shape, `${name}${ext}`).to.deep.equal(r.shape);
        expect(hex(back.data), `${name}${ext}`).to.equal(hex(r.data));
        if (ext !== '.npy') expect([back.meta, hex(back.times!)], `${name}${ext}`).to.deep.equal([metaOf(r), hex(r.times())]);
        if (name === 'no-rows' && ext !== '.npy') expect(back.data, `${name}${ext}`).to.be.instanceOf(Float32Array);
      }
    }
    if (!hasPython('numpy')) return;
    expect(numpyReads(file('no-rows.npy'))['']).to.deep.include({ descr: '<f4', shape: [0, 4] });
    expect(numpyReads(file('sum.npz')).initial_step.hex).to.equal(hex(BigInt64Array.of(-1n)));
  });

  it('reads a table written by other means when it has a time column first; its meta data is then null', async () => {
    await saveArrow(file('plain.arrow'), { time: Float64Array.of(0.1, 0.2), a: Float32Array.of(1, 2), b: Float32Array.of(3, 4) });
    expect(await loadRecording(file('plain.arrow'))).to.deep.equal({ data: Float32Array.of(1, 3, 2, 4), shape: [2, 2], times: Float64Array.of(0.1, 0.2), meta: null });
  });

  describe('refusals', () => {
    it('wrong arguments are InputDataErrors', async () => {
      const r = new Recording('v', Float64Array.of(1, 2), 2, 1, 1e-4);
      await rejects(() => saveRecording(file('v.csv'), r), InputDataError, { where: 'saveRecording', message: "ends in '.csv', not '.npy', '.npz', '.arrow', '.feather' or '.parquet'." });
      await rejects(() => saveRecording(file('v.npz'), Float64Array.of(1) as never), InputDataError, { message: 'recording is a Float64Array of length 1.', fix: /saveNpy, saveNpz, saveArrow or saveParquet/ });
      await rejects(() => saveRecording(file('v.arrow'), r, { compress: true }), InputDataError, { message: 'Arrow files are written uncompressed', fix: /'\.parquet' or '\.npz'/ });
      await rejects(() => saveRecording(file('v.npz'), r, { level: 3 } as never), InputDataError, { message: /level/ });
      await rejects(() => loadRecording(file('v.txt')), InputDataError, { where: 'loadRecording' });
    });

    it('files that hold no recording are DataFileErrors naming the file and the readers to use instead', async () => {
      const fix = 'Pass a file written by saveRecording, or read it with loadNpy, loadNpz, loadArrow or loadParquet.';
      await saveNpy(file('vector.npy'), Float64Array.of(1, 2));
      await rejects(() => loadRecording(file('vector.npy')), DataFileError, { where: `loadRecording('${file('vector.npy')}')`, message: 'holds no recording: the array is a 1-d float64 array, not a rows × units matrix', fix });
      await saveNpz(file('nodata.npz'), { times: Float64Array.of(1) });
      await rejects(() => loadRecording(file('nodata.npz')), DataFileError, { message: "holds no recording: it has no 'data' array", fix });
      await saveNpz(file('badmeta.npz'), { data: { data: Float64Array.of(1), shape: [1, 1] }, rate: Float64Array.of(1) });
      await rejects(() => loadRecording(file('badmeta.npz')), DataFileError, { message: /its recording metadata .* lacks a field or has one of the wrong type/, fix });
      await saveArrow(file('notime.arrow'), { v: Float64Array.of(1) });
      await rejects(() => loadRecording(file('notime.arrow')), DataFileError, { message: "its first column is not 'time' (float64)", fix });
      await saveArrow(file('mixed.arrow'), { time: Float64Array.of(1), a: Float64Array.of(1), b: Int32Array.of(1) });
      await rejects(() => loadRecording(file('mixed.arrow')), DataFileError, { message: "column 'b' is not of the first unit's type (float64)" });
      await saveArrow(file('json.arrow'), { time: Float64Array.of(1) }, { metadata: { 'neural.recording': '{' } });
      await rejects(() => loadRecording(file('json.arrow')), DataFileError, { message: "its 'neural.recording' metadata is not JSON" });
      writeFileSync(file('zip.parquet'), Buffer.from('PK\x03\x04', 'latin1'));
      await rejects(() => loadRecording(file('zip.parquet')), DataFileError, { message: 'is a zip archive (.npz), not a Parquet file', fix: /loadNpz/ });
    });
  });

  it('a recording of a subset of units keeps which unit each column is, in every format that has metadata', async () => {
    const nn = new Network();
    const iaf = nn.add(models.IAF, { name: 'IAF', num: 5 });
    iaf.connect({ stimulus: 1 });
    iaf.record('v', { units: [4, 1] });
    await nn.compile({ backend: 'js' });
    await nn.run(1e-4, { steps: 3 });
    const r = iaf.recorder.get('v');
    for (const ext of ['.npz', '.arrow', '.parquet']) {
      await saveRecording(file(`units${ext}`), r);
      const back = await loadRecording(file(`units${ext}`));
      expect(back.meta, ext).to.deep.equal(metaOf(r));
      expect(back.meta!.units, ext).to.deep.equal([4, 1]);
      expect(Array.from(back.data), ext).to.deep.equal(Array.from(r.data));
    }
    const table = tableFromIPC(readFileSync(file('units.arrow')));
    expect(table.schema.fields.map((f) => f.name)).to.deep.equal(['time', 'v[4]', 'v[1]']);
  });
});
