/**
 * Models of the field's standard spiking-network benchmarks, written as
 * Brian2's examples write them, so that the same network can be run in both
 * and compared spike for spike: the neurons of the current-based network of
 * Vogels & Abbott (Brian2's `CUBA.py`) and of Song, Miller & Abbott's
 * spike-timing-dependent plasticity (Brian2's `synapses/STDP.py`), and the
 * synapse models that connect them (`@onPre`, `@onPost`).
 *
 * @module
 */
import { Model, state, param, derivative, spike, onPre, onPost } from '../model/index.js';

/**
 * The neuron of the CUBA network (Vogels & Abbott 2005, as in Brian2's
 * `examples/CUBA.py`): a leaky integrate-and-fire neuron driven by two
 * exponentially decaying synaptic terms, `ge` and `gi` (in mV), which the
 * synapses jump on each spike (`ge_post += w`).
 *
 * Equations (mV, ms; `timeScale` 1e3):
 * - `dv/dt = (ge + gi − (v − El)) / taum`, held during the refractory period;
 * - `dge/dt = −ge / taue`, `dgi/dt = −gi / taui`;
 * - a spike when `v > vt`: `v ← vr`, then `tref` ms refractory.
 *
 * Reference: Vogels & Abbott, J. Neurosci. 25:10786–10795 (2005); Brian2's
 * `examples/CUBA.py` (the same constants).
 */
export class CUBA extends Model {
  static timeScale = 1e3;
  /** Membrane time constant (ms). */
  @param(20) taum!: number;
  /** Decay time of the excitatory term (ms). */
  @param(5) taue!: number;
  /** Decay time of the inhibitory term (ms). */
  @param(10) taui!: number;
  /** Threshold (mV). */
  @param(-50) vt!: number;
  /** Reset potential (mV). */
  @param(-60) vr!: number;
  /** Resting potential (mV; above the threshold: the cells fire without input). */
  @param(-49) El!: number;
  /** Refractory period (ms). */
  @param(5) tref!: number;
  /** Membrane potential (mV). */
  @state(-60) @derivative('(ge + gi - (v - El)) / taum', { unlessRefractory: true }) v!: number;
  /** Excitatory synaptic term (mV). */
  @state(0) @derivative('-ge / taue') ge!: number;
  /** Inhibitory synaptic term (mV). */
  @state(0) @derivative('-gi / taui') gi!: number;
  /** A spike: `v` above `vt` out of the refractory period; `v` is reset to `vr`. */
  @spike({ threshold: 'v > vt', reset: 'v = vr', refractory: 'tref' }) spike!: number;
}

/**
 * A synapse that adds its weight `w` to the target's excitatory term `ge`
 * when the source fires (after the synapse's delay): Brian2's
 * `on_pre='ge += we'`.
 */
export class ExcitatoryJump extends Model {
  static timeScale = 1e3;
  /** Weight: the jump of the target's `ge`. */
  @param(1) w!: number;
  /** On a source spike: `ge_post += w`. */
  @onPre('ge_post += w') pre!: never;
}

/**
 * A synapse that adds its weight `w` to the target's inhibitory term `gi`
 * when the source fires (after the synapse's delay): Brian2's
 * `on_pre='gi += wi'`. The weight of an inhibitory synapse is negative in
 * current-based models, positive in conductance-based ones.
 */
export class InhibitoryJump extends Model {
  static timeScale = 1e3;
  /** Weight: the jump of the target's `gi`. */
  @param(-1) w!: number;
  /** On a source spike: `gi_post += w`. */
  @onPre('gi_post += w') pre!: never;
}

/**
 * The neuron of Song, Miller & Abbott's STDP network (Brian2's
 * `examples/synapses/STDP.py`): a leaky integrate-and-fire neuron with an
 * excitatory conductance `ge` (relative to the leak) that decays
 * exponentially; no refractory period.
 *
 * Equations (mV, ms; `timeScale` 1e3):
 * - `dv/dt = (ge · (Ee − v) + El − v) / taum`;
 * - `dge/dt = −ge / taue`;
 * - a spike when `v > vt`: `v ← vr`.
 *
 * Reference: Song, Miller & Abbott, Nat. Neurosci. 3:919–926 (2000).
 */
export class SongNeuron extends Model {
  static timeScale = 1e3;
  /** Membrane time constant (ms). */
  @param(10) taum!: number;
  /** Decay time of the conductance (ms). */
  @param(5) taue!: number;
  /** Excitatory reversal potential (mV). */
  @param(0) Ee!: number;
  /** Threshold (mV). */
  @param(-54) vt!: number;
  /** Reset potential (mV). */
  @param(-60) vr!: number;
  /** Resting potential (mV). */
  @param(-74) El!: number;
  /** Membrane potential (mV). */
  @state(-60) @derivative('(ge * (Ee - v) + El - v) / taum') v!: number;
  /** Excitatory conductance, relative to the leak conductance. */
  @state(0) @derivative('-ge / taue') ge!: number;
  /** A spike: `v` above `vt`; `v` is reset to `vr`. */
  @spike({ threshold: 'v > vt', reset: 'v = vr' }) spike!: number;
}

/**
 * Additive spike-timing-dependent plasticity with all-to-all pairing (Song,
 * Miller & Abbott 2000, as in Brian2's `examples/synapses/STDP.py`): a
 * presynaptic trace `Apre` and a postsynaptic trace `Apost` decay
 * exponentially between spikes (event-driven); a source spike adds the
 * weight to the target's `ge`, bumps `Apre` and depresses the weight by
 * `Apost`; a target spike bumps `Apost` and potentiates by `Apre`. The
 * weight stays in [0, gmax].
 *
 * Equations (ms; `timeScale` 1e3):
 * - `dApre/dt = −Apre / taupre`, `dApost/dt = −Apost / taupost` (event-driven);
 * - on a source spike: `ge_post += w`, `Apre += dApre`, `w ← clip(w + Apost, 0, gmax)`;
 * - on a target spike: `Apost += dApost`, `w ← clip(w + Apre, 0, gmax)`.
 *
 * Defaults as in Brian2's example: gmax 0.01, dApre 0.01·gmax,
 * dApost = −1.05·dApre (depression slightly stronger), taupre = taupost = 20 ms.
 */
export class SongSTDP extends Model {
  static timeScale = 1e3;
  /** Largest weight. */
  @param(0.01) gmax!: number;
  /** Time constant of the presynaptic trace (ms). */
  @param(20) taupre!: number;
  /** Time constant of the postsynaptic trace (ms). */
  @param(20) taupost!: number;
  /** Jump of the presynaptic trace (potentiation per pairing). */
  @param(0.0001) dApre!: number;
  /** Jump of the postsynaptic trace (depression per pairing; negative). */
  @param(-0.000105) dApost!: number;
  /** Weight, in [0, gmax]. */
  @state(0) w!: number;
  /** Presynaptic trace. */
  @state(0) @derivative('-Apre / taupre', { eventDriven: true }) Apre!: number;
  /** Postsynaptic trace. */
  @state(0) @derivative('-Apost / taupost', { eventDriven: true }) Apost!: number;
  /** On a source spike. */
  @onPre(['ge_post += w', 'Apre += dApre', 'w = clip(w + Apost, 0, gmax)']) pre!: never;
  /** On a target spike. */
  @onPost(['Apost += dApost', 'w = clip(w + Apre, 0, gmax)']) post!: never;
}
