/**
 * The kernel skeleton: what every back end does to advance one unit of one
 * container by one step, written once. {@link unitStep} walks a container's
 * phases ({@link PHASES}) and says what to do through a {@link KernelTarget};
 * the JavaScript, C and CUDA C renderers pass a {@link SourceTarget} (which
 * writes source text in a {@link SourceSyntax}), the interpreter a target that
 * evaluates. {@link registerKernel} and {@link arrayKernel} are the two loop
 * nests around it.
 *
 * Two modes:
 * - `'array'`: each step loads the unit's state and parameters from their
 *   arrays and stores them back (the interpreter, js and cpu without fusion,
 *   cpu's fused chunks, CUDA's per-step kernels);
 * - `'registers'`: locals live across the steps of a block; the loads and
 *   stores happen once around the step loop, and a connected input reads
 *   another container's local (js and CUDA on a fusable plan).
 *
 * A new phase (spike events, delays) is added to {@link Phase} and
 * {@link unitStep} and given a method of {@link KernelTarget}; every back end
 * then gets it.
 *
 * @module
 */
import { BackendError } from '../errors.js';
import { DT, isDraw, statementsOf, TIME, type ExprIR, type StmtIR } from '../ir/types.js';
import { SIDE_NAME } from '../model/read.js';
import { refsOf } from '../ir/build.js';
import { LASTSPIKE } from '../model/read.js';
import { firstRow, memberOf, traceIndex, windowStarts, writesRow, type IntegerSyntax } from '../plan/layout.js';
import type { ContainerPlan, NetworkPlan, OperatorPlan, ProjectionPlan, RecordPlan, TermPlan } from '../plan/types.js';
import { conditionLets, containerLabel, identifier, integer, local, renderCondition, renderExpr, solverLabel, type Dialect } from './dialect.js';
import { renderOperator, type LoopStyle } from './operators.js';

/** Where the unit's locals live: reloaded every step (`'array'`) or across the steps of a block (`'registers'`). */
export type KernelMode = 'array' | 'registers';

/**
 * The phases of one unit and one step, in order:
 * - `load`: state, parameters and unconnected inputs from their arrays;
 * - `inputs`: each connected input, the sum of its terms;
 * - `update`: the solver step, a block of simultaneous sets;
 * - `clip`: states with bounds are clipped to them (the solver folds the
 *   clipping into the update's sets, so this phase adds no statement);
 * - `spike`: the spike condition (threshold, and `not_refractory`, which the
 *   update set from the refractory test at the start of the step),
 *   then for a unit that fires the reset, `lastspike` and `not_refractory`
 *   (selects on the flag, simultaneous sets); the flag stays visible to the
 *   record phase;
 * - `post`: the model's `@post` block, simultaneous sets (after the reset:
 *   a `@post` that keeps the previous `v` lets a threshold compare both);
 * - `store`: state and connected inputs back to their arrays;
 * - `record`: trace rows, running sums and spikes.
 */
export type Phase = 'load' | 'inputs' | 'update' | 'clip' | 'spike' | 'post' | 'store' | 'record';

/** Every {@link Phase}, in the order {@link unitStep} walks them. */
export const PHASES: readonly Phase[] = ['load', 'inputs', 'update', 'clip', 'spike', 'post', 'store', 'record'];

/** What a term of a connected input reads: a term of the plan, or (register mode) a variable held in a local. */
export type Operand = TermPlan | { kind: 'local'; container: number; name: string };

/**
 * What the skeleton asks of a back end. Names are IR names of container
 * `ci` (a state, parameter, input or `let`); buffers are plan buffer indices;
 * the unit is the current one (`i`), the step the current one (`k`).
 */
export interface KernelTarget {
  /** Starts a phase of container `ci` (a comment in source; `note` comes from the plan's checked names only). */
  phase(ci: number, phase: Phase, note?: string): void;
  /** A comment in source (from the plan's checked names and numbers only). */
  comment(text: string): void;
  /** Declares `name` from the unit's element of `buffer`; `mutable` when it is assigned later. */
  load(ci: number, name: string, buffer: number, mutable: boolean): void;
  /** Gives the connected input `name` the sum of `operands` (0 when none); `declare`: a new local, else an assignment. */
  input(ci: number, name: string, operands: readonly Operand[], declare: boolean): void;
  /** Opens a block of statements (its lets are local to it). */
  open(): void;
  /** Closes the block {@link open} opened. */
  close(): void;
  /** A `let`: `stmt.name` holds the value (a condition when `conditions` has it, see `conditionLets`). */
  let(ci: number, stmt: StmtIR, conditions: ReadonlySet<string>): void;
  /** The new value of a `set`, held until {@link assign} at the end of the block. */
  next(ci: number, stmt: StmtIR, conditions: ReadonlySet<string>): void;
  /** State `name` takes the value {@link next} computed. */
  assign(ci: number, name: string): void;
  /** Writes `name` to the unit's element of `buffer`. */
  store(ci: number, name: string, buffer: number): void;
  /**
   * Adds the recorded variable (`name`, buffer `r.source`) to the unit's
   * running total. `stored`: the store phase of this step has run (array
   * mode), so the buffer holds the variable too.
   */
  recordSum(ci: number, r: RecordPlan, name: string, stored: boolean): void;
  /** Writes the recorded variable to the trace row of the step, when the step writes one; as {@link recordSum}. */
  recordTrace(ci: number, r: RecordPlan, name: string, stored: boolean): void;
  /**
   * When the spike flag `flag` (a condition let) holds, appends
   * `(k − k0, i)` to the spike buffer `out` (element 0 counts the spikes,
   * element 1 is the room, in pairs; pair j is at 2 + 2j and is written only
   * while j < room), where the target appends spikes as they happen; a
   * target that finds them after the unit loop ({@link afterUnits}) writes nothing here.
   */
  recordSpike(ci: number, flag: string, out: number): void;
  /** Declares the time at the start of the step, `t = k·dt`, for container `ci`. */
  time(ci: number): void;
  /** After the loop over container `ci`'s units in a step (array mode): appends to spike buffer `out` the units whose `lastspike` (buffer `lastspike`) is this step's time, where the target finds spikes that way. */
  afterUnits?(ci: number, out: number, lastspike: number): void;
  /** Runs `body` for every step of the block. */
  steps(body: () => void): void;
  /** Runs `body` for every unit of container `ci` (a loop, or the current thread). */
  units(ci: number, body: () => void): void;
  /** Computes an operator of container `ci` for the current step. */
  operator(ci: number, o: OperatorPlan): void;
  /**
   * Where present, the target computes the lets {@link hoist} takes out once per
   * block: before the step loop, for every unit of container `ci`, `load`
   * the parameters, compute `lets` and keep each (array mode), or (register
   * mode) with the loads. Absent: they are computed in every step.
   */
  invariants?(ci: number, lets: readonly StmtIR[], load: () => void): void;
  /** Declares the invariant let `name` (number `j` of its container's) from what {@link invariants} kept for the unit. */
  invariant?(ci: number, name: string, j: number): void;
  /**
   * Where present (with {@link invariants}), the target reads the uniform
   * values of container `ci` once per block: declares `name` from element 0
   * of `buffer`, before the step loop.
   */
  uniform?(ci: number, name: string, buffer: number): void;
  /**
   * After every container has stepped: writes the units of container `ci`
   * that fired in this step (their `lastspike` is the step's time) to the
   * row k mod slots of its `fired` ring, in increasing order, count first.
   */
  collect(ci: number): void;
  /**
   * Before projection `pi`'s target steps: each summed variable's `out[j]`
   * becomes the sum, over target unit j's synapses in order, of its
   * expression (of the synapse's variables at `s`, `x_pre` at `i`, `x_post`
   * at `j`, and `t`).
   */
  summed(pi: number): void;
  /**
   * Runs projection `pi`'s events of this step: `onPre` for the synapses
   * whose source unit fired their delay ago, then `onPost` for those whose
   * target unit fired now; each event as {@link synapseEvent} says.
   */
  deliver(pi: number): void;
}

/**
 * One synapse event as the targets run it: load the variables the
 * statements use (`array`: the synapse's own, indexed by the synapse `s`;
 * `pre` / `post`: the source unit `i`'s or target unit `j`'s), run the
 * `decay` block then the pathway's (lets, then sets, each block's sets
 * together at its end), store what was set.
 */
export interface SynapseEvent {
  loads: { name: string; buffer: number; at: 's' | 'i' | 'j' }[];
  blocks: StmtIR[][];
  stores: { name: string; buffer: number; at: 's' | 'i' | 'j' }[];
}

/** Every buffer projection `p` itself holds: its variables, connectivity and delays. */
export function projectionBuffers(p: ProjectionPlan): number[] {
  const delay = p.delay.kind === 'uniform' ? [p.delay.steps, p.delay.before] : [p.delay.order, p.delay.steps, p.delay.beforeOrder, p.delay.beforeSteps];
  const columns = p.columns ? [p.columns.starts, p.columns.synapses, p.columns.sources] : [];
  return [...Object.values(p.buffers), p.rows, p.cols, ...delay, ...columns, ...(p.summed ?? []).map((x) => x.out)];
}

/**
 * Where a name of projection `p`'s statements lives: `x_pre` in the source's
 * buffer of `x` at unit `i`, `x_post` in the target's at unit `j`, anything
 * else in the synapse's own buffer at synapse `s`.
 * @throws {@link BackendError} (code `invalid-plan`) for a name none of them has
 */
export function synapseOperand(plan: NetworkPlan, p: ProjectionPlan, n: string): { buffer: number; at: 's' | 'i' | 'j' } {
  const m = SIDE_NAME.exec(n);
  if (m) {
    const c = plan.containers[m[2] === 'pre' ? p.source : p.target];
    const buffer = c?.buffers[m[1]];
    if (buffer === undefined) throw new BackendError('code generation', `projection ${p.name} reads a variable its ${m[2] === 'pre' ? 'source' : 'target'} does not have.`, 'This is a bug in the network plan.', { code: 'invalid-plan' });
    return { buffer, at: m[2] === 'pre' ? 'i' : 'j' };
  }
  const buffer = p.buffers[n];
  if (buffer === undefined) throw new BackendError('code generation', `projection ${p.name} reads a variable its synapses do not have.`, 'This is a bug in the network plan.', { code: 'invalid-plan' });
  return { buffer, at: 's' };
}

/** What one event of projection `p` on pathway `on` loads, runs and stores. */
export function synapseEvent(plan: NetworkPlan, p: ProjectionPlan, on: 'pre' | 'post'): SynapseEvent {
  const pathway = p.ir.pathways.find((w) => w.on === on);
  const blocks = [p.ir.decay, pathway?.stmts ?? []].filter((b) => b.length);
  const lets = new Set(blocks.flat().filter((x) => x.kind === 'let').map((x) => x.name));
  const read = new Set<string>();
  const set = new Set<string>();
  for (const st of blocks.flat()) {
    refsOf(st.expr, read);
    if (st.kind === 'set') set.add(st.name);
  }
  const where = (n: string) => ({ name: n, ...synapseOperand(plan, p, n) });
  const names = [...new Set([...read, ...set])].filter((n) => !lets.has(n) && n !== TIME).sort();
  return { loads: names.map(where), blocks, stores: names.filter((n) => set.has(n)).map(where) };
}

/** The IR name of the variable of container `c` held in `buffer`. */
function variableOf(c: ContainerPlan, ci: number, buffer: number): string {
  for (const [n, b] of Object.entries(c.buffers)) if (b === buffer) return n;
  throw new BackendError('code generation', `container ${ci} records buffer ${buffer}, which is none of its variables.`, 'This is a bug in the network plan.', { code: 'invalid-plan' });
}

/** Each state, parameter and input of `c`, with whether it is a connected input. */
function variables(c: ContainerPlan): { name: string; state: boolean; connected: boolean }[] {
  return [
    ...c.ir.states.map((s) => ({ name: s.name, state: true, connected: false })),
    ...[...c.ir.params, ...c.ir.inputs].map((p) => ({ name: p.name, state: false, connected: Object.hasOwn(c.inputs, p.name) })),
  ];
}

/**
 * The load phase: in array mode, every state (mutable) and every parameter
 * and unconnected input (constant) for one step; in register mode, once
 * before the step loop, with connected inputs too (mutable: assigned every
 * step).
 */
export function unitLoad(t: KernelTarget, plan: NetworkPlan, ci: number, mode: KernelMode, states = true): void {
  const c = plan.containers[ci];
  t.phase(ci, 'load', mode === 'registers' ? containerLabel(c, ci) : undefined);
  const uniform = new Set(mode === 'array' && t.uniform ? c.uniform ?? [] : []);
  for (const v of variables(c)) {
    if ((v.connected && mode === 'array') || (v.state && !states) || uniform.has(v.name)) continue;
    t.load(ci, v.name, c.buffers[v.name], v.state || v.connected);
  }
}

/** The store phase: every state, then every connected input, back to its array (array mode: each step; register mode: once after the step loop). */
export function unitStore(t: KernelTarget, plan: NetworkPlan, ci: number, mode: KernelMode): void {
  const c = plan.containers[ci];
  t.phase(ci, 'store', mode === 'registers' ? containerLabel(c, ci) : undefined);
  for (const s of c.ir.states) t.store(ci, s.name, c.buffers[s.name]);
  for (const n of Object.keys(c.inputs)) t.store(ci, n, c.buffers[n]);
}

/**
 * A block of simultaneous sets: lets and new values in order, then every
 * set state takes its new value. `scoped`: its lets are local to it (the
 * spike block's are not: the record phase reads the flag).
 */
function block(t: KernelTarget, ci: number, phase: 'update' | 'post' | 'spike', stmts: readonly StmtIR[], scoped = true): void {
  if (!stmts.length) return;
  t.phase(ci, phase);
  if (scoped) t.open();
  const conditions = conditionLets(stmts);
  const sets: string[] = [];
  for (const s of stmts) {
    if (s.kind === 'let') t.let(ci, s, conditions);
    else { t.next(ci, s, conditions); sets.push(s.name); }
  }
  for (const s of sets) t.assign(ci, s);
  if (scoped) t.close();
}

const NONE: ReadonlySet<string> = new Set();

/** A container's update with the work that is the same in every step of a block taken out of it. */
export interface Hoisted {
  /** Lets that read only uniform values, `dt` and each other: one value for all units. */
  scalars: StmtIR[];
  /** Lets that read only parameters, unconnected inputs, `dt` and each other, in order. */
  lets: StmtIR[];
  /** The rest of the update, reading those lets by name. */
  update: StmtIR[];
}

/**
 * Takes out of container `c`'s update what reads only its parameters,
 * unconnected inputs, `dt` and constants (e.g. `expm1(-dt / tau)`): its lets
 * of that kind, and the largest such parts of its other expressions (as new
 * lets `__i<n>`). They are the same in every step of a block, so a target
 * may compute them once per block ({@link KernelTarget.invariants}); the
 * values are those the step would compute, bit for bit. Condition lets and
 * draws stay in the step.
 */
export function hoist(c: ContainerPlan, uniform: ReadonlySet<string> = NONE): Hoisted {
  const fixed = new Set<string>([DT, ...c.ir.params.map((p) => p.name), ...c.ir.inputs.filter((p) => !Object.hasOwn(c.inputs, p.name)).map((p) => p.name)]);
  const shared = new Set<string>([DT, ...uniform]);
  const conditions = conditionLets(c.ir.update);
  const defined = new Map<string, number>();
  for (const s of statementsOf(c.ir)) defined.set(s.name, (defined.get(s.name) ?? 0) + 1);
  const lets: StmtIR[] = [];
  const scalars: StmtIR[] = [];
  const update: StmtIR[] = [];
  const invariant = (e: ExprIR): boolean => !isDraw(e) && [...refsOf(e)].every((n) => fixed.has(n));
  // A let of uniform values only is one value for all units.
  const keep = (s: StmtIR) => {
    if ([...refsOf(s.expr)].every((n) => shared.has(n))) { scalars.push(s); shared.add(s.name); } else lets.push(s);
  };
  // The largest invariant parts of an expression that compute something (not a name or a number).
  const lift = (e: ExprIR): ExprIR => {
    if (e.k !== 'op') return e;
    if (invariant(e)) {
      const name = `__i${lets.length + scalars.length}`;
      keep({ kind: 'let', name, expr: e });
      fixed.add(name);
      return { k: 'ref', name };
    }
    return { ...e, args: e.args.map(lift) };
  };
  for (const s of c.ir.update) {
    if (s.kind === 'let' && !conditions.has(s.name) && defined.get(s.name) === 1 && invariant(s.expr)) {
      keep(s);
      fixed.add(s.name);
      continue;
    }
    update.push(isDraw(s.expr) ? s : { ...s, expr: lift(s.expr) });
  }
  return { scalars, lets, update };
}

/** Whether container `c`'s statements read the time `t`. */
export function readsTime(c: ContainerPlan): boolean {
  const refs = new Set<string>();
  for (const s of statementsOf(c.ir)) refsOf(s.expr, refs);
  return refs.has(TIME);
}

/**
 * One unit of container `ci` for one step: every {@link Phase} in order. In
 * register mode the load and store phases are left to {@link unitLoad} and
 * {@link unitStore} around the step loop.
 */
export function unitStep(t: KernelTarget, plan: NetworkPlan, ci: number, mode: KernelMode, hoisted?: Hoisted): void {
  const c = plan.containers[ci];
  t.comment(`${containerLabel(c, ci)}: ${solverLabel(c)}`);
  if (mode === 'array') unitLoad(t, plan, ci, mode);
  if (mode === 'array') hoisted?.lets.forEach((s, j) => t.invariant!(ci, s.name, j));
  if (readsTime(c)) t.time(ci);
  const inputs = Object.entries(c.inputs);
  if (inputs.length) {
    t.phase(ci, 'inputs');
    for (const [name, terms] of inputs) t.input(ci, name, terms.map((term) => operand(plan, term, mode)), mode === 'array');
  }
  block(t, ci, 'update', hoisted?.update ?? c.ir.update);
  const bounded = c.ir.states.filter((s) => s.bounds && c.ir.update.some((u) => u.kind === 'set' && u.name === s.name));
  if (bounded.length) t.phase(ci, 'clip', `${bounded.map((s) => local(ci, s.name)).join(', ')} (bounds applied in the update's sets)`);
  if (c.ir.events) block(t, ci, 'spike', c.ir.events.stmts, false);
  block(t, ci, 'post', c.ir.post);
  if (mode === 'array') unitStore(t, plan, ci, mode);
  if (c.records.length || c.spikes) {
    t.phase(ci, 'record');
    for (const r of c.records) {
      const name = variableOf(c, ci, r.source);
      if (r.mode === 'sum') t.recordSum(ci, r, name, mode === 'array');
      else t.recordTrace(ci, r, name, mode === 'array');
    }
    if (c.spikes) {
      if (!c.ir.events) throw new BackendError('code generation', `container ${ci} records spikes but its model declares none.`, 'This is a bug in the network plan.', { code: 'invalid-plan' });
      t.recordSpike(ci, c.ir.events.name, c.spikes.out);
    }
  }
}

/** A term as the target reads it: in register mode a container variable is its owner's local (a fusable plan wires one to one). */
function operand(plan: NetworkPlan, term: TermPlan, mode: KernelMode): Operand {
  if (mode !== 'registers' || term.kind !== 'var') return term;
  for (let pi = 0; pi < plan.containers.length; pi++) {
    for (const [name, b] of Object.entries(plan.containers[pi].buffers)) if (b === term.buffer) return { kind: 'local', container: pi, name };
  }
  throw new BackendError('code generation', `an input reads buffer ${term.buffer}, which is no container's variable.`, 'This is a bug in the network plan.', { code: 'invalid-plan' });
}

/**
 * The register-mode kernel of a fusable plan: for every unit, load every
 * container, advance all of them through every step of the block, store.
 */
export function registerKernel(t: KernelTarget, plan: NetworkPlan): void {
  // The lets that are the same in every step are computed once, with the loads.
  const hoisted = plan.containers.map((c) => (t.invariants ? hoist(c) : undefined));
  t.units(0, () => {
    plan.containers.forEach((_, ci) => {
      unitLoad(t, plan, ci, 'registers');
      for (const s of [...(hoisted[ci]?.scalars ?? []), ...(hoisted[ci]?.lets ?? [])]) t.let(ci, s, NONE);
    });
    t.steps(() => plan.containers.forEach((_, ci) => unitStep(t, plan, ci, 'registers', hoisted[ci])));
    plan.containers.forEach((_, ci) => unitStore(t, plan, ci, 'registers'));
  });
}

/**
 * The array-mode kernel: for every step, each container in order computes
 * its operators, then advances each of its units by the step.
 */
export function arrayKernel(t: KernelTarget, plan: NetworkPlan): void {
  // The lets that are the same in every step: computed once per block where the target keeps them.
  const hoisted = plan.containers.map((c) => (t.invariants ? hoist(c, new Set(t.uniform ? c.uniform ?? [] : [])) : undefined));
  plan.containers.forEach((c, ci) => {
    // Values the same for every unit: read once, and what reads only them computed once.
    if (!t.uniform) return;
    for (const n of c.uniform ?? []) t.uniform(ci, n, c.buffers[n]);
    for (const s of hoisted[ci]?.scalars ?? []) t.let(ci, s, NONE);
  });
  hoisted.forEach((h, ci) => h?.lets.length && t.invariants!(ci, h.lets, () => unitLoad(t, plan, ci, 'array', false)));
  t.steps(() => {
    plan.containers.forEach((c, ci) => {
      plan.projections?.forEach((p, pi) => p.summed?.length && p.target === ci && t.summed(pi));
      for (const o of c.operators) t.operator(ci, o);
      t.units(ci, () => unitStep(t, plan, ci, 'array', hoisted[ci]));
      // A container whose fired units are collected for synapses records its spikes from that scan.
      if (c.spikes && !c.fired) t.afterUnits?.(ci, c.spikes.out, c.buffers[LASTSPIKE]);
    });
    plan.containers.forEach((c, ci) => c.fired && t.collect(ci));
    plan.projections?.forEach((_, pi) => t.deliver(pi));
  });
}

/** What differs between the source targets (JavaScript, C, CUDA C) in a kernel. */
export interface SourceSyntax {
  /** Literals and math functions. */
  dialect: Dialect;
  /** Integer arithmetic on step and row numbers. */
  ints: IntegerSyntax<string>;
  /** The declaration of a float local: `let` / `const`, `real` / `const real`. */
  real(mutable: boolean): string;
  /** The declaration of a condition local: `const`, `const int`. */
  condition: string;
  /** A new state value as the dtype holds it, where the target computes wider (JavaScript in float32: `Math.fround`). */
  round(text: string): string;
  /** The header of the step loop, e.g. `for (let k = k0; k < kEnd; k++)`. */
  stepLoop: string;
  /** The lines before the body of the loop over container `ci`'s units (the last is the loop header), or null where the thread is the unit. */
  unitLoop(ci: number): string[] | null;
  /** How operator loops are written. */
  loops: LoopStyle;
  /**
   * Whether a recording reads the variable back from its array once the
   * store phase has run (C: the same value as the local, in the form the
   * C compilers have been measured with), rather than from its local.
   */
  recordStored: boolean;
  /** The time at the start of step `k` for container `ci`, e.g. `k * dt0`. */
  time(ci: number): string;
  /**
   * Draw `d` of container `ci` for unit `i` and step `k` (stream `run`):
   * uniform on [0, 1) (`rand`) or standard normal (`randn`). In a batch
   * (`member`), the unit draws with its member's seed (`b<seeds>[i]`) as
   * the unit of that member it is (`b<units>[i]`).
   */
  draw(kind: 'rand' | 'randn', ci: number, d: number, member?: { seeds: number; units: number }): string;
  /**
   * How container `ci`'s spikes are recorded: appended where the unit
   * fires, or (`scan`) found after the unit loop (which may then be
   * vectorised) by a scan over units [lo, hi) of the `lastspike` array for
   * the step's time: a unit fired in this step exactly when its `lastspike`
   * is the step's `t`.
   */
  spikes(ci: number): { kind: 'append' } | { kind: 'scan'; lo: string; hi: string };
  /** Statements that count one more spike in spike buffer `b` (element 0), leaving the count before it in `at`. */
  takePair(b: string): string[];
  /** A cast to the spike buffer's element type (`(int32_t)`), or ''. */
  intCast: string;
  /** The declaration of an integer local (indices, counts): `let` / `const`, `int64_t` / `const int64_t`. */
  index(mutable: boolean): string;
  /** The time at the start of step `k` for projection `pi`, e.g. `k * dtp0`. */
  projectionTime(pi: number): string;
  /** The first step whose spikes take projection `pi`'s current delays, e.g. `sincep0`. */
  projectionSince(pi: number): string;
  /** The declaration of a local that points into an int32 buffer: `const`, `const int32_t *`. */
  intArray: string;
}

/**
 * A {@link KernelTarget} that writes source text: lines, indented two spaces
 * per level. Buffers are `b<index>`, locals `c<container>_<name>`, the unit
 * `i`, the step `k`, the block's first step `k0`, container sizes
 * `n<container>`, the first trace row of a record `rb<buffer>`.
 */
export class SourceTarget implements KernelTarget {
  /** The lines written so far. */
  readonly lines: string[] = [];
  private depth: number;

  /** @param depth - the indentation level of the first line */
  constructor(readonly syntax: SourceSyntax, depth = 0) {
    this.depth = depth;
  }

  /** Writes one line at the current indentation. */
  line(text: string): void {
    this.lines.push(`${'  '.repeat(this.depth)}${text}`);
  }

  /** Writes one line with no indentation (preprocessor directives). */
  raw(text: string): void {
    this.lines.push(text);
  }

  /** Writes `header {`, then `body` one level deeper, then `}`. */
  nest(header: string, body: () => void): void {
    this.line(`${header} {`);
    this.depth++;
    body();
    this.depth--;
    this.line('}');
  }

  /** The text written, one line each. */
  text(): string {
    return this.lines.join('\n');
  }

  /** The source text of an operand. */
  private operand(o: Operand): string {
    if (o.kind === 'const') return this.syntax.dialect.num(o.value);
    if (o.kind === 'local') return local(o.container, o.name);
    const at = o.num === 1 ? '0' : 'i';
    if (o.kind === 'stream') return `b${integer(o.buffer)}[(k - k0) * ${integer(o.num)} + ${at}]`;
    return `b${integer(o.buffer)}[${at}]`;
  }

  phase(ci: number, phase: Phase, note?: string): void {
    this.line(`// ${phase}${note ? `: ${note}` : ''}`);
  }

  comment(text: string): void {
    this.line(`// ${text}`);
  }

  load(ci: number, name: string, buffer: number, mutable: boolean): void {
    this.line(`${this.syntax.real(mutable)} ${local(ci, name)} = b${integer(buffer)}[i];`);
  }

  input(ci: number, name: string, operands: readonly Operand[], declare: boolean): void {
    const sum = operands.map((o) => this.operand(o)).join(' + ') || this.syntax.dialect.num(0);
    this.line(`${declare ? `${this.syntax.real(false)} ` : ''}${local(ci, name)} = ${sum};`);
  }

  open(): void {
    this.line('{');
    this.depth++;
  }

  close(): void {
    this.depth--;
    this.line('}');
  }

  let(ci: number, stmt: StmtIR, conditions: ReadonlySet<string>): void {
    const name = (n: string) => local(ci, n);
    const e: ExprIR = stmt.expr;
    // The draw's number is checked to be an integer before it enters source.
    if (isDraw(e)) return this.line(`${this.syntax.real(false)} ${name(stmt.name)} = ${this.syntax.draw(e.op, ci, Number(integer(e.args[0].v)), this.plan && memberOf(this.plan, ci))};`);
    if (conditions.has(stmt.name)) this.line(`${this.syntax.condition} ${name(stmt.name)} = ${renderCondition(stmt.expr, this.syntax.dialect, name, conditions)};`);
    else this.line(`${this.syntax.real(false)} ${name(stmt.name)} = ${renderExpr(stmt.expr, this.syntax.dialect, name, conditions)};`);
  }

  next(ci: number, stmt: StmtIR, conditions: ReadonlySet<string>): void {
    const name = (n: string) => local(ci, n);
    this.line(`${this.syntax.real(false)} ${name(stmt.name)}__n = ${renderExpr(stmt.expr, this.syntax.dialect, name, conditions)};`);
  }

  assign(ci: number, name: string): void {
    this.line(`${local(ci, name)} = ${this.syntax.round(`${local(ci, name)}__n`)};`);
  }

  store(ci: number, name: string, buffer: number): void {
    this.line(`b${integer(buffer)}[i] = ${local(ci, name)};`);
  }

  /** The source text of a recorded variable's value. */
  private recorded(ci: number, r: RecordPlan, name: string, stored: boolean): string {
    return stored && this.syntax.recordStored ? `b${integer(r.source)}[i]` : local(ci, name);
  }

  recordSum(ci: number, r: RecordPlan, name: string, stored: boolean): void {
    this.line(`b${integer(r.out)}[i] += ${this.recorded(ci, r, name, stored)};`);
  }

  time(ci: number): void {
    this.line(`${this.syntax.real(false)} ${local(ci, TIME)} = ${this.syntax.time(ci)};`);
  }

  recordSpike(ci: number, flag: string, out: number): void {
    if (this.syntax.spikes(ci).kind === 'append') this.nest(`if (${local(ci, flag)})`, () => this.appendPair(out));
  }

  afterUnits(ci: number, out: number, lastspike: number): void {
    const style = this.syntax.spikes(ci);
    if (style.kind !== 'scan') return;
    this.nest('', () => {
      this.line(`const real ${local(ci, TIME)} = ${this.syntax.time(ci)};`);
      this.scan(style.lo, style.hi, `b${integer(lastspike)}[i] == ${local(ci, TIME)}`, () => this.appendPair(out));
    });
  }

  /**
   * Runs `each` for every unit i in [lo, hi), in order, for which `fired`
   * holds: a vectorised test of 64 units at a time (most hold none), then
   * the units of the groups that do (C only).
   */
  private scan(lo: string, hi: string, fired: string, each: () => void): void {
    this.nest(`for (int64_t g = ${lo}; g < ${hi}; g += 64)`, () => {
      this.line(`const int64_t gEnd = g + 64 < ${hi} ? g + 64 : ${hi};`);
      this.line('int any = 0;');
      this.line('#pragma omp simd reduction(|:any)');
      this.line(`for (int64_t i = g; i < gEnd; i++) any |= ${fired};`);
      this.nest(`if (any) for (int64_t i = g; i < gEnd; i++) if (${fired})`, each);
    });
  }

  /** Appends (k − k0, i) to spike buffer `out` while there is room (the count goes on, so that the run loop sees how much room was needed). */
  private appendPair(out: number): void {
    const b = `b${integer(out)}`;
    for (const l of this.syntax.takePair(b)) this.line(l);
    const cast = this.syntax.intCast;
    this.nest(`if (at < ${b}[1])`, () => {
      this.line(`${b}[2 + 2 * at] = ${cast}(k - k0);`);
      this.line(`${b}[3 + 2 * at] = ${cast}i;`);
    });
  }

  recordTrace(ci: number, r: RecordPlan, name: string, stored: boolean): void {
    const o = this.syntax.ints;
    const at = traceIndex(o, 'k', r.rate, firstRowName(r), `n${integer(ci)}`, 'i');
    let value = this.recorded(ci, r, name, stored);
    if (r.reduce) {
      // The steps since the last row: a new window starts after each row (and at step 0).
      const acc = `b${integer(r.reduce.acc)}[i]`;
      const fresh = `(${windowStarts(o, 'k', r.rate)})`;
      const combined = r.reduce.kind === 'max' ? `(${value} > ${acc} ? ${value} : ${acc})` : `(${acc} + ${value})`;
      this.line(`${acc} = ${fresh} ? ${value} : ${combined};`);
      value = acc;
    }
    this.line(`if (${writesRow(o, 'k', r.rate)}) b${integer(r.out)}[${bare(at)}] = ${value};`);
  }

  /** Declares the first row in this block of each trace record of `c`, `rb<buffer> = ⌈k0 / rate⌉`; `decl` is the declaration (`const`, `const int64_t`). */
  firstRows(c: ContainerPlan, decl: string): void {
    for (const r of c.records) if (r.mode === 'trace') this.line(`${decl} ${firstRowName(r)} = ${bare(firstRow(this.syntax.ints, 'k0', r.rate))};`);
  }

  steps(body: () => void): void {
    this.nest(this.syntax.stepLoop, body);
  }

  units(ci: number, body: () => void): void {
    const loop = this.syntax.unitLoop(ci);
    if (!loop) return body();
    loop.slice(0, -1).forEach((l) => this.line(l));
    this.nest(loop[loop.length - 1], body);
  }

  operator(ci: number, o: OperatorPlan): void {
    for (const text of renderOperator(o, this.syntax.loops)) this.line(text);
  }

  /**
   * Invariant lets, computed once per block into arrays `h<ci>_<j>` (one
   * value per unit) by the loop over units, where the syntax allows it.
   */
  invariants?(ci: number, lets: readonly StmtIR[], load: () => void): void;

  uniform?(ci: number, name: string, buffer: number): void;

  /** Declares a uniform value from element 0 of its buffer (see {@link KernelTarget.uniform}). */
  uniformValue(ci: number, name: string, buffer: number): void {
    this.line(`${this.syntax.real(false)} ${local(ci, name)} = b${integer(buffer)}[0];`);
  }

  invariant(ci: number, name: string, j: number): void {
    this.line(`${this.syntax.real(false)} ${local(ci, name)} = h${integer(ci)}_${integer(j)}[${this.scratchAt}];`);
  }

  /** The index of the unit `i` in the scratch arrays of {@link renderInvariants} (`i`, or `i - c0` in a chunk). */
  scratchAt = 'i';
  /** The scratch arrays declared so far (the C renderer frees them). */
  readonly scratch: string[] = [];

  /**
   * Renders the invariants of container `ci` for a syntax that keeps them:
   * its scratch arrays (`declare` gives the declaration of one) and the loop
   * over units that fills them.
   */
  renderInvariants(ci: number, lets: readonly StmtIR[], load: () => void, declare: (name: string) => string): void {
    this.comment(`${containerLabel(this.planOf().containers[ci], ci)}: the lets that are the same in every step of the block`);
    lets.forEach((_, j) => {
      const name = `h${integer(ci)}_${integer(j)}`;
      this.scratch.push(name);
      this.line(declare(name));
    });
    this.units(ci, () => {
      load();
      for (const s of lets) this.let(ci, s, NONE);
      lets.forEach((s, j) => this.line(`h${integer(ci)}_${integer(j)}[${this.scratchAt}] = ${local(ci, s.name)};`));
    });
  }

  /** The plan whose projections {@link collect} and {@link deliver} render (set by the renderer). */
  plan?: NetworkPlan;

  private planOf(): NetworkPlan {
    if (!this.plan) throw new BackendError('code generation', 'a projection is rendered without its plan.', 'This is a bug in the renderer.', { code: 'invalid-plan' });
    return this.plan;
  }

  collect(ci: number): void {
    const c = this.planOf().containers[ci];
    const { fired } = c;
    if (!fired) return;
    const x = this.syntax;
    const ring = `b${integer(fired.ring)}`;
    const last = `b${integer(c.buffers[LASTSPIKE])}`;
    this.nest('', () => {
      this.line(`// the units of ${containerLabel(c, ci)} that fired in this step`);
      this.line(`${x.index(false)} base = (k % ${integer(fired.slots)}) * (n${integer(ci)} + 1);`);
      // The time as the dtype holds it, as lastspike holds it (JavaScript computes k·dt in double).
      this.line(`${x.real(false)} tc = ${x.round(x.time(ci))};`);
      this.line(`${x.index(true)} count = 0;`);
      const append = () => this.line(`${ring}[base + 1 + count++] = ${x.intCast}i;`);
      // Where spikes are found by a scan (not appended in the unit loop), this scan records them too.
      const scanned = x.spikes(ci).kind === 'scan';
      const spikes = c.spikes && scanned ? c.spikes.out : undefined;
      if (scanned) this.scan('0', `n${integer(ci)}`, `${last}[i] == tc`, () => { append(); if (spikes !== undefined) this.appendPair(spikes); });
      else this.nest(`for (${x.index(true)} i = 0; i < n${integer(ci)}; i++)`, () => this.nest(`if (${last}[i] == tc)`, append));
      this.line(`${ring}[base] = ${x.intCast}count;`);
    });
  }

  /** What the renderers of projection `pi` use: the plan, the projection, the syntax, buffer names and index declarations. */
  private projectionParts(pi: number) {
    const plan = this.planOf();
    const x = this.syntax;
    return { plan, p: plan.projections![pi], x, int: (n: number) => `b${integer(n)}`, I: x.index(false), M: x.index(true) };
  }

  deliver(pi: number): void {
    const { plan, p, x, int, I, M } = this.projectionParts(pi);
    this.nest('', () => {
      this.line(`// projection ${integer(pi)}: ${containerLabel(plan.containers[p.source], p.source)} to ${containerLabel(plan.containers[p.target], p.target)}, ${integer(p.num)} synapses`);
      this.line(`${x.real(false)} ${projectionLocal(pi, TIME)} = ${x.projectionTime(pi)};`);
      const pre = synapseEvent(plan, p, 'pre');
      const source = plan.containers[p.source];
      if (p.ir.pathways.some((w) => w.on === 'pre') && source.fired) {
        const ring = int(source.fired.ring);
        const slots = integer(source.fired.slots);
        // The spikes of source unit i that fired d steps ago, on the synapses with delay d.
        const row = (d: string, range: () => void) => {
          this.line(`${I} base = ((k - ${d}) % ${slots}) * (n${integer(p.source)} + 1);`);
          this.nest(`for (${M} f = 0; f < ${ring}[base]; f++)`, () => {
            this.line(`${I} i = ${ring}[base + 1 + f];`);
            range();
          });
        };
        const events = (entry: (e: string) => string) => this.nest(`for (${M} e = lo; e < hi; e++)`, () => {
          this.line(`${I} s = ${entry('e')};`);
          this.line(`${I} j = ${int(p.cols)}[s];`);
          this.event(pi, pre);
        });
        // A spike sent at step k − d is delivered by the synapses whose delay was d when it was sent:
        // the current delays from step `since` on, the earlier ones before.
        const since = `sp${integer(pi)}`;
        this.line(`${I} ${since} = ${x.projectionSince(pi)};`);
        if (p.delay.kind === 'uniform') {
          for (const [buffer, sent] of [[p.delay.steps, '>='], [p.delay.before, '<']] as const) {
            const delay = int(buffer);
            this.nest(`if (${delay}[0] <= k && k - ${delay}[0] ${sent} ${since})`, () => row(`${delay}[0]`, () => {
              this.line(`${I} lo = ${int(p.rows)}[i], hi = ${int(p.rows)}[i + 1];`);
              events((e) => e);
            }));
          }
        } else {
          const { order, steps, beforeOrder, beforeSteps } = p.delay;
          this.nest(`for (${M} d = 0; d <= ${integer(p.maxDelay)} && d <= k; d++)`, () => {
            this.line(`${x.intArray} ord = k - d >= ${since} ? ${int(order)} : ${int(beforeOrder)};`);
            this.line(`${x.intArray} stp = k - d >= ${since} ? ${int(steps)} : ${int(beforeSteps)};`);
            row('d', () => {
              // The entries of the row with delay d: [lo, hi), by bisection (the row is ordered by delay).
              this.line(`${M} lo = ${int(p.rows)}[i], hi = ${int(p.rows)}[i + 1];`);
              this.line(`${M} a = lo, z = hi;`);
              this.line(`while (a < z) { ${I} m = a + ((z - a) >> 1); if (stp[m] < d) a = m + 1; else z = m; }`);
              this.line('lo = a; z = hi;');
              this.line(`while (a < z) { ${I} m = a + ((z - a) >> 1); if (stp[m] <= d) a = m + 1; else z = m; }`);
              this.line('hi = a;');
              events((e) => `ord[${e}]`);
            });
          });
        }
      }
      const target = plan.containers[p.target];
      if (p.columns && target.fired) {
        const post = synapseEvent(plan, p, 'post');
        const { starts, synapses, sources } = p.columns;
        const ring = int(target.fired.ring);
        this.line(`${I} base = (k % ${integer(target.fired.slots)}) * (n${integer(p.target)} + 1);`);
        this.nest(`for (${M} f = 0; f < ${ring}[base]; f++)`, () => {
          this.line(`${I} j = ${ring}[base + 1 + f];`);
          this.nest(`for (${M} e = ${int(starts)}[j]; e < ${int(starts)}[j + 1]; e++)`, () => {
            this.line(`${I} s = ${int(synapses)}[e];`);
            this.line(`${I} i = ${int(sources)}[s];`);
            this.event(pi, post);
          });
        });
      }
    });
  }

  /**
   * One of the three kernels that collect container `ci`'s fired units in
   * parallel (the thread's unit is `i`; `fired.blocks` laid out): `count`
   * adds each fired unit to its block's count; `scan` (one thread) turns
   * the counts into offsets, clears them and writes the row's count;
   * `place` writes each fired unit at its block's offset plus the fired
   * units before it in the block. The row holds the units in increasing
   * order, as the serial loop writes it.
   */
  collectPart(ci: number, part: 'count' | 'scan' | 'place'): void {
    const c = this.planOf().containers[ci];
    const { fired } = c;
    if (!fired?.blocks) throw new BackendError('code generation', `container ${integer(ci)} collects in parallel without block counts.`, 'This is a bug in the plan.', { code: 'invalid-plan' });
    const x = this.syntax;
    const I = x.index(false);
    const n = `n${integer(ci)}`;
    const size = integer(fired.blocks.size);
    const ring = `b${integer(fired.ring)}`;
    const counts = `b${integer(fired.blocks.counts)}`;
    const offsets = `b${integer(fired.blocks.offsets)}`;
    const last = `b${integer(c.buffers[LASTSPIKE])}`;
    const tc = `${x.real(false)} tc = ${x.round(x.time(ci))};`;
    const base = `${I} base = (k % ${integer(fired.slots)}) * (${n} + 1);`;
    if (part === 'count') return this.nest(`if (i < ${n})`, () => {
      this.line(tc);
      this.line(`if (${last}[i] == tc) atomicAdd(&${counts}[i / ${size}], 1);`);
    });
    if (part === 'scan') return this.nest('if (i == 0)', () => {
      this.line(base);
      this.line(`${x.index(true)} total = 0;`);
      this.nest(`for (${x.index(true)} q = 0; q < (${n} + ${size} - 1) / ${size}; q++)`, () => {
        this.line(`${offsets}[q] = ${x.intCast}total;`);
        this.line(`total += ${counts}[q];`);
        this.line(`${counts}[q] = 0;`);
      });
      this.line(`${ring}[base] = ${x.intCast}total;`);
    });
    this.nest(`if (i < ${n})`, () => {
      this.line(tc);
      this.nest(`if (${last}[i] == tc)`, () => {
        this.line(`${x.index(true)} rank = 0;`);
        this.line(`for (${x.index(true)} u = (i / ${size}) * ${size}; u < i; u++) if (${last}[u] == tc) rank++;`);
        this.line(base);
        this.line(`${ring}[base + 1 + ${offsets}[i / ${size}] + rank] = ${x.intCast}i;`);
      });
    });
  }

  /**
   * Projection `pi`'s events delivered by target (the thread's unit `i` is
   * the target `j`): for each delay, the target's synapses in their order
   * whose source fired that many steps ago (found by bisection in the
   * ring's row), then, when the target fired now, its synapses' `onPost`.
   * Each target sees its events in the order the serial loop gives them,
   * so results are the same; the model must not set `x_pre` (two targets
   * would write one source).
   */
  deliverByTarget(pi: number): void {
    const { plan, p, x, int, I, M } = this.projectionParts(pi);
    if (!p.columns || p.ir.sides.pre.sets.length) throw new BackendError('code generation', `projection ${integer(pi)} cannot deliver by target.`, 'This is a bug in the renderer: it needs columns and no statement that sets x_pre.', { code: 'invalid-plan' });
    const { starts, synapses, sources } = p.columns;
    const source = plan.containers[p.source];
    const target = plan.containers[p.target];
    /** The synapses of target j, each with its source `i`, for which `keep` holds and `i` is in the ring row at `base`. */
    const events = (ring: string, base: string, keep: string | null, ev: SynapseEvent) => {
      this.nest(`for (${M} e = ${int(starts)}[j]; e < ${int(starts)}[j + 1]; e++)`, () => {
        this.line(`${I} s = ${int(synapses)}[e];`);
        if (keep) this.line(`if (!(${keep})) continue;`);
        this.line(`${I} i = ${int(sources)}[s];`);
        this.line(`${M} a = ${base} + 1, z = ${base} + 1 + ${ring}[${base}];`);
        this.line(`while (a < z) { ${I} m = a + ((z - a) >> 1); if (${ring}[m] < i) a = m + 1; else z = m; }`);
        this.nest(`if (a < ${base} + 1 + ${ring}[${base}] && ${ring}[a] == i)`, () => this.event(pi, ev));
      });
    };
    this.nest(`if (i < n${integer(p.target)})`, () => {
      this.line(`${I} j = i;`);
      this.line(`${x.real(false)} ${projectionLocal(pi, TIME)} = ${x.projectionTime(pi)};`);
      const since = `sp${integer(pi)}`;
      this.line(`${I} ${since} = ${x.projectionSince(pi)};`);
      if (p.ir.pathways.some((w) => w.on === 'pre') && source.fired) {
        const pre = synapseEvent(plan, p, 'pre');
        const ring = int(source.fired.ring);
        const row = (d: string) => `((k - ${d}) % ${integer(source.fired!.slots)}) * (n${integer(p.source)} + 1)`;
        if (p.delay.kind === 'uniform') {
          for (const [buffer, sent] of [[p.delay.steps, '>='], [p.delay.before, '<']] as const) {
            const delay = int(buffer);
            this.nest(`if (${delay}[0] <= k && k - ${delay}[0] ${sent} ${since})`, () => {
              this.line(`${I} base = ${row(`${delay}[0]`)};`);
              events(ring, 'base', null, pre);
            });
          }
        } else {
          const by = p.delay.bySynapse;
          if (!by) throw new BackendError('code generation', `projection ${integer(pi)} has no delays by synapse.`, 'This is a bug in the plan.', { code: 'invalid-plan' });
          this.nest(`for (${M} d = 0; d <= ${integer(p.maxDelay)} && d <= k; d++)`, () => {
            this.line(`${x.intArray} stp = k - d >= ${since} ? ${int(by.steps)} : ${int(by.before)};`);
            this.line(`${I} base = ${row('d')};`);
            this.line(`if (${ring}[base] == 0) continue;`);
            events(ring, 'base', 'stp[s] == d', pre);
          });
        }
      }
      if (p.ir.pathways.some((w) => w.on === 'post') && target.fired) {
        const post = synapseEvent(plan, p, 'post');
        const ring = int(target.fired.ring);
        this.line(`${I} now = (k % ${integer(target.fired.slots)}) * (n${integer(p.target)} + 1);`);
        // Whether the target fired now: j in its ring's row (bisection).
        this.line(`${M} a = now + 1, z = now + 1 + ${ring}[now];`);
        this.line(`while (a < z) { ${I} m = a + ((z - a) >> 1); if (${ring}[m] < j) a = m + 1; else z = m; }`);
        this.nest(`if (a < now + 1 + ${ring}[now] && ${ring}[a] == j)`, () => {
          this.nest(`for (${M} e = ${int(starts)}[j]; e < ${int(starts)}[j + 1]; e++)`, () => {
            this.line(`${I} s = ${int(synapses)}[e];`);
            this.line(`${I} i = ${int(sources)}[s];`);
            this.event(pi, post);
          });
        });
      }
    });
  }

  /**
   * The summed variables of projection `pi`: for each target unit, the sum
   * over its synapses in their order. `perThread`: the target unit is the
   * thread's `i` (CUDA), instead of a loop over all of them.
   */
  summed(pi: number, perThread = false): void {
    const { plan, p, x, int, I, M } = this.projectionParts(pi);
    const { starts, synapses, sources } = p.columns!;
    const name = (n: string): string => {
      if (n === TIME) return projectionLocal(pi, TIME);
      const { buffer, at } = synapseOperand(plan, p, n);
      return `${int(buffer)}[${at}]`;
    };
    this.nest('', () => {
      this.line(`// projection ${integer(pi)}: the summed variables of ${containerLabel(plan.containers[p.target], p.target)}`);
      const refs = new Set<string>();
      for (const v of p.ir.summed) refsOf(v.expr, refs);
      if (refs.has(TIME)) this.line(`${x.real(false)} ${projectionLocal(pi, TIME)} = ${x.projectionTime(pi)};`);
      const readsPre = [...refs].some((n) => SIDE_NAME.exec(n)?.[2] === 'pre');
      const target = (body: () => void) => {
        if (!perThread) return this.nest(`for (${M} j = 0; j < n${integer(p.target)}; j++)`, body);
        this.nest(`if (i < n${integer(p.target)})`, () => {
          this.line(`${I} j = i;`);
          body();
        });
      };
      target(() => {
        p.summed!.forEach((_, q) => this.line(`${x.real(true)} sum${q} = ${x.dialect.num(0)};`));
        this.nest(`for (${M} e = ${int(starts)}[j]; e < ${int(starts)}[j + 1]; e++)`, () => {
          this.line(`${I} s = ${int(synapses)}[e];`);
          if (readsPre) this.line(`${I} i = ${int(sources)}[s];`);
          p.ir.summed.forEach((v, q) => this.line(`sum${q} += ${renderExpr(v.expr, x.dialect, name)};`));
        });
        p.summed!.forEach((v, q) => this.line(`${int(v.out)}[j] = sum${q};`));
      });
    });
  }

  /** One synapse event of projection `pi` (the indices `s`, `i`, `j` declared). */
  private event(pi: number, ev: SynapseEvent): void {
    const x = this.syntax;
    const name = (n: string) => projectionLocal(pi, n);
    const at = (w: { buffer: number; at: string }) => `b${integer(w.buffer)}[${w.at}]`;
    for (const l of ev.loads) this.line(`${x.real(true)} ${name(l.name)} = ${at(l)};`);
    for (const stmts of ev.blocks) {
      this.open();
      const conditions = conditionLets(stmts);
      const sets: string[] = [];
      for (const st of stmts) {
        if (st.kind === 'let') {
          const e = conditions.has(st.name) ? renderCondition(st.expr, x.dialect, name, conditions) : renderExpr(st.expr, x.dialect, name, conditions);
          this.line(`${conditions.has(st.name) ? x.condition : x.real(false)} ${name(st.name)} = ${e};`);
        } else {
          this.line(`${x.real(false)} ${name(st.name)}__n = ${renderExpr(st.expr, x.dialect, name, conditions)};`);
          sets.push(st.name);
        }
      }
      for (const n of sets) this.line(`${name(n)} = ${x.round(`${name(n)}__n`)};`);
      this.close();
    }
    for (const w of ev.stores) this.line(`${at(w)} = ${name(w.name)};`);
  }
}

/** The local of projection `pi` that holds `name`: `t` → `tp0`, `w` → `p0_w`, `ge_post` → `p0_ge_post`. */
export function projectionLocal(pi: number, name: string): string {
  return name === TIME ? `tp${integer(pi)}` : `p${integer(pi)}_${identifier(name)}`;
}

/** The local holding a trace record's first row in the block. */
function firstRowName(r: RecordPlan): string {
  return `rb${integer(r.out)}`;
}

/** `text` without the parentheses around all of it, if it has them. */
function bare(text: string): string {
  if (!text.startsWith('(')) return text;
  let depth = 0;
  for (let j = 0; j < text.length; j++) {
    if (text[j] === '(') depth++;
    else if (text[j] === ')' && --depth === 0) return j === text.length - 1 ? text.slice(1, -1) : text;
  }
  return text;
}
