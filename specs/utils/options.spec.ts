/** The utilities refuse option keys they do not know, naming the nearest one, like the rest of the API. */
import { expect } from 'chai';
import { InputDataError, utils } from '../../lib/index.js';
import { rejects, throws } from '../support.js';

describe('utils/unknown option keys', () => {
  it('stimuli: a misspelt key is refused with the nearest one', () => {
    const e = throws(() => utils.step({ dt: 1e-3, duration: 0.01, amplitud: 1 } as never), InputDataError);
    expect(e.where).to.equal('step');
    expect(e.fix).to.match(/^Did you mean 'amplitude'\?/);
    throws(() => utils.poissonSpikeTrain({ dt: 1e-3, duration: 0.01, rate: 5, sead: 1 } as never), InputDataError);
    throws(() => utils.gaussianNoise({ dt: 1e-3, steps: 10, sd: 1, seed: 1, mena: 0 } as never), InputDataError);
  });

  it('analysis: a misspelt key is refused, the known keys still work', () => {
    const v = [-70, -10, 20, -60, 5];
    const e = throws(() => utils.detectSpikes(v, { treshold: 0 } as never), InputDataError);
    expect(e.fix).to.match(/^Did you mean 'threshold'\?/);
    expect(Array.from(utils.detectSpikes(v, { threshold: 0 }))).to.deep.equal([2, 4]);
    throws(() => utils.firingRates([0.1, 0.2], { duratoin: 1 } as never), InputDataError);
  });

  it('plots: a misspelt key is refused before anything is written', async () => {
    const e = await rejects(() => utils.plotTraces('/nonexistent/never-written.svg', [1, 2, 3], { ylabel: 'v' } as never), InputDataError);
    expect(e.fix).to.match(/^Did you mean 'yLabel'\?/);
  });
});
