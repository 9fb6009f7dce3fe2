/**
 * The interpreter is the reference the other back ends are checked against.
 * On a network that uses every operator (Sum, Mean, BlockSum, BlockMean,
 * Repeat, Dot) and a chain input → IAF → Alpha synapse → HodgkinHuxley, and
 * on a fusable population, js gives the same traces as the interpreter within
 * 1e-12 relative to the largest value of each trace. float32 stays within 1e-5 (relative to
 * the largest value of the trace) of float64 on a smooth network.
 */
import { expect } from 'chai';
import {
  BlockMean, BlockSum, Dot, Mean, Network, Repeat, Sum, models, type BackendName, type Container, type Dtype,
} from '../../lib/index.js';

const N = 4;
const STEPS = 800;
const DT = 2e-5;

async function chain(backend: BackendName, dtype: Dtype = 'float64') {
  const nn = new Network();
  const inp = nn.input({ name: 'in', num: N });
  const data = new Float64Array(STEPS * N);
  for (let k = 0; k < STEPS; k++) for (let i = 0; i < N; i++) data[k * N + i] = 1 + 0.5 * i + 0.3 * Math.sin(k / 17 + i);
  inp.set(data);
  const iaf = nn.add(models.IAF, { name: 'iaf', num: N, params: { c: [0.05, 0.06, 0.07, 0.08] } });
  iaf.connect({ stimulus: inp });
  const syn = nn.add(models.Alpha, { name: 'syn', num: N, params: { gmax: 0.2 } });
  syn.connect({ stimulus: iaf.ref('spike') });
  const hh = nn.add(models.HodgkinHuxley, { name: 'hh', num: N });
  const M = [[1, 0.5, 0, 0], [0, 1, 0.5, 0], [0, 0, 1, 0.5], [0.5, 0, 0, 1]];
  hh.connect({
    stimulus: [
      Dot(M, syn.ref('g')),
      Repeat(BlockSum(syn.ref('s'), 2), 2),
      Repeat(BlockMean(inp, 2), 2),
      Mean(iaf.ref('v')),
      Sum(syn.ref('g')),
      4,
    ],
  });
  await nn.compile({ backend, dtype });
  iaf.record('v', 'spike');
  syn.record('g', 'u');
  hh.record('v', 'n', 'm', 'h', 'spike', 'stimulus');
  await nn.run(DT);
  return { nn, containers: [iaf, syn, hh] };
}

function expectSameTraces(a: Container[], b: Container[], rel: number): void {
  for (let j = 0; j < a.length; j++) {
    for (const v of a[j].recorder.names()) {
      const x = a[j].recorder.get(v).data;
      const y = b[j].recorder.get(v).data;
      expect(y.length).to.equal(x.length);
      // Relative to the largest value of the trace: v crosses 0, where a per-element ratio means nothing.
      const tol = rel * Math.max(...x.map(Math.abs));
      for (let i = 0; i < x.length; i++) {
        if (!(Math.abs(x[i] - y[i]) <= tol)) expect.fail(`${a[j].name}.${v}[${i}]: ${x[i]} vs ${y[i]}`);
      }
    }
  }
}

describe('network/back ends agree with the interpreter', () => {
  it('input → IAF → Alpha → HodgkinHuxley with every operator: js equals the interpreter (relative 1e-12)', async () => {
    const ref = await chain('interpreter');
    const js = await chain('js');
    expect(js.nn.plan().fusable).to.equal(false);
    expectSameTraces(ref.containers, js.containers, 1e-12);
    // The network is not trivial: IAF fires, the synapse conducts, HH fires.
    const sum = (c: Container, v: string) => Array.from(c.recorder.get(v).data).reduce((s, x) => s + x, 0);
    expect(sum(ref.containers[0], 'spike')).to.be.within(20, STEPS * N / 5);
    expect(sum(ref.containers[1], 'g')).to.be.greaterThan(0);
    expect(sum(ref.containers[2], 'spike')).to.be.within(1, 40);
    expect(Math.max(...ref.containers[2].recorder.get('stimulus').data)).to.be.below(200);
  });

  it('a fusable population (HH with per-unit drive, fed by an input stream): js equals the interpreter (relative 1e-12)', async () => {
    const run = async (backend: BackendName) => {
      const nn = new Network();
      const inp = nn.input({ name: 'drive', num: 8 }).set((k: number) => Array.from({ length: 8 }, (_, i) => 2 * i + Math.sin(k / 30)));
      const hh = nn.add(models.HodgkinHuxley, { name: 'hh', num: 8 });
      hh.connect({ stimulus: inp });
      await nn.compile({ backend });
      hh.record('v', 'm', 'spike');
      await nn.run(DT, { steps: 600, blockSteps: 250 });
      return { nn, hh };
    };
    const ref = await run('interpreter');
    const js = await run('js');
    expect(js.nn.plan().fusable).to.equal(true);
    expectSameTraces([ref.hh], [js.hh], 1e-12);
  });

  it('float32 stays within 1e-5 of float64 on a smooth network (synapses driven by a spike train), and stores float32 values', async () => {
    const run = async (dtype: Dtype) => {
      const nn = new Network();
      const spikes = nn.input({ name: 'spikes', num: 3 }).set((k: number) => [k % 50 === 0 ? 1 : 0, k % 77 === 3 ? 1 : 0, k % 31 === 5 ? 1 : 0]);
      const alpha = nn.add(models.Alpha, { name: 'alpha', num: 3 });
      const nmda = nn.add(models.NMDA, { name: 'nmda', num: 3 });
      const leaky = nn.add(models.LeakyIAF, { name: 'leaky', num: 3, params: { vt: 0.02 } });
      alpha.connect({ stimulus: spikes });
      nmda.connect({ stimulus: spikes });
      leaky.connect({ stimulus: nmda.ref('g') });
      await nn.compile({ backend: 'js', dtype });
      alpha.record('s', 'u');
      nmda.record('x', 's');
      leaky.record('v');
      await nn.run(1e-4, { steps: 1000 });
      return [alpha, nmda, leaky];
    };
    const f64 = await run('float64');
    const f32 = await run('float32');
    for (let j = 0; j < f64.length; j++) {
      for (const v of f64[j].recorder.names()) {
        const a = f64[j].recorder.get(v as never).data;
        const b = f32[j].recorder.get(v as never).data;
        expect(b).to.be.instanceOf(Float32Array);
        const scale = Math.max(...a.map(Math.abs));
        expect(scale, `${f64[j].name}.${v} moves`).to.be.greaterThan(0);
        for (let i = 0; i < a.length; i++) {
          expect(Math.fround(b[i])).to.equal(b[i]);
          if (!(Math.abs(a[i] - b[i]) <= 1e-5 * scale)) expect.fail(`${f64[j].name}.${v}[${i}]: ${a[i]} (float64) vs ${b[i]} (float32)`);
        }
      }
    }
  });
});
