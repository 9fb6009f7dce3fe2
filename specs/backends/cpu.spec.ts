/** The cpu back end agrees with js and with the hand-written reference. */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Network, models, emit, readModel, Sum, Dot } from '../../lib/index.js';
import { hhDrive, hhReference } from '../../bench/reference.js';
import { renderCuda, renderCudaSteps } from '../../lib/backends/cfamily.js';
import { needsBackend, needsNvcc, temporaryFolder } from '../support.js';

describe('cpu back end', function () {
  before(function () {
    needsBackend(this, 'cpu');
  });

  it('hh-pop N = 2,000, 3,000 steps float64: spike counts identical to the hand-written loop', async () => {
    const N = 2000, steps = 3000;
    const nn = new Network();
    // From Neural's start values, as the reference.
    const hh = nn.add(models.HodgkinHuxley, { num: N, states: models.HodgkinHuxley.originalStart });
    hh.set('stimulus', hhDrive(N));
    hh.record('spike', { mode: 'sum' });
    await nn.compile({ backend: 'cpu' });
    await nn.run(1e-5, { steps });
    const ref = hhReference(N, steps, 1e-5);
    expect(Array.from(hh.recorder.get('spike').data)).to.deep.equal(Array.from(ref.spikes));
    const v = hh.get('v');
    for (let i = 0; i < N; i++) expect(v[i]).to.be.closeTo(ref.v[i], 1e-9 * (1 + Math.abs(ref.v[i])));
  });

  it('a network with operators gives the same traces as js (1e-11 relative) in float64 and float32', async () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const run = async (backend: 'js' | 'cpu') => {
        const nn = new Network();
        const inp = nn.input({ name: 'in', num: 4 });
        const iaf = nn.add(models.IAF, { name: 'IAF', num: 4 });
        const syn = nn.add(models.Alpha, { name: 'Alpha', num: 4 });
        // From Neural's start values: the traces this tolerance was set for.
        const hh = nn.add(models.HodgkinHuxley, { name: 'HH', num: 2, states: models.HodgkinHuxley.originalStart });
        iaf.connect({ stimulus: inp });
        syn.connect({ stimulus: iaf.ref('spike') });
        hh.connect({ stimulus: [Dot([[1, 2, 0, 1], [0, 1, 3, 1]], syn.ref('g')), Sum(syn.ref('g'))] });
        inp.set((k) => [1, 2, 3, 4].map((x) => x * (1 + Math.sin(k / 500))));
        hh.record('v', { rate: 3 });
        await nn.compile({ backend, dtype });
        await nn.run(1e-5, { steps: 5000 });
        return hh.recorder.get('v').data;
      };
      const [a, b] = [await run('js'), await run('cpu')];
      // C's exp and JavaScript's may differ in the last bit, which 5000 steps of HH amplify to ~2e-12.
      const tol = dtype === 'float64' ? 1e-11 : 1e-3;
      for (let i = 0; i < a.length; i++) expect(b[i]).to.be.closeTo(a[i], tol * (1 + Math.abs(a[i])));
    }
  });

  it('changing parameters between runs does not recompile', async () => {
    const nn = new Network();
    const hh = nn.add(models.HodgkinHuxley, { num: 8 });
    hh.set('stimulus', 10);
    await nn.compile({ backend: 'cpu' });
    const source = nn.source;
    await nn.run(1e-5, { steps: 100 });
    const before = hh.get('v');
    hh.set('gNa', 100);
    await nn.reset();
    await nn.run(1e-5, { steps: 100 });
    expect(nn.source).to.equal(source);
    expect(hh.get('v')[0]).to.not.equal(before[0]);
  });
});

describe('generated CUDA compiles with nvcc -ptx', function () {
  let nvcc: string;
  before(function () {
    nvcc = needsNvcc(this);
  });
  const dir = temporaryFolder('neural-ptx-');
  /** Writes `source` as `<name>.cu` and compiles it to PTX for compute_90 (throws with nvcc's messages). */
  const ptx = (name: string, source: string) => {
    const file = join(dir(), `${name}.cu`);
    writeFileSync(file, source);
    execFileSync(nvcc, ['-ptx', '-arch=compute_90', '-o', join(dir(), `${name}.ptx`), file], { stdio: 'pipe' });
  };

  it('a network with operators (one kernel per step and phase), float64 and float32', function () {
    const nn = new Network();
    const syn = nn.add(models.Alpha, { name: 'Alpha', num: 4 });
    const hh = nn.add(models.HodgkinHuxley, { name: 'HH', num: 2 });
    hh.connect({ stimulus: [Dot([[1, 2, 0, 1], [0, 1, 3, 1]], syn.ref('g')), Sum(syn.ref('g'))] });
    hh.record('v', { rate: 2 });
    hh.record('spike', { rate: 2 }); // reduced by max: an accumulator per unit
    for (const dtype of ['float64', 'float32'] as const) {
      const source = renderCudaSteps(nn.plan(dtype)).source;
      expect(source).to.match(/b\d+\[i\] = \(\(\(k - 1\) % 2 == 0 \|\| k == 0\)\) \?/);
      ptx(`ops-${dtype}`, source);
    }
  });
  it('spikes recorded with an atomic counter, noise and Poisson draws: fused and per-step kernels, float64 and float32', function () {
    const nn = new Network();
    const p = nn.add(models.Poisson, { name: 'P', num: 8 });
    const lif = nn.add(models.NoisyLIF, { name: 'L', num: 8 });
    lif.connect({ I: p.ref('lastspike') });
    p.record('spike');
    lif.record('spike', 'v', { rate: 3 });
    const steps = new Network();
    const q = steps.add(models.Poisson, { name: 'Q', num: 4 });
    steps.add(models.LIF, { name: 'M', num: 2 }).connect({ I: Sum(q.ref('lastspike')) });
    q.record('spike');
    for (const dtype of ['float64', 'float32'] as const) {
      const fused = renderCuda(nn.plan(dtype));
      expect(fused).to.match(/atomicAdd\(&b\d+\[0\], 1\)/);
      expect(fused).to.include('neural_normal(');
      ptx(`spiking-${dtype}`, fused);
      ptx(`spiking-steps-${dtype}`, renderCudaSteps(steps.plan(dtype)).source);
    }
  });
  // Every model of units (synapse models have none to emit: they run in networks, which cuda refuses yet).
  for (const [name, model] of Object.entries(models).filter(([, m]) => { const spec = readModel(m); return !spec.pathways && !spec.summed; })) {
    it(`${name}`, function () {
      for (const dtype of ['float64', 'float32'] as const) ptx(`${name}-${dtype}`, emit(model, 'cuda', { dtype }));
    });
  }
});
