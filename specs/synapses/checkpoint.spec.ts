/**
 * Checkpoints of networks with synapses: the synapses' states are saved and
 * restored, a resumed run gives what the uninterrupted run gave, and what a
 * checkpoint cannot hold (spikes in flight through a delay) is refused.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { DataFileError, InputDataError, Network, loadCheckpoint, models, saveCheckpoint } from '../../lib/index.js';
import { rejects, temporaryFolder } from '../support.js';

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

  it('refuses a network connected otherwise, and synapses with delays', async () => {
    const a = build();
    const file = join(dir(), 'a.npz');
    await saveCheckpoint(file, a.nn);
    await rejects(() => loadCheckpoint(file, build(5, 0.5).nn), DataFileError, { message: /synapses 0 were 'synapses0' \(SongSTDP, 1000 synapses\); here 'synapses0' \(SongSTDP, \d+\)/ });
    const nn = new Network({ seed: 1 });
    const P = nn.add(models.CUBA, { num: 10 });
    nn.synapses(P, P, models.ExcitatoryJump, { p: 0.5, delay: 1 });
    await rejects(() => saveCheckpoint(join(dir(), 'b.npz'), nn), InputDataError, { message: /delays: the spikes in flight would not be saved/ });
  });
});
