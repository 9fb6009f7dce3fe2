/**
 * Dimensional checks of one equation tree: sums, differences, comparisons,
 * the branches of a conditional, and `min`, `max`, `clip` agree; `exp`,
 * `log`, `sin`, `cos`, `tan`, `tanh` take and give pure numbers; a power of
 * a quantity with a dimension has a constant exponent; `sqrt` and `cbrt`
 * take the half and the third of each exponent. A literal 0 is 0 in every
 * unit, so it agrees with anything (`v > 0`, `c ? 0 : x`).
 */
import type { MathNode } from 'mathjs';
import { symbolsOf } from '../expr/parse.js';
import { printed } from './numbers.js';
import { DIMENSIONLESS, formatUnit, isDimensionless, powerOf, productOf, sameDimension, type PhysicalUnit } from './quantity.js';

/**
 * The unit of a name of an equation: a field, a built-in name, a unit name
 * (`mV`), a constant (dimensionless); null for a name whose unit is not known
 * (an unknown symbol, reported elsewhere; a side of a synapse not yet
 * joined): the equation is then not checked.
 */
export type UnitLookup = (name: string) => PhysicalUnit | null;

/** What an equation must measure: the unit, and how a message names it (`dv/dt`, `v`, `the refractory period`). */
export interface UnitTarget {
  readonly unit: PhysicalUnit;
  readonly label: string;
}

/** A literal zero: it agrees with every unit. */
const ZERO = Symbol('zero');
type Found = PhysicalUnit | typeof ZERO;

/** Thrown inside the walk: the message of the first mismatch. */
class Mismatch {
  constructor(readonly what: string) {}
}
/** Thrown inside the walk: a name of unknown unit; the equation is not checked. */
class Unknown {}

/** Functions of pure numbers. */
const TRANSCENDENTAL = new Set(['exp', 'log', 'sin', 'cos', 'tan', 'tanh']);
/** Functions whose value has the unit of their argument. */
const SAME = new Set(['abs', 'floor', 'ceil']);
/** Functions whose arguments agree, and give their unit. */
const AGREEING = new Set(['min', 'max', 'clip']);
const COMPARISONS = new Set(['smaller', 'smallerEq', 'larger', 'largerEq', 'equal', 'unequal']);
const LOGICAL = new Set(['and', 'or', 'not']);

const text = (n: MathNode) => `'${printed(n)}'`;
const show = (u: PhysicalUnit) => formatUnit(u);

/**
 * Checks one equation dimensionally.
 * @param node - the parsed equation (unit names still in it)
 * @param target - the unit it must have, or undefined (a spike condition: only its parts must agree)
 * @param lookup - the unit of each name
 * @returns the first mismatch as a sentence without the final period (naming the
 *   offending sub-expression and both units), or null when the equation is
 *   consistent or reads a name of unknown unit
 */
export function checkUnits(node: MathNode, target: UnitTarget | undefined, lookup: UnitLookup): string | null {
  try {
    if (target) expectUnit(node, target, lookup);
    else unitOf(node, lookup);
    return null;
  } catch (error) {
    if (error instanceof Mismatch) return error.what;
    if (error instanceof Unknown) return null;
    throw error;
  }
}

/** The unit of an expression; a literal 0 has no unit of its own ({@link ZERO}). */
export function unitOfExpression(node: MathNode, lookup: UnitLookup): PhysicalUnit | null {
  try {
    const u = unitOf(node, lookup);
    return u === ZERO ? DIMENSIONLESS : u;
  } catch (error) {
    if (error instanceof Mismatch || error instanceof Unknown) return null;
    throw error;
  }
}

/** Pushes the expected unit down through sums, signs, parentheses and conditionals, so that the first term that differs is named. */
function expectUnit(node: MathNode, target: UnitTarget, lookup: UnitLookup): void {
  const n = node as MathNode & { fn?: string; args?: MathNode[]; content?: MathNode; condition?: MathNode; trueExpr?: MathNode; falseExpr?: MathNode };
  if (node.type === 'ParenthesisNode') return expectUnit(n.content!, target, lookup);
  if (node.type === 'OperatorNode' && ['add', 'subtract', 'unaryMinus', 'unaryPlus'].includes(String(n.fn))) {
    for (const a of n.args!) expectUnit(a, target, lookup);
    return;
  }
  if (node.type === 'ConditionalNode') {
    unitOf(n.condition!, lookup);
    expectUnit(n.trueExpr!, target, lookup);
    expectUnit(n.falseExpr!, target, lookup);
    return;
  }
  const found = unitOf(node, lookup);
  if (found !== ZERO && !sameDimension(found, target.unit)) throw new Mismatch(`${text(node)} has unit ${show(found)}, but ${target.label} must be in ${show(target.unit)}`);
}

/** Whether a node is a literal 0 (with signs and parentheses). */
function isZero(node: MathNode): boolean {
  const n = node as MathNode & { value?: unknown; fn?: string; args?: MathNode[]; content?: MathNode };
  if (node.type === 'ConstantNode') return n.value === 0;
  if (node.type === 'ParenthesisNode') return isZero(n.content!);
  return node.type === 'OperatorNode' && (n.fn === 'unaryMinus' || n.fn === 'unaryPlus') && isZero(n.args![0]);
}

/** The unit all of `args` share (the first that is not a literal 0), or a mismatch described by `why`. */
function agreeing(args: readonly MathNode[], lookup: UnitLookup, why: (a: MathNode, ua: PhysicalUnit, b: MathNode, ub: PhysicalUnit) => string): Found {
  let first: { node: MathNode; unit: PhysicalUnit } | undefined;
  for (const a of args) {
    const u = unitOf(a, lookup);
    if (u === ZERO) continue;
    if (!first) first = { node: a, unit: u };
    else if (!sameDimension(first.unit, u)) throw new Mismatch(why(first.node, first.unit, a, u));
  }
  return first?.unit ?? ZERO;
}

/** The value of an exponent, which must read no name. */
function constantExponent(node: MathNode): number | undefined {
  if (symbolsOf(node).length) return undefined;
  const value: unknown = node.evaluate();
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function unitOf(node: MathNode, lookup: UnitLookup): Found {
  const n = node as MathNode & { fn?: string | { name?: string }; args?: MathNode[]; content?: MathNode; name?: string; condition?: MathNode; trueExpr?: MathNode; falseExpr?: MathNode };
  switch (node.type) {
    case 'ConstantNode':
      return isZero(node) ? ZERO : DIMENSIONLESS;
    case 'ParenthesisNode':
      return unitOf(n.content!, lookup);
    case 'SymbolNode': {
      const u = lookup(n.name!);
      if (u === null) throw new Unknown();
      return u;
    }
    case 'ConditionalNode':
      unitOf(n.condition!, lookup);
      return agreeing([n.trueExpr!, n.falseExpr!], lookup, (a, ua, b, ub) => `the branches of ${text(node)} differ: ${text(a)} has unit ${show(ua)}, ${text(b)} has unit ${show(ub)}`);
    case 'OperatorNode':
      return operator(node, String(n.fn), n.args!, lookup);
    case 'FunctionNode':
      return call(node, typeof n.fn === 'object' ? String(n.fn?.name) : String(n.fn), n.args!, lookup);
    default:
      throw new Unknown();
  }
}

function operator(node: MathNode, fn: string, args: MathNode[], lookup: UnitLookup): Found {
  if (fn === 'add' || fn === 'subtract') {
    return agreeing(args, lookup, (a, ua, b, ub) => `${text(node)} ${fn === 'add' ? 'adds' : 'subtracts'} ${text(b)} (${show(ub)}) ${fn === 'add' ? 'to' : 'from'} ${text(a)} (${show(ua)})`);
  }
  if (fn === 'unaryMinus' || fn === 'unaryPlus') return unitOf(args[0], lookup);
  if (fn === 'multiply' || fn === 'divide') {
    const [a, b] = args.map((x) => unitOf(x, lookup));
    if (a === ZERO || b === ZERO) return ZERO;
    return productOf(a, fn === 'divide' ? powerOf(b, -1) : b);
  }
  if (fn === 'pow') return raised(node, args[0], args[1], lookup);
  if (COMPARISONS.has(fn)) {
    agreeing(args, lookup, (a, ua, b, ub) => `${text(node)} compares ${text(a)} (${show(ua)}) with ${text(b)} (${show(ub)})`);
    return DIMENSIONLESS;
  }
  if (LOGICAL.has(fn)) {
    for (const a of args) unitOf(a, lookup);
    return DIMENSIONLESS;
  }
  throw new Unknown();
}

function raised(node: MathNode, base: MathNode, exponent: MathNode, lookup: UnitLookup): Found {
  const b = unitOf(base, lookup);
  const e = unitOf(exponent, lookup);
  if (e !== ZERO && !isDimensionless(e)) throw new Mismatch(`the exponent ${text(exponent)} of ${text(node)} has unit ${show(e)}; an exponent is a pure number`);
  if (b === ZERO || isDimensionless(b)) return b;
  const p = constantExponent(exponent);
  if (p === undefined) throw new Mismatch(`${text(node)} raises ${text(base)} (${show(b)}) to ${text(exponent)}, which is not a constant: the unit of the result would change with its value`);
  return powerOf(b, p);
}

function call(node: MathNode, fn: string, args: MathNode[], lookup: UnitLookup): Found {
  if (fn === 'rand' || fn === 'randn') return DIMENSIONLESS;
  if (TRANSCENDENTAL.has(fn)) {
    const u = unitOf(args[0], lookup);
    if (u !== ZERO && !isDimensionless(u)) throw new Mismatch(`${fn}() takes a pure number, but ${text(args[0])} has unit ${show(u)}`);
    return DIMENSIONLESS;
  }
  if (SAME.has(fn)) return unitOf(args[0], lookup);
  if (fn === 'sqrt' || fn === 'cbrt') {
    const u = unitOf(args[0], lookup);
    return u === ZERO ? ZERO : powerOf(u, fn === 'sqrt' ? 1 / 2 : 1 / 3);
  }
  if (fn === 'pow') return raised(node, args[0], args[1], lookup);
  if (AGREEING.has(fn)) return agreeing(args, lookup, (a, ua, b, ub) => `the arguments of ${text(node)} differ: ${text(a)} has unit ${show(ua)}, ${text(b)} has unit ${show(ub)}`);
  throw new Unknown();
}
