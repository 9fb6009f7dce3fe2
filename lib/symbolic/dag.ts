/**
 * Expressions as shared graphs (DAGs), for models too large for mathjs.
 *
 * Substituting intermediates into an equation copies nothing here: every
 * distinct subexpression is one {@link Term}, made once by a {@link TermStore}
 * (hash-consing), so structurally equal terms are the same object. A chain of
 * intermediates that each use the previous one twice is a graph as long as the
 * chain, although the tree it stands for doubles with every link. Every pass
 * below visits each term once, without recursion, and so takes time linear in
 * the size of the graph whatever the depth of the tree.
 */
import type { MathNode } from 'mathjs';
import { ConditionalNode, ConstantNode, FunctionNode, OperatorNode, SymbolNode } from '../expr/math.js';
import { ExpressionError } from '../errors.js';

/**
 * Evaluates `make` bottom-up over a graph: each node once, children first,
 * with an explicit stack instead of recursion. Results are kept in `memo`.
 * @param children - the nodes `make` needs the results of (may omit some)
 * @param make - the result for a node, given those of its children in order
 */
export function postOrder<N, R>(root: N, children: (n: N) => readonly N[], make: (n: N, results: R[]) => R, memo: Map<N, R> = new Map()): R {
  const hit = memo.get(root);
  if (hit !== undefined || memo.has(root)) return hit as R;
  const stack: N[] = [root];
  while (stack.length) {
    const n = stack[stack.length - 1];
    if (memo.has(n)) {
      stack.pop();
      continue;
    }
    const kids = children(n);
    let ready = true;
    for (let i = kids.length - 1; i >= 0; i--) {
      if (!memo.has(kids[i])) {
        stack.push(kids[i]);
        ready = false;
      }
    }
    if (!ready) continue;
    stack.pop();
    memo.set(n, make(n, kids.map((k) => memo.get(k) as R)));
  }
  return memo.get(root) as R;
}

/** One distinct subexpression. */
export interface Term {
  readonly id: number;
  /** `op`: a mathjs operator (name is its `fn`, e.g. `add`); `fn`: a function call; `cond`: `c ? a : b`. */
  readonly kind: 'num' | 'sym' | 'op' | 'fn' | 'cond';
  /** The symbol, operator (`fn`) or function name; '' for numbers and conditionals. */
  readonly name: string;
  /** The value of a number. */
  readonly value: number;
  readonly args: readonly Term[];
  /** Nodes in the tree this term stands for (it may be Infinity). */
  readonly size: number;
  /** Depth of that tree. */
  readonly depth: number;
  /** Bit i set: reads the i-th tracked symbol. */
  readonly deps: bigint;
  /** Tracked symbols read inside a condition, comparison, logic, floor or ceil. */
  readonly stepDeps: bigint;
  /** An upper bound on the branches once every conditional is lifted to the top. */
  readonly branches: number;
}

const OPERATOR: Readonly<Record<string, string>> = {
  add: '+', subtract: '-', multiply: '*', divide: '/', pow: '^', unaryMinus: '-', unaryPlus: '+',
  smaller: '<', smallerEq: '<=', larger: '>', largerEq: '>=', equal: '==', unequal: '!=', and: 'and', or: 'or', not: 'not',
};
const LOGICAL = new Set(['smaller', 'smallerEq', 'larger', 'largerEq', 'equal', 'unequal', 'and', 'or', 'not']);

/** True for terms whose value is piecewise constant: comparisons, logic, floor, ceil. */
export function isStepTerm(t: Term): boolean {
  return (t.kind === 'op' && LOGICAL.has(t.name)) || (t.kind === 'fn' && (t.name === 'floor' || t.name === 'ceil'));
}

type AnyNode = MathNode & {
  args?: MathNode[]; fn?: unknown; name?: string; content?: MathNode;
  condition?: MathNode; trueExpr?: MathNode; falseExpr?: MathNode; value?: unknown;
};

/** The children of a mathjs node, in order. */
export function mathChildren(node: MathNode): MathNode[] {
  const n = node as AnyNode;
  switch (node.type) {
    case 'ParenthesisNode': return [n.content!];
    case 'ConditionalNode': return [n.condition!, n.trueExpr!, n.falseExpr!];
    case 'OperatorNode':
    case 'FunctionNode': return n.args!;
    default: return [];
  }
}

/**
 * Makes and shares the terms of one model. Symbols named in `tracked` (the
 * states) are followed through every term, so that "does this term read x?"
 * costs nothing.
 */
export class TermStore {
  private readonly table = new Map<string, Term>();
  private readonly bits = new Map<string, bigint>();
  private readonly maths = new Map<Term, MathNode>();
  private readonly derivatives = new Map<string, Map<Term, Term>>();
  private next = 0;
  readonly zero: Term;
  readonly one: Term;

  constructor(tracked: readonly string[]) {
    tracked.forEach((name, i) => this.bits.set(name, 1n << BigInt(i)));
    this.zero = this.num(0);
    this.one = this.num(1);
  }

  /** Whether `t` reads the tracked symbol `x`. */
  reads(t: Term, x: string): boolean {
    const bit = this.bits.get(x);
    return bit !== undefined && (t.deps & bit) !== 0n;
  }

  /** Whether `x` occurs in a condition, comparison, logic, floor or ceil inside `t`. */
  readsInStep(t: Term, x: string): boolean {
    const bit = this.bits.get(x);
    return bit !== undefined && (t.stepDeps & bit) !== 0n;
  }

  /** The shared term for a node with these parts. */
  make(kind: Term['kind'], name: string, args: readonly Term[], value = 0): Term {
    const key = kind === 'num'
      ? `#${Object.is(value, -0) ? '-0' : String(value)}`
      : `${kind}:${name}(${args.map((a) => a.id).join(',')})`;
    const hit = this.table.get(key);
    if (hit) return hit;
    let size = 1;
    let depth = 0;
    let deps = kind === 'sym' ? this.bits.get(name) ?? 0n : 0n;
    let stepDeps = 0n;
    let product = 1;
    for (const a of args) {
      size += a.size;
      depth = Math.max(depth, a.depth);
      deps |= a.deps;
      stepDeps |= a.stepDeps;
      product *= a.branches;
    }
    const t = { id: this.next++, kind, name, value, args, size, depth: depth + 1, deps, stepDeps, branches: 1 } as { -readonly [K in keyof Term]: Term[K] };
    if (kind === 'cond') {
      t.stepDeps = args[0].deps | args[1].stepDeps | args[2].stepDeps;
      t.branches = args[1].branches + args[2].branches;
    } else if (isStepTerm(t)) {
      t.stepDeps = deps;
    } else if (kind === 'fn' && (name === 'min' || name === 'max')) {
      t.branches = 2 * product;
    } else {
      t.branches = product;
    }
    this.table.set(key, t);
    return t;
  }

  num(v: number): Term {
    return this.make('num', '', [], v);
  }

  sym(name: string): Term {
    return this.make('sym', name, []);
  }

  /**
   * The term of a mathjs tree, with the symbols in `env` replaced by their
   * terms (intermediates substituted, sharing them). Parentheses and unary
   * plus are dropped; `pow(a, b)` becomes `a ^ b`.
   */
  fromMath(root: MathNode, env: ReadonlyMap<string, Term> = new Map()): Term {
    return postOrder<MathNode, Term>(root, mathChildren, (node, args) => {
      const n = node as AnyNode;
      switch (node.type) {
        case 'ConstantNode': return this.num(Number(n.value));
        case 'SymbolNode': return env.get(n.name!) ?? this.sym(n.name!);
        case 'ParenthesisNode': return args[0];
        case 'ConditionalNode': return this.make('cond', '', args);
        case 'OperatorNode': {
          const fn = String(n.fn);
          return fn === 'unaryPlus' ? args[0] : this.make('op', fn, args);
        }
        case 'FunctionNode': {
          const name = (n.fn as { name: string }).name;
          return name === 'pow' ? this.make('op', 'pow', args) : this.make('fn', name, args);
        }
      }
      throw new ExpressionError(node.toString(), `a ${node.type} cannot appear in an equation.`, '');
    });
  }

  /** A mathjs tree for a term; shared terms give shared nodes, so it is as small as the graph. Do not mutate it. */
  toMath(root: Term): MathNode {
    return postOrder<Term, MathNode>(root, (t) => t.args, (t, args) => {
      switch (t.kind) {
        case 'num': return new ConstantNode(t.value);
        case 'sym': return new SymbolNode(t.name);
        case 'cond': return new ConditionalNode(args[0], args[1], args[2]);
        case 'fn': return new FunctionNode(new SymbolNode(t.name), args);
        case 'op': return new OperatorNode(OPERATOR[t.name] as never, t.name as never, args);
      }
    }, this.maths);
  }

  // Constructors that fold numbers and the identities 0 + a, 1·a, 0·a, a/1, a^1, −(−a).

  add(a: Term, b: Term): Term {
    if (a.kind === 'num' && b.kind === 'num') return this.num(a.value + b.value);
    if (a === this.zero) return b;
    if (b === this.zero) return a;
    return this.make('op', 'add', [a, b]);
  }

  sub(a: Term, b: Term): Term {
    if (a.kind === 'num' && b.kind === 'num') return this.num(a.value - b.value);
    if (b === this.zero) return a;
    if (a === this.zero) return this.neg(b);
    return this.make('op', 'subtract', [a, b]);
  }

  mul(a: Term, b: Term): Term {
    if (a.kind === 'num' && b.kind === 'num') return this.num(a.value * b.value);
    if (a === this.zero || b === this.zero) return this.zero;
    if (a === this.one) return b;
    if (b === this.one) return a;
    return this.make('op', 'multiply', [a, b]);
  }

  div(a: Term, b: Term): Term {
    if (a.kind === 'num' && b.kind === 'num' && b.value !== 0) return this.num(a.value / b.value);
    if (a === this.zero) return this.zero;
    if (b === this.one) return a;
    return this.make('op', 'divide', [a, b]);
  }

  neg(a: Term): Term {
    if (a.kind === 'num') return this.num(-a.value);
    if (a.kind === 'op' && a.name === 'unaryMinus') return a.args[0];
    return this.make('op', 'unaryMinus', [a]);
  }

  pow(a: Term, b: Term): Term {
    if (b === this.one) return a;
    if (b === this.zero) return this.one;
    return this.make('op', 'pow', [a, b]);
  }

  call(name: string, ...args: Term[]): Term {
    return this.make('fn', name, args);
  }

  /** A term with new arguments, through the folding constructors where there is one. */
  rebuild(t: Term, args: Term[]): Term {
    if (t.kind === 'op') {
      switch (t.name) {
        case 'add': return this.add(args[0], args[1]);
        case 'subtract': return this.sub(args[0], args[1]);
        case 'multiply': return this.mul(args[0], args[1]);
        case 'divide': return this.div(args[0], args[1]);
        case 'unaryMinus': return this.neg(args[0]);
        case 'pow': return this.pow(args[0], args[1]);
      }
    }
    if (t.kind === 'cond' && args[0].kind === 'num') return args[0].value !== 0 ? args[1] : args[2];
    return this.make(t.kind, t.name, args, t.value);
  }

  /** `t` with the tracked symbol `x` replaced by `value`, folded. */
  substitute(root: Term, x: string, value: Term): Term {
    return postOrder<Term, Term>(root, (t) => (this.reads(t, x) ? t.args : []), (t, args) => {
      if (!this.reads(t, x)) return t;
      if (t.kind === 'sym') return value;
      return this.rebuild(t, args);
    });
  }

  /**
   * ∂t/∂x, folded as it is built (results are remembered per x). Conditionals
   * differentiate branch by branch with the condition kept; comparisons,
   * logic, floor and ceil count as locally constant; `min` and `max`
   * differentiate as the conditionals `a <= b ? a : b` and `a >= b ? a : b`.
   * @param where - named in the error for a function without a derivative
   */
  derivative(root: Term, x: string, where: string): Term {
    let memo = this.derivatives.get(x);
    if (!memo) this.derivatives.set(x, (memo = new Map()));
    const children = (t: Term): readonly Term[] => {
      if (!this.reads(t, x) || isStepTerm(t)) return [];
      return t.kind === 'cond' ? [t.args[1], t.args[2]] : t.args;
    };
    return postOrder<Term, Term>(root, children, (t, d) => {
      if (!this.reads(t, x) || isStepTerm(t)) return this.zero;
      const [a, b] = t.args;
      switch (t.kind) {
        case 'sym': return this.one;
        case 'cond': return d[0] === d[1] ? d[0] : this.make('cond', '', [t.args[0], d[0], d[1]]);
        case 'op':
          switch (t.name) {
            case 'add': return this.add(d[0], d[1]);
            case 'subtract': return this.sub(d[0], d[1]);
            case 'unaryMinus': return this.neg(d[0]);
            case 'multiply': return this.add(this.mul(d[0], b), this.mul(a, d[1]));
            case 'divide':
              if (d[1] === this.zero) return this.div(d[0], b);
              return this.div(this.sub(this.mul(d[0], b), this.mul(a, d[1])), this.pow(b, this.num(2)));
            case 'pow':
              if (!this.reads(b, x)) return this.mul(this.mul(b, this.pow(a, this.sub(b, this.one))), d[0]);
              if (!this.reads(a, x)) return this.mul(this.mul(t, this.call('log', a)), d[1]);
              return this.mul(t, this.add(this.mul(d[1], this.call('log', a)), this.div(this.mul(b, d[0]), a)));
          }
          break;
        case 'fn':
          switch (t.name) {
            case 'abs': return this.mul(this.call('sign', a), d[0]);
            case 'exp': return this.mul(t, d[0]);
            case 'log': return this.div(d[0], a);
            case 'sqrt': return this.div(d[0], this.mul(this.num(2), t));
            case 'cbrt': return this.div(d[0], this.mul(this.num(3), this.pow(t, this.num(2))));
            case 'sin': return this.mul(this.call('cos', a), d[0]);
            case 'cos': return this.neg(this.mul(this.call('sin', a), d[0]));
            case 'tan': return this.div(d[0], this.pow(this.call('cos', a), this.num(2)));
            case 'tanh': return this.mul(this.sub(this.one, this.pow(t, this.num(2))), d[0]);
            case 'sign': return this.zero;
            case 'min':
            case 'max': {
              const test = this.make('op', t.name === 'min' ? 'smallerEq' : 'largerEq', [a, b]);
              return d[0] === d[1] ? d[0] : this.make('cond', '', [test, d[0], d[1]]);
            }
          }
          break;
      }
      throw new ExpressionError(where, `cannot differentiate '${t.kind === 'fn' ? `${t.name}(…)` : t.name}' with respect to ${x}.`, 'Use only the supported operators and functions.');
    }, memo);
  }
}
