/**
 * mathjs trees → {@link ExprIR}, and common-subexpression elimination over a
 * list of statements (each repeated non-trivial subexpression computed once).
 */
import type { MathNode } from 'mathjs';
import { ExpressionError } from '../errors.js';
import { treeSize } from '../symbolic/calculus.js';
import { mathChildren, postOrder } from '../symbolic/dag.js';
import { CONSTANTS, isConstant } from '../expr/parse.js';
import type { ExprIR, OpName, StmtIR } from './types.js';

const OPERATORS: Record<string, OpName> = {
  add: 'add', subtract: 'sub', multiply: 'mul', divide: 'div', pow: 'pow', unaryMinus: 'neg',
  smaller: 'lt', smallerEq: 'le', larger: 'gt', largerEq: 'ge', equal: 'eq', unequal: 'ne',
  and: 'and', or: 'or', not: 'not',
};
const FUNCTIONS = new Set<OpName>(['abs', 'exp', 'expm1', 'log', 'sqrt', 'cbrt', 'min', 'max', 'sin', 'cos', 'tan', 'tanh', 'cosh', 'sinh', 'floor', 'ceil', 'sign']);

/** Shorthands for building IR by hand (solvers, specs). */
export const num = (v: number): ExprIR => ({ k: 'num', v });
export const ref = (name: string): ExprIR => ({ k: 'ref', name });
export const op = (o: OpName, ...args: ExprIR[]): ExprIR => ({ k: 'op', op: o, args });

type AnyNode = MathNode & { args?: MathNode[]; fn?: unknown; name?: string; content?: MathNode; value?: number; condition?: MathNode; trueExpr?: MathNode; falseExpr?: MathNode };

/**
 * Converts a checked mathjs tree into IR. Functions that derivatives introduce
 * (`sec`, `sech`, …) are rewritten with the ones every target has. Each node
 * is converted once, without recursion: a tree with shared subtrees gives IR
 * with the same sharing (which {@link cse} then names).
 * @param rename - maps a symbol to the local it reads (default: itself)
 */
export function toIR(node: MathNode, where: string, rename: (name: string) => string = (n) => n): ExprIR {
  return postOrder<MathNode, ExprIR>(node, mathChildren, (n, args) => toIRStep(n, args, where, rename));
}

function toIRStep(node: MathNode, args: ExprIR[], where: string, rename: (name: string) => string): ExprIR {
  const a = node as AnyNode;
  switch (node.type) {
    case 'ConstantNode':
      return num(Number(a.value));
    case 'SymbolNode':
      return isConstant(a.name!) && rename(a.name!) === a.name ? num(CONSTANTS[a.name!]) : ref(rename(a.name!));
    case 'ParenthesisNode':
      return args[0];
    case 'ConditionalNode':
      return op('select', args[0], args[1], args[2]);
    case 'OperatorNode': {
      const fn = String(a.fn);
      if (fn === 'unaryPlus') return args[0];
      const o = OPERATORS[fn];
      if (o) return op(o, ...args);
      break;
    }
    case 'FunctionNode': {
      const name = (a.fn as { name: string }).name;
      if (FUNCTIONS.has(name as OpName)) return op(name as OpName, ...args);
      // Numbered by lowerModel, one draw per call.
      if (name === 'rand' || name === 'randn') return op(name);
      if (name === 'pow') return op('pow', ...args);
      if (name === 'clip') return op('min', op('max', args[0], args[1]), args[2]);
      const one = num(1);
      if (name === 'sec') return op('div', one, op('cos', ...args));
      if (name === 'csc') return op('div', one, op('sin', ...args));
      if (name === 'sech') return op('div', one, op('cosh', ...args));
      if (name === 'square') return op('mul', args[0], args[0]);
      if (name === 'cube') return op('mul', args[0], op('mul', args[0], args[0]));
      break;
    }
  }
  // A shared tree can print far longer than it is: print small ones only.
  const text = treeSize(node, 200) <= 200 ? node.toString() : `${String(a.fn ?? a.name ?? '')}(…)`;
  throw new ExpressionError(where, `'${text}' holds ${node.type} '${String(a.fn ?? a.name ?? '')}', which cannot be lowered.`, 'Use only the supported operators and functions.');
}

/**
 * Numbers the random draws of an expression (`rand()` → `rand(d)`), in
 * order, continuing `counter`; a draw shared by two parents (the same
 * object) keeps one number. `memo` carries sharing across expressions.
 * @param onDraw - called with each new draw and its number (e.g. to hoist it into a let)
 */
export function numberDraws(e: ExprIR, counter: { next: number }, onDraw: (draw: ExprIR, d: number) => ExprIR = (x) => x, memo = new Map<ExprIR, ExprIR>()): ExprIR {
  return postOrder<ExprIR, ExprIR>(e, operands, (x, args) => {
    if (x.k !== 'op') return x;
    if ((x.op === 'rand' || x.op === 'randn') && x.args.length === 0) {
      const d = counter.next++;
      return onDraw(op(x.op, num(d)), d);
    }
    return op(x.op, ...args);
  }, memo);
}

/** The operands of an expression (none for a number or a name). */
const operands = (e: ExprIR): readonly ExprIR[] => (e.k === 'op' ? e.args : []);

/** A stable printed form of an expression (recursive: for expressions as deep as {@link limitDepth} leaves them). */
export function printExpr(e: ExprIR): string {
  if (e.k === 'num') return Object.is(e.v, -0) ? '-0' : String(e.v);
  if (e.k === 'ref') return e.name;
  return `${e.op}(${e.args.map(printExpr).join(', ')})`;
}

/** The names an expression reads (each shared subexpression visited once, without recursion). */
export function refsOf(e: ExprIR, into = new Set<string>()): Set<string> {
  const seen = new Set<ExprIR>();
  const stack = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.k === 'ref') into.add(x.name);
    else if (x.k === 'op' && !seen.has(x)) {
      seen.add(x);
      stack.push(...x.args);
    }
  }
  return into;
}

/** Replaces references by other expressions. */
export function substituteIR(e: ExprIR, map: ReadonlyMap<string, ExprIR>): ExprIR {
  return postOrder<ExprIR, ExprIR>(e, operands, (x, args) => {
    if (x.k === 'ref') return map.get(x.name) ?? x;
    if (x.k === 'num') return x;
    return op(x.op, ...args);
  });
}

/**
 * Folds operations on numbers and the identities x+0, x·1, x·(−1) = −x, x/1.
 * Selects are left where they are: moving one below what its branches share
 * (`c ? a − y : b − y` → `(c ? a : b) − y`) is exact, but measured no faster
 * in C and made V8's code for HodgkinHuxley 20 % slower.
 */
export function fold(e: ExprIR): ExprIR {
  return postOrder<ExprIR, ExprIR>(e, operands, foldStep);
}

/** One step of {@link fold}: `e` with its operands replaced by `args`, already folded. */
function foldStep(e: ExprIR, args: ExprIR[]): ExprIR {
  if (e.k !== 'op') return e;
  const nums = args.every((x) => x.k === 'num');
  const isNum = (x: ExprIR, v: number) => x.k === 'num' && x.v === v;
  if (nums && e.op !== 'select' && FOLDABLE[e.op]) return num(FOLDABLE[e.op]!(...args.map((x) => (x as { v: number }).v)));
  switch (e.op) {
    case 'add': if (isNum(args[0], 0)) return args[1]; if (isNum(args[1], 0)) return args[0]; break;
    case 'sub': if (isNum(args[1], 0)) return args[0]; if (isNum(args[0], 0)) return foldStep(op('neg', args[1]), [args[1]]); break;
    case 'mul':
      if (isNum(args[0], 1)) return args[1];
      if (isNum(args[1], 1)) return args[0];
      if (isNum(args[0], -1)) return foldStep(op('neg', args[1]), [args[1]]);
      if (isNum(args[1], -1)) return foldStep(op('neg', args[0]), [args[0]]);
      break;
    case 'div': if (isNum(args[1], 1)) return args[0]; break;
    case 'neg': if (args[0].k === 'op' && args[0].op === 'neg') return args[0].args[0]; break;
    case 'select': if (args[0].k === 'num') return args[0].v !== 0 ? args[1] : args[2]; break;
  }
  return op(e.op, ...args);
}

const FOLDABLE: Partial<Record<OpName, (...x: number[]) => number>> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
  pow: (a, b) => a ** b, neg: (a) => -a, exp: Math.exp, log: Math.log, sqrt: Math.sqrt, abs: Math.abs,
  lt: (a, b) => +(a < b), le: (a, b) => +(a <= b), gt: (a, b) => +(a > b), ge: (a, b) => +(a >= b),
  eq: (a, b) => +(a === b), ne: (a, b) => +(a !== b),
};

/**
 * Common-subexpression elimination over a block: every non-leaf expression
 * that occurs twice or more becomes a `let` placed before its first use.
 * Temporaries are named `${prefix}0`, `${prefix}1`, … in order of appearance.
 * Expressions are compared by number (equal expressions get equal numbers,
 * worked out from their operands'), not by printed text, and every pass is
 * without recursion: the time is linear in the size of the block, however
 * deep or shared its expressions.
 */
export function cse(stmts: StmtIR[], prefix = '__t'): StmtIR[] {
  const ids = new Map<ExprIR, number>();
  const table = new Map<string, number>();
  const idOf = (e: ExprIR): number => postOrder<ExprIR, number>(e, operands, (x, args) => {
    const key = x.k === 'num' ? `#${Object.is(x.v, -0) ? '-0' : String(x.v)}` : x.k === 'ref' ? `$${x.name}` : `${x.op}(${args.join(',')})`;
    let id = table.get(key);
    if (id === undefined) table.set(key, (id = table.size));
    return id;
  }, ids);
  // How often each expression occurs, not looking inside repeats: a
  // repeated expression's operands are counted once, as they will be computed once.
  const count = new Map<number, number>();
  const stack: ExprIR[] = stmts.map((s) => s.expr).reverse();
  while (stack.length) {
    const e = stack.pop()!;
    if (e.k !== 'op') continue;
    const key = idOf(e);
    const c = (count.get(key) ?? 0) + 1;
    count.set(key, c);
    if (c === 1) for (let i = e.args.length - 1; i >= 0; i--) stack.push(e.args[i]);
  }
  const named = new Map<number, string>();
  const out: StmtIR[] = [];
  let next = 0;
  interface Frame { e: ExprIR & { k: 'op' }; key: number; args: ExprIR[] }
  // Named on entry when already named, else a frame whose operands are rewritten first.
  const enter = (e: ExprIR): ExprIR | Frame => {
    if (e.k !== 'op') return e;
    const key = idOf(e);
    const hit = named.get(key);
    return hit ? ref(hit) : { e, key, args: [] };
  };
  const rewrite = (root: ExprIR): ExprIR => {
    const first = enter(root);
    if (!('key' in first)) return first;
    const frames: Frame[] = [first];
    for (;;) {
      const f = frames[frames.length - 1];
      if (f.args.length < f.e.args.length) {
        const r = enter(f.e.args[f.args.length]);
        if ('key' in r) frames.push(r);
        else f.args.push(r);
        continue;
      }
      frames.pop();
      let result: ExprIR = op(f.e.op, ...f.args);
      if ((count.get(f.key) ?? 0) >= 2) {
        const name = `${prefix}${next++}`;
        out.push({ kind: 'let', name, expr: result });
        named.set(f.key, name);
        result = ref(name);
      }
      if (!frames.length) return result;
      frames[frames.length - 1].args.push(result);
    }
  };
  for (const s of stmts) {
    const expr = rewrite(s.expr);
    // A let whose whole expression became a temporary is an alias: keep its name.
    out.push({ ...s, expr });
  }
  return out;
}

/**
 * Bounds the depth of every expression: a subexpression `depth` levels deep
 * becomes a `let` (named `${prefix}0`, …) placed before the statement that
 * uses it, so that back ends, which render and evaluate expressions by
 * recursion, never meet one deeper than that.
 */
export function limitDepth(stmts: StmtIR[], depth = MAX_EXPR_DEPTH, prefix = '__d'): StmtIR[] {
  const out: StmtIR[] = [];
  let next = 0;
  for (const s of stmts) {
    const height = new Map<ExprIR, number>();
    const expr = postOrder<ExprIR, ExprIR>(s.expr, operands, (e, args) => {
      if (e.k !== 'op') {
        height.set(e, 1);
        return e;
      }
      const x = op(e.op, ...args);
      const h = 1 + Math.max(...args.map((a) => height.get(a)!));
      if (h < depth || e === s.expr) {
        height.set(x, h);
        return x;
      }
      const name = `${prefix}${next++}`;
      out.push({ kind: 'let', name, expr: x });
      const r = ref(name);
      height.set(r, 1);
      return r;
    });
    out.push({ ...s, expr });
  }
  return out;
}

/** The deepest expression {@link limitDepth} leaves by default. */
export const MAX_EXPR_DEPTH = 64;

/** The stable printed form of a block, one statement a line (for golden specs). */
export function printBlock(stmts: StmtIR[]): string {
  return stmts.map((s) => `${s.kind === 'let' ? 'let' : 'set'} ${s.name} = ${printExpr(s.expr)}`).join('\n');
}
