/**
 * The hh-pop workload at a size a spec can afford: N = 200 Hodgkin-Huxley
 * neurons, drive I_i = 20·i/N, 2000 steps of dt = 1e-5 s in float64. The
 * spike count of every unit equals the hand-written loop in
 * bench/reference.ts, unit for unit; final v agrees to 1e-9 mV. Like the
 * reference, the neurons start from Neural's start values
 * (`HodgkinHuxley.originalStart`), off rest, so undriven units fire once.
 */
import { expect } from 'chai';
import { Network, backends, models, type BackendName } from '../../lib/index.js';
import { hhDrive, hhReference } from '../../bench/reference.js';

const N = 200;
const STEPS = 2000;
const DT = 1e-5;

async function hhPop(backend: BackendName, dtype: 'float64' | 'float32' = 'float64') {
  const nn = new Network();
  const hh = nn.add(models.HodgkinHuxley, { name: 'hh', num: N, params: { stimulus: hhDrive(N) }, states: models.HodgkinHuxley.originalStart });
  await nn.compile({ backend, dtype });
  hh.record('spike', { mode: 'sum' });
  await nn.run(DT, { steps: STEPS });
  return { spikes: hh.recorder.get('spike'), v: hh.get('v') };
}

describe('network/hh-pop against the hand-written reference', () => {
  const reference = hhReference(N, STEPS, DT);

  it('the reference itself fires, more for larger drive (undriven units fire once, from the start transient)', () => {
    const total = reference.spikes.reduce((a, b) => a + b, 0);
    expect(total).to.be.greaterThan(100);
    expect(reference.spikes[0]).to.equal(1);
    expect(reference.spikes[N - 1]).to.be.greaterThan(reference.spikes[N / 4]);
  });

  const available = (['js', 'cpu', 'cuda'] as BackendName[]).filter((b) => backends.status()[b].ok);
  for (const backend of available) {
    it(`${backend}, float64: spikes equal unit for unit; final v within 1e-9 mV`, async () => {
      const { spikes, v } = await hhPop(backend);
      expect(spikes.shape).to.deep.equal([1, N]);
      for (let i = 0; i < N; i++) expect(spikes.data[i], `unit ${i}`).to.equal(reference.spikes[i]);
      for (let i = 0; i < N; i++) expect(Math.abs(v[i] - reference.v[i]), `unit ${i}`).to.be.at.most(1e-9);
    });
  }

  it('js, float32: spikes equal the float32-storage reference unit for unit; v within 0.01 mV of it', async () => {
    const r32 = hhReference(N, STEPS, DT, Math.fround);
    const { spikes, v } = await hhPop('js', 'float32');
    for (let i = 0; i < N; i++) expect(spikes.data[i], `unit ${i}`).to.equal(r32.spikes[i]);
    for (let i = 0; i < N; i++) expect(Math.abs(v[i] - r32.v[i]), `unit ${i}`).to.be.at.most(0.01);
  });
});
