/**
 * Unit names out of an equation: each literal with a unit (`4 mV`,
 * `0.5 mV/ms`, `(1 uF/cm^2)`) becomes one number, its value in the model's
 * coherent system, before anything downstream (the symbolic pass, the IR,
 * the back ends) sees the equation. In a model in mV, `4 mV` is exactly 4;
 * a factor of exactly 1 (`x / (1 uF/cm^2)` in a model whose coherent
 * capacitance is uF/cm^2) is dropped, so that the code generated for an
 * equation with units is the code of the same equation written without.
 */
import type { MathNode } from 'mathjs';
import { ConstantNode, OperatorNode } from '../expr/math.js';
import { decimalOf, numberOf, over, power, times, type Decimal } from './quantity.js';

/** The value of a unit name in the model's coherent system, or undefined for a name that is not a unit there. */
export type UnitValue = (name: string) => Decimal | undefined;

type Parts = MathNode & { fn?: string; args?: MathNode[]; content?: MathNode; name?: string; value?: unknown };

/** The value of a literal made of numbers and unit names (`-65 mV`, `0.5 mV/ms`), or undefined for anything else. */
function literal(node: MathNode, valueOf: UnitValue): Decimal | undefined {
  const n = node as Parts;
  switch (node.type) {
    case 'ConstantNode':
      return typeof n.value === 'number' && Number.isFinite(n.value) ? decimalOf(n.value) : undefined;
    case 'SymbolNode':
      return valueOf(n.name!);
    case 'ParenthesisNode':
      return literal(n.content!, valueOf);
    case 'OperatorNode': {
      const args = n.args!.map((a) => literal(a, valueOf));
      if (args.some((a) => a === undefined)) return undefined;
      const [a, b] = args as Decimal[];
      if (n.fn === 'unaryMinus') return { m: -a.m, k: a.k };
      if (n.fn === 'unaryPlus') return a;
      if (n.fn === 'multiply') return times(a, b);
      if (n.fn === 'divide') return over(a, b);
      if (n.fn === 'pow' && !hasUnit(n.args![1], valueOf)) return power(a, numberOf(b));
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Whether a tree holds a unit name (outside function names). */
function hasUnit(node: MathNode, valueOf: UnitValue): boolean {
  let found = false;
  node.traverse((child, path, parent) => {
    if (child.type === 'SymbolNode' && !(parent?.type === 'FunctionNode' && path === 'fn') && valueOf((child as Parts).name!) !== undefined) found = true;
  });
  return found;
}

/** A node without the parentheses around it. */
function unparen(node: MathNode): MathNode {
  return node.type === 'ParenthesisNode' ? unparen((node as Parts).content!) : node;
}

/** A number as a tree: a constant, under a minus when negative (as it is written and parsed). */
function numberNode(value: number): MathNode {
  return value < 0 || Object.is(value, -0) ? new OperatorNode('-', 'unaryMinus', [new ConstantNode(-value)]) : new ConstantNode(value);
}

/**
 * The equation with every literal that holds a unit name turned into its
 * number (the largest subtree of numbers and unit names around each unit
 * name), and factors of exactly 1 made so dropped.
 * @param node - the parsed equation (not changed)
 * @param valueOf - the value of each unit name in the model's coherent system
 * @returns a new tree, or `node` itself when it holds no unit name
 */
export function withoutUnits(node: MathNode, valueOf: UnitValue): MathNode {
  // Which subtrees hold a unit name, found in one walk.
  const bearing = new Set<MathNode>();
  const mark = (child: MathNode): boolean => {
    let found = child.type === 'SymbolNode' && valueOf((child as Parts).name!) !== undefined;
    child.forEach((c, path) => {
      if (!(child.type === 'FunctionNode' && path === 'fn') && mark(c)) found = true;
    });
    if (found) bearing.add(child);
    return found;
  };
  if (!mark(node)) return node;
  const ones = new WeakSet<MathNode>();
  const visit = (child: MathNode): MathNode => {
    if (!bearing.has(child)) return child;
    const value = literal(child, valueOf);
    if (value !== undefined) {
      const out = numberNode(numberOf(value));
      if (numberOf(value) === 1) ones.add(out);
      return out;
    }
    const mapped = child.map((c, path, parent) => (parent.type === 'FunctionNode' && path === 'fn' ? c : visit(c))) as Parts;
    if (mapped.type === 'OperatorNode' && mapped.args?.length === 2) {
      const [a, b] = mapped.args;
      if (mapped.fn === 'multiply' && ones.has(a)) return b;
      if ((mapped.fn === 'multiply' || mapped.fn === 'divide') && ones.has(b)) return a;
    }
    return mapped;
  };
  // What stays of `(x + y) / (1 uF/cm^2)` is `x + y`.
  return unparen(visit(node));
}

/**
 * An equation as text that parses back to the same tree: mathjs' own
 * printing, but a conditional's parts in parentheses only where they are
 * conditionals themselves (mathjs puts every operator there in them).
 */
export function printed(node: MathNode): string {
  const handler = (n: MathNode, options: object): string | undefined => {
    if (n.type !== 'ConditionalNode') return undefined;
    const c = n as MathNode & { condition: MathNode; trueExpr: MathNode; falseExpr: MathNode };
    const part = (x: MathNode) => (x.type === 'ConditionalNode' ? `(${x.toString(options)})` : x.toString(options));
    return `${part(c.condition)} ? ${part(c.trueExpr)} : ${part(c.falseExpr)}`;
  };
  return node.toString({ handler } as never);
}
