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
 * {@link Izhikevich}. Synapses: {@link AMPA}, {@link NMDA}, {@link GABAB},
 * {@link Exponential}, {@link WeightedExponential}, {@link Alpha}.
 *
 * @module
 */
export { IAF, LeakyIAF, HodgkinHuxley, ConnorStevens, Wilson, Rinzel, MorrisLecar, Izhikevich } from './neurons.js';
export { AMPA, NMDA, GABAB, Exponential, WeightedExponential, Alpha } from './synapses.js';
