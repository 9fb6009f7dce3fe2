/**
 * saveSpikes: spikes of a run as events in .npz, Arrow and Parquet, read
 * back by readers that are not the writer (numpy when Python has it, the io
 * specs' own zip reader with npyjs, apache-arrow's reader, hyparquet).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { parquetReadObjects } from 'hyparquet';
import { parse } from 'npyjs';
import { InputDataError, Network, models, saveSpikes, type SpikeRecording } from '../../lib/index.js';
import { rejects, temporaryFolder } from '../support.js';
import { needsPython, ownBuffer, python, unzip } from './independent.js';

async function spikes(): Promise<SpikeRecording> {
  const nn = new Network({ seed: 3 });
  const p = nn.add(models.Poisson, { num: 20, params: { rate: 200 } });
  p.record('spike');
  await nn.compile({ backend: 'js' });
  await nn.run(1e-3, { steps: 100 });
  return p.recorder.spikes();
}

describe('io/spikes', () => {
  const folder = temporaryFolder('neural-spikes-');
  const file = (name: string) => join(folder(), name);

  it('.npz: units, steps, times and the container size and duration, read by a zip reader and npyjs', async () => {
    const s = await spikes();
    expect(s.count).to.be.above(100);
    await saveSpikes(file('s.npz'), s);
    const entries = unzip(new Uint8Array(readFileSync(file('s.npz'))));
    const read = (name: string) => parse(ownBuffer(entries.get(`${name}.npy`)!.data));
    expect(Array.from(read('units').data as Int32Array)).to.deep.equal(Array.from(s.units));
    expect(Array.from(read('steps').data as BigInt64Array, Number)).to.deep.equal(Array.from(s.steps));
    expect(Array.from(read('times').data as Float64Array)).to.deep.equal(Array.from(s.times()));
    expect(Number((read('num').data as BigInt64Array)[0])).to.equal(20);
    expect((read('duration').data as Float64Array)[0]).to.be.closeTo(0.1, 1e-15);
  });

  it('.npz read by numpy', async function () {
    needsPython(this, 'numpy');
    const s = await spikes();
    await saveSpikes(file('n.npz'), s);
    const got = python<{ units: number[]; n: number; t0: number }>("import json, sys, numpy as np\nf = np.load(sys.argv[1])\nprint(json.dumps({'units': f['units'].tolist(), 'n': int(f['num']), 't0': float(f['times'][0])}))", file('n.npz'));
    expect(got.units).to.deep.equal(Array.from(s.units));
    expect(got.n).to.equal(20);
    expect(got.t0).to.equal(s.times()[0]);
  });

  it('.arrow and .parquet: a long table of unit, step and time with the metadata', async () => {
    const s = await spikes();
    await saveSpikes(file('s.arrow'), s);
    const table = tableFromIPC(readFileSync(file('s.arrow')));
    expect(table.schema.fields.map((f) => f.name)).to.deep.equal(['unit', 'step', 'time']);
    expect(Array.from(table.getChild('unit')!.toArray() as Int32Array)).to.deep.equal(Array.from(s.units));
    expect(JSON.parse(table.schema.metadata.get('neural.spikes')!)).to.deep.equal({ variable: 'spike', num: 20, duration: s.duration });
    await saveSpikes(file('s.parquet'), s);
    const bytes = readFileSync(file('s.parquet'));
    const rows = await parquetReadObjects({ file: ownBuffer(new Uint8Array(bytes)) });
    expect(rows.map((r) => Number(r.unit))).to.deep.equal(Array.from(s.units));
    expect(rows.map((r) => Number(r.step))).to.deep.equal(Array.from(s.steps));
  });

  it('refuses a trace, another extension and compress for Arrow', async () => {
    const s = await spikes();
    await rejects(() => saveSpikes(file('s.npy'), s), InputDataError, { where: 'saveSpikes' });
    await rejects(() => saveSpikes(file('s.npz'), { units: [1] } as never), InputDataError, { message: /spikes is/ });
    await rejects(() => saveSpikes(file('s.arrow'), s, { compress: true }), InputDataError, { message: /Arrow files are written uncompressed/ });
  });
});
