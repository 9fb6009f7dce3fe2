/**
 * Substitution, simplification and differentiation over mathjs trees, with
 * ternaries handled here because mathjs' `simplify` and `derivative` reject a
 * `ConditionalNode`: conditionals are lifted to the top of the tree
 * (`f(c ? a : b) = c ? f(a) : f(b)`), and each branch is treated on its own.
 * All functions are pure: inputs are never mutated.
 *
 * mathjs works on trees, by recursion, and some of its passes take time far
 * beyond linear in the size of the tree (`simplify` most of all), so the
 * tree-based passes here only take trees within {@link fitsTrees}; larger
 * inputs go through the graph-based passes of `dag.ts`, which give results
 * that are correct but less simplified.
 */
import type { MathNode } from 'mathjs';
import {
  ConditionalNode, ConstantNode, FunctionNode, OperatorNode, ParenthesisNode, SymbolNode, math,
} from '../expr/math.js';
import { TermStore } from './dag.js';
import { symbolsOf } from '../expr/parse.js';

type AnyNode = MathNode & {
  args?: MathNode[]; fn?: unknown; op?: string; name?: string; content?: MathNode;
  condition?: MathNode; trueExpr?: MathNode; falseExpr?: MathNode; value?: unknown;
};

/** The function name of a FunctionNode, or the `fn` of an OperatorNode. */
export function fnName(node: MathNode): string {
  const n = node as AnyNode;
  if (node.type === 'FunctionNode') return (n.fn as { name: string }).name;
  if (node.type === 'OperatorNode') return String(n.fn);
  return '';
}

/** Replaces symbols by trees (`{ an_t: Node }`), leaving other nodes shared. */
export function substitute(node: MathNode, map: ReadonlyMap<string, MathNode>): MathNode {
  return node.transform((child, path, parent) => {
    if (child.type === 'SymbolNode' && !(parent?.type === 'FunctionNode' && path === 'fn')) {
      const hit = map.get((child as AnyNode).name!);
      if (hit) return hit.type === 'SymbolNode' || hit.type === 'ConstantNode' || hit.type === 'ParenthesisNode' ? hit : new ParenthesisNode(hit);
    }
    return child;
  });
}


/** Drops parentheses (they carry no meaning in a tree). */
export function unparen(node: MathNode): MathNode {
  return node.transform((child) => {
    let c = child;
    while (c.type === 'ParenthesisNode') c = (c as AnyNode).content!;
    return c;
  });
}

const LOGICAL = new Set(['smaller', 'smallerEq', 'larger', 'largerEq', 'equal', 'unequal', 'and', 'or', 'not']);
/** True for nodes whose value is piecewise constant: comparisons, logic, floor, ceil. */
export function isStepLike(node: MathNode): boolean {
  const name = fnName(node);
  return (node.type === 'OperatorNode' && LOGICAL.has(name)) || (node.type === 'FunctionNode' && (name === 'floor' || name === 'ceil'));
}

/** Rewrites `min`/`max` into conditionals, so that they differentiate branch by branch. */
function minMaxToConditional(node: MathNode): MathNode {
  return node.transform((child) => {
    const name = child.type === 'FunctionNode' ? fnName(child) : '';
    if (name !== 'min' && name !== 'max') return child;
    const [a, b] = (child as AnyNode).args!.map(minMaxToConditional);
    const cond = new OperatorNode(name === 'min' ? '<=' : '>=', name === 'min' ? 'smallerEq' : 'largerEq', [a, b]);
    return new ConditionalNode(cond, a, b);
  });
}

/**
 * Lifts every conditional above the arithmetic around it, so that the result is
 * a tree of conditionals whose leaves hold none. Conditions are left as they are.
 */
export function liftConditionals(node: MathNode): MathNode {
  const n = node as AnyNode;
  if (node.type === 'ParenthesisNode') return liftConditionals(n.content!);
  if (node.type === 'ConditionalNode') {
    return new ConditionalNode(n.condition!, liftConditionals(n.trueExpr!), liftConditionals(n.falseExpr!));
  }
  if (!n.args || isStepLike(node)) return node;
  const args = n.args.map(liftConditionals);
  const j = args.findIndex((a) => a.type === 'ConditionalNode');
  if (j < 0) return rebuild(node, args);
  const c = args[j] as AnyNode;
  const withArg = (a: MathNode) => liftConditionals(rebuild(node, args.map((x, k) => (k === j ? a : x))));
  return new ConditionalNode(c.condition!, withArg(c.trueExpr!), withArg(c.falseExpr!));
}

function rebuild(node: MathNode, args: MathNode[]): MathNode {
  const n = node as AnyNode;
  if (node.type === 'OperatorNode') return new OperatorNode(n.op as never, n.fn as never, args);
  return new FunctionNode(n.fn as SymbolNode, args);
}

/** Trees up to this many nodes go through mathjs' tree-based passes (derivative, lifting conditionals). */
export const TREE_LIMIT = 2000;
/** …and up to this depth: those passes are recursive. */
export const TREE_DEPTH = 100;
/** …and when lifting conditionals gives at most this many nodes. */
export const LIFT_LIMIT = 20_000;
/**
 * Trees up to this many nodes go through mathjs' `simplify`. Its time grows
 * steeply with size: measured, up to about 0.5 s at 40 nodes for the worst
 * shapes found (`a·x − b·x − c·x …`), and over 10 s at 120.
 */
export const SIMPLIFY_LIMIT = 40;
/**
 * …and at most this many nodes in all the branches of one conditional, so
 * that many small branches cannot add up: the branches beyond are only folded.
 */
export const SIMPLIFY_BUDGET = 100;

/**
 * Whether a tree (shared subtrees counted at each use) is small enough for
 * the tree-based passes: {@link TREE_LIMIT}, {@link TREE_DEPTH} and
 * {@link LIFT_LIMIT}. Takes time linear in the graph, whatever the tree.
 */
export function fitsTrees(node: MathNode): boolean {
  const t = new TermStore([]).fromMath(node);
  return t.size <= TREE_LIMIT && t.depth <= TREE_DEPTH && t.size * t.branches <= LIFT_LIMIT;
}

/** The nodes of a tree (shared subtrees counted at each use), counting at most up to `cap + 1`. */
export function treeSize(node: MathNode, cap: number): number {
  let size = 0;
  const stack = [node];
  while (stack.length && size <= cap) {
    const n = stack.pop()!;
    size++;
    n.forEach((c) => void stack.push(c));
  }
  return size;
}

const simplifyCache = new Map<string, MathNode>();
/**
 * mathjs `simplify`, made to accept conditionals (each branch is simplified; a
 * conditional whose branches agree collapses), cached by the printed input.
 * Trees beyond {@link fitsTrees} are returned as they are; branches of more
 * than {@link SIMPLIFY_LIMIT} nodes, and those beyond {@link SIMPLIFY_BUDGET}
 * nodes in all, are only folded ({@link tidy}).
 */
export function simplify(node: MathNode): MathNode {
  if (!fitsTrees(node)) return node;
  const key = node.toString();
  const hit = simplifyCache.get(key);
  if (hit) return hit;
  const out = simplifyLifted(liftConditionals(node), { left: SIMPLIFY_BUDGET });
  simplifyCache.set(key, out);
  return out;
}

function simplifyLifted(node: MathNode, budget: { left: number }): MathNode {
  const n = node as AnyNode;
  if (node.type === 'ConditionalNode') {
    const a = simplifyLifted(n.trueExpr!, budget);
    const b = simplifyLifted(n.falseExpr!, budget);
    if (a.toString() === b.toString()) return a;
    return new ConditionalNode(n.condition!, a, b);
  }
  const size = treeSize(node, SIMPLIFY_LIMIT);
  if (size > SIMPLIFY_LIMIT || size > budget.left) return tidy(node);
  budget.left -= size;
  return safeSimplify(node);
}

let rules: unknown[] | undefined;
/**
 * mathjs' rules, with its `simplifyCore` replaced by {@link core} (same
 * result, linear time); read on first use, since mathjs creates `simplify`
 * the first time it is read.
 */
function simplifyRules(): unknown[] {
  rules ??= (math.simplify as unknown as { rules: unknown[] }).rules.map((r) => (r === math.simplifyCore ? core : r));
  return rules;
}

function safeSimplify(node: MathNode): MathNode {
  try {
    return holding(node, (n) => math.simplify(adopt(n), simplifyRules() as never));
  } catch {
    // Some trees are beyond mathjs' rules: keep them.
    return node;
  }
}

/**
 * The tree with every node of the library's mathjs instance (`lib/expr/math.ts`),
 * subtrees already of it shared. mathjs' `simplify` matches its rules with
 * `instanceof`, so it would leave alone the nodes another mathjs instance
 * built (a tree parsed with the caller's own mathjs).
 */
function adopt(node: MathNode): MathNode {
  const n = node as AnyNode;
  const same = (a: MathNode[], b: MathNode[]) => a.every((x, k) => x === b[k]);
  switch (node.type) {
    case 'ConstantNode': return node instanceof ConstantNode ? node : new ConstantNode(n.value as number);
    case 'SymbolNode': return node instanceof SymbolNode ? node : new SymbolNode(n.name!);
    case 'ParenthesisNode': {
      const content = adopt(n.content!);
      return node instanceof ParenthesisNode && content === n.content ? node : new ParenthesisNode(content);
    }
    case 'ConditionalNode': {
      const parts = [n.condition!, n.trueExpr!, n.falseExpr!];
      const own = parts.map(adopt);
      return node instanceof ConditionalNode && same(own, parts) ? node : new ConditionalNode(own[0], own[1], own[2]);
    }
    case 'FunctionNode': {
      const fn = adopt(n.fn as MathNode);
      const args = n.args!.map(adopt);
      return node instanceof FunctionNode && fn === n.fn && same(args, n.args!) ? node : new FunctionNode(fn as SymbolNode, args);
    }
    case 'OperatorNode': {
      const op = node as OperatorNode & { isPercentage?: boolean };
      const args = op.args.map(adopt);
      if (node instanceof OperatorNode && same(args, op.args)) return node;
      // `isPercentage` (`50%` is 50 / 100) is an argument mathjs' types leave out.
      return new (OperatorNode as unknown as new (...a: unknown[]) => MathNode)(op.op, op.fn, args, op.implicit, op.isPercentage);
    }
    default: return node;
  }
}

/**
 * Applies a mathjs rewrite with comparisons, logic, floor and ceil held as
 * opaque symbols: mathjs compares numbers with a tolerance (it would fold
 * `1e-20 > 0` to false), while every back end compares exactly.
 */
function holding(node: MathNode, rewrite: (n: MathNode) => MathNode): MathNode {
  const held = new Map<string, MathNode>();
  const opened = node.transform((child) => {
    if (!isStepLike(child)) return child;
    const name = `__held${held.size}`;
    held.set(name, child);
    return new SymbolNode(name);
  });
  const out = rewrite(opened);
  return held.size ? unparen(substitute(out, held)) : out;
}

/** Constant folding and the trivial identities (0·x, 1·x, x + 0, …) only. */
export function tidy(node: MathNode): MathNode {
  const n = node as AnyNode;
  if (node.type === 'ConditionalNode') return new ConditionalNode(n.condition!, tidy(n.trueExpr!), tidy(n.falseExpr!));
  try {
    return holding(node, (n) => math.simplifyConstant(core(n)));
  } catch {
    return node;
  }
}

/**
 * The derivative of `node` with respect to `x`, without simplification beyond
 * {@link tidy}. Conditionals differentiate branch by branch (the condition is
 * kept); comparisons, logic, floor and ceil count as locally constant.
 */
export function differentiate(node: MathNode, x: string): MathNode {
  if (!fitsTrees(node)) {
    // Beyond mathjs: differentiated as a graph, folded as it is built.
    const store = new TermStore([x]);
    return store.toMath(store.derivative(store.fromMath(node), x, x));
  }
  return tidy(diffLifted(liftConditionals(minMaxToConditional(unparen(node))), x));
}

function diffLifted(node: MathNode, x: string): MathNode {
  const n = node as AnyNode;
  if (node.type === 'ConditionalNode') {
    return new ConditionalNode(n.condition!, diffLifted(n.trueExpr!, x), diffLifted(n.falseExpr!, x));
  }
  if (!symbolsOf(node).includes(x)) return new ConstantNode(0);
  // Piecewise-constant pieces become placeholders that mathjs sees as
  // constants; cube roots too, differentiated here by the chain rule, since
  // mathjs writes d cbrt(u) as u^(−2/3)/3, which is not real for u < 0.
  const held = new Map<string, MathNode>();
  const roots = new Map<string, MathNode>();
  const opened = node.transform((child) => {
    if (isStepLike(child)) {
      const name = `__held${held.size}`;
      held.set(name, child);
      return new SymbolNode(name);
    }
    if (child.type === 'FunctionNode' && fnName(child) === 'cbrt') {
      const name = `__cbrt${roots.size}`;
      roots.set(name, child);
      return new SymbolNode(name);
    }
    return child;
  });
  let d = math.derivative(opened, x, { simplify: false });
  for (const [name, root] of roots) {
    const u = (root as AnyNode).args![0];
    if (!symbolsOf(u).includes(x)) continue;
    // d/dx cbrt(u) = u' / (3·cbrt(u)²)
    const dRoot = new OperatorNode('/', 'divide', [differentiate(u, x), new OperatorNode('*', 'multiply', [new ConstantNode(3), new OperatorNode('^', 'pow', [new SymbolNode(name), new ConstantNode(2)])])]);
    d = new OperatorNode('+', 'add', [d, new OperatorNode('*', 'multiply', [math.derivative(opened, name, { simplify: false }), dRoot])]);
  }
  const back = new Map([...held, ...roots]);
  return back.size ? substitute(d, back) : d;
}

/** True when `x` occurs in a condition, a comparison, floor or ceil inside `node`. */
export function occursInStep(node: MathNode, x: string): boolean {
  let found = false;
  node.traverse((child) => {
    const c = child as AnyNode;
    if (found) return;
    if (isStepLike(child) && symbolsOf(child).includes(x)) found = true;
    if (child.type === 'ConditionalNode' && symbolsOf(c.condition!).includes(x)) found = true;
  });
  return found;
}

/** True when the (simplified) tree is the constant 0. */
export function isZero(node: MathNode): boolean {
  const n = node as AnyNode;
  return node.type === 'ConstantNode' && n.value === 0;
}

/**
 * mathjs `simplifyCore` (default context), rewritten to remember the result
 * for each node it has seen. mathjs' own version simplifies the first
 * operand of every sum and product twice, which takes time exponential in the
 * length of a chain `a + b + c + …` (a 25-term sum took 40 s); this one gives
 * the same tree in linear time. Specs compare the two on random trees.
 */
export function core(root: MathNode): MathNode {
  const memo = new Map<MathNode, MathNode>();
  const go = (node: MathNode): MathNode => {
    let out = memo.get(node);
    if (!out) {
      out = coreStep(node, go);
      memo.set(node, out);
    }
    return out;
  };
  return go(root);
}

/** Operators whose single-argument form is the argument itself (mathjs' `trivial`). */
const TRIVIAL = new Set(['add', 'unaryPlus', 'multiply']);
/** mathjs functions that have an operator form, with that operator. */
const OPERATOR_OF: Readonly<Record<string, string>> = {
  or: 'or', xor: 'xor', and: 'and', bitOr: '|', bitXor: '^|', bitAnd: '&', equal: '==', unequal: '!=',
  smaller: '<', larger: '>', smallerEq: '<=', largerEq: '>=', leftShift: '<<', rightArithShift: '>>',
  rightLogShift: '>>>', to: 'to', add: '+', subtract: '-', multiply: '*', divide: '/', dotMultiply: '.*',
  dotDivide: './', mod: 'mod', unaryPlus: '+', unaryMinus: '-', bitNot: '~', not: 'not', pow: '^',
  dotPow: '.^', nullish: '??', factorial: '!', ctranspose: "'",
};

function coreStep(input: MathNode, go: (n: MathNode) => MathNode): MathNode {
  const isConst = (x: MathNode): x is MathNode & { value: unknown } => x.type === 'ConstantNode';
  const isOp = (x: MathNode): x is OperatorNode => x.type === 'OperatorNode';
  const constZero = (x: MathNode) => isConst(x) && math.isZero(x.value as number);
  const constOne = (x: MathNode) => isConst(x) && math.equal(x.value as number, 1);
  const alwaysBoolean = (x: MathNode) => isOp(x) && ['and', 'not', 'or'].includes(x.op);
  const unary = (x: MathNode): x is OperatorNode => isOp(x) && x.args.length === 1;
  const i = input as AnyNode;
  const trivial = input.type === 'ParenthesisNode'
    || ((input.type === 'OperatorNode' || input.type === 'FunctionNode') && TRIVIAL.has(fnName(input)));
  if (trivial) {
    if (input.type === 'FunctionNode' && i.args!.length === 1) return go(i.args![0]);
    let count = 0;
    let first: MathNode | undefined;
    input.forEach((c) => {
      if (++count === 1) first = c;
    });
    if (count === 1) return go(first!);
  }
  let node = input;
  if (node.type === 'FunctionNode') {
    const name = fnName(node);
    const op = OPERATOR_OF[name];
    if (!op) return new FunctionNode(go((node as AnyNode).fn as MathNode) as SymbolNode, (node as AnyNode).args!.map(go));
    let args = (node as AnyNode).args!;
    if (args.length > 2 && (name === 'add' || name === 'multiply' || name === 'unaryPlus')) {
      // Unflattened into binary operations, as mathjs does (without mutating the input).
      args = [...args];
      while (args.length > 2) {
        const last = args.pop()!;
        const seclast = args.pop()!;
        args.push(new OperatorNode(op as never, name as never, [last, seclast]));
      }
    }
    node = new OperatorNode(op as never, name as never, args);
  }
  if (isOp(node) && node.args.length === 1) {
    const a0 = go(node.args[0]);
    if (node.op === '~' && unary(a0) && a0.op === '~') return a0.args[0];
    if (node.op === 'not' && unary(a0) && a0.op === 'not' && alwaysBoolean(a0.args[0])) return a0.args[0];
    let finish = true;
    if (node.op === '-' && isOp(a0)) {
      if (a0.args.length === 2 && a0.fn === 'subtract') {
        node = new OperatorNode('-', 'subtract', [a0.args[1], a0.args[0]]);
        finish = false;
      }
      if (a0.args.length === 1 && a0.op === '-') return a0.args[0];
    }
    if (finish) return new OperatorNode((node as OperatorNode).op, (node as OperatorNode).fn, [a0]);
  }
  if (isOp(node) && node.args.length === 2) {
    let n: OperatorNode = node;
    const a = go(n.args[0]);
    let b = go(n.args[1]);
    if (n.op === '+') {
      if (constZero(a)) return b;
      if (constZero(b)) return a;
      if (unary(b) && b.op === '-') {
        b = b.args[0];
        n = new OperatorNode('-', 'subtract', [a, b]) as unknown as OperatorNode;
      }
    }
    if (n.op === '-') {
      if (unary(b) && b.op === '-') return go(new OperatorNode('+', 'add', [a, b.args[0]]));
      if (constZero(a)) return go(new OperatorNode('-', 'unaryMinus', [b]));
      if (constZero(b)) return a;
      return new OperatorNode(n.op, n.fn, [a, b]);
    }
    if (n.op === '*') {
      if (isConst(a)) {
        if (constZero(a)) return new ConstantNode(0);
        if (constOne(a)) return b;
      }
      if (isConst(b)) {
        if (constZero(b)) return new ConstantNode(0);
        if (constOne(b)) return a;
        if (n.fn === 'multiply') return new OperatorNode(n.op, n.fn, [b, a], n.implicit);
      }
      return new OperatorNode(n.op, n.fn, [a, b], n.implicit);
    }
    if (n.op === '/') {
      if (constZero(a)) return new ConstantNode(0);
      if (constOne(b)) return a;
      return new OperatorNode(n.op, n.fn, [a, b]);
    }
    if (n.op === '^' && isConst(b)) {
      if (constZero(b)) return new ConstantNode(1);
      if (constOne(b)) return a;
    }
    if (n.op === 'and') {
      if (isConst(a)) {
        if (a.value) {
          if (alwaysBoolean(b)) return b;
          if (isConst(b)) return b.value ? new ConstantNode(true) : new ConstantNode(false);
        } else return new ConstantNode(false);
      }
      if (isConst(b)) {
        if (b.value) {
          if (alwaysBoolean(a)) return a;
        } else return new ConstantNode(false);
      }
    }
    if (n.op === 'or') {
      if (isConst(a)) {
        if (a.value) return new ConstantNode(true);
        if (alwaysBoolean(b)) return b;
      }
      if (isConst(b)) {
        if (b.value) return new ConstantNode(true);
        if (alwaysBoolean(a)) return a;
      }
    }
    return new OperatorNode(n.op, n.fn, [a, b]);
  }
  if (isOp(node)) return new OperatorNode(node.op, node.fn, node.args.map(go));
  return node;
}
