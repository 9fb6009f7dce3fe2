/** The cuda back end agrees with js on whole networks (needs a GPU; skipped otherwise). */
import { expect } from 'chai';
import { Network, models, Dot, Sum, Repeat, BlockMean } from '../../../lib/index.js';
import { hhDrive } from '../../../bench/reference.js';
import { needsBackend } from '../../support.js';

async function hhSpikes(backend: 'js' | 'cuda', N: number, steps: number, dtype: 'float64' | 'float32' = 'float64') {
  const nn = new Network();
  const hh = nn.add(models.HodgkinHuxley, { num: N, states: models.HodgkinHuxley.originalStart });
  hh.set('stimulus', hhDrive(N));
  hh.record('spike', { mode: 'sum' });
  hh.record('v', { rate: 50 });
  await nn.compile({ backend, dtype });
  await nn.run(1e-5, { steps, blockSteps: 700 });
  return { spikes: hh.recorder.get('spike').data, v: hh.recorder.get('v').data };
}

describe('cuda back end on networks', function () {
  before(function () {
    needsBackend(this, 'cuda');
  });

  it('hh-pop N = 10,000 float64: spike counts identical to js, traces within 1e-9 relative', async () => {
    const [a, b] = [await hhSpikes('js', 10000, 3000), await hhSpikes('cuda', 10000, 3000)];
    expect(Array.from(b.spikes)).to.deep.equal(Array.from(a.spikes));
    let worst = 0;
    for (let i = 0; i < a.v.length; i++) worst = Math.max(worst, Math.abs(a.v[i] - b.v[i]) / (1 + Math.abs(a.v[i])));
    expect(worst).to.be.below(1e-9);
  });

  it('float32 stays within 0.5 mV of float64 for the first 500 steps', async () => {
    const a = await hhSpikes('js', 1000, 500);
    const b = await hhSpikes('cuda', 1000, 500, 'float32');
    for (let i = 0; i < a.v.length; i++) expect(Math.abs(a.v[i] - b.v[i])).to.be.below(0.5);
  });

  it('the IAF -> Alpha -> HH chain records the same traces as js', async () => {
    const run = async (backend: 'js' | 'cuda') => {
      const nn = new Network();
      const inp = nn.input({ name: 'drive', num: 3 });
      const iaf = nn.add(models.IAF, { name: 'IAF', num: 3 });
      const syn = nn.add(models.Alpha, { name: 'Alpha', num: 3, params: { gmax: 2 } });
      const hh = nn.add(models.HodgkinHuxley, { name: 'HH', num: 3, states: models.HodgkinHuxley.originalStart });
      iaf.connect({ stimulus: inp });
      syn.connect({ stimulus: iaf.ref('spike') });
      hh.connect({ stimulus: syn.ref('g') });
      inp.set((k) => [1, 2, 3].map((x) => x * (1 + 0.1 * Math.sin(k / 1000))));
      hh.record('v', { rate: 7 });
      iaf.record('spike');
      await nn.compile({ backend });
      await nn.run(1e-5, { steps: 20000, blockSteps: 3000 });
      return [hh.recorder.get('v').data, iaf.recorder.get('spike').data];
    };
    const [a, b] = [await run('js'), await run('cuda')];
    expect(Array.from(b[1])).to.deep.equal(Array.from(a[1]));
    for (let i = 0; i < a[0].length; i++) expect(b[0][i]).to.be.closeTo(a[0][i], 1e-6 * (1 + Math.abs(a[0][i])));
  });

  it('a network with operators and different sizes (one launch per step) gives the traces of js (1e-9 relative)', async () => {
    const run = async (backend: 'js' | 'cuda') => {
      const nn = new Network();
      const inp = nn.input({ name: 'in', num: 4 });
      const iaf = nn.add(models.IAF, { name: 'IAF', num: 4 });
      const syn = nn.add(models.Alpha, { name: 'Alpha', num: 4, params: { gmax: 3 } });
      const hh = nn.add(models.HodgkinHuxley, { name: 'HH', num: 2, states: models.HodgkinHuxley.originalStart });
      const hh4 = nn.add(models.HodgkinHuxley, { name: 'HH4', num: 4, states: models.HodgkinHuxley.originalStart });
      iaf.connect({ stimulus: inp });
      syn.connect({ stimulus: iaf.ref('spike') });
      hh.connect({ stimulus: [Dot([[1, 2, 0, 1], [0, 1, 3, 1]], syn.ref('g')), Sum(syn.ref('g'))] });
      hh4.connect({ stimulus: Repeat(BlockMean(syn.ref('g'), 2), 2) });
      inp.set((k) => [1, 2, 3, 4].map((x) => x * (1 + Math.sin(k / 500))));
      hh.record('v', { rate: 3 });
      hh4.record('v', { rate: 5 });
      await nn.compile({ backend });
      await nn.run(1e-5, { steps: 3000, blockSteps: 700 });
      return [hh.recorder.get('v').data, hh4.recorder.get('v').data];
    };
    const [a, b] = [await run('js'), await run('cuda')];
    for (const j of [0, 1]) {
      expect(b[j].length).to.equal(a[j].length);
      for (let i = 0; i < a[j].length; i++) expect(b[j][i]).to.be.closeTo(a[j][i], 1e-9 * (1 + Math.abs(a[j][i])));
    }
  });
});
