/** checkFinite, AbortSignal and memory refusal: errors say where, and recordings survive. */
import { expect } from 'chai';
import { defaultBlock } from '../../lib/network/runner.js';
import { cpuBackend } from '../../lib/backends/cpu/index.js';
import { cudaBackend } from '../../lib/backends/cuda/index.js';
import { interpreterBackend } from '../../lib/backends/interpreter/index.js';
import { jsBackend } from '../../lib/backends/js/index.js';
import { Network, Model, state, param, input, derivative, models, NumericalError, RunAbortedError, InputDataError, NetworkWiringError, BackendError, backends } from '../../lib/index.js';
import { needsNoBackend, rejects } from '../support.js';

/** x grows like e^{r·t}: overflows to infinity after a known number of steps. */
class Blowup extends Model {
  @param(1) r!: number;
  @input(0) drive!: number;
  @state(1) @derivative('r * x * x + drive') x!: number;
}

describe('run control', () => {
  it('checkFinite stops at the first non-finite value, naming container, variable, unit and step; earlier rows stay', async () => {
    const nn = new Network();
    const c = nn.add(Blowup, { name: 'B', num: 3, params: { r: [0, 0, 50] } });
    c.record('x');
    await nn.compile({ backend: 'js' });
    // Hand-computed: x_{k+1} = x_k + dt·50·x_k², dt = 0.1 → x = 1, 6, 186, 173166, ~1.5e11, ~1.1e23, ~6.5e46, ~2e94, ~2e189, inf.
    let x = 1;
    let firstBad = -1;
    for (let k = 0; k < 20; k++) {
      x = x + 0.1 * 50 * x * x;
      if (!Number.isFinite(x)) { firstBad = k; break; }
    }
    const error = await rejects(() => nn.run(0.1, { steps: 20, checkFinite: true, blockSteps: 7 }), NumericalError, { message: /^B#x unit 2 step \d+: became Infinity/, fix: /Reduce dt/ });
    expect(error.detail).to.include({ container: 'B', variable: 'x', unit: 2, step: firstBad });
    const rec = c.recorder.get('x');
    expect(rec.shape).to.deep.equal([firstBad, 3]);
    expect(rec.at(0, 2)).to.equal(6);
    expect(rec.trace(0).every((v) => v === 1)).to.equal(true);
  });

  it('an AbortSignal stops between blocks; rows equal completed steps and match an uninterrupted run', async () => {
    const run = async (abortAfter?: number) => {
      const nn = new Network();
      const hh = nn.add(models.HodgkinHuxley, { num: 4 });
      hh.set('stimulus', [0, 5, 10, 20]);
      hh.record('v');
      await nn.compile({ backend: 'js' });
      const ctl = new AbortController();
      if (abortAfter !== undefined) setTimeout(() => ctl.abort(), abortAfter);
      let error: unknown;
      try {
        await nn.run(1e-5, { steps: 200000, blockSteps: 100, signal: ctl.signal });
      } catch (e) {
        error = e;
      }
      return { rec: hh.recorder.get('v'), error, step: nn.step };
    };
    const a = await run(30);
    expect(a.error).to.be.instanceOf(RunAbortedError);
    const done = (a.error as RunAbortedError).completedSteps;
    expect(done).to.be.greaterThan(0).and.below(200000);
    expect(done % 100).to.equal(0);
    expect(a.rec.shape).to.deep.equal([done, 4]);
    expect(a.step).to.equal(done);
    // The same steps without interruption give the same rows.
    const nn = new Network();
    const hh = nn.add(models.HodgkinHuxley, { num: 4 });
    hh.set('stimulus', [0, 5, 10, 20]);
    hh.record('v');
    await nn.compile({ backend: 'js' });
    await nn.run(1e-5, { steps: done });
    expect(Array.from(hh.recorder.get('v').data)).to.deep.equal(Array.from(a.rec.data));
  });

  it('blocks hold about the same work on each back end (from its declared capabilities), at most the run, and at most 64 MB of host input data', () => {
    expect(defaultBlock(jsBackend.capabilities, 100_000, 10_000, 0)).to.equal(200);
    expect(defaultBlock(interpreterBackend.capabilities, 100_000, 10_000, 0)).to.equal(200);
    expect(defaultBlock(cpuBackend.capabilities, 100_000, 10_000, 0)).to.equal(2000);
    expect(defaultBlock(cudaBackend.capabilities, 100_000, 10_000, 0)).to.equal(10_000);
    expect(defaultBlock(cpuBackend.capabilities, 500, 10_000, 0)).to.equal(500);
    expect(defaultBlock(cpuBackend.capabilities, 100_000, 1e9, 0)).to.equal(1);
    expect(defaultBlock(cpuBackend.capabilities, 100_000, 10_000, 10_000 * 8)).to.equal(800); // 64e6 / 80,000 bytes a step
    expect(defaultBlock(jsBackend.capabilities, 100_000, 10, 64e6)).to.equal(1);
    expect(defaultBlock(cudaBackend.capabilities, 100_000, 10_000, 10_000 * 8)).to.equal(10_000); // device memory is checked at allocation
  });

  it('refuses a run whose recordings do not fit in memory, with the bytes and the options', async () => {
    const nn = new Network();
    const hh = nn.add(models.HodgkinHuxley, { num: 1_000_000 });
    hh.record('v', 'n', 'm', 'h');
    await nn.compile({ backend: 'js' });
    const error = await rejects(() => nn.run(1e-5, { steps: 1_000_000 }), InputDataError, { message: /Network\.run: the recordings need [\d,]+ bytes/ });
    expect(error.message).to.match(/rate/).and.match(/'sum'/);
    expect(nn.step).to.equal(0);
  });

  it('bad dt, steps, sizes and wiring are refused with where and fix', async () => {
    const nn = new Network();
    const inp = nn.input({ name: 'in', num: 3 });
    const iaf = nn.add(models.IAF, { name: 'I', num: 4 });
    expect(() => iaf.connect({ stimulus: inp })).to.throw(NetworkWiringError, /I\.connect\(stimulus\): in gives 3 values but I has 4 units\. Match the sizes, or use an operator/);
    expect(() => iaf.connect({ nope: 1 } as never)).to.throw(NetworkWiringError, /IAF has no input 'nope'/);
    expect(() => iaf.record('w' as never)).to.throw(InputDataError, /'w' is not a variable of IAF\. Record one of/);
    expect(() => iaf.set('c', [1, 2])).to.throw(InputDataError, /I\.c: 2 per-unit values given for 4 units/);
    expect(() => nn.add(models.IAF, { num: 0 })).to.throw(InputDataError, /num = 0 is not a positive integer/);
    await rejects(() => nn.run(1e-4, { steps: 1 }), NetworkWiringError, { message: /not compiled\. Call await network\.compile\(\)/ }, 'ran before compile');
    await nn.compile({ backend: 'js' });
    for (const dt of [0, -1, NaN, Infinity]) {
      await rejects(() => nn.run(dt, { steps: 1 }), InputDataError, { message: /dt = .* is not a positive finite number of seconds/ }, `dt ${dt}`);
    }
    for (const steps of [0, 1.5, -2]) {
      await rejects(() => nn.run(1e-4, { steps }), InputDataError, { message: /steps = .* is not a positive integer/ }, `steps ${steps}`);
    }
    const inp4 = nn.input({ name: 'in4', num: 4 }).set([[1, 2, 3, 4], [1, 2, 3, 4]]);
    iaf.connect({ stimulus: inp4 });
    await rejects(() => nn.run(1e-4, { steps: 5 }), InputDataError, { message: /input 'in4': has 2 steps of data but the run needs 5/ }, 'short data');
    expect(() => inp4.set(new Float64Array(7))).to.throw(InputDataError, /7 values do not make rows of 4/);
  });

  it('an unavailable back end says why', async function () {
    const nn = new Network();
    nn.add(models.IAF);
    needsNoBackend(this, 'cuda');
    const status = backends.status();
    await rejects(() => nn.compile({ backend: 'cuda' }), BackendError, { message: status.cuda.reason, fix: /^Use backend: 'auto'/ });
  });
});
