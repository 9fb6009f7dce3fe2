/**
 * Every library neuron with a 0/1 `@post` spike state has a `…Spiking`
 * variant whose spikes are events (`@spike`): the same equations, so the
 * same values step for step, and a spike in exactly the steps where the
 * seed's state is 1.
 */
import { expect } from 'chai';
import { Network, models, type ModelClass } from '../../lib/index.js';

const PAIRS: [string, ModelClass, ModelClass, number][] = [
  ['HodgkinHuxley', models.HodgkinHuxley, models.HodgkinHuxleySpiking, 20],
  ['ConnorStevens', models.ConnorStevens, models.ConnorStevensSpiking, 20],
  ['Wilson', models.Wilson, models.WilsonSpiking, 20],
  ['Rinzel', models.Rinzel, models.RinzelSpiking, 20],
  ['MorrisLecar', models.MorrisLecar, models.MorrisLecarSpiking, 150],
  ['Izhikevich', models.Izhikevich, models.IzhikevichSpiking, 20],
];
const N = 6;
const STEPS = 6000;

async function run(model: ModelClass, top: number, spiking: boolean) {
  const nn = new Network();
  const c = nn.add(model, { num: N });
  // Drives from 0 to `top`: the weakest stay at rest, the strongest fire repeatedly.
  c.set('stimulus', Array.from({ length: N }, (_, i) => (top * i) / (N - 1)));
  c.record('spike');
  await nn.compile({ backend: 'js' });
  await nn.run(1e-5, { steps: STEPS });
  const events = spiking ? c.recorder.spikes() : null;
  const trace = spiking ? null : c.recorder.get('spike').events();
  return {
    units: events ? Array.from(events.units) : Array.from(trace!.unit),
    steps: events ? Array.from(events.steps) : Array.from(trace!.step),
    v: c.get('v'),
  };
}

describe('models: the …Spiking variants', () => {
  for (const [name, seed, events, top] of PAIRS) {
    it(`${name}Spiking: the spikes of ${name} as events, the same values step for step`, async () => {
      const a = await run(seed, top, false);
      const b = await run(events, top, true);
      expect(a.units.length, 'the seed fires').to.be.above(0);
      expect(b.units).to.deep.equal(a.units);
      expect(b.steps).to.deep.equal(a.steps);
      b.v.forEach((x, i) => expect(x).to.equal(a.v[i]));
    });
  }
});
