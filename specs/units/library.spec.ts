/**
 * Units of the model library: every model declares units (the weights of
 * synapses in the unit of whatever they add to, `{ unit: 'ge_post' }`), passes
 * the dimensional check, and runs exactly as before units were declared.
 * The fingerprints below are SHA-256 prefixes of every state recorded over
 * four blocks of steps with every input driven, taken from the library
 * before its models declared units; the code generated for each model was
 * then byte for byte the same as now.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { inspect, readModel, type ModelClass } from '../../lib/index.js';
import * as models from '../../lib/models/index.js';
import { Network } from '../../lib/network/index.js';

/** Synapses whose weight is in the unit of what they add to (`{ unit: 'ge_post' }`), which differs between targets (COBAHH's nS, CUBA's mV, SongNeuron's pure number). */
const JOINED = { ExcitatoryJump: { w: 'ge_post' }, InhibitoryJump: { w: 'gi_post' }, SongSTDP: { w: 'ge_post', gmax: 'ge_post', Apre: 'ge_post', Apost: 'ge_post', dApre: 'ge_post', dApost: 'ge_post' } } as Record<string, Record<string, string>>;

const FINGERPRINTS: Record<string, string> = {
  AMPA: '33e5f24c439c4217', Alpha: '45ca7e939f6b6a48', COBAHH: 'a5015d2dda56be09', CUBA: 'c399e8d37f642568', ConnorStevens: '039f42280219a9d0',
  ConnorStevensSpiking: '46b6bee8bd571c14', Exponential: '02427186ecb94741', GABAB: '119d8d27052f2a1d', HodgkinHuxley: 'd9c81de79d226466',
  HodgkinHuxleySpiking: 'b1b0fc87b6b135bf', IAF: '0195a52fa40e704b', Izhikevich: 'f42e3e3f81cf78ec', IzhikevichSpiking: 'd8fbc5062da0fb92',
  LIF: '69dba9a7af30aa0b', LeakyIAF: '8d664246e287f988', MorrisLecar: '1eed6e6d5e52616f', MorrisLecarSpiking: 'c9176c95cb5853e4',
  NMDA: '48518a82947f9af1', NoisyLIF: '87958bb0a1987025', Poisson: '35bb5af316a1bd70', Rinzel: 'b45e75edc14a0625', RinzelSpiking: '5a7b4f1c96ca5872',
  SongNeuron: 'eab4817d10d5ed5e', WeightedExponential: '3f8def4be49e6e25', Wilson: 'dd1b12aeedeb7a14', WilsonSpiking: 'b0fc1135f513de2a',
};

/** The fingerprint of a run of three units of a model, each input driven with a different value in each block. */
async function fingerprint(model: ModelClass): Promise<string> {
  const spec = readModel(model);
  const nn = new Network({ seed: 7 });
  const c = nn.add(model, { num: 3 });
  for (const s of spec.states) c.record(s.name);
  await nn.compile({ backend: 'js' });
  const perMs = spec.timeScale !== 1;
  for (let k = 0; k < 4; k++) {
    for (const input of spec.inputs) c.set(input.name, [0, (perMs ? 5 : 0.05) * k, (perMs ? 20 : 0.2) * k]);
    await nn.run(perMs ? 2e-5 : 1e-4, { steps: 500 });
  }
  const hash = createHash('sha256');
  for (const s of spec.states) {
    const d = c.recorder.get(s.name).data;
    hash.update(Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  }
  return hash.digest('hex').slice(0, 16);
}

describe('units/library: every model declares its units and runs as before', () => {
  it('every model declares units, one per field, with its time unit (synapse weights in the unit of what they change)', () => {
    for (const [name, model] of Object.entries(models)) {
      const spec = readModel(model);
      expect(spec.units, name).to.not.equal(undefined);
      for (const [field, unit] of Object.entries(JOINED[name] ?? {})) expect(spec.units!.fields[field], `${name}#${field}`).to.equal(unit);
      expect(spec.units!.time, name).to.equal(spec.timeScale === 1e3 ? 'ms' : 's');
      for (const x of [...spec.states, ...spec.params, ...spec.inputs, ...spec.intermediates]) expect(spec.units!.fields[x.name], `${name}#${x.name}`).to.be.a('string');
    }
  });

  it('the equations reach the symbolic pass without unit names', () => {
    const hh = readModel(models.HodgkinHuxley);
    expect(hh.states.find((s) => s.name === 'v')!.derivative).to.equal('stimulus - gK * n ^ 4 * (v - EK) - gNa * m ^ 3 * h * (v - ENa) - gL * (v - EL)');
    expect(hh.intermediates.find((i) => i.name === 'beta_n')!.expression).to.equal('0.125 * exp(-(v + 65) / 80)');
    expect(inspect(models.COBAHH).toTex()).to.contain('\\mathit{Cm}\\,[\\text{pF}]');
  });

  it('runs bit for bit as before: the same states, step for step, on every input', async () => {
    const found: Record<string, string> = {};
    for (const name of Object.keys(FINGERPRINTS)) found[name] = await fingerprint((models as Record<string, ModelClass>)[name]);
    expect(found).to.deep.equal(FINGERPRINTS);
  });
});
