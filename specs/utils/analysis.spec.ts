import { expect } from 'chai';
import fc from 'fast-check';
import { InputDataError } from '../../lib/errors.js';
import {
  coefficientOfVariation,
  column,
  detectSpikeEvents,
  detectSpikes,
  eventsFromTimes,
  firingRates,
  interSpikeIntervals,
  powerSpectrum,
  psth,
  sampleInterval,
  snr,
  spikeCounts,
  spikeEvents,
  type TraceLike,
} from '../../lib/utils/analysis.js';
import { rng } from '../../lib/utils/random.js';
import { poissonSpikeTrain, population, sinusoid } from '../../lib/utils/stimuli.js';

describe('utils/analysis', () => {
  // 4 steps × 3 units, dt = 0.01 s:
  //   unit 0 spikes at steps 1, 3; unit 1 never; unit 2 at steps 0, 1, 2.
  const spikes: TraceLike = {
    data: new Float32Array([0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0]),
    shape: [4, 3],
    dt: 0.01,
  };

  describe('recordings', () => {
    it('reads the interval between rows from dt·rate, or an explicit dt', () => {
      expect(sampleInterval({ data: [], shape: [0, 0] })).to.equal(1);
      expect(sampleInterval({ data: [], shape: [0, 0], dt: 1e-4 })).to.equal(1e-4);
      expect(sampleInterval({ data: [], shape: [0, 0], dt: 1e-4, rate: 10 })).to.be.closeTo(1e-3, 1e-18);
      expect(sampleInterval({ data: [], shape: [0, 0], dt: 1e-4, rate: 10 }, 0.5)).to.equal(0.5);
    });

    it('copies columns and rejects malformed recordings', () => {
      expect(Array.from(column(spikes, 2))).to.deep.equal([1, 1, 1, 0]);
      expect(() => column(spikes, 3)).to.throw(InputDataError, /^column: unit 3 is out of range\. Pass a unit between 0 and 2\.$/);
      expect(() => column({ data: [1, 2, 3], shape: [2, 2] }, 0)).to.throw(InputDataError, /^column: data has 3 values but shape \[2, 2\] needs 4/);
      expect(() => column({ data: [1], shape: [1, 1], dt: 0 }, 0)).to.throw(InputDataError, /^sampleInterval: trace\.dt is 0/);
    });
  });

  describe('spike detection', () => {
    it('finds upward crossings v[i−1] < θ ≤ v[i] in number[], Float32Array and Float64Array', () => {
      const v = [-70, -10, 20, 30, -60, 0, -1, 5];
      for (const a of [v, Float32Array.from(v), Float64Array.from(v)]) {
        expect(Array.from(detectSpikes(a))).to.deep.equal([2, 5, 7]);
        expect(Array.from(detectSpikes(a, { threshold: -20 }))).to.deep.equal([1, 5]);
      }
      const t = detectSpikes(v, { dt: 0.1 });
      expect(t[0]).to.be.closeTo(0.2, 1e-15);
    });

    it('ignores crossings inside the refractory period', () => {
      const v = [-1, 1, -1, 1, -1, 1, -1, 1];
      expect(Array.from(detectSpikes(v))).to.deep.equal([1, 3, 5, 7]);
      expect(Array.from(detectSpikes(v, { refractory: 3 }))).to.deep.equal([1, 5]);
      expect(Array.from(detectSpikes(v, { refractory: 2 }))).to.deep.equal([1, 3, 5, 7]);
    });

    it('counts crossings of a sinusoid exactly: 5 Hz over 1 s crosses 0 upward 4 times after t = 0', () => {
      const x = sinusoid({ dt: 1e-4, duration: 1, amplitude: 1, frequency: 5, phase: -0.1 });
      expect(detectSpikes(x).length).to.equal(5);
    });

    it('agrees unit by unit with detectSpikes on a recording (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (steps, num, seed) => {
          const r = rng(seed);
          const cols = Array.from({ length: num }, () => Float64Array.from({ length: steps }, () => r.normal()));
          const trace = { data: population(steps, num, (i) => cols[i]), shape: [steps, num] as [number, number] };
          const ev = detectSpikeEvents(trace, { threshold: 0.5, refractory: 2 });
          expect(ev.num).to.equal(num);
          expect(ev.duration).to.equal(steps);
          for (let i = 0; i < num; i++) {
            const own = Array.from(ev.times).filter((_, k) => ev.units[k] === i);
            expect(own).to.deep.equal(Array.from(detectSpikes(cols[i], { threshold: 0.5, refractory: 2 })));
          }
          for (let k = 1; k < ev.times.length; k++) expect(ev.times[k]).to.be.at.least(ev.times[k - 1]);
        }),
        { numRuns: 100 },
      );
    });

    it('rejects NaN values and bad options', () => {
      expect(() => detectSpikes([0, NaN, 1])).to.throw(InputDataError, /^detectSpikes: v\[1\] is NaN\. Replace it with a finite number\.$/);
      expect(() => detectSpikes([0, 1], { dt: -1 })).to.throw(InputDataError, /^detectSpikes: dt is -1/);
      expect(() => detectSpikes([0, 1], { refractory: -1 })).to.throw(InputDataError, /^detectSpikes: refractory is -1/);
      expect(() => detectSpikeEvents({ data: [0, Infinity], shape: [2, 1] })).to.throw(InputDataError, /step 1, unit 0 is Infinity/);
    });
  });

  describe('spike events, counts and rates', () => {
    it('reads events from a 0/1 recording, sorted by time then unit', () => {
      const ev = spikeEvents(spikes);
      expect(Array.from(ev.units)).to.deep.equal([2, 0, 2, 2, 0]);
      const expected = [0, 0.01, 0.01, 0.02, 0.03];
      ev.times.forEach((t, k) => expect(t).to.be.closeTo(expected[k], 1e-15));
      expect(ev.num).to.equal(3);
      expect(ev.duration).to.be.closeTo(0.04, 1e-15);
      expect(Array.from(spikeEvents([0, 1, 1]).times)).to.deep.equal([1, 2]);
    });

    it('counts spikes per unit from recordings, trains and events', () => {
      expect(Array.from(spikeCounts(spikes))).to.deep.equal([2, 0, 3]);
      expect(spikeCounts([0, 1, 0, 1, 1])).to.equal(3);
      expect(Array.from(spikeCounts(spikeEvents(spikes)))).to.deep.equal([2, 0, 3]);
      expect(Array.from(spikeCounts({ times: [0.1, 0.2], units: [1, 1] }, { num: 3 }))).to.deep.equal([0, 2, 0]);
      expect(() => spikeCounts({ times: [0.1], units: [0] })).to.throw(InputDataError, /^spikeCounts: the number of units is unknown\. Pass num/);
      expect(() => spikeCounts({ times: [0.1], units: [4] }, { num: 3 })).to.throw(InputDataError, /units\[0\] = 4 is not a unit in \[0, 3\)/);
    });

    it('turns counts into rates over the recording length', () => {
      const r = firingRates(spikes);
      expect(r[0]).to.be.closeTo(2 / 0.04, 1e-9);
      expect(r[2]).to.be.closeTo(3 / 0.04, 1e-9);
      expect(firingRates([0, 1, 0, 1], { dt: 0.5 })).to.equal(1);
      const ev = eventsFromTimes([[0.1, 0.5], [0.2]], { duration: 2 });
      expect(Array.from(firingRates(ev))).to.deep.equal([1, 0.5]);
      expect(() => firingRates({ times: [], units: [], num: 1 })).to.throw(InputDataError, /duration is unknown/);
    });

    it('recovers a Poisson rate: 25 Hz over 20 units × 10 s within 4 sd', () => {
      const dt = 1e-4;
      const steps = 100000;
      const m = population(steps, 20, (i) => poissonSpikeTrain({ dt, steps, rate: 25, seed: 100 + i }));
      const rates = firingRates({ data: m, shape: [steps, 20], dt });
      const mean = rates.reduce((a, b) => a + b, 0) / 20;
      // The pooled count is Poisson(5000): sd √5000 / 200 s.
      expect(mean).to.be.closeTo(25, (4 * Math.sqrt(5000)) / 200);
    });

    it('gathers per-unit spike times into sorted events', () => {
      const ev = eventsFromTimes([[0.3, 0.1], [0.2], []]);
      expect(Array.from(ev.times)).to.deep.equal([0.1, 0.2, 0.3]);
      expect(Array.from(ev.units)).to.deep.equal([0, 1, 0]);
      expect(ev.num).to.equal(3);
      expect(ev.duration).to.equal(0.3);
    });
  });

  describe('PSTH', () => {
    it('bins spikes and divides by units × bin width, including a shorter last bin', () => {
      // 10 steps of 0.1 s, 2 units; bins of 0.3 s → [0, .3), [.3, .6), [.6, .9), [.9, 1.0).
      const a = [1, 0, 0, 1, 1, 0, 0, 0, 0, 1];
      const b = [1, 1, 0, 0, 0, 0, 0, 0, 0, 1];
      const h = psth({ data: population([a, b]), shape: [10, 2], dt: 0.1 }, { bin: 0.3 });
      expect(Array.from(h.counts)).to.deep.equal([3, 2, 0, 2]);
      const widths = [0.3, 0.3, 0.3, 0.1];
      h.rates.forEach((r, k) => expect(r).to.be.closeTo(h.counts[k] / (2 * widths[k]), 1e-9));
      expect(h.edges[4]).to.be.closeTo(1, 1e-12);
      expect(h.centers[0]).to.be.closeTo(0.15, 1e-12);
      expect(h.num).to.equal(2);
    });

    it('places spikes on bin edges in the later bin despite rounding', () => {
      const h = psth({ times: [0.3, 0.6, 0.7], units: [0, 0, 0] }, { bin: 0.1, num: 1, duration: 1 });
      expect(Array.from(h.counts)).to.deep.equal([0, 0, 0, 1, 0, 0, 1, 1, 0, 0]);
    });

    it('needs a positive bin, and num and duration for bare events', () => {
      expect(() => psth(spikes, { bin: 0 })).to.throw(InputDataError, /^psth: bin is 0, not a positive finite number/);
      expect(() => psth({ times: [], units: [], num: 1 }, { bin: 1 })).to.throw(InputDataError, /^psth: the observation duration is unknown/);
    });
  });

  describe('intervals', () => {
    it('computes inter-spike intervals and their CV', () => {
      expect(Array.from(interSpikeIntervals([0.1, 0.3, 0.6]))).to.deep.equal([0.19999999999999998, 0.3]);
      const ev = spikeEvents(spikes);
      expect(Array.from(interSpikeIntervals(ev, 2)).map((x) => Math.round(x * 1000))).to.deep.equal([10, 10]);
      expect(interSpikeIntervals(ev, 1).length).to.equal(0);
      expect(coefficientOfVariation([2, 2, 2])).to.equal(0);
      expect(coefficientOfVariation([1, 3])).to.be.closeTo(0.5, 1e-15);
      expect(coefficientOfVariation([])).to.be.NaN;
      expect(() => interSpikeIntervals([0.3, 0.1])).to.throw(InputDataError, /^interSpikeIntervals: spike time 0\.1 follows 0\.3\. Sort the spike times first\.$/);
    });
  });

  describe('signal-to-noise ratio', () => {
    it('is +Infinity for identical signals', () => {
      expect(snr([1, 2, 3], [1, 2, 3])).to.equal(Infinity);
      expect(snr(new Float32Array([0, 0]), [0, 0])).to.equal(Infinity);
    });

    it('is 20 dB for a ±1 signal with ±0.1 error', () => {
      expect(snr([1, -1, 1, -1], [1.1, -0.9, 1.1, -0.9])).to.be.closeTo(20, 1e-9);
    });

    it('is 20·log10(A/B) for a sinusoid of amplitude A plus an orthogonal one of amplitude B', () => {
      const dt = 1e-4;
      const u = sinusoid({ dt, duration: 1, amplitude: 3, frequency: 7 });
      const e = sinusoid({ dt, duration: 1, amplitude: 0.2, frequency: 50, phase: 1 });
      const rec = u.map((x, i) => x + e[i]);
      expect(snr(u, rec)).to.be.closeTo(20 * Math.log10(3 / 0.2), 1e-6);
    });

    it('is scale invariant (property)', () => {
      fc.assert(
        fc.property(fc.integer(), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (seed, k) => {
          const r = rng(seed);
          const u = Array.from({ length: 32 }, () => r.normal());
          const v = u.map((x) => x + 0.1 * r.normal());
          expect(snr(u.map((x) => k * x), v.map((x) => k * x))).to.be.closeTo(snr(u, v), 1e-6);
        }),
        { numRuns: 100 },
      );
    });

    it('rejects signals of different lengths', () => {
      expect(() => snr([1, 2], [1])).to.throw(InputDataError, /^snr: signal has 2 samples but reconstruction has 1\. Compare signals of the same length/);
    });
  });

  describe('power spectrum', () => {
    it('puts a sinusoid’s power in its bin and satisfies Parseval', () => {
      const dt = 1e-3;
      const x = sinusoid({ dt, duration: 1, amplitude: 2, frequency: 40 });
      const { frequencies, power } = powerSpectrum(x, dt);
      expect(frequencies.length).to.equal(501);
      expect(frequencies[40]).to.be.closeTo(40, 1e-9);
      let sum = 0;
      for (const p of power) sum += p;
      // Σ power·df = mean square = A²/2.
      expect(sum * (1 / (x.length * dt))).to.be.closeTo(2, 1e-9);
      expect((power[40] * 1) / sum).to.be.closeTo(1, 1e-9);
    });
  });
});
