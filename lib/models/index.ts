/**
 * The built-in library of neuron and synapse models, exported by the package
 * as `models`:
 *
 * ```ts
 * import { models, Network } from 'neural-ts';
 * const nn = new Network();
 * const hh = nn.add(models.HodgkinHuxley, { name: 'HH', num: 10, params: { gNa: 100 } });
 * ```
 *
 * Neurons: {@link IAF}, {@link LeakyIAF}, {@link HodgkinHuxley},
 * {@link ConnorStevens}, {@link Wilson}, {@link Rinzel}, {@link MorrisLecar},
 * {@link Izhikevich}, whose spike is a 0/1 state set by `@post` (as in
 * Neural, so that it can be connected); with spikes as events (`@spike`):
 * {@link LIF}, {@link NoisyLIF}, the source {@link Poisson}, and
 * {@link HodgkinHuxleySpiking}, {@link ConnorStevensSpiking},
 * {@link WilsonSpiking}, {@link RinzelSpiking}, {@link MorrisLecarSpiking} and
 * {@link IzhikevichSpiking} (the same equations as the models without
 * `Spiking`). Synapses: {@link AMPA}, {@link NMDA}, {@link GABAB},
 * {@link Exponential}, {@link WeightedExponential}, {@link Alpha}.
 *
 * @module
 */
export {
  IAF,
  LeakyIAF,
  HodgkinHuxley,
  HodgkinHuxleySpiking,
  ConnorStevens,
  ConnorStevensSpiking,
  Wilson,
  WilsonSpiking,
  Rinzel,
  RinzelSpiking,
  MorrisLecar,
  MorrisLecarSpiking,
  Izhikevich,
  IzhikevichSpiking,
} from './neurons.js';
export { LIF, NoisyLIF, Poisson } from './spiking.js';
export { CUBA, COBAHH, ExcitatoryJump, InhibitoryJump, SongNeuron, SongSTDP } from './networks.js';
export { AMPA, NMDA, GABAB, Exponential, WeightedExponential, Alpha } from './synapses.js';
