/**
 * Parsing and checking equation text. Everything the rest of the pipeline sees
 * has passed through {@link parseExpression}: only the node types, operators and
 * functions listed here can reach a back end.
 */
import type { MathNode } from 'mathjs';
import { parse } from './math.js';
import { ExpressionError } from '../errors.js';
import { checkText, checkTree } from './limits.js';

/**
 * A frozen record without a prototype: a lookup of a name that is not a key
 * (`toString`, `constructor`, or a name another package added to
 * `Object.prototype`) finds nothing.
 */
function ownRecord<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** Functions an equation may call, with their arity. Look names up with `Object.hasOwn`. */
export const FUNCTIONS: Readonly<Record<string, number>> = ownRecord({
  abs: 1, exp: 1, log: 1, sqrt: 1, cbrt: 1, pow: 2, min: 2, max: 2,
  sin: 1, cos: 1, tan: 1, tanh: 1, floor: 1, ceil: 1,
  clip: 3, rand: 0, randn: 0,
});

/** `clip(x, lo, hi)`: x kept in [lo, hi] (statements only: it has no derivative). */
export const CLIP = 'clip';

/**
 * Functions that draw random numbers (`rand()`: uniform in [0, 1),
 * `randn()`: standard normal): each call in an equation is its own draw, for
 * each unit and step. They may appear in spike conditions, resets and
 * `@post` equations, not in derivatives (noise in a derivative is `xi`).
 */
export const RANDOM_FUNCTIONS: ReadonlySet<string> = new Set(['rand', 'randn']);

/**
 * Symbols every equation may read without declaring them: the time `t` at
 * the start of the step and the step `dt`, both in the model's time unit.
 */
export const BUILTINS: ReadonlySet<string> = new Set(['t', 'dt']);

/** Gaussian white noise in a derivative (see `derivative`). */
export const NOISE = 'xi';

/** Operators an equation may use (mathjs `fn` names). */
export const OPERATORS = new Set([
  'add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus',
  'smaller', 'smallerEq', 'larger', 'largerEq', 'equal', 'unequal', 'and', 'or', 'not',
]);

/**
 * Named constants an equation may use without declaring them. A model cannot
 * declare a field with one of these names (see `readModel`).
 */
export const CONSTANTS: Readonly<Record<string, number>> = ownRecord({ pi: Math.PI, e: Math.E });

/** Whether `name` is one of {@link CONSTANTS} (own keys only). */
export function isConstant(name: string): boolean {
  return Object.hasOwn(CONSTANTS, name);
}

const cache = new Map<string, MathNode>();

/**
 * Parses one equation and checks that it only uses supported syntax.
 * Results are cached by text; the returned tree must not be mutated.
 * @param text - the equation, e.g. `'(stimulus + bias) / c'`
 * @param where - named in the error, e.g. `IAF#v`
 * @throws {@link ExpressionError} on a syntax error (with its position), an unsupported construct,
 *   or text that is too long or nests too deeply (see `limits.ts`)
 */
export function parseExpression(text: string, where: string): MathNode {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new ExpressionError(where, `the equation ${JSON.stringify(text)} is empty or not a string.`, 'Write a mathjs expression such as \'-v / tau\'.');
  }
  const hit = cache.get(text);
  if (hit) return hit;
  checkText(text, where);
  let node: MathNode;
  try {
    node = parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ExpressionError(where, `'${text}' does not parse: ${message}.`, 'Fix the syntax of the expression (mathjs syntax: + - * / ^, c ? a : b, and, or, not).', { cause: error });
  }
  checkTree(node, text, where);
  checkSyntax(node, text, where);
  cache.set(text, node);
  return node;
}

function checkSyntax(root: MathNode, text: string, where: string): void {
  root.traverse((node) => {
    const n = node as MathNode & { fn?: { name?: string } | string; name?: string; args?: MathNode[]; value?: unknown };
    switch (node.type) {
      case 'ConstantNode':
        if (typeof n.value !== 'number') {
          throw new ExpressionError(where, `'${text}' contains the constant ${JSON.stringify(n.value)}, which is not a number.`, 'Use numbers only.');
        }
        return;
      case 'SymbolNode':
      case 'ParenthesisNode':
      case 'ConditionalNode':
        return;
      case 'OperatorNode':
        if (!OPERATORS.has(String(n.fn))) {
          throw new ExpressionError(where, `'${text}' uses the operator '${(node as unknown as { op: string }).op}', which is not supported.`, `Use one of + - * / ^ < <= > >= == != and or not.`);
        }
        return;
      case 'FunctionNode': {
        const name = typeof n.fn === 'object' ? n.fn?.name ?? '' : String(n.fn);
        const arity = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
        if (arity === undefined) {
          throw new ExpressionError(where, `'${text}' calls '${name}', which is not a supported function.`, `Use one of ${Object.keys(FUNCTIONS).join(', ')}.`);
        }
        if (n.args?.length !== arity) {
          throw new ExpressionError(where, `'${text}' calls '${name}' with ${n.args?.length} arguments; it takes ${arity}.`, `Call ${name} with ${arity} argument${arity > 1 ? 's' : ''}.`);
        }
        return;
      }
      default:
        throw new ExpressionError(where, `'${text}' contains a ${node.type}, which an equation cannot hold.`, 'Write a single expression without assignments, indexing, matrices or strings.');
    }
  });
}

/** The names of the functions an expression calls, sorted. */
export function functionsOf(node: MathNode): string[] {
  const names = new Set<string>();
  node.traverse((child) => {
    if (child.type === 'FunctionNode') names.add(String((child as unknown as { fn: { name?: string } }).fn?.name ?? ''));
  });
  return [...names].sort();
}

/** The names of the symbols an expression reads (functions excluded), sorted. */
export function symbolsOf(node: MathNode): string[] {
  const names = new Set<string>();
  node.traverse((child, path, parent) => {
    if (child.type === 'SymbolNode' && !(parent?.type === 'FunctionNode' && path === 'fn')) {
      names.add((child as unknown as { name: string }).name);
    }
  });
  return [...names].sort();
}
