/**
 * The package's own mathjs instance: the parser, `simplify`, `derivative`,
 * the node classes and the functions an equation may call, built with
 * mathjs' `create` from the factories these need and nothing else. Importing
 * mathjs whole (`import … from 'mathjs'`) loads and creates every one of its
 * several hundred functions, which took most of the time of importing this
 * package. Here nothing of mathjs is loaded when the package is imported:
 * the factory files are loaded, and the instance made, on first use (the
 * first equation parsed), and `create` makes each function the first time it
 * is read.
 *
 * Every file of `lib/` takes mathjs values from here; elsewhere `'mathjs'` is
 * imported for types only (`npm run layers` checks it).
 *
 * The factories are mathjs' own, those its full build uses (with complex
 * numbers, fractions and big numbers, not the numbers-only ones), so parsing,
 * simplification, derivatives and evaluation give the full build's results.
 * mathjs' package exports only its two prebuilt entries (`mathjs`,
 * `mathjs/number`), so the factory files are loaded by path, from the folder
 * of the entry `import 'mathjs'` resolves to. They are loaded with
 * `require`, which loads ES modules synchronously on the Node versions the
 * package supports: no top-level await, so `require('neural-ts')` keeps
 * working. They are the ES modules of mathjs, not its CommonJS build, so
 * that they are the very modules a program's own `import 'mathjs'` loads:
 * mathjs gives the first instance made by its `typed` module the one shared
 * typed-function and every later one a new one, which holds only within one
 * build (an instance of each build would share it: the second would clear the
 * types of the first, and fail on adding the conversion `parse` adds).
 * Should a release of mathjs move a file or add a dependency, the full build
 * is loaded instead: slower to import, the same results.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as mathjs from 'mathjs';

/** The names the library takes from mathjs: what {@link math} holds, with its dependencies. */
export const SELECTED = [
  // parsing, the tree passes and the node classes they build
  'parse', 'simplify', 'simplifyCore', 'simplifyConstant', 'derivative', 'equal', 'isZero',
  'ConditionalNode', 'ConstantNode', 'FunctionNode', 'OperatorNode', 'ParenthesisNode', 'SymbolNode',
  // evaluation and constant folding of equations: their operators (lib/expr/parse.ts, OPERATORS) …
  'add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus',
  'smaller', 'smallerEq', 'larger', 'largerEq', 'unequal', 'and', 'or', 'not',
  // … their functions (FUNCTIONS), those derivatives introduce (sec and sech by mathjs,
  // sign by the graph of lib/symbolic/dag.ts), and the constants
  'abs', 'exp', 'log', 'sqrt', 'cbrt', 'min', 'max', 'sin', 'cos', 'tan', 'tanh', 'floor', 'ceil', 'sec', 'sech', 'sign', 'pi', 'e',
  // physical units: the unit strings of declarations and the unit names of equations (lib/units/)
  'Unit',
] as const;

/**
 * Every factory the {@link SELECTED} names need (mathjs' `dependencies`,
 * followed to the end), by folder of mathjs' `lib/esm/`. The optional
 * dependencies are in too, so that values behave as in the full build:
 * `simplifyConstant` folds with exact fractions (`fraction`), `log(-1)` is
 * complex (`Complex`), not NaN. The `Unit` class is in for `lib/units/`
 * (its table of units and prefixes, and `Unit.parse`); with it, evaluating
 * an undefined symbol named like a unit (`ms`) gives that unit, which the
 * library never does: every symbol of an equation is declared, and unit
 * names are turned into numbers before an equation is evaluated.
 * A name `n` is the file `n.js`, exporting `createN` (`createNClass` for a
 * class); `pi` and `e` are in `constants.js`.
 */
const FACTORIES: Readonly<Record<string, readonly string[]>> = {
  'core/function': ['typed'],
  '.': ['pi', 'e'],
  expression: ['parse'],
  'expression/node': [
    'AccessorNode', 'ArrayNode', 'AssignmentNode', 'BlockNode', 'ConditionalNode', 'ConstantNode', 'FunctionAssignmentNode', 'FunctionNode',
    'IndexNode', 'Node', 'ObjectNode', 'OperatorNode', 'ParenthesisNode', 'RangeNode', 'RelationalNode', 'SymbolNode',
  ],
  'function/algebra': ['derivative', 'resolve', 'simplify', 'simplifyConstant', 'simplifyCore'],
  'function/arithmetic': [
    'abs', 'add', 'addScalar', 'cbrt', 'ceil', 'divide', 'divideScalar', 'exp', 'fix', 'floor', 'log', 'multiply', 'multiplyScalar', 'pow', 'round',
    'sign', 'sqrt', 'subtract', 'subtractScalar', 'unaryMinus', 'unaryPlus',
  ],
  'function/complex': ['conj'],
  'function/logical': ['and', 'not', 'or'],
  'function/matrix': ['concat', 'det', 'dot', 'identity', 'inv', 'size', 'subset', 'zeros'],
  'function/relational': ['equal', 'equalScalar', 'larger', 'largerEq', 'smaller', 'smallerEq', 'unequal'],
  'function/statistics': ['max', 'min'],
  'function/string': ['format'],
  'function/trigonometry': ['cos', 'sec', 'sech', 'sin', 'tan', 'tanh'],
  'function/utils': ['isBounded', 'isInteger', 'isNaN', 'isNegative', 'isNumeric', 'isZero', 'numeric', 'typeOf'],
  json: ['replacer'],
  type: ['number'],
  'type/bignumber': ['BigNumber'],
  'type/bignumber/function': ['bignumber'],
  'type/complex': ['Complex'],
  'type/complex/function': ['complex'],
  'type/fraction': ['Fraction'],
  'type/fraction/function': ['fraction'],
  'type/matrix': ['DenseMatrix', 'Matrix', 'SparseMatrix'],
  'type/matrix/function': ['matrix'],
  'type/resultset': ['ResultSet'],
  'type/unit': ['Unit'],
};

/** The part of a mathjs instance the library uses. */
export type MathInstance = Pick<mathjs.MathJsInstance, (typeof SELECTED)[number]>;

interface Factory {
  (scope: object): unknown;
  fn: string;
  dependencies: string[];
}

/** Dependencies `create` supplies itself rather than from a factory. */
const SUPPLIED = new Set(['math', 'mathWithTransform', 'classes']);

/**
 * The instance from {@link FACTORIES}, or undefined when a file or a factory
 * is missing or one needs a dependency not in the list (another mathjs
 * release). Nothing is created here: `create` makes each function the first
 * time it is read.
 */
function fromFactories(require: NodeJS.Require, root: string): MathInstance | undefined {
  try {
    const factories: Record<string, Factory> = {};
    for (const [folder, names] of Object.entries(FACTORIES)) {
      for (const name of names) {
        const file = join(root, folder, folder === '.' ? 'constants.js' : `${name}.js`);
        const exported = require(file) as Record<string, Factory | undefined>;
        const capital = name[0].toUpperCase() + name.slice(1);
        const factory = exported[`create${capital}`] ?? exported[`create${capital}Class`];
        if (typeof factory !== 'function' || factory.fn !== name) return undefined;
        factories[name] = factory;
      }
    }
    const { create } = require(join(root, 'core', 'create.js')) as { create: (factories: object) => Record<string, unknown> };
    const instance = create(factories);
    // `in` reads no lazy property, so this creates nothing.
    const complete = Object.values(factories).every((f) => f.dependencies.every((d) => d.startsWith('?') || SUPPLIED.has(d) || d in instance));
    return complete && SELECTED.every((name) => name in instance) ? (instance as unknown as MathInstance) : undefined;
  } catch {
    return undefined;
  }
}

/** mathjs' ES module entry (`lib/esm/index.js`), resolved at import, so that a missing mathjs fails there; the factories are beside it. */
const ENTRY = fileURLToPath(import.meta.resolve('mathjs'));

let loaded: { instance: MathInstance; full: boolean } | undefined;

/**
 * The mathjs instance, made on the first call: the factories of
 * {@link FACTORIES}, or mathjs' full build where they cannot be loaded
 * (`full`; specs check it is false).
 */
export function mathInstance(): { instance: MathInstance; full: boolean } {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    const instance = fromFactories(require, dirname(ENTRY));
    loaded = instance ? { instance, full: false } : { instance: require(ENTRY) as MathInstance, full: true };
  }
  return loaded;
}

/**
 * The library's mathjs instance (see the top of this file): the
 * {@link SELECTED} names, each read from the instance that
 * {@link mathInstance} makes on first use.
 */
export const math = Object.defineProperties(
  {},
  Object.fromEntries(SELECTED.map((name) => [name, { enumerable: true, get: () => mathInstance().instance[name] }])),
) as MathInstance;

type NodeClass = 'ConditionalNode' | 'ConstantNode' | 'FunctionNode' | 'OperatorNode' | 'ParenthesisNode' | 'SymbolNode';

/**
 * A stand-in for a node class of {@link math}: `new` on it makes a node of
 * the class itself, and `instanceof` tests for that class.
 */
function nodeClass<K extends NodeClass>(name: K): MathInstance[K] {
  const real = () => mathInstance().instance[name] as unknown as new (...args: unknown[]) => object;
  // A constructor that returns an object makes `new` give that object.
  const standIn = function (...args: unknown[]) {
    return Reflect.construct(real(), args);
  };
  Object.defineProperty(standIn, Symbol.hasInstance, { value: (x: unknown) => x instanceof real() });
  return standIn as unknown as MathInstance[K];
}

/**
 * mathjs' node classes, of {@link math} (a tree built with them can be
 * simplified and evaluated by it). Each is a class and, under the same name,
 * the type of its nodes.
 */
export const ConditionalNode = nodeClass('ConditionalNode');
export const ConstantNode = nodeClass('ConstantNode');
export const FunctionNode = nodeClass('FunctionNode');
export const OperatorNode = nodeClass('OperatorNode');
export const ParenthesisNode = nodeClass('ParenthesisNode');
export const SymbolNode = nodeClass('SymbolNode');
export type ConditionalNode = mathjs.ConditionalNode;
export type ConstantNode = mathjs.ConstantNode;
export type FunctionNode = mathjs.FunctionNode;
export type OperatorNode = mathjs.OperatorNode;
export type ParenthesisNode = mathjs.ParenthesisNode;
export type SymbolNode = mathjs.SymbolNode;

/**
 * mathjs `parse` of one expression, by {@link math}.
 * @param text - the expression, e.g. `'-v / tau'`
 * @returns its tree
 * @throws mathjs' `SyntaxError` (with the character position) on text that does not parse
 */
export function parse(text: string): mathjs.MathNode {
  return math.parse(text);
}
