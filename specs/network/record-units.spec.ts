/**
 * record(…, { units }): a subset of units is kept, in the order given, with
 * memory for those only; the columns equal those of a full recording, for
 * traces (with rates, initial rows and continued runs) and sums.
 */
import { expect } from 'chai';
import { InputDataError, Network, models } from '../../lib/index.js';
import { throws } from '../support.js';

async function run(units?: number[], pieces = [300]) {
  const nn = new Network();
  const hh = nn.add(models.HodgkinHuxley, { num: 6, states: models.HodgkinHuxley.originalStart });
  hh.set('stimulus', [0, 5, 10, 15, 20, 25]);
  hh.record('v', { rate: 7, initial: true, ...(units ? { units } : {}) });
  hh.record('spike', { mode: 'sum', ...(units ? { units } : {}) });
  await nn.compile({ backend: 'js' });
  for (const steps of pieces) await nn.run(1e-5, { steps, blockSteps: 64 });
  return hh.recorder;
}

describe('network/record units', () => {
  it('keeps the columns of the units asked for, equal to a full recording, across runs and blocks', async () => {
    const all = await run();
    const some = await run([4, 1], [100, 137, 63]);
    const v = some.get('v');
    const full = all.get('v');
    expect(v.shape).to.deep.equal([full.shape[0], 2]);
    expect(Array.from(v.units!)).to.deep.equal([4, 1]);
    expect(full.units).to.equal(null);
    for (let r = 0; r < full.shape[0]; r++) {
      expect(v.at(r, 0), `row ${r}`).to.equal(full.at(r, 4));
      expect(v.at(r, 1), `row ${r}`).to.equal(full.at(r, 1));
    }
    expect(Array.from(v.times())).to.deep.equal(Array.from(full.times()));
    const spikes = some.get('spike');
    expect(Array.from(spikes.data)).to.deep.equal([all.get('spike').data[4], all.get('spike').data[1]]);
    expect(spikes.data[0]).to.be.above(0);
  });

  it('events() names units, not columns', async () => {
    const nn = new Network();
    const iaf = nn.add(models.IAF, { num: 4, params: { bias: [0, 0, 2, 0] } });
    iaf.record('spike', { units: [2, 0] });
    await nn.compile({ backend: 'js' });
    await nn.run(1e-3, { steps: 200 });
    const ev = iaf.recorder.get('spike').events();
    expect(ev.unit.length).to.be.above(0);
    expect(new Set(ev.unit)).to.deep.equal(new Set([2]));
  });

  it('a recording whose units change starts anew', async () => {
    const nn = new Network();
    const iaf = nn.add(models.IAF, { num: 4 });
    iaf.record('v', { units: [0, 1] });
    await nn.compile({ backend: 'js' });
    await nn.run(1e-3, { steps: 10 });
    iaf.record('v', { units: [3] });
    await nn.run(1e-3, { steps: 5 });
    expect(iaf.recorder.get('v').shape).to.deep.equal([5, 1]);
  });

  it('refuses units that are not distinct indices of the container, and units with keep: false', () => {
    const iaf = new Network().add(models.IAF, { name: 'I', num: 4 });
    throws(() => iaf.record('v', { units: [] }), InputDataError, { where: 'I.record', message: /not a non-empty list/ });
    throws(() => iaf.record('v', { units: [4] }), InputDataError, { where: 'I.record: units[0]', message: /4 is not a unit index in 0\.\.3/ });
    throws(() => iaf.record('v', { units: [1, 1] }), InputDataError, { where: 'I.record: units[1]', message: /unit 1 is listed twice/ });
    throws(() => iaf.record('v', { units: [1.5] as never }), InputDataError, { message: /1\.5 is not a unit index/ });
    throws(() => iaf.record('v', { units: [0], keep: false }), InputDataError, { message: /units applies to kept recordings/ });
  });
});
