/**
 * Hand-written reference for the hh-pop workload: N independent
 * Hodgkin-Huxley neurons, drive I_i = 20·i/N, exponential Euler for every
 * state, bounds clipped, spike = upward crossing of v through 0 mV. Every
 * neuron starts from Neural's start values (v = −60 mV, n = m = 0, h = 1,
 * `models.HodgkinHuxley.originalStart`), off rest, so undriven ones fire once.
 * Written by hand from the equations, independent of the code generator.
 */

/** Result of a reference run. */
export interface HHResult {
  spikes: Int32Array;
  v: Float64Array;
}

/** x + f·(e^{B·dt} − 1)/B, the exponential Euler step of x' = f with ∂f/∂x = B. */
const expEuler = (x: number, f: number, B: number, dt: number) => x + f * (B !== 0 ? Math.expm1(B * dt) / B : dt);
const clip = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);

/**
 * Runs hh-pop in float64 (or float32 storage when `round` is Math.fround).
 * @param dtSeconds - step in seconds (timeScale 1e3: equations per ms)
 */
export function hhReference(N: number, steps: number, dtSeconds: number, round: (x: number) => number = (x) => x): HHResult {
  const dt = dtSeconds * 1e3;
  const gNa = 120, gK = 36, gL = 0.3, ENa = 50, EK = -77, EL = -54.387;
  const spikes = new Int32Array(N);
  const vOut = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const I = (20 * i) / N;
    let v = -60, n = 0, m = 0, h = 1, vprev = -60;
    for (let k = 0; k < steps; k++) {
      const an = Math.exp(-(v + 55) / 10) - 1;
      const alphaN = Math.abs(an) <= 1e-7 ? 0.1 : (-0.01 * (v + 55)) / an;
      const betaN = 0.125 * Math.exp(-(v + 65) / 80);
      const am = Math.exp(-(v + 40) / 10) - 1;
      const alphaM = Math.abs(am) <= 1e-7 ? 1 : (-0.1 * (v + 40)) / am;
      const betaM = 4 * Math.exp(-(v + 65) / 18);
      const alphaH = 0.07 * Math.exp(-(v + 65) / 20);
      const betaH = 1 / (Math.exp(-(v + 35) / 10) + 1);
      const gna = gNa * m * m * m * h, gk = gK * n * n * n * n;
      const fv = I - gk * (v - EK) - gna * (v - ENa) - gL * (v - EL);
      const vNew = clip(expEuler(v, fv, -(gna + gk + gL), dt), -80, 30);
      const nNew = clip(expEuler(n, alphaN * (1 - n) - betaN * n, -(alphaN + betaN), dt), 0, 1);
      const mNew = clip(expEuler(m, alphaM * (1 - m) - betaM * m, -(alphaM + betaM), dt), 0, 1);
      const hNew = clip(expEuler(h, alphaH * (1 - h) - betaH * h, -(alphaH + betaH), dt), 0, 1);
      v = round(vNew); n = round(nNew); m = round(mNew); h = round(hNew);
      if (vprev < 0 && v >= 0) spikes[i]++;
      vprev = v;
    }
    vOut[i] = v;
  }
  return { spikes, v: vOut };
}

/** The drive of hh-pop: I_i = 20·i/N. */
export const hhDrive = (N: number) => Float64Array.from({ length: N }, (_, i) => (20 * i) / N);
