/** A container: `num` units of one model, with their values, wiring and recordings. */
import { InputDataError, NetworkWiringError } from '../errors.js';
import { Model, valuesOf } from '../model/model.js';
import { readModel, type ModelClass } from '../model/read.js';
import type { ModelSpec } from '../model/spec.js';
import { valueWithoutUnits } from '../model/units.js';
import { convert, parseUnit, sameDimension } from '../units/quantity.js';
import { checkOptions, describeValue, didYouMean, isPlainObject } from '../options.js';
import type { SolverOption } from '../solvers/index.js';
import { Input } from './input.js';
import { allocate64 } from '../plan/arrays.js';
import { Operator, VarRef } from './operators.js';
import { Recorder } from './recorder.js';
import { evaluate } from '../backends/interpreter/index.js';
import { isConstant, parseExpression, symbolsOf } from '../expr/parse.js';
import { numberDraws, toIR } from '../ir/build.js';
import { normal, STREAMS, uniform } from '../random/philox.js';
import { unparen } from '../symbolic/calculus.js';

/** A single source of a connection. */
export type Source = Input | VarRef | Operator | number;

/** Options of {@link Container.record}. */
export interface RecordOptions {
  /** Keep every `rate`-th step (default 1). */
  rate?: number;
  /** 'trace' keeps values per kept step; 'sum' keeps one running total per unit (e.g. spike counts). */
  mode?: 'trace' | 'sum';
  /**
   * Whether the recorder keeps the rows (default true). With `false` (traces
   * only) the rows are only handed to `run(dt, { onBlock })` block by block,
   * so a long run needs memory for one block, not for the whole recording;
   * `recorder.get` then has nothing for the variable.
   */
  keep?: boolean;
  /**
   * Whether a kept trace starts with a row of the values before the first
   * step of the first run that records it (default false): the initial
   * state, at time `step·dt` (0 after a reset); `times()` includes it. A
   * recording continued by later runs keeps that one row first.
   */
  initial?: boolean;
  /**
   * With `rate` > 1, what each kept row holds of the steps since the row
   * before: `'last'` the value at the row's step, `'max'` the largest (an
   * event flag stays 1 if the unit fired in any of those steps), `'sum'` the
   * sum. Default: the state's own `reduce` (`'max'` for the library's 0/1
   * spike states), else `'last'`.
   */
  reduce?: 'last' | 'max' | 'sum';
  /**
   * Which units to keep (kept traces and sums): distinct unit indices, in
   * the order of the recording's columns (default: every unit). Memory is
   * that of the units kept; the recording's `units` names them.
   */
  units?: readonly number[];
}

/**
 * The names of a model's variables, for typed access: its number fields
 * (params, inputs, states, intermediates and the spike) and the states the
 * library adds to a model with a spike. Any string for an untyped model.
 * @example VariableOf<models.LIF> // 'El' | 'vt' | … | 'v' | 'spike' | 'lastspike' | 'not_refractory'
 */
export type VariableOf<M> = 0 extends 1 & M ? string : [FieldsOf<M>] extends [never] ? string : FieldsOf<M> | 'lastspike' | 'not_refractory';

/** The number fields of a model class's instances (none for `object` or `Model` itself). */
type FieldsOf<M> = { [K in keyof M]-?: M[K] extends number ? K : never }[keyof M] & string;

/** What a container draws its random values from: the network's seed and its own index. */
export interface RandomContext {
  seed: () => number;
  index: number;
}

/** Options of `Network.add`. Unknown keys and values of the wrong type are refused. */
export interface AddOptions {
  /** The container's name, unique in the network (default: model name and index). */
  name?: string;
  /** Number of units, a whole number of at least 1 (default 1). */
  num?: number;
  /** Parameter (or unconnected input) values: one number for all units, one per unit, or an expression (see `Container.set`). */
  params?: Record<string, number | ArrayLike<number> | string>;
  /** Initial state values: one number for all units, one per unit, or an expression (see `Container.set`). */
  states?: Record<string, number | ArrayLike<number> | string>;
  /** Update rule for this container (default: the network's). */
  solver?: SolverOption;
}

/**
 * `num` units of one model. Create with `network.add(Model, options)`.
 *
 * Values and `reset()`: every state has an *initial* value, which
 * `network.reset()` restores. It is, by precedence, the value given with
 * `set()` before the network was compiled with this container, else the one
 * in `add(..., { states })`, else the one of the model instance passed to
 * `add`, else the model's declared initial value. Once the network has been
 * compiled with this container, `set()` on a state changes its *current*
 * value only (what the next run starts from); `reset()` then returns it to
 * the initial value. Parameters and inputs have one value, which `set()`
 * changes at any time and which `reset()` keeps.
 */
export class Container<M = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly spec: ModelSpec;
  /** The recordings of the last runs. */
  readonly recorder: Recorder<M>;
  /**
   * Per-unit values of params and inputs, and the initial values of states
   * (what `network.reset()` restores; see the class notes).
   */
  readonly values = new Map<string, Float64Array>();
  /** Connected inputs: name → sources summed. */
  readonly connections = new Map<string, Source[]>();
  /** Recorded variables and their options. */
  readonly records = new Map<string, Required<Omit<RecordOptions, 'units'>> & { units: Int32Array | null }>();
  /** This container's update rule, when `add` gave one (else the network's). */
  readonly solver?: SolverOption;

  /**
   * Use `network.add(Model, options)`, which checks the options and sizes.
   * @throws {@link InputDataError} for an unknown name or a value that is not a finite number
   */
  constructor(readonly model: ModelClass, readonly name: string, readonly num: number, options: AddOptions, instance?: Model, random?: RandomContext) {
    this.random = random;
    this.spec = readModel(model);
    this.recorder = new Recorder(name, this.spec.units?.fields);
    this.solver = options.solver;
    // valuesOf checks the fields again: they may have been reassigned after construction.
    const base = instance ? valuesOf(instance) : {};
    const fix = 'Use fewer units, or split the population into several containers.';
    for (const p of [...this.spec.params, ...this.spec.inputs]) this.values.set(p.name, allocate64(`container '${name}'`, `${p.name}`, num, fix).fill(base[p.name] ?? p.value));
    for (const s of this.spec.states) this.values.set(s.name, allocate64(`container '${name}'`, `${s.name}`, num, fix).fill(base[s.name] ?? s.initial));
    const params = [...this.spec.params, ...this.spec.inputs].map((p) => p.name);
    const states = this.spec.states.map((s) => s.name);
    // Check everything before writing anything.
    const writes: [string, number | ArrayLike<number> | string][] = [];
    for (const [key, v] of Object.entries(options.params ?? {})) {
      if (!params.includes(key)) {
        const state = states.includes(key) ? `'${key}' is a state: pass it in states. ` : '';
        throw new InputDataError(`${name}.params`, `'${key}' is not a parameter or input of ${this.spec.name}.`, `${state}${didYouMean(key, params)}Use one of: ${params.join(', ')}.`);
      }
      writes.push([key, v]);
    }
    for (const [key, v] of Object.entries(options.states ?? {})) {
      if (!states.includes(key)) {
        const param = params.includes(key) ? `'${key}' is a parameter: pass it in params. ` : '';
        throw new InputDataError(`${name}.states`, `'${key}' is not a state of ${this.spec.name}.`, `${param}${didYouMean(key, states)}Use one of: ${states.join(', ')}.`);
      }
      writes.push([key, v]);
    }
    // Numbers and lists first (checked before anything is written), then
    // expressions in the order given, each reading the values before it.
    const checked = writes.map(([key, v]): [string, number | Float64Array | string] => [key, typeof v === 'string' ? v : perUnit(`${name}.${key}`, v, num)]);
    for (const [key, v] of checked) if (typeof v !== 'string') write(this.values.get(key)!, v);
    for (const [key, v] of checked) if (typeof v === 'string') write(this.values.get(key)!, this.drawn(`${name}.${key}`, key, v));
  }

  /** The network's seed and this container's index, for values drawn from expressions. */
  private readonly random?: RandomContext;

  /**
   * The values of an expression for every unit: it may read the container's
   * variables (their values now, unit by unit), the constants, and draw
   * `rand()` (uniform on [0, 1)) and `randn()` (standard normal) from the
   * network's generator (stream `initial`, addressed by the container, the
   * unit, the variable and the draw), so that the same seed gives the same
   * values on every machine.
   */
  private drawn(where: string, variable: string, text: string): Float64Array {
    // Literals with units ('20 ms') become numbers in the variable's unit.
    const node = unparen(valueWithoutUnits(this.spec, variable, unparen(parseExpression(text, where)), where, (n) => this.values.has(n)));
    const symbols = symbolsOf(node);
    for (const s of symbols) {
      if (!this.values.has(s) && !isConstant(s)) throw new InputDataError(where, `'${text}' uses unknown symbol '${s}'.`, `${didYouMean(s, this.variables)}Use the variables of ${this.spec.name} (${this.variables.join(', ')}), constants and rand(), randn().`);
    }
    const ir = numberDraws(toIR(node, where), { next: 0 });
    const seed = this.random?.seed() ?? 0;
    const ci = this.random?.index ?? 0;
    const k = this.variables.indexOf(variable);
    const read = symbols.filter((n) => this.values.has(n)).map((n) => [n, this.current ? this.current(n) : this.values.get(n)!] as const);
    const env = new Map<string, number>();
    const out = new Float64Array(this.num);
    for (let i = 0; i < this.num; i++) {
      for (const [n, values] of read) env.set(n, values[i]);
      out[i] = evaluate(ir, env, (kind, d) => (kind === 'rand' ? uniform : normal)(seed, STREAMS.initial, ci, i, k, d));
      if (!Number.isFinite(out[i])) throw new InputDataError(`${where}[${i}]`, `'${text}' gives ${out[i]}.`, 'Write an expression that is finite for every unit.');
    }
    return out;
  }

  /** Names of every variable (states, params, inputs). */
  get variables(): string[] {
    return [...this.values.keys()];
  }

  /**
   * Sets a parameter, input or state: one number or one per unit. Never
   * recompiles: values are data. On a state, before the network is compiled
   * with this container, it sets the initial value (what `reset()` restores);
   * after, it sets the current value only (see the class notes). On a
   * parameter or input it sets the value, which `reset()` keeps.
   *
   * Refused while a run, compile or reset of the network is in progress.
   * @param value - a finite number, exactly `num` finite numbers (an array
   *   or a numeric typed array), or an expression evaluated for each unit:
   *   it reads the container's variables and may draw `rand()` and
   *   `randn()` from the network's seed, e.g. `'vr + rand() * (vt - vr)'`;
   *   nothing is written unless all values are valid
   * @param unit - the unit of the numbers given (`'V'` for values in volts
   *   of a variable declared in mV), for a model that declares units: they
   *   are converted exactly to the variable's unit (by decimal digits, so
   *   0.07 V is 70 mV); an expression carries its units in its text instead
   * @throws {@link InputDataError} on an unknown name, a wrong length, a value that is not a finite number, or a unit of another quantity
   * @throws {@link BusyError} while a run, compile or reset is in progress
   */
  set(variable: VariableOf<M>, value: number | ArrayLike<number> | string, unit?: string): this {
    this.guard?.(`${this.name}.set`);
    const where = `${this.name}.${variable}`;
    const target = this.values.get(variable);
    if (!target) throw new InputDataError(where, `'${String(variable)}' is not a variable of ${this.spec.name}.`, `${didYouMean(String(variable), this.variables)}Use one of: ${this.variables.join(', ')}.`);
    let data = typeof value === 'string' ? this.drawn(where, variable, value) : perUnit(where, value, this.num);
    if (unit !== undefined) {
      if (typeof value === 'string') throw new InputDataError(where, `an expression ('${value}') was given with the unit '${String(unit)}'.`, `Write the unit in the expression, e.g. '${value} ${String(unit)}', or give numbers.`);
      data = inUnitOf(this.spec, variable, where, data, unit);
    }
    const before = this.uniform(variable);
    if (this.store) this.store(variable, data);
    else write(target, data);
    // A parameter the same for every unit is compiled as one value: a change of that plans again.
    if (!this.spec.states.some((x) => x.name === variable) && this.uniform(variable) !== before) this.changed?.();
    return this;
  }

  /** @internal Whether every unit holds the same value of a parameter or input (as the network will run it). */
  uniform(variable: string): boolean {
    const values = this.values.get(variable)!;
    for (let i = 1; i < values.length; i++) if (!Object.is(values[i], values[0])) return false;
    return true;
  }

  /** @internal Refuses a change while the network is busy (throws BusyError). */
  guard?: (call: string) => void;
  /** @internal Stores a checked value: the network decides between initial, current and both (see the class notes). */
  store?: (variable: string, value: number | Float64Array) => void;
  /** @internal Tells the network that the wiring or the recordings changed. */
  changed?: () => void;
  /** @internal Reads the current values from the network (after a run). */
  current?: (variable: string) => Float64Array;

  /**
   * The current values of a variable (after the last run), one per unit.
   * @throws {@link InputDataError} on an unknown name
   */
  get(variable: VariableOf<M>): Float64Array {
    if (!this.values.has(variable)) throw new InputDataError(`${this.name}.${variable}`, `'${String(variable)}' is not a variable of ${this.spec.name}.`, `${didYouMean(String(variable), this.variables)}Use one of: ${this.variables.join(', ')}.`);
    return this.current ? this.current(variable) : Float64Array.from(this.values.get(variable)!);
  }

  /** A reference to one of this container's variables, to connect elsewhere. */
  ref(variable: VariableOf<M>): VarRef {
    if (!this.values.has(variable)) {
      throw new NetworkWiringError(`${this.name}.ref('${String(variable)}')`, `'${String(variable)}' is not a variable of ${this.spec.name}.`, `${didYouMean(String(variable), this.variables)}Use one of: ${this.variables.join(', ')}.`);
    }
    return new VarRef(this, variable);
  }

  /**
   * Connects inputs of the model to sources; several sources are summed.
   * A source gives one value per unit (one-to-one) or one value for all.
   * @example iaf.connect({ stimulus: inp }); hh.connect({ stimulus: [syn.ref('I'), 2.5] })
   * @throws {@link NetworkWiringError} for an unknown input or a size mismatch
   * @throws {@link BusyError} while a run, compile or reset is in progress
   */
  connect(map: Partial<Record<VariableOf<M>, Source | Source[]>>): this {
    this.guard?.(`${this.name}.connect`);
    const inputs = this.spec.inputs.map((i) => i.name);
    if (!isPlainObject(map)) {
      throw new NetworkWiringError(`${this.name}.connect`, `takes an object of input name → source, not ${describeValue(map)}.`, `Write e.g. ${this.name}.connect({ ${inputs[0] ?? 'stimulus'}: source }).`);
    }
    const checked: [string, Source[]][] = [];
    for (const [key, value] of Object.entries(map)) {
      if (!inputs.includes(key)) {
        throw new NetworkWiringError(`${this.name}.connect`, `${this.spec.name} has no input '${key}'.`, `${didYouMean(key, inputs)}Connect one of its inputs: ${inputs.join(', ') || '(none)'}.`);
      }
      const sources = Array.isArray(value) ? [...value] : [value];
      for (const s of sources) this.checkSource(key, s);
      checked.push([key, sources]);
    }
    for (const [key, sources] of checked) this.connections.set(key, sources);
    this.changed?.();
    return this;
  }

  private checkSource(key: string, s: Source): void {
    const where = `${this.name}.connect(${key})`;
    if (typeof s === 'number') {
      if (!Number.isFinite(s)) throw new NetworkWiringError(where, `the number ${s} is not finite.`, 'Connect a finite number.');
      return;
    }
    if (s instanceof Container) {
      throw new NetworkWiringError(where, `a container (${s.name}) was given, not one of its variables.`, `Connect a variable: ${s.name}.ref('${s.variables[0]}').`);
    }
    if (!(s instanceof Input || s instanceof VarRef || s instanceof Operator)) {
      throw new NetworkWiringError(where, `cannot connect ${String(s)}.`, "Connect an input, a number, container.ref('x') or an operator (Sum, Dot, …).");
    }
    if (s.num !== this.num && s.num !== 1) {
      throw new NetworkWiringError(where, `${s.label} gives ${s.num} values but ${this.name} has ${this.num} units.`, `Match the sizes, or use an operator (Sum, Mean, BlockSum, Repeat, Dot) between ${s.label} and ${this.name}.`);
    }
  }

  /**
   * Records variables during runs.
   * The last argument may be the options (anything that is not a string is
   * taken as the options, and checked as such).
   * @example iaf.record('spike', 'v', { rate: 10 })
   * @throws {@link InputDataError} for an unknown variable, an unknown option or a bad rate or mode
   * @throws {@link BusyError} while a run, compile or reset is in progress
   */
  record(...args: (VariableOf<M> | RecordOptions)[]): this {
    this.guard?.(`${this.name}.record`);
    const where = `${this.name}.record`;
    args = [...args];
    const names = () => args.map((a) => `'${String(a)}'`).join(', ') || "'v'";
    const given = args.length > 0 && typeof args[args.length - 1] !== 'string' ? args.pop() : undefined;
    const options = checkOptions<RecordOptions>(where, given, RECORD_RULES, { usage: (x) => `Name the variables as strings and pass the options last, e.g. record(${names()}, { rate: ${typeof x === 'number' && Number.isInteger(x) && x > 0 ? x : 10} }).` });
    const rate = options.rate ?? 1;
    const mode = options.mode ?? 'trace';
    const keep = options.keep ?? true;
    if (!keep && mode === 'sum') throw new InputDataError(where, "keep: false applies to traces; a 'sum' is one row per unit.", "Keep the sum (drop keep: false), or record a trace with { keep: false } and onBlock.");
    const initial = options.initial ?? false;
    if (initial && mode === 'sum') throw new InputDataError(where, "initial: true applies to traces; a 'sum' is one row of totals.", 'Record a trace with { initial: true }, or drop initial for the sum.');
    if (initial && !keep) throw new InputDataError(where, 'initial: true applies to kept traces; with keep: false no row is kept.', 'Drop keep: false to keep the initial row, or drop initial.');
    if (args.length === 0) throw new InputDataError(where, 'no variable named.', `Name one or more of: ${this.variables.join(', ')}.`);
    const units = options.units === undefined ? null : unitList(where, options.units, this.num);
    if (options.reduce !== undefined && mode === 'sum') throw new InputDataError(where, "reduce applies to traces; a 'sum' adds every step.", "Drop reduce, or record a trace with { rate, reduce }.");
    if (units && !keep) throw new InputDataError(where, 'units applies to kept recordings; with keep: false every unit goes to onBlock.', 'Drop keep: false, or drop units.');
    const spike = this.spec.spike?.name;
    const recordable = spike ? [spike, ...this.variables] : this.variables;
    for (const v of args) {
      if (typeof v !== 'string' || !(this.values.has(v) || v === spike)) {
        throw new InputDataError(where, `'${String(v)}' is not a variable of ${this.spec.name}.`, `${typeof v === 'string' ? didYouMean(v, recordable) : ''}Record one of: ${recordable.join(', ')}.`);
      }
    }
    for (const v of args as string[]) {
      if (v === spike) {
        this.recordsSpikes = true;
        this.keepsSpikes = keep;
      }
      else this.records.set(v, { rate, mode, keep, initial, units, reduce: options.reduce ?? this.spec.states.find((x) => x.name === v)?.reduce ?? 'last' });
    }
    this.changed?.();
    return this;
  }

  /**
   * Whether the model's spikes are recorded (`record('spike')`, the name
   * of its `@spike` field): every spike is kept, whatever the rate of the
   * traces recorded with it.
   */
  recordsSpikes = false;

  /**
   * Whether the recorder keeps the spikes (default true). With
   * `record('spike', { keep: false })` they are only handed to
   * `run(dt, { onBlock })` block by block (`block.spikes`), so a long run
   * needs memory for one block of spikes.
   */
  keepsSpikes = true;
}

/** Distinct unit indices in [0, num), as given. @throws {@link InputDataError} otherwise */
function unitList(where: string, units: unknown, num: number): Int32Array {
  const list = Array.isArray(units) || ArrayBuffer.isView(units) ? (units as ArrayLike<unknown>) : null;
  if (!list || list.length === 0) throw new InputDataError(where, `units ${describeValue(units)} is not a non-empty list of unit indices.`, `Give e.g. units: [0, 5, 9] (each in 0..${num - 1}).`);
  const seen = new Set<number>();
  const out = new Int32Array(list.length);
  for (let j = 0; j < list.length; j++) {
    const u = list[j];
    if (typeof u !== 'number' || !Number.isInteger(u) || u < 0 || u >= num) throw new InputDataError(`${where}: units[${j}]`, `${describeValue(u)} is not a unit index in 0..${num - 1}.`, 'Give whole numbers from 0 to num - 1.');
    if (seen.has(u)) throw new InputDataError(`${where}: units[${j}]`, `unit ${u} is listed twice.`, 'List each unit once.');
    seen.add(u);
    out[j] = u;
  }
  return out;
}

const RECORD_RULES = {
  units: { type: 'any' },
  reduce: { type: 'enum', values: ['last', 'max', 'sum'] },
  rate: { type: 'count', fix: 'Give rate as a whole number of steps, at least 1.' },
  mode: { type: 'enum', values: ['trace', 'sum'] },
  keep: { type: 'boolean' },
  initial: { type: 'boolean' },
} as const;

/**
 * Checks a per-unit value: a finite number, or exactly `num` finite numbers
 * (an array without holes, or a typed array of numbers). Returns the number,
 * or a new Float64Array of the values; throws before anything is written.
 * @throws {@link InputDataError} naming the unit and what was found
 */
export function perUnit(where: string, value: unknown, num: number): number | Float64Array {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InputDataError(where, `the value ${value} is not finite.`, 'Give a finite number.');
    return value;
  }
  const listLike = Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
  if (!listLike) {
    throw new InputDataError(where, `${describeValue(value)} is not a number or a list of numbers.`, `Give one number, or exactly ${num} values (an array or a Float64Array).`);
  }
  const list = value as ArrayLike<unknown>;
  if (list.length !== num) {
    throw new InputDataError(where, `${list.length} per-unit values given for ${num} units.`, `Give one number, or exactly ${num} values.`);
  }
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) {
    throw new InputDataError(where, `a ${value.constructor.name} holds bigints, not numbers.`, 'Give a Float64Array, another array of numbers, or convert with Number().');
  }
  const out = new Float64Array(num);
  for (let i = 0; i < num; i++) {
    const x = list[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      const what = x === undefined && Array.isArray(value) && !(i in value) ? 'is missing (a hole in the array)' : typeof x === 'number' ? `${x} is not finite` : `${describeValue(x)} is not a number`;
      throw new InputDataError(`${where}[${i}]`, `the value ${what}.`, 'Give finite numbers.');
    }
    out[i] = x;
  }
  return out;
}

function write(target: Float64Array, value: number | Float64Array): void {
  if (typeof value === 'number') target.fill(value);
  else target.set(value);
}

/**
 * Numbers given in `unit`, in the unit `variable` is declared in.
 * @throws {@link InputDataError} when the model declares no units, the unit is not one, or it measures another quantity
 */
function inUnitOf(spec: ModelSpec, variable: string, where: string, data: number | Float64Array, unit: string): number | Float64Array {
  const declared = spec.units?.fields[variable];
  if (declared === undefined) throw new InputDataError(where, `values were given in '${String(unit)}', but ${spec.name} declares no units.`, 'Give the numbers in the unit its equations use, without a unit.');
  const from = parseUnit(unit);
  if ('error' in from) throw new InputDataError(where, `${from.error}.`, `Give a unit such as '${declared}'.`);
  const to = parseUnit(declared);
  if ('error' in to) throw new InputDataError(where, `${to.error}.`, 'This is a bug: a declared unit is checked when the model is read.');
  if (!sameDimension(from.unit, to.unit)) throw new InputDataError(where, `'${unit}' is not a unit of ${variable}, which ${spec.name} declares in ${declared}.`, `Give the values in ${declared} or another unit of the same quantity.`);
  return typeof data === 'number' ? convert(data, from.unit, to.unit) : data.map((x) => convert(x, from.unit, to.unit));
}
