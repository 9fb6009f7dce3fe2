/**
 * Synaptic delays against a hand-written reference: sources that fire at
 * chosen steps (`Driver`), targets whose `x` only synapses change (`Sink`),
 * and `x_post += w`. A spike of step f reaches a synapse of delay d (in the
 * synapse model's time unit) at step f + round(d / (dt · timeScale)); the
 * events of one step run by increasing delay, then source unit, then
 * synapse order. Delays changed between runs (uniform and per synapse, with
 * and without re-planning) and float32 runs are checked the same way, on
 * the interpreter, js and cpu.
 */
import { expect } from 'chai';
import { InputDataError, Model, Network, onPre, param, type BackendName, type Dtype, type SynapseValue } from '../../lib/index.js';
import { needsBackend, rejects } from '../support.js';
import { BACKENDS, Driver, Jump, JumpSeconds, Sink, changes, driverParams, type Schedule } from './helpers.js';

/** Makes the order of the events of one step visible: each shifts x one decimal digit left and adds its weight. */
class Digits extends Model {
  static timeScale = 1e3;
  @param(1) w!: number;
  @onPre('x_post = x_post * 10 + w') pre!: never;
}

/** One projection of a test: explicit pairs, weights, delays and the time scale of the synapse model. */
interface Projection {
  i: number[];
  j: number[];
  w: number[];
  delay: number | number[];
  timeScale: number;
}

/**
 * The reference: the change of each target's x at each step, from the spike
 * steps of the sources, for x_post += w. Returns, per target, the map from
 * step to the sum of the weights that arrive then.
 */
function arrivals(schedule: Schedule, p: Projection, dt: number, steps: number, targets: number): Map<number, number>[] {
  const out = Array.from({ length: targets }, () => new Map<number, number>());
  for (let s = 0; s < p.i.length; s++) {
    const d = typeof p.delay === 'number' ? p.delay : p.delay[s];
    const lag = Math.round(d / (dt * p.timeScale));
    for (const f of schedule[p.i[s]]) {
      const k = f + lag;
      if (k < steps) out[p.j[s]].set(k, (out[p.j[s]].get(k) ?? 0) + p.w[s]);
    }
  }
  return out;
}

/** The recorded changes of each target as maps from step to change. */
function recorded(sink: { recorder: { get: (v: 'x') => Parameters<typeof changes>[0] } }, targets: number): Map<number, number>[] {
  const rec = sink.recorder.get('x');
  return Array.from({ length: targets }, (_, j) => new Map(changes(rec, j).map((c) => [c.step, c.by])));
}

/** Sorted [step, change] pairs, for readable comparisons. */
const entries = (m: Map<number, number>) => [...m].sort((a, b) => a[0] - b[0]);

const SCHEDULE: Schedule = [[2, 9, 30], [5, 6], [0, 40, 41], [17]];
const PROJECTIONS: Projection[] = [
  // Uniform delay 0: in the step of the spike.
  { i: [0, 1, 2, 0, 3], j: [0, 1, 2, 3, 0], w: [1, 10, 100, 1000, 10000], delay: 0, timeScale: 1e3 },
  // Uniform 1.5 ms: 2 steps of 1 ms (half rounds up), 15 steps of 0.1 ms.
  { i: [2, 0, 1, 3], j: [0, 1, 1, 3], w: [1, 10, 100, 1000], delay: 1.5, timeScale: 1e3 },
  // One delay per synapse, pairs given out of source order.
  { i: [3, 0, 0, 1, 2, 1, 2], j: [0, 0, 1, 1, 2, 0, 3], w: [1, 2, 4, 8, 16, 32, 64], delay: [0.2, 0, 0.34, 2.6, 7, 1.5, 3.7], timeScale: 1e3 },
  // A synapse model in seconds: the delay is in seconds.
  { i: [0, 1, 2], j: [0, 1, 2], w: [1, 2, 3], delay: 0.003, timeScale: 1 },
];

async function simulate(backend: BackendName, dt: number, steps: number, dtype: Dtype = 'float64') {
  const nn = new Network({ seed: 4 });
  const driver = nn.add(Driver, { num: SCHEDULE.length, params: driverParams(SCHEDULE) });
  const sinks = PROJECTIONS.map((p, n) => {
    const sink = nn.add(Sink, { name: `sink${n}`, num: 4 });
    sink.record('x');
    nn.synapses(driver, sink, p.timeScale === 1 ? JumpSeconds : Jump, { i: p.i, j: p.j, values: { w: p.w }, delay: p.delay });
    return sink;
  });
  driver.record('spike');
  await nn.compile({ backend, dtype });
  await nn.run(dt, { steps });
  return { nn, driver, sinks };
}

describe('synapses/delays: when spikes arrive', () => {
  for (const backend of BACKENDS) {
    for (const [dt, steps] of [[1e-3, 60], [1e-4, 140]] as const) {
      it(`${backend}, dt ${dt * 1e3} ms: each target's x jumps at spike step + round(delay / dt), by the weights that arrive`, async function () {
        needsBackend(this, backend);
        const { driver, sinks } = await simulate(backend, dt, steps);
        // The sources fire where the schedule says.
        const spikes = driver.recorder.spikes();
        const want: [number, number][] = SCHEDULE.flatMap((fs, u) => fs.map((f) => [f, u] as [number, number])).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(Array.from(spikes.steps)).to.deep.equal(want.map((x) => x[0]));
        expect(Array.from(spikes.units)).to.deep.equal(want.map((x) => x[1]));
        PROJECTIONS.forEach((p, n) => {
          const ref = arrivals(SCHEDULE, p, dt, steps, 4);
          const got = recorded(sinks[n], 4);
          for (let j = 0; j < 4; j++) expect(entries(got[j]), `projection ${n}, target ${j}`).to.deep.equal(entries(ref[j]));
          // After the run, x holds every weight that arrived, including those of the last step.
          const total = ref.map((m) => [...m.values()].reduce((a, b) => a + b, 0));
          expect(Array.from(sinks[n].get('x')), `projection ${n}: x after the run`).to.deep.equal(total);
        });
      });
    }

    it(`${backend}: the events of a step run by delay, then source unit, then synapse order`, async function () {
      needsBackend(this, backend);
      const nn = new Network({ seed: 1 });
      const schedule: Schedule = [[3, 5], [3, 4], [3]];
      const driver = nn.add(Driver, { num: 3, params: driverParams(schedule) });
      const uniform = nn.add(Sink, { name: 'uniform', num: 1 });
      const each = nn.add(Sink, { name: 'each', num: 1 });
      // Uniform (delay 0): pairs given out of order; synapse order is by source, stable.
      const u = { i: [2, 0, 1, 0], w: [1, 2, 3, 4] };
      nn.synapses(driver, uniform, Digits, { i: u.i, j: [0, 0, 0, 0], values: { w: u.w } });
      // Per synapse: source 0 fires at 3 and 5, source 1 at 4; delays 4, 2, 3 ms meet at step 7.
      const e = { i: [0, 0, 1], w: [1, 2, 3], delay: [4, 2, 3] };
      nn.synapses(driver, each, Digits, { i: e.i, j: [0, 0, 0], values: { w: e.w }, delay: e.delay });
      await nn.compile({ backend });
      await nn.run(1e-3, { steps: 12 });
      // The reference loop of the order: each step, delays ascending, sources ascending, synapses in order.
      const reference = (i: number[], w: number[], delay: number[]) => {
        const synapses = i.map((_, s) => s).sort((a, b) => i[a] - i[b] || a - b);
        let x = 0;
        for (let k = 0; k < 12; k++) {
          for (const d of [...new Set(delay)].sort((a, b) => a - b)) {
            for (let src = 0; src < 3; src++) {
              if (!schedule[src].includes(k - d)) continue;
              for (const s of synapses) if (i[s] === src && delay[s] === d) x = x * 10 + w[s];
            }
          }
        }
        return x;
      };
      // Step 3: source 0 (w 2, 4), source 1 (3), source 2 (1); step 4: source 1; step 5: source 0.
      expect(reference(u.i, u.w, [0, 0, 0, 0])).to.equal(2431324);
      expect(uniform.get('x')[0]).to.equal(2431324);
      // Step 5: 2 (source 0's spike of 3, delay 2); step 6: 3 (source 1's of 3); step 7: delay 2 (source 0, w 2),
      // delay 3 (source 1, w 3), delay 4 (source 0, w 1); step 9: 1.
      expect(reference(e.i, e.w, e.delay)).to.equal(232311);
      expect(each.get('x')[0]).to.equal(232311);
    });

    it(`${backend}: delays changed between runs (uniform, growing and shrinking) apply to the spikes after the change`, async function () {
      needsBackend(this, backend);
      const nn = new Network({ seed: 1 });
      const schedule: Schedule = [[3, 25, 40, 52]];
      const driver = nn.add(Driver, { num: 1, params: driverParams(schedule) });
      const sink = nn.add(Sink, { num: 1 });
      sink.record('x');
      const syn = nn.synapses(driver, sink, Jump, { p: 1, delay: 2 });
      await nn.compile({ backend });
      await nn.run(1e-3, { steps: 20 });
      syn.delay = 4.2;
      expect(syn.delay).to.equal(4.2);
      await nn.run(1e-3, { steps: 15 });
      syn.delay = 1;
      await nn.run(1e-3, { steps: 15 });
      syn.delay = 0;
      await nn.run(1e-3, { steps: 10 });
      expect(changes(sink.recorder.get('x'), 0)).to.deep.equal([{ step: 5, by: 1 }, { step: 29, by: 1 }, { step: 41, by: 1 }, { step: 52, by: 1 }]);
    });

    it(`${backend}: per-synapse delays changed between runs apply at once; with the same longest delay nothing is compiled again`, async function () {
      needsBackend(this, backend);
      const nn = new Network({ seed: 1 });
      const schedule: Schedule = [[2, 20], [11]];
      const driver = nn.add(Driver, { num: 2, params: driverParams(schedule) });
      const sink = nn.add(Sink, { num: 3 });
      sink.record('x');
      const syn = nn.synapses(driver, sink, Jump, { i: [0, 0, 1], j: [0, 1, 2], delay: [1, 3, 0] });
      await nn.compile({ backend });
      await nn.run(1e-3, { steps: 10 });
      const source = nn.source;
      syn.delay = [3, 1, 2];
      expect(Array.from(syn.delay as Float64Array)).to.deep.equal([3, 1, 2]);
      await nn.run(1e-3, { steps: 20 });
      expect(nn.source, 'the same program').to.equal(source);
      // An expression of i and j: delay 2·j ms.
      syn.delay = 'j * 2';
      await nn.run(1e-3, { steps: 10 });
      const got = [0, 1, 2].map((j) => changes(sink.recorder.get('x'), j).map((c) => c.step));
      // Before the change: 2+1, 2+3; after: 11+2, 20+3, 20+1; after the expression, nothing fires.
      expect(got).to.deep.equal([[3, 23], [5, 21], [13]]);
      expect(Array.from(syn.delay as Float64Array)).to.deep.equal([0, 2, 4]);
    });

    it(`${backend}: one delay for all changed to one per synapse (compiled again) and back`, async function () {
      needsBackend(this, backend);
      const nn = new Network({ seed: 1 });
      const schedule: Schedule = [[1, 12, 24]];
      const driver = nn.add(Driver, { num: 1, params: driverParams(schedule) });
      const sink = nn.add(Sink, { num: 2 });
      sink.record('x');
      const syn = nn.synapses(driver, sink, Jump, { p: 1, delay: 1 });
      await nn.compile({ backend });
      await nn.run(1e-3, { steps: 10 });
      syn.delay = [2, 5];
      await nn.run(1e-3, { steps: 10 });
      syn.delay = 3;
      await nn.run(1e-3, { steps: 10 });
      const got = [0, 1].map((j) => changes(sink.recorder.get('x'), j).map((c) => c.step));
      expect(got).to.deep.equal([[2, 14, 27], [2, 17, 27]]);
    });

    it(`${backend}: a delay that grows past the planned ones while spikes are in flight plans again, and those spikes arrive once`, async function () {
      needsBackend(this, backend);
      // Uniform: delay 2 ms; at step 8 the spike of step 6 is in flight (due at 8). The delay becomes 6 ms.
      // Per synapse: delays 1 and 2 ms; the spike of step 6 is due at 8 on synapse 1. The delays become 1 and 5 ms.
      const nn = new Network({ seed: 1 });
      const schedule: Schedule = [[1, 6]];
      const driver = nn.add(Driver, { num: 1, params: driverParams(schedule) });
      const a = nn.add(Sink, { name: 'uniform', num: 1 });
      const b = nn.add(Sink, { name: 'each', num: 2 });
      a.record('x');
      b.record('x');
      const uniform = nn.synapses(driver, a, Jump, { p: 1, delay: 2 });
      const each = nn.synapses(driver, b, Jump, { i: [0, 0], j: [0, 1], delay: [1, 2] });
      await nn.compile({ backend });
      await nn.run(1e-3, { steps: 8 });
      const source = nn.source;
      uniform.delay = 6;
      each.delay = [1, 5];
      await nn.run(1e-3, { steps: 12 });
      // The rings grew: the generated code changed (the interpreter has none).
      if (backend !== 'interpreter') expect(nn.source, 'compiled again').to.not.equal(source);
      // Each spike arrives once per synapse: before the change with the old delay; the one in flight
      // at the change (fired at 6) at step 6 + the old or the new delay, whichever the library keeps.
      const ua = changes(a.recorder.get('x'), 0);
      expect(ua.slice(0, 1)).to.deep.equal([{ step: 3, by: 1 }]);
      expect(ua).to.have.length(2);
      expect([8, 12]).to.include(ua[1].step);
      const e0 = changes(b.recorder.get('x'), 0);
      expect(e0).to.deep.equal([{ step: 2, by: 1 }, { step: 7, by: 1 }]);
      const e1 = changes(b.recorder.get('x'), 1);
      expect(e1.slice(0, 1)).to.deep.equal([{ step: 3, by: 1 }]);
      expect(e1).to.have.length(2);
      expect([8, 11]).to.include(e1[1].step);
      expect(Array.from(a.get('x'))).to.deep.equal([2]);
      expect(Array.from(b.get('x'))).to.deep.equal([2, 2]);
    });

    it(`${backend}: float32 runs deliver at the same steps as float64 (dt 0.1 ms, where k·dt is rarely a float32 number)`, async function () {
      needsBackend(this, backend);
      const { sinks } = await simulate(backend, 1e-4, 140, 'float32');
      PROJECTIONS.forEach((p, n) => {
        const ref = arrivals(SCHEDULE, p, 1e-4, 140, 4);
        const got = recorded(sinks[n], 4);
        for (let j = 0; j < 4; j++) expect(entries(got[j]), `projection ${n}, target ${j}`).to.deep.equal(entries(ref[j]));
      });
    });

    // Delays changed between runs apply to the spikes sent after the change; a spike in
    // flight keeps the delay it was sent with (uniform 2 → 6 ms: the spike of step 5
    // arrives at 7 only; per synapse [1, 3] → [3, 1]: each synapse gets it once).
    it(`${backend}: a spike is delivered exactly once per synapse when delays change between runs`, async function () {
      needsBackend(this, backend);
      const nn = new Network({ seed: 1 });
      const driver = nn.add(Driver, { num: 1, params: driverParams([[5]]) });
      const a = nn.add(Sink, { name: 'uniform', num: 1 });
      const b = nn.add(Sink, { name: 'each', num: 2 });
      const uniform = nn.synapses(driver, a, Jump, { p: 1, delay: 2 });
      const each = nn.synapses(driver, b, Jump, { i: [0, 0], j: [0, 1], delay: [1, 3] });
      await nn.compile({ backend });
      await nn.run(1e-3, { steps: 8 });
      uniform.delay = 6;
      each.delay = [3, 1];
      await nn.run(1e-3, { steps: 12 });
      expect(Array.from(a.get('x'))).to.deep.equal([1]);
      expect(Array.from(b.get('x'))).to.deep.equal([1, 1]);
    });

    it(`${backend}: a second change while spikes sent before the first are in flight is refused, and allowed once they arrived`, async function () {
      needsBackend(this, backend);
      const nn = new Network({ seed: 1 });
      const driver = nn.add(Driver, { num: 1, params: driverParams([[5]]) });
      const b = nn.add(Sink, { name: 'each', num: 2 });
      const each = nn.synapses(driver, b, Jump, { i: [0, 0], j: [0, 1], delay: [1, 3] });
      await nn.compile({ backend });
      await nn.run(1e-3, { steps: 7 });
      each.delay = [4, 4];
      await nn.run(1e-3, { steps: 1 });
      each.delay = [2, 2];
      await rejects(() => nn.run(1e-3, { steps: 1 }), InputDataError, { message: /delays changed again 1 steps after the last change/ });
      each.delay = [4, 4];
      await nn.run(1e-3, { steps: 10 });
      expect(Array.from(b.get('x'))).to.deep.equal([1, 1]);
    });
  }

  it('a delay of one number is kept as given; per-synapse delays are read back in the synapses\' order', () => {
    const nn = new Network({ seed: 1 });
    const driver = nn.add(Driver, { num: 3 });
    const sink = nn.add(Sink, { num: 3 });
    const uniform = nn.synapses(driver, sink, Jump, { p: 1, delay: 1.25 });
    expect(uniform.delay).to.equal(1.25);
    const none = nn.synapses(driver, sink, Jump, { p: 1 });
    expect(none.delay).to.equal(0);
    const expr = nn.synapses(driver, sink, Jump, { p: 1, delay: '0.5 * i + j' as SynapseValue });
    const d = expr.delay as Float64Array;
    for (let s = 0; s < expr.num; s++) expect(d[s]).to.equal(0.5 * expr.i[s] + expr.j[s]);
    // A copy: changing it changes nothing.
    d[0] = 99;
    expect((expr.delay as Float64Array)[0]).to.equal(0);
  });
});
