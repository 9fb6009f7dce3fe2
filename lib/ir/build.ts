/**
 * mathjs trees → {@link ExprIR}, and common-subexpression elimination over a
 * list of statements (each repeated non-trivial subexpression computed once).
 */
import type { MathNode } from 'mathjs';
import { ExpressionError } from '../errors.js';
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
 * (`sec`, `sech`, …) are rewritten with the ones every target has.
 * @param rename - maps a symbol to the local it reads (default: itself)
 */
export function toIR(node: MathNode, where: string, rename: (name: string) => string = (n) => n): ExprIR {
  const go = (n: MathNode): ExprIR => toIR(n, where, rename);
  const a = node as AnyNode;
  switch (node.type) {
    case 'ConstantNode':
      return num(Number(a.value));
    case 'SymbolNode':
      return isConstant(a.name!) && rename(a.name!) === a.name ? num(CONSTANTS[a.name!]) : ref(rename(a.name!));
    case 'ParenthesisNode':
      return go(a.content!);
    case 'ConditionalNode':
      return op('select', go(a.condition!), go(a.trueExpr!), go(a.falseExpr!));
    case 'OperatorNode': {
      const fn = String(a.fn);
      if (fn === 'unaryPlus') return go(a.args![0]);
      const o = OPERATORS[fn];
      if (o) return op(o, ...a.args!.map(go));
      break;
    }
    case 'FunctionNode': {
      const name = (a.fn as { name: string }).name;
      const args = a.args!.map(go);
      if (FUNCTIONS.has(name as OpName)) return op(name as OpName, ...args);
      if (name === 'pow') return op('pow', ...args);
      const one = num(1);
      if (name === 'sec') return op('div', one, op('cos', ...args));
      if (name === 'csc') return op('div', one, op('sin', ...args));
      if (name === 'sech') return op('div', one, op('cosh', ...args));
      if (name === 'square') return op('mul', args[0], args[0]);
      if (name === 'cube') return op('mul', args[0], op('mul', args[0], args[0]));
      break;
    }
  }
  throw new ExpressionError(where, `'${node.toString()}' holds ${node.type} '${String(a.fn ?? a.name ?? '')}', which cannot be lowered.`, 'Use only the supported operators and functions.');
}

/** A stable printed form of an expression (also the CSE key). */
export function printExpr(e: ExprIR): string {
  if (e.k === 'num') return Object.is(e.v, -0) ? '-0' : String(e.v);
  if (e.k === 'ref') return e.name;
  return `${e.op}(${e.args.map(printExpr).join(', ')})`;
}

/** The names an expression reads. */
export function refsOf(e: ExprIR, into = new Set<string>()): Set<string> {
  if (e.k === 'ref') into.add(e.name);
  else if (e.k === 'op') for (const x of e.args) refsOf(x, into);
  return into;
}

/** Replaces references by other expressions. */
export function substituteIR(e: ExprIR, map: ReadonlyMap<string, ExprIR>): ExprIR {
  if (e.k === 'ref') return map.get(e.name) ?? e;
  if (e.k === 'num') return e;
  return op(e.op, ...e.args.map((x) => substituteIR(x, map)));
}

/**
 * Folds operations on numbers and the identities x+0, x·1, x·(−1) = −x, x/1.
 * Selects are left where they are: moving one below what its branches share
 * (`c ? a − y : b − y` → `(c ? a : b) − y`) is exact, but measured no faster
 * in C and made V8's code for HodgkinHuxley 20 % slower.
 */
export function fold(e: ExprIR): ExprIR {
  if (e.k !== 'op') return e;
  const args = e.args.map(fold);
  const nums = args.every((x) => x.k === 'num');
  const isNum = (x: ExprIR, v: number) => x.k === 'num' && x.v === v;
  if (nums && e.op !== 'select' && FOLDABLE[e.op]) return num(FOLDABLE[e.op]!(...args.map((x) => (x as { v: number }).v)));
  switch (e.op) {
    case 'add': if (isNum(args[0], 0)) return args[1]; if (isNum(args[1], 0)) return args[0]; break;
    case 'sub': if (isNum(args[1], 0)) return args[0]; if (isNum(args[0], 0)) return fold(op('neg', args[1])); break;
    case 'mul':
      if (isNum(args[0], 1)) return args[1];
      if (isNum(args[1], 1)) return args[0];
      if (isNum(args[0], -1)) return fold(op('neg', args[1]));
      if (isNum(args[1], -1)) return fold(op('neg', args[0]));
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
 */
export function cse(stmts: StmtIR[], prefix = '__t'): StmtIR[] {
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
  let next = 0;
  const rewrite = (e: ExprIR): ExprIR => {
    if (e.k !== 'op') return e;
    const key = printExpr(e);
    const hit = named.get(key);
    if (hit) return ref(hit);
    const inner = op(e.op, ...e.args.map(rewrite));
    if ((count.get(key) ?? 0) < 2) return inner;
    const name = `${prefix}${next++}`;
    out.push({ kind: 'let', name, expr: inner });
    named.set(key, name);
    return ref(name);
  };
  for (const s of stmts) {
    const expr = rewrite(s.expr);
    // A let whose whole expression became a temporary is an alias: keep its name.
    out.push({ ...s, expr });
  }
  return out;
}

/** The stable printed form of a block, one statement a line (for golden specs). */
export function printBlock(stmts: StmtIR[]): string {
  return stmts.map((s) => `${s.kind === 'let' ? 'let' : 'set'} ${s.name} = ${printExpr(s.expr)}`).join('\n');
}
