/**
 * Built-in synapse models. Equations and defaults follow the Python package
 * Neural (`neural/model/synapse.py`).
 *
 * Conventions shared by every model here:
 * - The input `stimulus` is the presynaptic spike train: 1 on a step with a
 *   presynaptic spike, 0 otherwise (AMPA and WeightedExponential scale their
 *   jump by the value; the others only test it for non-zero).
 * - Time is in seconds (`timeScale` 1), so rates are per second;
 *   conductances are in nS, and the spike train, the jump factors and the
 *   fractions of receptors are pure numbers.
 * - Neural applied the transmitter-release jump inside its `ode()`, i.e. to the
 *   state before the step was integrated, and then clipped the state into its
 *   bounds. Here the jump is a `@post` expression, applied at the end of the
 *   step in which the stimulus arrives (so the rise is not decayed during that
 *   one step), and a jump on a state bounded to [0, 1] is capped at 1 in the
 *   expression itself, since posts are evaluated after the clipping.
 * - Every synapse exposes its conductance as a state `g` (AMPA also as `I`),
 *   computed by a `@post` from the values after the jump.
 *
 * @module
 */
import { Model, state, param, input, derivative, post } from '../model/index.js';

/**
 * AMPA synapse: first-order kinetics of the fraction of open receptors `s`,
 * with a jump towards 1 on each presynaptic spike.
 *
 * Equations (seconds; `timeScale` 1):
 * - `ds/dt = −ad·s`
 * - after each step: `s ← min(1, s + stimulus·ar·(1 − s))` (the release jump,
 *   which Neural wrote inside its ODE as `s += stimulus·ar·(1 − s)`)
 * - `I = g = gmax·s` (with the jumped `s`)
 * - Bounds: `s` in [0, 1].
 *
 * Reference: Destexhe, Mainen & Sejnowski, "Kinetic models of synaptic
 * transmission", in *Methods in Neuronal Modeling* (1998); Neural's `AMPA`
 * (same defaults).
 */
export class AMPA extends Model {
  /** Fraction of the remaining closed receptors opened per unit of stimulus. */
  @param(0.1, { unit: '1' }) ar!: number;
  /** Decay rate of `s` (1/s). */
  @param(5, { unit: '1/s' }) ad!: number;
  /** Maximal conductance (nS). */
  @param(150, { unit: 'nS' }) gmax!: number;
  /** Presynaptic spike train. */
  @input(0, { unit: '1' }) stimulus!: number;

  /** Fraction of open receptors. */
  @state(0, { bounds: [0, 1], unit: '1' })
  @derivative('-ad * s')
  @post('min(1, s + stimulus * ar * (1 - s))')
  s!: number;
  /** Synaptic conductance `gmax·s` (named `I` in Neural). */
  @state(0, { unit: 'nS' }) @post('gmax * min(1, s + stimulus * ar * (1 - s))') I!: number;
  /** Synaptic conductance `gmax·s` (same value as `I`). */
  @state(0, { unit: 'nS' }) @post('gmax * min(1, s + stimulus * ar * (1 - s))') g!: number;
}

/**
 * NMDA synapse: transmitter `x` released on each presynaptic spike binds
 * receptors `s` with second-order kinetics.
 *
 * Equations (seconds; `timeScale` 1):
 * - `dx/dt = −b1·x`
 * - `ds/dt = a2·x·(1 − s) − b2·s`
 * - after each step with `stimulus ≠ 0`: `x ← min(1, x + a1·(1 − x))` (Neural:
 *   `if stimulus: x += a1·(1 − x)` inside its ODE, then clipped to [0, 1])
 * - `g = gmax·s`
 * - Bounds: `x, s` in [0, 1].
 *
 * The voltage-dependent magnesium block is not modelled (as in Neural).
 *
 * Reference: Destexhe, Mainen & Sejnowski (1998), as for {@link AMPA};
 * Neural's `NMDA` (same defaults).
 */
export class NMDA extends Model {
  /** Release jump factor of `x` on a presynaptic spike. */
  @param(50, { unit: '1' }) a1!: number;
  /** Removal rate of transmitter `x` (1/s). */
  @param(4.5, { unit: '1/s' }) b1!: number;
  /** Binding rate (1/s). */
  @param(18, { unit: '1/s' }) a2!: number;
  /** Unbinding rate (1/s). */
  @param(34, { unit: '1/s' }) b2!: number;
  /** Maximal conductance (nS). */
  @param(300, { unit: 'nS' }) gmax!: number;
  /** Presynaptic spike train. */
  @input(0, { unit: '1' }) stimulus!: number;

  /** Transmitter concentration (normalised). */
  @state(0, { bounds: [0, 1], unit: '1' })
  @derivative('-b1 * x')
  @post('stimulus != 0 ? min(1, x + a1 * (1 - x)) : x')
  x!: number;
  /** Fraction of bound receptors. */
  @state(0, { bounds: [0, 1], unit: '1' }) @derivative('a2 * x * (1 - s) - b2 * s') s!: number;
  /** Synaptic conductance (nS). */
  @state(0, { unit: 'nS' }) @post('gmax * s') g!: number;
}

/**
 * GABA-B synapse: receptor activation `r` drives a second messenger (G-protein)
 * `s`, which opens potassium channels cooperatively (Hill function).
 *
 * Equations (seconds; `timeScale` 1):
 * - `dr/dt = −br·r`
 * - `ds/dt = k3·r − k4·s`
 * - after each step with `stimulus ≠ 0`: `r ← min(1, r + ar·(1 − r))` (Neural:
 *   `if stimulus: r += ar·(1 − r)` inside its ODE, then clipped to [0, 1])
 * - `g = gmax·sⁿ / (sⁿ + kdⁿ)` (Neural's `get_conductance`)
 * - Bounds: `r, s` in [0, 1].
 *
 * Reference: Destexhe & Sejnowski, "G protein activation kinetics and spillover
 * of GABA may account for differences between inhibitory responses in the
 * hippocampus and thalamus", PNAS 92:9515–9519 (1995); Neural's `GABAB`
 * (same defaults).
 */
export class GABAB extends Model {
  /** Release jump factor of `r` on a presynaptic spike. */
  @param(10, { unit: '1' }) ar!: number;
  /** Decay rate of `r` (1/s). */
  @param(10, { unit: '1/s' }) br!: number;
  /** Production rate of `s` (1/s). */
  @param(18, { unit: '1/s' }) k3!: number;
  /** Removal rate of `s` (1/s). */
  @param(34, { unit: '1/s' }) k4!: number;
  /** Half-activation level of `s` in the Hill function. */
  @param(0.4, { unit: '1' }) kd!: number;
  /** Maximal conductance (nS). */
  @param(200, { unit: 'nS' }) gmax!: number;
  /** Hill coefficient (binding sites of the G-protein). */
  @param(4, { unit: '1' }) n!: number;
  /** Presynaptic spike train. */
  @input(0, { unit: '1' }) stimulus!: number;

  /** Fraction of activated receptors. */
  @state(0, { bounds: [0, 1], unit: '1' })
  @derivative('-br * r')
  @post('stimulus != 0 ? min(1, r + ar * (1 - r)) : r')
  r!: number;
  /** Normalised G-protein concentration. */
  @state(0, { bounds: [0, 1], unit: '1' }) @derivative('k3 * r - k4 * s') s!: number;
  /** Synaptic conductance (nS). */
  @state(0, { unit: 'nS' }) @post('gmax * s^n / (s^n + kd^n)') g!: number;
}

/**
 * Exponential synapse: a conductance that jumps by `a1` on each step with a
 * presynaptic spike and decays exponentially.
 *
 * Equations (seconds; `timeScale` 1):
 * - `ds/dt = −b1·s`
 * - after each step with `stimulus ≠ 0`: `s ← s + a1` (Neural:
 *   `if stimulus: s += a1` inside its ODE)
 * - `g = gmax·s` (Neural's `get_conductance` returns `s`; equal with the
 *   default `gmax` 1)
 *
 * The jump is `a1` whatever the value of `stimulus`, as in Neural: the input
 * only says *whether* a spike arrived. A weight carried by the input (e.g.
 * `Dot(weights, pre.ref('spike'))`) and several coincident spikes summed into
 * one input (stimulus 2) therefore give the same jump as a single spike. Use
 * {@link WeightedExponential} when the jump should scale with the input.
 *
 * Reference: Dayan & Abbott, *Theoretical Neuroscience* (2001), §5.8;
 * Neural's `Exponential` (same defaults, same jump).
 */
export class Exponential extends Model {
  /** Jump of `s` on a step with a presynaptic spike (any non-zero stimulus). */
  @param(11, { unit: '1' }) a1!: number;
  /** Decay rate (1/s). */
  @param(9, { unit: '1/s' }) b1!: number;
  /** Conductance scale (nS). */
  @param(1, { unit: 'nS' }) gmax!: number;
  /** Presynaptic spike train: any non-zero value is one spike. */
  @input(0, { unit: '1' }) stimulus!: number;

  /** Synaptic activation. */
  @state(0, { unit: '1' }) @derivative('-b1 * s') @post('stimulus != 0 ? s + a1 : s') s!: number;
  /** Synaptic conductance (nS). */
  @state(0, { unit: 'nS' }) @post('gmax * (stimulus != 0 ? s + a1 : s)') g!: number;
}

/**
 * Exponential synapse whose jump scales with its input: `s` jumps by
 * `a1·stimulus` and decays exponentially. With a 0/1 spike train it equals
 * {@link Exponential}; a weighted input (stimulus `w` on a spike) jumps by
 * `a1·w`, and `n` coincident spikes summed into the input jump by `n·a1`, so
 * that the synapse is linear in its input.
 *
 * Equations (seconds; `timeScale` 1):
 * - `ds/dt = −b1·s`
 * - after each step: `s ← s + a1·stimulus`
 * - `g = gmax·s`
 *
 * Not part of Neural, which has only the unweighted {@link Exponential}.
 *
 * Reference: Dayan & Abbott, *Theoretical Neuroscience* (2001), §5.8.
 */
export class WeightedExponential extends Model {
  /** Jump of `s` per unit of stimulus. */
  @param(11, { unit: '1' }) a1!: number;
  /** Decay rate (1/s). */
  @param(9, { unit: '1/s' }) b1!: number;
  /** Conductance scale (nS). */
  @param(1, { unit: 'nS' }) gmax!: number;
  /** Presynaptic input: spikes (1 each), optionally weighted and summed. */
  @input(0, { unit: '1' }) stimulus!: number;

  /** Synaptic activation. */
  @state(0, { unit: '1' }) @derivative('-b1 * s') @post('s + a1 * stimulus') s!: number;
  /** Synaptic conductance (nS). */
  @state(0, { unit: 'nS' }) @post('gmax * (s + a1 * stimulus)') g!: number;
}

/**
 * Alpha (dual-exponential) synapse: a second-order linear filter of the spike
 * train, whose impulse response rises and decays with rates `ar` and `ad`.
 *
 * Equations (seconds; `timeScale` 1):
 * - `ds/dt = u`
 * - `du/dt = −(ar + ad)·u − ar·ad·s`
 * - after each step with `stimulus ≠ 0`: `u ← u + ar·ad` (Neural:
 *   `if stimulus: u += ar·ad` inside its ODE)
 * - `g = gmax·s`
 *
 * The response to one spike is `s(t) = ar·ad/(ad − ar)·(e^{−ar·t} − e^{−ad·t})`,
 * close to the alpha function `ar²·t·e^{−ar·t}` for the default `ar ≈ ad`.
 *
 * Reference: Rall, J. Neurophysiol. 30:1138–1168 (1967); Dayan & Abbott,
 * *Theoretical Neuroscience* (2001), §5.8; Neural's `Alpha` (same defaults).
 */
export class Alpha extends Model {
  /** Rise rate (1/s). */
  @param(12.5, { unit: '1/s' }) ar!: number;
  /** Decay rate (1/s). */
  @param(12.19, { unit: '1/s' }) ad!: number;
  /** Conductance scale (nS·s: `g` is `gmax` times the rate `s`). */
  @param(1, { unit: 'nS*s' }) gmax!: number;
  /** Presynaptic spike train. */
  @input(0, { unit: '1' }) stimulus!: number;

  /** Synaptic activation (1/s: the response to one spike integrates to 1 over time). */
  @state(0, { unit: '1/s' }) @derivative('u') s!: number;
  /** Rate of change of `s` (1/s²). */
  @state(0, { unit: '1/s^2' }) @derivative('-(ar + ad) * u - ar * ad * s') @post('stimulus != 0 ? u + ar * ad : u') u!: number;
  /** Synaptic conductance (nS). */
  @state(0, { unit: 'nS' }) @post('gmax * s') g!: number;
}
