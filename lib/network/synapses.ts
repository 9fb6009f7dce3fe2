/**
 * Synapses: a projection from the units of one container to those of
 * another through a synapse model (`@onPre`, `@onPost`, per-synapse
 * parameters and states). Connectivity is made here, on the host, once
 * (from a probability, a fixed in- or out-degree, explicit index arrays or
 * a condition), reproducibly from the network's seed, and stored as
 * compressed sparse rows: synapses are numbered by source unit, then in the
 * order they were made.
 *
 * @module
 */
import { InputDataError, NetworkWiringError } from '../errors.js';
import { isConstant, parseExpression, symbolsOf } from '../expr/parse.js';
import { numberDraws, toIR } from '../ir/build.js';
import type { SynapseIR } from '../ir/types.js';
import { LASTUPDATE, readModel, type ModelClass } from '../model/read.js';
import { checkSynapseUnits } from '../model/joined.js';
import { unitContextOf, valueWithoutUnits } from '../model/units.js';
import { checkOptions, describeValue, didYouMean } from '../options.js';
import { checkSides } from '../plan/build.js';
import { allocate64, MAX_ELEMENTS } from '../plan/arrays.js';
import { normal, RANDOM, STREAMS, uniform } from '../random/philox.js';
import { lowerSynapse } from '../solvers/synapse.js';
import { unparen } from '../symbolic/calculus.js';
import { evaluate } from '../backends/interpreter/index.js';
import type { Container, VariableOf } from './container.js';
import { perUnit } from './container.js';

/**
 * The names of a synapse model's per-synapse variables: its number fields
 * and `lastupdate` (the time of the last event, where it has event-driven
 * states); any string for an untyped model.
 */
export type SynapseVariableOf<M> = Exclude<VariableOf<M>, 'lastspike' | 'not_refractory'> | 'lastupdate';

/** A per-synapse value: one number, one per synapse (in the synapses' order), or an expression evaluated for each synapse. */
export type SynapseValue = number | ArrayLike<number> | string;

/** Options of `Network.synapses`: which pairs are connected, the delays, the values. */
export interface SynapsesOptions {
  /** A name for messages (default `synapses<n>`). */
  name?: string;
  /** Connect each pair with this probability (with `condition`: each pair where it holds). */
  p?: number;
  /** Give each target unit exactly this many synapses, from distinct source units chosen at random. */
  inDegree?: number;
  /** Give each source unit exactly this many synapses, to distinct target units chosen at random. */
  outDegree?: number;
  /** Explicit synapses: source unit of each (with `j`), e.g. imported from another simulator. */
  i?: ArrayLike<number>;
  /** Explicit synapses: target unit of each (with `i`). */
  j?: ArrayLike<number>;
  /** Connect the pairs where this expression of `i` and `j` holds, e.g. `'abs(i - j) <= 2'` (with `p`: each with that probability). */
  condition?: string;
  /** Only these source units, `[first, end)` (default: all), e.g. the excitatory part of a population. */
  sources?: readonly [number, number];
  /** Only these target units, `[first, end)` (default: all). */
  targets?: readonly [number, number];
  /** Whether a unit may connect to itself when source and target are the same container (default true, as Brian2). */
  selfConnections?: boolean;
  /**
   * The delay from a source spike to `onPre`, in the synapse model's time
   * unit: one number for all (default 0), one per synapse, or an expression
   * (`'1 + 2 * rand()'`). Rounded to whole steps of each run.
   */
  delay?: SynapseValue;
  /** Per-synapse parameters and initial states: numbers, one per synapse, or expressions of `i`, `j`, the synapse's variables and `rand()`, `randn()`. */
  values?: Record<string, SynapseValue>;
}

const RULES = {
  name: { type: 'string' },
  p: { type: 'number' },
  inDegree: { type: 'number' },
  outDegree: { type: 'number' },
  i: { type: 'any' },
  j: { type: 'any' },
  condition: { type: 'string' },
  sources: { type: 'any' },
  targets: { type: 'any' },
  selfConnections: { type: 'boolean' },
  delay: { type: 'any' },
  values: { type: 'any' },
} as const;

/** What the network gives a projection: its index and seed, and the hooks to its compiled buffers. */
export interface SynapsesHost {
  index: number;
  seed: () => number;
  guard: (call: string) => void;
  /** The current values of a variable (from the compiled buffers when there are some). */
  current: (variable: string) => Float64Array | undefined;
  /** Stores new values (and tells the compiled buffers). */
  store: (variable: string, values: Float64Array) => void;
  /** The delays changed. */
  delaysChanged: () => void;
}

/**
 * Synapses from `source` to `target` (made by `Network.synapses`). Synapse
 * `s` joins source unit `i[s]` to target unit `j[s]`; synapses are ordered
 * by source unit, then as they were made (explicit `i`, `j`: in the order
 * given). Values are data: `set` never recompiles.
 */
export class Synapses<M extends object = Record<string, number>> {
  /** The lowered synapse model. */
  readonly ir: SynapseIR;
  /** The number of synapses. */
  readonly num: number;
  /** The source unit of each synapse. */
  readonly i: Int32Array;
  /** The target unit of each synapse. */
  readonly j: Int32Array;
  /** Row starts: the synapses of source unit u are [rows[u], rows[u + 1]). */
  readonly rows: Int32Array;
  /** @internal Initial values of every per-synapse variable. */
  readonly values = new Map<string, Float64Array>();
  /** The delays, in the model's time unit: one number, or one per synapse. */
  private delays: number | Float64Array = 0;
  /** @internal Counts the changes of the delays. */
  delayVersion = 0;

  /** @internal Made by `Network.synapses`. */
  constructor(readonly name: string, readonly source: Container, readonly target: Container, readonly model: ModelClass, options: SynapsesOptions, private readonly host: SynapsesHost) {
    const where = `synapses ${name}`;
    this.ir = lowerSynapse(model);
    checkSides(where, this.ir, source.spec, target.spec);
    checkSynapseUnits(where, readModel(model), source.spec, target.spec);
    const made = connect(where, source.num, target.num, source === target, options, host.seed(), host.index);
    // Compressed sparse rows, stable in the order made.
    const num = made.i.length;
    const rows = new Int32Array(source.num + 1);
    for (let s = 0; s < num; s++) rows[made.i[s] + 1]++;
    for (let u = 0; u < source.num; u++) rows[u + 1] += rows[u];
    const next = rows.slice(0, source.num);
    const order = new Int32Array(num);
    for (let s = 0; s < num; s++) order[next[made.i[s]]++] = s;
    this.num = num;
    this.rows = rows;
    this.i = new Int32Array(num);
    this.j = new Int32Array(num);
    for (let s = 0; s < num; s++) { this.i[s] = made.i[order[s]]; this.j[s] = made.j[order[s]]; }
    for (const x of [...this.ir.params.map((q) => ({ name: q.name, value: q.value })), ...this.ir.states.map((q) => ({ name: q.name, value: q.initial }))]) {
      this.values.set(x.name, allocate64(where, `the values of ${x.name}`, num, 'Make fewer synapses.').fill(x.value));
    }
    // Values given in the order of explicit (i, j) are put in the synapses' order.
    const reorder = (at: string, v: SynapseValue): SynapseValue => (typeof v === 'string' || typeof v === 'number' ? v : ((a) => Float64Array.from(order, (s) => a[s]))(asArray(at, v, num)));
    const values = options.values ?? {};
    for (const key of Object.keys(values)) {
      const settable = this.variables.filter((n) => n !== LASTUPDATE);
      if (!settable.includes(key)) throw new InputDataError(`${where}.values`, `'${key}' is not a parameter or state of ${this.ir.model}.`, `${didYouMean(key, settable)}Use one of: ${settable.join(', ')}.`);
    }
    for (const [key, v] of Object.entries(values)) if (typeof v !== 'string') this.values.get(key)!.set(asArray(`${where}.values.${key}`, reorder(`${where}.values.${key}`, v), num));
    for (const [key, v] of Object.entries(values)) if (typeof v === 'string') this.values.get(key)!.set(this.drawn(`${where}.${key}`, key, v, (n) => this.values.get(n)));
    if (options.delay !== undefined) {
      // A negative delay is named by its index in the order given.
      if (typeof options.delay !== 'string') this.checkDelays(`${where}.delay`, options.delay);
      this.delays = this.checkDelays(`${where}.delay`, reorder(`${where}.delay`, options.delay));
    }
  }

  /** @internal Reads current values from elsewhere from now on (a member of a batch reads the batch's). */
  readFrom(current: (variable: string) => Float64Array | undefined): void {
    this.host.current = current;
  }

  /** Names of the per-synapse parameters and states. */
  get variables(): string[] {
    return [...this.values.keys()];
  }

  /** The current values of a variable, one per synapse (float64 copy). */
  get(variable: SynapseVariableOf<M>): Float64Array {
    const v = String(variable);
    if (!this.values.has(v)) throw new InputDataError(`synapses ${this.name}.get`, `'${v}' is not a variable of ${this.ir.model}.`, `${didYouMean(v, this.variables)}Use one of: ${this.variables.join(', ')}.`);
    return Float64Array.from(this.host.current(v) ?? this.values.get(v)!);
  }

  /**
   * Sets a per-synapse parameter or state: a number, one per synapse, or an
   * expression of `i`, `j`, the synapse's variables, `rand()` and `randn()`.
   * Never recompiles.
   * @throws {@link InputDataError} on an unknown name, a wrong length or a value that is not finite
   */
  set(variable: SynapseVariableOf<M>, value: SynapseValue): this {
    const v = String(variable);
    this.host.guard(`synapses ${this.name}.set`);
    const where = `synapses ${this.name}.${v}`;
    if (!this.values.has(v)) throw new InputDataError(where, `'${v}' is not a variable of ${this.ir.model}.`, `${didYouMean(v, this.variables)}Use one of: ${this.variables.join(', ')}.`);
    const data = typeof value === 'string' ? this.drawn(where, v, value, (n) => this.host.current(n) ?? this.values.get(n)) : asArray(where, value, this.num);
    this.host.store(v, data);
    return this;
  }

  /** The delays in the model's time unit: one number for all synapses, or one each (a copy). */
  get delay(): number | Float64Array {
    return typeof this.delays === 'number' ? this.delays : Float64Array.from(this.delays);
  }

  /**
   * Changes the delays (model time units): one number, one per synapse or an
   * expression. Never recompiles, unless a delay grows past what the
   * compiled rings keep (then the next run plans again, keeping the spikes
   * in flight). A change from one delay for all to one each does recompile.
   */
  set delay(value: SynapseValue) {
    this.host.guard(`synapses ${this.name}.delay`);
    this.delays = this.checkDelays(`synapses ${this.name}.delay`, value);
    this.delayVersion++;
    this.host.delaysChanged();
  }

  /** @internal The delays as the plan needs them: uniform or each, and the largest. */
  delaySpec(): { kind: 'uniform' | 'each'; max: number } {
    return typeof this.delays === 'number' ? { kind: 'uniform', max: this.delays } : { kind: 'each', max: this.delays.reduce((a, b) => Math.max(a, b), 0) };
  }

  /** @internal Each synapse's delay in steps of `dt` (model time units), or the one delay. */
  delaySteps(dt: number): number | Int32Array {
    const steps = (d: number) => Math.round(d / dt);
    return typeof this.delays === 'number' ? steps(this.delays) : Int32Array.from(this.delays, steps);
  }

  private checkDelays(where: string, value: SynapseValue): number | Float64Array {
    const d = typeof value === 'string' ? this.drawn(where, 'delay', value, (n) => this.host.current(n) ?? this.values.get(n)) : perSynapse(where, value, this.num);
    const bad = typeof d === 'number' ? (d < 0 ? 0 : -1) : d.findIndex((x) => x < 0);
    if (bad >= 0) throw new InputDataError(typeof d === 'number' ? where : `${where}[${bad}]`, `the delay ${typeof d === 'number' ? d : d[bad]} is negative.`, "Give delays >= 0, in the synapse model's time unit.");
    return d;
  }

  /**
   * The values of an expression for every synapse: it reads `i`, `j`, the
   * synapse's variables (`read`), constants, and draws `rand()` and `randn()`
   * from the network's generator (stream `initial`, addressed by the
   * projection, the synapse and the variable).
   */
  private drawn(where: string, variable: string, text: string, read: (n: string) => Float64Array | undefined): Float64Array {
    // Literals with units ('0.5 mV', a delay of '2 ms') become numbers in the variable's unit (the model's time unit for delays).
    const isVariable = (n: string) => n === 'i' || n === 'j' || this.values.has(n);
    // A field in the unit of a joined variable ({ unit: 'ge_post' }) takes values in that variable's unit.
    const spec = readModel(this.model);
    const joined = unitContextOf(spec)?.joinedUnits.get(variable);
    const [owner, name] = joined ? [joined.side === 'pre' ? this.source.spec : this.target.spec, joined.variable] : [spec, variable];
    const node = unparen(valueWithoutUnits(owner, name, unparen(parseExpression(text, where)), where, isVariable, variable === 'delay'));
    const symbols = symbolsOf(node);
    for (const s of symbols) {
      if (s !== 'i' && s !== 'j' && !this.values.has(s) && !isConstant(s)) throw new InputDataError(where, `'${text}' uses unknown symbol '${s}'.`, `${didYouMean(s, this.variables)}Use i, j, the variables of ${this.ir.model} (${this.variables.join(', ')}), constants and rand(), randn().`);
    }
    const ir = numberDraws(toIR(node, where), { next: 0 });
    const seed = this.host.seed();
    const k = variable === 'delay' ? this.values.size : this.variables.indexOf(variable);
    const columns = symbols.filter((n) => this.values.has(n)).map((n) => [n, read(n)!] as const);
    const env = new Map<string, number>();
    const out = new Float64Array(this.num);
    for (let s = 0; s < this.num; s++) {
      env.set('i', this.i[s]);
      env.set('j', this.j[s]);
      for (const [n, values] of columns) env.set(n, values[s]);
      out[s] = evaluate(ir, env, (kind, d) => (kind === 'rand' ? uniform : normal)(seed, STREAMS.initial, 0x8000 + this.host.index, s, k, d));
      if (!Number.isFinite(out[s])) throw new InputDataError(`${where}[${s}]`, `'${text}' gives ${out[s]}.`, 'Write an expression that is finite for every synapse.');
    }
    return out;
  }
}

/** `value` as `num` finite numbers. */
function asArray(where: string, value: unknown, num: number): Float64Array {
  const v = perSynapse(where, value, num);
  return typeof v === 'number' ? new Float64Array(num).fill(v) : v;
}

function perSynapse(where: string, value: unknown, num: number): number | Float64Array {
  const list = value as ArrayLike<unknown> | null;
  if (typeof value !== 'number' && typeof value !== 'string' && list !== null && typeof list === 'object' && typeof list.length === 'number' && list.length !== num) {
    throw new InputDataError(where, `${list.length} values given for ${num} synapses.`, `Give one number, or exactly ${num} values (one per synapse, in the synapses' order).`);
  }
  return perUnit(where, value, num);
}

/** Synapses as made, before they are ordered by source unit. */
interface Made {
  i: Int32Array;
  j: Int32Array;
}

/** A growable list of synapses. */
class Pairs {
  i = new Int32Array(1024);
  j = new Int32Array(1024);
  n = 0;
  constructor(private readonly where: string) {}
  push(a: number, b: number): void {
    if (this.n === this.i.length) {
      if (this.n >= MAX_ELEMENTS) throw new NetworkWiringError(this.where, `more than ${MAX_ELEMENTS.toLocaleString('en')} synapses.`, 'Connect with a smaller probability or degree, or split the projection.');
      const grow = (x: Int32Array) => { const y = new Int32Array(Math.min(MAX_ELEMENTS, x.length * 2)); y.set(x); return y; };
      this.i = grow(this.i);
      this.j = grow(this.j);
    }
    this.i[this.n] = a;
    this.j[this.n++] = b;
  }
  done(): Made {
    return { i: this.i.slice(0, this.n), j: this.j.slice(0, this.n) };
  }
}

/** A unit range option, checked: `[first, end)` within `[0, num)`. */
function range(where: string, what: string, r: unknown, num: number): [number, number] {
  if (r === undefined) return [0, num];
  const ok = Array.isArray(r) && r.length === 2 && r.every((x) => Number.isSafeInteger(x)) && 0 <= r[0] && r[0] <= r[1] && r[1] <= num;
  if (!ok) throw new NetworkWiringError(`${where}.${what}`, `${describeValue(r)} is not a range [first, end) of units within [0, ${num}].`, `Give e.g. ${what}: [0, ${Math.min(num, 10)}].`);
  return [r[0] as number, r[1] as number];
}

function count(where: string, what: string, x: number, most: number): number {
  if (!Number.isSafeInteger(x) || x < 0 || x > most) throw new NetworkWiringError(`${where}.${what}`, `${x} is not a whole number in [0, ${most}].`, `Give a number of synapses per unit no larger than the ${most} units to choose from.`);
  return x;
}

/**
 * Makes the synapses of a projection from its options: exactly one of `p`
 * (alone or with `condition`), `condition`, `inDegree`, `outDegree` and
 * explicit `i`, `j`. Draws come from stream `connect`, addressed by the
 * projection, the unit and a counter, so the same seed gives the same
 * synapses on every machine.
 */
function connect(where: string, ns: number, nt: number, same: boolean, options: SynapsesOptions, seed: number, index: number): Made {
  const o = checkOptions<SynapsesOptions>(where, options, RULES, { usage: () => "Pass e.g. { p: 0.02 }, { inDegree: 80 }, { i: [...], j: [...] } or { condition: 'i != j' }." });
  const ways = (['p', 'inDegree', 'outDegree', 'i', 'condition'] as const).filter((k) => o[k] !== undefined && !(k === 'p' && o.condition !== undefined));
  if (o.j !== undefined && o.i === undefined) throw new NetworkWiringError(where, 'j is given without i.', 'Give both: the source and the target unit of each synapse.');
  if (ways.length !== 1) {
    throw new NetworkWiringError(where, ways.length ? `${ways.join(' and ')} both say which units to connect.` : 'nothing says which units to connect.', "Give one of p, inDegree, outDegree, explicit i and j, or condition (with p).");
  }
  const [s0, s1] = range(where, 'sources', o.sources, ns);
  const [t0, t1] = range(where, 'targets', o.targets, nt);
  const self = o.selfConnections ?? true;
  const allowed = (a: number, b: number) => self || !same || a !== b;
  const pairs = new Pairs(where);
  const u = (unit: number, counter: number) => RANDOM.u(seed, STREAMS.connect, index, unit, counter, 0);
  if (o.p !== undefined && (!(o.p >= 0 && o.p <= 1))) throw new NetworkWiringError(`${where}.p`, `${o.p} is not a probability in [0, 1].`, 'Give e.g. p: 0.02.');
  if (o.i !== undefined && (o.sources !== undefined || o.targets !== undefined)) {
    throw new NetworkWiringError(where, 'sources and targets restrict the pairs a rule makes; explicit i and j are taken as given.', 'Leave out sources and targets, or filter the pairs before passing them.');
  }
  if (o.i !== undefined) {
    if (o.j === undefined) throw new NetworkWiringError(where, 'i is given without j.', 'Give both: the source and the target unit of each synapse.');
    const i = indices(`${where}.i`, o.i, ns);
    const j = indices(`${where}.j`, o.j, nt);
    if (i.length !== j.length) throw new NetworkWiringError(where, `i has ${i.length} entries and j ${j.length}.`, 'Give one source and one target unit per synapse.');
    return { i, j };
  }
  if (o.condition !== undefined) {
    const node = unparen(parseExpression(o.condition, `${where}.condition`));
    for (const s of symbolsOf(node)) if (s !== 'i' && s !== 'j' && !isConstant(s)) throw new NetworkWiringError(`${where}.condition`, `'${o.condition}' uses unknown symbol '${s}'.`, 'A condition reads i (the source unit), j (the target unit) and constants.');
    const ir = toIR(node, `${where}.condition`);
    const env = new Map<string, number>();
    const p = o.p ?? 1;
    for (let a = s0; a < s1; a++) {
      env.set('i', a);
      let counter = 0;
      for (let b = t0; b < t1; b++) {
        env.set('j', b);
        if (!allowed(a, b) || evaluate(ir, env) === 0) continue;
        if (p >= 1 || u(a, counter++) < p) pairs.push(a, b);
      }
    }
    return pairs.done();
  }
  if (o.p !== undefined) {
    // Each pair with probability p: skip a geometric number of targets between synapses.
    const p = o.p;
    if (p > 0) {
      const logq = Math.log1p(-p);
      for (let a = s0; a < s1; a++) {
        let counter = 0;
        let b = t0 - 1;
        for (;;) {
          b += p >= 1 ? 1 : 1 + Math.floor(Math.log1p(-u(a, counter++)) / logq);
          if (b >= t1) break;
          if (allowed(a, b)) pairs.push(a, b);
        }
      }
    }
    return pairs.done();
  }
  // A fixed number of distinct partners per unit (Floyd's sample of k among m).
  const sample = (unit: number, k: number, first: number, end: number, skip: number | null, each: (x: number) => void) => {
    const m = end - first - (skip !== null && skip >= first && skip < end ? 1 : 0);
    const chosen = new Set<number>();
    let counter = 0;
    for (let r = m - k; r < m; r++) {
      const x = Math.floor(u(unit, counter++) * (r + 1));
      chosen.add(chosen.has(x) ? r : x);
    }
    for (const x of [...chosen].sort((a, b) => a - b)) {
      const v = first + x;
      each(skip !== null && v >= skip && skip >= first ? v + 1 : v);
    }
  };
  // A unit in both ranges of one container without self-connections has one partner fewer.
  const fewer = same && !self && Math.max(s0, t0) < Math.min(s1, t1) ? 1 : 0;
  if (o.outDegree !== undefined) {
    const k = count(where, 'outDegree', o.outDegree, t1 - t0 - fewer);
    for (let a = s0; a < s1; a++) sample(a, k, t0, t1, same && !self ? a : null, (b) => pairs.push(a, b));
    return pairs.done();
  }
  const k = count(where, 'inDegree', o.inDegree!, s1 - s0 - fewer);
  for (let b = t0; b < t1; b++) sample(b, k, s0, s1, same && !self ? b : null, (a) => pairs.push(a, b));
  return pairs.done();
}

/** Unit indices, checked to be whole numbers in [0, num). */
function indices(where: string, value: unknown, num: number): Int32Array {
  const listLike = Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array));
  if (!listLike) throw new NetworkWiringError(where, `${describeValue(value)} is not a list of unit indices.`, 'Give an array or an Int32Array.');
  const list = value as ArrayLike<unknown>;
  if (list.length > MAX_ELEMENTS) throw new NetworkWiringError(where, `${list.length} synapses; at most ${MAX_ELEMENTS} fit in one projection.`, 'Split the projection.');
  const out = new Int32Array(list.length);
  for (let s = 0; s < list.length; s++) {
    const x = list[s];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x >= num) throw new NetworkWiringError(`${where}[${s}]`, `${describeValue(x)} is not a unit index in [0, ${num}).`, 'Give whole numbers below the container size.');
    out[s] = x;
  }
  return out;
}

/** Checks that a model class is a synapse model (it reads the class). */
export function isSynapseModel(model: ModelClass): boolean {
  const spec = readModel(model);
  return Boolean(spec.pathways?.length || spec.summed?.length);
}
