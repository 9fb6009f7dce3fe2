/**
 * Update rules. Each rule turns the symbolic equations of a model into IR
 * statements for one step; all new values are computed from the old ones.
 * `lowerModel` chooses the rule per state, clips to bounds and adds `@post`.
 */
import { ExpressionError } from '../errors.js';
import { cse, fold, limitDepth, num, op, ref, refsOf, substituteIR, toIR } from '../ir/build.js';
import { DT, type ExprIR, type ModelIR, type StmtIR } from '../ir/types.js';
import type { SolverName, SymbolicModel } from '../symbolic/inspect.js';
import { excerpt } from '../symbolic/limits.js';

/** How to choose the update rule: per state automatically, or one for all. */
export type SolverOption = 'auto' | SolverName;

/** The rules that `solver` accepts, for validation and messages. */
export const SOLVERS: readonly SolverOption[] = ['auto', 'euler', 'exponential-euler', 'midpoint', 'heun', 'rk4'];

/** Derivative expressions evaluated at one stage of a rule. */
interface Stage {
  lets: StmtIR[];
  /** dx/dt at this stage, by state. */
  f: Map<string, ExprIR>;
}

/**
 * Lowers a model and its update rules to IR. The result is computed once per
 * model and rule and shared: it is frozen (copy it, e.g. with
 * `structuredClone`, to change it).
 * @param sym - the model's symbolic form (from `inspect`)
 * @param solver - `'auto'` (per state, as `inspect(...).solver(x)` shows) or one rule for all ODE states
 * @throws {@link ExpressionError} when exponential Euler is forced on an equation that is not conditionally linear
 */
export function lowerModel(sym: SymbolicModel, solver: SolverOption = 'auto'): ModelIR {
  if (!SOLVERS.includes(solver)) {
    throw new ExpressionError(sym.name, `unknown solver '${String(solver)}'.`, `Use one of: ${SOLVERS.join(', ')}.`);
  }
  // Lowering is a pure function of the model and the rule, and every run
  // builds the network's plan again: lower each pair once. The IR is frozen,
  // so that no caller can change what the others share.
  let byRule = lowered.get(sym);
  if (!byRule) lowered.set(sym, (byRule = new Map()));
  let ir = byRule.get(solver);
  if (!ir) byRule.set(solver, (ir = deepFreeze(lower(sym, solver))));
  return ir;
}

const lowered = new WeakMap<SymbolicModel, Map<SolverOption, ModelIR>>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function lower(sym: SymbolicModel, solver: SolverOption): ModelIR {
  const where = (x: string) => `${sym.name}#${x}`;
  const ode = sym.states;
  const solvers: ModelIR['solvers'] = {};
  for (const x of sym.allStates) solvers[x] = ode.includes(x) ? (solver === 'auto' ? sym.solver(x) : solver) : 'none';
  for (const x of ode) {
    if (solvers[x] === 'exponential-euler' && !sym.isLinear(x)) {
      const text = sym.spec.states.find((s) => s.name === x)!.derivative!;
      throw new ExpressionError(where(x), `exponential Euler needs dx/dt = A + B·x with A and B free of x, and '${excerpt(text, 200)}' is not of that form.`, "Use solver 'auto', 'euler', 'midpoint', 'heun' or 'rk4'.");
    }
  }

  // Evaluates every intermediate and derivative with states read from `names`.
  const stage = (suffix: string, names: (x: string) => string): Stage => {
    const local = (n: string) => (n in sym.intermediates ? `${n}${suffix}` : sym.allStates.includes(n) ? names(n) : n);
    const lets = Object.keys(sym.intermediates).map((n): StmtIR => ({ kind: 'let', name: `${n}${suffix}`, expr: toIR(sym.intermediate(n), where(n), local) }));
    return { lets, f: new Map(ode.map((x) => [x, toIR(sym.equation(x), where(x), local)])) };
  };
  const dt = ref(DT);
  const body: StmtIR[] = [];
  const next = new Map<string, ExprIR>();
  const base = stage('', (x) => x);
  body.push(...base.lets);
  const multi = ode.filter((x) => ['midpoint', 'heun', 'rk4'].includes(solvers[x]));
  for (const x of ode) {
    const f = base.f.get(x)!;
    if (solvers[x] === 'euler') next.set(x, op('add', ref(x), op('mul', dt, f)));
    if (solvers[x] === 'exponential-euler') {
      // x + f(x)·(e^{B·dt} − 1)/B, which is exact for constant A and B; the
      // factor tends to dt as B → 0, so B = 0 falls back to Euler.
      const B = `__B_${x}`;
      body.push({ kind: 'let', name: B, expr: toIR(sym.coefficient(x), where(x)) });
      const phi = op('select', op('ne', ref(B), num(0)), op('div', op('expm1', op('mul', ref(B), dt)), ref(B)), dt);
      next.set(x, op('add', ref(x), op('mul', f, phi)));
    }
  }
  if (multi.length) {
    const rule = solvers[multi[0]];
    const k1 = new Map(multi.map((x) => [x, base.f.get(x)!]));
    const step = (k: Map<string, ExprIR>, h: ExprIR, suffix: string): Stage => {
      for (const x of multi) body.push({ kind: 'let', name: `${x}${suffix}`, expr: op('add', ref(x), op('mul', h, k.get(x)!)) });
      const s = stage(suffix, (x) => (multi.includes(x) ? `${x}${suffix}` : x));
      body.push(...s.lets);
      return s;
    };
    const half = op('mul', num(0.5), dt);
    const combine = (ks: Map<string, ExprIR>[], weights: number[]) => {
      for (const x of multi) {
        const sum = ks.map((k, i) => op('mul', num(weights[i]), k.get(x)!)).reduce((a, b) => op('add', a, b));
        next.set(x, op('add', ref(x), op('mul', dt, sum)));
      }
    };
    if (rule === 'midpoint') {
      const s2 = step(k1, half, '__s2');
      combine([s2.f], [1]);
    } else if (rule === 'heun') {
      const s2 = step(k1, dt, '__s2');
      combine([k1, s2.f], [0.5, 0.5]);
    } else {
      const s2 = step(k1, half, '__s2');
      const s3 = step(s2.f, half, '__s3');
      const s4 = step(s3.f, dt, '__s4');
      combine([k1, s2.f, s3.f, s4.f], [1 / 6, 1 / 3, 1 / 3, 1 / 6]);
    }
  }
  for (const s of sym.spec.states) {
    const e = next.get(s.name);
    if (e) body.push({ kind: 'set', name: s.name, expr: s.bounds ? clip(e, s.bounds) : e });
  }

  const postBody: StmtIR[] = [];
  const posts = sym.spec.states.filter((s) => s.post !== undefined);
  if (posts.length) {
    const local = (n: string) => (n in sym.intermediates ? `${n}__p` : n);
    for (const n of Object.keys(sym.intermediates)) postBody.push({ kind: 'let', name: `${n}__p`, expr: toIR(sym.intermediate(n), where(n), local) });
    for (const s of posts) postBody.push({ kind: 'set', name: s.name, expr: toIR(sym.postEquation(s.name)!, where(s.name), local) });
  }

  return {
    model: sym.name,
    timeScale: sym.spec.timeScale,
    states: sym.spec.states.map((s) => ({ name: s.name, initial: s.initial, ...(s.bounds ? { bounds: s.bounds } : {}) })),
    params: sym.spec.params.map((p) => ({ ...p })),
    inputs: sym.spec.inputs.map((p) => ({ ...p })),
    solvers,
    update: optimise(body),
    post: optimise(postBody),
  };
}

/** Clamps into [lo, hi] with comparisons, so that NaN passes through unchanged. */
function clip(e: ExprIR, [lo, hi]: [number, number]): ExprIR {
  return op('select', op('lt', e, num(lo)), num(lo), op('select', op('gt', e, num(hi)), num(hi), e));
}

/**
 * Folding, then common subexpressions, then expressions deeper than
 * `MAX_EXPR_DEPTH` cut into `let`s, then dead `let`s removed. Every pass is
 * linear in the size of the block.
 */
export function optimise(stmts: StmtIR[]): StmtIR[] {
  const folded = stmts.map((s) => ({ ...s, expr: fold(s.expr) }));
  // Inline lets that are just a name or a number, so CSE sees through them.
  const alias = new Map<string, ExprIR>();
  const resolved: StmtIR[] = [];
  for (const s of folded) {
    const expr = alias.size ? substituteIR(s.expr, alias) : s.expr;
    if (s.kind === 'let' && expr.k !== 'op') alias.set(s.name, expr);
    else resolved.push({ ...s, expr });
  }
  const out = limitDepth(cse(resolved));
  const used = new Set<string>();
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i].kind === 'set' || used.has(out[i].name)) refsOf(out[i].expr, used);
  }
  return out.filter((s) => s.kind === 'set' || used.has(s.name));
}
