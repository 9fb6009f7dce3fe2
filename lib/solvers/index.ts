/**
 * Update rules. Each rule turns the symbolic equations of a model into IR
 * statements for one step; all new values are computed from the old ones.
 * `lowerModel` chooses the rule per state, clips to bounds and adds `@post`.
 * The rules themselves are in `rules/`, one file each, listed in `registry.ts`.
 */
import { ExpressionError } from '../errors.js';
import { num, op, ref, toIR } from '../ir/build.js';
import { optimise } from '../ir/optimise.js';
import { DT, type ExprIR, type ModelIR, type StmtIR } from '../ir/types.js';
import type { SolverName } from '../expr/rules.js';
import type { SymbolicModel } from '../symbolic/inspect.js';
import { applicableRules, RULES, SOLVERS, type SolverOption } from './registry.js';
import type { Stage, StepBuilder } from './rule.js';

export { SOLVERS, type SolverOption } from './registry.js';

/**
 * Lowers a model and its update rules to IR. The result is computed once per
 * model and rule and shared: it is frozen (copy it, e.g. with
 * `structuredClone`, to change it).
 * @param sym - the model's symbolic form (from `inspect`)
 * @param solver - `'auto'` (per state, as `inspect(...).solver(x)` shows) or one rule for all ODE states
 * @throws {@link ExpressionError} for an unknown rule, or a forced rule that cannot integrate a state (e.g. exponential Euler on an equation that is not conditionally linear)
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
  // The automatic choice is SymbolicModel.solver (lib/symbolic/inspect.ts).
  for (const x of sym.allStates) solvers[x] = ode.includes(x) ? (solver === 'auto' ? sym.solver(x) : solver) : 'none';
  // The states of each rule, in the model's order; one-stage rules first.
  const groups = new Map<SolverName, string[]>();
  for (const x of ode) {
    const name = solvers[x] as SolverName;
    const why = RULES[name].applies(sym, x);
    if (why !== undefined) {
      const ok = ['auto', ...applicableRules(sym, x)].map((n) => `'${n}'`);
      throw new ExpressionError(where(x), `these equations cannot be integrated by rule '${name}': ${why}`, `Use solver ${ok.slice(0, -1).join(', ')} or ${ok.at(-1)}.`);
    }
    const group = groups.get(name);
    if (group) group.push(x);
    else groups.set(name, [x]);
  }
  const order = [...groups].sort(([a], [b]) => Number(RULES[a].stages > 1) - Number(RULES[b].stages > 1));
  if (order.filter(([n]) => RULES[n].stages > 1).length > 1) {
    throw new ExpressionError(sym.name, `mixes rules of more than one stage (${order.map(([n]) => n).join(', ')}).`, 'Use one multi-stage rule for every state.');
  }

  // Evaluates every intermediate and derivative with states read from `names`.
  const stage = (suffix: string, names: (x: string) => string): Stage => {
    const local = (n: string) => (Object.hasOwn(sym.intermediates, n) ? `${n}${suffix}` : sym.allStates.includes(n) ? names(n) : n);
    const lets = Object.keys(sym.intermediates).map((n): StmtIR => ({ kind: 'let', name: `${n}${suffix}`, expr: toIR(sym.intermediate(n), where(n), local) }));
    return { lets, f: new Map(ode.map((x) => [x, toIR(sym.equation(x), where(x), local)])) };
  };
  const dt = ref(DT);
  const body: StmtIR[] = [];
  const next = new Map<string, ExprIR>();
  const base = stage('', (x) => x);
  body.push(...base.lets);
  const builder: StepBuilder = {
    sym,
    where,
    base,
    push: (...stmts) => void body.push(...stmts),
    setNext: (x, value) => void next.set(x, value),
    step(states, k, h, suffix) {
      for (const x of states) body.push({ kind: 'let', name: `${x}${suffix}`, expr: op('add', ref(x), op('mul', h, k.get(x)!)) });
      const s = stage(suffix, (x) => (states.includes(x) ? `${x}${suffix}` : x));
      body.push(...s.lets);
      return s;
    },
    combine(states, ks, weights) {
      for (const x of states) {
        const sum = ks.map((k, i) => op('mul', num(weights[i]), k.get(x)!)).reduce((a, b) => op('add', a, b));
        next.set(x, op('add', ref(x), op('mul', dt, sum)));
      }
    },
  };
  for (const [name, states] of order) RULES[name].build(builder, states);
  for (const s of sym.spec.states) {
    const e = next.get(s.name);
    if (e) body.push({ kind: 'set', name: s.name, expr: s.bounds ? clip(e, s.bounds) : e });
  }

  const postBody: StmtIR[] = [];
  const posts = sym.spec.states.filter((s) => s.post !== undefined);
  if (posts.length) {
    const local = (n: string) => (Object.hasOwn(sym.intermediates, n) ? `${n}__p` : n);
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
