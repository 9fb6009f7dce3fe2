import { expect } from 'chai';
import { dft } from '../../lib/utils/fourier.js';
import { rng } from '../../lib/utils/random.js';

/** The O(n²) definition, X_k = Σ x_n e^{−2πikn/N}. */
function naive(re: Float64Array, im: Float64Array, inverse: boolean): [Float64Array, Float64Array] {
  const n = re.length;
  const s = inverse ? 1 : -1;
  const R = new Float64Array(n);
  const I = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const a = (s * 2 * Math.PI * ((k * j) % n)) / n;
      R[k] += re[j] * Math.cos(a) - im[j] * Math.sin(a);
      I[k] += re[j] * Math.sin(a) + im[j] * Math.cos(a);
    }
  }
  return [R, I];
}

describe('utils/fourier', () => {
  const r = rng(1);
  const lengths = [...Array.from({ length: 33 }, (_, i) => i + 1), 64, 100, 127, 1000, 1024];
  for (const inverse of [false, true]) {
    it(`matches the O(n²) definition for lengths 1…33, 64, 100, 127, 1000, 1024 (${inverse ? 'inverse' : 'forward'}, tolerance 1e-10·n)`, () => {
      for (const n of lengths) {
        const re = Float64Array.from({ length: n }, () => r.normal());
        const im = Float64Array.from({ length: n }, () => r.normal());
        const [R, I] = naive(re, im, inverse);
        dft(re, im, inverse);
        for (let k = 0; k < n; k++) {
          expect(re[k]).to.be.closeTo(R[k], 1e-10 * n);
          expect(im[k]).to.be.closeTo(I[k], 1e-10 * n);
        }
      }
    });
  }

  it('inverts: inverse(forward(x)) / n = x for n = 12345', () => {
    const n = 12345;
    const x = Float64Array.from({ length: n }, () => r.normal());
    const re = Float64Array.from(x);
    const im = new Float64Array(n);
    dft(re, im);
    dft(re, im, true);
    for (let i = 0; i < n; i++) {
      expect(re[i] / n).to.be.closeTo(x[i], 1e-9);
      expect(im[i] / n).to.be.closeTo(0, 1e-9);
    }
  });
});
