/**
 * Built-in neuron models. Equations and defaults follow the Python package
 * Neural (`neural/model/neuron.py`) unless a model's TSDoc says otherwise.
 *
 * Conventions shared by every model here:
 * - The driving current is the input `stimulus`.
 * - A neuron that spikes has a state `spike` that is 1 on the step a spike is
 *   detected and 0 otherwise. Reset models (IAF, LeakyIAF, Izhikevich) set it
 *   when they reset; conductance-based models set it on an upward crossing of
 *   `v` through 0 mV, detected from a state `vprev` that holds the previous
 *   step's `v` (when overriding the initial `v`, override `vprev` too).
 *   `spike` is declared with `reduce: 'max'`: a recording that keeps every
 *   n-th step (`record('spike', { rate: n })`) has a 1 in each row whose
 *   steps held a spike, so decimating loses no spike.
 * - Each of those neurons but IAF and LeakyIAF (see `LIF`) has a twin named
 *   `…Spiking` (`HodgkinHuxleySpiking`, …) with the same equations,
 *   parameters, bounds and start, shared through a base class, whose spike
 *   is an event (`@spike`) instead of a state: `record('spike')` gives the
 *   units and times of the spikes, and `lastspike` the time of each unit's
 *   last spike (ms). The values are the same step for step. Use the model
 *   without `Spiking` where the spike must be a variable to connect (e.g. to
 *   a synapse's stimulus).
 * - `static timeScale = 1e3` means the equations are per millisecond while
 *   `dt` is given in seconds.
 * - The conductance-based neurons (HodgkinHuxley, ConnorStevens, Wilson,
 *   Rinzel, MorrisLecar) and Izhikevich start at rest: with the default
 *   parameters and zero stimulus they stay where they start and never fire
 *   (other parameters move the resting state). The start `v` is the resting
 *   potential, the root of dv/dt = 0 with every gate at its steady state for
 *   that `v` (found by bisection in float64 and written to 15 significant
 *   digits), and each gate starts at that steady state. The start values of
 *   Neural (of the paper, for Izhikevich) lie off rest, so that the neuron
 *   fires once or swings away at start-up; they are kept in the class's static
 *   `originalStart` (MorrisLecar, which Neural lacks, has none), e.g.
 *   `network.add(models.HodgkinHuxley, { states: models.HodgkinHuxley.originalStart })`.
 *   IAF and LeakyIAF have no rest below threshold with their defaults (the
 *   bias, or a leak towards 0 V above `vt`, drives them to fire).
 *
 * @module
 */
import { Model, state, param, input, derivative, intermediate, post, spike } from '../model/index.js';

/**
 * The Hodgkin–Huxley rates (1/ms) and the denominators of `αn` and `αm`
 * (pure numbers), shared by {@link HodgkinHuxley} and {@link Rinzel}.
 */
const HH_RATES = {
  an_t: 'exp(-(v + 55 mV) / (10 mV)) - 1',
  beta_n: '0.125 / ms * exp(-(v + 65 mV) / (80 mV))',
  am_t: 'exp(-(v + 40 mV) / (10 mV)) - 1',
  beta_m: '4 / ms * exp(-(v + 65 mV) / (18 mV))',
  alpha_h: '0.07 / ms * exp(-(v + 65 mV) / (20 mV))',
  beta_h: '1 / ms / (exp(-(v + 35 mV) / (10 mV)) + 1)',
} as const;

/** Upward crossing of `v` through 0 mV between the previous step and this one. */
const CROSSING = 'vprev < 0 and v >= 0 ? 1 : 0';

/** The same crossing as the spike of a `…Spiking` model. */
const CROSSING_SPIKE = { threshold: 'vprev < 0 and v >= 0' };

/**
 * Integrate-and-fire neuron: a perfect integrator with a threshold and reset.
 *
 * Equations (SI units: volts, amperes, farads, seconds; `timeScale` 1):
 * - `dv/dt = (stimulus + bias) / c`
 * - after each step, if `v > vt`: `spike ← 1`, `v ← 0`; otherwise `spike ← 0`.
 *
 * `dv/dt` does not depend on `v`.
 *
 * Reference: Lapicque (1907); Neural's `IAF` (same defaults).
 *
 * @example `new IAF({ c: 2 })` has `c === 2` and the other defaults.
 */
export class IAF extends Model {
  /** Firing threshold (V). */
  @param(0.025, { unit: 'V' }) vt!: number;
  /** Membrane capacitance (F): `v` grows by `(stimulus + bias) / c` per second. */
  @param(5.0, { unit: 'F' }) c!: number;
  /** Constant current added to the stimulus (A). */
  @param(0.01, { unit: 'A' }) bias!: number;
  /** Input current (A). */
  @input(0, { unit: 'A' }) stimulus!: number;
  /** 1 on a step where `v` crossed `vt` (and was reset), else 0. */
  @state(0, { reduce: 'max', unit: '1' }) @post('v > vt ? 1 : 0') spike!: number;
  /** Membrane voltage (V); reset to 0 when it exceeds `vt`. */
  @state(0, { unit: 'V' }) @derivative('(stimulus + bias) / c') @post('v > vt ? 0 : v') v!: number;
}

/**
 * Leaky integrate-and-fire neuron.
 *
 * Equations (SI units: volts, amperes, ohms, farads, seconds; `timeScale` 1):
 * - `dv/dt = (stimulus − v / r) / c`
 * - after each step, if `v > vt`: `spike ← 1`, `v ← vr`; otherwise `spike ← 0`.
 * - `v` is clipped into [−0.070, 0.025] V after each step.
 *
 * The leak drives `v` towards 0 with time constant `r·c` (0.3 s by default).
 * With the defaults that resting value (0 V) lies above the threshold `vt`
 * (−0.025 V), so the neuron fires about every 0.31 s even without stimulus,
 * as in Neural; a `stimulus` below `vt / r` or a positive `vt` keeps it silent.
 *
 * Reference: Lapicque (1907); Gerstner & Kistler, *Spiking Neuron Models*
 * (2002), ch. 4; Neural's `LeakyIAF` (same defaults and bounds).
 */
export class LeakyIAF extends Model {
  /** Firing threshold (V). */
  @param(-0.025, { unit: 'V' }) vt!: number;
  /** Membrane capacitance (F). */
  @param(1.5, { unit: 'F' }) c!: number;
  /** Reset voltage (V). */
  @param(-0.070, { unit: 'V' }) vr!: number;
  /** Membrane resistance (Ω). */
  @param(0.2, { unit: 'ohm' }) r!: number;
  /** Input current (A). */
  @input(0, { unit: 'A' }) stimulus!: number;
  /** 1 on a step where `v` crossed `vt` (and was reset), else 0. */
  @state(0, { reduce: 'max', unit: '1' }) @post('v > vt ? 1 : 0') spike!: number;
  /** Membrane voltage (V). */
  @state(-0.05, { bounds: [-0.070, 0.025], unit: 'V' })
  @derivative('(stimulus - v / r) / c')
  @post('v > vt ? vr : v')
  v!: number;
}

/** The equations {@link HodgkinHuxley} and {@link HodgkinHuxleySpiking} share (documented on {@link HodgkinHuxley}). */
class HodgkinHuxleyEquations extends Model {
  static timeScale = 1e3;

  /** Maximal sodium conductance (mS/cm²). */
  @param(120, { unit: 'mS/cm^2' }) gNa!: number;
  /** Maximal potassium conductance (mS/cm²). */
  @param(36, { unit: 'mS/cm^2' }) gK!: number;
  /** Leak conductance (mS/cm²). */
  @param(0.3, { unit: 'mS/cm^2' }) gL!: number;
  /** Sodium reversal potential (mV). */
  @param(50, { unit: 'mV' }) ENa!: number;
  /** Potassium reversal potential (mV). */
  @param(-77, { unit: 'mV' }) EK!: number;
  /** Leak reversal potential (mV). */
  @param(-54.387, { unit: 'mV' }) EL!: number;
  /** Injected current (µA/cm²). */
  @input(0, { unit: 'uA/cm^2' }) stimulus!: number;

  /** Denominator of `αn`; zero at v = −55. */
  @intermediate(HH_RATES.an_t, { unit: '1' }) an_t!: number;
  /** `βn(v)` (1/ms). */
  @intermediate(HH_RATES.beta_n, { unit: '1/ms' }) beta_n!: number;
  /** Denominator of `αm`; zero at v = −40. */
  @intermediate(HH_RATES.am_t, { unit: '1' }) am_t!: number;
  /** `βm(v)` (1/ms). */
  @intermediate(HH_RATES.beta_m, { unit: '1/ms' }) beta_m!: number;
  /** `αh(v)` (1/ms). */
  @intermediate(HH_RATES.alpha_h, { unit: '1/ms' }) alpha_h!: number;
  /** `βh(v)` (1/ms). */
  @intermediate(HH_RATES.beta_h, { unit: '1/ms' }) beta_h!: number;

  /** Membrane voltage (mV). */
  @state(-64.9963793311921, { bounds: [-80, 30], unit: 'mV' })
  @derivative('(stimulus - gK * n^4 * (v - EK) - gNa * m^3 * h * (v - ENa) - gL * (v - EL)) / (1 uF/cm^2)')
  v!: number;
  /** Potassium activation. */
  @state(0.317732399760866, { bounds: [0, 1], unit: '1' })
  @derivative('abs(an_t) <= 1e-7 ? 0.1 / ms * (1 - n) - beta_n * n : (-0.01 / (ms * mV) * (v + 55 mV) / an_t) * (1 - n) - beta_n * n')
  n!: number;
  /** Sodium activation. */
  @state(0.0529550868130081, { bounds: [0, 1], unit: '1' })
  @derivative('abs(am_t) <= 1e-7 ? (1 - m) / ms - beta_m * m : (-0.1 / (ms * mV) * (v + 40 mV) / am_t) * (1 - m) - beta_m * m')
  m!: number;
  /** Sodium inactivation. */
  @state(0.595994124739864, { bounds: [0, 1], unit: '1' })
  @derivative('alpha_h * (1 - h) - beta_h * h')
  h!: number;
}

/**
 * Hodgkin–Huxley model of the squid giant axon, with the resting potential
 * shifted to about −65 mV.
 *
 * Equations (mV, ms, µA/cm², mS/cm², capacitance 1 µF/cm²; `timeScale` 1e3):
 * - `dv/dt = (stimulus − gK·n⁴·(v − EK) − gNa·m³·h·(v − ENa) − gL·(v − EL)) / (1 µF/cm²)`
 * - `dx/dt = αx(v)·(1 − x) − βx(v)·x` for `x` in `n, m, h`, with
 *   - `αn = −0.01(v + 55) / (exp(−(v + 55)/10) − 1)` (0.1 at v = −55),
 *     `βn = 0.125·exp(−(v + 65)/80)`
 *   - `αm = −0.1(v + 40) / (exp(−(v + 40)/10) − 1)` (1 at v = −40),
 *     `βm = 4·exp(−(v + 65)/18)`
 *   - `αh = 0.07·exp(−(v + 65)/20)`, `βh = 1 / (exp(−(v + 35)/10) + 1)`
 * - Bounds: `v` in [−80, 30], `n, m, h` in [0, 1] (clipped after each step).
 * - `spike` is 1 on the step where `v` crosses 0 mV upwards.
 *
 * The removable 0/0 points of `αn` and `αm` are guarded as in Neural: when
 * `|exp(−(v + 55)/10) − 1| ≤ 1e-7` the limit 0.1 is used (1 for `αm`). The
 * guards test expressions of `v` only, so each gate's derivative stays linear
 * in that gate with a coefficient that does not depend on it, and `v`'s
 * derivative is linear in `v`: every state here is conditionally linear.
 *
 * Start: the resting state at zero stimulus, v = −64.9963793311921 mV,
 * n = n∞(v) = 0.317732399760866, m = 0.0529550868130081,
 * h = 0.595994124739864 (the only root of dv/dt = 0 with the gates at steady
 * state in [−100, 60] mV; a 2 s RK4 run from Neural's start settles on it to
 * 1e-12). Neural starts at v = −60, n = m = 0, h = 1, which fires once at
 * start-up: {@link HodgkinHuxley.originalStart}.
 *
 * Reference: Hodgkin & Huxley, J. Physiol. 117:500–544 (1952); Neural's
 * `HodgkinHuxley` (same defaults, bounds and guards).
 */
export class HodgkinHuxley extends HodgkinHuxleyEquations {
  /** Neural's start values (v = −60 mV, n = m = 0, h = 1), off rest: the neuron fires once at start-up. */
  static readonly originalStart = Object.freeze({ v: -60, n: 0, m: 0, h: 1, vprev: -60 });
  /** 1 on the step where `v` crossed 0 mV upwards, else 0. */
  @state(0, { reduce: 'max', unit: '1' }) @post(CROSSING) spike!: number;
  /** `v` at the end of the previous step (mV), for spike detection. */
  @state(-64.9963793311921, { unit: 'mV' }) @post('v') vprev!: number;
}

/** {@link HodgkinHuxley} with its spike as an event, an upward crossing of 0 mV (see the conventions above). */
export class HodgkinHuxleySpiking extends HodgkinHuxleyEquations {
  /** Neural's start values (v = −60 mV, n = m = 0, h = 1), off rest: the neuron fires once at start-up. */
  static readonly originalStart = Object.freeze({ v: -60, n: 0, m: 0, h: 1, vprev: -60 });
  /** `v` at the end of the previous step (mV), for spike detection. */
  @state(-64.9963793311921, { unit: 'mV' }) @post('v') vprev!: number;
  /** A spike: `v` crossed 0 mV upwards in this step. */
  @spike(CROSSING_SPIKE) spike!: number;
}

/** The equations {@link ConnorStevens} and {@link ConnorStevensSpiking} share (documented on {@link ConnorStevens}). */
class ConnorStevensEquations extends Model {
  static timeScale = 1e3;

  /** Shift of the sodium activation curves (mV). */
  @param(-5.3, { unit: 'mV' }) ms!: number;
  /** Shift of the potassium activation curves (mV). */
  @param(-4.3, { unit: 'mV' }) ns!: number;
  /** Shift of the sodium inactivation curves (mV). */
  @param(-12, { unit: 'mV' }) hs!: number;
  /** Maximal sodium conductance (mS/cm²). */
  @param(120, { unit: 'mS/cm^2' }) gNa!: number;
  /** Maximal delayed-rectifier potassium conductance (mS/cm²). */
  @param(20, { unit: 'mS/cm^2' }) gK!: number;
  /** Leak conductance (mS/cm²). */
  @param(0.3, { unit: 'mS/cm^2' }) gL!: number;
  /** Maximal A-current conductance (mS/cm²). */
  @param(47.7, { unit: 'mS/cm^2' }) ga!: number;
  /** Sodium reversal potential (mV). */
  @param(55, { unit: 'mV' }) ENa!: number;
  /** Potassium reversal potential (mV). */
  @param(-72, { unit: 'mV' }) EK!: number;
  /** Leak reversal potential (mV). */
  @param(-17, { unit: 'mV' }) EL!: number;
  /** A-current reversal potential (mV). */
  @param(-75, { unit: 'mV' }) Ea!: number;
  /** Injected current (µA/cm²). */
  @input(0, { unit: 'uA/cm^2' }) stimulus!: number;

  // Rates αx, βx (1/ms), steady states x∞ and time constants τx (ms), as in the class TSDoc.
  // `ms` is the sodium shift here, so times are written in `millisecond`.
  @intermediate('exp(-(v + 50 mV + ns) / (10 mV)) - 1', { unit: '1' }) an_t!: number;
  @intermediate('abs(an_t) <= 1e-7 ? 0.1 / millisecond : -0.01 / (millisecond * mV) * (v + 50 mV + ns) / an_t', { unit: '1/ms' }) alpha_n!: number;
  @intermediate('0.125 / millisecond * exp(-(v + 60 mV + ns) / (80 mV))', { unit: '1/ms' }) beta_n!: number;
  @intermediate('alpha_n / (alpha_n + beta_n)', { unit: '1' }) n_inf!: number;
  @intermediate('2 / (3.8 * (alpha_n + beta_n))', { unit: 'ms' }) tau_n!: number;
  @intermediate('exp(-(v + 35 mV + ms) / (10 mV)) - 1', { unit: '1' }) am_t!: number;
  @intermediate('abs(am_t) <= 1e-7 ? 1 / millisecond : -0.1 / (millisecond * mV) * (v + 35 mV + ms) / am_t', { unit: '1/ms' }) alpha_m!: number;
  @intermediate('4 / millisecond * exp(-(v + 60 mV + ms) / (18 mV))', { unit: '1/ms' }) beta_m!: number;
  @intermediate('alpha_m / (alpha_m + beta_m)', { unit: '1' }) m_inf!: number;
  @intermediate('1 / (3.8 * (alpha_m + beta_m))', { unit: 'ms' }) tau_m!: number;
  @intermediate('0.07 / millisecond * exp(-(v + 60 mV + hs) / (20 mV))', { unit: '1/ms' }) alpha_h!: number;
  @intermediate('1 / millisecond / (1 + exp(-(v + 30 mV + hs) / (10 mV)))', { unit: '1/ms' }) beta_h!: number;
  @intermediate('alpha_h / (alpha_h + beta_h)', { unit: '1' }) h_inf!: number;
  @intermediate('1 / (3.8 * (alpha_h + beta_h))', { unit: 'ms' }) tau_h!: number;
  @intermediate('cbrt(0.0761 * exp((v + 94.22 mV) / (31.84 mV)) / (1 + exp((v + 1.17 mV) / (28.93 mV))))', { unit: '1' }) a_inf!: number;
  @intermediate('0.3632 millisecond + 1.158 millisecond / (1 + exp((v + 55.96 mV) / (20.12 mV)))', { unit: 'ms' }) tau_a!: number;
  @intermediate('(1 / (1 + exp((v + 53.3 mV) / (14.54 mV))))^4', { unit: '1' }) b_inf!: number;
  @intermediate('1.24 millisecond + 2.678 millisecond / (1 + exp((v + 50 mV) / (16.027 mV)))', { unit: 'ms' }) tau_b!: number;

  /** Membrane voltage (mV). */
  @state(-67.9747258553618, { bounds: [-80, 50], unit: 'mV' })
  @derivative('(stimulus - gNa * m^3 * h * (v - ENa) - gK * n^4 * (v - EK) - gL * (v - EL) - ga * a^3 * b * (v - Ea)) / (1 uF/cm^2)')
  v!: number;
  /** Potassium activation. */
  @state(0.155891988985769, { bounds: [0, 1], unit: '1' }) @derivative('(n_inf - n) / tau_n') n!: number;
  /** Sodium activation. */
  @state(0.0100802867290319, { bounds: [0, 1], unit: '1' }) @derivative('(m_inf - m) / tau_m') m!: number;
  /** Sodium inactivation. */
  @state(0.965897305695259, { bounds: [0, 1], unit: '1' }) @derivative('(h_inf - h) / tau_h') h!: number;
  /** A-current activation. */
  @state(0.540436798845224, { bounds: [0, 1], unit: '1' }) @derivative('(a_inf - a) / tau_a') a!: number;
  /** A-current inactivation. */
  @state(0.288484895451682, { bounds: [0, 1], unit: '1' }) @derivative('(b_inf - b) / tau_b') b!: number;
}

/**
 * Connor–Stevens model: Hodgkin–Huxley sodium and potassium currents with
 * shifted gating, plus a transient potassium A-current (`a³·b`).
 *
 * Equations (mV, ms, µA/cm², mS/cm², capacitance 1 µF/cm²; `timeScale` 1e3):
 * - `dv/dt = (stimulus − gNa·m³·h·(v − ENa) − gK·n⁴·(v − EK) − gL·(v − EL) − ga·a³·b·(v − Ea)) / (1 µF/cm²)`
 * - `dx/dt = (x∞(v) − x) / τx(v)` for `x` in `n, m, h, a, b`, with
 *   - `αn = −0.01(v + 50 + ns) / (exp(−(v + 50 + ns)/10) − 1)` (0.1 at the 0/0 point),
 *     `βn = 0.125·exp(−(v + 60 + ns)/80)`, `τn = 2 / (3.8(αn + βn))`
 *   - `αm = −0.1(v + 35 + ms) / (exp(−(v + 35 + ms)/10) − 1)` (1 at the 0/0 point),
 *     `βm = 4·exp(−(v + 60 + ms)/18)`, `τm = 1 / (3.8(αm + βm))`
 *   - `αh = 0.07·exp(−(v + 60 + hs)/20)`, `βh = 1 / (1 + exp(−(v + 30 + hs)/10))`,
 *     `τh = 1 / (3.8(αh + βh))`
 *   - `x∞ = αx / (αx + βx)` for `n, m, h`
 *   - `a∞ = cbrt(0.0761·exp((v + 94.22)/31.84) / (1 + exp((v + 1.17)/28.93)))`,
 *     `τa = 0.3632 + 1.158 / (1 + exp((v + 55.96)/20.12))`
 *   - `b∞ = (1 / (1 + exp((v + 53.3)/14.54)))⁴`,
 *     `τb = 1.24 + 2.678 / (1 + exp((v + 50)/16.027))`
 * - Bounds: `v` in [−80, 50], gates in [0, 1].
 * - `spike` is 1 on the step where `v` crosses 0 mV upwards.
 *
 * Start: the resting state at zero stimulus, v = −67.9747258553618 mV, with
 * every gate at its steady state for that v (n = 0.155891988985769,
 * m = 0.0100802867290319, h = 0.965897305695259, a = 0.540436798845224,
 * b = 0.288484895451682), the only root of dv/dt = 0 with the gates at
 * steady state. Neural starts at v = −60, n = m = 0, h = a = b = 1, from
 * which `v` swings by 15 mV (without firing) in the first 100 ms:
 * {@link ConnorStevens.originalStart}.
 *
 * Reference: Connor, Walter & McKown, Biophys. J. 18:81–102 (1977); Dayan &
 * Abbott, *Theoretical Neuroscience* (2001), §6.2; Neural's `ConnorStevens`
 * (same rate functions, defaults and bounds; the spike detection is added).
 */
export class ConnorStevens extends ConnorStevensEquations {
  /** Neural's start values (v = −60 mV, n = m = 0, h = a = b = 1), off rest: the neuron fires at start-up. */
  static readonly originalStart = Object.freeze({ v: -60, n: 0, m: 0, h: 1, a: 1, b: 1, vprev: -60 });
  /** 1 on the step where `v` crossed 0 mV upwards, else 0. */
  @state(0, { reduce: 'max', unit: '1' }) @post(CROSSING) spike!: number;
  /** `v` at the end of the previous step (mV), for spike detection. */
  @state(-67.9747258553618, { unit: 'mV' }) @post('v') vprev!: number;
}

/** {@link ConnorStevens} with its spike as an event, an upward crossing of 0 mV (see the conventions above). */
export class ConnorStevensSpiking extends ConnorStevensEquations {
  /** Neural's start values (v = −60 mV, n = m = 0, h = a = b = 1), off rest: the neuron fires at start-up. */
  static readonly originalStart = Object.freeze({ v: -60, n: 0, m: 0, h: 1, a: 1, b: 1, vprev: -60 });
  /** `v` at the end of the previous step (mV), for spike detection. */
  @state(-67.9747258553618, { unit: 'mV' }) @post('v') vprev!: number;
  /** A spike: `v` crossed 0 mV upwards in this step. */
  @spike(CROSSING_SPIKE) spike!: number;
}

/** The equations {@link Wilson} and {@link WilsonSpiking} share (documented on {@link Wilson}). */
class WilsonEquations extends Model {
  static timeScale = 1e3;

  /** Membrane capacitance (µF/cm²). */
  @param(1.2, { unit: 'uF/cm^2' }) C!: number;
  /** Potassium reversal potential (mV). */
  @param(-92, { unit: 'mV' }) EK!: number;
  /** Potassium conductance (mS/cm²). */
  @param(26, { unit: 'mS/cm^2' }) gK!: number;
  /** Sodium reversal potential (mV). */
  @param(55, { unit: 'mV' }) ENa!: number;
  /** Injected current (µA/cm²). */
  @input(0, { unit: 'uA/cm^2' }) stimulus!: number;

  /** Recovery variable (potassium activation). */
  @state(0.0877593076846517, { unit: '1' }) @derivative('(0.0135 / mV * v + 1.03 - r) / (1.9 ms)') r!: number;
  /** Membrane voltage (mV). */
  @state(-69.795606838174, { unit: 'mV' })
  @derivative('(stimulus - (17.81 mS/cm^2 + 0.4771 mS/(cm^2 * mV) * v + 0.003263 mS/(cm^2 * mV^2) * v^2) * (v - ENa) - gK * r * (v - EK)) / C')
  v!: number;
}

/**
 * Wilson's two-variable model of a neocortical neuron: a sodium current whose
 * conductance is quadratic in `v` (instantaneous activation) and a recovery
 * variable `r` with a linear steady state.
 *
 * Equations (mV, ms, µA/cm², mS/cm², µF/cm²; `timeScale` 1e3):
 * - `dv/dt = (stimulus − (17.81 + 0.4771·v + 0.003263·v²)·(v − ENa) − gK·r·(v − EK)) / C`
 *   (the sodium conductance in mS/cm², its coefficients per mV and mV²)
 * - `dr/dt = (0.0135·v + 1.03 − r) / 1.9`
 * - `spike` is 1 on the step where `v` crosses 0 mV upwards.
 *
 * `dv/dt` is a cubic polynomial in `v`, so it is not linear in `v`.
 *
 * Start: the resting state at zero stimulus, v = −69.795606838174 mV,
 * r = 0.0135·v + 1.03 = 0.0877593076846517 (the only root of dv/dt = 0 with
 * `r` at steady state). Neural starts at v = −70, r = 0.088, from which `v`
 * drifts by 0.3 mV: {@link Wilson.originalStart}.
 *
 * Reference: H. R. Wilson, *Spikes, Decisions, and Actions* (1999), ch. 9;
 * Wilson, J. Theor. Biol. 200:375–388 (1999); Neural's `Wilson` (same
 * defaults; the spike detection is added).
 */
export class Wilson extends WilsonEquations {
  /** Neural's start values (v = −70 mV, r = 0.088), near but not at rest: `v` drifts by 0.2 mV. */
  static readonly originalStart = Object.freeze({ r: 0.088, v: -70, vprev: -70 });
  /** 1 on the step where `v` crossed 0 mV upwards, else 0. */
  @state(0, { reduce: 'max', unit: '1' }) @post(CROSSING) spike!: number;
  /** `v` at the end of the previous step (mV), for spike detection. */
  @state(-69.795606838174, { unit: 'mV' }) @post('v') vprev!: number;
}

/** {@link Wilson} with its spike as an event, an upward crossing of 0 mV (see the conventions above). */
export class WilsonSpiking extends WilsonEquations {
  /** Neural's start values (v = −70 mV, r = 0.088), near but not at rest: `v` drifts by 0.2 mV. */
  static readonly originalStart = Object.freeze({ r: 0.088, v: -70, vprev: -70 });
  /** `v` at the end of the previous step (mV), for spike detection. */
  @state(-69.795606838174, { unit: 'mV' }) @post('v') vprev!: number;
  /** A spike: `v` crossed 0 mV upwards in this step. */
  @spike(CROSSING_SPIKE) spike!: number;
}

/** The equations {@link Rinzel} and {@link RinzelSpiking} share (documented on {@link Rinzel}). */
class RinzelEquations extends Model {
  static timeScale = 1e3;

  /** Membrane capacitance (µF/cm²). */
  @param(0.75, { unit: 'uF/cm^2' }) C!: number;
  /** Maximal sodium conductance (mS/cm²). */
  @param(120, { unit: 'mS/cm^2' }) gNa!: number;
  /** Maximal potassium conductance (mS/cm²). */
  @param(36, { unit: 'mS/cm^2' }) gK!: number;
  /** Leak conductance (mS/cm²). */
  @param(0.3, { unit: 'mS/cm^2' }) gL!: number;
  /** Sodium reversal potential (mV). */
  @param(50, { unit: 'mV' }) ENa!: number;
  /** Potassium reversal potential (mV). */
  @param(-77, { unit: 'mV' }) EK!: number;
  /** Leak reversal potential (mV). */
  @param(-54.387, { unit: 'mV' }) EL!: number;
  /** Slope of the linear relation `n ≈ w / s`, `1 − h ≈ w` (dimensionless). */
  @param(1.27135220916422, { unit: '1' }) s!: number;
  /** Injected current (µA/cm²). */
  @input(0, { unit: 'uA/cm^2' }) stimulus!: number;

  // Hodgkin–Huxley rates αx, βx (1/ms), steady states x∞, and w∞, τw (ms), as in the class TSDoc.
  @intermediate(HH_RATES.an_t, { unit: '1' }) an_t!: number;
  @intermediate('abs(an_t) <= 1e-7 ? 0.1 / ms : -0.01 / (ms * mV) * (v + 55 mV) / an_t', { unit: '1/ms' }) alpha_n!: number;
  @intermediate(HH_RATES.beta_n, { unit: '1/ms' }) beta_n!: number;
  @intermediate('alpha_n / (alpha_n + beta_n)', { unit: '1' }) n_inf!: number;
  @intermediate(HH_RATES.am_t, { unit: '1' }) am_t!: number;
  @intermediate('abs(am_t) <= 1e-7 ? 1 / ms : -0.1 / (ms * mV) * (v + 40 mV) / am_t', { unit: '1/ms' }) alpha_m!: number;
  @intermediate(HH_RATES.beta_m, { unit: '1/ms' }) beta_m!: number;
  @intermediate('alpha_m / (alpha_m + beta_m)', { unit: '1' }) m_inf!: number;
  @intermediate(HH_RATES.alpha_h, { unit: '1/ms' }) alpha_h!: number;
  @intermediate(HH_RATES.beta_h, { unit: '1/ms' }) beta_h!: number;
  @intermediate('alpha_h / (alpha_h + beta_h)', { unit: '1' }) h_inf!: number;
  @intermediate('s / (1 + s^2) * (n_inf + s * (1 - h_inf))', { unit: '1' }) w_inf!: number;
  @intermediate('1 ms + 5 ms * exp(-(v + 55 mV)^2 / (55 mV)^2)', { unit: 'ms' }) tau_w!: number;

  /** Membrane voltage (mV). */
  @state(-64.9973125395226, { bounds: [-80, 30], unit: 'mV' })
  @derivative('(stimulus - gNa * m_inf^3 * (1 - w) * (v - ENa) - gK * (w / s)^4 * (v - EK) - gL * (v - EL)) / C')
  v!: number;
  /** Recovery variable. */
  @state(0.403957324686797, { bounds: [0, 1], unit: '1' }) @derivative('3 * (w_inf - w) / tau_w') w!: number;
}

/**
 * Rinzel's two-variable reduction of the Hodgkin–Huxley model: `m` is set to
 * its steady state and `n` and `1 − h` are lumped into one recovery variable `w`.
 *
 * Equations (mV, ms, µA/cm², mS/cm²; `timeScale` 1e3), with `αx, βx` the
 * Hodgkin–Huxley rates of {@link HodgkinHuxley} (guarded the same way) and
 * `x∞ = αx / (αx + βx)`:
 * - `dv/dt = (stimulus − gNa·m∞³·(1 − w)·(v − ENa) − gK·(w/s)⁴·(v − EK) − gL·(v − EL)) / C`
 * - `dw/dt = 3·(w∞ − w) / τw`
 * - `w∞ = s / (1 + s²) · (n∞ + s·(1 − h∞))`, `τw = 1 + 5·exp(−(v + 55)² / 55²)`
 * - Bounds: `v` in [−80, 30], `w` in [0, 1].
 * - `spike` is 1 on the step where `v` crosses 0 mV upwards.
 *
 * `τw` is the textbook form. Neural's source writes
 * `exp(-(v+55)*(v+55)/55.*55.)`, which by operator precedence is
 * `exp(−(v + 55)²)`; the 55² divisor of the published model is used here.
 *
 * Start: the resting state at zero stimulus, v = −64.9973125395226 mV,
 * w = w∞(v) = 0.403957324686797 (the only root of dv/dt = 0 with `w` at
 * steady state). Neural starts at v = −60, w = 0, which fires once at
 * start-up: {@link Rinzel.originalStart}.
 *
 * Reference: J. Rinzel, "Excitation dynamics: insights from simplified
 * membrane models", Fed. Proc. 44:2944–2946 (1985); H. R. Wilson, *Spikes,
 * Decisions, and Actions* (1999), ch. 9; Neural's `Rinzel` (same defaults and
 * bounds; the spike detection is added).
 */
export class Rinzel extends RinzelEquations {
  /** Neural's start values (v = −60 mV, w = 0), off rest: the neuron fires once at start-up. */
  static readonly originalStart = Object.freeze({ v: -60, w: 0, vprev: -60 });
  /** 1 on the step where `v` crossed 0 mV upwards, else 0. */
  @state(0, { reduce: 'max', unit: '1' }) @post(CROSSING) spike!: number;
  /** `v` at the end of the previous step (mV), for spike detection. */
  @state(-64.9973125395226, { unit: 'mV' }) @post('v') vprev!: number;
}

/** {@link Rinzel} with its spike as an event, an upward crossing of 0 mV (see the conventions above). */
export class RinzelSpiking extends RinzelEquations {
  /** Neural's start values (v = −60 mV, w = 0), off rest: the neuron fires once at start-up. */
  static readonly originalStart = Object.freeze({ v: -60, w: 0, vprev: -60 });
  /** `v` at the end of the previous step (mV), for spike detection. */
  @state(-64.9973125395226, { unit: 'mV' }) @post('v') vprev!: number;
  /** A spike: `v` crossed 0 mV upwards in this step. */
  @spike(CROSSING_SPIKE) spike!: number;
}

/** The equations {@link MorrisLecar} and {@link MorrisLecarSpiking} share (documented on {@link MorrisLecar}). */
class MorrisLecarEquations extends Model {
  static timeScale = 1e3;

  /** Membrane capacitance (µF/cm²). */
  @param(20, { unit: 'uF/cm^2' }) C!: number;
  /** Maximal calcium conductance (mS/cm²). */
  @param(4.4, { unit: 'mS/cm^2' }) gCa!: number;
  /** Maximal potassium conductance (mS/cm²). */
  @param(8, { unit: 'mS/cm^2' }) gK!: number;
  /** Leak conductance (mS/cm²). */
  @param(2, { unit: 'mS/cm^2' }) gL!: number;
  /** Calcium reversal potential (mV). */
  @param(120, { unit: 'mV' }) ECa!: number;
  /** Potassium reversal potential (mV). */
  @param(-84, { unit: 'mV' }) EK!: number;
  /** Leak reversal potential (mV). */
  @param(-60, { unit: 'mV' }) EL!: number;
  /** Half-activation voltage of the calcium current (mV). */
  @param(-1.2, { unit: 'mV' }) V1!: number;
  /** Slope of the calcium activation (mV). */
  @param(18, { unit: 'mV' }) V2!: number;
  /** Half-activation voltage of the potassium current (mV). */
  @param(2, { unit: 'mV' }) V3!: number;
  /** Slope of the potassium activation (mV). */
  @param(30, { unit: 'mV' }) V4!: number;
  /** Rate scale of the potassium activation (1/ms). */
  @param(0.04, { unit: '1/ms' }) phi!: number;
  /** Injected current (µA/cm²). */
  @input(0, { unit: 'uA/cm^2' }) stimulus!: number;

  // m∞, w∞ and 1/τw = cosh((v − V3)/(2·V4)) (dimensionless), as in the class TSDoc.
  @intermediate('(1 + tanh((v - V1) / V2)) / 2', { unit: '1' }) m_inf!: number;
  @intermediate('(1 + tanh((v - V3) / V4)) / 2', { unit: '1' }) w_inf!: number;
  @intermediate('(exp((v - V3) / (2 * V4)) + exp(-(v - V3) / (2 * V4))) / 2', { unit: '1' }) rate_w!: number;

  /** Membrane voltage (mV). */
  @state(-60.8553822323095, { unit: 'mV' })
  @derivative('(stimulus - gCa * m_inf * (v - ECa) - gK * w * (v - EK) - gL * (v - EL)) / C')
  v!: number;
  /** Fraction of open potassium channels. */
  @state(0.0149150249539994, { bounds: [0, 1], unit: '1' }) @derivative('phi * rate_w * (w_inf - w)') w!: number;
}

/**
 * Morris–Lecar model: an instantaneous calcium current for excitation and a
 * delayed potassium current for recovery.
 *
 * Equations (mV, ms, µA/cm², mS/cm², µF/cm²; `timeScale` 1e3):
 * - `C·dv/dt = stimulus − gCa·m∞(v)·(v − ECa) − gK·w·(v − EK) − gL·(v − EL)`
 * - `dw/dt = phi·(w∞(v) − w) / τw(v)`
 * - `m∞ = (1 + tanh((v − V1)/V2)) / 2`, `w∞ = (1 + tanh((v − V3)/V4)) / 2`,
 *   `1/τw = cosh((v − V3)/(2·V4))`, written with exponentials as
 *   `(exp(y) + exp(−y)) / 2`, `y = (v − V3)/(2·V4)`.
 * - Bounds: `w` in [0, 1].
 * - `spike` is 1 on the step where `v` crosses 0 mV upwards.
 *
 * Defaults are the Hopf (class II) parameter set of Rinzel & Ermentrout; the
 * start is the resting state at zero stimulus, v = −60.8553822323095 mV,
 * w = w∞(v) = 0.0149150249539994 (the only root of dv/dt = 0 with `w` at
 * steady state; earlier versions rounded it to −60.855 and 0.01492).
 * Repetitive firing starts near stimulus = 90 µA/cm².
 *
 * Neural's `MorrisLecar` is an empty placeholder (its `ode` does nothing), so
 * this model is the textbook form: Morris & Lecar, Biophys. J. 35:193–213
 * (1981); Rinzel & Ermentrout, "Analysis of neural excitability and
 * oscillations", in *Methods in Neuronal Modeling* (1989), table 7.1.
 */
export class MorrisLecar extends MorrisLecarEquations {
  /** 1 on the step where `v` crossed 0 mV upwards, else 0. */
  @state(0, { reduce: 'max', unit: '1' }) @post(CROSSING) spike!: number;
  /** `v` at the end of the previous step (mV), for spike detection. */
  @state(-60.8553822323095, { unit: 'mV' }) @post('v') vprev!: number;
}

/** {@link MorrisLecar} with its spike as an event, an upward crossing of 0 mV (see the conventions above). */
export class MorrisLecarSpiking extends MorrisLecarEquations {
  /** `v` at the end of the previous step (mV), for spike detection. */
  @state(-60.8553822323095, { unit: 'mV' }) @post('v') vprev!: number;
  /** A spike: `v` crossed 0 mV upwards in this step. */
  @spike(CROSSING_SPIKE) spike!: number;
}

/** The equations {@link Izhikevich} and {@link IzhikevichSpiking} share (documented on {@link Izhikevich}). */
class IzhikevichEquations extends Model {
  static timeScale = 1e3;

  /** Time scale of the recovery variable (1/ms). */
  @param(0.02, { unit: '1/ms' }) a!: number;
  /** Sensitivity of the recovery variable to `v` (1/ms). */
  @param(0.2, { unit: '1/ms' }) b!: number;
  /** After-spike reset of `v` (mV). */
  @param(-65, { unit: 'mV' }) c!: number;
  /** After-spike increment of `u` (mV/ms). */
  @param(8, { unit: 'mV/ms' }) d!: number;
  /** Spike cut-off: a spike is emitted and `v` reset when `v ≥ vpeak` (mV). */
  @param(30, { unit: 'mV' }) vpeak!: number;
  /** Injected current, scaled to a rate of change of `v` (mV/ms). */
  @input(0, { unit: 'mV/ms' }) stimulus!: number;

  /** Membrane voltage (mV). */
  @state(-70, { unit: 'mV' }) @derivative('0.04 / (mV * ms) * v^2 + 5 / ms * v + 140 mV/ms - u + stimulus') v!: number;
  /** Recovery variable (mV/ms). */
  @state(-14, { unit: 'mV/ms' }) @derivative('a * (b * v - u)') u!: number;
}

/**
 * Izhikevich's simple spiking model: a quadratic integrate-and-fire voltage
 * with a linear recovery variable and an after-spike reset.
 *
 * Equations (mV, ms; `u` and `stimulus` in mV/ms; `timeScale` 1e3):
 * - `dv/dt = 0.04·v² + 5·v + 140 − u + stimulus` (0.04 per mV·ms, 5 per ms, 140 mV/ms)
 * - `du/dt = a·(b·v − u)`
 * - after each step, if `v ≥ vpeak`: `spike ← 1`, `v ← c`, `u ← u + d`;
 *   otherwise `spike ← 0`.
 *
 * Defaults are the regular-spiking cortical cell (a 0.02, b 0.2, c −65, d 8).
 * The start is the resting state at zero stimulus, the lower root of
 * `0.04·v² + (5 − b)·v + 140 = 0`: `v = −70`, `u = b·v = −14` (exact). The
 * paper's code starts at `v = −65`, `u = b·v = −13`, from which `v` swings
 * by 6 mV before settling at −70 mV: {@link Izhikevich.originalStart}.
 *
 * Neural has no Izhikevich model; this is the textbook form: E. M. Izhikevich,
 * "Simple model of spiking neurons", IEEE Trans. Neural Netw. 14:1569–1572 (2003).
 */
export class Izhikevich extends IzhikevichEquations {
  /** The paper's start values (v = −65 mV, u = b·v = −13), off rest: `v` drifts to −70 mV. */
  static readonly originalStart = Object.freeze({ v: -65, u: -13 });

  /** Membrane voltage (mV): reset to `c` after a spike. */
  @post('v >= vpeak ? c : v') declare v: number;
  /** Recovery variable: `d` more after a spike. */
  @post('v >= vpeak ? u + d : u') declare u: number;
  /** 1 on a step where `v` reached `vpeak` (and was reset), else 0. */
  @state(0, { reduce: 'max', unit: '1' }) @post('v >= vpeak ? 1 : 0') spike!: number;
}

/**
 * {@link Izhikevich} with its spike declared as an event (`@spike`): when
 * `v ≥ vpeak` after a step, `v ← c` and `u ← u + d`, and `record('spike')`
 * gives the units and times of the spikes rather than a 0/1 trace. Same
 * equations, parameters and start; the same values step for step.
 */
export class IzhikevichSpiking extends IzhikevichEquations {
  /** The paper's start values (v = −65 mV, u = b·v = −13), off rest: `v` drifts to −70 mV. */
  static readonly originalStart = Object.freeze({ v: -65, u: -13 });

  /** A spike: `v` reached `vpeak`; `v` is reset to `c` and `u` raised by `d`. */
  @spike({ threshold: 'v >= vpeak', reset: 'v = c; u += d' }) spike!: number;
}
