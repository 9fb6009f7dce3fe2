/**
 * The calculus pass alone (lib/symbolic/calculus.ts): ternaries are taken
 * apart and differentiated branch by branch with the condition kept; min and
 * max become ternaries; abs, floor and ceil are handled; and through
 * `inspect`, the linearity test refuses a state used in a condition or a step
 * function. Printed forms are compared exactly; values at sample points to
 * 1e-12 (relative).
 */
import { expect } from 'chai';
import { parse, type MathNode } from 'mathjs';
import { Model, derivative, inspect, input, intermediate, param, solve, state } from '../../lib/index.js';
import { differentiate, liftConditionals, simplify, substitute, tidy } from '../../lib/symbolic/calculus.js';
import { close, value } from './support.js';

const d = (text: string, x = 'x') => differentiate(parse(text), x);
const str = (n: MathNode) => n.toString();

describe('symbolic/calculus', () => {
  describe('ternaries', () => {
    it('differentiate branch by branch and keep the condition', () => {
      expect(str(simplify(d('x > 0 ? x^2 : -x')))).to.equal('(x > 0) ? (2 * x) : (-1)');
      const n = d('x > 0 ? x^2 : -x');
      expect(value(n, { x: 3 })).to.equal(6);
      expect(value(n, { x: -3 })).to.equal(-1);
    });

    it('a ternary inside arithmetic is lifted above it first', () => {
      expect(str(d('3 * (x > 0 ? x : 2 * x)'))).to.equal('(x > 0) ? 3 : 6');
      expect(str(liftConditionals(parse('exp(a > 0 ? x : y)')))).to.equal('(a > 0) ? exp(x) : exp(y)');
      expect(str(liftConditionals(parse('1 + (a > 0 ? x : y) * (b > 0 ? 2 : 3)'))))
        .to.equal('(a > 0) ? ((b > 0) ? (1 + x * 2) : (1 + x * 3)) : ((b > 0) ? (1 + y * 2) : (1 + y * 3))');
    });

    it('two ternaries in a product give the product rule in each of the four cases', () => {
      const n = d('(x < 1 ? x : 1) * (y > 2 ? x^2 : 0)');
      const exact = (x: number, y: number) => (x < 1 ? (y > 2 ? 3 * x * x : 0) : y > 2 ? 2 * x : 0);
      for (const [x, y] of [[0.5, 3], [0.5, 1], [2, 3], [2, 1]]) expect(close(value(n, { x, y }), exact(x, y), 1e-12), `${x}, ${y}`).to.equal(true);
    });

    it('with respect to a symbol that only the other branch uses', () => {
      expect(str(tidy(d('a > 0 ? x^2 * y : sin(x)', 'y')))).to.equal('(a > 0) ? (x ^ 2) : 0');
    });

    it('a condition that mentions x does not get differentiated (it is piecewise constant)', () => {
      expect(str(d('x > 0 and x < 1 ? x : 0'))).to.equal('(x > 0 and x < 1) ? 1 : 0');
    });

    it('simplify collapses a ternary whose branches agree, and simplifies each branch', () => {
      expect(str(simplify(parse('x > 0 ? 2*x + x : 3*x')))).to.equal('3 * x');
      expect(str(simplify(parse('y > 0 ? x + x : 0')))).to.equal('(y > 0) ? (2 * x) : 0');
    });
  });

  describe('min, max, abs, floor, ceil', () => {
    it('min and max become ternaries on <= and >=', () => {
      expect(str(simplify(d('min(x^2, 1)')))).to.equal('(x ^ 2 <= 1) ? (2 * x) : 0');
      expect(str(d('max(x, y)'))).to.equal('(x >= y) ? 1 : 0');
      expect(str(d('max(x, y)', 'y'))).to.equal('(x >= y) ? 0 : 1');
      expect(str(d('min(x, y) * y', 'x'))).to.equal('(x <= y) ? y : 0');
    });

    it('abs: d|x − 2|/dx = sign(x − 2) away from 2', () => {
      const n = d('abs(x - 2)');
      expect(value(n, { x: 5 })).to.equal(1);
      expect(value(n, { x: -5 })).to.equal(-1);
      const cube = d('abs(x)^3');
      for (const x of [-1.5, 0.7, 2]) expect(close(value(cube, { x }), 3 * x * Math.abs(x), 1e-12), String(x)).to.equal(true);
    });

    it('floor and ceil count as locally constant', () => {
      expect(str(d('floor(x)'))).to.equal('0');
      expect(str(d('floor(x) * x'))).to.equal('floor(x)');
      expect(str(simplify(d('floor(x) + ceil(2 * x) + x^2')))).to.equal('2 * x');
    });

    it('a comparison used as a number is a step: d(x·(x > 0))/dx = (x > 0)', () => {
      const n = d('x * (x > 0)');
      expect(value(n, { x: 2 })).to.equal(1);
      expect(value(n, { x: -2 })).to.equal(0);
    });

    it('functions mathjs rewrites (tan → sec², tanh → sech²) keep their values', () => {
      for (const x of [-0.7, 0.3, 1.1]) {
        expect(close(value(d('tan(x)'), { x }), 1 / Math.cos(x) ** 2, 1e-12)).to.equal(true);
        expect(close(value(d('tanh(x)'), { x }), 1 / Math.cosh(x) ** 2, 1e-12)).to.equal(true);
        expect(close(value(d('sqrt(x + 2)'), { x }), 0.5 / Math.sqrt(x + 2), 1e-12)).to.equal(true);
      }
    });

    it('cbrt at a positive argument', () => {
      expect(close(value(d('cbrt(x)'), { x: 8 }), 1 / 12, 1e-12)).to.equal(true);
    });

    it('cbrt at a negative argument: d cbrt(x)/dx at −8 is 1/12', () => {
      expect(value(d('cbrt(x)'), { x: -8 })).to.be.closeTo(1 / 12, 1e-12);
      class Cube extends Model {
        @state(-8) @derivative('cbrt(y)') x!: number;
        @state(-8) @derivative('-y') y!: number;
      }
      expect(value(inspect(Cube).jacobian().x.y, { x: 1, y: -8 })).to.be.closeTo(1 / 12, 1e-12);
    });

    it('a symbol that does not occur differentiates to 0', () => {
      expect(str(d('y * exp(z)'))).to.equal('0');
    });
  });

  describe('passes are pure', () => {
    it('differentiate, simplify, liftConditionals and substitute leave the input tree unchanged', () => {
      const text = '(a > 0 ? x^2 : min(x, 3)) * exp(k)';
      const node = parse(text);
      const before = JSON.stringify(node);
      differentiate(node, 'x');
      simplify(node);
      liftConditionals(node);
      substitute(node, new Map([['k', parse('x + 1')]]));
      expect(JSON.stringify(node)).to.equal(before);
    });

    it('substitute replaces symbols by trees, parenthesised, and leaves function names alone', () => {
      const n = substitute(parse('exp(k) * k'), new Map([['k', parse('x + 1')], ['exp', parse('boom')]]));
      expect(str(n)).to.equal('exp((x + 1)) * (x + 1)');
    });
  });

  describe('linearity decided through inspect', () => {
    it('a state in a condition is not linear, even when each branch is', () => {
      class InCondition extends Model {
        @state(0) @derivative('x > 1 ? -x : -2 * x') x!: number;
      }
      expect(inspect(InCondition).linear('x')).to.equal(null);
      expect(inspect(InCondition).solver('x')).to.equal('euler');
    });

    it('a condition on another variable keeps linearity, with B branch by branch', () => {
      class OtherCondition extends Model {
        @input(0) i!: number;
        @state(0) @derivative('i > 0 ? 1 - 3 * x : -x') x!: number;
      }
      const s = inspect(OtherCondition);
      expect(s.solver('x')).to.equal('exponential-euler');
      const { A, B } = s.linear('x')!;
      expect(value(B, { i: 1 })).to.equal(-3);
      expect(value(B, { i: -1 })).to.equal(-1);
      expect(value(A, { i: 1 })).to.equal(1);
      expect(value(A, { i: -1 })).to.equal(0);
    });

    it('floor, ceil, min, max or abs of the state make it non-linear', () => {
      for (const eq of ['-floor(x)', '-x + ceil(x)', 'min(x, 1)', 'max(-x, 0)', '-abs(x)']) {
        class Steps extends Model {
          @state(0) @derivative(eq) x!: number;
        }
        expect(inspect(Steps).linear('x'), eq).to.equal(null);
      }
    });

    it('step functions of other variables keep linearity', () => {
      class Other extends Model {
        @param(2.5) p!: number;
        @state(0) @derivative('floor(p) - min(p, 1) * x + abs(p) * 0') x!: number;
      }
      const { A, B } = inspect(Other).linear('x')!;
      expect(value(A, { p: 2.5 })).to.equal(2);
      expect(value(B, { p: 2.5 })).to.equal(-1);
    });

    it('an intermediate that hides the state is seen through', () => {
      class Hidden extends Model {
        @param(2) k!: number;
        @intermediate('k * x') kx!: number;
        @intermediate('kx * x') kxx!: number;
        @state(1) @derivative('-kx') x!: number;
        @state(1) @derivative('-kxx') y!: number;
        @state(1) @derivative('-kxx * z') z!: number;
      }
      const s = inspect(Hidden);
      expect(s.solver('x')).to.equal('exponential-euler');
      expect(value(s.linear('x')!.B, { k: 2 })).to.equal(-2);
      expect(s.solver('y')).to.equal('euler');
      expect(str(s.linear('y')!.B)).to.equal('0');
      expect(s.solver('z')).to.equal('exponential-euler');
      expect(close(value(s.linear('z')!.B, { k: 2, x: 3 }), -18, 1e-12)).to.equal(true);
    });

    it('constant comparisons are not folded with a tolerance: 1e-20 > 0 stays true', async () => {
      class Tiny extends Model {
        @state(1) @derivative('-x * (1e-20 > 0)') x!: number;
      }
      const s = inspect(Tiny);
      // mathjs' own evaluate compares with a tolerance, so read the trees as text.
      expect(s.derivative('x').toString()).to.contain('1e-20 > 0');
      expect(s.linear('x')!.B.toString()).to.contain('1e-20 > 0');
      expect(s.solver('x')).to.equal('exponential-euler');
      // One exponential-Euler step of x' = -x from 1 with dt = 0.5 gives e^{-0.5}.
      const { x } = await solve(Tiny, { dt: 0.5, steps: 1, backend: 'js' });
      expect(x.at(0, 0)).to.be.closeTo(Math.exp(-0.5), 1e-15);
    });

    it('x · x is not linear', () => {
      class Square extends Model {
        @state(1) @derivative('-x * x') x!: number;
      }
      expect(inspect(Square).linear('x')).to.equal(null);
    });
  });
});
