/**
 * Built-in models whose spikes are events (`@spike`): each declares its
 * spike condition, its reset and its refractory period, and
 * `record('spike')` gives the units and times that fired. Equations follow
 * Brian2's formulation of the same models, so that their runs can be
 * compared with Brian2's neuron for neuron.
 *
 * @module
 */
import { Model, state, param, input, derivative, spike } from '../model/index.js';

/**
 * Leaky integrate-and-fire neuron with a refractory period, as in the
 * current-based network of Vogels & Abbott (2005) that Brian2's CUBA
 * example and the brian2cuda and GeNN benchmarks use.
 *
 * Equations (mV, ms; `timeScale` 1e3):
 * - `dv/dt = (El − v + I) / tau`, held during the refractory period;
 * - a spike when `v > vt` (out of the refractory period): `v ← vr`, then
 *   `tref` ms refractory.
 *
 * `I` is the input in mV (a current times the membrane resistance, or the
 * sum of synaptic terms, e.g. `ge + gi` in CUBA). Start: `v = vr`.
 *
 * Reference: Vogels & Abbott, J. Neurosci. 25:10786–10795 (2005); Brian2's
 * `examples/CUBA.py` (El = −49 mV there, the rest is the default here).
 */
export class LIF extends Model {
  static timeScale = 1e3;
  /** Resting potential (mV). */
  @param(-60, { unit: 'mV' }) El!: number;
  /** Threshold (mV). */
  @param(-50, { unit: 'mV' }) vt!: number;
  /** Reset potential (mV). */
  @param(-60, { unit: 'mV' }) vr!: number;
  /** Membrane time constant (ms). */
  @param(20, { unit: 'ms' }) tau!: number;
  /** Refractory period (ms). */
  @param(5, { unit: 'ms' }) tref!: number;
  /** Input (mV): a current times the membrane resistance, or synaptic terms. */
  @input(0, { unit: 'mV' }) I!: number;
  /** Membrane potential (mV). */
  @state(-60, { unit: 'mV' }) @derivative('(El - v + I) / tau', { unlessRefractory: true }) v!: number;
  /** A spike: `v` above `vt` out of the refractory period; `v` is reset to `vr`. */
  @spike({ threshold: 'v > vt', reset: 'v = vr', refractory: 'tref' }) spike!: number;
}

/**
 * Poisson spike source: each unit fires in each step with probability
 * `rate·dt`, drawn from the network's generator (`rand()`), so that its
 * spikes repeat with the seed on every back end. `rate` is an input: a
 * number per unit, or connected to a stream or another variable for a
 * rate that changes in time.
 *
 * Equations (s; `timeScale` 1): a spike when `rand() < rate · dt`.
 * `rate·dt` should stay well below 1 (at 1 the unit fires every step).
 *
 * Reference: Brian2's `PoissonGroup` (the same per-step Bernoulli draw).
 */
export class Poisson extends Model {
  /** Firing rate (Hz). */
  @input(10, { unit: 'Hz' }) rate!: number;
  /** A spike, with probability `rate·dt` in each step. */
  @spike({ threshold: 'rand() < rate * dt' }) spike!: number;
}

/**
 * {@link LIF} driven by Gaussian white noise as well as its input: an
 * Ornstein–Uhlenbeck membrane potential between spikes, the diffusion
 * approximation of many small random synaptic inputs.
 *
 * Equations (mV, ms; `timeScale` 1e3):
 * - `dv/dt = (El − v + I) / tau + sigma·sqrt(2 / tau)·xi`, held during the
 *   refractory period, integrated by Euler–Maruyama; without threshold, `v`
 *   would fluctuate around `El + I` with standard deviation `sigma`;
 * - spikes, reset and refractory period as in {@link LIF}.
 *
 * The noise comes from the network's seed: the same seed gives the same
 * spikes on every back end.
 *
 * Reference: Brunel, J. Comput. Neurosci. 8:183–208 (2000), for the
 * diffusion approximation; Brian2 writes the same equation with `xi`.
 */
export class NoisyLIF extends LIF {
  /** Standard deviation of the free membrane potential (mV). */
  @param(2, { unit: 'mV' }) sigma!: number;
  /** Membrane potential (mV). */
  @derivative('(El - v + I) / tau + sigma * sqrt(2 / tau) * xi', { unlessRefractory: true }) declare v: number;
}
