/**
 * Substitution, simplification and differentiation over mathjs trees, with
 * ternaries handled here because mathjs' `simplify` and `derivative` reject a
 * `ConditionalNode`: conditionals are lifted to the top of the tree
 * (`f(c ? a : b) = c ? f(a) : f(b)`), and each branch is treated on its own.
 * All functions are pure: inputs are never mutated.
 */
import {
  ConditionalNode, ConstantNode, FunctionNode, OperatorNode, ParenthesisNode, SymbolNode,
  derivative as mathDerivative, simplify as mathSimplify, simplifyConstant, simplifyCore,
  type MathNode,
} from 'mathjs';
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

const simplifyCache = new Map<string, MathNode>();
/**
 * mathjs `simplify`, made to accept conditionals (each branch is simplified; a
 * conditional whose branches agree collapses), cached by the printed input.
 */
export function simplify(node: MathNode): MathNode {
  const key = node.toString();
  const hit = simplifyCache.get(key);
  if (hit) return hit;
  const out = simplifyLifted(liftConditionals(node));
  simplifyCache.set(key, out);
  return out;
}

function simplifyLifted(node: MathNode): MathNode {
  const n = node as AnyNode;
  if (node.type === 'ConditionalNode') {
    const a = simplifyLifted(n.trueExpr!);
    const b = simplifyLifted(n.falseExpr!);
    if (a.toString() === b.toString()) return a;
    return new ConditionalNode(n.condition!, a, b);
  }
  return safeSimplify(node);
}

function safeSimplify(node: MathNode): MathNode {
  try {
    return holding(node, mathSimplify);
  } catch {
    // Some trees are beyond mathjs' rules: keep them.
    return node;
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
    return holding(node, (n) => simplifyConstant(simplifyCore(n)));
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
  let d = mathDerivative(opened, x, { simplify: false });
  for (const [name, root] of roots) {
    const u = (root as AnyNode).args![0];
    if (!symbolsOf(u).includes(x)) continue;
    // d/dx cbrt(u) = u' / (3·cbrt(u)²)
    const dRoot = new OperatorNode('/', 'divide', [differentiate(u, x), new OperatorNode('*', 'multiply', [new ConstantNode(3), new OperatorNode('^', 'pow', [new SymbolNode(name), new ConstantNode(2)])])]);
    d = new OperatorNode('+', 'add', [d, new OperatorNode('*', 'multiply', [mathDerivative(opened, name, { simplify: false }), dRoot])]);
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
