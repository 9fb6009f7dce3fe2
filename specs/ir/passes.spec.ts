/**
 * The IR passes alone (lib/ir/build.ts): mathjs trees to IR, constant
 * folding, common-subexpression elimination and the printed form. Values are
 * compared with the interpreter's `evaluate` (exactly, or to 1e-15 relative
 * where the pass reorders nothing).
 */
import { expect } from 'chai';
import { parse } from 'mathjs';
import { ExpressionError } from '../../lib/index.js';
import { evaluate } from '../../lib/backends/interpreter/index.js';
import { cse, fold, num, op, printBlock, printExpr, ref, refsOf, substituteIR, toIR } from '../../lib/ir/build.js';
import type { ExprIR, StmtIR } from '../../lib/ir/types.js';
import { optimise } from '../../lib/ir/optimise.js';

const env = (o: Record<string, number>) => new Map(Object.entries(o));
const ir = (text: string) => toIR(parse(text), 'spec');

describe('ir/passes', () => {
  describe('toIR', () => {
    it('maps operators, comparisons, logic, ternaries and constants', () => {
      expect(printExpr(ir('x > 1 and not (y < 2) ? -x^2 : pi * max(x, y)')))
        .to.equal('select(and(gt(x, 1), not(lt(y, 2))), neg(pow(x, 2)), mul(3.141592653589793, max(x, y)))');
      expect(printExpr(ir('+x - e'))).to.equal('sub(x, 2.718281828459045)');
      expect(printExpr(ir('(a + b) / c == d'))).to.equal('eq(div(add(a, b), c), d)');
      expect(printExpr(ir('a != b or a <= b'))).to.equal('or(ne(a, b), le(a, b))');
    });

    it('rewrites the functions derivatives introduce (sec, csc, sech, square, cube) with common ones', () => {
      expect(printExpr(ir('sec(x)'))).to.equal('div(1, cos(x))');
      expect(printExpr(ir('csc(x)'))).to.equal('div(1, sin(x))');
      expect(printExpr(ir('sech(x)'))).to.equal('div(1, cosh(x))');
      expect(printExpr(ir('square(x)'))).to.equal('mul(x, x)');
      expect(printExpr(ir('cube(x)'))).to.equal('mul(x, mul(x, x))');
      expect(evaluate(ir('sech(x)^2'), env({ x: 0.3 }))).to.be.closeTo(1 / Math.cosh(0.3) ** 2, 1e-15);
    });

    it('renames symbols through the callback and keeps pi as a name when it is renamed', () => {
      expect(printExpr(toIR(parse('a * pi'), 'spec', (n) => `L_${n}`))).to.equal('mul(L_a, L_pi)');
    });

    it('refuses what cannot be lowered with an ExpressionError naming where', () => {
      expect(() => toIR(parse('foo(x)'), 'M#x')).to.throw(ExpressionError, /^M#x: 'foo\(x\)' holds FunctionNode 'foo'/);
      expect(() => toIR(parse('x!'), 'M#x')).to.throw(ExpressionError, /M#x/);
    });

    it('is plain JSON (no mathjs objects inside)', () => {
      const e = ir('exp(-(v + 55) / 10) - 1');
      expect(JSON.parse(JSON.stringify(e))).to.deep.equal(e);
    });
  });

  describe('fold', () => {
    it('folds arithmetic on numbers and the identities x + 0, 0 + x, x − 0, 0 − x, x·1, 1·x, x/1, −(−x)', () => {
      expect(printExpr(fold(op('add', op('mul', num(2), num(3)), op('sub', num(0), ref('y')))))).to.equal('add(6, neg(y))');
      expect(printExpr(fold(op('add', ref('x'), num(0))))).to.equal('x');
      expect(printExpr(fold(op('add', num(0), ref('x'))))).to.equal('x');
      expect(printExpr(fold(op('sub', ref('x'), num(0))))).to.equal('x');
      expect(printExpr(fold(op('mul', num(1), ref('x'))))).to.equal('x');
      expect(printExpr(fold(op('mul', ref('x'), num(1))))).to.equal('x');
      expect(printExpr(fold(op('div', ref('x'), num(1))))).to.equal('x');
      expect(printExpr(fold(op('neg', op('neg', ref('x')))))).to.equal('x');
    });

    it('keeps x·0 (x may be NaN or infinite)', () => {
      expect(printExpr(fold(op('mul', ref('x'), num(0))))).to.equal('mul(x, 0)');
    });

    it('picks the branch of a select on a constant condition', () => {
      expect(printExpr(fold(op('select', op('gt', num(2), num(1)), ref('a'), ref('b'))))).to.equal('a');
      expect(printExpr(fold(op('select', num(0), ref('a'), ref('b'))))).to.equal('b');
    });

    it('does not change the value (interpreter before and after, sample expressions)', () => {
      const cases = ['(2 * 3 + x) * 1 - 0', 'exp(0) * x / 1 + log(1)', '(1 < 2) ? x + 0 : y', '-(-(x * (3 - 3 + 1)))', 'sqrt(4) ^ 2 - abs(-x)'];
      for (const text of cases) {
        const e = ir(text);
        for (const x of [-1.5, 0, 2.25]) expect(evaluate(fold(e), env({ x, y: 7 })), text).to.equal(evaluate(e, env({ x, y: 7 })));
      }
    });

    it('turns x·(−1) and (−1)·x into −x', () => {
      expect(printExpr(fold(op('mul', ref('x'), num(-1))))).to.equal('neg(x)');
      expect(printExpr(fold(op('mul', num(-1), op('neg', ref('x')))))).to.equal('x');
    });

    it('gives the same value bit for bit after x·(−1) → −x, NaN, infinities and signed zeros included', () => {
      const e = op('mul', op('add', ref('a'), ref('b')), num(-1));
      const folded = fold(e);
      expect(printExpr(folded)).to.equal('neg(add(a, b))');
      const values = [-0, 0, 1.5, -2, NaN, Infinity, -Infinity];
      for (const a of values) for (const b of values) {
        const [before, after] = [evaluate(e, env({ a, b })), evaluate(folded, env({ a, b }))];
        expect(Number.isNaN(before) ? Number.isNaN(after) : Object.is(before, after), `a=${a} b=${b}`).to.equal(true);
      }
    });

    // Back ends take the true branch when the condition is != 0, NaN included.
    it('a NaN condition folds the way the back ends evaluate it', () => {
      const e = op('select', op('div', num(0), num(0)), num(1), num(2));
      expect(evaluate(fold(e), env({}))).to.equal(evaluate(e, env({})));
    });
  });

  describe('cse', () => {
    it('computes a repeated subexpression once, in a let placed before its first use', () => {
      const shared = op('exp', op('neg', ref('v')));
      const stmts: StmtIR[] = [
        { kind: 'set', name: 'a', expr: op('mul', shared, ref('a')) },
        { kind: 'set', name: 'b', expr: op('add', shared, op('mul', num(2), shared)) },
      ];
      expect(printBlock(cse(stmts))).to.equal([
        'let __t0 = exp(neg(v))',
        'set a = mul(__t0, a)',
        'set b = add(__t0, mul(2, __t0))',
      ].join('\n'));
    });

    it('shares the outermost repeated expression, not its parts separately', () => {
      const big = op('add', op('mul', ref('a'), ref('b')), ref('c'));
      const out = cse([{ kind: 'set', name: 'x', expr: big }, { kind: 'set', name: 'y', expr: op('neg', big) }]);
      expect(printBlock(out)).to.equal('let __t0 = add(mul(a, b), c)\nset x = __t0\nset y = neg(__t0)');
    });

    it('leaves a block without repetition as it was and never shares bare names or numbers', () => {
      const stmts: StmtIR[] = [
        { kind: 'let', name: 'q', expr: op('add', ref('x'), num(1)) },
        { kind: 'set', name: 'x', expr: op('mul', ref('q'), ref('x')) },
      ];
      expect(cse(stmts)).to.deep.equal(stmts);
    });

    it('does not mutate its input and uses the prefix given', () => {
      const stmts: StmtIR[] = [
        { kind: 'set', name: 'x', expr: op('sin', ref('y')) },
        { kind: 'set', name: 'y', expr: op('sin', ref('y')) },
      ];
      const before = JSON.stringify(stmts);
      expect(printBlock(cse(stmts, 'tmp'))).to.equal('let tmp0 = sin(y)\nset x = tmp0\nset y = tmp0');
      expect(JSON.stringify(stmts)).to.equal(before);
    });

    it('keeps the value of every set (interpreter, random-ish block)', () => {
      const e1: ExprIR = op('mul', op('add', ref('x'), num(1)), op('add', ref('x'), num(1)));
      const e2: ExprIR = op('div', op('add', ref('x'), num(1)), op('exp', op('mul', op('add', ref('x'), num(1)), ref('y'))));
      const stmts: StmtIR[] = [{ kind: 'set', name: 'x', expr: e1 }, { kind: 'set', name: 'y', expr: e2 }];
      for (const x of [0.5, -2]) {
        const plain = env({ x, y: 0.25 });
        const shared = env({ x, y: 0.25 });
        const run = (block: StmtIR[], m: Map<string, number>) => {
          const out: Record<string, number> = {};
          for (const s of block) {
            const v = evaluate(s.expr, m);
            if (s.kind === 'let') m.set(s.name, v);
            else out[s.name] = v;
          }
          return out;
        };
        expect(run(cse(stmts), shared)).to.deep.equal(run(stmts, plain));
      }
    });
  });

  describe('optimise (fold, inline aliases, cse, drop dead lets)', () => {
    it('drops a let nobody reads and inlines a let that is only a name or a number', () => {
      const out = optimise([
        { kind: 'let', name: 'dead', expr: op('exp', ref('x')) },
        { kind: 'let', name: 'alias', expr: ref('x') },
        { kind: 'let', name: 'two', expr: op('add', num(1), num(1)) },
        { kind: 'set', name: 'x', expr: op('mul', ref('alias'), ref('two')) },
      ]);
      expect(printBlock(out)).to.equal('set x = mul(x, 2)');
    });
  });

  describe('helpers', () => {
    it('refsOf lists the names read; substituteIR replaces them', () => {
      const e = op('add', ref('a'), op('mul', ref('b'), ref('a')));
      expect([...refsOf(e)].sort()).to.deep.equal(['a', 'b']);
      expect(printExpr(substituteIR(e, new Map([['a', num(3)]])))).to.equal('add(3, mul(b, 3))');
    });

    it('printExpr keeps the sign of −0', () => {
      expect(printExpr(num(-0))).to.equal('-0');
      expect(printExpr(num(0))).to.equal('0');
    });
  });
});
