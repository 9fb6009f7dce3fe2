/**
 * Running in chunks: a recording continued over many runs equals the one of
 * a single run of as many steps, and what the runs allocate does not grow
 * with the number of earlier runs (a run never copies the rows of earlier
 * runs; `data` joins them once, when read).
 */
import { expect } from 'chai';
import { Network, models } from '../../lib/index.js';

const DT = 1e-4;

async function iafNet(dtype: 'float64' | 'float32' = 'float64') {
  const nn = new Network();
  const iaf = nn.add(models.IAF, { name: 'iaf', num: 100, params: { stimulus: 3 } });
  iaf.record('v');
  iaf.record('spike', { rate: 3 });
  await nn.compile({ backend: 'js', dtype });
  return { nn, iaf };
}

/** Bytes of the ArrayBuffers of at least `min` bytes made while f runs. */
async function bytesAllocated(min: number, f: () => Promise<void>): Promise<number> {
  const AB = globalThis.ArrayBuffer;
  let total = 0;
  globalThis.ArrayBuffer = new Proxy(AB, {
    construct(target, args, newTarget) {
      if (typeof args[0] === 'number' && args[0] >= min) total += args[0];
      return Reflect.construct(target, args, newTarget === globalThis.ArrayBuffer ? target : newTarget);
    },
  });
  try {
    await f();
  } finally {
    globalThis.ArrayBuffer = AB;
  }
  return total;
}

describe('network/chunks', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`${dtype}: 50 runs of 7 steps record what one run of 350 steps records`, async () => {
      const once = await iafNet(dtype);
      await once.nn.run(DT, { steps: 350 });
      const chunked = await iafNet(dtype);
      for (let i = 0; i < 50; i++) await chunked.nn.run(DT, { steps: 7 });
      for (const v of ['v', 'spike']) {
        const a = once.iaf.recorder.get(v as never);
        const b = chunked.iaf.recorder.get(v as never);
        expect(b.shape, v).to.deep.equal(a.shape);
        expect(Array.from(b.data), v).to.deep.equal(Array.from(a.data));
      }
      // A recording of an earlier run keeps its rows.
      const early = await iafNet(dtype);
      await early.nn.run(DT, { steps: 7 });
      const first = early.iaf.recorder.get('v');
      await early.nn.run(DT, { steps: 7 });
      expect(first.shape).to.deep.equal([7, 100]);
      expect(Array.from(first.data)).to.deep.equal(Array.from(once.iaf.recorder.get('v').data.subarray(0, 700)));
    });
  }

  it('what 200 runs of 2 steps allocate stays within a few times the recording, as for one run', async () => {
    const { nn, iaf } = await iafNet();
    const rowBytes = 100 * 8;
    await nn.run(DT, { steps: 2 });
    const bytes = await bytesAllocated(rowBytes, async () => {
      for (let i = 0; i < 199; i++) await nn.run(DT, { steps: 2 });
    });
    // The v rows of those runs: 398 rows; copying the earlier rows at each
    // run would allocate about 200 times as much.
    const rows = 398 * rowBytes;
    expect(bytes).to.be.below(4 * rows);
    expect(iaf.recorder.get('v').shape).to.deep.equal([400, 100]);
  });
});
