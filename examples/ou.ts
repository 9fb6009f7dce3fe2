/**
 * An Ornstein–Uhlenbeck process, dx/dt = −x/τ + σ·sqrt(2/τ)·xi, in 2,000
 * units started at 0: the variance across units grows as
 * σ²(1 − e^(−2t/τ)) and, once stationary, the autocorrelation falls as
 * e^(−lag/τ). Prints the largest gaps to theory and plots both against it
 * (out/ou.svg, two panels).
 *
 * Run: npm run build && node dist/examples/ou.js
 */
import { Model, Network, derivative, param, state, utils } from 'neural-ts';

/** The process, in ms. */
class OU extends Model {
  static timeScale = 1e3;
  @param(10) tau!: number;
  @param(1) sigma!: number;
  @state(0) @derivative('-x / tau + sigma * sqrt(2 / tau) * xi') x!: number;
}

/** Runs the example; returns the largest gaps between simulation and theory. */
export async function main(backend: 'auto' | 'js' | 'cpu' | 'cuda' = 'auto'): Promise<{ variance: number; correlation: number }> {
  const num = 2000;
  const tau = 10;
  const dtMs = 0.1;
  const rowMs = 1; // a row every 10 steps
  const nn = new Network({ seed: 7 });
  const ou = nn.add(OU, { name: 'OU', num, params: { tau } });
  ou.record('x', { rate: rowMs / dtMs, initial: true });
  await nn.compile({ backend });
  await nn.run(dtMs / 1e3, { steps: 1000 });
  const x = ou.recorder.get('x');
  const [rows] = x.shape;
  // Variance across units at each recorded time, against σ²(1 − e^(−2t/τ)).
  const times = x.times();
  const variance = new Float64Array(rows);
  const theory = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = 0; i < num; i++) s += x.at(r, i) ** 2;
    variance[r] = s / num;
    theory[r] = 1 - Math.exp((-2 * times[r] * 1e3) / tau);
  }
  // Autocorrelation after 5 τ, pooled over units and times, against e^(−lag/τ).
  const start = Math.round((5 * tau) / rowMs);
  const lags = 30;
  const correlation = new Float64Array(lags);
  const expected = new Float64Array(lags);
  for (let l = 0; l < lags; l++) {
    let s = 0;
    let n = 0;
    for (let r = start; r + l < rows; r++) for (let i = 0; i < num; i++) { s += x.at(r, i) * x.at(r + l, i); n++; }
    correlation[l] = s / n;
    expected[l] = Math.exp((-l * rowMs) / tau);
  }
  const gap = (a: Float64Array, b: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  const result = { variance: gap(variance, theory), correlation: gap(correlation.map((c) => c / correlation[0]), expected) };
  console.log(`ou: ${num} units, τ = ${tau} ms; largest gap to theory: variance ${result.variance.toFixed(3)}, autocorrelation ${result.correlation.toFixed(3)}`);
  await utils.plotTraces('out/ou.svg', [
    { traces: { simulated: variance, theory }, yLabel: 'variance over units' },
    { traces: { simulated: correlation.map((c) => c / correlation[0]), theory: expected }, yLabel: 'autocorrelation at lag' },
  ], { dt: rowMs / 1e3, title: 'Ornstein–Uhlenbeck process against theory' });
  console.log('ou: wrote out/ou.svg');
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
