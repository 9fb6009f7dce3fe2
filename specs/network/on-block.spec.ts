/**
 * Consuming a run block by block: `run(dt, { onBlock })` hands every block's
 * trace rows over; concatenated they equal the kept recording, and with
 * `record(..., { keep: false })` nothing is kept. Options are checked.
 */
import { expect } from 'chai';
import { InputDataError, Network, models } from '../../lib/index.js';
import { rejects } from '../support.js';

const DT = 1e-4;

async function iafNet(dtype: 'float64' | 'float32', keep: boolean) {
  const nn = new Network();
  const iaf = nn.add(models.IAF, { name: 'iaf', num: 4, params: { stimulus: 3 } });
  iaf.record('v', { keep });
  iaf.record('spike', { rate: 3 });
  await nn.compile({ backend: 'js', dtype });
  return { nn, iaf };
}

describe('network/onBlock', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`${dtype}: the blocks' rows, joined, equal the kept recording; keep: false keeps nothing`, async () => {
      const kept = await iafNet(dtype, true);
      await kept.nn.run(DT, { steps: 50 });
      await kept.nn.run(DT, { steps: 50 });
      const { nn, iaf } = await iafNet(dtype, false);
      const v: number[] = [];
      const spike: number[] = [];
      const ranges: number[][] = [];
      const onBlock = (block: import('../../lib/index.js').RecordedBlock) => {
        ranges.push([block.k0, block.steps]);
        const b = block.get('iaf', 'v');
        expect(b.shape).to.deep.equal([block.steps, 4]);
        expect(b.firstRow).to.equal(block.k0);
        v.push(...b.data);
        spike.push(...block.get('iaf', 'spike').data);
      };
      await nn.run(DT, { steps: 50, blockSteps: 7, onBlock });
      await nn.run(DT, { steps: 50, blockSteps: 7, onBlock });
      expect(ranges.slice(0, 2)).to.deep.equal([[0, 7], [7, 7]]);
      expect(ranges[ranges.length - 1]).to.deep.equal([99, 1]);
      expect(v).to.deep.equal(Array.from(kept.iaf.recorder.get('v').data));
      expect(spike).to.deep.equal(Array.from(kept.iaf.recorder.get('spike').data));
      expect(iaf.recorder.names()).to.deep.equal(['spike']);
      expect(() => iaf.recorder.get('v')).to.throw(InputDataError);
    });
  }

  it('a throwing onBlock stops the run after that block; step and recordings agree', async () => {
    const { nn, iaf } = await iafNet('float64', true);
    const e = await rejects(() => nn.run(DT, { steps: 50, blockSteps: 10, onBlock: (b) => { if (b.k0 === 20) throw new RangeError('enough'); } }), RangeError);
    expect(e.message).to.equal('enough');
    expect(nn.step).to.equal(30);
    expect(iaf.recorder.get('v').shape).to.deep.equal([30, 4]);
  });

  it('options are checked: onBlock a function, keep a boolean, keep: false for traces only, misspelt keys named', async () => {
    const { nn, iaf } = await iafNet('float64', true);
    expect((await rejects(() => nn.run(DT, { steps: 5, onBlock: 3 as never }), InputDataError)).message).to.match(/^Network\.run: onBlock = 3 is not a function/);
    expect((await rejects(() => nn.run(DT, { steps: 5, onblock: () => undefined } as never), InputDataError)).message).to.match(/Did you mean 'onBlock'\?/);
    expect(() => iaf.record('v', { keep: 'no' as never })).to.throw(InputDataError, /keep = 'no' \(a string\) is not a boolean/);
    expect(() => iaf.record('v', { kep: false } as never)).to.throw(InputDataError, /Did you mean 'keep'\?/);
    expect(() => iaf.record('spike', { mode: 'sum', keep: false })).to.throw(InputDataError, /keep: false applies to traces/);
  });
});
