/**
 * A batch of networks computes, for each member, exactly what the member
 * computes when run alone: the same spikes (units and steps), the same
 * states and synapse values and the same recorded rows, bit for bit, on
 * the interpreter, js and cpu, with runs cut in pieces. The members differ
 * in seed, parameters, initial values drawn from the seed, input streams,
 * constants, Dot matrices, connectivity and delays; the network has
 * Poisson sources, noise, synapses with delays, a Mean and a Dot.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { Batch, BusyError, Dot, InputDataError, Mean, Network, NetworkWiringError, loadCheckpoint, models, saveCheckpoint, type BackendName } from '../../lib/index.js';
import { needsBackend, rejects, temporaryFolder, throws } from '../support.js';

const DT = 1e-4;

interface Params {
  I: number;
  w: number;
}

/** One member: Poisson → CUBA (with recurrent synapses) → NoisyLIF through a Mean, a Dot, a stream and a constant. */
function build(p: Params, seed: number, o: { num?: number; keep?: boolean } = {}): Network {
  const nn = new Network({ seed });
  const drive = nn.input({ name: 'drive' }).set((k) => p.I * (1 + Math.sin(k / 40)));
  const src = nn.add(models.Poisson, { name: 'poisson', num: 20, params: { rate: 40 + 20 * p.I } });
  const P = nn.add(models.CUBA, { name: 'P', num: o.num ?? 40, states: { v: 'vr + rand() * (vt - vr)' } });
  const L = nn.add(models.NoisyLIF, { name: 'L', num: 10, params: { sigma: 1 + p.w } });
  nn.synapses(src, P, models.ExcitatoryJump, { name: 'in', p: 0.3, values: { w: p.w }, delay: '0.5 + 2 * rand()' });
  nn.synapses(P, P, models.ExcitatoryJump, { name: 'exc', sources: [0, 32], p: 0.1, values: { w: 1.62 }, delay: 1 });
  nn.synapses(P, P, models.InhibitoryJump, { name: 'inh', sources: [32, 40], p: 0.1, values: { w: -9 } });
  // A matrix of the member's own: rows near 1/40 each, from its seed.
  const matrix = Array.from({ length: 10 }, (_, r) => Array.from({ length: P.num }, (_, j) => (1 + 0.5 * Math.sin(seed + r * 40 + j)) / 40));
  L.connect({ I: [drive, Mean(P.ref('v')), Dot(matrix, P.ref('v')), 120 + 2 * p.I] });
  src.record('spike');
  P.record('spike');
  P.record('v', { rate: 7, units: [0, 5, 39] });
  P.record('ge', { mode: 'sum' });
  L.record('spike');
  L.record('v', { rate: 3, reduce: 'max', keep: o.keep ?? true });
  return nn;
}

const SETS: { params: Params; seed: number }[] = [
  { params: { I: 1, w: 2 }, seed: 11 },
  { params: { I: 2.5, w: 1 }, seed: 4_000_000_000 },
  { params: { I: 1, w: 3 }, seed: 5 },
];

/** Everything a run leaves of a network, as strings and arrays to compare. */
function results(nn: Network) {
  const [src, P, L] = nn.containers;
  const train = (c: typeof P) => {
    const s = c.recorder.spikes();
    return Array.from(s.units, (u, q) => `${s.steps[q]}:${u}`);
  };
  return {
    step: nn.step,
    spikes: { src: train(src), P: train(P), L: train(L) },
    states: Object.fromEntries(['v', 'ge', 'gi', 'lastspike'].map((v) => [v, Array.from(P.get(v))]).concat([['L.v', Array.from(L.get('v'))]])),
    synapses: nn.projections.map((p) => Array.from(p.get('w'))),
    recorded: {
      v: Array.from(P.recorder.get('v').data),
      times: Array.from(P.recorder.get('v').times()),
      units: Array.from(P.recorder.get('v').units ?? []),
      ge: Array.from(P.recorder.get('ge').data),
      Lv: Array.from(L.recorder.get('v').data),
      durations: [P.recorder.spikes().duration, L.recorder.spikes().duration],
    },
  };
}

for (const [backend, pieces] of [['interpreter', [60, 40]], ['js', [700, 500]], ['cpu', [700, 500]]] as [BackendName, number[]][]) {
  describe(`network/batch on ${backend}: each member computes what it computes alone`, function () {
    this.timeout(300_000);
    let alone: ReturnType<typeof results>[];
    let batched: ReturnType<typeof results>[];

    before(async function () {
      needsBackend(this, backend);
      alone = [];
      for (const { params, seed } of SETS) {
        const nn = build(params, seed);
        await nn.compile({ backend });
        // Row k of an input feeds step k of each run: the member alone runs the same pieces.
        for (const steps of pieces) await nn.run(DT, { steps });
        alone.push(results(nn));
      }
      const members = SETS.map(({ params, seed }) => build(params, seed));
      const batch = new Batch(members);
      await batch.compile({ backend });
      for (const steps of pieces) await batch.run(DT, { steps, blockSteps: 97 });
      batched = members.map(results);
    });

    it('the members fire (the comparison is not empty)', () => {
      for (const r of alone) {
        if (backend !== 'interpreter') expect(r.spikes.P.length, 'CUBA spikes').to.be.greaterThan(0);
        expect(r.spikes.src.length, 'Poisson spikes').to.be.greaterThan(0);
      }
      // Members differ from each other, so a batch that gave every member member 0's numbers would fail.
      expect(alone[1].spikes.src).to.not.deep.equal(alone[0].spikes.src);
      expect(alone[2].states.v).to.not.deep.equal(alone[0].states.v);
    });

    it('spikes, states, synapse values and recordings are identical to the member run alone', () => {
      SETS.forEach((_, b) => {
        expect(batched[b].step, `member ${b} step`).to.equal(alone[b].step);
        expect(batched[b].spikes, `member ${b} spikes`).to.deep.equal(alone[b].spikes);
        expect(batched[b].states, `member ${b} states`).to.deep.equal(alone[b].states);
        expect(batched[b].synapses, `member ${b} synapses`).to.deep.equal(alone[b].synapses);
        expect(batched[b].recorded, `member ${b} recordings`).to.deep.equal(alone[b].recorded);
      });
    });
  });
}

describe('network/batch: the plan of a batch', () => {
  it('draws with each member\'s seed, turns Mean into a BlockMean and Dot into a block-diagonal product', () => {
    const members = SETS.map(({ params, seed }) => build(params, seed));
    const plan = new Batch(members).network.plan();
    expect(plan.batch?.members).to.equal(3);
    expect(plan.containers.map((c) => [c.num, c.members])).to.deep.equal([[60, 3], [120, 3], [30, 3]]);
    const ops = plan.containers[2].operators.map((o) => [o.kind, o.size, o.block, o.members]);
    expect(ops).to.deep.include.members([['blockmean', 3, 40, undefined], ['dot', 30, undefined, 3]]);
    expect(plan.projections?.map((p) => p.num)).to.deep.equal(['in', 'exc', 'inh'].map((_, pi) => members.reduce((n, m) => n + m.projections[pi].num, 0)));
  });

  it('a batch of one member is the member: the same spikes as alone', async () => {
    const alone = build(SETS[0].params, SETS[0].seed);
    await alone.compile({ backend: 'js' });
    await alone.run(DT, { steps: 300 });
    const member = build(SETS[0].params, SETS[0].seed);
    const batch = new Batch([member]);
    await batch.compile({ backend: 'js' });
    await batch.run(DT, { steps: 300 });
    expect(results(member)).to.deep.equal(results(alone));
  });

  it('reset returns every member to step 0 with no recordings; a run after it repeats the first', async () => {
    const members = SETS.map(({ params, seed }) => build(params, seed));
    const batch = new Batch(members);
    await batch.compile({ backend: 'js' });
    await batch.run(DT, { steps: 200 });
    const first = members.map(results);
    await batch.reset();
    expect(members.map((m) => m.step)).to.deep.equal([0, 0, 0]);
    throws(() => members[0].containers[1].recorder.spikes(), InputDataError, { message: 'no spikes were recorded' });
    await batch.run(DT, { steps: 200 });
    expect(members.map(results)).to.deep.equal(first);
  });

  it('starts from a state set on a compiled member (its current value)', async () => {
    const alone = build(SETS[1].params, SETS[1].seed);
    await alone.compile({ backend: 'js' });
    alone.containers[1].set('v', -52);
    await alone.run(DT, { steps: 150 });
    const members = SETS.map(({ params, seed }) => build(params, seed));
    await members[1].compile({ backend: 'js' });
    members[1].containers[1].set('v', -52);
    const batch = new Batch(members);
    await batch.compile();
    expect(batch.network.chosen?.backend, 'compiled as member 0 was (default)').to.be.a('string');
    await batch.run(DT, { steps: 150 });
    expect(results(members[1])).to.deep.equal(results(alone));
  });
});

describe('network/batch: checkpoints of a member', () => {
  const folder = temporaryFolder('neural-batch-checkpoint-');

  /** CUBA with a delay per synapse: spikes are in flight whenever it is stopped. */
  function cuba(seed: number): Network {
    const nn = new Network({ seed });
    const P = nn.add(models.CUBA, { name: 'P', num: 200, states: { v: 'vr + rand() * (vt - vr)' } });
    nn.synapses(P, P, models.ExcitatoryJump, { name: 'exc', sources: [0, 160], p: 0.08, values: { w: 1.62 }, delay: '0.5 + 2 * rand()' });
    nn.synapses(P, P, models.InhibitoryJump, { name: 'inh', sources: [160, 200], p: 0.08, values: { w: -9 }, delay: 1 });
    P.record('spike');
    return nn;
  }

  it('a member saved while spikes are in flight, resumed alone, gives its uninterrupted run', async () => {
    const whole = cuba(6);
    await whole.compile({ backend: 'js' });
    await whole.run(DT, { steps: 1500 });
    const members = [cuba(5), cuba(6)];
    const batch = new Batch(members);
    await batch.compile({ backend: 'js' });
    await batch.run(DT, { steps: 700 });
    const file = join(folder(), 'member.npz');
    await saveCheckpoint(file, members[1]);
    const resumed = cuba(6);
    await resumed.compile({ backend: 'js' });
    await loadCheckpoint(file, resumed);
    await resumed.run(DT, { steps: 800 });
    const a = whole.containers[0].recorder.spikes();
    const b = resumed.containers[0].recorder.spikes();
    expect(Array.from(b.steps)).to.deep.equal(Array.from(a.steps));
    expect(Array.from(b.units)).to.deep.equal(Array.from(a.units));
    expect(Array.from(resumed.containers[0].get('ge'))).to.deep.equal(Array.from(whole.containers[0].get('ge')));
    // A checkpoint cannot be loaded into a member: it belongs to the batch.
    await rejects(() => loadCheckpoint(file, members[1]), BusyError, { message: 'member 1 of a batch' });
  });
});

describe('network/batch: refusals', () => {
  const members = () => SETS.map(({ params, seed }) => build(params, seed));

  it('refuses an empty list, a network given twice, and a network that has run', async () => {
    throws(() => new Batch([]), InputDataError, { where: 'new Batch', message: 'not a non-empty list' });
    const [a, b] = members();
    throws(() => new Batch([a, b, a]), InputDataError, { where: 'new Batch: member 2', message: 'same network as member 0' });
    await b.compile({ backend: 'js' });
    await b.run(DT, { steps: 3 });
    throws(() => new Batch([a, b]), InputDataError, { where: 'new Batch: member 1', message: 'has run 3 steps' });
  });

  it('refuses members of another structure, naming the first difference', () => {
    const [a] = members();
    const other = build(SETS[1].params, SETS[1].seed, { num: 41 });
    throws(() => new Batch([a, other]), NetworkWiringError, { where: 'new Batch: member 1', message: "container 1 ('P') has 41 units; member 0's ('P') has 40." , fix: /only values, seeds/ });
    const lif = new Network();
    lif.add(models.LIF, { num: 3 });
    throws(() => new Batch([a, lif]), NetworkWiringError, { message: 'has 1 containers; member 0 has 3' });
  });

  it('refuses recordings that keep no rows (the blocks of a batch hold every member)', () => {
    const list = SETS.map(({ params, seed }) => build(params, seed, { keep: false }));
    throws(() => new Batch(list), NetworkWiringError, { message: 'keep: false' });
  });

  it('locks its members: changing or running one alone is refused, reading is not', async () => {
    const list = members();
    const batch = new Batch(list);
    await rejects(() => list[0].run(DT, { steps: 1 }), BusyError, { message: 'member 0 of a batch of 3' });
    throws(() => list[2].containers[1].set('v', -50), BusyError, { message: 'member 2 of a batch of 3' });
    await rejects(() => list[1].compile(), BusyError);
    expect(list[1].containers[1].get('v')).to.have.length(40);
    throws(() => new Batch([list[0]]), InputDataError, { message: 'member 0 of a batch' });
    await rejects(() => batch.run(DT, { steps: 1 }), NetworkWiringError, { message: 'not compiled' });
  });
});
