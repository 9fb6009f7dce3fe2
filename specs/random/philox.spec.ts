import { expect } from 'chai';
import { InputDataError } from '../../lib/errors.js';
import { RANDOM, STREAMS, drawWords, normal, philox4x32, uniform } from '../../lib/random/philox.js';
import { rng } from '../../lib/utils/random.js';
import { throws } from '../support.js';
import { PHILOX_KAT } from './kat.js';

const TWO_POW_32 = 2 ** 32;
const MASK = (1n << 32n) - 1n;

/** Philox4x32-10 with BigInt products: the reference the fast form is checked against. */
function philoxBigInt(ctr: readonly number[], key: readonly number[]): number[] {
  let [c0, c1, c2, c3] = ctr.map(BigInt);
  let [k0, k1] = key.map(BigInt);
  for (let r = 0; r < 10; r++) {
    const p0 = 0xd2511f53n * c0;
    const p1 = 0xcd9e8d57n * c2;
    [c0, c1, c2, c3] = [(p1 >> 32n) ^ c1 ^ k0, p1 & MASK, (p0 >> 32n) ^ c3 ^ k1, p0 & MASK];
    k0 = (k0 + 0x9e3779b9n) & MASK;
    k1 = (k1 + 0xbb67ae85n) & MASK;
  }
  return [c0, c1, c2, c3].map(Number);
}

/** Mean and (population) variance. */
function moments(xs: Float64Array): { mean: number; variance: number } {
  let s = 0;
  for (const x of xs) s += x;
  const mean = s / xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return { mean, variance: ss / xs.length };
}

describe('random/philox', () => {
  describe('philox4x32', () => {
    it("gives Random123's known answers (tests/kat_vectors)", () => {
      for (const { ctr, key, expected } of PHILOX_KAT) {
        expect([...philox4x32(ctr, key)], `ctr ${ctr.map((w) => w.toString(16)).join(' ')}`).to.deep.equal(expected);
      }
    });

    it('agrees with a BigInt reference on 2000 random counters and keys (the high words of the products are exact)', () => {
      const r = rng(20110101);
      for (let t = 0; t < 2000; t++) {
        const ctr = [r.uint32(), r.uint32(), r.uint32(), r.uint32()];
        const key = [r.uint32(), r.uint32()];
        expect([...philox4x32(ctr, key)], `ctr [${ctr}] key [${key}]`).to.deep.equal(philoxBigInt(ctr, key));
      }
    });

    it('writes into the array it is given and returns it', () => {
      const out = new Uint32Array(4);
      expect(philox4x32([0, 0, 0, 0], [0, 0], out)).to.equal(out);
      expect(out[0]).to.equal(0x6627e8d5);
    });
  });

  describe('addresses', () => {
    it('lays the address out as key [seed, stream], counter [unit, step mod 2^32, step / 2^32, container << 16 | draw]', () => {
      const cases = [
        [42, STREAMS.run, 0, 0, 0, 0],
        [7, STREAMS.connect, 65535, TWO_POW_32 - 1, TWO_POW_32 + 5, 65535],
        [TWO_POW_32 - 1, TWO_POW_32 - 1, 3, 123456, Number.MAX_SAFE_INTEGER, 9],
      ];
      for (const [seed, stream, container, unit, step, draw] of cases) {
        const ctr = [unit, step % TWO_POW_32, Math.floor(step / TWO_POW_32), container * 65536 + draw];
        expect([...drawWords(seed, stream, container, unit, step, draw)]).to.deep.equal(philoxBigInt(ctr, [seed, stream]));
      }
    });

    it('gives different words for neighbouring addresses: each part changed by one, and steps 2^32 apart', () => {
      const base = [1, STREAMS.initial, 2, 3, 4, 5];
      const seen = new Map<string, string>();
      const add = (label: string, a: number[]) => {
        const key = [...drawWords(a[0], a[1], a[2], a[3], a[4], a[5])].join(',');
        expect(seen.get(key), `${label} repeats the words of ${seen.get(key)}`).to.be.undefined;
        seen.set(key, label);
      };
      add('base', base);
      ['seed', 'stream', 'container', 'unit', 'step', 'draw'].forEach((part, j) => {
        for (const delta of [-1, 1]) add(`${part} ${delta > 0 ? '+' : '−'} 1`, base.map((v, m) => (m === j ? v + delta : v)));
      });
      add('step + 2^32', base.map((v, m) => (m === 4 ? v + TWO_POW_32 : v)));
      expect(seen.size).to.equal(14);
    });

    it('draws uncorrelated uniforms for neighbouring units and steps (|r| < 5/√n, n = 1e4)', () => {
      const n = 1e4;
      const pairs = [
        (j: number) => [uniform(9, 0, 0, j, 0, 0), uniform(9, 0, 0, j + 1, 0, 0)],
        (j: number) => [uniform(9, 0, 0, 0, j, 0), uniform(9, 0, 0, 0, j + 1, 0)],
        (j: number) => [uniform(9, 0, 0, j, 0, 0), uniform(9, 0, 0, j, 0, 1)],
      ];
      for (const pair of pairs) {
        let sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
        for (let j = 0; j < n; j++) {
          const [x, y] = pair(j);
          sx += x; sy += y; sxy += x * y; sxx += x * x; syy += y * y;
        }
        const r = (sxy - (sx * sy) / n) / Math.sqrt((sxx - (sx * sx) / n) * (syy - (sy * sy) / n));
        expect(Math.abs(r)).to.be.below(5 / Math.sqrt(n));
      }
    });
  });

  describe('uniform', () => {
    it('is ((w0 >>> 5)·2^26 + (w1 >>> 6))·2^-53: a multiple of 2^-53 in [0, 1), all 53 bits used', () => {
      const r = rng(5);
      let odd = 0;
      const n = 1e4;
      for (let t = 0; t < n; t++) {
        const a = [r.uint32(), r.uint32(), r.integer(65536), r.uint32(), r.integer(2 ** 21) * TWO_POW_32 + r.uint32(), r.integer(65536)] as const;
        const u = uniform(...a);
        const w = drawWords(...a);
        const bits = (BigInt(w[0] >>> 5) << 26n) | BigInt(w[1] >>> 6);
        expect(u * 2 ** 53, `address [${a}]`).to.equal(Number(bits));
        expect(u).to.be.at.least(0).and.below(1);
        odd += Number(bits & 1n);
      }
      // The last of the 53 bits is set about half the time (binomial, 5 standard deviations).
      expect(Math.abs(odd - n / 2)).to.be.below(5 * Math.sqrt(n / 4));
    });

    it('has mean 1/2 and variance 1/12 over 1e5 units (within 5 standard errors: 0.0046 and 0.0012)', () => {
      const xs = Float64Array.from({ length: 1e5 }, (_, i) => uniform(42, STREAMS.run, 1, i, 1000, 0));
      const { mean, variance } = moments(xs);
      expect(mean).to.be.closeTo(1 / 2, 5 * Math.sqrt(1 / 12 / 1e5));
      expect(variance).to.be.closeTo(1 / 12, 5 * Math.sqrt((1 / 80 - 1 / 144) / 1e5));
    });
  });

  describe('normal', () => {
    it('is Box–Muller on the draw: √(−2 ln(1 − u1))·cos(2π u2), u1 from words 0–1, u2 from words 2–3', () => {
      for (let k = 0; k < 100; k++) {
        const w = drawWords(3, STREAMS.initial, 2, 17, k, 4);
        const u1 = ((w[0] >>> 5) * 2 ** 26 + (w[1] >>> 6)) / 2 ** 53;
        const u2 = ((w[2] >>> 5) * 2 ** 26 + (w[3] >>> 6)) / 2 ** 53;
        expect(normal(3, STREAMS.initial, 2, 17, k, 4)).to.equal(Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2));
      }
    });

    it('has mean 0 and variance 1 over 1e5 steps (within 5 standard errors: 0.016 and 0.022)', () => {
      const xs = Float64Array.from({ length: 1e5 }, (_, k) => normal(42, STREAMS.run, 1, 7, k, 3));
      const { mean, variance } = moments(xs);
      expect(mean).to.be.closeTo(0, 5 * Math.sqrt(1 / 1e5));
      expect(variance).to.be.closeTo(1, 5 * Math.sqrt(2 / 1e5));
      expect(xs.every(Number.isFinite)).to.be.true;
    });
  });

  describe('RANDOM (for generated JavaScript)', () => {
    it('gives what uniform and normal give, and is frozen', () => {
      const r = rng(11);
      for (let t = 0; t < 1000; t++) {
        const a = [r.uint32(), r.integer(3), r.integer(65536), r.uint32(), r.uint32() * 256 + r.integer(256), r.integer(65536)] as const;
        expect(RANDOM.u(...a)).to.equal(uniform(...a));
        expect(RANDOM.n(...a)).to.equal(normal(...a));
      }
      expect(Object.isFrozen(RANDOM)).to.be.true;
    });
  });

  describe('checks', () => {
    const good = [1, STREAMS.run, 0, 0, 0, 0];
    const bad: [number, number, string, RegExp][] = [
      [0, -1, 'seed -1 is not an integer in [0, 2^32 − 1].', /4294967295/],
      [0, 1.5, 'seed 1.5 is not an integer in [0, 2^32 − 1].', /4294967295/],
      [1, TWO_POW_32, `stream ${TWO_POW_32} is not an integer in [0, 2^32 − 1].`, /STREAMS \(run: 0, initial: 1, connect: 2\)/],
      [2, 65536, 'container 65536 is not an integer in [0, 65535].', /at most 65536/],
      [3, NaN, 'unit NaN is not an integer in [0, 2^32 − 1].', /at most 2\^32/],
      [4, 2 ** 53, `step ${2 ** 53} is not an integer in [0, 2^53 − 1].`, /2\^53 − 1/],
      [4, -1, 'step -1 is not an integer in [0, 2^53 − 1].', /from 0/],
      [5, 65536, 'draw 65536 is not an integer in [0, 65535].', /at most 65536/],
    ];
    for (const [f, name] of [[drawWords, 'drawWords'], [uniform, 'uniform'], [normal, 'normal']] as const) {
      it(`${name} names the part of the address out of range and its range`, () => {
        for (const [j, value, what, fix] of bad) {
          const a = good.map((v, m) => (m === j ? value : v)) as [number, number, number, number, number, number];
          throws(() => f(...a), InputDataError, { where: name, message: `${name}: ${what}`, fix }, what);
        }
        const wrongType = ['1', 0, 0, 0, 0, 0] as unknown as [number, number, number, number, number, number];
        throws(() => f(...wrongType), InputDataError, { where: name, message: "seed '1' (a string) is not an integer" });
      });
    }

    it('accepts the ends of every range', () => {
      expect(() => drawWords(TWO_POW_32 - 1, TWO_POW_32 - 1, 65535, TWO_POW_32 - 1, Number.MAX_SAFE_INTEGER, 65535)).to.not.throw();
      expect(() => uniform(0, 0, 0, 0, 0, 0)).to.not.throw();
    });
  });
});
