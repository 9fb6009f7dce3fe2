/**
 * Operators between a source and a container input: Sum, Mean, BlockSum,
 * BlockMean, Repeat and Dot (and operators of operators) give, at every step,
 * what a hand computation from the source row gives (exactly for sums of
 * small integers, 1e-12 relative otherwise), on the interpreter and js.
 */
import { expect } from 'chai';
import {
  BlockMean, BlockSum, Dot, Mean, Model, Network, NetworkWiringError, Repeat, Sum, input, post, state,
  type BackendName, type Operator,
} from '../../lib/index.js';

class Copy extends Model {
  @input(0) src!: number;
  @state(0) @post('src') x!: number;
}

const STEPS = 5;
/** Row k of the 6 input streams. */
const row = (k: number) => [1, 2, 3, 4, 5, 6].map((j) => j * (k + 1) + (j % 2 ? 0.5 : -0.25));

const M = [[1, 0, -1, 2, 0, 0.5], [0, 3, 0, 0, -2, 1]];

const CASES: [string, (src: Parameters<typeof Sum>[0]) => Operator, (r: number[]) => number[]][] = [
  ['Sum', (s) => Sum(s), (r) => [r.reduce((a, b) => a + b, 0)]],
  ['Mean', (s) => Mean(s), (r) => [r.reduce((a, b) => a + b, 0) / r.length]],
  ['BlockSum(·, 2)', (s) => BlockSum(s, 2), (r) => [r[0] + r[1], r[2] + r[3], r[4] + r[5]]],
  ['BlockMean(·, 3)', (s) => BlockMean(s, 3), (r) => [(r[0] + r[1] + r[2]) / 3, (r[3] + r[4] + r[5]) / 3]],
  ['Repeat(·, 2)', (s) => Repeat(s, 2), (r) => r.flatMap((x) => [x, x])],
  ['Dot(M, ·) from number[][]', (s) => Dot(M, s), (r) => M.map((m) => m.reduce((a, w, j) => a + w * r[j], 0))],
  ['Dot(M, ·) from a row-major array', (s) => Dot(Float64Array.from(M.flat()), s, 2), (r) => M.map((m) => m.reduce((a, w, j) => a + w * r[j], 0))],
  ['Repeat(BlockSum(·, 3), 3)', (s) => Repeat(BlockSum(s, 3), 3), (r) => [0, 0, 0, 1, 1, 1].map((b) => r[3 * b] + r[3 * b + 1] + r[3 * b + 2])],
  ['Sum(Dot(M, ·))', (s) => Sum(Dot(M, s)), (r) => [M.flat().reduce((a, w, j) => a + w * r[j % 6], 0)]],
];

describe('network/operators', () => {
  for (const backend of ['interpreter', 'js'] as BackendName[]) {
    for (const [name, make, hand] of CASES) {
      it(`${backend}: ${name} of an input stream, every step (relative 1e-12)`, async () => {
        const nn = new Network();
        const inp = nn.input({ name: 'in', num: 6 });
        inp.set(Array.from({ length: STEPS }, (_, k) => row(k)));
        const op = make(inp);
        const out = nn.add(Copy, { name: 'out', num: op.num });
        out.connect({ src: op });
        out.record('x');
        await nn.compile({ backend });
        await nn.run(1e-3);
        const x = out.recorder.get('x');
        expect(x.shape).to.deep.equal([STEPS, op.num]);
        for (let k = 0; k < STEPS; k++) {
          const want = hand(row(k));
          for (let i = 0; i < want.length; i++) expect(x.at(k, i), `step ${k} value ${i}`).to.be.closeTo(want[i], 1e-12 * Math.max(1, Math.abs(want[i])));
        }
      });
    }

    it(`${backend}: an operator of a container variable reads it unit by unit; a 1-value operator broadcasts`, async () => {
      const nn = new Network();
      const src = nn.add(Copy, { name: 'src', num: 4 });
      const inp = nn.input({ name: 'in', num: 4 }).set(Array.from({ length: STEPS }, (_, k) => [k, 2 * k, 3 * k, 4 * k]));
      src.connect({ src: inp });
      const blocks = nn.add(Copy, { name: 'blocks', num: 2 });
      blocks.connect({ src: BlockMean(src.ref('x'), 2) });
      const all = nn.add(Copy, { name: 'all', num: 3 });
      all.connect({ src: [Sum(src.ref('x')), 1] });
      blocks.record('x');
      all.record('x');
      await nn.compile({ backend });
      await nn.run(1);
      for (let k = 0; k < STEPS; k++) {
        expect([blocks.recorder.get('x').at(k, 0), blocks.recorder.get('x').at(k, 1)]).to.deep.equal([1.5 * k, 3.5 * k]);
        for (let i = 0; i < 3; i++) expect(all.recorder.get('x').at(k, i)).to.equal(10 * k + 1);
      }
    });
  }

  describe('refusals name the operator, the source and the fix', () => {
    const nn = new Network();
    const c = nn.add(Copy, { name: 'C', num: 6 });
    it('BlockSum / BlockMean with a block that does not divide the size', () => {
      expect(() => BlockSum(c.ref('x'), 4)).to.throw(NetworkWiringError, /^BlockSum\(C\.x\): 6 values do not split into blocks of 4\. Use a block length that divides 6\./);
      expect(() => BlockMean(c.ref('x'), 0)).to.throw(NetworkWiringError, /BlockMean\(C\.x\): 0 is not a positive integer/);
    });
    it('Repeat with a count that is not a positive integer', () => {
      expect(() => Repeat(c.ref('x'), 1.5)).to.throw(NetworkWiringError, /Repeat\(C\.x\): 1\.5 is not a positive integer/);
    });
    it('Dot with rows of the wrong length, a flat matrix of the wrong size, or NaN weights', () => {
      expect(() => Dot([[1, 2]], c.ref('x'))).to.throw(NetworkWiringError, /^Dot\(C\.x\): given 1×2 \(2 values\), expected rows × 6\. Every row needs 6 entries, one column per value of C\.x\./);
      expect(() => Dot(new Float64Array(7), c.ref('x'), 1)).to.throw(NetworkWiringError, /given 7 values for 1 rows, expected 1 × 6 = 6/);
      expect(() => Dot([[1, 2, 3, 4, 5, Number.NaN]], c.ref('x'))).to.throw(NetworkWiringError, /^Dot\(C\.x\) row 0 column 5: the entry NaN is not a finite number\. Give finite weights\./);
    });
    it('a source that is not a variable, input or operator', () => {
      expect(() => Sum(5 as never)).to.throw(NetworkWiringError, /Sum: the source 5 is not a container variable/);
      expect(() => c.connect({ src: c as never })).to.throw(NetworkWiringError, /a container \(C\) was given, not one of its variables\. Connect a variable: C\.ref\('src'\)/);
    });
    it('an operator whose size does not match the container, naming both', () => {
      const d = nn.add(Copy, { name: 'D', num: 4 });
      expect(() => d.connect({ src: BlockSum(c.ref('x'), 2) })).to.throw(NetworkWiringError, /D\.connect\(src\): blocksum\(C\.x\) gives 3 values but D has 4 units/);
    });
  });
});
