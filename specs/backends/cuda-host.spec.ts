/**
 * The CUDA C the cuda back end generates, run on the host: each kernel is
 * compiled as C with a few lines standing in for CUDA's built-ins
 * (`blockIdx`, `threadIdx`, `atomicAdd`), and each launch is a loop over
 * its threads, one after another, in the order the back end launches them
 * (per step: every container's operators, then its units; or one fused
 * kernel for a block). A back end made of that runs whole networks through
 * the run loop, so the kernels' indexing, draws (a batch's member seeds
 * included), operators, spike pairs and recordings are checked against the
 * cpu back end without a GPU. What this does not check: the driver (device
 * memory, transfers, launches), device math and the order in which real
 * threads append spikes (the run loop sorts them).
 */
import { expect } from 'chai';
import { renderCuda, renderCudaSteps } from '../../lib/backends/cfamily.js';
import { runC } from '../../lib/backends/native/binding.js';
import { compileShared } from '../../lib/backends/native/compiler.js';
import { cudaBackend } from '../../lib/backends/cuda/index.js';
import { blockScalars, projectionScalar, scalarIndex } from '../../lib/plan/layout.js';
import { Batch, Dot, Mean, Network, Repeat, Sum, backends, models, type Backend, type BackendName, type NetworkPlan } from '../../lib/index.js';
import { Gap, Leaky } from '../synapses/helpers.js';
import { needsBackend } from '../support.js';

const THREADS = 128;

/** The plan's CUDA C, and C that runs its kernels on the host as `int neural_run(void **B, const double *S)`. */
function hostSource(plan: NetworkPlan): string {
  const steps = plan.fusable ? null : renderCudaSteps(plan);
  const cuda = (steps ? steps.source : renderCuda(plan))
    .replace('extern "C" __global__ void neural_run(', 'static void neural_kernel(')
    .replace(/extern "C" __global__ /g, 'static ');
  const shim = [
    '#include <math.h>',
    '#include <stdint.h>',
    '#define __restrict__ restrict',
    'typedef struct { long long x; } neural_dim;',
    `static neural_dim blockIdx, threadIdx, blockDim = { ${THREADS} };`,
    'static int atomicAdd(int *p, int v) { int old = *p; *p = old + v; return old; }',
  ];
  const buffers = plan.buffers.map((b, i) => `(${b.type === 'int32' ? 'int' : 'real'} *)B[${i}]`);
  const sizes = [
    ...plan.containers.flatMap((_, ci) => [`(long long)S[${scalarIndex(ci, 'num')}]`, `(real)S[${scalarIndex(ci, 'dt')}]`]),
    ...(plan.projections ?? []).flatMap((_, pi) => [`(real)S[${projectionScalar(plan, pi)}]`, `(long long)S[${projectionScalar(plan, pi, 'since')}]`]),
  ];
  // A launch of `size` threads: whole blocks of THREADS, as the back end launches them.
  const launch = (size: number, call: string) => `for (long long t = 0; t < ${Math.max(1, Math.ceil(size / THREADS)) * THREADS}; t++) { blockIdx.x = t / ${THREADS}; threadIdx.x = t % ${THREADS}; ${call}; }`;
  const args = (first: string[]) => [...first, ...sizes, ...buffers].join(', ');
  const body = steps
    ? [`for (long long k = k0; k < k0 + steps; k++) {`, ...steps.kernels.flat().map((k) => `  ${launch(k.size, `${k.name}(${args(['k', 'k0', 'seed'])})`)}`), '}']
    : [launch(plan.containers[0]?.num ?? 0, `neural_kernel(${args(['k0', 'steps', 'seed'])})`)];
  return [...shim, cuda, 'int neural_run(void **B, const double *S) {', '  const long long k0 = (long long)S[0], steps = (long long)S[1], seed = (long long)S[2];', ...body.map((l) => `  ${l}`), '  return 0;', '}', ''].join('\n');
}

/** The cuda back end's kernels, run on the host. */
const hostCuda: Backend = {
  name: 'cuda',
  capabilities: { ...cudaBackend.capabilities, device: false },
  status: () => ({ ok: true }),
  async compile(plan) {
    const source = hostSource(plan);
    const lib = await compileShared(source, { tag: 'cuda-on-host', symbols: ['neural_run'] });
    return { backend: 'cuda', source, run: async (buffers, args) => { await runC(lib.handle, 'neural_run', buffers, blockScalars(plan, args)); } };
  },
};

/** Runs `f` with 'cuda' meaning the kernels on the host. */
async function onHost<T>(f: () => Promise<T>): Promise<T> {
  const pick = backends.pick;
  backends.pick = (name) => (name === 'cuda' ? hostCuda : pick(name));
  try {
    return await f();
  } finally {
    backends.pick = pick;
  }
}

/** Spike trains as "step:unit" (sorted: threads append in any order), and states, of every container. */
function results(nn: Network) {
  return nn.containers.map((c) => {
    const spikes = c.spec.spike && c.recordsSpikes ? c.recorder.spikes() : null;
    return {
      spikes: spikes ? Array.from(spikes.units, (u, q) => [spikes.steps[q], u] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([k, u]) => `${k}:${u}`) : [],
      states: Object.fromEntries(c.spec.states.map((s) => [s.name, c.get(s.name)])),
      traces: c.recorder.names().map((v) => c.recorder.get(v).data),
    };
  });
}

/** The largest difference relative to 1 + |a| between two runs' states and traces. */
function worst(a: ReturnType<typeof results>, b: ReturnType<typeof results>): number {
  let w = 0;
  a.forEach((c, ci) => {
    const pairs = [...Object.keys(c.states).map((s) => [c.states[s], b[ci].states[s]] as const), ...c.traces.map((t, j) => [t, b[ci].traces[j]] as const)];
    for (const [x, y] of pairs) {
      expect(y.length).to.equal(x.length);
      for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i])) w = Math.max(w, Math.abs(x[i] - y[i]) / (1 + Math.abs(x[i])));
    }
  });
  return w;
}

/** Noisy LIF neurons with spikes and a trace recorded: one fused kernel. */
function fused(seed = 21): Network {
  const nn = new Network({ seed });
  const lif = nn.add(models.NoisyLIF, { num: 300, params: { El: '-56 + 10 * rand()', tau: 10, sigma: 4, tref: 2 }, states: { v: 'vr + rand() * (vt - vr)' } });
  lif.record('spike');
  lif.record('v', { rate: 7, units: [0, 150, 299] });
  return nn;
}

/** Poisson sources and noisy LIF neurons joined through operators and an input stream: a kernel per step and phase. */
function operators(seed = 4, I = 1): Network {
  const nn = new Network({ seed });
  const drive = nn.input({ name: 'drive' }).set((k) => I * Math.sin(k / 30));
  const src = nn.add(models.Poisson, { name: 'src', num: 40, params: { rate: 80 } });
  const lif = nn.add(models.NoisyLIF, { name: 'lif', num: 20, params: { El: -54, tau: 10, sigma: 2, tref: 2 } });
  const matrix = Array.from({ length: 20 }, (_, r) => Array.from({ length: 40 }, (_, j) => ((r + j + seed) % 7) / 700));
  lif.connect({ I: [drive, Repeat(Mean(src.ref('lastspike')), 20), Dot(matrix, src.ref('lastspike')), Sum(src.ref('rate'))] });
  src.record('spike');
  lif.record('spike');
  lif.record('v', { rate: 3, reduce: 'max' });
  lif.record('not_refractory', { mode: 'sum' });
  return nn;
}

/** A CUBA network with a delay per excitatory synapse and one inhibitory delay, and plastic Poisson inputs onto it. */
function synapses(): Network {
  const nn = new Network({ seed: 8 });
  const P = nn.add(models.CUBA, { name: 'P', num: 200, states: { v: 'vr + rand() * (vt - vr)' } });
  nn.synapses(P, P, models.ExcitatoryJump, { name: 'exc', sources: [0, 160], p: 0.08, values: { w: 1.62 }, delay: '0.5 + 2 * rand()' });
  nn.synapses(P, P, models.InhibitoryJump, { name: 'inh', sources: [160, 200], p: 0.08, values: { w: -9 }, delay: 1 });
  const inputs = nn.add(models.Poisson, { name: 'in', num: 300, params: { rate: 20 } });
  const post = nn.add(models.SongNeuron, { name: 'post', num: 4 });
  nn.synapses(inputs, post, models.SongSTDP, { name: 'stdp', p: 0.5, values: { w: 'rand() * gmax' } });
  P.record('spike');
  post.record('spike');
  return nn;
}

describe('backends/cuda on the host: the generated kernels run as C give the cpu back end\'s results', function () {
  this.timeout(120_000);
  before(function () {
    needsBackend(this, 'cpu');
  });

  const both = async (build: () => Network, steps: number, blockSteps: number) => {
    const out: Record<string, ReturnType<typeof results>> = {};
    const weights: Record<string, number[][]> = {};
    for (const backend of ['cpu', 'cuda'] as BackendName[]) {
      const nn = build();
      await onHost(async () => {
        await nn.compile({ backend });
        await nn.run(1e-4, { steps: steps - 100, blockSteps });
        await nn.run(1e-4, { steps: 100, blockSteps });
      });
      expect(nn.chosen?.backend).to.equal(backend);
      out[backend] = results(nn);
      weights[backend] = nn.projections.flatMap((p) => p.variables.map((v) => Array.from(p.get(v as never))));
    }
    expect(weights.cuda, 'synapse values').to.deep.equal(weights.cpu);
    return out;
  };

  it('one fused kernel: noise, refractoriness, spike pairs and a trace of three units', async () => {
    const { cpu, cuda } = await both(fused, 2000, 333);
    expect(cpu[0].spikes.length).to.be.above(100);
    expect(cuda[0].spikes).to.deep.equal(cpu[0].spikes);
    expect(worst(cpu, cuda)).to.be.below(1e-9);
  });

  it('a kernel per step and phase: Poisson draws, Mean, Repeat, Dot, Sum, an input stream, reduced and summed recordings', async () => {
    const { cpu, cuda } = await both(() => operators(), 1500, 200);
    expect(cpu[0].spikes.length).to.be.above(100);
    expect(cpu[1].spikes.length).to.be.above(10);
    expect(cuda.map((c) => c.spikes)).to.deep.equal(cpu.map((c) => c.spikes));
    expect(worst(cpu, cuda)).to.be.below(1e-9);
  });

  it('synapses: delays per synapse and one for all, STDP (onPre, onPost, event-driven states), gap junctions (summed): identical to cpu', async () => {
    const gap = () => {
      const nn = new Network({ seed: 2 });
      const L = nn.add(Leaky, { name: 'L', num: 30, params: { El: '20 * rand()' } });
      nn.synapses(L, L, Gap, { name: 'gap', p: 0.3, values: { w: '0.2 * rand()' } });
      return nn;
    };
    for (const build of [synapses, gap]) {
      const { cpu, cuda } = await both(build, 1200, 250);
      if (build === synapses) expect(cpu[0].spikes.length, 'CUBA spikes').to.be.above(50);
      expect(cuda.map((c) => c.spikes)).to.deep.equal(cpu.map((c) => c.spikes));
      expect(worst(cpu, cuda), build.name).to.equal(0);
    }
  });

  for (const [label, make] of [['a kernel per step', () => [operators(4, 1), operators(5, 2), operators(6, 0.5)]], ['one fused kernel', () => [fused(1), fused(2)]]] as const) {
  it(`a batch (${label}): each member draws with its own seed (int32 member buffers) and reads its own block`, async () => {
    const out: Record<string, ReturnType<typeof results>[]> = {};
    for (const backend of ['cpu', 'cuda'] as BackendName[]) {
      const members = make();
      const batch = new Batch(members);
      await onHost(async () => {
        await batch.compile({ backend });
        await batch.run(1e-4, { steps: 800, blockSteps: 150 });
      });
      out[backend] = members.map(results);
    }
    out.cpu.forEach((m, b) => {
      expect(out.cuda[b].map((c) => c.spikes), `member ${b}`).to.deep.equal(m.map((c) => c.spikes));
      expect(worst(m, out.cuda[b]), `member ${b}`).to.be.below(1e-9);
    });
    expect(out.cpu[1][0].spikes).to.not.deep.equal(out.cpu[0][0].spikes);
  });
  }
});
