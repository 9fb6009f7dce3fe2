/**
 * Noise and random draws: `xi` integrated by Euler–Maruyama (an
 * Ornstein–Uhlenbeck process against theory; the strong order against a
 * fine solution on the same Brownian path), `rand()` in spike conditions
 * (Poisson sources), random initial values, and reproducibility: the same
 * seed gives the same spike trains on interpreter, js and cpu, however the
 * run is cut.
 */
import { expect } from 'chai';
import { InputDataError, Model, Network, derivative, models, param, spike, state, type BackendName } from '../../lib/index.js';
import { normal, STREAMS, uniform } from '../../lib/random/philox.js';
import { needsBackend, throws } from '../support.js';

class OU extends Model {
  static timeScale = 1e3;
  @param(10) tau!: number;
  @param(1) sigma!: number;
  @state(0) @derivative('-x / tau + sigma * sqrt(2 / tau) * xi') x!: number;
}

/** A noisy LIF population above threshold on average (mV, ms). */
const NOISY = { El: -52, tau: 10, sigma: 3, tref: 2 };

class Poisson extends Model {
  @param(50) rate!: number;
  @spike({ threshold: 'rand() < rate * dt' }) spike!: number;
}

describe('spiking/noise: xi by Euler–Maruyama', () => {
  it('an Ornstein–Uhlenbeck process has the mean, variance and autocorrelation of theory', async () => {
    const N = 2000;
    const DT = 1e-4;
    const nn = new Network({ seed: 11 });
    const c = nn.add(OU, { num: N });
    c.record('x', { rate: 10 });
    await nn.compile({ backend: 'js' });
    await nn.run(DT, { steps: 3000 });
    const rec = c.recorder.get('x');
    const [rows] = rec.shape;
    // Euler–Maruyama's own stationary variance: σ² / (1 − dt / (2τ)) (dt = 0.1 ms, τ = 10 ms).
    const variance = 1 / (1 - 0.1 / 20);
    // After 100 ms (10 τ) the process is stationary: pool rows 100 to the end.
    let sum = 0;
    let sq = 0;
    let count = 0;
    for (let r = 100; r < rows; r++) for (let i = 0; i < N; i++) { const x = rec.at(r, i); sum += x; sq += x * x; count++; }
    const mean = sum / count;
    // Rows 1 ms apart are correlated (ρ ≈ 0.9): about τ/1 ms ≈ 10 rows per independent sample; bounds at 5 standard errors.
    const independent = (count / 10);
    expect(Math.abs(mean)).to.be.below(5 * Math.sqrt(variance / independent));
    expect(sq / count - mean * mean).to.be.closeTo(variance, 5 * variance * Math.sqrt(2 / independent));
    // Autocorrelation at lags of 5 and 10 ms: (1 − dt/τ)^(lag/dt).
    for (const lagRows of [50, 100]) {
      let s = 0;
      let n = 0;
      for (let r = 100; r + lagRows < rows; r++) for (let i = 0; i < N; i++) { s += rec.at(r, i) * rec.at(r + lagRows, i); n++; }
      const theory = (1 - 0.1 / 10) ** (lagRows * 10);
      expect(s / n / variance, `lag ${lagRows} rows`).to.be.closeTo(theory, 0.03);
    }
  });

  it('the strong order on an OU path is that of Euler–Maruyama with additive noise (1), against a fine solution on the same Brownian path', async () => {
    // The library's increment over step k of unit i is sqrt(dt)·N(seed, i, k);
    // a Brownian bridge fills in 32 sub-steps with the same sum, and a fine
    // Euler–Maruyama on them is the reference (its own error is 32 times smaller).
    const N = 600;
    const T = 20;
    const tau = 10;
    const g = Math.sqrt(2 / tau);
    const seed = 5;
    const error = async (dtMs: number) => {
      const steps = Math.round(T / dtMs);
      const nn = new Network({ seed });
      const c = nn.add(OU, { num: N, states: { x: 1 } });
      await nn.compile({ backend: 'js' });
      await nn.run(dtMs / 1e3, { steps });
      const x = c.get('x');
      const bridge = uniformBridge(seed + 1000);
      let total = 0;
      const M = 32;
      const h = dtMs / M;
      for (let i = 0; i < N; i++) {
        let y = 1;
        for (let k = 0; k < steps; k++) {
          const dW = Math.sqrt(dtMs) * normal(seed, STREAMS.run, 0, i, k, 0);
          const z = bridge(i, k, M, h);
          const shift = (z.reduce((a, b) => a + b, 0) - dW) / M;
          for (let j = 0; j < M; j++) y += -y / tau * h + g * (z[j] - shift);
        }
        total += Math.abs(x[i] - y);
      }
      return total / N;
    };
    // The slope of log error against log dt, by least squares over four halvings.
    const dts = [0.8, 0.4, 0.2, 0.1];
    const points: [number, number][] = [];
    for (const dt of dts) points.push([Math.log(dt), Math.log(await error(dt))]);
    const mx = points.reduce((s, p) => s + p[0], 0) / points.length;
    const my = points.reduce((s, p) => s + p[1], 0) / points.length;
    const order = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
    expect(order).to.be.within(0.85, 1.15);
  });

  it("a rule that cannot integrate noise is refused; 'auto' picks Euler–Maruyama", async () => {
    const nn = new Network();
    nn.add(OU);
    await nn.compile({ backend: 'js', solver: 'auto' });
    expect(nn.plan().containers[0].ir.solvers.x).to.equal('euler');
  });
});

/** Independent N(0, h) sub-increments for the bridge (a plain generator of the spec's own). */
function uniformBridge(seed: number) {
  return (i: number, k: number, M: number, h: number): Float64Array => {
    const z = new Float64Array(M);
    for (let j = 0; j < M; j++) z[j] = Math.sqrt(h) * normal(seed, 3, 0, i, k, j);
    return z;
  };
}

async function noisyRun(backend: BackendName, seed: number, pieces: number[], blockSteps?: number) {
  const nn = new Network({ seed });
  const c = nn.add(models.NoisyLIF, { num: 60, params: NOISY });
  c.record('spike');
  await nn.compile({ backend });
  for (const steps of pieces) await nn.run(1e-4, { steps, ...(blockSteps ? { blockSteps } : {}) });
  const s = c.recorder.spikes();
  return { units: Array.from(s.units), steps: Array.from(s.steps), v: c.get('v') };
}

describe('spiking/noise: the same seed, the same numbers', () => {
  it('interpreter, js and cpu give the same spike trains in float64, however the run is cut', async function () {
    const want = await noisyRun('interpreter', 42, [3000]);
    expect(want.units.length).to.be.above(100);
    for (const [backend, pieces, block] of [['js', [3000], undefined], ['js', [1000, 7, 1993], 64], ['cpu', [3000], undefined], ['cpu', [1500, 1500], 33]] as const) {
      if (backend === 'cpu') needsBackend(this, 'cpu');
      const got = await noisyRun(backend, 42, [...pieces], block);
      expect(got.units, `${backend} ${pieces.join('+')}`).to.deep.equal(want.units);
      expect(got.steps, `${backend} ${pieces.join('+')}`).to.deep.equal(want.steps);
      // Normals come from each target's log and cos: the last bits may differ.
      got.v.forEach((x, i) => expect(x).to.be.closeTo(want.v[i], 1e-9));
    }
  });

  it('another seed gives other spike trains; the network seed can be set after construction', async () => {
    const a = await noisyRun('js', 1, [2000]);
    const b = await noisyRun('js', 2, [2000]);
    expect(a.steps).to.not.deep.equal(b.steps);
    const nn = new Network({ seed: 99 });
    nn.seed = 1;
    const c = nn.add(models.NoisyLIF, { num: 60, params: NOISY });
    c.record('spike');
    await nn.compile({ backend: 'js' });
    await nn.run(1e-4, { steps: 2000 });
    expect(Array.from(c.recorder.spikes().steps)).to.deep.equal(a.steps);
  });

  it('Poisson spikes from rand() in a threshold have the rate asked for', async () => {
    const nn = new Network({ seed: 8 });
    const p = nn.add(Poisson, { num: 200, params: { rate: 50 } });
    p.record('spike');
    await nn.compile({ backend: 'js' });
    await nn.run(1e-4, { steps: 10000 });
    const s = p.recorder.spikes();
    // 200 units × 1 s × 50 Hz (per step p = 0.005): 10,000 ± 5·√(10,000·0.995).
    expect(s.count).to.be.closeTo(10000, 5 * Math.sqrt(10000 * 0.995));
    const rates = s.rates();
    expect(rates.reduce((a, b) => a + b, 0) / 200).to.be.closeTo(50, 2.5);
    // Each unit's first draws are the generator's: the first spike of unit 0 is the first step with u < 0.005.
    let k = 0;
    while (!(uniform(8, STREAMS.run, 0, 0, k, 0) < 50 * 1e-4)) k++;
    expect(s.steps[Array.from(s.units).indexOf(0)]).to.equal(k);
  });
});

describe('spiking/noise: random initial values and parameters', () => {
  it("expressions draw per unit from the network's seed (stream 'initial'), reading other variables", () => {
    const nn = new Network({ seed: 4 });
    const c = nn.add(models.NoisyLIF, { num: 1000, states: { v: 'vr + rand() * (vt - vr)' }, params: { tau: '10 + 2 * randn()' } });
    const v = c.get('v');
    expect(Math.min(...v)).to.be.at.least(-60);
    expect(Math.max(...v)).to.be.below(-50);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean).to.be.closeTo(-55, 5 * 10 / Math.sqrt(12 * 1000));
    // Unit 7's value is the generator's: container 0, unit 7, the variable's index, draw 0.
    const k = c.variables.indexOf('v');
    expect(v[7]).to.equal(-60 + uniform(4, STREAMS.initial, 0, 7, k, 0) * 10);
    const tau = c.get('tau');
    expect(tau[3]).to.equal(10 + 2 * normal(4, STREAMS.initial, 0, 3, c.variables.indexOf('tau'), 0));
    // The same seed gives the same values; set() takes expressions too.
    const again = new Network({ seed: 4 }).add(models.NoisyLIF, { num: 1000, states: { v: 'vr + rand() * (vt - vr)' } });
    expect(Array.from(again.get('v'))).to.deep.equal(Array.from(v));
    again.set('El', 'vr + 1');
    expect(again.get('El')[0]).to.equal(-59);
  });

  it('an expression with an unknown name, or one that is not finite, is refused', () => {
    const nn = new Network();
    const c = nn.add(models.NoisyLIF, { num: 3 });
    throws(() => c.set('v', 'vrest + 1'), InputDataError, { where: 'NoisyLIF0.v', message: /unknown symbol 'vrest'/ });
    throws(() => c.set('v', 'log(rand() - 2)'), InputDataError, { where: 'NoisyLIF0.v[0]', message: /gives NaN/ });
  });
});
