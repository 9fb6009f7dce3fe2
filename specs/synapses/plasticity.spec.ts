/**
 * Plasticity: the library's `SongSTDP` (event-driven traces, `onPre` and
 * `onPost`, clipping) between sources and targets that fire at chosen steps,
 * against a hand-written loop of the same rule: traces decay exactly
 * (A·e^{−Δt/τ}) from the synapse's last event to the event's time t = k·dt,
 * the pre pathway runs before the post pathway within a step, the weight
 * stays in [0, gmax]. Also: an event-driven state with a constant term, and
 * `onPost` statements that change the synapse and its source unit. The
 * interpreter, js and cpu give identical float64 results.
 */
import { expect } from 'chai';
import { Model, Network, derivative, models, onPost, onPre, param, state, type BackendName } from '../../lib/index.js';
import { needsBackend } from '../support.js';
import { BACKENDS, Driver, driverParams, relClose, type Schedule } from './helpers.js';

/** A SongNeuron-like target whose spikes are chosen: it has the `ge` that SongSTDP adds to, which nothing else changes. */
class Target extends Driver {
  @state(0) ge!: number;
}

/** A source with a state the synapses may change (`y_pre`). */
class Source extends Driver {
  @state(0) y!: number;
}

/** Counts the target's spikes per synapse and adds its weight to the source's y on each. */
class PostCounter extends Model {
  static timeScale = 1e3;
  @param(1) w!: number;
  @state(0) n!: number;
  @onPost(['n += 1', 'y_pre += w']) post!: never;
}

/** An event-driven state that relaxes to 1 (a constant term): A(t) = 1 − (1 − A₀)·e^{−Δt/τ}, then + 0.5 on each source spike. */
class Relax extends Model {
  static timeScale = 1e3;
  @param(7) tau!: number;
  @state(0) @derivative('(1 - A) / tau', { eventDriven: true }) A!: number;
  @state(0) seen!: number;
  @onPre(['seen = A', 'A += 0.5', 'ge_post += A']) pre!: never;
}

const DT = 1e-4;
const STEPS = 620;
const SOURCES: Schedule = [[10, 150, 300, 450], [100, 101, 260, 500], [200, 205, 210, 480]];
const TARGETS: Schedule = [[50, 160, 300, 455], [120, 260, 490, 590]];
/** The synapses of p = 1, in their order (by source, then target), with their delays (ms) and initial weights. */
const DELAYS = [0, 0.5, 1, 0, 2, 0.3];
const W0 = [0.0005, 0.0095, 0.002, 0.0099, 0, 0.006];
const RULE = { gmax: 0.01, taupre: 20, taupost: 15, dApre: 0.004, dApost: -0.0045 };

/** The hand-written STDP loop. */
function reference() {
  const dtm = DT * 1e3;
  const n = DELAYS.length;
  const i = Array.from({ length: n }, (_, s) => Math.floor(s / 2));
  const j = Array.from({ length: n }, (_, s) => s % 2);
  const lag = DELAYS.map((d) => Math.round(d / dtm));
  const w = [...W0];
  const Apre = new Array<number>(n).fill(0);
  const Apost = new Array<number>(n).fill(0);
  const last = new Array<number>(n).fill(0);
  const ge = [0, 0];
  const clipped = { low: 0, high: 0 };
  const clip = (x: number) => {
    if (x < 0) { clipped.low++; return 0; }
    if (x > RULE.gmax) { clipped.high++; return RULE.gmax; }
    return x;
  };
  const decay = (s: number, t: number) => {
    Apre[s] *= Math.exp(-(t - last[s]) / RULE.taupre);
    Apost[s] *= Math.exp(-(t - last[s]) / RULE.taupost);
    last[s] = t;
  };
  for (let k = 0; k < STEPS; k++) {
    const t = k * dtm;
    // Pre: by delay, then source unit, then synapse order.
    for (const d of [...new Set(lag)].sort((a, b) => a - b)) {
      for (let src = 0; src < SOURCES.length; src++) {
        if (!SOURCES[src].includes(k - d)) continue;
        for (let s = 0; s < n; s++) {
          if (i[s] !== src || lag[s] !== d) continue;
          decay(s, t);
          ge[j[s]] += w[s];
          Apre[s] += RULE.dApre;
          w[s] = clip(w[s] + Apost[s]);
        }
      }
    }
    // Post: target units in order, their synapses in order.
    for (let tgt = 0; tgt < TARGETS.length; tgt++) {
      if (!TARGETS[tgt].includes(k)) continue;
      for (let s = 0; s < n; s++) {
        if (j[s] !== tgt) continue;
        decay(s, t);
        Apost[s] += RULE.dApost;
        w[s] = clip(w[s] + Apre[s]);
      }
    }
  }
  return { w, Apre, Apost, last, ge, clipped };
}

async function stdp(backend: BackendName, pieces = 1) {
  const nn = new Network({ seed: 12 });
  const source = nn.add(Driver, { name: 'source', num: 3, params: driverParams(SOURCES) });
  const target = nn.add(Target, { name: 'target', num: 2, params: driverParams(TARGETS) });
  const syn = nn.synapses(source, target, models.SongSTDP, { p: 1, delay: DELAYS, values: { w: W0, ...RULE } });
  await nn.compile({ backend });
  for (let q = 0; q < pieces; q++) await nn.run(DT, { steps: STEPS / pieces });
  return { nn, syn, target, got: { w: syn.get('w'), Apre: syn.get('Apre'), Apost: syn.get('Apost'), last: syn.get('lastupdate'), ge: target.get('ge') } };
}

describe('synapses/plasticity: STDP and event-driven states', () => {
  const want = reference();

  it('the reference pairs spikes both ways and clips at both bounds (so the comparison means something)', () => {
    expect(want.clipped.low, 'clipped at 0').to.be.above(0);
    expect(want.clipped.high, 'clipped at gmax').to.be.above(0);
    expect(want.w.some((x) => x > 0 && x < RULE.gmax)).to.equal(true);
    // The traces are not zero at the end, and differ per synapse.
    expect(new Set(want.Apre).size).to.be.above(2);
    expect(new Set(want.Apost).size).to.be.above(2);
  });

  const results: Partial<Record<BackendName, Awaited<ReturnType<typeof stdp>>['got']>> = {};
  for (const backend of BACKENDS) {
    it(`${backend}: w, Apre, Apost, lastupdate and the targets' ge equal the hand-written loop (1e-12 relative)`, async function () {
      needsBackend(this, backend);
      const { got, syn } = await stdp(backend);
      results[backend] = got;
      expect(Array.from(syn.i)).to.deep.equal([0, 0, 1, 1, 2, 2]);
      expect(Array.from(syn.j)).to.deep.equal([0, 1, 0, 1, 0, 1]);
      for (const key of ['w', 'Apre', 'Apost', 'last', 'ge'] as const) {
        const ref = want[key];
        const x = got[key];
        expect(x.length, key).to.equal(ref.length);
        for (let s = 0; s < ref.length; s++) if (!relClose(x[s], ref[s], 1e-12)) expect.fail(`${key}[${s}]: ${x[s]}, the reference ${ref[s]}`);
      }
      // Weights stay in [0, gmax].
      for (const x of got.w) expect(x).to.be.within(0, RULE.gmax);
    });
  }

  it('the three back ends give identical float64 results', function () {
    const done = BACKENDS.filter((b) => results[b]);
    if (done.length < 2) this.skip();
    for (const b of done.slice(1)) {
      for (const key of ['w', 'Apre', 'Apost', 'last', 'ge'] as const) {
        expect(Array.from(results[b]![key]), `${b} ${key}`).to.deep.equal(Array.from(results[done[0]]![key]));
      }
    }
  });

  it('runs in pieces give the same weights and traces as one run (js)', async () => {
    const one = await stdp('js');
    const four = await stdp('js', 4);
    for (const key of ['w', 'Apre', 'Apost', 'last', 'ge'] as const) expect(Array.from(four.got[key]), key).to.deep.equal(Array.from(one.got[key]));
  });

  for (const backend of BACKENDS) {
    it(`${backend}: an event-driven state with a constant term is brought up to date exactly at each event`, async function () {
      needsBackend(this, backend);
      const nn = new Network({ seed: 1 });
      const schedule: Schedule = [[4, 30, 31, 200], [90]];
      const source = nn.add(Driver, { num: 2, params: driverParams(schedule) });
      const target = nn.add(Target, { num: 1 });
      const syn = nn.synapses(source, target, Relax, { i: [1, 0], j: [0, 0], values: { tau: [3, 7] }, delay: [0, 0.2] });
      await nn.compile({ backend });
      await nn.run(DT, { steps: 250 });
      // Synapse order: source 0 (tau 7, delay 0.2 ms = 2 steps), source 1 (tau 3, delay 0).
      const dtm = DT * 1e3;
      const ref = [{ tau: 7, lag: 2, src: 0 }, { tau: 3, lag: 0, src: 1 }].map(({ tau, lag, src }) => {
        let A = 0;
        let last = 0;
        let seen = 0;
        let ge = 0;
        for (const f of schedule[src]) {
          const t = (f + lag) * dtm;
          A = 1 - (1 - A) * Math.exp(-(t - last) / tau);
          last = t;
          seen = A;
          A += 0.5;
          ge += A;
        }
        return { A, last, seen, ge };
      });
      ref.forEach((r, s) => {
        expect(relClose(syn.get('A')[s], r.A, 1e-12), `A[${s}]: ${syn.get('A')[s]} vs ${r.A}`).to.equal(true);
        expect(relClose(syn.get('seen')[s], r.seen, 1e-12), `seen[${s}]: ${syn.get('seen')[s]} vs ${r.seen}`).to.equal(true);
        expect(syn.get('lastupdate')[s]).to.equal(r.last);
      });
      expect(relClose(target.get('ge')[0], ref[0].ge + ref[1].ge, 1e-12)).to.equal(true);
    });

    it(`${backend}: onPost runs for each synapse of a target that fires, and may change the source unit (y_pre)`, async function () {
      needsBackend(this, backend);
      const nn = new Network({ seed: 1 });
      const targets: Schedule = [[3, 8], [8], [], [1, 2, 3, 4]];
      const source = nn.add(Source, { num: 3 });
      const target = nn.add(Driver, { num: 4, params: driverParams(targets) });
      const syn = nn.synapses(source, target, PostCounter, { condition: 'j >= i', values: { w: 'i * 100 + j' } });
      await nn.compile({ backend });
      await nn.run(1e-3, { steps: 10 });
      const n = syn.get('n');
      const y = new Float64Array(3);
      for (let s = 0; s < syn.num; s++) {
        expect(n[s], `synapse (${syn.i[s]}, ${syn.j[s]})`).to.equal(targets[syn.j[s]].length);
        y[syn.i[s]] += (syn.i[s] * 100 + syn.j[s]) * targets[syn.j[s]].length;
      }
      expect(Array.from(source.get('y'))).to.deep.equal(Array.from(y));
    });
  }
});
