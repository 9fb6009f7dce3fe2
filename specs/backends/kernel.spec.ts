/**
 * The kernel skeleton (lib/backends/kernel.ts) and the block layout
 * (lib/plan/layout.ts): generated code names its phases on every target, the
 * scalars and trace rows have one definition, and trace rows are where the
 * run loop expects them on every back end, also past step 2^31.
 */
import { expect } from 'chai';
import { renderCudaSteps } from '../../lib/backends/cfamily.js';
import { cpuBackend } from '../../lib/backends/cpu/index.js';
import { interpreterBackend } from '../../lib/backends/interpreter/index.js';
import { jsBackend } from '../../lib/backends/js/index.js';
import { PHASES } from '../../lib/backends/kernel.js';
import type { Backend } from '../../lib/backends/types.js';
import { Network, Sum, backends, emit, models } from '../../lib/index.js';
import { allocateBuffers } from '../../lib/plan/arrays.js';
import { NUMBERS, SCALARS, blockScalars, firstRow, rowsBetween, scalarIndex, traceIndex, writesRow } from '../../lib/plan/layout.js';

describe('backends/kernel: one skeleton, every target', () => {
  it('the phases are walked in order: load, inputs, update, clip, spike, post, store, record', () => {
    expect(PHASES).to.deep.equal(['load', 'inputs', 'update', 'clip', 'spike', 'post', 'store', 'record']);
  });

  it('generated JavaScript, C and CUDA C name the phases of a unit in comments, in order', () => {
    for (const target of ['js', 'c', 'cuda'] as const) {
      const src = emit(models.HodgkinHuxley, target);
      const at = (phase: string) => src.search(new RegExp(`// ${phase}\\b`));
      // HodgkinHuxley: bounded gates (clip), a spike detector (post).
      for (const phase of ['load', 'update', 'clip', 'post', 'store']) expect(at(phase), `${target}: ${phase}`).to.be.above(-1);
      expect(at('update')).to.be.below(at('clip'));
      expect(at('clip')).to.be.below(at('post'));
      expect(src).to.match(/\/\/ clip: c0_v, c0_n, c0_m, c0_h \(bounds applied in the update's sets\)/);
    }
  });

  it('a network with operators: every kernel of every target has its inputs, update and record phases', () => {
    const nn = new Network();
    const syn = nn.add(models.Alpha, { name: 'syn', num: 4 });
    const hh = nn.add(models.HodgkinHuxley, { name: 'hh', num: 2 });
    hh.connect({ stimulus: Sum(syn.ref('g')) });
    hh.record('v', { rate: 2 });
    const { source } = renderCudaSteps(nn.plan());
    for (const phase of ['inputs', 'update', 'record']) expect(source).to.match(new RegExp(`// ${phase}\\b`));
    expect(source).to.match(/if \(k % 2 == 0\) b\d+\[\(\(\(k \/ 2\) - rb\d+\) \* n1\) \+ i\] = /);
  });
});

describe('plan/layout: the block scalars and trace rows', () => {
  it('blockScalars lays out [k0, steps, seed, num_i, dt_i·timeScale] at the indices scalarIndex gives', () => {
    const nn = new Network();
    nn.add(models.IAF, { num: 3 });
    nn.add(models.HodgkinHuxley, { num: 5 });
    const plan = nn.plan();
    const s = blockScalars(plan, { k0: 7, steps: 11, dt: 1e-4, seed: 2 ** 32 - 1 });
    expect(s.length).to.equal(SCALARS.first + SCALARS.stride * 2);
    expect([s[SCALARS.k0], s[SCALARS.steps], s[SCALARS.seed]]).to.deep.equal([7, 11, 2 ** 32 - 1]);
    expect(blockScalars(plan, { k0: 7, steps: 11, dt: 1e-4 })[SCALARS.seed]).to.equal(0);
    plan.containers.forEach((c, ci) => {
      expect(s[scalarIndex(ci, 'num')]).to.equal(c.num);
      expect(s[scalarIndex(ci, 'dt')]).to.equal(1e-4 * c.ir.timeScale);
    });
  });

  it('row r holds step r·rate: a block from k0 writes rows ⌈k0/rate⌉ on, at index 0 of its view', () => {
    for (const rate of [1, 2, 3, 7]) {
      for (const k0 of [0, 1, 5, 6, 2 ** 31 + 1, 2 ** 40 + 3]) {
        const first = firstRow(NUMBERS, k0, rate);
        let written = 0;
        for (let k = k0; k < k0 + 20; k++) {
          if (!writesRow(NUMBERS, k, rate)) continue;
          expect(traceIndex(NUMBERS, k, rate, first, 4, 3)).to.equal(written * 4 + 3);
          expect(k / rate).to.equal(first + written);
          written++;
        }
        expect(rowsBetween(k0, k0 + 20, rate)).to.equal(written);
      }
    }
  });

  it('trace rows past step 2^31 land where the run loop reads them, on every back end', async () => {
    const nn = new Network();
    const iaf = nn.add(models.IAF, { num: 2 });
    iaf.set('stimulus', 3);
    iaf.record('v', { rate: 1 });
    iaf.record('spike', { rate: 3 });
    const plan = nn.plan();
    const k0 = 2 ** 31 + 1, steps = 9;
    const run = async (backend: Backend) => {
      const program = await backend.compile(plan);
      const buffers = allocateBuffers(plan, 'spec', '');
      const c = plan.containers[0];
      for (const p of c.ir.params) buffers[c.buffers[p.name]].fill(p.value);
      buffers[c.buffers.stimulus].fill(3);
      for (const r of c.records) buffers[r.out] = new Float64Array(rowsBetween(k0, k0 + steps, r.rate) * c.num);
      await program.run(buffers, { k0, steps, dt: 1e-4 });
      return c.records.map((r) => Array.from(buffers[r.out]));
    };
    const reference = await run(interpreterBackend);
    expect(reference[0].length).to.equal(18);
    expect(reference[0].every((x) => x > 0)).to.equal(true);
    expect(await run(jsBackend)).to.deep.equal(reference);
    if (backends.status().cpu.ok) expect(await run(cpuBackend)).to.deep.equal(reference);
  });
});
