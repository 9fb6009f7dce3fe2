/**
 * Checkpoints of networks with synapses: the synapses' states and the
 * spikes still in flight through delays are saved and restored, a resumed
 * run gives what the uninterrupted run gave (a CUBA network with a delay
 * per synapse, stopped while spikes are in flight, on interpreter, js and
 * cpu), and what a checkpoint cannot continue is refused.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { DataFileError, InputDataError, Network, loadCheckpoint, loadNpz, models, saveCheckpoint, saveNpz, type BackendName } from '../../lib/index.js';
import { needsBackend, rejects, temporaryFolder } from '../support.js';

/** Poisson inputs onto one neuron through plastic synapses. */
function build(seed = 5, p = 1) {
  const nn = new Network({ seed });
  const inputs = nn.add(models.Poisson, { num: 1000, params: { rate: 30 } });
  const post = nn.add(models.SongNeuron, { num: 1 });
  const syn = nn.synapses(inputs, post, models.SongSTDP, { p, values: { w: 'rand() * gmax', dApre: 0.001, dApost: -0.00105 } });
  return { nn, post, syn };
}

describe('synapses/checkpoint', () => {
  const dir = temporaryFolder('neural-synapse-checkpoint-');

  it('a resumed run of a plastic network gives the weights of the uninterrupted run', async () => {
    const whole = build();
    await whole.nn.compile({ backend: 'js' });
    await whole.nn.run(1e-4, { steps: 4000 });
    const first = build();
    await first.nn.compile({ backend: 'js' });
    await first.nn.run(1e-4, { steps: 2000 });
    const file = join(dir(), 'stdp.npz');
    await saveCheckpoint(file, first.nn);
    const resumed = build();
    await resumed.nn.compile({ backend: 'js' });
    await loadCheckpoint(file, resumed.nn);
    await resumed.nn.run(1e-4, { steps: 2000 });
    expect(resumed.nn.step).to.equal(4000);
    expect(Array.from(resumed.syn.get('w'))).to.deep.equal(Array.from(whole.syn.get('w')));
    expect(Array.from(resumed.syn.get('Apost'))).to.deep.equal(Array.from(whole.syn.get('Apost')));
    // The target fired and the weights moved: the check compares something that changed.
    expect(whole.post.get('lastspike')[0]).to.be.greaterThan(0);
    expect(Array.from(whole.syn.get('w'))).to.not.deep.equal(Array.from(build().syn.get('w')));
  });

  it('refuses a network connected otherwise, or delayed otherwise', async () => {
    const a = build();
    const file = join(dir(), 'a.npz');
    await saveCheckpoint(file, a.nn);
    await rejects(() => loadCheckpoint(file, build(5, 0.5).nn), DataFileError, { message: /synapses 0 were 'synapses0' \(SongSTDP, 1000 synapses\); here 'synapses0' \(SongSTDP, \d+\)/ });
    const delayed = cuba('js');
    const file2 = join(dir(), 'delayed.npz');
    await saveCheckpoint(file2, delayed.nn);
    const other = cuba('js');
    other.nn.projections[0].delay = 1;
    await rejects(() => loadCheckpoint(file2, other.nn), DataFileError, { message: "synapses 0 'exc' had other delays." });
  });

  /** A CUBA network with a delay per synapse (0.5–3 ms) and a 2 ms inhibitory delay. */
  function cuba(backend: BackendName, seed = 3) {
    const nn = new Network({ seed });
    const P = nn.add(models.CUBA, { name: 'P', num: 400, states: { v: 'vr + rand() * (vt - vr)' } });
    nn.synapses(P, P, models.ExcitatoryJump, { name: 'exc', sources: [0, 320], p: 0.05, values: { w: 1.62 }, delay: '0.5 + 2.5 * rand()' });
    nn.synapses(P, P, models.InhibitoryJump, { name: 'inh', sources: [320, 400], p: 0.05, values: { w: -9 }, delay: 2 });
    P.record('spike');
    return { nn, P, backend };
  }

  for (const backend of ['interpreter', 'js', 'cpu'] as BackendName[]) {
    it(`${backend}: stopped while spikes are in flight through delays, saved and resumed in a new network: the spikes of one run`, async function () {
      needsBackend(this, backend);
      const [stop, total] = backend === 'interpreter' ? [137, 260] : [1237, 3000];
      const whole = cuba(backend);
      await whole.nn.compile({ backend });
      await whole.nn.run(1e-4, { steps: total });
      const first = cuba(backend);
      await first.nn.compile({ backend });
      await first.nn.run(1e-4, { steps: stop });
      // Spikes of the last 3 ms are on their way: the checkpoint must carry them.
      const recent = Array.from(first.P.recorder.spikes().steps).filter((k) => k >= stop - 30).length;
      expect(recent, 'spikes in flight at the stop').to.be.above(0);
      const file = join(dir(), `cuba-${backend}.npz`);
      await saveCheckpoint(file, first.nn);
      const resumed = cuba(backend, 3);
      resumed.P.set('v', -51);
      await resumed.nn.compile({ backend });
      await loadCheckpoint(file, resumed.nn);
      await resumed.nn.run(1e-4, { steps: total - stop });
      // The checkpoint held the spikes recorded before the stop, and the resumed run continued them.
      const all = whole.P.recorder.spikes();
      const resumedSpikes = resumed.P.recorder.spikes();
      expect(Array.from(resumedSpikes.steps)).to.deep.equal(Array.from(all.steps));
      expect(Array.from(resumedSpikes.units)).to.deep.equal(Array.from(all.units));
      expect(Array.from(resumed.P.get('ge'))).to.deep.equal(Array.from(whole.P.get('ge')));
      // Without the spikes in flight the resumed run differs: the check sees them.
      const lost = cuba(backend, 3);
      await lost.nn.compile({ backend });
      await loadCheckpoint(file, lost.nn);
      lost.nn.restoreInFlight(null);
      await lost.nn.run(1e-4, { steps: total - stop });
      expect(Array.from(lost.P.get('ge'))).to.not.deep.equal(Array.from(whole.P.get('ge')));
    });
  }

  it('a resumed run with another step, a checkpoint saved right after a change of delays, and damaged spikes in flight are refused', async () => {
    const a = cuba('js');
    await a.nn.compile({ backend: 'js' });
    await a.nn.run(1e-4, { steps: 400 });
    const file = join(dir(), 'dt.npz');
    await saveCheckpoint(file, a.nn);
    const b = cuba('js');
    await b.nn.compile({ backend: 'js' });
    await loadCheckpoint(file, b.nn);
    await rejects(() => b.nn.run(5e-5, { steps: 10 }), InputDataError, { where: 'Network.run', message: 'were sent at dt = 0.0001 s', fix: 'Resume with run(0.0001), or reset() the network.' });
    await b.nn.run(1e-4, { steps: 10 });
    // The delays changed between runs while spikes sent before are in flight.
    a.nn.projections[1].delay = 1;
    await a.nn.run(1e-4, { steps: 5 });
    await rejects(() => saveCheckpoint(join(dir(), 'changed.npz'), a.nn), InputDataError, { where: 'synapses inh.delay', message: 'still in flight' });
    // A unit out of range in the spikes in flight, the archive written again with its checksum made to match.
    const arrays = await loadNpz(file);
    const meta = JSON.parse((arrays.meta.data as string[])[0]) as { sha256: string };
    const units = Float64Array.from(arrays['f0.units'].data as Float64Array);
    units[0] = 400;
    const edited = Object.fromEntries(Object.entries(arrays).map(([k, x]) => [k, { data: k === 'f0.units' ? units : x.data, shape: x.shape }]));
    const order = Object.keys(arrays).filter((k) => k !== 'meta');
    const h = createHash('sha256');
    for (const k of order) { const d = edited[k].data as Float64Array; h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)); }
    edited.meta = { data: [JSON.stringify({ ...meta, sha256: h.digest('hex') })], shape: [] };
    await saveNpz(join(dir(), 'units.npz'), edited);
    await rejects(() => loadCheckpoint(join(dir(), 'units.npz'), cuba('js').nn), DataFileError, { message: "the spikes in flight of P are damaged." });
  });
});
