/**
 * `Network`: the graph API. Containers of models, input streams, their
 * wiring and names, `toDot`, and the plan of the whole (lib/plan/build.ts).
 * Compiling, running and resetting are delegated to the run loop
 * (./runner.ts), which owns every array and hands them to the chosen back
 * end.
 */
import type { BackendName } from '../backends/types.js';
import { randomInt } from 'node:crypto';
import { InputDataError, NetworkWiringError } from '../errors.js';
import { isSeed } from '../random/philox.js';
import { secondsOf } from '../units/quantity.js';
import { Model } from '../model/model.js';
import { readModel, type ModelClass } from '../model/read.js';
import { checkOptions, describeValue, type OptionRules } from '../options.js';
import { checkBytes, checkElements } from '../plan/arrays.js';
import { planNetwork } from '../plan/build.js';
import type { Dtype, NetworkPlan } from '../plan/types.js';
import { SOLVERS, type SolverOption } from '../solvers/index.js';
import { Container, type AddOptions } from './container.js';
import { graphOf } from './graph.js';
import { Input } from './input.js';
import { Operator, VarRef } from './operators.js';
import { Synapses, type SynapsesHost, type SynapsesOptions } from './synapses.js';
import { COMPILE_RULES, ofCompile, ofRun, Runner, type CompileOptions, type InFlight, type RunOptions, type RunResult } from './runner.js';

export type { BlockRows, BlockSpikes, CompileOptions, InFlight, RecordedBlock, RunOptions, RunResult } from './runner.js';

/** Options of {@link Network.input}. Unknown keys and values of the wrong type are refused. */
export interface InputOptions {
  /** The input's name, unique in the network (default: input and index). */
  name?: string;
  /** Number of streams, a whole number of at least 1 (default 1). */
  num?: number;
}

const ADD_RULES: OptionRules = {
  name: { type: 'string' },
  num: { type: 'count' },
  params: { type: 'record' },
  states: { type: 'record' },
  solver: { type: 'enum', values: SOLVERS },
};
const INPUT_RULES: OptionRules = { name: { type: 'string' }, num: { type: 'count' } };

/** Options of `new Network`. */
export interface NetworkOptions {
  /** The seed of the random draws: an integer in [0, 2^32) (default: a random one). */
  seed?: number;
}

const NETWORK_RULES: OptionRules = { seed: { type: 'number' } };

/**
 * A network of containers and inputs.
 *
 * One thing at a time: while a `run()`, `compile()` or `reset()` is in
 * progress (until its promise settles), every call that would change the
 * network is refused with a {@link BusyError} and changes nothing: a second
 * run, compile or reset, `container.set/connect/record`, `input.set`, `add`
 * and `input`. So state, `step` and recordings always stay in step, even when
 * a `run()` was not awaited. Reading (`container.get`, recordings, `step`,
 * `plan()`, `toDot()`) is allowed at any time; during a run it shows the
 * values as of some completed block.
 */
export class Network {
  /** The containers, in the order they were added (and update). */
  readonly containers: Container[] = [];
  /** The input streams. */
  readonly inputs: Input[] = [];
  /** The projections (synapses between containers), in the order they were made and run. */
  readonly projections: Synapses<never>[] = [];
  /** Steps run since the last reset. */
  step = 0;
  /** @internal Counts the changes to what a plan is built from (see `RunHost.structure`). */
  structure = 0;
  /**
   * The seed of every random draw of the network's runs (`xi`, `rand()`,
   * `randn()`): an integer in [0, 2^32). The same seed gives the same
   * numbers on every back end, however the run is split into blocks or
   * runs. Chosen at random unless given (`new Network({ seed: 42 })`).
   * @throws {@link InputDataError} when set to anything but an integer in [0, 2^32)
   */
  get seed(): number {
    return this.seedValue;
  }

  set seed(seed: number) {
    if (!isSeed(seed)) throw new InputDataError('Network.seed', `${describeValue(seed)} is not an integer in [0, 2^32).`, 'Set it to a whole number, e.g. network.seed = 42.');
    this.seedValue = seed;
  }

  private seedValue = 0;
  /** The back end compile chose, and why when 'auto' chose. */
  chosen: { backend: BackendName; reason: string } | null = null;
  /** @internal The seed of each member when this network runs a batch (`Batch`), else null. */
  batchSeeds: readonly number[] | null = null;
  /** @internal Why this network may not be changed or run on its own (a member of a batch), else null. */
  locked: string | null = null;
  /** Compiled state, run loop and the rule of one call at a time. */
  private readonly runner: Runner = new Runner(this);

  /**
   * @param options - `seed`: the seed of the random draws (default: a random one)
   * @throws {@link InputDataError} for an unknown option or a seed that is not an integer in [0, 2^32)
   */
  constructor(options?: NetworkOptions) {
    const o = checkOptions<NetworkOptions>('new Network', options, NETWORK_RULES, { usage: () => 'Pass { seed }, or nothing.' });
    const seed = o.seed ?? randomInt(2 ** 32);
    if (!isSeed(seed)) throw new InputDataError('new Network', `seed ${seed} is not an integer in [0, 2^32).`, 'Give a whole number, e.g. new Network({ seed: 42 }).');
    this.seed = seed;
  }

  /**
   * Adds `num` input streams.
   * @throws {@link InputDataError} when num is not a positive integer or an option is unknown
   * @throws {@link NetworkWiringError} when the name is taken
   * @throws {@link BusyError} while a run, compile or reset is in progress
   */
  input(options?: InputOptions): Input {
    this.runner.guard('Network.input');
    const named = (options as InputOptions | undefined)?.name;
    const o = checkOptions<InputOptions>(typeof named === 'string' ? `input '${named}'` : 'Network.input', options, INPUT_RULES, {
      usage: (x) => (typeof x === 'string' ? `Write input({ name: '${x}' }).` : typeof x === 'number' ? `Write input({ num: ${x} }).` : 'Pass { name, num }, or nothing.'),
    });
    const n = o.name ?? `input${this.inputs.length}`;
    const num = o.num ?? 1;
    checkElements(`input '${n}'`, 'one row', num, 'Use fewer streams.');
    this.checkName(n);
    const inp = new Input(n, num);
    inp.guard = (call) => this.runner.guard(call);
    this.inputs.push(inp);
    this.structure++;
    return inp;
  }

  /**
   * Adds a container of `num` units of a model. The sizes are checked before
   * anything is allocated: one value per unit for each variable, in float64.
   * @param model - a model class, or an instance whose values become the defaults
   * @throws {@link InputDataError} for a bad num, option, value, or a container too large for memory
   * @throws {@link NetworkWiringError} for something that is not a model, or a name that is taken
   * @throws {@link BusyError} while a run, compile or reset is in progress
   */
  add<M extends object>(model: (abstract new (...args: never[]) => M) | M, options?: AddOptions): Container<M>;
  add(model: ModelClass | Model, options?: AddOptions): Container;
  add(model: ModelClass | Model, options?: AddOptions): Container {
    this.runner.guard('Network.add');
    const instance = model instanceof Model ? model : undefined;
    const ctor = (instance ? instance.constructor : model) as ModelClass;
    if (typeof ctor !== 'function' || !(ctor.prototype instanceof Model)) {
      throw new NetworkWiringError('Network.add', `${describeValue(model)} is not a model class or instance.`, 'Pass a class that extends Model, e.g. nn.add(IAF, { num: 10 }).');
    }
    const named = (options as AddOptions | undefined)?.name;
    const o = checkOptions<AddOptions>(typeof named === 'string' ? `container '${named}'` : 'Network.add', options, ADD_RULES, {
      usage: (x) => (typeof x === 'number' ? `Write add(${ctor.name}, { num: ${x} }).` : typeof x === 'string' ? `Write add(${ctor.name}, { name: '${x}' }).` : 'Pass { name, num, params, states, solver }, or nothing.'),
      elsewhere: { ...ofCompile, ...ofRun, rate: 'Container.record', mode: 'Container.record' },
      call: 'Network.add',
    });
    const num = o.num ?? 1;
    // The default name is the class name and an index, or only an index when the class name is not one plain word.
    const name = o.name ?? `${/^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/.test(ctor.name) ? ctor.name : 'container'}${this.containers.length}`;
    this.checkName(name);
    const spec = readModel(ctor);
    if (spec.pathways || spec.summed) throw new NetworkWiringError('Network.add', `${spec.name} is a synapse model (it has @onPre, @onPost or @summed).`, `Connect two containers through it: nn.synapses(source, target, ${spec.name}, { p: 0.1 }).`);
    const variables = spec.params.length + spec.inputs.length + spec.states.length;
    const fix = 'Use fewer units, or split the population into several containers.';
    checkElements(`container '${name}'`, 'each variable', num, fix);
    checkBytes(`container '${name}'`, `the values of ${num.toLocaleString('en')} units × ${variables} variables`, num * variables * 8, fix);
    const c = new Container(ctor, name, num, o, instance, { seed: () => this.seed, index: this.containers.length });
    c.guard = (call) => this.runner.guard(call);
    c.current = (v) => this.runner.current(c, v);
    c.store = (v, value) => this.runner.store(c, v, value);
    c.changed = () => void this.structure++;
    this.containers.push(c);
    this.structure++;
    return c;
  }

  /**
   * Connects the units of `source` to those of `target` through a synapse
   * model (a class with `@onPre` and/or `@onPost`): which pairs (a
   * probability, a fixed in- or out-degree, explicit `i` and `j`, or a
   * condition), their delays and their per-synapse values. The synapses are
   * made now, from the network's seed.
   * @example `nn.synapses(P, P, Excitatory, { sources: [0, 3200], p: 0.02, values: { w: 1.62 } })`
   * @throws {@link NetworkWiringError} for a container of another network, a model that is no synapse model, statements that name variables the units lack, or bad connectivity options
   * @throws {@link InputDataError} for bad values or delays
   * @throws {@link BusyError} while a run, compile or reset is in progress
   */
  synapses<M extends object>(source: Container, target: Container, model: abstract new (...args: never[]) => M, options: SynapsesOptions): Synapses<M> {
    this.runner.guard('Network.synapses');
    for (const [what, c] of [['source', source], ['target', target]] as const) {
      if (!this.containers.includes(c)) throw new NetworkWiringError('Network.synapses', `the ${what} ${c instanceof Container ? `'${c.name}' belongs to another network` : `${describeValue(c)} is not a container`}.`, 'Connect containers added to this network (nn.add).');
    }
    if (typeof model !== 'function') throw new NetworkWiringError('Network.synapses', `${describeValue(model)} is not a synapse model class.`, "Pass a class with @onPre, e.g. class Exc extends Model { @param(1) w!: number; @onPre('ge_post += w') pre!: never; }.");
    const index = this.projections.length;
    const name = typeof options?.name === 'string' ? options.name : `synapses${index}`;
    if (this.projections.some((p) => p.name === name)) throw new NetworkWiringError(`synapses '${name}'`, 'the name is used twice in this network.', 'Give every projection its own name.');
    // eslint-disable-next-line prefer-const
    let made: Synapses<M>;
    const host: SynapsesHost = {
      index,
      seed: () => this.seed,
      guard: (call) => this.runner.guard(call),
      current: (v) => this.runner.currentSynapse(made as unknown as Synapses<never>, v),
      store: (v, values) => this.runner.storeSynapse(made as unknown as Synapses<never>, v, values),
      delaysChanged: () => void this.structure++,
    };
    made = new Synapses<M>(name, source, target, model, options, host);
    this.projections.push(made as unknown as Synapses<never>);
    this.structure++;
    return made;
  }

  private checkName(name: string): void {
    if (typeof name !== 'string' || name === '' || /[\u0000-\u001f\u007f\u2028\u2029]/.test(name)) {
      throw new NetworkWiringError(`name ${JSON.stringify(name)}`, 'is empty or holds a line break or control character.', 'Use a name on one line, e.g. \'My IAFs\'.');
    }
    if ([...this.containers, ...this.inputs].some((x) => x.name === name)) {
      throw new NetworkWiringError(`name '${name}'`, 'is used twice in this network.', 'Give every container and input its own name.');
    }
  }

  /**
   * Checks the wiring, lowers every model and compiles the network for a back
   * end. When it fails, the network keeps its previous compilation (if any).
   * @throws {@link InputDataError} for an unknown option or a value of the wrong type, e.g. compile('cpu')
   * @throws {@link BackendError} when the back end asked for is unavailable
   * @throws {@link NetworkWiringError} when a source is not part of this network
   * @throws {@link BusyError} while a run, compile or reset is in progress
   */
  async compile(options?: CompileOptions): Promise<this> {
    await this.runner.compile(options);
    return this;
  }

  /** The generated source of the compiled network (empty for the interpreter). */
  get source(): string {
    return this.runner.source;
  }

  /** @internal The current values of units [from, to) of a container's variable (float64 copy). */
  currentOf(c: Container, variable: string, from: number, to: number): Float64Array {
    return this.runner.current(c, variable, from, to);
  }

  /** @internal The current values of synapses [from, to) of a projection's variable, undefined before a compile. */
  currentSynapseOf(syn: Synapses<never>, variable: string, from: number, to: number): Float64Array | undefined {
    return this.runner.currentSynapse(syn, variable, from, to);
  }

  /** @internal The spikes on their way through delays after the last completed step (for checkpoints), or null. */
  inFlight(): InFlight | null {
    return this.inFlightOf ? this.inFlightOf() : this.runner.inFlight();
  }

  /** @internal Where a member of a batch finds its spikes in flight (in the batch's rings). */
  inFlightOf: (() => InFlight | null) | null = null;

  /** @internal Spikes in flight from a checkpoint, put back in the rings by the next run. */
  restoreInFlight(spikes: InFlight | null): void {
    this.runner.restoreInFlight(spikes);
  }

  /** @internal The options of the last successful compile, or null. */
  get compiledWith(): Required<CompileOptions> | null {
    return this.runner.settings;
  }

  /**
   * The plan of this network for a dtype and solver (a description; nothing
   * is compiled or changed).
   * @throws {@link InputDataError} for an unknown dtype or solver
   * @throws {@link NetworkWiringError} when a source is not part of this network
   */
  plan(dtype: Dtype = 'float64', solver: SolverOption = 'auto'): NetworkPlan {
    checkOptions('Network.plan', { dtype, solver }, { dtype: COMPILE_RULES.dtype, solver: COMPILE_RULES.solver });
    return planNetwork(graphOf(this.containers, this.inputs, this.projections, undefined, this.batchSeeds).graph, { dtype, solver }).plan;
  }

  /**
   * Runs the network for `steps` steps of `dt` seconds, continuing from where
   * the last run stopped. Recordings are appended.
   *
   * Everything the run needs (recordings grown to their final size, and the
   * snapshots of checkFinite) is sized and allocated before the first step,
   * so that a run refused for memory changes nothing. When a run stops early
   * (checkFinite, abort, an input function that throws), state, `step` and
   * recordings agree: they end at the same completed step.
   * @param dt - the step in seconds, or a time with its unit (`'0.1 ms'`);
   *   it must stay a normal, finite number in the run's dtype once
   *   multiplied by each model's time scale
   * @throws {@link InputDataError} for a bad dt, steps or option (e.g. run(dt, 3)), input data that is too short,
   *   or recordings that do not fit in memory
   * @throws {@link NumericalError} with checkFinite, at the first NaN or infinity
   * @throws {@link RunAbortedError} when the signal aborts (recordings kept)
   * @throws {@link BusyError} while another run, a compile or a reset is in progress
   */
  run(dt: number | string, options?: RunOptions): Promise<RunResult> {
    return this.runner.run(stepOf('Network.run', dt), options);
  }

  /**
   * Returns every state to its initial value (see {@link Container} for which
   * value that is), clears the recordings and the step count. Parameters and
   * inputs keep their values.
   * @throws {@link BusyError} while a run, compile or another reset is in progress
   */
  reset(): Promise<void> {
    return this.runner.reset();
  }

  /** The network as a Graphviz DOT graph: inputs, containers and their wiring. */
  toDot(): string {
    const id = (s: string) => JSON.stringify(s);
    const lines = ['digraph network {', '  rankdir=LR;'];
    for (const i of this.inputs) lines.push(`  ${id(i.name)} [shape=box, label=${id(`${i.name}\n(${i.num} streams)`)}];`);
    for (const c of this.containers) lines.push(`  ${id(c.name)} [shape=ellipse, label=${id(`${c.name}\n${c.spec.name} × ${c.num}`)}];`);
    const from = (s: Input | VarRef | Operator | number): string => (typeof s === 'number' ? '' : s instanceof Input ? s.name : s instanceof VarRef ? s.container.name : from(s.source));
    for (const c of this.containers) {
      for (const [k, sources] of c.connections) {
        for (const s of sources) {
          if (typeof s === 'number') continue;
          const label = s instanceof VarRef ? `${s.variable} → ${k}` : s instanceof Operator ? `${s.label} → ${k}` : k;
          lines.push(`  ${id(from(s))} -> ${id(c.name)} [label=${id(label)}];`);
        }
      }
    }
    lines.push('}');
    return lines.join('\n');
  }
}

/**
 * A step given as seconds, or as a time with its unit (`'0.1 ms'`) in
 * seconds; anything else is left for the run to refuse.
 * @throws {@link InputDataError} for a string that is not a time with its unit
 */
export function stepOf(where: string, dt: unknown): number {
  if (typeof dt !== 'string') return dt as number;
  const t = secondsOf(dt);
  if ('error' in t) throw new InputDataError(where, `dt ${t.error}.`, "Give the step in seconds (1e-4) or with its unit ('0.1 ms').");
  return t.seconds;
}
