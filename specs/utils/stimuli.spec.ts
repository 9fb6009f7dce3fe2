import { expect } from 'chai';
import fc from 'fast-check';
import { InputDataError } from '../../lib/errors.js';
import { rng } from '../../lib/utils/random.js';
import {
  bandLimitedNoise,
  gaussianNoise,
  gridSteps,
  ornsteinUhlenbeck,
  parabola,
  poissonSpikeTimes,
  poissonSpikeTrain,
  population,
  ramp,
  sinusoid,
  spikeTrain,
  step,
  timeAxis,
} from '../../lib/utils/stimuli.js';
import { throws } from '../support.js';

/** Power of x at frequency f (Hz) by the Goertzel recurrence: |Σ x_n e^{−2πifn dt}|². */
function goertzel(x: ArrayLike<number>, f: number, dt: number): number {
  const w = 2 * Math.PI * f * dt;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = x[i] + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}

function meanVar(x: ArrayLike<number>): [number, number] {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  const m = s / x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] - m) ** 2;
  return [m, v / x.length];
}

describe('utils/stimuli', () => {
  describe('time grid', () => {
    it('takes steps = round(duration / dt), or steps directly', () => {
      expect(gridSteps({ dt: 0.1, duration: 0.3 })).to.equal(3); // 0.3 / 0.1 = 2.9999999999999996
      expect(gridSteps({ dt: 1e-4, duration: 1 })).to.equal(10000);
      expect(gridSteps({ dt: 1e-4, steps: 7 })).to.equal(7);
      expect(gridSteps({ dt: 1e-4, steps: 7, duration: 7e-4 })).to.equal(7);
      expect(Array.from(timeAxis({ dt: 0.5, steps: 3 }))).to.deep.equal([0, 0.5, 1]);
    });

    it('rejects non-positive dt, negative or NaN durations, and mismatches', () => {
      const cases: [() => unknown, RegExp][] = [
        [() => step({ dt: 0, duration: 1, amplitude: 1 }), /^step: dt is 0, not a positive finite number\. Pass dt > 0 in seconds\.$/],
        [() => step({ dt: -1e-4, duration: 1, amplitude: 1 }), /^step: dt is -0\.0001/],
        [() => step({ dt: NaN, duration: 1, amplitude: 1 }), /^step: dt is NaN/],
        [() => ramp({ dt: 1e-3, duration: -1, amplitude: 1 }), /^ramp: duration is -1, not a finite number ≥ 0/],
        [() => sinusoid({ dt: 1e-3, duration: NaN, amplitude: 1, frequency: 1 }), /^sinusoid: duration is NaN/],
        [() => parabola({ dt: 1e-3, amplitude: 1 }), /^parabola: neither duration nor steps/],
        [() => step({ dt: 1e-3, steps: 2.5, amplitude: 1 }), /^step: steps is 2\.5/],
        [() => step({ dt: 1e-3, steps: 5, duration: 1, amplitude: 1 }), /gives 1000 steps, but steps is 5/],
        [() => step({ dt: 1e-3, steps: 5, amplitude: NaN }), /^step: amplitude is NaN/],
        [() => ramp({ dt: 1e-3, steps: 5, amplitude: 1, ratio: 2 }), /^ramp: ratio is 2/],
        [() => step({ dt: 1e-3, steps: 5, amplitude: 1, start: 0.004, end: 0.001 }), /^step: end 0\.001 s is before start/],
        [() => ornsteinUhlenbeck({ dt: 1e-3, steps: 5, tau: 0, sigma: 1, seed: 1 }), /^ornsteinUhlenbeck: tau is 0/],
        [() => bandLimitedNoise({ dt: 1e-3, steps: 5, cutoff: -1, seed: 1 }), /^bandLimitedNoise: cutoff is -1/],
        [() => poissonSpikeTrain({ dt: 1e-3, steps: 5, rate: -1, seed: 1 }), /^poissonSpikeTrain: rate is -1, not a finite number ≥ 0\. Pass rate ≥ 0 in Hz\.$/],
        [() => gaussianNoise({ dt: 1e-3, steps: 5, sd: 1, seed: NaN }), /^gaussianNoise: seed NaN/],
      ];
      for (const [f, re] of cases) expect(f).to.throw(InputDataError, re);
      throws(() => step({ dt: 0, duration: 1, amplitude: 1 }), InputDataError, { where: 'step', fix: 'Pass dt > 0 in seconds.' });
    });

    it('returns empty arrays for an empty grid', () => {
      expect(step({ dt: 1e-3, duration: 0, amplitude: 1 }).length).to.equal(0);
      expect(ornsteinUhlenbeck({ dt: 1e-3, steps: 0, tau: 1, sigma: 1, seed: 1 }).length).to.equal(0);
      expect(bandLimitedNoise({ dt: 1e-3, steps: 0, cutoff: 1, seed: 1 }).length).to.equal(0);
    });
  });

  describe('deterministic shapes', () => {
    it('step is amplitude on [start, end) and baseline elsewhere', () => {
      const x = step({ dt: 0.1, duration: 1, start: 0.2, end: 0.5, amplitude: 3, baseline: -1 });
      expect(Array.from(x)).to.deep.equal([-1, -1, 2, 2, 2, -1, -1, -1, -1, -1]);
      expect(Array.from(step({ dt: 0.1, steps: 3, amplitude: 2 }))).to.deep.equal([2, 2, 2]);
    });

    it('ramp rises to the peak at start + ratio·(end − start) and falls back', () => {
      const x = ramp({ dt: 0.1, duration: 1.2, start: 0.1, end: 1.1, amplitude: 10, ratio: 0.5 });
      const expected = [0, 0, 2, 4, 6, 8, 10, 8, 6, 4, 2, 0];
      for (let i = 0; i < 12; i++) expect(x[i]).to.be.closeTo(expected[i], 1e-12);
      const up = ramp({ dt: 0.25, duration: 1, amplitude: 4, ratio: 1 });
      expect(Array.from(up)).to.deep.equal([0, 1, 2, 3]);
    });

    it('parabola is amplitude·u² with u the ramp fraction', () => {
      const x = parabola({ dt: 0.25, duration: 1, amplitude: 16, ratio: 1 });
      for (const [i, v] of [[0, 0], [1, 1], [2, 4], [3, 9]]) expect(x[i]).to.be.closeTo(v, 1e-12);
      const y = parabola({ dt: 0.1, duration: 1, amplitude: 1, ratio: 0.5 });
      expect(y[5]).to.be.closeTo(1, 1e-12);
      expect(y[3]).to.be.closeTo(0.36, 1e-12);
      expect(y[8]).to.be.closeTo(0.16, 1e-12);
    });

    it('sinusoid follows baseline + A·sin(2πf(t − start) + phase)', () => {
      const x = sinusoid({ dt: 1e-3, duration: 1, amplitude: 2, frequency: 5, phase: 0.3, baseline: 1 });
      for (const i of [0, 17, 250, 999]) expect(x[i]).to.be.closeTo(1 + 2 * Math.sin(2 * Math.PI * 5 * i * 1e-3 + 0.3), 1e-12);
      const w = sinusoid({ dt: 0.1, duration: 1, amplitude: 1, frequency: 1, start: 0.5 });
      expect(w[4]).to.equal(0);
      expect(w[5]).to.be.closeTo(0, 1e-12);
      expect(w[6]).to.be.closeTo(Math.sin(0.2 * Math.PI), 1e-12);
    });

    it('spikeTrain places each time in step floor(t / dt), adding coincident spikes', () => {
      expect(Array.from(spikeTrain({ dt: 1e-3, steps: 5, times: [0.001, 0.003, 0.0031] }))).to.deep.equal([0, 1, 0, 2, 0]);
      expect(Array.from(spikeTrain({ dt: 0.1, steps: 4, times: [0.3], amplitude: 5 }))).to.deep.equal([0, 0, 0, 5]);
      expect(() => spikeTrain({ dt: 1e-3, steps: 5, times: [0.005] })).to.throw(InputDataError, /^spikeTrain: times\[0\] = 0\.005 s is outside/);
      expect(() => spikeTrain({ dt: 1e-3, steps: 5, times: [NaN] })).to.throw(InputDataError, /^spikeTrain: times\[0\] is NaN/);
      expect(() => spikeTrain({ dt: 1e-3, steps: 5, times: [-0.001] })).to.throw(InputDataError, /outside the grid/);
    });
  });

  describe('population', () => {
    it('lays columns out row-major: [t, i] at t·num + i', () => {
      const m = population(3, 2, (i) => [10 * i, 10 * i + 1, 10 * i + 2]);
      expect(Array.from(m)).to.deep.equal([0, 10, 1, 11, 2, 12]);
      expect(Array.from(population([[1, 2], [3, 4], [5, 6]]))).to.deep.equal([1, 3, 5, 2, 4, 6]);
    });

    it('round-trips any matrix (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 6 }), fc.integer(), (steps, num, seed) => {
          const r = rng(seed);
          const cols = Array.from({ length: num }, () => Float64Array.from({ length: steps }, () => r.normal()));
          const m = population(steps, num, (i) => cols[i]);
          expect(m.length).to.equal(steps * num);
          for (let t = 0; t < steps; t++) for (let i = 0; i < num; i++) expect(m[t * num + i]).to.equal(cols[i][t]);
        }),
        { numRuns: 100 },
      );
    });

    it('rejects columns of the wrong length or with NaN', () => {
      expect(() => population(3, 2, () => [1, 2])).to.throw(InputDataError, /^population: column 0 has 2 values, expected 3/);
      expect(() => population(2, 1, () => [1, NaN])).to.throw(InputDataError, /^population: column 0\[1\] is NaN/);
      expect(() => population(-1, 1, () => [])).to.throw(InputDataError, /^population: steps is -1/);
    });
  });

  describe('Poisson spike trains', () => {
    it('has mean count rate·T: 20 Hz over 100 s gives 2000 ± 4√2000 (seed 1)', () => {
      const x = poissonSpikeTrain({ dt: 1e-4, duration: 100, rate: 20, seed: 1 });
      const n = x.reduce((a, b) => a + b, 0);
      expect(n).to.be.closeTo(2000, 4 * Math.sqrt(2000));
    });

    it('has Poisson counts across trials (mean ≈ variance) and exponential intervals (CV ≈ 1)', () => {
      const g = rng(2);
      const counts: number[] = [];
      for (let k = 0; k < 400; k++) counts.push(poissonSpikeTimes({ dt: 1e-3, duration: 1, rate: 30, seed: g }).length);
      const [m, v] = meanVar(counts);
      // Mean 30 ± 4·√(30/400); Fano factor 1 ± 0.25 (its sd is about √(2/400)).
      expect(m).to.be.closeTo(30, 4 * Math.sqrt(30 / 400));
      expect(v / m).to.be.closeTo(1, 0.25);
      const t = poissonSpikeTimes({ dt: 1e-4, duration: 200, rate: 10, seed: 3 });
      const isi = Array.from(t.subarray(1), (x, i) => x - t[i]);
      const [im, iv] = meanVar(isi);
      expect(im).to.be.closeTo(0.1, 0.01);
      expect(Math.sqrt(iv) / im).to.be.closeTo(1, 0.08);
    });

    it('follows a per-step rate (thinning): no spikes where the rate is 0', () => {
      const steps = 100000;
      const rate = Float64Array.from({ length: steps }, (_, i) => (i < steps / 2 ? 0 : 40));
      const x = poissonSpikeTrain({ dt: 1e-4, rate, seed: 4 });
      let first = 0;
      let second = 0;
      for (let i = 0; i < steps; i++) (i < steps / 2 ? (first += x[i]) : (second += x[i]));
      expect(first).to.equal(0);
      expect(second).to.be.closeTo(200, 4 * Math.sqrt(200));
      expect(() => poissonSpikeTrain({ dt: 1e-4, steps: 3, rate: [1, 2], seed: 1 })).to.throw(InputDataError, /rate has 2 values but the grid has 3 steps/);
    });

    it('repeats exactly for the same seed and sorts its times', () => {
      const a = poissonSpikeTimes({ dt: 1e-4, duration: 5, rate: 50, seed: 9 });
      const b = poissonSpikeTimes({ dt: 1e-4, duration: 5, rate: 50, seed: 9 });
      const c = poissonSpikeTimes({ dt: 1e-4, duration: 5, rate: 50, seed: 10 });
      expect(Array.from(a)).to.deep.equal(Array.from(b));
      expect(Array.from(a)).to.not.deep.equal(Array.from(c));
      for (let i = 1; i < a.length; i++) expect(a[i]).to.be.greaterThan(a[i - 1]);
      expect(a[a.length - 1]).to.be.below(5);
      expect(poissonSpikeTrain({ dt: 1e-3, steps: 10, rate: 0, seed: 1 }).every((v) => v === 0)).to.equal(true);
    });
  });

  describe('band-limited white noise', () => {
    for (const steps of [10000, 8192]) {
      it(`has no power above the cutoff and the requested RMS (${steps} steps, Goertzel check)`, () => {
        const dt = 1e-4;
        const x = bandLimitedNoise({ dt, steps, cutoff: 100, rms: 2.5, mean: 1, seed: 5 });
        const [m, v] = meanVar(x);
        expect(m).to.be.closeTo(1, 1e-12);
        expect(Math.sqrt(v)).to.be.closeTo(2.5, 1e-12);
        const T = steps * dt;
        // Total power Σ|X_k|² = N·Σ(x − mean)²; every bin above the cutoff holds ≲ 1e-20 of it.
        const total = steps * v * steps;
        for (const f of [(Math.floor(100 * T) + 1) / T, 150, 500, 1234, 4999]) {
          const k = Math.round(f * T);
          expect(goertzel(Array.from(x, (y) => y - 1), k / T, dt) / total).to.be.below(1e-20);
        }
        let inBand = 0;
        for (let k = 1; k <= Math.floor(100 * T); k++) inBand += goertzel(Array.from(x, (y) => y - 1), k / T, dt);
        // Parseval over the one-sided band: 2·Σ|X_k|² = N·Σ(x − mean)².
        expect((2 * inBand) / total).to.be.closeTo(1, 1e-9);
      });
    }

    it('keeps to a band [low, cutoff] and refuses a band with no frequency k/T', () => {
      const dt = 1e-3;
      const x = bandLimitedNoise({ dt, steps: 1000, low: 20, cutoff: 40, seed: 6 });
      expect(goertzel(x, 10, dt)).to.be.below(1e-18);
      expect(goertzel(x, 19, dt)).to.be.below(1e-18);
      expect(goertzel(x, 30, dt)).to.be.above(1e-3);
      expect(() => bandLimitedNoise({ dt, steps: 100, cutoff: 5, seed: 1 })).to.throw(InputDataError, /^bandLimitedNoise: no frequency k\/T/);
    });

    it('repeats exactly for the same seed', () => {
      const a = bandLimitedNoise({ dt: 1e-4, duration: 0.5, cutoff: 200, seed: 8 });
      const b = bandLimitedNoise({ dt: 1e-4, duration: 0.5, cutoff: 200, seed: 8 });
      expect(Array.from(a)).to.deep.equal(Array.from(b));
    });
  });

  describe('Ornstein–Uhlenbeck noise', () => {
    it('has stationary variance σ²τ/2 and autocorrelation e^{−1} at lag τ (100 s, tolerance 5% / 0.03)', () => {
      const dt = 1e-4;
      const tau = 0.01;
      const sigma = 3;
      const x = ornsteinUhlenbeck({ dt, duration: 100, tau, sigma, mean: -2, seed: 12 });
      const [m, v] = meanVar(x);
      const expected = (sigma * sigma * tau) / 2;
      expect(m).to.be.closeTo(-2, 5 * Math.sqrt(expected * 2 * tau / 100));
      expect(v / expected).to.be.closeTo(1, 0.05);
      const lag = Math.round(tau / dt);
      let c = 0;
      for (let i = 0; i + lag < x.length; i++) c += (x[i] - m) * (x[i + lag] - m);
      expect(c / (x.length - lag) / v).to.be.closeTo(Math.exp(-1), 0.03);
    });

    it('is exact for a coarse step: dt = τ/2 still gives variance σ²τ/2', () => {
      // Euler–Maruyama would give σ²dt / (1 − (1 − dt/τ)²), 4/3 of the true variance here.
      const tau = 0.02;
      const x = ornsteinUhlenbeck({ dt: tau / 2, steps: 200000, tau, sigma: 1, seed: 13 });
      const [, v] = meanVar(x);
      expect(v / (tau / 2)).to.be.closeTo(1, 0.03);
    });

    it('starts at the given initial value, and repeats exactly for the same seed', () => {
      const a = ornsteinUhlenbeck({ dt: 1e-3, steps: 50, tau: 0.01, sigma: 1, initial: 5, seed: 1 });
      expect(a[0]).to.equal(5);
      const b = ornsteinUhlenbeck({ dt: 1e-3, steps: 50, tau: 0.01, sigma: 1, initial: 5, seed: 1 });
      expect(Array.from(a)).to.deep.equal(Array.from(b));
      const flat = ornsteinUhlenbeck({ dt: 1e-3, steps: 5, tau: 0.01, sigma: 0, initial: 1, mean: 0, seed: 1 });
      expect(flat[4]).to.be.closeTo(Math.exp(-0.4), 1e-12);
    });
  });

  it('gaussianNoise has the requested mean and sd (n = 1e5, tolerance 0.02)', () => {
    const x = gaussianNoise({ dt: 1e-4, steps: 100000, sd: 2, mean: 1, seed: 14 });
    const [m, v] = meanVar(x);
    expect(m).to.be.closeTo(1, 0.02);
    expect(Math.sqrt(v)).to.be.closeTo(2, 0.02);
  });
});
