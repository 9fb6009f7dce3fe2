/**
 * `lowerSynapse`: a synapse model (a class with `@onPre` / `@onPost`) as
 * {@link SynapseIR}. Its event-driven states are solved with the
 * exponential-Euler rule over the time since the synapse's last event,
 * exact for the linear equations with constant coefficients they must have;
 * its statements become blocks of lets ending in sets, each statement
 * reading what the ones before it set.
 *
 * @module
 */
import { ExpressionError, ModelDefinitionError } from '../errors.js';
import { functionsOf, parseExpression, RANDOM_FUNCTIONS } from '../expr/parse.js';
import { op, ref, refsOf, substituteIR, toIR } from '../ir/build.js';
import { DT, SINCE, TIME, type ExprIR, type StmtIR, type SynapseIR } from '../ir/types.js';
import { LASTUPDATE, readModel, SIDE_NAME, type ModelClass } from '../model/read.js';
import type { PathwaySpec } from '../model/spec.js';
import { inspect } from '../symbolic/inspect.js';
import { unparen } from '../symbolic/calculus.js';
import { lowerModel } from './index.js';

const cache = new WeakMap<ModelClass, SynapseIR>();

/**
 * Lowers a synapse model (cached per class).
 * @throws {@link ModelDefinitionError} when the class is no synapse model, or an event-driven state is not linear
 */
export function lowerSynapse(ctor: ModelClass): SynapseIR {
  const hit = cache.get(ctor);
  if (hit) return hit;
  const spec = readModel(ctor);
  if (!spec.pathways?.length && !spec.summed?.length) {
    throw new ModelDefinitionError(spec.name, 'is not a synapse model: it declares no @onPre or @onPost.', "Declare what a spike does, e.g. @onPre('ge_post += w') pre!: never;");
  }
  let decay: StmtIR[] = [];
  if (spec.states.some((s) => s.eventDriven)) {
    const sym = inspect(ctor);
    let ir: ReturnType<typeof lowerModel>;
    try {
      ir = lowerModel(sym, 'exponential-euler');
    } catch (error) {
      // The rule is not the user's to choose here: say what an event-driven state needs instead.
      if (error instanceof ExpressionError && error.fix.startsWith('Use solver')) {
        throw new ExpressionError(error.where, error.what, "An event-driven state is solved exactly between events: write its derivative linear in the state with constant coefficients (dx/dt = a + b·x, no xi), e.g. '-Apre / taupre', or keep the state in the neuron model.", { cause: error });
      }
      throw error;
    }
    const since = new Map([[DT, ref(SINCE)]]);
    decay = [
      { kind: 'let', name: SINCE, expr: op('sub', ref(TIME), ref(LASTUPDATE)) },
      ...ir.update.map((s) => ({ ...s, expr: substituteIR(s.expr, since) })),
    ];
  }
  const pathways = (spec.pathways ?? []).map((p) => ({ on: p.on, stmts: statements(spec.name, p, decay.length > 0) }));
  const eventDriven = new Set(spec.states.filter((s) => s.eventDriven).map((s) => s.name));
  const summed = (spec.summed ?? []).map(({ target, expression }) => {
    const where = `${spec.name}#${target}_post`;
    const node = parseExpression(expression, where);
    if (functionsOf(node).some((f) => RANDOM_FUNCTIONS.has(f))) {
      throw new ModelDefinitionError(where, `'${expression}' draws a random number; a summed variable cannot.`, 'Draw per-synapse values when connecting instead.');
    }
    const expr = toIR(unparen(node), where);
    const late = [...refsOf(expr)].find((n) => eventDriven.has(n));
    if (late) throw new ModelDefinitionError(where, `'${expression}' reads the event-driven state '${late}', which is up to date only at the synapse's events.`, 'Sum clock-driven values: parameters, states set by the statements, x_pre and x_post.');
    return { target, expr };
  });
  const sides = { pre: { reads: new Set<string>(), sets: new Set<string>() }, post: { reads: new Set<string>(), sets: new Set<string>() } };
  for (const s of [...decay, ...pathways.flatMap((p) => p.stmts), ...summed.map((x) => ({ kind: 'let' as const, name: '__sum', expr: x.expr }))]) {
    for (const n of refsOf(s.expr)) {
      const m = SIDE_NAME.exec(n);
      if (m) sides[m[2] as 'pre' | 'post'].reads.add(m[1]);
    }
    const m = s.kind === 'set' ? SIDE_NAME.exec(s.name) : null;
    if (m) sides[m[2] as 'pre' | 'post'].sets.add(m[1]);
  }
  const list = (x: Set<string>) => [...x].sort();
  const ir: SynapseIR = {
    model: spec.name,
    timeScale: spec.timeScale,
    states: spec.states.map((s) => ({ name: s.name, initial: s.initial })),
    params: spec.params.map((p) => ({ name: p.name, value: p.value })),
    decay,
    pathways,
    sides: { pre: { reads: list(sides.pre.reads), sets: list(sides.pre.sets) }, post: { reads: list(sides.post.reads), sets: list(sides.post.sets) } },
    summed,
  };
  cache.set(ctor, ir);
  return ir;
}

const OPS = { '+=': 'add', '-=': 'sub', '*=': 'mul', '/=': 'div' } as const;

/** A pathway's statements as lets (each reads the values the earlier ones set) and one set per changed name. */
function statements(model: string, p: PathwaySpec, decays: boolean): StmtIR[] {
  const where = `${model}#${p.name}`;
  const current = new Map<string, string>();
  const value = (n: string) => current.get(n) ?? n;
  const out: StmtIR[] = [];
  p.statements.forEach((r, j) => {
    const node = parseExpression(r.expression, where);
    if (functionsOf(node).some((f) => RANDOM_FUNCTIONS.has(f))) {
      throw new ModelDefinitionError(where, `'${r.expression}' draws a random number; the statements of a synapse cannot yet.`, 'Draw per-synapse values when connecting (values: { w: \'rand() * wmax\' }).');
    }
    const rhs: ExprIR = toIR(unparen(node), where, value);
    const next = r.op === '=' ? rhs : op(OPS[r.op], ref(value(r.target)), rhs);
    const name = `${r.target}__r${j}`;
    out.push({ kind: 'let', name, expr: next });
    current.set(r.target, name);
  });
  for (const [target, name] of current) out.push({ kind: 'set', name: target, expr: ref(name) });
  if (decays) out.push({ kind: 'set', name: LASTUPDATE, expr: ref(TIME) });
  return out;
}
