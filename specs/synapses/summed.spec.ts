/**
 * Summed variables (`@summed`): each step, before the target steps, its
 * input is the sum over the synapses reaching each unit of an expression;
 * checked against a hand-written loop (gap junctions), on every back end.
 */
import { expect } from 'chai';
import { Model, Network, NetworkWiringError, derivative, state, type BackendName } from '../../lib/index.js';
import { Gap, Leaky } from './helpers.js';
import { needsBackend, throws } from '../support.js';

const N = 6;
const STEPS = 300;
const DT = 1e-4;

/** The same network by hand: Euler steps, the sums from the values before each step, synapses i → j for i ≠ j, w = 0.05·(i + 1). */
function reference(): number[] {
  const v = Array.from({ length: N }, (_, i) => 10 * i);
  const El = Array.from({ length: N }, (_, i) => (i % 2 ? 5 : -5));
  const dt = DT * 1e3;
  for (let k = 0; k < STEPS; k++) {
    const I = new Array<number>(N).fill(0);
    for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) if (i !== j) I[j] += 0.05 * (i + 1) * (v[i] - v[j]);
    for (let j = 0; j < N; j++) v[j] = v[j] + dt * ((El[j] - v[j] + I[j]) / 10);
  }
  return v;
}

describe('synapses/summed variables', () => {
  for (const backend of ['interpreter', 'js', 'cpu'] as BackendName[]) {
    it(`${backend}: gap junctions give the hand-written loop's potentials`, async function () {
      needsBackend(this, backend);
      const nn = new Network({ seed: 1 });
      const cells = nn.add(Leaky, { num: N, solver: 'euler', states: { v: Array.from({ length: N }, (_, i) => 10 * i) }, params: { El: Array.from({ length: N }, (_, i) => (i % 2 ? 5 : -5)) } });
      nn.synapses(cells, cells, Gap, { condition: 'i != j', values: { w: '0.05 * (i + 1)' } });
      await nn.compile({ backend });
      await nn.run(DT, { steps: STEPS });
      const ref = reference();
      const v = cells.get('v');
      for (let j = 0; j < N; j++) expect(v[j]).to.be.closeTo(ref[j], 1e-9 * (1 + Math.abs(ref[j])));
      // The sums moved the potentials towards each other: without them they would sit near ±5.
      expect(Math.max(...v) - Math.min(...v)).to.be.below(10);
    });
  }

  it('the summed input must be an input of the target', () => {
    class NoInput extends Model {
      @state(0) @derivative('-v') v!: number;
    }
    const nn = new Network();
    const a = nn.add(NoInput, { num: 2 });
    throws(() => nn.synapses(a, a, Gap, { p: 1 }), NetworkWiringError, { message: /sums into 'Igap_post', but the target model NoInput has no input 'Igap'/ });
  });
});
