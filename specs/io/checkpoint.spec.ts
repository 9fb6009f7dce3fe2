/**
 * saveCheckpoint and loadCheckpoint: a run stopped at step k and resumed
 * from the file in a new network gives the spikes and values of one
 * uninterrupted run, bit for bit, with noise and Poisson draws, on
 * interpreter, js and cpu; checkpoints of another network, another layout
 * version or damaged files are refused.
 */
import { expect } from 'chai';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataFileError, InputDataError, Network, Sum, loadCheckpoint, loadNpz, models, resumeLatest, runWithCheckpoints, saveCheckpoint, saveNpz, type BackendName } from '../../lib/index.js';
import { needsBackend, rejects, temporaryFolder } from '../support.js';

const DT = 1e-4;

/** Poisson input driving a noisy LIF population through a Sum: noise, draws, spikes and an operator. */
function build(seed = 9) {
  const nn = new Network({ seed });
  const p = nn.add(models.Poisson, { name: 'in', num: 10, params: { rate: 300 } });
  const lif = nn.add(models.NoisyLIF, { name: 'lif', num: 20, params: { El: -52, tau: 10, sigma: 3, tref: 2 } });
  lif.connect({ I: Sum(p.ref('lastspike')) });
  lif.record('spike');
  p.record('spike');
  // Traces (every 7th step, three units, with the initial row) and a sum: recordings a checkpoint continues.
  lif.record('v', { rate: 7, units: [0, 4, 19], initial: true });
  lif.record('not_refractory', { mode: 'sum' });
  return { nn, p, lif };
}

describe('io/checkpoint', () => {
  const folder = temporaryFolder('neural-checkpoint-');

  for (const backend of ['interpreter', 'js', 'cpu'] as const) {
    it(`${backend}: stop at step 1,300, save, resume in a new network: the spikes and values of one run of 3,000 steps`, async function () {
      needsBackend(this, backend as BackendName);
      const whole = build();
      await whole.nn.compile({ backend });
      await whole.nn.run(DT, { steps: 3000 });

      const first = build();
      await first.nn.compile({ backend });
      await first.nn.run(DT, { steps: 1300 });
      const file = join(folder(), `${backend}.npz`);
      await saveCheckpoint(file, first.nn);

      // Another seed and other values before the load: the checkpoint must set them all.
      const second = build(12345);
      second.lif.set('v', -55);
      await second.nn.compile({ backend });
      await loadCheckpoint(file, second.nn);
      expect(second.nn.step).to.equal(1300);
      expect(second.nn.seed).to.equal(9);
      await second.nn.run(DT, { steps: 1700 });

      // The recordings continue: the resumed network's are those of the whole run.
      for (const name of ['lif', 'p'] as const) {
        const all = whole[name].recorder.spikes();
        const resumed = second[name].recorder.spikes();
        expect(Array.from(resumed.steps), name).to.deep.equal(Array.from(all.steps));
        expect(Array.from(resumed.units), name).to.deep.equal(Array.from(all.units));
        expect(Array.from(resumed.times()), name).to.deep.equal(Array.from(all.times()));
        expect(resumed.duration, name).to.be.closeTo(all.duration, 1e-12);
        expect(all.steps.filter((k) => k >= 1300).length, name).to.be.above(10);
      }
      for (const v of ['v', 'not_refractory'] as const) {
        const a = whole.lif.recorder.get(v);
        const b = second.lif.recorder.get(v);
        expect(b.shape, v).to.deep.equal(a.shape);
        expect(Array.from(b.data), v).to.deep.equal(Array.from(a.data));
        expect(Array.from(b.times()), v).to.deep.equal(Array.from(a.times()));
        expect(Array.from(b.units ?? []), v).to.deep.equal(Array.from(a.units ?? []));
      }
      expect(Array.from(second.lif.get('v'))).to.deep.equal(Array.from(whole.lif.get('v')));
      expect(Array.from(second.lif.get('lastspike'))).to.deep.equal(Array.from(whole.lif.get('lastspike')));
    });
  }

  it('with { recordings: false } the resumed recordings start at the saved step', async () => {
    const whole = build();
    await whole.nn.compile({ backend: 'js' });
    await whole.nn.run(DT, { steps: 600 });
    const first = build();
    await first.nn.compile({ backend: 'js' });
    await first.nn.run(DT, { steps: 300 });
    const file = join(folder(), 'bare.npz');
    await saveCheckpoint(file, first.nn, { recordings: false });
    const second = build();
    await second.nn.compile({ backend: 'js' });
    await loadCheckpoint(file, second.nn);
    await second.nn.run(DT, { steps: 300 });
    const all = whole.lif.recorder.spikes();
    const from = Array.from(all.steps).findIndex((k) => k >= 300);
    expect(Array.from(second.lif.recorder.spikes().steps)).to.deep.equal(Array.from(all.steps).slice(from));
    // A new trace: its initial row holds the values at the saved step.
    expect(second.lif.recorder.get('v').times()[0]).to.equal(300 * DT);
    await rejects(() => saveCheckpoint(file, first.nn, { recording: true } as never), InputDataError, { where: 'saveCheckpoint' });
  });

  it('refuses a checkpoint of another network, of another layout version, and a damaged file', async () => {
    const a = build();
    await a.nn.compile({ backend: 'js' });
    await a.nn.run(DT, { steps: 50 });
    const file = join(folder(), 'a.npz');
    await saveCheckpoint(file, a.nn);

    const other = new Network();
    other.add(models.Poisson, { name: 'in', num: 11 });
    other.add(models.NoisyLIF, { name: 'lif', num: 20 });
    await rejects(() => loadCheckpoint(file, other), DataFileError, { message: /container 0 'in' had 10 units; here it has 11/ });
    const renamed = new Network();
    renamed.add(models.Poisson, { name: 'in', num: 10 });
    renamed.add(models.LIF, { name: 'lif', num: 20 });
    await rejects(() => loadCheckpoint(file, renamed), DataFileError, { message: /container 1 was 'lif' \(NoisyLIF\); here it is 'lif' \(LIF\)/ });

    // Another layout version: the same arrays, the meta record's version changed.
    const bytes = readFileSync(file);
    const arrays = await loadNpz(file);
    const meta = JSON.parse((arrays.meta.data as string[])[0]) as { version: number };
    expect(meta.version).to.equal(1);
    await saveNpz(join(folder(), 'v9.npz'), { ...Object.fromEntries(Object.entries(arrays).map(([k, a]) => [k, { data: a.data, shape: a.shape }])), meta: { data: [JSON.stringify({ ...meta, version: 9 })], shape: [] } });
    await rejects(() => loadCheckpoint(join(folder(), 'v9.npz'), build().nn), DataFileError, { message: /layout is version 9; this library reads version 1/ });

    // One value changed in place (the archive's stored bytes): the checksum tells.
    const v = a.lif.get('v');
    const raw = Buffer.from(new Float64Array([v[3]]).buffer);
    const where = bytes.indexOf(raw);
    expect(where).to.be.above(0);
    const flipped = Buffer.from(bytes);
    flipped[where] ^= 1;
    writeFileSync(join(folder(), 'flipped.npz'), flipped);
    await rejects(() => loadCheckpoint(join(folder(), 'flipped.npz'), build().nn), DataFileError, { message: /damaged: .*checksum/ });

    // A value changed and the archive written again (its CRCs right): the checkpoint's own checksum tells.
    const edited = Object.fromEntries(Object.entries(arrays).map(([k, a]) => [k, { data: k === 'c1.v' ? Float64Array.from(a.data as Float64Array, (x, i) => (i === 3 ? x + 1 : x)) : a.data, shape: a.shape }]));
    await saveNpz(join(folder(), 'edited.npz'), edited);
    await rejects(() => loadCheckpoint(join(folder(), 'edited.npz'), build().nn), DataFileError, { message: /do not have the checksum it was saved with/ });
    // The record of a recording edited (its rate 0): refused, though the values' checksum holds.
    const withRecords = JSON.parse((arrays.meta.data as string[])[0]) as { recordings: { traces: { variable: string; rate: number }[] } };
    const trace = withRecords.recordings.traces.find((t) => t.variable === 'v')!;
    trace.rate = 0;
    await saveNpz(join(folder(), 'rate.npz'), { ...Object.fromEntries(Object.entries(arrays).map(([k, x]) => [k, { data: x.data, shape: x.shape }])), meta: { data: [JSON.stringify(withRecords)], shape: [] } });
    await rejects(() => loadCheckpoint(join(folder(), 'rate.npz'), build().nn), DataFileError, { message: "the record of a recording ('v') is damaged." });
    writeFileSync(join(folder(), 'cut.npz'), bytes.subarray(0, bytes.length / 2));
    await rejects(() => loadCheckpoint(join(folder(), 'cut.npz'), build().nn), DataFileError, { message: /damaged/ });
    // Nothing was written into the networks that refused.
    expect(renamed.step).to.equal(0);
  });
});

describe('io/checkpoint: runs that write checkpoints and resume', () => {
  const folder = temporaryFolder('neural-checkpointed-');

  it('runWithCheckpoints: stopped midway (as by SIGTERM), resumed from the newest checkpoint by a new network: the spikes of one run', async () => {
    const whole = build();
    await whole.nn.compile({ backend: 'js' });
    await whole.nn.run(DT, { steps: 2500 });

    const dir = join(folder(), 'job');
    const first = build();
    await first.nn.compile({ backend: 'js' });
    // A signal that arrives while the third piece runs.
    let pieces = 0;
    const stop = new AbortController();
    const watch = setInterval(() => { if (first.nn.step >= 1000 && ++pieces === 1) process.emit('SIGTERM'); }, 0);
    const r1 = await runWithCheckpoints(first.nn, DT, { until: 2500, every: 500, folder: dir, blockSteps: 50, signal: stop.signal });
    clearInterval(watch);
    expect(r1.stopped).to.equal(true);
    expect(r1.step).to.be.within(1000, 2499);
    expect(r1.checkpoint).to.match(/checkpoint-0+\d+\.npz$/);
    // The newest two are kept.
    expect(readdirSync(dir).filter((f) => f.endsWith('.npz')).length).to.be.at.most(2);

    const second = build(777);
    await second.nn.compile({ backend: 'js' });
    expect(await resumeLatest(dir, second.nn)).to.equal(r1.checkpoint);
    const r2 = await runWithCheckpoints(second.nn, DT, { until: 2500, every: 500, folder: dir });
    expect(r2).to.deep.include({ step: 2500, stopped: false });
    // The recordings of the resumed network are those of one run.
    expect(Array.from(second.lif.recorder.spikes().steps)).to.deep.equal(Array.from(whole.lif.recorder.spikes().steps));
    expect(Array.from(second.lif.recorder.get('v').data)).to.deep.equal(Array.from(whole.lif.recorder.get('v').data));
    expect(Array.from(second.lif.get('v'))).to.deep.equal(Array.from(whole.lif.get('v')));
    expect(await resumeLatest(join(folder(), 'none'), build().nn)).to.equal(null);
  });

  it('refuses options that are not whole numbers', async () => {
    const { nn } = build();
    await rejects(() => runWithCheckpoints(nn, DT, { until: 10, every: 0, folder: folder() }), InputDataError, { message: /every is 0/ });
    await rejects(() => runWithCheckpoints(nn, DT, { until: 1.5, every: 1, folder: folder() }), InputDataError, { message: /until is 1\.5/ });
  });
});
