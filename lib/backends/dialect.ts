/**
 * Rendering IR expressions as source text. A dialect says only what differs
 * between targets: math function names, float literals, casts.
 */
import { BackendError } from '../errors.js';
import { SOLVER_NAMES } from '../expr/rules.js';
import { statementsOf, type ExprIR, type OpName, type StmtIR } from '../ir/types.js';
import type { ContainerPlan, NetworkPlan, ProjectionPlan } from '../plan/types.js';

/** What differs between JavaScript, C and CUDA C. */
export interface Dialect {
  /** A number literal in the target's float type. */
  num(v: number): string;
  /** The name of a unary or binary math function, e.g. `Math.exp` or `expf`. */
  fn(name: OpName): string;
  /** Turns a comparison or logic result into a number of the float type. */
  bool(text: string): string;
}

const INFIX: Partial<Record<OpName, string>> = {
  add: '+', sub: '-', mul: '*', div: '/', lt: '<', le: '<=', gt: '>', ge: '>=', eq: '==', ne: '!=', and: '&&', or: '||',
};
const BOOLEAN = new Set<OpName>(['lt', 'le', 'gt', 'ge', 'eq', 'ne', 'and', 'or', 'not']);

/**
 * The `let`s of a block whose value is a condition (a comparison or logic).
 * Back ends keep them as booleans, so that a select on one reads it directly
 * instead of turning it into 0 or 1 and comparing that with 0.
 */
export function conditionLets(stmts: readonly StmtIR[]): Set<string> {
  const out = new Set<string>();
  for (const s of stmts) {
    const e = s.expr;
    if (s.kind === 'let' && ((e.k === 'op' && BOOLEAN.has(e.op)) || (e.k === 'ref' && out.has(e.name)))) out.add(s.name);
  }
  return out;
}

/**
 * Renders an expression. `name` maps IR names to target locals. Conditions are
 * rendered as booleans; a comparison used as a number goes through `bool`.
 * min and max are comparisons (`b < a ? b : a`), identical on every target.
 * `conditions` names locals that hold booleans (see {@link conditionLets}).
 */
export function renderExpr(e: ExprIR, d: Dialect, name: (n: string) => string, conditions: ReadonlySet<string> = NONE): string {
  return render(e, d, name, conditions, false);
}

/** Renders an expression as a boolean of the target (a condition). */
export function renderCondition(e: ExprIR, d: Dialect, name: (n: string) => string, conditions: ReadonlySet<string> = NONE): string {
  return render(e, d, name, conditions, true);
}

const NONE: ReadonlySet<string> = new Set();

/** A literal must be a number (NaN and infinity are rendered by the dialect); anything else is refused, never pasted. */
export function literalNumber(v: unknown): number {
  if (typeof v !== 'number') throw new BackendError('code generation', `the literal ${JSON.stringify(String(v).slice(0, 80))} is not a number.`, 'This is a bug in the IR.', { code: 'invalid-plan' });
  return v;
}

function render(e: ExprIR, d: Dialect, name: (n: string) => string, conditions: ReadonlySet<string>, condition: boolean): string {
  const asBool = (x: ExprIR): string => {
    if (x.k === 'op' && BOOLEAN.has(x.op)) return raw(x);
    if (x.k === 'ref' && conditions.has(x.name)) return name(x.name);
    return `(${go(x)} != ${d.num(0)})`;
  };
  const raw = (x: ExprIR & { k: 'op' }): string => {
    const a = x.args;
    if (x.op === 'not') return `(!${asBool(a[0])})`;
    if (x.op === 'and' || x.op === 'or') return `(${asBool(a[0])} ${INFIX[x.op]} ${asBool(a[1])})`;
    return `(${go(a[0])} ${INFIX[x.op]} ${go(a[1])})`;
  };
  const go = (x: ExprIR): string => {
    if (x.k === 'num') return d.num(x.v);
    if (x.k === 'ref') return conditions.has(x.name) ? d.bool(name(x.name)) : name(x.name);
    const a = x.args;
    if (BOOLEAN.has(x.op)) return d.bool(raw(x));
    switch (x.op) {
      case 'neg': return `(-${go(a[0])})`;
      case 'select': return `(${asBool(a[0])} ? ${go(a[1])} : ${go(a[2])})`;
      case 'min': return `(${go(a[1])} < ${go(a[0])} ? ${go(a[1])} : ${go(a[0])})`;
      case 'max': return `(${go(a[1])} > ${go(a[0])} ? ${go(a[1])} : ${go(a[0])})`;
      case 'sign': return `(${d.bool(`(${go(a[0])} > ${d.num(0)})`)} - ${d.bool(`(${go(a[0])} < ${d.num(0)})`)})`;
      case 'pow': {
        // Small integer powers as products: exact, and far cheaper than pow().
        const p = a[1];
        if (p.k === 'num' && Number.isInteger(p.v) && p.v >= 1 && p.v <= 4) {
          const b = go(a[0]);
          return p.v === 1 ? b : p.v === 2 ? `(${b} * ${b})` : p.v === 3 ? `(${b} * ${b} * ${b})` : `((${b} * ${b}) * (${b} * ${b}))`;
        }
        return `${d.fn('pow')}(${go(a[0])}, ${go(a[1])})`;
      }
      default:
        if (INFIX[x.op]) return `(${go(a[0])} ${INFIX[x.op]} ${go(a[1])})`;
        return `${d.fn(x.op)}(${a.map(go).join(', ')})`;
    }
  };
  return condition ? asBool(e) : go(e);
}

/** JavaScript: every number is a double; comparisons give booleans, turned into 0/1. */
export const JS: Dialect = {
  num: (v) => (Number.isNaN(literalNumber(v)) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : Object.is(v, -0) ? '-0' : String(v)),
  fn: (name) => `Math.${name}`,
  bool: (t) => `(${t} ? 1 : 0)`,
};

/*
 * Names in generated source. Nothing a user wrote is pasted into source text,
 * comments included: variables become `c<container>_<field>`, where the field
 * name was checked by `readModel` to be a plain identifier (and is checked
 * again here, whatever produced the plan); containers, inputs and buffers are
 * named by their index; a model's class name appears in comments only when it
 * is a plain identifier.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `name` when it is a plain identifier (ASCII letters, digits, `_`).
 * @throws {@link BackendError} otherwise: the plan did not come from `readModel`'s checked names
 */
export function identifier(name: string): string {
  if (typeof name !== 'string' || name.length > 200 || !IDENTIFIER.test(name)) {
    throw new BackendError('code generation', `the name ${JSON.stringify(String(name).slice(0, 80))} is not a plain identifier and cannot enter generated source.`, 'Declare fields through the model decorators, whose names readModel checks.', { code: 'invalid-plan' });
  }
  return name;
}

/** The local (or scalar) of container `ci` that holds `name`: `dt` → `dt0`, `t` → `t0`, `v` → `c0_v`. */
export function local(ci: number, name: string): string {
  return name === 'dt' || name === 't' ? `${name}${integer(ci)}` : `c${integer(ci)}_${identifier(name)}`;
}

/** A non-negative safe integer as source text (sizes, indices, rates). */
export function integer(n: number): string {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new BackendError('code generation', `${String(n)} is not a non-negative integer.`, 'This is a bug in the network plan.', { code: 'invalid-plan' });
  }
  return String(n);
}

/** How a container is named in comments: `container 0 (HodgkinHuxley)`; the model only when its name is a plain identifier. */
export function containerLabel(c: Pick<ContainerPlan, 'ir'>, ci: number): string {
  return `container ${integer(ci)}${IDENTIFIER.test(c.ir.model) && c.ir.model.length <= 200 ? ` (${c.ir.model})` : ''}`;
}

/** The solver of each ODE state, for a comment: `v exponential-euler, n euler`. */
export function solverLabel(c: Pick<ContainerPlan, 'ir'>): string {
  const rules = new Set<string>(SOLVER_NAMES);
  return Object.entries(c.ir.solvers).filter(([, r]) => r !== 'none').map(([x, r]) => `${identifier(x)} ${rules.has(r) ? r : 'unknown rule'}`).join(', ') || 'no ODE';
}

/**
 * A description of every buffer of a plan for comments, from the plan's
 * structure only: `c0.v (state)`, `input 1`, `record of c0.v`, `c1 operator 0`.
 */
export function bufferLabels(plan: NetworkPlan): string[] {
  const out = plan.buffers.map((b, i) => `buffer ${i}`);
  let stream = 0;
  plan.buffers.forEach((b, i) => { if (b.role === 'stream') out[i] = `input ${stream++}`; });
  plan.containers.forEach((c, ci) => {
    for (const [n, b] of Object.entries(c.buffers)) out[b] = `c${ci}.${identifier(n)} (${BUFFER_KINDS.has(plan.buffers[b].role) ? plan.buffers[b].role : 'variable'})`;
    c.operators.forEach((o, oi) => {
      out[o.out] = `c${ci} operator ${oi}`;
      if (o.matrix !== undefined) out[o.matrix] = `c${ci} matrix of operator ${oi}`;
    });
    for (const r of c.records) {
      out[r.out] = `record of c${ci}.${identifier(r.variable)}`;
      if (r.reduce) out[r.reduce.acc] = `${r.reduce.kind === 'max' ? 'max' : 'sum'} since the last row of c${ci}.${identifier(r.variable)}`;
    }
    if (c.spikes && c.ir.events) out[c.spikes.out] = `spikes of c${ci}.${identifier(c.ir.events.name)}`;
  });
  return out;
}

const BUFFER_KINDS = new Set(['state', 'param', 'input']);

/** Checks a projection's names, buffers and sizes against the plan (see {@link checkPlan}). */
function checkProjection(plan: NetworkPlan, p: ProjectionPlan, buffer: (b: number) => void): void {
  const bad = (what: string) => new BackendError('code generation', `a projection ${what}.`, 'This is a bug in the network plan.', { code: 'invalid-plan' });
  integer(p.num); integer(p.source); integer(p.target); integer(p.maxDelay);
  const source = plan.containers[p.source];
  const target = plan.containers[p.target];
  if (!source || !target) throw bad('joins a container that does not exist');
  const sized = (b: number, type: 'float' | 'int32', length: number) => {
    buffer(b);
    if (plan.buffers[b].type !== type || plan.buffers[b].length !== length) throw bad(`has buffer ${b} of the wrong type or size`);
  };
  for (const [n, b] of Object.entries(p.buffers)) { identifier(n); sized(b, 'float', p.num); }
  for (const x of [...p.ir.states, ...p.ir.params]) identifier(x.name);
  for (const st of [p.ir.decay, ...p.ir.pathways.map((w) => w.stmts)].flat()) identifier(st.name);
  sized(p.rows, 'int32', source.num + 1);
  sized(p.cols, 'int32', p.num);
  if (p.delay.kind === 'uniform') { sized(p.delay.steps, 'int32', 1); sized(p.delay.before, 'int32', 1); } else if (p.delay.kind === 'each') {
    for (const b of [p.delay.order, p.delay.steps, p.delay.beforeOrder, p.delay.beforeSteps]) sized(b, 'int32', p.num);
  } else throw bad('has an unknown kind of delay');
  if (p.ir.pathways.some((w) => w.on === 'pre') && !(source.fired && source.fired.slots > p.maxDelay)) throw bad('reads spikes older than its source keeps');
  if (p.columns) {
    sized(p.columns.starts, 'int32', target.num + 1); sized(p.columns.synapses, 'int32', p.num); sized(p.columns.sources, 'int32', p.num);
    if (p.ir.pathways.some((w) => w.on === 'post') && !target.fired) throw bad("runs on its target's spikes, which are not kept");
  }
  if ((p.summed?.length ?? 0) !== p.ir.summed.length || (p.summed?.length && !p.columns)) throw bad('has summed variables without their buffers');
  p.summed?.forEach((v) => {
    identifier(v.input);
    sized(v.out, 'float', target.num);
    if (!target.inputs[v.input]?.some((term) => term.kind === 'op' && term.buffer === v.out)) throw bad("sums into a buffer its target's input does not read");
  });
}

/**
 * Checks everything of a plan that a renderer pastes into source: every name
 * is a plain identifier, every size, index and rate a non-negative integer,
 * every constant a number, the dtype one of the two, every buffer of the
 * float element type. Plans built by `planNetwork`
 * always pass; this keeps a hand-made or damaged plan from becoming code.
 * @throws {@link BackendError} naming the first value that fails
 */
export function checkPlan(plan: NetworkPlan): void {
  if (plan.dtype !== 'float64' && plan.dtype !== 'float32') throw new BackendError('code generation', `dtype ${JSON.stringify(String(plan.dtype))} is unknown.`, "Use 'float64' or 'float32'.", { code: 'invalid-plan' });
  const buffer = (b: number) => {
    integer(b);
    if (b >= plan.buffers.length) throw new BackendError('code generation', `buffer ${b} does not exist.`, 'This is a bug in the network plan.', { code: 'invalid-plan' });
  };
  plan.buffers.forEach((b, i) => {
    integer(b.length);
    if ((b.role === 'spikes' || b.role === 'index' || b.role === 'ring') && b.type === 'int32') return;
    if (b.type !== 'float') throw new BackendError('code generation', `buffer ${i} has the element type ${JSON.stringify(String(b.type).slice(0, 80))}; generated code holds every buffer in the run's float type.`, "Run the plan on a back end whose capabilities list this element type.", { code: 'unsupported' });
  });
  plan.containers.forEach((c) => {
    integer(c.num);
    for (const [n, b] of Object.entries(c.buffers)) { identifier(n); buffer(b); }
    for (const x of [...c.ir.states, ...c.ir.params, ...c.ir.inputs]) identifier(x.name);
    for (const s of statementsOf(c.ir)) identifier(s.name);
    for (const [n, terms] of Object.entries(c.inputs)) {
      identifier(n);
      for (const t of terms) {
        if (t.kind === 'const') literalNumber(t.value);
        else { buffer(t.buffer); integer(t.num); }
      }
    }
    for (const o of c.operators) {
      buffer(o.out); integer(o.size); buffer(o.source.buffer); integer(o.source.num);
      if (o.block !== undefined) integer(o.block);
      if (o.matrix !== undefined) buffer(o.matrix);
    }
    for (const r of c.records) {
      identifier(r.variable); buffer(r.source); buffer(r.out); integer(r.rate);
      if (r.reduce) {
        buffer(r.reduce.acc);
        if (r.reduce.kind !== 'max' && r.reduce.kind !== 'sum') throw new BackendError('code generation', `the reduction ${JSON.stringify(String(r.reduce.kind).slice(0, 40))} is unknown.`, "Use 'max' or 'sum'.", { code: 'invalid-plan' });
      }
    }
    for (const n of c.uniform ?? []) {
      identifier(n);
      if (c.buffers[n] === undefined || !(c.ir.params.some((x) => x.name === n) || c.ir.inputs.some((x) => x.name === n)) || Object.hasOwn(c.inputs, n)) throw new BackendError('code generation', `a uniform value of container ${c.name.length <= 80 ? JSON.stringify(c.name) : ''} is not one of its parameters or unconnected inputs.`, 'This is a bug in the network plan.', { code: 'invalid-plan' });
    }
    if (c.fired) {
      buffer(c.fired.ring); integer(c.fired.slots);
      if (c.fired.slots < 1 || plan.buffers[c.fired.ring].role !== 'ring' || plan.buffers[c.fired.ring].type !== 'int32' || plan.buffers[c.fired.ring].length !== c.fired.slots * (c.num + 1)) throw new BackendError('code generation', `the ring of container ${c.name.length <= 80 ? JSON.stringify(c.name) : ''} is not an int32 buffer of slots × (num + 1) elements.`, 'This is a bug in the network plan.', { code: 'invalid-plan' });
    }
    if (c.spikes) {
      buffer(c.spikes.out);
      if (plan.buffers[c.spikes.out].role !== 'spikes' || plan.buffers[c.spikes.out].type !== 'int32') throw new BackendError('code generation', `the spike buffer ${c.spikes.out} is not an int32 buffer of role 'spikes'.`, 'This is a bug in the network plan.', { code: 'invalid-plan' });
    }
  });
  for (const p of plan.projections ?? []) checkProjection(plan, p, buffer);
}
