/**
 * The back ends agree on a network with synapses: a CUBA-like network
 * (Vogels & Abbott, as Brian2's `CUBA.py`: 400 `models.CUBA` units, 320
 * excitatory and 80 inhibitory, p = 0.05, `ExcitatoryJump` and
 * `InhibitoryJump`), 0.2 s at dt = 0.1 ms. In float64, js and cpu give the
 * same spike trains (units and steps), with one delay and with a delay per
 * synapse; the interpreter (slow: its first 30 ms) gives the same spikes as
 * they do. float32 runs on js and cpu and gives similar rates.
 */
import { expect } from 'chai';
import { Network, models, type BackendName, type Dtype, type SpikeRecording } from '../../lib/index.js';
import { needsBackend } from '../support.js';

const DT = 1e-4;
const STEPS = 2000;
/** The interpreter's share of the run. */
const SHORT = 300;

interface Options {
  dtype?: Dtype;
  /** Heterogeneous delays: 0.5–2.5 ms excitatory, 1–2 ms inhibitory (drawn per synapse). */
  delays?: boolean;
  /** No synapses at all (to show that they matter). */
  none?: boolean;
  steps?: number;
}

async function cuba(backend: BackendName, o: Options = {}) {
  const nn = new Network({ seed: 7 });
  const P = nn.add(models.CUBA, { num: 400, states: { v: 'vr + rand() * (vt - vr)' } });
  if (!o.none) {
    nn.synapses(P, P, models.ExcitatoryJump, { name: 'exc', sources: [0, 320], p: 0.05, values: { w: 1.62 }, ...(o.delays ? { delay: '0.5 + 2 * rand()' } : {}) });
    nn.synapses(P, P, models.InhibitoryJump, { name: 'inh', sources: [320, 400], p: 0.05, values: { w: -9 }, ...(o.delays ? { delay: '1 + rand()' } : {}) });
  }
  P.record('spike');
  await nn.compile({ backend, dtype: o.dtype ?? 'float64' });
  await nn.run(DT, { steps: o.steps ?? STEPS });
  return { nn, P, spikes: P.recorder.spikes() };
}

/** The spikes as "step:unit" strings, in the recording's order (by step, then unit). */
function train(s: SpikeRecording, below = Infinity): string[] {
  const out: string[] = [];
  for (let q = 0; q < s.count; q++) if (s.steps[q] < below) out.push(`${s.steps[q]}:${s.units[q]}`);
  return out;
}

describe('synapses/agree: a CUBA network on every back end', () => {
  const runs = new Map<string, Promise<Awaited<ReturnType<typeof cuba>>>>();
  /** One run per back end and options, shared by the tests. */
  const run = (backend: BackendName, o: Options = {}) => {
    const key = `${backend} ${JSON.stringify(o)}`;
    if (!runs.has(key)) runs.set(key, cuba(backend, o));
    return runs.get(key)!;
  };

  for (const delays of [false, true]) {
    const label = delays ? 'a delay per synapse' : 'no delay';
    it(`js: the network fires at a plausible rate, and the synapses (${label}) change its spikes`, async () => {
      const { spikes } = await run('js', { delays });
      const none = await run('js', { none: true });
      const rate = spikes.count / 400 / (STEPS * DT);
      expect(rate).to.be.within(2, 60);
      expect(spikes.count).to.not.equal(none.spikes.count);
      expect(train(spikes)).to.not.deep.equal(train(none.spikes));
      if (delays) expect(train(spikes)).to.not.deep.equal(train((await run('js')).spikes));
      // Most units fire, in the excitatory and the inhibitory part.
      const units = new Set(spikes.units);
      expect(units.size).to.be.above(200);
      expect([...units].some((u) => u < 320) && [...units].some((u) => u >= 320)).to.equal(true);
    });

    it(`cpu: the same spike trains as js, and the same final state, in float64 (${label})`, async function () {
      needsBackend(this, 'cpu');
      const js = await run('js', { delays });
      const cpu = await run('cpu', { delays });
      expect(cpu.spikes.count).to.equal(js.spikes.count);
      expect(train(cpu.spikes)).to.deep.equal(train(js.spikes));
      for (const v of ['v', 'ge', 'gi'] as const) {
        const a = js.P.get(v);
        const b = cpu.P.get(v);
        for (let i = 0; i < 400; i++) if (!(Math.abs(a[i] - b[i]) <= 1e-9)) expect.fail(`${v}[${i}]: js ${a[i]}, cpu ${b[i]}`);
      }
    });

    it(`interpreter: the same spikes as js over the first ${SHORT} steps (${label})`, async () => {
      const interp = await run('interpreter', { delays, steps: SHORT });
      const js = await run('js', { delays });
      const want = train(js.spikes, SHORT);
      expect(want.length).to.be.above(20);
      expect(train(interp.spikes)).to.deep.equal(want);
    });
  }

  for (const backend of ['js', 'cpu'] as const) {
    it(`${backend}: float32 runs, and its rate is within 10% of float64's`, async function () {
      needsBackend(this, backend);
      const f64 = await run(backend, {});
      const f32 = await run(backend, { dtype: 'float32' });
      expect(f32.spikes.count).to.be.above(0);
      expect(Math.abs(f32.spikes.count - f64.spikes.count) / f64.spikes.count).to.be.below(0.1);
      expect(f32.P.get('ge').some((x) => x !== 0), 'the synapses reached the targets').to.equal(true);
      // Without synapses (float64 or float32) the rate is far higher: the synapses matter in float32 too.
      const none = await run(backend, { none: true, dtype: 'float32' });
      expect(Math.abs(none.spikes.count - f32.spikes.count) / f64.spikes.count).to.be.above(0.2);
    });
  }
});
