/**
 * Models of the field's standard spiking-network benchmarks, written as
 * Brian2's examples write them, so that the same network can be run in both
 * and compared spike for spike: the neurons of the current-based network of
 * Vogels & Abbott (Brian2's `CUBA.py`), of the conductance-based
 * Hodgkin–Huxley network of Brette et al. (Brian2's `COBAHH.py`) and of Song,
 * Miller & Abbott's spike-timing-dependent plasticity (Brian2's
 * `synapses/STDP.py`), and the synapse models that connect them (`@onPre`,
 * `@onPost`).
 *
 * @module
 */
import { Model, state, param, derivative, intermediate, spike, onPre, onPost } from '../model/index.js';

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
  @param(20, { unit: 'ms' }) taum!: number;
  /** Decay time of the excitatory term (ms). */
  @param(5, { unit: 'ms' }) taue!: number;
  /** Decay time of the inhibitory term (ms). */
  @param(10, { unit: 'ms' }) taui!: number;
  /** Threshold (mV). */
  @param(-50, { unit: 'mV' }) vt!: number;
  /** Reset potential (mV). */
  @param(-60, { unit: 'mV' }) vr!: number;
  /** Resting potential (mV; above the threshold: the cells fire without input). */
  @param(-49, { unit: 'mV' }) El!: number;
  /** Refractory period (ms). */
  @param(5, { unit: 'ms' }) tref!: number;
  /** Membrane potential (mV). */
  @state(-60, { unit: 'mV' }) @derivative('(ge + gi - (v - El)) / taum', { unlessRefractory: true }) v!: number;
  /** Excitatory synaptic term (mV). */
  @state(0, { unit: 'mV' }) @derivative('-ge / taue') ge!: number;
  /** Inhibitory synaptic term (mV). */
  @state(0, { unit: 'mV' }) @derivative('-gi / taui') gi!: number;
  /** A spike: `v` above `vt` out of the refractory period; `v` is reset to `vr`. */
  @spike({ threshold: 'v > vt', reset: 'v = vr', refractory: 'tref' }) spike!: number;
}

/**
 * A synapse that adds its weight `w` to the target's excitatory term `ge`
 * when the source fires (after the synapse's delay): Brian2's
 * `on_pre='ge += we'`.
 *
 * Its weight is in the unit of the target's `ge` (`{ unit: 'ge_post' }`),
 * which differs between targets: mV in {@link CUBA}, nS in {@link COBAHH}.
 */
export class ExcitatoryJump extends Model {
  static timeScale = 1e3;
  /** Weight: the jump of the target's `ge` (in its unit). */
  @param(1, { unit: 'ge_post' }) w!: number;
  /** On a source spike: `ge_post += w`. */
  @onPre('ge_post += w') pre!: never;
}

/**
 * A synapse that adds its weight `w` to the target's inhibitory term `gi`
 * when the source fires (after the synapse's delay): Brian2's
 * `on_pre='gi += wi'`. The weight of an inhibitory synapse is negative in
 * current-based models, positive in conductance-based ones.
 *
 * Its weight is in the unit of the target's `gi` (`{ unit: 'gi_post' }`):
 * mV in {@link CUBA}, nS in {@link COBAHH}.
 */
export class InhibitoryJump extends Model {
  static timeScale = 1e3;
  /** Weight: the jump of the target's `gi` (in its unit). */
  @param(-1, { unit: 'gi_post' }) w!: number;
  /** On a source spike: `gi_post += w`. */
  @onPre('gi_post += w') pre!: never;
}

/**
 * The neuron of the COBAHH network (benchmark 3 of Brette et al. 2007, as in
 * Brian2's `examples/COBAHH.py`): a Hodgkin–Huxley neuron with Traub & Miles
 * kinetics (sodium `m`, `h`; delayed-rectifier potassium `n`) and two
 * synaptic conductances, `ge` and `gi` (in nS), that decay exponentially and
 * that the synapses jump on each spike (`ge_post += w`, {@link ExcitatoryJump},
 * {@link InhibitoryJump} with positive weights: we = 6 nS, wi = 67 nS in the
 * example).
 *
 * Equations (mV, ms, nS, pF, so that nS·mV / pF is mV/ms; `timeScale` 1e3):
 * - `Cm·dv/dt = gl·(El − v) + ge·(Ee − v) + gi·(Ei − v) − g_na·m³·h·(v − ENa) − g_kd·n⁴·(v − EK)`;
 * - `dx/dt = αx·(1 − x) − βx·x` for `x` in `m, n, h`, with (`u = v − VT`)
 *   - `αm = 0.32·(13 − u) / (exp((13 − u)/4) − 1)`, `βm = 0.28·(u − 40) / (exp((u − 40)/5) − 1)`,
 *   - `αh = 0.128·exp((17 − u)/18)`, `βh = 4 / (1 + exp((40 − u)/5))`,
 *   - `αn = 0.032·(15 − u) / (exp((15 − u)/5) − 1)`, `βn = 0.5·exp((10 − u)/40)` (all per ms);
 * - `dge/dt = −ge / taue`, `dgi/dt = −gi / taui`;
 * - a spike when `v > −20` mV out of the refractory period of 3 ms; no
 *   reset (the refractory period only keeps the threshold from firing again
 *   during the spike's peak; no state is held).
 *
 * Brian2 writes `αm = 0.32/mV·4 mV / exprel((13 mV − v + VT)/4 mV) / ms`
 * (with `exprel(x) = (eˣ − 1)/x`, 1 at x = 0), and `βm`, `αn` likewise.
 * The equation language has no `exprel`: here they are the same functions in
 * the form `c·x / (exp(x) − 1)`, which is 0/0 at exactly one voltage each
 * (v = VT + 13 for `αm`, VT + 40 for `βm`, VT + 15 for `αn`; −50, −23 and
 * −48 mV with the defaults) and loses digits close to it, where
 * `exp(x) − 1` cancels (about half of them within 1e-6 mV; Brian2's
 * `exprel` uses `expm1`). A membrane potential that lands
 * on one of these values exactly gives NaN; in a network driven by
 * conductances that practically never happens, and `run(dt, { checkFinite:
 * true })` names the unit if it does.
 *
 * Every state's derivative is linear in that state (`v`'s with the gates and
 * conductances as coefficients, each gate's with `v` in the coefficients),
 * so the automatic rule is exponential Euler for all of them, as Brian2's
 * `method='exponential_euler'` in the example.
 *
 * Constants (Brian2's, per area of 20000 µm²): Cm = 1 µF/cm² → 200 pF,
 * gl = 5e-5 S/cm² → 10 nS, g_na = 100 mS/cm² → 20000 nS (20 µS),
 * g_kd = 30 mS/cm² → 6000 nS (6 µS); El = −60, EK = −90, ENa = 50, VT = −63,
 * Ee = 0, Ei = −80 mV; taue = 5, taui = 10 ms. Brian2's example starts at
 * `v = El + (randn()·5 − 5)` mV, `ge = (randn()·1.5 + 4)·10` nS,
 * `gi = (randn()·12 + 20)·10` nS, with `m`, `n`, `h` at 0, the defaults here.
 *
 * Reference: Traub & Miles, *Neuronal Networks of the Hippocampus* (1991);
 * Brette et al., J. Comput. Neurosci. 23:349–398 (2007), benchmark 3;
 * Brian2's `examples/COBAHH.py` (the same constants).
 */
export class COBAHH extends Model {
  static timeScale = 1e3;
  /** Membrane capacitance (pF): 1 µF/cm² over 20000 µm². */
  @param(200, { unit: 'pF' }) Cm!: number;
  /** Leak conductance (nS): 5e-5 S/cm² over 20000 µm². */
  @param(10, { unit: 'nS' }) gl!: number;
  /** Leak reversal potential (mV). */
  @param(-60, { unit: 'mV' }) El!: number;
  /** Potassium reversal potential (mV). */
  @param(-90, { unit: 'mV' }) EK!: number;
  /** Sodium reversal potential (mV). */
  @param(50, { unit: 'mV' }) ENa!: number;
  /** Maximal sodium conductance (nS): 100 mS/cm² over 20000 µm². */
  @param(20000, { unit: 'nS' }) g_na!: number;
  /** Maximal delayed-rectifier potassium conductance (nS): 30 mS/cm² over 20000 µm². */
  @param(6000, { unit: 'nS' }) g_kd!: number;
  /** Offset of the rate functions' voltage (mV); it sets the threshold. */
  @param(-63, { unit: 'mV' }) VT!: number;
  /** Decay time of the excitatory conductance (ms). */
  @param(5, { unit: 'ms' }) taue!: number;
  /** Decay time of the inhibitory conductance (ms). */
  @param(10, { unit: 'ms' }) taui!: number;
  /** Excitatory reversal potential (mV). */
  @param(0, { unit: 'mV' }) Ee!: number;
  /** Inhibitory reversal potential (mV). */
  @param(-80, { unit: 'mV' }) Ei!: number;
  /** Sodium activation rate (1/ms); 0/0 at v = VT + 13. */
  @intermediate('0.32 / (mV * ms) * (13 mV - v + VT) / (exp((13 mV - v + VT) / (4 mV)) - 1)', { unit: '1/ms' }) alpha_m!: number;
  /** Sodium deactivation rate (1/ms); 0/0 at v = VT + 40. */
  @intermediate('0.28 / (mV * ms) * (v - VT - 40 mV) / (exp((v - VT - 40 mV) / (5 mV)) - 1)', { unit: '1/ms' }) beta_m!: number;
  /** Sodium de-inactivation rate (1/ms). */
  @intermediate('0.128 / ms * exp((17 mV - v + VT) / (18 mV))', { unit: '1/ms' }) alpha_h!: number;
  /** Sodium inactivation rate (1/ms). */
  @intermediate('4 / ms / (1 + exp((40 mV - v + VT) / (5 mV)))', { unit: '1/ms' }) beta_h!: number;
  /** Potassium activation rate (1/ms); 0/0 at v = VT + 15. */
  @intermediate('0.032 / (mV * ms) * (15 mV - v + VT) / (exp((15 mV - v + VT) / (5 mV)) - 1)', { unit: '1/ms' }) alpha_n!: number;
  /** Potassium deactivation rate (1/ms). */
  @intermediate('0.5 / ms * exp((10 mV - v + VT) / (40 mV))', { unit: '1/ms' }) beta_n!: number;
  /** Membrane potential (mV). */
  @state(-60, { unit: 'mV' })
  @derivative('(gl * (El - v) + ge * (Ee - v) + gi * (Ei - v) - g_na * (m * m * m) * h * (v - ENa) - g_kd * (n * n * n * n) * (v - EK)) / Cm')
  v!: number;
  /** Sodium activation. */
  @state(0, { unit: '1' }) @derivative('alpha_m * (1 - m) - beta_m * m') m!: number;
  /** Potassium activation. */
  @state(0, { unit: '1' }) @derivative('alpha_n * (1 - n) - beta_n * n') n!: number;
  /** Sodium inactivation. */
  @state(0, { unit: '1' }) @derivative('alpha_h * (1 - h) - beta_h * h') h!: number;
  /** Excitatory conductance (nS). */
  @state(0, { unit: 'nS' }) @derivative('-ge / taue') ge!: number;
  /** Inhibitory conductance (nS). */
  @state(0, { unit: 'nS' }) @derivative('-gi / taui') gi!: number;
  /** A spike: `v` above −20 mV out of the 3 ms refractory period; no reset. */
  @spike({ threshold: 'v > -20 mV', refractory: 3 }) spike!: number;
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
  @param(10, { unit: 'ms' }) taum!: number;
  /** Decay time of the conductance (ms). */
  @param(5, { unit: 'ms' }) taue!: number;
  /** Excitatory reversal potential (mV). */
  @param(0, { unit: 'mV' }) Ee!: number;
  /** Threshold (mV). */
  @param(-54, { unit: 'mV' }) vt!: number;
  /** Reset potential (mV). */
  @param(-60, { unit: 'mV' }) vr!: number;
  /** Resting potential (mV). */
  @param(-74, { unit: 'mV' }) El!: number;
  /** Membrane potential (mV). */
  @state(-60, { unit: 'mV' }) @derivative('(ge * (Ee - v) + El - v) / taum') v!: number;
  /** Excitatory conductance, relative to the leak conductance. */
  @state(0, { unit: '1' }) @derivative('-ge / taue') ge!: number;
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
 *
 * Its weight and traces are in the unit of the target's `ge`
 * (`{ unit: 'ge_post' }`: a pure number in {@link SongNeuron}, where `ge` is
 * relative to the leak; mV in {@link CUBA}).
 */
export class SongSTDP extends Model {
  static timeScale = 1e3;
  /** Largest weight. */
  @param(0.01, { unit: 'ge_post' }) gmax!: number;
  /** Time constant of the presynaptic trace (ms). */
  @param(20, { unit: 'ms' }) taupre!: number;
  /** Time constant of the postsynaptic trace (ms). */
  @param(20, { unit: 'ms' }) taupost!: number;
  /** Jump of the presynaptic trace (potentiation per pairing). */
  @param(0.0001, { unit: 'ge_post' }) dApre!: number;
  /** Jump of the postsynaptic trace (depression per pairing; negative). */
  @param(-0.000105, { unit: 'ge_post' }) dApost!: number;
  /** Weight, in [0, gmax]. */
  @state(0, { unit: 'ge_post' }) w!: number;
  /** Presynaptic trace. */
  @state(0, { unit: 'ge_post' }) @derivative('-Apre / taupre', { eventDriven: true }) Apre!: number;
  /** Postsynaptic trace. */
  @state(0, { unit: 'ge_post' }) @derivative('-Apost / taupost', { eventDriven: true }) Apost!: number;
  /** On a source spike. */
  @onPre(['ge_post += w', 'Apre += dApre', 'w = clip(w + Apost, 0, gmax)']) pre!: never;
  /** On a target spike. */
  @onPost(['Apost += dApost', 'w = clip(w + Apre, 0, gmax)']) post!: never;
}
