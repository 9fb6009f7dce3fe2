/**
 * `planNetwork`: the passes chained in one place. From a description of a
 * network as plain data (a {@link NetworkGraph}: containers of model classes,
 * input streams, wiring, recordings) it reads every model (`readModel`),
 * inspects it (`inspect`), lowers it with its update rule (`lowerModel`) and
 * lays out the buffers: the {@link NetworkPlan} every back end consumes.
 *
 * It is a pure function of the graph and the options: nothing is allocated,
 * compiled or changed (the passes' own caches aside). `Network` builds the
 * graph from its containers and inputs; `emit` builds a one-container graph.
 *
 * @module
 */
import { NetworkWiringError } from '../errors.js';
import { LASTSPIKE, NOT_REFRACTORY, readModel, type ModelClass } from '../model/read.js';
import type { ModelSpec } from '../model/spec.js';
import { isDraw, statementsOf, type SynapseIR } from '../ir/types.js';
import { lowerSynapse } from '../solvers/synapse.js';
import { lowerModel, type SolverOption } from '../solvers/index.js';
import { inspect } from '../symbolic/inspect.js';
import type { BufferPlan, ContainerPlan, Dtype, NetworkPlan, OperatorPlan, ProjectionPlan, RecordPlan, TermPlan } from './types.js';

/** One source of a connection, as data. */
export type SourceGraph =
  | { kind: 'const'; value: number }
  /** Stream `input` of the graph (its index in `inputs`); -1 for an input of another network. */
  | { kind: 'input'; input: number; name: string }
  /** A variable of container `container` (its index); -1 for a container of another network. */
  | { kind: 'var'; container: number; variable: string; label: string }
  /** An operator over a source, giving `num` values. */
  | {
    kind: 'op';
    op: OperatorPlan['kind'];
    source: SourceGraph;
    num: number;
    /** Block length (blocksum, blockmean) or repeat count (repeat). */
    block?: number;
    /** Row-major (num × source values) weights of a dot. */
    matrix?: Float64Array;
    /** A dot of a batch: that many matrices stacked, each reading its member's values (see `OperatorPlan.members`). */
    members?: number;
    /** How it is named in buffer names, e.g. `sum(syn.I)`. */
    label: string;
  };

/** One container of a graph. */
export interface ContainerGraph {
  /** Its name, unique in the graph (for buffer names and messages). */
  name: string;
  model: ModelClass;
  num: number;
  /** Its own update rule, else the graph's. */
  solver?: SolverOption;
  /** Connected inputs of the model, each to the sources summed, in the order they were connected. */
  connections: [input: string, sources: SourceGraph[]][];
  /** Recorded variables, in the order they were first recorded. */
  records: { variable: string; rate: number; mode: 'trace' | 'sum'; reduce?: 'max' | 'sum' }[];
  /** Whether the spikes of the model (its `@spike`) are recorded. */
  spikes?: boolean;
  /** Parameters and unconnected inputs whose value is the same for every unit. */
  uniform?: string[];
}

/** Synapses between two containers of a graph. */
export interface ProjectionGraph {
  /** For buffer names and messages. */
  name: string;
  /** Container indices (-1: a container of another network). */
  source: number;
  target: number;
  model: ModelClass;
  /** The number of synapses. */
  num: number;
  /** One delay for all synapses, or one each. */
  delay: 'uniform' | 'each';
  /** The longest delay in steps (the rings keep that many steps of spikes). */
  maxDelay: number;
}

/** A network as plain data: what {@link planNetwork} plans. */
export interface NetworkGraph {
  /** Input streams: `num` values per step each. */
  inputs: { name: string; num: number }[];
  /** Containers, in update order. */
  containers: ContainerGraph[];
  /** Projections, in the order they run. */
  projections?: ProjectionGraph[];
  /**
   * A batch of networks of one structure (see `NetworkPlan.batch`): every
   * container holds `seeds.length` members' units, member after member, and
   * member b draws from `seeds[b]`.
   */
  batch?: { seeds: readonly number[] };
}

/**
 * Checks that a synapse model's statements name variables the units it
 * joins have (`v_pre`, `ge_post`), that those it sets are states, and that
 * the units fire where the statements run on their spikes.
 * @throws {@link NetworkWiringError} naming the first that fails
 */
export function checkSides(where: string, ir: SynapseIR, source: ModelSpec, target: ModelSpec): void {
  const sides = { pre: source, post: target } as const;
  for (const side of ['pre', 'post'] as const) {
    const spec = sides[side];
    const states = spec.states.filter((s) => s.name !== LASTSPIKE && s.name !== NOT_REFRACTORY).map((s) => s.name);
    const all = [...spec.states.map((s) => s.name), ...spec.params.map((p) => p.name), ...spec.inputs.map((p) => p.name)];
    for (const n of ir.sides[side].reads) {
      if (!all.includes(n)) throw new NetworkWiringError(where, `${ir.model} reads '${n}_${side}', but the ${side === 'pre' ? 'source' : 'target'} model ${spec.name} has no variable '${n}'.`, `Its variables: ${all.join(', ') || '(none)'}.`);
    }
    for (const n of ir.sides[side].sets) {
      if (!states.includes(n)) throw new NetworkWiringError(where, `${ir.model} sets '${n}_${side}', but '${n}' is not a state of the ${side === 'pre' ? 'source' : 'target'} model ${spec.name}.`, `A synapse changes states: ${states.join(', ') || '(none)'}.`);
    }
  }
  for (const { target: input } of ir.summed) {
    if (!target.inputs.some((x) => x.name === input)) throw new NetworkWiringError(where, `${ir.model} sums into '${input}_post', but the target model ${target.name} has no input '${input}'.`, `Its inputs: ${target.inputs.map((x) => x.name).join(', ') || '(none)'}; a summed variable goes to an @input.`);
  }
  for (const p of ir.pathways) {
    const spec = p.on === 'pre' ? source : target;
    if (!spec.spike) throw new NetworkWiringError(where, `${ir.model} runs statements when its ${p.on === 'pre' ? 'source' : 'target'} unit fires, but ${spec.name} declares no spike.`, 'Connect a model with @spike (e.g. models.LIF, models.Poisson).');
  }
}

/** Options of {@link planNetwork}. */
export interface PlanOptions {
  /** Element type of the float buffers (default 'float64'). */
  dtype?: Dtype;
  /** Update rule of every container that has none of its own (default 'auto'). */
  solver?: SolverOption;
  /** Marks the plan for `-ffast-math` / `--use_fast_math` (see {@link NetworkPlan.fastMath}). */
  fastMath?: boolean;
  /**
   * Lay out for a back end that delivers events by target and collects
   * fired units in parallel (cuda): every projection gets its columns and
   * per-synapse delays, every ring its block counts (blocks of this many units).
   */
  gather?: number;
}

/** A plan and what fills it beyond the containers' values. */
export interface PlannedNetwork {
  plan: NetworkPlan;
  /** The stream buffer of each input of the graph, by index. */
  streams: number[];
  /** The values of every matrix buffer. */
  matrices: { buffer: number; values: Float64Array }[];
  /** The values of the int32 buffers filled once (the seeds of a batch's members, as uint32 bits). */
  ints: { buffer: number; values: Int32Array }[];
}

/**
 * Plans a network: reads, inspects and lowers every model and lays out one
 * buffer per container variable, input stream, operator output, matrix and
 * recording.
 *
 * Buffers are numbered in a fixed order: the streams, then every container's
 * variables (params, inputs, states, as the model declares them), then, per
 * container, the operators of its connections (a source before the operator
 * that reads it, the matrix after the output) and its recordings.
 * @throws {@link NetworkWiringError} when a source belongs to another network
 * @throws {@link ModelDefinitionError} or {@link ExpressionError} as `readModel`, `inspect` and `lowerModel` do
 */
export function planNetwork(graph: NetworkGraph, options: PlanOptions = {}): PlannedNetwork {
  const dtype = options.dtype ?? 'float64';
  const solver = options.solver ?? 'auto';
  const buffers: BufferPlan[] = [];
  const add = (b: Omit<BufferPlan, 'type'>) => buffers.push({ ...b, type: 'float' }) - 1;
  const matrices: PlannedNetwork['matrices'] = [];
  const streams = graph.inputs.map((inp) => add({ name: `input ${inp.name}`, role: 'stream', length: inp.num }));
  const members = graph.batch?.seeds.length ?? 1;
  const ints: PlannedNetwork['ints'] = [];
  for (const c of members > 1 ? graph.containers : []) {
    if (c.num % members !== 0) throw new NetworkWiringError(c.name, `${c.num} units do not split into ${members} members of a batch.`, 'Give every container of a batch the units of every member.');
  }
  /** Each unit's member seed and index in its member, for a container of a batch that draws. */
  const memberDraws = (c: ContainerGraph): ContainerPlan['memberDraws'] => {
    const size = c.num / members;
    const int = (what: string, value: (i: number) => number) => {
      const buffer = buffers.push({ name: `${what} of ${c.name}`, role: 'index', type: 'int32', length: c.num }) - 1;
      ints.push({ buffer, values: Int32Array.from({ length: c.num }, (_, i) => value(i)) });
      return buffer;
    };
    return { seeds: int('member seeds', (i) => graph.batch!.seeds[Math.floor(i / size)] | 0), units: int('indices in the member', (i) => i % size) };
  };
  const specs = graph.containers.map((c) => {
    const spec = readModel(c.model);
    if (spec.pathways || spec.summed) throw new NetworkWiringError(c.name, `${spec.name} is a synapse model (it has @onPre, @onPost or @summed), not a model of units.`, 'Connect two containers through it with nn.synapses(source, target, Model, options).');
    return spec;
  });
  const containerBuffers = graph.containers.map((c, ci) => {
    const spec = specs[ci];
    const role = (v: string) => (spec.states.some((s) => s.name === v) ? 'state' : spec.params.some((p) => p.name === v) ? 'param' : 'input');
    const variables = [...spec.params, ...spec.inputs, ...spec.states].map((x) => x.name);
    return Object.fromEntries(variables.map((v) => [v, add({ name: `${c.name}.${v}`, role: role(v), length: c.num })]));
  });
  const containers: ContainerPlan[] = graph.containers.map((c, ci) => {
    const operators: OperatorPlan[] = [];
    const term = (s: SourceGraph): TermPlan => {
      switch (s.kind) {
        case 'const':
          return { kind: 'const', value: s.value };
        case 'input': {
          const inp = graph.inputs[s.input];
          if (!inp) throw new NetworkWiringError(`${c.name}.connect`, `input '${s.name}' belongs to another network.`, 'Create the input with this network: nn.input(...).');
          return { kind: 'stream', buffer: streams[s.input], num: inp.num };
        }
        case 'var': {
          const other = graph.containers[s.container];
          if (!other) throw new NetworkWiringError(`${c.name}.connect`, `${s.label} belongs to another network.`, 'Connect containers of the same network.');
          return { kind: 'var', buffer: containerBuffers[s.container][s.variable], num: other.num };
        }
        case 'op': {
          const source = term(s.source) as OperatorPlan['source'];
          const out = add({ name: `${c.name}: ${s.label}`, role: 'op', length: s.num });
          const op: OperatorPlan = { kind: s.op, source, out, size: s.num };
          if (s.block !== undefined) op.block = s.block;
          if (s.members !== undefined && s.members > 1) op.members = s.members;
          if (s.matrix) {
            op.matrix = add({ name: `${c.name}: matrix of ${s.label}`, role: 'matrix', length: s.matrix.length });
            matrices.push({ buffer: op.matrix, values: s.matrix });
          }
          operators.push(op);
          return { kind: 'op', buffer: out, num: s.num };
        }
      }
    };
    const inputs = Object.fromEntries(c.connections.map(([k, sources]) => [k, sources.map(term)]));
    const records = c.records.map(({ variable, rate, mode, reduce }): RecordPlan => ({
      variable, source: containerBuffers[ci][variable], rate, mode,
      out: add({ name: `record ${c.name}.${variable}`, role: 'record', length: c.num }),
      ...(reduce && mode === 'trace' && rate > 1 ? { reduce: { kind: reduce, acc: add({ name: `${reduce} of ${c.name}.${variable} since the last row`, role: 'op', length: c.num }) } } : {}),
    }));
    const ir = lowerModel(inspect(c.model), c.solver ?? solver);
    const plan: ContainerPlan = { name: c.name, num: c.num, ir, buffers: containerBuffers[ci], inputs, operators, records };
    if (members > 1) {
      plan.members = members;
      if (statementsOf(ir).some((s) => isDraw(s.expr))) plan.memberDraws = memberDraws(c);
    }
    const uniform = (c.uniform ?? []).filter((n) => !Object.hasOwn(inputs, n) && (ir.params.some((x) => x.name === n) || ir.inputs.some((x) => x.name === n)));
    if (uniform.length && c.num > 0) plan.uniform = uniform;
    if (c.spikes) {
      if (!ir.events) throw new NetworkWiringError(`${c.name}.record`, `${ir.model} declares no spike.`, 'Declare one with @spike({ threshold, reset, refractory }).');
      plan.spikes = { out: buffers.push({ name: `spikes of ${c.name}`, role: 'spikes', type: 'int32', length: 2 * c.num }) - 1 };
    }
    return plan;
  });
  const projections = (graph.projections ?? []).map((p, pi): ProjectionPlan => {
    const source = containers[p.source];
    const target = containers[p.target];
    if (!source || !target) throw new NetworkWiringError(`synapses ${p.name}`, `its ${source ? 'target' : 'source'} belongs to another network.`, 'Connect containers of the same network.');
    const ir = lowerSynapse(p.model);
    checkSides(`synapses ${p.name}`, ir, specs[p.source], specs[p.target]);
    const int = (what: string, length: number) => buffers.push({ name: `${what} of synapses ${p.name}`, role: 'index', type: 'int32', length }) - 1;
    const own = Object.fromEntries([...ir.params, ...ir.states].map((x) => [x.name, buffers.push({ name: `synapses ${p.name}.${x.name}`, role: 'synapse', type: 'float', length: p.num }) - 1]));
    const plan: ProjectionPlan = {
      name: `${pi}`, source: p.source, target: p.target, num: p.num, ir, buffers: own,
      rows: int('row starts', source.num + 1),
      cols: int('targets', p.num),
      delay: p.delay === 'uniform'
        ? { kind: 'uniform', steps: int('delay', 1), before: int('delay before the change', 1) }
        : { kind: 'each', order: int('order by delay', p.num), steps: int('delays', p.num), beforeOrder: int('order by delay before the change', p.num), beforeSteps: int('delays before the change', p.num) },
      maxDelay: p.maxDelay,
    };
    if (ir.summed.length) {
      plan.summed = ir.summed.map(({ target: input }) => {
        const out = add({ name: `${input} of ${target.name} summed over synapses ${p.name}`, role: 'op', length: target.num });
        (target.inputs[input] ??= []).push({ kind: 'op', buffer: out, num: target.num });
        if (target.uniform) target.uniform = target.uniform.filter((n) => n !== input);
        return { input, out };
      });
    }
    if (options.gather && plan.delay.kind === 'each') plan.delay.bySynapse = { steps: int('delays by synapse', p.num), before: int('delays by synapse before the change', p.num) };
    if (options.gather || ir.pathways.some((w) => w.on === 'post') || ir.summed.length) plan.columns = { starts: int('column starts', target.num + 1), synapses: int('synapses by target', p.num), sources: int('sources', p.num) };
    const ring = (ci: number, slots: number) => {
      const c = containers[ci];
      if (c.fired && c.fired.slots >= slots) return;
      const length = slots * (c.num + 1);
      if (c.fired) { c.fired.slots = slots; buffers[c.fired.ring].length = length; } else {
        c.fired = { ring: buffers.push({ name: `units that fired in ${c.name}`, role: 'ring', type: 'int32', length }) - 1, slots };
        if (options.gather) {
          const size = options.gather;
          const blocks = (what: string) => buffers.push({ name: `${what} of ${c.name}`, role: 'index', type: 'int32', length: Math.max(1, Math.ceil(c.num / size)) }) - 1;
          c.fired.blocks = { size, counts: blocks('fired units per block'), offsets: blocks('offsets of the blocks of fired units') };
        }
      }
    };
    if (ir.pathways.some((w) => w.on === 'pre')) ring(p.source, p.maxDelay + 1);
    if (ir.pathways.some((w) => w.on === 'post')) ring(p.target, 1);
    return plan;
  });
  const n0 = containers[0]?.num;
  const fusable = !projections.length && containers.every((c) => c.num === n0 && c.operators.length === 0 && Object.values(c.inputs).flat().every((t) => t.kind === 'const' || t.num === n0));
  const plan: NetworkPlan = { dtype, buffers, containers, fusable, ...(projections.length ? { projections } : {}), ...(options.fastMath ? { fastMath: true } : {}), ...(members > 1 ? { batch: { members } } : {}) };
  return { plan, streams, matrices, ints };
}
