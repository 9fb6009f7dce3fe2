/**
 * Update rules. Each rule turns the symbolic equations of a model into IR
 * statements for one step; all new values are computed from the old ones.
 * `lowerModel` chooses the rule per state, clips to bounds and adds `@post`.
 * The rules themselves are in `rules/`, one file each, listed in `registry.ts`.
 */
import { ExpressionError } from '../errors.js';
import { num, numberDraws, op, ref, substituteIR, toIR } from '../ir/build.js';
import { optimise } from '../ir/optimise.js';
import { DT, TIME, type ExprIR, type ModelIR, type StmtIR } from '../ir/types.js';
import { NOISE, parseExpression, symbolsOf } from '../expr/parse.js';
import type { SolverName } from '../expr/rules.js';
import { LASTSPIKE, NOT_REFRACTORY } from '../model/read.js';
import type { SymbolicModel } from '../symbolic/inspect.js';
import { unparen } from '../symbolic/calculus.js';
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
  const noisy = ode.filter((x) => sym.noise(x) !== null);
  for (const x of noisy) {
    if (solvers[x] !== 'euler') {
      throw new ExpressionError(where(x), `dx/dt has noise (xi), and rule '${solvers[x]}' integrates deterministic equations only.`, "Use solver 'euler' (Euler–Maruyama) or 'auto' for this model.");
    }
  }
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

  // Evaluates every intermediate and derivative with states read from `names`
  // (and the time of the stage, `t<suffix>`, in a further stage).
  const stage = (suffix: string, names: (x: string) => string): Stage => {
    const local = (n: string) => (Object.hasOwn(sym.intermediates, n) ? `${n}${suffix}` : sym.allStates.includes(n) ? names(n) : n === TIME && suffix ? `${TIME}${suffix}` : n);
    const lets = Object.keys(sym.intermediates).map((n): StmtIR => ({ kind: 'let', name: `${n}${suffix}`, expr: toIR(sym.intermediate(n), where(n), local) }));
    return { lets, f: new Map(ode.map((x) => [x, toIR(sym.equation(x), where(x), local)])) };
  };
  const dt = ref(DT);
  const body: StmtIR[] = [];
  // Whether the equations read the time (each further stage then has its own).
  const timed = [...ode.map((x) => sym.equation(x)), ...Object.keys(sym.intermediates).map((n) => sym.intermediate(n))].some((n) => symbolsOf(n).includes(TIME));
  const next = new Map<string, ExprIR>();
  const base = stage('', (x) => x);
  body.push(...base.lets);
  // Euler–Maruyama: with xi = N / sqrt(dt) (N a standard normal draw of its
  // own for each state), x + dt·f gives x + dt·f(xi = 0) + g·sqrt(dt)·N.
  for (const x of noisy) {
    const n = `__xi_${x}`;
    body.push({ kind: 'let', name: n, expr: op('randn') });
    base.f.set(x, substituteIR(base.f.get(x)!, new Map([[NOISE, op('div', ref(n), op('sqrt', dt))]])));
  }
  const builder: StepBuilder = {
    sym,
    where,
    base,
    push: (...stmts) => void body.push(...stmts),
    setNext: (x, value) => void next.set(x, value),
    step(states, k, h, suffix) {
      if (timed) body.push({ kind: 'let', name: `${TIME}${suffix}`, expr: op('add', ref(TIME), h) });
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
  // Brian2's refractory test, once per step, at its start: it holds the
  // states declared unlessRefractory, and becomes not_refractory, which the
  // spike block's threshold reads.
  const refractory = sym.spec.spike?.refractory !== undefined;
  if (refractory) body.push(...refractoryTest(sym, '__out'));
  for (const s of sym.spec.states) {
    let e = next.get(s.name);
    if (!e) continue;
    if (s.bounds) e = clip(e, s.bounds);
    // Held while refractory. The new value is a let of its own, computed in
    // every unit, so that the select only picks one of two values: a branch
    // that computes would keep C compilers from vectorising the loop (they
    // do not speculate a division that might trap).
    if (s.unlessRefractory) {
      body.push({ kind: 'let', name: `${s.name}__h`, expr: e });
      e = op('select', ref('__out'), ref(`${s.name}__h`), ref(s.name));
    }
    body.push({ kind: 'set', name: s.name, expr: e });
  }
  if (refractory) body.push({ kind: 'set', name: NOT_REFRACTORY, expr: ref('__out') });

  const postBody: StmtIR[] = [];
  const posts = sym.spec.states.filter((s) => s.post !== undefined);
  if (posts.length) {
    const local = (n: string) => (Object.hasOwn(sym.intermediates, n) ? `${n}__p` : n);
    for (const n of Object.keys(sym.intermediates)) postBody.push({ kind: 'let', name: `${n}__p`, expr: toIR(sym.intermediate(n), where(n), local) });
    for (const s of posts) postBody.push({ kind: 'set', name: s.name, expr: toIR(sym.postEquation(s.name)!, where(s.name), local) });
  }

  const events = sym.spec.spike ? lowerSpike(sym) : undefined;
  // Every random draw gets its number, in the order of the blocks.
  const draws = { next: 0 };
  const update = hoistDraws(body, draws);
  const post = hoistDraws(postBody, draws);
  const spike = events && { name: events.name, stmts: hoistDraws(events.stmts, draws) };

  return {
    model: sym.name,
    timeScale: sym.spec.timeScale,
    states: sym.spec.states.map((s) => ({ name: s.name, initial: s.initial, ...(s.bounds ? { bounds: s.bounds } : {}) })),
    params: sym.spec.params.map((p) => ({ ...p })),
    inputs: sym.spec.inputs.map((p) => ({ ...p })),
    solvers,
    update: optimise(update),
    post: optimise(post),
    ...(spike ? { events: { name: spike.name, stmts: optimise(spike.stmts) } } : {}),
  };
}

/**
 * The spike of a model as statements run after the update (and before
 * `post`): the intermediates again (suffix `__s`), the refractory test, the
 * spike flag, then the reset
 * (each statement in order, on the values the earlier ones left) and the
 * new `lastspike` and `not_refractory`, all as selects on the flag so that
 * a unit that does not fire keeps its values (and the loop stays free of
 * branches).
 *
 * The threshold holds only out of the refractory period: `not_refractory`,
 * which the update set from Brian2's test at the start of the step.
 */
function lowerSpike(sym: SymbolicModel): { name: string; stmts: StmtIR[] } {
  const spike = sym.spec.spike!;
  const where = `${sym.name}#${spike.name}`;
  const suffix = '__s';
  const local = (n: string) => (Object.hasOwn(sym.intermediates, n) ? `${n}${suffix}` : n);
  const ir = (text: string) => toIR(unparen(parseExpression(text, where)), where, local);
  const stmts: StmtIR[] = Object.keys(sym.intermediates).map((n) => ({ kind: 'let', name: `${n}${suffix}`, expr: toIR(sym.intermediate(n), `${sym.name}#${n}`, local) }));
  let condition = ir(spike.threshold);
  if (!(condition.k === 'op' && CONDITIONS.has(condition.op))) condition = op('ne', condition, num(0));
  // not_refractory: the update's refractory test of this step.
  const refractory = spike.refractory !== undefined;
  if (refractory) condition = op('and', condition, ref(NOT_REFRACTORY));
  const flag = spike.name;
  stmts.push({ kind: 'let', name: flag, expr: condition });
  // Sequential: each statement reads what the earlier ones set.
  const current = new Map<string, string>();
  const value = (n: string) => current.get(n) ?? local(n);
  const OPS = { '+=': 'add', '-=': 'sub', '*=': 'mul', '/=': 'div' } as const;
  spike.reset.forEach((r, j) => {
    const rhs = toIR(unparen(parseExpression(r.expression, where)), where, value);
    const old = ref(value(r.target));
    let next = r.op === '=' ? rhs : op(OPS[r.op], old, rhs);
    // Computed in every unit, selected in those that fire (see unlessRefractory above).
    if (next.k === 'op') {
      stmts.push({ kind: 'let', name: `${r.target}__x${j}`, expr: next });
      next = ref(`${r.target}__x${j}`);
    }
    const name = `${r.target}__r${j}`;
    stmts.push({ kind: 'let', name, expr: op('select', ref(flag), next, old) });
    current.set(r.target, name);
  });
  for (const [target, name] of current) stmts.push({ kind: 'set', name: target, expr: ref(name) });
  stmts.push({ kind: 'set', name: LASTSPIKE, expr: op('select', ref(flag), ref(TIME), ref(LASTSPIKE)) });
  if (refractory) stmts.push({ kind: 'set', name: NOT_REFRACTORY, expr: op('select', ref(flag), num(0), ref(NOT_REFRACTORY)) });
  return { name: flag, stmts };
}

/**
 * Brian2's refractory test as lets ending in the condition `name`: a unit is
 * out of its refractory period at step time t when
 * ⌊(t − lastspike)/dt + 10⁻³⌋ ≥ ⌊refractory/dt + 10⁻³⌋, both durations in
 * whole steps, the period evaluated on the values at the start of the step
 * (intermediates by their own names).
 */
function refractoryTest(sym: SymbolicModel, name: string): StmtIR[] {
  const where = `${sym.name}#${sym.spec.spike!.name}`;
  const steps = (e: ExprIR) => op('floor', op('add', op('div', e, ref(DT)), num(1e-3)));
  return [
    { kind: 'let', name: `${name}_period`, expr: toIR(unparen(parseExpression(sym.spec.spike!.refractory!, where)), where) },
    { kind: 'let', name, expr: op('ge', steps(op('sub', ref(TIME), ref(LASTSPIKE))), steps(ref(`${name}_period`))) },
  ];
}

const CONDITIONS = new Set(['lt', 'le', 'gt', 'ge', 'eq', 'ne', 'and', 'or', 'not']);

/**
 * Numbers the random draws of a block (`rand()` → `rand(d)`, in order,
 * continuing `counter`) and makes each the whole expression of its own
 * `let __r<d>`, placed before its first use, as back ends expect.
 */
function hoistDraws(stmts: readonly StmtIR[], counter: { next: number }): StmtIR[] {
  const out: StmtIR[] = [];
  const memo = new Map<ExprIR, ExprIR>();
  for (const s of stmts) {
    // A let that is the draw itself keeps its name for it.
    if (s.kind === 'let' && s.expr.k === 'op' && (s.expr.op === 'rand' || s.expr.op === 'randn') && s.expr.args.length === 0) {
      out.push({ ...s, expr: numberDraws(s.expr, counter, (draw) => draw, memo) });
      continue;
    }
    const expr = numberDraws(s.expr, counter, (draw, d) => {
      out.push({ kind: 'let', name: `__r${d}`, expr: draw });
      return ref(`__r${d}`);
    }, memo);
    out.push({ ...s, expr });
  }
  return out;
}

/** Clamps into [lo, hi] with comparisons, so that NaN passes through unchanged. */
function clip(e: ExprIR, [lo, hi]: [number, number]): ExprIR {
  return op('select', op('lt', e, num(lo)), num(lo), op('select', op('gt', e, num(hi)), num(hi), e));
}
