/** A container: `num` units of one model, with their values, wiring and recordings. */
import { InputDataError, NetworkWiringError } from '../errors.js';
import { Model, valuesOf } from '../model/model.js';
import { readModel, type ModelClass } from '../model/read.js';
import type { ModelSpec } from '../model/spec.js';
import type { SolverOption } from '../solvers/index.js';
import { Input } from './input.js';
import { Operator, VarRef } from './operators.js';
import { Recorder } from './recorder.js';

/** A single source of a connection. */
export type Source = Input | VarRef | Operator | number;

/** Options of {@link Container.record}. */
export interface RecordOptions {
  /** Keep every `rate`-th step (default 1). */
  rate?: number;
  /** 'trace' keeps values per kept step; 'sum' keeps one running total per unit (e.g. spike counts). */
  mode?: 'trace' | 'sum';
}

/** Options of `Network.add`. */
export interface AddOptions {
  name?: string;
  num?: number;
  /** Parameter (or unconnected input) values: one number for all units, or one per unit. */
  params?: Record<string, number | ArrayLike<number>>;
  /** Initial state values: one number for all units, or one per unit. */
  states?: Record<string, number | ArrayLike<number>>;
  /** Update rule for this container (default: the network's). */
  solver?: SolverOption;
}

/** `num` units of one model. Create with `network.add(Model, options)`. */
export class Container {
  readonly spec: ModelSpec;
  /** The recordings of the last runs. */
  readonly recorder: Recorder;
  /** Per-unit initial values of states, and values of params and inputs. */
  readonly values = new Map<string, Float64Array>();
  /** Connected inputs: name → sources summed. */
  readonly connections = new Map<string, Source[]>();
  /** Recorded variables and their options. */
  readonly records = new Map<string, Required<RecordOptions>>();
  readonly solver?: SolverOption;

  constructor(readonly model: ModelClass, readonly name: string, readonly num: number, options: AddOptions, instance?: Model) {
    this.spec = readModel(model);
    this.recorder = new Recorder(name);
    this.solver = options.solver;
    const base = instance ? valuesOf(instance) : {};
    for (const p of [...this.spec.params, ...this.spec.inputs]) this.values.set(p.name, new Float64Array(num).fill(base[p.name] ?? p.value));
    for (const s of this.spec.states) this.values.set(s.name, new Float64Array(num).fill(base[s.name] ?? s.initial));
    const params = new Set([...this.spec.params, ...this.spec.inputs].map((p) => p.name));
    for (const [key, v] of Object.entries(options.params ?? {})) {
      if (!params.has(key)) throw new InputDataError(`${name}.params`, `'${key}' is not a parameter or input of ${this.spec.name}.`, `Use one of: ${[...params].join(', ')}.`);
      this.set(key, v);
    }
    for (const [key, v] of Object.entries(options.states ?? {})) {
      if (!this.spec.states.some((s) => s.name === key)) throw new InputDataError(`${name}.states`, `'${key}' is not a state of ${this.spec.name}.`, `Use one of: ${this.spec.states.map((s) => s.name).join(', ')}.`);
      this.set(key, v);
    }
  }

  /** Names of every variable (states, params, inputs). */
  get variables(): string[] {
    return [...this.values.keys()];
  }

  /**
   * Sets a parameter, input or initial state: one number or one per unit.
   * Never recompiles: values are data.
   * @throws {@link InputDataError} on an unknown name, a wrong length or a non-finite value
   */
  set(variable: string, value: number | ArrayLike<number>): this {
    const target = this.values.get(variable);
    const where = `${this.name}.${variable}`;
    if (!target) throw new InputDataError(where, `'${variable}' is not a variable of ${this.spec.name}.`, `Use one of: ${this.variables.join(', ')}.`);
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new InputDataError(where, `the value ${value} is not finite.`, 'Give a finite number.');
      target.fill(value);
    } else {
      if (!value || value.length !== this.num) {
        throw new InputDataError(where, `${value?.length} per-unit values given for ${this.num} units.`, `Give one number, or exactly ${this.num} values.`);
      }
      for (let i = 0; i < this.num; i++) {
        if (typeof value[i] !== 'number' || !Number.isFinite(value[i])) throw new InputDataError(`${where}[${i}]`, `the value ${value[i]} is not a finite number.`, 'Give finite numbers.');
        target[i] = value[i];
      }
    }
    this.changed?.(variable);
    return this;
  }

  /** @internal Called when a value changes after compile (the network copies it). */
  changed?: (variable: string) => void;
  /** @internal Reads the current values from the network (after a run). */
  current?: (variable: string) => Float64Array;

  /**
   * The current values of a variable (after the last run), one per unit.
   * @throws {@link InputDataError} on an unknown name
   */
  get(variable: string): Float64Array {
    if (!this.values.has(variable)) throw new InputDataError(`${this.name}.${variable}`, `'${variable}' is not a variable of ${this.spec.name}.`, `Use one of: ${this.variables.join(', ')}.`);
    return this.current ? this.current(variable) : Float64Array.from(this.values.get(variable)!);
  }

  /** A reference to one of this container's variables, to connect elsewhere. */
  ref(variable: string): VarRef {
    if (!this.values.has(variable)) {
      throw new NetworkWiringError(`${this.name}.ref('${variable}')`, `'${variable}' is not a variable of ${this.spec.name}.`, `Use one of: ${this.variables.join(', ')}.`);
    }
    return new VarRef(this, variable);
  }

  /**
   * Connects inputs of the model to sources; several sources are summed.
   * A source gives one value per unit (one-to-one) or one value for all.
   * @example iaf.connect({ stimulus: inp }); hh.connect({ stimulus: [syn.ref('I'), 2.5] })
   * @throws {@link NetworkWiringError} for an unknown input or a size mismatch
   */
  connect(map: Record<string, Source | Source[]>): this {
    const inputs = this.spec.inputs.map((i) => i.name);
    for (const [key, value] of Object.entries(map)) {
      if (!inputs.includes(key)) {
        throw new NetworkWiringError(`${this.name}.connect`, `${this.spec.name} has no input '${key}'.`, `Connect one of its inputs: ${inputs.join(', ') || '(none)'}.`);
      }
      const sources = Array.isArray(value) ? value : [value];
      for (const s of sources) this.checkSource(key, s);
      this.connections.set(key, sources);
    }
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
   * @example iaf.record('spike', 'v', { rate: 10 })
   * @throws {@link InputDataError} for an unknown variable or a bad rate
   */
  record(...args: (string | RecordOptions)[]): this {
    const last = args[args.length - 1];
    const options: RecordOptions = typeof last === 'object' && last !== null ? (args.pop() as RecordOptions) : {};
    const rate = options.rate ?? 1;
    const mode = options.mode ?? 'trace';
    if (!Number.isInteger(rate) || rate < 1) throw new InputDataError(`${this.name}.record`, `rate ${String(rate)} is not a positive integer.`, 'Give rate as a whole number of steps, at least 1.');
    if (mode !== 'trace' && mode !== 'sum') throw new InputDataError(`${this.name}.record`, `mode '${String(mode)}' is unknown.`, "Use 'trace' or 'sum'.");
    if (args.length === 0) throw new InputDataError(`${this.name}.record`, 'no variable named.', `Name one or more of: ${this.variables.join(', ')}.`);
    for (const v of args) {
      if (typeof v !== 'string' || !this.values.has(v)) {
        throw new InputDataError(`${this.name}.record`, `'${String(v)}' is not a variable of ${this.spec.name}.`, `Record one of: ${this.variables.join(', ')}.`);
      }
    }
    for (const v of args as string[]) this.records.set(v, { rate, mode });
    return this;
  }
}
