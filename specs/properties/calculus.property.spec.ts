/**
 * Property: for random expression trees over + − · / ^ exp log sin tanh (built
 * so that every operation stays in its domain on x ∈ [−2, 2]), the symbolic
 * derivative (lib/symbolic/calculus.ts `differentiate`, and after `simplify`)
 * agrees with a Richardson-extrapolated central difference, to 1e-6 relative
 * to max(1, |f'|). Also: `fold` never changes the value of an IR expression
 * (interpreter before and after; equal, or both NaN).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { parse } from 'mathjs';
import { evaluate as evaluateIR } from '../../lib/backends/interpreter/index.js';
import { fold, num, op, printExpr, ref } from '../../lib/ir/build.js';
import type { ExprIR, OpName } from '../../lib/ir/types.js';
import { differentiate, simplify } from '../../lib/symbolic/calculus.js';

/** Expression text in x whose every operation is defined for real x (mathjs syntax). */
function expression(depth: number): fc.Arbitrary<string> {
  const leaf = fc.oneof(
    fc.constant('x'),
    fc.double({ min: 0.25, max: 3, noNaN: true }).map((c) => c.toFixed(3)),
  );
  if (depth === 0) return leaf;
  const sub = expression(depth - 1);
  const unary = fc.tuple(fc.constantFrom<((a: string) => string)[]>(
    (a) => `sin(${a})`,
    (a) => `tanh(${a})`,
    (a) => `exp(tanh(${a}))`,
    (a) => `log(1 + (${a})^2)`,
    (a) => `-(${a})`,
  ), sub).map(([f, a]) => f(a));
  const binary = fc.tuple(fc.constantFrom<((a: string, b: string) => string)[]>(
    (a, b) => `(${a}) + (${b})`,
    (a, b) => `(${a}) - (${b})`,
    (a, b) => `(${a}) * (${b})`,
    (a, b) => `(${a}) / (1 + (${b})^2)`,
    (a, b) => `(1 + (${a})^2) ^ tanh(${b})`,
    (a, b) => `(${a}) ^ 2 - (${b}) ^ 3`,
  ), sub, sub).map(([f, a, b]) => f(a, b));
  return fc.oneof({ weight: 1, arbitrary: leaf }, { weight: 2, arbitrary: unary }, { weight: 3, arbitrary: binary });
}

/** Richardson extrapolation of central differences, h = 1e-4: error O(h⁴) plus roundoff ~1e-12·|f|. */
function numericDerivative(f: (x: number) => number, x: number): number {
  const h = 1e-4;
  const D = (s: number) => (f(x + s) - f(x - s)) / (2 * s);
  return (4 * D(h / 2) - D(h)) / 3;
}

const real = (v: unknown): number => {
  if (typeof v !== 'number') throw new Error(`not a real number: ${String(v)}`);
  return v;
};

describe('properties/calculus', () => {
  it('differentiate agrees with finite differences on random trees (depth ≤ 4, relative 1e-6)', () => {
    fc.assert(
      fc.property(expression(4), fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 3, maxLength: 3 }), (text, xs) => {
        const node = parse(text);
        const d = differentiate(node, 'x');
        const f = node.compile();
        const df = d.compile();
        for (const x of xs) {
          const want = numericDerivative((t) => real(f.evaluate({ x: t })), x);
          const got = real(df.evaluate({ x }));
          if (!(Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(got)))) {
            throw new Error(`d/dx ${text} at x = ${x}: symbolic ${got}, numeric ${want} (${d.toString()})`);
          }
        }
      }),
      { numRuns: 150, seed: 20240501 },
    );
  });

  it('simplify keeps the value of the derivative (depth ≤ 3, relative 1e-9)', () => {
    fc.assert(
      fc.property(expression(3), fc.double({ min: -2, max: 2, noNaN: true }), (text, x) => {
        const d = differentiate(parse(text), 'x');
        const a = real(d.evaluate({ x }));
        const b = real(simplify(d).evaluate({ x }));
        expect(Math.abs(a - b), `${text} at ${x}`).to.be.at.most(1e-9 * Math.max(1, Math.abs(a)));
      }),
      { numRuns: 25, seed: 7 },
    );
  });

  it('a symbol the expression does not contain differentiates to 0', () => {
    fc.assert(
      fc.property(expression(3), (text) => {
        expect(differentiate(parse(text), 'y').toString()).to.equal('0');
      }),
      { numRuns: 50, seed: 3 },
    );
  });

  describe('fold', () => {
    const BINARY: OpName[] = ['add', 'sub', 'mul', 'div', 'pow', 'lt', 'le', 'gt', 'ge', 'eq', 'ne', 'min', 'max', 'and', 'or'];
    const UNARY: OpName[] = ['neg', 'exp', 'log', 'sqrt', 'abs', 'not', 'sin', 'floor'];
    const leaf: fc.Arbitrary<ExprIR> = fc.oneof(
      fc.constantFrom(0, 1, -1, 2, 0.5, -0, Number.NaN, Number.POSITIVE_INFINITY).map(num),
      fc.constantFrom('x', 'y').map(ref),
    );
    const tree = (depth: number): fc.Arbitrary<ExprIR> => {
      if (depth === 0) return leaf;
      const sub = tree(depth - 1);
      return fc.oneof(
        leaf,
        fc.tuple(fc.constantFrom(...UNARY), sub).map(([o, a]) => op(o, a)),
        fc.tuple(fc.constantFrom(...BINARY), sub, sub).map(([o, a, b]) => op(o, a, b)),
        fc.tuple(sub, sub, sub).map(([c, a, b]) => op('select', c, a, b)),
      );
    };

    it('never changes the value of an expression (interpreter; equal or both NaN)', () => {
      fc.assert(
        fc.property(tree(4), fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(0, 1, -2.5), (e, x, y) => {
          const env = new Map([['x', x], ['y', y]]);
          const before = evaluateIR(e, env);
          const after = evaluateIR(fold(e), env);
          if (!(before === after || (Number.isNaN(before) && Number.isNaN(after)))) {
            throw new Error(`${printExpr(e)} → ${printExpr(fold(e))}: ${before} vs ${after} at x = ${x}, y = ${y}`);
          }
        }),
        { numRuns: 500, seed: 11 },
      );
    });
  });
});
