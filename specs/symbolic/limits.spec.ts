/**
 * Large equations: reading, inspecting and lowering stay polynomial in the
 * size of the equations, and what is too large is refused with a library
 * error, never a RangeError.
 *
 * Models are built programmatically (decorators applied as functions): a
 * 1000-term sum, 500-link chains of intermediates that each use the previous
 * link twice (whose expanded tree has 2^500 leaves), and sin nested 22 and
 * 200 deep. For each, one step of the lowered IR, run by the interpreter, is
 * compared with the equations evaluated directly in JavaScript; the js back
 * end runs the same step through generated code. A chain of 10 000
 * intermediates declared last first is read in dependency order. Oversized
 * text (1 MB, or nested 1000 or 100 000 deep, or a tree 5000 deep) is refused
 * by readModel, inspect and parseExpression with an error naming model#field,
 * the size and the limit. The passes rewritten for this (mathjs'
 * simplifyCore, CSE, folding, differentiation) are compared with what they
 * replace on random inputs. Time bounds are mocha timeouts only.
 */
import { expect } from 'chai';
import { simplifyCore, type MathNode, ConditionalNode, ConstantNode, FunctionNode, OperatorNode, ParenthesisNode, SymbolNode, parse } from 'mathjs';
import {
  ExpressionError, Model, ModelDefinitionError, Network, derivative, inspect, intermediate, lowerModel, param, readModel, state,
  type ModelClass, type SolverOption,
} from '../../lib/index.js';
import { evaluate as evaluateIR } from '../../lib/backends/interpreter/index.js';
import { cse, fold, limitDepth, num, op, printBlock, printExpr, ref } from '../../lib/ir/build.js';
import type { ExprIR, OpName, StmtIR } from '../../lib/ir/types.js';
import { core, differentiate } from '../../lib/symbolic/calculus.js';
import { TermStore } from '../../lib/symbolic/dag.js';
import { MAX_DEPTH, MAX_LENGTH, MAX_NESTING, nestingOf } from '../../lib/expr/limits.js';
import { parseExpression } from '../../lib/expr/parse.js';
import { close, seeded } from './support.js';

/** Runs a block with the IR's simultaneous semantics: lets at once, sets together at the end. */
function execute(stmts: readonly StmtIR[], env: Map<string, number>, round: (v: number) => number): void {
  const sets: [string, number][] = [];
  for (const s of stmts) {
    const v = evaluateIR(s.expr, env);
    if (s.kind === 'let') env.set(s.name, v);
    else sets.push([s.name, v]);
  }
  for (const [n, v] of sets) env.set(n, round(v));
}

interface Shape {
  params?: [string, number][];
  intermediates?: [string, string][];
  /** dx/dt. */
  x: string;
}

/** A model class built at run time: params, intermediates, then the state x. */
function build(name: string, shape: Shape): ModelClass {
  const C = { [name]: class extends Model {} }[name];
  for (const [p, v] of shape.params ?? []) param(v)(C.prototype, p);
  for (const [n, e] of shape.intermediates ?? []) intermediate(e)(C.prototype, n);
  state(0)(C.prototype, 'x');
  derivative(shape.x)(C.prototype, 'x');
  return C;
}

/** x after one step of the lowered update, run by the interpreter. */
function step(C: ModelClass, solver: SolverOption, x: number, dt: number): { x: number; env: Map<string, number> } {
  const ir = lowerModel(inspect(C), solver);
  const env = new Map<string, number>([...ir.params.map((p): [string, number] => [p.name, p.value]), ['x', x], ['dt', dt]]);
  execute(ir.update, env, (v) => v);
  return { x: env.get('x')!, env };
}

/** The depth of an IR expression. */
function depthOf(e: ExprIR): number {
  let max = 0;
  const stack: [ExprIR, number][] = [[e, 1]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    max = Math.max(max, d);
    if (x.k === 'op') for (const a of x.args) stack.push([a, d + 1]);
  }
  return max;
}

/** Runs `f`, expecting an error; returns it. */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  return expect.fail('no error was thrown');
}

const DT = 1e-3;
const POINTS = [-0.4, 0.05, 0.3];

describe('symbolic/limits: large equations', function () {
  this.timeout(20000);

  describe('a 1000-term sum', () => {
    const n = 1000;
    const p = Array.from({ length: n }, (_, i) => ((i % 7) + 1) / 7000);
    const Sum1000 = build('Sum1000', {
      params: [...p.map((v, i): [string, number] => [`p${i}`, v]), ['q', 0.25]],
      x: `${p.map((_, i) => `p${i} * x`).join(' + ')} + q`,
    });
    const B = p.reduce((a, b) => a + b, 0);
    const f = (x: number) => p.reduce((s, v) => s + v * x, 0) + 0.25;

    it('is linear in x: exponential Euler, with B the sum of the coefficients', () => {
      expect(inspect(Sum1000).solver('x')).to.equal('exponential-euler');
      for (const x of POINTS) {
        const { x: next, env } = step(Sum1000, 'auto', x, DT);
        expect(close(env.get('__B_x')!, B, 1e-12), `B ${env.get('__B_x')} vs ${B}`).to.equal(true);
        expect(close(next, x + f(x) * (Math.expm1(B * DT) / B), 1e-12)).to.equal(true);
      }
    });

    it('lowers under every rule to what the equation says, in expressions at most 64 deep', () => {
      for (const x of POINTS) {
        expect(close(step(Sum1000, 'euler', x, DT).x, x + DT * f(x), 1e-12)).to.equal(true);
        const k1 = f(x);
        const k2 = f(x + (DT / 2) * k1);
        const k3 = f(x + (DT / 2) * k2);
        const k4 = f(x + DT * k3);
        expect(close(step(Sum1000, 'rk4', x, DT).x, x + (DT / 6) * (k1 + 2 * k2 + 2 * k3 + k4), 1e-12)).to.equal(true);
      }
      for (const s of lowerModel(inspect(Sum1000), 'rk4').update) expect(depthOf(s.expr)).to.be.at.most(64);
    });

    it('x + x + … (1000 terms) has B = 1000', () => {
      const Xs = build('Xs1000', { x: Array(1000).fill('x').join(' + ') });
      expect(inspect(Xs).solver('x')).to.equal('exponential-euler');
      expect(close(step(Xs, 'auto', 0.5, DT).x, 0.5 + 500 * (Math.expm1(1000 * DT) / 1000), 1e-12)).to.equal(true);
    });
  });

  describe('500-link chains of intermediates, each link using the previous one twice', () => {
    const links = 500;
    const chain = (first: string, link: (prev: string) => string): [string, string][] =>
      Array.from({ length: links }, (_, k) => [`a${k}`, k === 0 ? first : link(`a${k - 1}`)]);

    it('a{k} = a{k-1} * a{k-1} + p: explicit Euler, and one step matches the chain evaluated directly', () => {
      const Square = build('SquareChain', { params: [['p', -0.5]], intermediates: chain('x', (a) => `${a} * ${a} + p`), x: `a${links - 1} - x` });
      expect(inspect(Square).solver('x')).to.equal('euler');
      expect(inspect(Square).isLinear('x')).to.equal(false);
      for (const x of POINTS) {
        let a = x;
        for (let k = 1; k < links; k++) a = a * a - 0.5;
        expect(close(step(Square, 'auto', x, DT).x, x + DT * (a - x), 1e-12)).to.equal(true);
      }
    });

    it('a{k} = sin(a{k-1}) + a{k-1}: the same', () => {
      const Sine = build('SineChain', { intermediates: chain('x', (a) => `sin(${a}) + ${a}`), x: `a${links - 1}` });
      expect(inspect(Sine).solver('x')).to.equal('euler');
      for (const x of POINTS) {
        let a = x;
        for (let k = 1; k < links; k++) a = Math.sin(a) + a;
        expect(close(step(Sine, 'midpoint', x, DT).x, x + DT * (() => {
          let b = x + (DT / 2) * a;
          for (let k = 1; k < links; k++) b = Math.sin(b) + b;
          return b;
        })(), 1e-12)).to.equal(true);
      }
    });

    it('a chain free of x keeps its name in B: exponential Euler with B = −a499', () => {
      const Free = build('FreeChain', { params: [['p', -0.5], ['q', 0.2]], intermediates: chain('q', (a) => `${a} * ${a} + p`), x: `1 - a${links - 1} * x` });
      expect(inspect(Free).solver('x')).to.equal('exponential-euler');
      let a = 0.2;
      for (let k = 1; k < links; k++) a = a * a - 0.5;
      for (const x of POINTS) {
        const { x: next, env } = step(Free, 'auto', x, DT);
        expect(close(env.get('__B_x')!, -a, 1e-12)).to.equal(true);
        expect(close(next, x + (1 - a * x) * (Math.expm1(-a * DT) / -a), 1e-12)).to.equal(true);
      }
    });

    it('a{k} = a{k-1} + a{k-1} from a0 = x is linear in x, with B = 2^499 found by differentiating the shared graph', () => {
      const Doubling = build('DoublingChain', { params: [['s', 1e-150]], intermediates: chain('x', (a) => `${a} + ${a}`), x: `s * a${links - 1}` });
      const sym = inspect(Doubling);
      expect(sym.solver('x')).to.equal('exponential-euler');
      const B = 1e-150 * 2 ** (links - 1);
      expect(close(step(Doubling, 'auto', 0.3, DT).env.get('__B_x')!, B, 1e-12)).to.equal(true);
      // The Jacobian and the linear form come from the same graph.
      const lin = sym.linear('x')!;
      expect(close(Number(lin.B.evaluate({ s: 1e-150 })), B, 1e-12)).to.equal(true);
      expect(close(Number(sym.jacobian().x.x.evaluate({ s: 1e-150 })), B, 1e-12)).to.equal(true);
    });

    it('are read in dependency order however they are declared (10 000 links, declared last first)', () => {
      const long = 10000;
      const links = Array.from({ length: long }, (_, k): [string, string] => [`a${k}`, k === 0 ? 'x' : `a${k - 1} * a${k - 1} + p`]);
      const Reversed = build('ReversedChain', { params: [['p', -0.5]], intermediates: links.reverse(), x: `a${long - 1}` });
      expect(readModel(Reversed).intermediates.map((i) => i.name)).to.deep.equal(Array.from({ length: long }, (_, k) => `a${k}`));
    });

    it('the js back end runs the generated code and agrees with the interpreter', async () => {
      const Square = build('SquareChainJs', { params: [['p', -0.5]], intermediates: chain('x', (a) => `${a} * ${a} + p`), x: `a${links - 1} - x` });
      for (const backend of ['js', 'interpreter'] as const) {
        const nn = new Network();
        const c = nn.add(Square, { name: 'c', num: 1, states: { x: 0.3 } });
        await nn.compile({ backend });
        c.record('x');
        await nn.run(DT, { steps: 1 });
        expect(close(c.recorder.get('x').data[0], step(Square, 'auto', 0.3, DT).x, 1e-12), backend).to.equal(true);
      }
    });
  });

  describe('sin nested deep', () => {
    for (const depth of [22, 200]) {
      it(`${depth} deep: explicit Euler, one step matches Math.sin applied ${depth} times`, () => {
        const Nest = build(`Sin${depth}`, { x: `${'sin('.repeat(depth)}x${')'.repeat(depth)}` });
        expect(inspect(Nest).solver('x')).to.equal('euler');
        for (const x of POINTS) {
          let s = x;
          for (let k = 0; k < depth; k++) s = Math.sin(s);
          expect(close(step(Nest, 'auto', x, DT).x, x + DT * s, 1e-12)).to.equal(true);
        }
        for (const s of lowerModel(inspect(Nest), 'rk4').update) expect(depthOf(s.expr)).to.be.at.most(64);
        // ∂/∂x is the product of the cosines.
        let s = 0.3;
        let d = 1;
        for (let k = 0; k < depth; k++) {
          d *= Math.cos(s);
          s = Math.sin(s);
        }
        expect(close(Number(inspect(Nest).jacobian().x.x.evaluate({ x: 0.3 })), d, 1e-12)).to.equal(true);
      });
    }
  });

  describe('what is too large is refused with a library error', () => {
    const cases: [string, string, RegExp][] = [
      ['1 MB of text', 'x + '.repeat(262144) + 'x', /is 1,048,577 characters long; the limit is 100,000\./],
      ['brackets 100 000 deep', `${'('.repeat(100000)}x${')'.repeat(100000)}`, /is 200,001 characters long; the limit is 100,000\./],
      ['brackets 1000 deep', `${'('.repeat(1000)}x${')'.repeat(1000)}`, /nests 1,000 deep .*; the limit is 200\./],
      ['50 000 unary minus signs', `${'-'.repeat(50000)}x`, /nests 50,000 deep .*; the limit is 200\./],
      ['x^x^x… 5000 times', `${'x^'.repeat(5000)}x`, /nests 5,000 deep .*; the limit is 200\./],
      ['a sum 5000 terms long', `${'x + '.repeat(5000)}x`, /is a tree more than 1,500 levels deep .*; the limit is 1,500\./],
    ];
    for (const [what, text, message] of cases) {
      it(`${what}: parseExpression, readModel and inspect name model#field, the size and the limit`, () => {
        const e1 = thrown(() => parseExpression(text, 'Big#x'));
        expect(e1).to.be.instanceOf(ExpressionError);
        expect(e1.message).to.match(/^Big#x: the equation '.{1,40}…' /);
        expect(e1.message).to.match(message);
        expect(e1.message.length).to.be.below(400);
        const Big = build('Big', { x: text });
        for (const f of [() => readModel(Big), () => inspect(Big)]) {
          const e2 = thrown(f);
          expect(e2).to.be.instanceOf(ModelDefinitionError);
          expect(e2.message).to.match(/^Big#x: /);
          expect(e2.message).to.match(message);
        }
        const Inter = build('Inter', { intermediates: [['big', text]], x: 'big' });
        expect(thrown(() => inspect(Inter)).message).to.match(/^Inter#big: /);
      });
    }

    it('the limits leave room for the sizes above', () => {
      expect(MAX_LENGTH).to.be.at.least(1000 * 'p999 * x + '.length);
      expect(MAX_NESTING).to.be.at.least(200);
      expect(MAX_DEPTH).to.be.at.least(1001);
    });

    it('nesting counts brackets, unary operators and ^ and ?: chains; binary operators end chains', () => {
      expect(nestingOf('x')).to.equal(0);
      expect(nestingOf('sin(sin(x))')).to.equal(2);
      expect(nestingOf('-x + -y * -z - 2e-7')).to.equal(1);
      expect(nestingOf('x^-y^z')).to.equal(3);
      expect(nestingOf('a ? b : c ? d : e')).to.equal(2);
      expect(nestingOf('not not x and y')).to.equal(2);
      expect(nestingOf('(a + b) * (c + (d))')).to.equal(2);
    });
  });

  describe('the passes behind this give the results they gave before', () => {
    const next = seeded(20240611);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];

    /** A random mathjs tree of every node type simplifyCore meets. */
    const tree = (d: number): MathNode => {
      const r = next();
      if (d <= 0 || r < 0.2) return next() < 0.5 ? new ConstantNode(pick([0, 1, 2, -1, 0.5, 1e-20, 1 + 1e-14])) : new SymbolNode(pick(['x', 'y', 'z']));
      if (r < 0.32) {
        const [o, f] = pick([['-', 'unaryMinus'], ['+', 'unaryPlus'], ['not', 'not']] as const);
        return new OperatorNode(o, f, [tree(d - 1)]);
      }
      if (r < 0.42) return new FunctionNode(new SymbolNode(pick(['sin', 'pow', 'add', 'multiply', 'unaryMinus'])), (next() < 0.5 ? [tree(d - 1)] : [tree(d - 1), tree(d - 1)]) as MathNode[]);
      if (r < 0.48) return new ParenthesisNode(tree(d - 1));
      if (r < 0.5) return new ConditionalNode(tree(d - 1), tree(d - 1), tree(d - 1));
      const [o, f] = pick([['+', 'add'], ['-', 'subtract'], ['*', 'multiply'], ['/', 'divide'], ['^', 'pow'], ['and', 'and'], ['or', 'or'], ['<', 'smaller']] as const);
      return new OperatorNode(o, f, [tree(d - 1), tree(d - 1)]);
    };

    it("core gives mathjs' simplifyCore's tree (on 3000 random trees), in linear time on a 300-term sum", () => {
      for (let i = 0; i < 3000; i++) {
        const t = tree(6);
        const print = (f: () => MathNode) => {
          try {
            return f().toString({ parenthesis: 'all' });
          } catch (error) {
            return `throws ${(error as Error).message}`;
          }
        };
        expect(print(() => core(t)), t.toString()).to.equal(print(() => simplifyCore(t)));
      }
      // mathjs' own takes time doubling with every term of such a sum.
      expect(core(parse(Array.from({ length: 300 }, (_, i) => `q${i} * x`).join(' + '))).toString()).to.have.length.above(300);
    });

    /** Common-subexpression elimination as it was, keyed by printed text (the reference). */
    function printedCse(stmts: StmtIR[], prefix = '__t'): StmtIR[] {
      const count = new Map<string, number>();
      const visit = (e: ExprIR): void => {
        if (e.k !== 'op') return;
        const key = printExpr(e);
        const c = (count.get(key) ?? 0) + 1;
        count.set(key, c);
        if (c === 1) e.args.forEach(visit);
      };
      stmts.forEach((s) => visit(s.expr));
      const named = new Map<string, string>();
      const out: StmtIR[] = [];
      let k = 0;
      const rewrite = (e: ExprIR): ExprIR => {
        if (e.k !== 'op') return e;
        const key = printExpr(e);
        const hit = named.get(key);
        if (hit) return ref(hit);
        const inner = op(e.op, ...e.args.map(rewrite));
        if ((count.get(key) ?? 0) < 2) return inner;
        const name = `${prefix}${k++}`;
        out.push({ kind: 'let', name, expr: inner });
        named.set(key, name);
        return ref(name);
      };
      for (const s of stmts) out.push({ ...s, expr: rewrite(s.expr) });
      return out;
    }

    /** A random IR expression over few leaves, so that subexpressions repeat. */
    const ir = (d: number): ExprIR => {
      if (d <= 0 || next() < 0.25) return next() < 0.5 ? num(pick([0, 1, -1, 2, -0])) : ref(pick(['a', 'b', 'c']));
      const o = pick<OpName>(['add', 'sub', 'mul', 'div', 'neg', 'select', 'exp', 'lt']);
      const arity = o === 'neg' || o === 'exp' ? 1 : o === 'select' ? 3 : 2;
      return op(o, ...Array.from({ length: arity }, () => ir(d - 1)));
    };

    it('cse names the same temporaries as printed-text CSE did, and fold gives the same values (500 random blocks)', () => {
      for (let i = 0; i < 500; i++) {
        const block: StmtIR[] = Array.from({ length: 1 + Math.floor(next() * 4) }, (_, j) => ({ kind: next() < 0.5 ? 'let' : 'set', name: `s${j}`, expr: ir(5) }));
        expect(printBlock(cse(block))).to.equal(printBlock(printedCse(block)));
        const env = new Map([['a', 0.5], ['b', -2], ['c', 3]]);
        for (const s of block) {
          const [u, v] = [evaluateIR(s.expr, env), evaluateIR(fold(s.expr), env)];
          expect(Object.is(u, v) || u === v, printExpr(s.expr)).to.equal(true);
        }
      }
    });

    it('limitDepth cuts deep expressions into lets without changing their value', () => {
      let e: ExprIR = ref('a');
      for (let k = 0; k < 300; k++) e = op(k % 2 ? 'add' : 'mul', e, num(k % 2 ? 1 : 0.5));
      const block = limitDepth([{ kind: 'set', name: 'x', expr: e }], 64);
      for (const s of block) expect(depthOf(s.expr)).to.be.at.most(64);
      const env = new Map([['a', 0.25]]);
      const want = evaluateIR(e, new Map(env));
      execute(block, env, (v) => v);
      expect(env.get('x')).to.equal(want);
      expect(block.length).to.be.above(4);
    });

    it('the derivative of the shared graph agrees with mathjs\' on random expressions', () => {
      for (let i = 0; i < 300; i++) {
        const text = randomText(4, next);
        const node = parse(text);
        const store = new TermStore(['x']);
        const graph = store.toMath(store.derivative(store.fromMath(node), 'x', 'M#x'));
        const tree = differentiate(node, 'x');
        for (const x of [-0.7, 0.4, 1.3]) {
          const [g, t] = [Number(graph.evaluate({ x, y: 0.6 })), Number(tree.evaluate({ x, y: 0.6 }))];
          expect(close(g, t, 1e-9) || (Number.isNaN(g) && Number.isNaN(t)), `${text} at ${x}: ${g} vs ${t}`).to.equal(true);
        }
      }
    });
  });
});

/** Random text in x and y whose operations are defined for real x (no floor or comparisons: derivatives agree everywhere). */
function randomText(depth: number, next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  if (depth === 0 || next() < 0.2) return pick(['x', 'y', '2', '0.5', '1']);
  const a = randomText(depth - 1, next);
  const b = randomText(depth - 1, next);
  return pick([
    `(${a}) + (${b})`, `(${a}) - (${b})`, `(${a}) * (${b})`, `(${a}) / (2 + sin(${b}))`, `(1 + (${a})^2)^(${b})`,
    `sin(${a})`, `cos(${a})`, `exp(tanh(${a}))`, `log(1 + (${a})^2)`, `tanh(${a})`, `sqrt(1 + (${a})^2)`, `tan(tanh(${a}))`,
    `(${a})^3`, `min(${a}, ${b})`, `max(${a}, ${b})`, `(x > 0.1 ? (${a}) : (${b}))`, `cbrt(2 + tanh(${a}))`, `abs(${a}) + 1`,
  ]);
}
