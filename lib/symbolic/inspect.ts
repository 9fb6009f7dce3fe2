/**
 * `inspect(ModelClass)`: the symbolic view of a model. Derivatives with
 * intermediates substituted, the Jacobian, the conditionally linear form
 * `x' = A + B·x`, and the automatic choice of update rule for every state.
 */
import type { MathNode } from 'mathjs';
import { ConstantNode } from '../expr/math.js';
import { ExpressionError } from '../errors.js';
import { readModel, type ModelClass } from '../model/read.js';
import type { ModelSpec } from '../model/spec.js';
import { differentiate, isZero, simplify, substitute, tidy, unparen, SIMPLIFY_LIMIT, TREE_DEPTH, TREE_LIMIT, LIFT_LIMIT, treeSize } from './calculus.js';
import { TermStore, type Term } from './dag.js';
import { CLIP, NOISE, parseExpression, RANDOM_FUNCTIONS, symbolsOf } from '../expr/parse.js';
import type { AutoSolver } from '../expr/rules.js';

export type { SolverName, AutoSolver } from '../expr/rules.js';


/** `x' = A + B·x` with neither A nor B depending on x. */
export interface LinearForm {
  A: MathNode;
  B: MathNode;
}

/**
 * The symbolic form of one model class. Obtain it with {@link inspect}; every
 * result is computed on first use and cached.
 *
 * Intermediates are substituted by sharing, never by copying, so a chain of
 * intermediates that each use the previous one twice costs as much as the
 * chain, not as the (exponentially large) tree it stands for. Equations whose
 * expanded tree is small (the library's models, for instance) are
 * differentiated and simplified with mathjs; larger ones with the graph-based
 * passes of `dag.ts`, which fold constants and trivial identities only: their
 * results are correct but less simplified, their linearity is decided from the
 * derivative as built (an `x` that only simplification would cancel counts),
 * and the trees returned share subtrees (printing one may take long).
 */
export class SymbolicModel {
  /** States that have a `@derivative` (the ODE system), in declaration order. */
  readonly states: string[];
  /** Every state, including those changed only by `@post` (spike flags), in declaration order. */
  readonly allStates: string[];
  /** Parameter defaults by name. */
  readonly params: Record<string, number>;
  /** Input defaults by name. */
  readonly inputs: Record<string, number>;
  /** Intermediate equations by name, in dependency order. */
  readonly intermediates: Record<string, string>;

  private readonly raw = new Map<string, MathNode>();
  private readonly posts = new Map<string, MathNode>();
  private readonly inter = new Map<string, MathNode>();
  private readonly expandedInter = new Map<string, MathNode>();
  private readonly memo = new Map<string, unknown>();
  /** The same equations as shared terms (see `dag.ts`), with every state tracked. */
  private readonly terms: TermStore;
  private readonly interTerms = new Map<string, Term>();

  constructor(readonly spec: ModelSpec) {
    this.allStates = spec.states.map((s) => s.name);
    this.states = spec.states.filter((s) => s.derivative !== undefined).map((s) => s.name);
    this.params = Object.fromEntries(spec.params.map((p) => [p.name, p.value]));
    this.inputs = Object.fromEntries(spec.inputs.map((p) => [p.name, p.value]));
    this.intermediates = Object.fromEntries(spec.intermediates.map((i) => [i.name, i.expression]));
    for (const i of spec.intermediates) {
      const node = unparen(parseExpression(i.expression, `${spec.name}#${i.name}`));
      this.inter.set(i.name, node);
      this.expandedInter.set(i.name, unparen(substitute(node, this.expandedInter)));
    }
    for (const s of spec.states) {
      if (s.derivative !== undefined) this.raw.set(s.name, unparen(parseExpression(s.derivative, `${spec.name}#${s.name}`)));
      if (s.post !== undefined) this.posts.set(s.name, unparen(parseExpression(s.post, `${spec.name}#${s.name}`)));
    }
    this.terms = new TermStore(this.allStates);
    for (const [name, node] of this.inter) this.interTerms.set(name, this.terms.fromMath(node, this.interTerms));
  }

  /** The model's class name. */
  get name(): string {
    return this.spec.name;
  }

  private cached<T>(key: string, make: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as T;
  }

  private checkState(x: string, ode = false): void {
    if (!(ode ? this.states : this.allStates).includes(x)) {
      const list = ode ? this.states : this.allStates;
      throw new ExpressionError(`${this.name}#${x}`, `'${x}' is not a state${ode ? ' with a @derivative' : ''} of ${this.name}.`, `Use one of: ${list.join(', ') || '(none)'}.`);
    }
  }

  /** dx/dt as written, intermediates left by name (what code generation starts from). */
  equation(x: string): MathNode {
    this.checkState(x);
    return this.raw.get(x) ?? new ConstantNode(0);
  }

  /** The `@post` equation of a state, or null. */
  postEquation(x: string): MathNode | null {
    this.checkState(x);
    return this.posts.get(x) ?? null;
  }

  /** The equation of an intermediate as written. */
  intermediate(name: string): MathNode {
    const node = this.inter.get(name);
    if (!node) throw new ExpressionError(`${this.name}#${name}`, `'${name}' is not an intermediate of ${this.name}.`, `Use one of: ${Object.keys(this.intermediates).join(', ') || '(none)'}.`);
    return node;
  }

  /** Substitutes every intermediate into `node` (sharing their trees). */
  expand(node: MathNode): MathNode {
    return unparen(substitute(node, this.expandedInter));
  }

  /** dx/dt with every intermediate substituted, as a shared term. */
  private full(x: string): Term {
    return this.cached(`full:${x}`, () => this.terms.fromMath(this.equation(x), this.interTerms));
  }

  /** dx/dt with the intermediates that read x substituted, as a shared term. */
  private partial(x: string): Term {
    return this.cached(`partial:${x}`, () => this.terms.fromMath(this.equation(x), this.dependent(x, this.interTerms)));
  }

  /** The entries of `map` for the intermediates that read x (substituted). */
  private dependent<T>(x: string, map: ReadonlyMap<string, T>): Map<string, T> {
    return new Map([...map].filter(([n]) => this.terms.reads(this.interTerms.get(n)!, x)));
  }

  /**
   * Whether dx/dt, expanded, is small enough for mathjs (see `fitsTrees` in
   * calculus.ts); decided from the shared term, in time linear in the graph.
   */
  private small(x: string): boolean {
    const t = this.full(x);
    return t.size <= TREE_LIMIT && t.depth <= TREE_DEPTH && t.size * t.branches <= LIFT_LIMIT;
  }

  /** ∂(dy/dt)/∂x of the shared term (for equations beyond mathjs). */
  private termDerivative(y: string, x: string, expanded: 'full' | 'partial'): Term {
    return this.terms.derivative(expanded === 'full' ? this.full(y) : this.partial(y), x, `${this.name}#${y}`);
  }

  /**
   * dx/dt with every intermediate substituted, simplified by mathjs (when
   * small enough, see the class notes). A state without `@derivative` has
   * derivative 0.
   */
  derivative(x: string): MathNode {
    this.checkState(x);
    return this.cached(`d:${x}`, () => (this.small(x) ? simplify(this.expand(this.equation(x))) : this.terms.toMath(this.full(x))));
  }

  /**
   * ∂(dy/dt)/∂x for every pair of ODE states y, x: simplified by mathjs when
   * small, otherwise only folded (mathjs' simplify takes tens of seconds on
   * the fully expanded entries of models such as ConnorStevens).
   */
  jacobian(): Record<string, Record<string, MathNode>> {
    return this.cached('jacobian', () => Object.fromEntries(this.states.map((y) => [
      y,
      Object.fromEntries(this.states.map((x) => [
        x,
        this.small(y) ? simplifyIfSmall(differentiate(this.expand(this.equation(y)), x)) : this.terms.toMath(this.termDerivative(y, x, 'full')),
      ])),
    ])));
  }

  /**
   * ∂(dx/dt)/∂x before simplification (only folded), with the intermediates
   * that do not depend on x kept by name, so generated code shares them.
   */
  coefficient(x: string): MathNode {
    this.checkState(x, true);
    return this.cached(`B:${x}`, () => {
      if (!this.small(x)) return this.terms.toMath(this.termDerivative(x, x, 'partial'));
      return differentiate(unparen(substitute(this.equation(x), this.dependent(x, this.expandedInter))), x);
    });
  }

  /**
   * The conditionally linear form x' = A + B·x, decided by symbolic
   * differentiation: linear when ∂(x')/∂x does not depend on x and x appears
   * in no condition, comparison, floor or ceil.
   * @returns `{ A, B }` simplified, or null when x' is not linear in x
   */
  linear(x: string): LinearForm | null {
    this.checkState(x, true);
    return this.cached(`lin:${x}`, () => {
      if (!this.isLinear(x)) return null;
      if (!this.small(x)) {
        return { A: this.terms.toMath(this.terms.substitute(this.full(x), x, this.terms.zero)), B: this.terms.toMath(this.termDerivative(x, x, 'full')) };
      }
      const f = this.expand(this.equation(x));
      return { A: simplify(substitute(f, new Map([[x, new ConstantNode(0)]]))), B: simplify(differentiate(f, x)) };
    });
  }

  /** Whether x' = A + B·x with A and B free of x (without simplifying A and B). */
  isLinear(x: string): boolean {
    this.checkState(x, true);
    return this.cached(`isLin:${x}`, () => {
      if (this.terms.readsInStep(this.full(x), x)) return false;
      if (!this.small(x)) return !this.terms.reads(this.termDerivative(x, x, 'full'), x);
      const cheap = tidy(this.coefficient(x));
      if (!this.terms.reads(this.terms.fromMath(cheap, this.interTerms), x)) return true;
      // Only mathjs' simplify can tell whether x cancels (it simplifies small branches only).
      return !symbolsOf(simplify(differentiate(this.expand(this.equation(x)), x))).includes(x);
    });
  }

  /**
   * The factor g of the noise in dx/dt = f + g·xi, or null when the equation
   * has no `xi`. Only additive noise is integrated: g may read parameters,
   * inputs, `t` and `dt`, not a state (with multiplicative noise the
   * equation's meaning depends on the stochastic calculus, Itô or
   * Stratonovich, and Euler–Maruyama converges with order 1/2 at best).
   * @throws {@link ExpressionError} when xi is not a term of the form g·xi with g free of xi and of every state
   */
  noise(x: string): MathNode | null {
    this.checkState(x);
    return this.cached(`noise:${x}`, () => {
      const raw = this.raw.get(x);
      if (!raw || !symbolsOf(raw).includes(NOISE)) return null;
      const f = this.expand(raw);
      const g = simplifyIfSmall(differentiate(f, NOISE));
      const where = `${this.name}#${x}`;
      const reads = symbolsOf(g);
      if (reads.includes(NOISE)) {
        throw new ExpressionError(where, `dx/dt is not linear in the noise xi (its factor ${shortText(g)} reads xi).`, "Write the noise as a term g * xi, e.g. 'sigma * xi'.");
      }
      const states = reads.filter((n) => this.allStates.includes(n));
      if (states.length) {
        throw new ExpressionError(
          where,
          `the noise is multiplicative: its factor ${shortText(g)} reads the state${states.length > 1 ? 's' : ''} ${states.join(', ')}. Only additive noise (a factor free of states) is integrated, by Euler–Maruyama.`,
          'Make the factor of xi independent of the states (e.g. a parameter), or drive the state with a noisy input instead.',
        );
      }
      return g;
    });
  }

  /**
   * The automatic update rule: Euler–Maruyama (`'euler'`) for a stochastic
   * equation (with `xi`), exponential Euler when x' is linear in x with B
   * not identically 0, explicit Euler otherwise; `'none'` without a
   * derivative.
   */
  solver(x: string): AutoSolver {
    this.checkState(x);
    if (!this.states.includes(x)) return 'none';
    return this.cached(`solver:${x}`, () => {
      if (this.noise(x)) return 'euler';
      if (!this.isLinear(x)) return 'euler';
      if (!this.small(x)) {
        const B = this.termDerivative(x, x, 'partial');
        return B.kind === 'num' && B.value === 0 ? 'euler' : 'exponential-euler';
      }
      return isZero(tidy(this.coefficient(x))) ? 'euler' : 'exponential-euler';
    });
  }

  /** LaTeX of the whole system: intermediates, derivatives and posts. */
  toTex(): string {
    // mathjs writes the arguments of a function twice (the second time to fill
    // its template), which doubles the time with every level of nesting
    // (sin nested 20 deep took seconds): each node's LaTeX is remembered.
    const memo = new Map<MathNode, string>();
    const handler = (node: MathNode, options: object): string | undefined => {
      // Every variable is set the same way, whatever mathjs would take it for
      // (it sets names of units such as m, h, ms or EK upright).
      if (node.type === 'SymbolNode') return texName((node as unknown as { name: string }).name);
      // A draw reads as a function of nothing, set upright like other functions.
      const fn = node.type === 'FunctionNode' ? String((node as unknown as { fn: { name?: string } }).fn?.name) : '';
      if (RANDOM_FUNCTIONS.has(fn)) return `\\operatorname{${fn}}()`;
      // clip (statements only) is unknown to mathjs: set upright like the functions it knows.
      if (fn === CLIP) return `\\operatorname{clip}\\left(${((node as unknown as { args: MathNode[] }).args).map((a) => a.toTex({ parenthesis: 'auto', implicit: 'hide', handler } as never)).join(', ')}\\right)`;
      let out = memo.get(node);
      if (out === undefined) {
        const own = (node as unknown as { _toTex?: (o: object) => string })._toTex;
        if (typeof own !== 'function') return undefined;
        out = own.call(node, options);
        memo.set(node, out);
      }
      return out;
    };
    const tex = (n: MathNode) => n.toTex({ parenthesis: 'auto', implicit: 'hide', handler } as never);
    const lines: string[] = [];
    for (const [n, node] of this.inter) lines.push(`${texName(n)} &= ${tex(node)}`);
    for (const x of this.states) lines.push(`\\frac{d${texName(x)}}{dt} &= ${tex(this.raw.get(x)!)}`);
    for (const [x, node] of this.posts) lines.push(`${texName(x)} &\\leftarrow ${tex(node)}`);
    const spike = this.spec.spike;
    if (spike) {
      const where = `${this.name}#${spike.name}`;
      lines.push(`\\text{spike} &: ${tex(unparen(parseExpression(spike.threshold, where)))}`);
      const ops: Record<string, string> = { '=': '', '+=': '+', '-=': '-', '*=': '\\cdot', '/=': '/' };
      for (const r of spike.reset) {
        const rhs = tex(unparen(parseExpression(r.expression, where)));
        lines.push(`${texName(r.target)} &\\leftarrow ${r.op === '=' ? rhs : `${texName(r.target)} ${ops[r.op]} \\left(${rhs}\\right)`}`);
      }
      if (spike.refractory !== undefined) lines.push(`\\text{refractory} &: ${tex(unparen(parseExpression(spike.refractory, where)))}`);
    }
    // A synapse model's statements, run when its source (pre) or target (post) fires.
    for (const p of this.spec.pathways ?? []) {
      const where = `${this.name}#${p.name}`;
      const ops: Record<string, string> = { '=': '', '+=': '+', '-=': '-', '*=': '\\cdot', '/=': '/' };
      for (const r of p.statements) {
        const rhs = tex(unparen(parseExpression(r.expression, where)));
        lines.push(`\\text{on ${p.on}: } ${texName(r.target)} &\\leftarrow ${r.op === '=' ? rhs : `${texName(r.target)} ${ops[r.op]} \\left(${rhs}\\right)`}`);
      }
    }
    // The unit of every variable of a model with units (its equations hold numbers in those units).
    const units = this.spec.units;
    if (units) {
      const list = Object.entries(units.fields).map(([n, u]) => `${texName(n)}\\,[${texUnit(u)}]`);
      lines.push(`\\text{units} &: t\\,[${texUnit(units.time)}],\\ ${list.join(',\\ ')}`);
    }
    return `\\begin{aligned}\n${lines.join(' \\\\\n')}\n\\end{aligned}`;
  }

  /** A readable summary: the equations, parameters and the chosen rules. */
  toString(): string {
    const lines = [`${this.name} (time scale ${this.spec.timeScale} per second)`];
    for (const [n, node] of this.inter) lines.push(`  ${n} = ${node.toString()}`);
    for (const x of this.states) lines.push(`  d${x}/dt = ${this.raw.get(x)!.toString()}    [${this.solver(x)}]`);
    for (const [x, node] of this.posts) lines.push(`  ${x} <- ${node.toString()}    [post]`);
    const spike = this.spec.spike;
    if (spike) {
      lines.push(`  ${spike.name}: ${spike.threshold}${spike.reset.length ? `  ->  ${spike.reset.map((r) => `${r.target} ${r.op} ${r.expression}`).join('; ')}` : ''}${spike.refractory !== undefined ? `  (refractory ${spike.refractory})` : ''}`);
    }
    const fmt = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k}=${v}`).join(', ');
    lines.push(`  states: ${this.spec.states.map((s) => `${s.name}=${s.initial}${s.bounds ? ` in [${s.bounds.join(', ')}]` : ''}`).join(', ')}`);
    if (this.spec.params.length) lines.push(`  params: ${fmt(this.params)}`);
    if (this.spec.inputs.length) lines.push(`  inputs: ${fmt(this.inputs)}`);
    return lines.join('\n');
  }
}

const GREEK = new Set([
  'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu', 'nu', 'xi', 'pi',
  'rho', 'sigma', 'tau', 'upsilon', 'phi', 'chi', 'psi', 'omega', 'Gamma', 'Delta', 'Theta', 'Lambda', 'Xi', 'Pi', 'Sigma',
  'Upsilon', 'Phi', 'Psi', 'Omega',
]);

/**
 * How `toTex` sets a name: a Greek letter's name as the letter (`tau` → τ),
 * the constant e as e, and every other name in italics as one word
 * (`\mathit{gNa}`, `\mathit{m}`, `\mathit{ms}`), so that no variable reads as
 * a unit or as a product of letters.
 */
export function texName(name: string): string {
  if (GREEK.has(name)) return `\\${name}`;
  if (name === 'e') return 'e';
  return `\\mathit{${name.replace(/_/g, '\\_')}}`;
}

/** A unit string in LaTeX, as upright text with µ for the prefix u and raised exponents: `\text{µA/cm}^{2}`. */
function texUnit(unit: string): string {
  // The unit of a variable of the units a synapse joins ({ unit: 'ge_post' }).
  const joined = /^([A-Za-z][A-Za-z0-9_]*)_(pre|post)$/.exec(unit);
  if (joined) return `\\text{as }\\mathit{${joined[1].replace(/_/g, '\\_')}}_{\\text{${joined[2]}}}`;
  const body = unit.replace(/\bu(?=[A-Za-z])/g, 'µ').replace(/\*/g, '·');
  return body.split(/\^\(?(-?[\d.]+)\)?/).map((part, i) => (i % 2 ? `^{${part}}` : part ? `\\text{${part}}` : '')).join('');
}

/** A tree as text for a message: short ones whole, long ones cut. */
function shortText(node: MathNode): string {
  const text = treeSize(node, 200) <= 200 ? node.toString() : '(a long expression)';
  return `'${text.length > 120 ? `${text.slice(0, 120)}…` : text}'`;
}

/** Simplified by mathjs when small (see `SIMPLIFY_LIMIT` in calculus.ts), otherwise only folded. */
function simplifyIfSmall(node: MathNode): MathNode {
  const folded = tidy(node);
  return treeSize(folded, SIMPLIFY_LIMIT) <= SIMPLIFY_LIMIT ? simplify(folded) : folded;
}

const cache = new WeakMap<ModelClass, SymbolicModel>();

/**
 * The symbolic form of a model class (cached per class).
 * @param ctor - a decorated model class
 * @throws {@link ModelDefinitionError} when the class is declared wrongly
 * @example inspect(models.HodgkinHuxley).solver('n') // 'exponential-euler'
 */
export function inspect(ctor: ModelClass): SymbolicModel {
  let s = cache.get(ctor);
  if (!s) {
    s = new SymbolicModel(readModel(ctor));
    cache.set(ctor, s);
  }
  return s;
}
