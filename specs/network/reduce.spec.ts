/**
 * Decimated recordings of event-like variables: with { rate, reduce } a row
 * holds the max or the sum of the steps since the row before, on every back
 * end, across blocks and runs. The library's 0/1 spike states reduce by max
 * by default, so record('spike', { rate: 10 }) loses no spike.
 */
import { expect } from 'chai';
import { InputDataError, Network, models, type BackendName } from '../../lib/index.js';
import { needsBackend, throws } from '../support.js';

const RATE = 10;

async function iaf(backend: BackendName, options: { rate: number; reduce?: 'last' | 'max' | 'sum' }, pieces = [600], blockSteps?: number) {
  const nn = new Network();
  // Bias 0.5 to 3: each IAF fires every 5 to 50 steps of 1 ms (threshold 0.025, c 5 → dv = bias·dt/c).
  const c = nn.add(models.IAF, { num: 4, params: { bias: [0.5, 1, 2, 3] } });
  c.record('spike', options);
  await nn.compile({ backend });
  for (const steps of pieces) await nn.run(1e-3, { steps, ...(blockSteps ? { blockSteps } : {}) });
  return c.recorder.get('spike');
}

describe('network/reduce: decimated recordings keep events', () => {
  it('the spike state reduces by max: every spike of the full trace is in a row, the rows equal the windows of the full trace', async () => {
    const full = await iaf('js', { rate: 1 });
    const dec = await iaf('js', { rate: RATE });
    const [rows, num] = dec.shape;
    expect(rows).to.equal(600 / RATE);
    let spikes = 0;
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < num; i++) {
        // Row r holds steps (r − 1)·RATE + 1 … r·RATE (row 0: step 0).
        let max = 0;
        for (let k = Math.max(0, (r - 1) * RATE + 1); k <= r * RATE; k++) max = Math.max(max, full.at(k, i));
        expect(dec.at(r, i), `row ${r} unit ${i}`).to.equal(max);
        spikes += dec.at(r, i);
      }
    }
    expect(spikes).to.be.above(20);
    // Without reduce the row is the value at its step: most spikes fall between rows.
    const last = await iaf('js', { rate: RATE, reduce: 'last' });
    const kept = Array.from(last.data).reduce((a, b) => a + b, 0);
    expect(kept).to.be.below(spikes);
  });

  for (const backend of ['interpreter', 'cpu'] as const) {
    it(`${backend}: max and sum give the rows js gives, across runs and blocks`, async function () {
      needsBackend(this, backend);
      for (const reduce of ['max', 'sum'] as const) {
        const want = await iaf('js', { rate: RATE, reduce });
        const got = await iaf(backend, { rate: RATE, reduce }, [173, 200, 227], 31);
        expect(Array.from(got.data), reduce).to.deep.equal(Array.from(want.data));
      }
    });
  }

  it("sum of a 0/1 state counts the spikes of each window; reduce is refused for a 'sum' recording", async () => {
    const full = await iaf('js', { rate: 1 });
    const sums = await iaf('js', { rate: RATE, reduce: 'sum' });
    const total = (r: typeof full) => Array.from(r.data).reduce((a, b) => a + b, 0);
    expect(total(sums)).to.equal(total(full));
    const nn = new Network();
    throws(() => nn.add(models.IAF).record('spike', { mode: 'sum', reduce: 'max' }), InputDataError, { message: /reduce applies to traces/ });
  });
});
