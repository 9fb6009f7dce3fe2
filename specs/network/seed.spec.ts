/**
 * The example from the original package, as the architecture document gives
 * it: 10 IAF neurons fed by 10 input streams, spike and v recorded. The
 * recordings have shape [steps, 10] and equal a hand-written IAF loop
 * (spike counts exactly, v to 1e-12 relative), on the interpreter, the js back
 * end and whatever 'auto' picks here.
 */
import { expect } from 'chai';
import { Network, backends, models, type BackendName } from '../../lib/index.js';

const STEPS = 1000;
const N = 10;
const DT = 1e-4;
/** Stimulus of unit i at step k: slow ramps with unit-dependent slopes (IAF fires several times). */
const drive = (k: number, i: number) => 5 + 2 * i + 3 * Math.sin((k + 7 * i) / 50);

/** IAF by hand: v += dt·(s + bias)/c; then spike = v > vt, v reset to 0 on a spike. */
function handIAF(c: number[]): { v: Float64Array; spike: Float64Array } {
  const v = new Float64Array(STEPS * N);
  const spike = new Float64Array(STEPS * N);
  for (let i = 0; i < N; i++) {
    let x = 0;
    for (let k = 0; k < STEPS; k++) {
      x = x + DT * ((drive(k, i) + 0.01) / c[i]);
      const s = x > 0.025 ? 1 : 0;
      if (s) x = 0;
      v[k * N + i] = x;
      spike[k * N + i] = s;
    }
  }
  return { v, spike };
}

async function seedExample(backend: BackendName | 'auto', c: number | number[] = 5) {
  const nn = new Network();
  const inp = nn.input({ name: 'Input to IAF', num: N });
  const iaf = nn.add(models.IAF, { name: 'My IAFs', num: N, params: { c } });
  iaf.connect({ stimulus: inp });
  await nn.compile({ backend, dtype: 'float64' });
  iaf.record('spike', 'v');
  inp.set(Array.from({ length: STEPS }, (_, k) => Array.from({ length: N }, (_, i) => drive(k, i))));
  const result = await nn.run(DT, { verbose: true });
  return { nn, iaf, result };
}

describe('network/the seed example (10 IAF, 10 input streams)', () => {
  const names: (BackendName | 'auto')[] = ['interpreter', 'js', 'auto'];
  for (const backend of names) {
    it(`${backend}: spike and v have shape [steps, 10] and match a hand-written loop (v relative 1e-12)`, async () => {
      const { iaf, result, nn } = await seedExample(backend);
      expect(result.steps).to.equal(STEPS);
      if (backend !== 'auto') expect(result.backend).to.equal(backend);
      else expect(backends.status()[result.backend].ok).to.equal(true);
      expect(nn.chosen!.backend).to.equal(result.backend);
      const v = iaf.recorder.get('v');
      const spike = iaf.recorder.get('spike');
      expect(v.shape).to.deep.equal([STEPS, N]);
      expect(spike.shape).to.deep.equal([STEPS, N]);
      expect(v.data).to.be.instanceOf(Float64Array);
      expect(iaf.recorder.v).to.equal(v);
      const hand = handIAF(new Array(N).fill(5));
      let spikes = 0;
      for (let j = 0; j < STEPS * N; j++) {
        expect(spike.data[j], `spike at ${j}`).to.equal(hand.spike[j]);
        expect(Math.abs(v.data[j] - hand.v[j]), `v at ${j}`).to.be.at.most(1e-12 * Math.max(1e-3, Math.abs(hand.v[j])));
        spikes += spike.data[j];
      }
      expect(spikes).to.be.greaterThan(2 * N);
    });
  }

  it('per-unit parameters: one c per unit changes each unit as the hand loop says', async () => {
    const c = Array.from({ length: N }, (_, i) => 2 + i);
    const { iaf } = await seedExample('js', c);
    const hand = handIAF(c);
    const spike = iaf.recorder.get('spike');
    for (let i = 0; i < N; i++) {
      const sum = (data: ArrayLike<number>) => Array.from({ length: STEPS }, (_, k) => data[k * N + i]).reduce((a, b) => a + b, 0);
      expect(sum(spike.data), `unit ${i}`).to.equal(sum(hand.spike));
    }
  });

  it('Recording helpers: at, trace, times, events', async () => {
    const { iaf } = await seedExample('js');
    const v = iaf.recorder.get('v');
    expect(v.at(10, 3)).to.equal(v.data[10 * N + 3]);
    const tr = v.trace(3);
    expect(tr.length).to.equal(STEPS);
    expect(tr[10]).to.equal(v.at(10, 3));
    const times = v.times();
    expect(times[0]).to.equal(DT);
    expect(times[10]).to.be.closeTo(11 * DT, 1e-18);
    const ev = iaf.recorder.get('spike').events();
    const total = Array.from(iaf.recorder.get('spike').data).reduce((a, b) => a + b, 0);
    expect(ev.unit.length).to.equal(total);
    for (let j = 0; j < ev.unit.length; j++) expect(iaf.recorder.get('spike').at(ev.step[j], ev.unit[j])).to.equal(1);
    expect(() => v.at(STEPS, 0)).to.throw(/outside the shape \[1000, 10\]/);
    expect(() => v.trace(10)).to.throw(/outside the shape/);
  });
});
