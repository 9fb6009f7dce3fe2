import { expect } from 'chai';
import { Network, models, type BackendName } from 'neural-ts';

describe('synapses quick', () => {
  it('CUBA small on every back end', async () => {
    const out: Record<string, number[]> = {};
    for (const backend of ['interpreter', 'js', 'cpu'] as BackendName[]) {
      const nn = new Network({ seed: 3 });
      const P = nn.add(models.CUBA, { num: 400, states: { v: 'vr + rand() * (vt - vr)' } });
      nn.synapses(P, P, models.ExcitatoryJump, { sources: [0, 320], p: 0.2, values: { w: 1.62 } });
      nn.synapses(P, P, models.InhibitoryJump, { sources: [320, 400], p: 0.2, values: { w: -9 } });
      P.record('spike');
      await nn.compile({ backend });
      await nn.run(1e-4, { steps: 2000 });
      const sp = P.recorder.spikes();
      out[backend] = Array.from(sp.counts());
      console.log(backend, sp.counts().reduce((a, b) => a + b, 0));
    }
    expect(out.js).to.deep.equal(out.interpreter);
    expect(out.cpu).to.deep.equal(out.interpreter);
  });
});
