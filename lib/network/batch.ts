/**
 * `Batch`: networks of one structure compiled once and run as one program.
 *
 * A sweep runs the same network for many parameter sets and seeds. Each
 * small network run on its own pays the costs of a run (planning, blocks,
 * threads waking) for little work. A batch joins B members into one
 * network whose containers hold the units of every member, member after
 * member: container c of the batch has B · num units, and unit i of member
 * b is unit b · num + i. Everything that joins units joins them within a
 * member: a `Sum` becomes a `BlockSum` over each member's values, a `Dot`
 * a block-diagonal product of the members' matrices, synapses join the
 * same units shifted by the member's offset, and input streams and
 * constants that differ between members become one stream per member.
 *
 * Draws are addressed by the member's seed and the unit's index in its
 * member, and every sum runs in the member's own order, so member b of a
 * batch computes exactly what it computes when run alone, bit for bit
 * (`specs/network/batch.spec.ts` proves it on interpreter, js and cpu).
 *
 * The members stay ordinary networks to read: after each run of the batch,
 * `member.step`, `container.get(…)`, synapse values and recordings show
 * that member's part. They are locked while they belong to the batch:
 * `set`, `connect`, `record`, `compile`, `run` and `reset` on a member are
 * refused (run and reset the batch instead).
 *
 * @module
 */
import { InputDataError, NetworkWiringError } from '../errors.js';
import { describeValue } from '../options.js';
import { allocate } from '../plan/arrays.js';
import type { Dtype, FloatArray } from '../plan/types.js';
import { Container, type AddOptions, type Source } from './container.js';
import { Input } from './input.js';
import { Network } from './network.js';
import { BlockMean, BlockSum, Operator, Repeat, VarRef, type OperandSource } from './operators.js';
import { Recording, SpikeRecording } from './recorder.js';
import type { CompileOptions, InFlight, RunOptions, RunResult } from './runner.js';
import type { Synapses } from './synapses.js';
import { LASTUPDATE } from '../model/read.js';

const FIX = 'Build every member with the same function: only values, seeds, input data, matrices, connectivity and delays may differ between members.';

/** Where a trace recording of the batch was split up to, to hand each member only the new rows. */
interface Seen {
  rows: number;
  firstStep: number;
  spikes: number;
  duration: number;
}

/**
 * Networks of one structure (the same containers, models, sizes, wiring,
 * inputs, recordings and synapse models, in the same order) run as one.
 * @example
 * const members = [1, 2, 3].map((seed) => build({ I: 2 * seed }, seed)); // your function
 * const batch = new Batch(members);
 * await batch.compile({ backend: 'cpu' });
 * await batch.run(1e-4, { steps: 10_000 });
 * members[1].containers[0].recorder.spikes().count; // member 1's spikes
 */
export class Batch {
  /** The members, in the order given: member b's units come b-th in every container. */
  readonly members: readonly Network[];
  /** The network that runs them all (read its `plan()`, `source`, `chosen`; change the batch through the members before it is made). */
  readonly network: Network;
  /** Units per member of each container. */
  private readonly sizes: number[];
  /** Per container and recorded variable (or spikes, key ''): how far the batch's recording was handed out. */
  private seen: Map<string, Seen>[];
  /** Current values of members' states that differ from their initial values, set once the batch is compiled. */
  private readonly starts: { at: Container | Synapses<never>; variable: string; from: number; values: Float64Array }[] = [];

  /**
   * Joins the members. They must not have run yet (step 0), and each may
   * belong to one batch only.
   * @throws {@link InputDataError} for an empty list, something that is not a network, a network given twice or one that has run
   * @throws {@link NetworkWiringError} naming the first difference of structure between a member and member 0
   */
  constructor(list: readonly Network[]) {
    const where = 'new Batch';
    const members: readonly Network[] = list;
    if (!Array.isArray(list) || members.length === 0) throw new InputDataError(where, `${describeValue(members)} is not a non-empty list of networks.`, 'Pass the networks to run together: new Batch([a, b, c]).');
    members.forEach((m, b) => {
      if (!(m instanceof Network)) throw new InputDataError(`${where}: member ${b}`, `${describeValue(m)} is not a Network.`, 'Pass networks made with new Network().');
      if (members.indexOf(m) !== b) throw new InputDataError(`${where}: member ${b}`, `is the same network as member ${members.indexOf(m)}.`, 'Build a network for each member.');
      if (m.locked) throw new InputDataError(`${where}: member ${b}`, m.locked, 'Build a new network for this batch.');
      if (m.step !== 0) throw new InputDataError(`${where}: member ${b}`, `has run ${m.step} steps; a batch starts its members at step 0.`, 'Make the batch before running the members, or reset() them first.');
    });
    for (let b = 1; b < members.length; b++) sameStructure(members[0], members[b], b);
    this.members = [...members];
    this.sizes = members[0].containers.map((c) => c.num);
    this.seen = this.sizes.map(() => new Map());
    this.network = join(this.members);
    const B = members.length;
    /** Where each member's synapses start in each projection of the batch. */
    const synapseStarts = members[0].projections.map((_, pi) => offsets(members.map((x) => x.projections[pi].num)));
    // A state set on a compiled member changed its current value only: the batch starts from it (see compile).
    members.forEach((m, b) => {
      if (!m.compiledWith) return;
      m.containers.forEach((c, ci) => {
        for (const s of c.spec.states) {
          const now = c.get(s.name);
          if (!sameValues(now, c.values.get(s.name)!)) this.starts.push({ at: this.network.containers[ci], variable: s.name, from: b * c.num, values: now });
        }
      });
      m.projections.forEach((p, pi) => {
        const from = synapseStarts[pi][b];
        for (const s of p.ir.states) {
          const now = p.get(s.name as never);
          if (!sameValues(now, p.values.get(s.name)!)) this.starts.push({ at: this.network.projections[pi], variable: s.name, from, values: now });
        }
      });
    });
    members.forEach((m, b) => {
      m.locked = `this network is member ${b} of a batch of ${B}: the batch runs it.`;
      m.containers.forEach((c, ci) => {
        const n = c.num;
        c.current = (v) => this.network.currentOf(this.network.containers[ci], v, b * n, (b + 1) * n);
      });
      m.projections.forEach((p, pi) => {
        const from = synapseStarts[pi][b];
        p.readFrom((v) => this.network.currentSynapseOf(this.network.projections[pi], v, from, from + p.num));
      });
      m.inFlightOf = () => memberInFlight(this.network.inFlight(), this.sizes, b);
    });
  }

  /**
   * Compiles the batch: with these options, else with those of the first
   * member that was compiled, else the defaults.
   * @throws as {@link Network.compile}
   */
  async compile(options?: CompileOptions): Promise<this> {
    await this.network.compile(options ?? this.members.find((m) => m.compiledWith)?.compiledWith ?? undefined);
    for (const { at, variable, from, values } of this.starts.splice(0)) {
      const all = at.get(variable as never);
      all.set(values, from);
      at.set(variable as never, all);
    }
    return this;
  }

  /**
   * Runs every member for `steps` steps of `dt` (seconds, or a time with its
   * unit: `'0.1 ms'`), then hands each
   * member its part: its `step`, its values (read through its containers
   * and synapses) and the rows of its recordings. When the run stops early
   * (checkFinite, an abort), the members get what was recorded up to there.
   * `onBlock` sees the blocks of the whole batch (every member's columns).
   * @throws as {@link Network.run}
   */
  async run(dt: number | string, options?: RunOptions): Promise<RunResult> {
    if (!this.network.chosen) throw new NetworkWiringError('Batch.run', 'the batch is not compiled.', 'Call await batch.compile() before run().');
    try {
      return await this.network.run(dt, options);
    } finally {
      this.handOut();
    }
  }

  /** Returns every member to its initial values and step 0, and clears their recordings (as {@link Network.reset}). */
  async reset(): Promise<void> {
    await this.network.reset();
    this.seen = this.sizes.map(() => new Map());
    for (const m of this.members) {
      m.step = 0;
      for (const c of m.containers) c.recorder.clear();
    }
  }

  /** Gives each member its step and the new rows of every recording of the batch. */
  private handOut(): void {
    const B = this.members.length;
    for (const m of this.members) m.step = this.network.step;
    this.network.containers.forEach((joined, ci) => {
      const n = this.sizes[ci];
      const seen = this.seen[ci];
      const parts = this.members.map((m) => m.containers[ci]);
      for (const variable of joined.records.keys()) {
        const r = joined.recorder.get(variable);
        const before = seen.get(variable);
        const fresh = !before || r.mode === 'sum' || before.firstStep !== r.firstStep || before.rows > r.shape[0];
        const from = fresh ? 0 : before.rows;
        const k = r.shape[1] / B;
        const rows = r.shape[0] - from;
        // Only the rows since the last hand-out.
        const data = r.rowsFrom(from);
        parts.forEach((c, b) => {
          const piece = allocate(`${c.name}.recorder`, `the rows of '${variable}'`, dtypeOf(data), rows * k, 'Record fewer steps or units.');
          for (let t = 0; t < rows; t++) piece.set(data.subarray(t * r.shape[1] + b * k, t * r.shape[1] + (b + 1) * k), t * k);
          const own = c.records.get(variable)?.units ?? null;
          const old = fresh ? undefined : c.recorder.names().includes(variable) ? c.recorder.get(variable) : undefined;
          c.recorder.put(old ? old.append(piece) : new Recording(variable, piece, k, r.rate, r.dt, r.mode, r.firstStep, r.initialStep, own));
        });
        seen.set(variable, { rows: r.shape[0], firstStep: r.firstStep, spikes: 0, duration: 0 });
      }
      const spikes = joined.recorder.spikesOrNull();
      if (!spikes) return;
      const before = seen.get('') ?? { rows: 0, firstStep: 0, spikes: 0, duration: 0 };
      const fresh = before.spikes > spikes.count;
      const from = fresh ? 0 : before.spikes;
      // Only the spikes since the last hand-out: one pass to count each member's, one to place them.
      const { units, steps, times } = spikes.since(from);
      const count = new Int32Array(B);
      for (let s = 0; s < units.length; s++) count[Math.floor(units[s] / n)]++;
      const chunks = parts.map((_, b) => ({ units: new Int32Array(count[b]), steps: new Float64Array(count[b]), times: new Float64Array(count[b]) }));
      const at = new Int32Array(B);
      for (let s = 0; s < units.length; s++) {
        const b = Math.floor(units[s] / n);
        const chunk = chunks[b];
        chunk.units[at[b]] = units[s] - b * n;
        chunk.steps[at[b]] = steps[s];
        chunk.times[at[b]] = times[s];
        at[b]++;
      }
      const seconds = spikes.duration - (fresh ? 0 : before.duration);
      parts.forEach((c, b) => {
        const old = fresh ? null : c.recorder.spikesOrNull();
        c.recorder.putSpikes(old ? old.append(chunks[b], seconds) : new SpikeRecording(spikes.variable, n, spikes.duration, chunks[b]));
      });
      seen.set('', { rows: 0, firstStep: 0, spikes: spikes.count, duration: spikes.duration });
    });
  }
}

/** Member b's part of the batch's spikes in flight: its units, numbered in the member. */
function memberInFlight(all: InFlight | null, sizes: readonly number[], b: number): InFlight | null {
  if (!all) return null;
  return {
    dt: all.dt,
    rings: all.rings.map((r) => {
      const n = sizes[r.container];
      const counts = new Int32Array(r.counts.length);
      const units: number[] = [];
      let at = 0;
      r.counts.forEach((count, x) => {
        for (let q = at; q < at + count; q++) {
          const u = r.units[q] - b * n;
          if (u >= 0 && u < n) { units.push(u); counts[x]++; }
        }
        at += count;
      });
      return { container: r.container, steps: r.steps, counts, units: Int32Array.from(units) };
    }),
  };
}

/** The element type of a recording's rows. */
const dtypeOf = (data: FloatArray): Dtype => (data instanceof Float32Array ? 'float32' : 'float64');

/** Start offsets of consecutive ranges of the given lengths. */
function offsets(lengths: readonly number[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const n of lengths) { out.push(at); at += n; }
  return out;
}

/** Whether two arrays hold the same values (NaN equal to NaN, 0 not to -0). */
const sameValues = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

/** The members' arrays one after another. */
function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  offsets(parts.map((p) => p.length)).forEach((at, b) => out.set(parts[b], at));
  return out;
}

/** The batch's network: every member's units, inputs, wiring, synapses and recordings joined. */
function join(members: readonly Network[]): Network {
  const B = members.length;
  const first = members[0];
  const net = new Network({ seed: first.seed });
  net.batchSeeds = members.map((m) => m.seed);
  // Inputs: one stream per member's stream, side by side in each row.
  const inputs = first.inputs.map((inp, k) => new BatchInput(inp.name, members.map((m) => m.inputs[k])));
  for (const inp of inputs) net.inputs.push(inp);
  const joined = first.containers.map((c0, ci) => {
    const all = members.map((m) => m.containers[ci]);
    const params: Record<string, Float64Array> = {};
    const states: Record<string, Float64Array> = {};
    for (const p of [...c0.spec.params, ...c0.spec.inputs]) params[p.name] = concat(all.map((c) => c.values.get(p.name)!));
    for (const s of c0.spec.states) states[s.name] = concat(all.map((c) => c.values.get(s.name)!));
    const options: AddOptions = { name: c0.name, num: c0.num * B, params, states, ...(c0.solver !== undefined ? { solver: c0.solver } : {}) };
    return net.add(c0.model, options);
  });
  let constants = 0;
  // A source of every member as one source of the batch.
  const source = (list: readonly Source[]): Source => {
    const s0 = list[0];
    if (typeof s0 === 'number') {
      if (list.every((x) => x === s0)) return s0;
      const inp = new BatchInput(`constants ${constants++} of the members`, list.map((x) => new Input('', 1).set(x as number)));
      net.inputs.push(inp);
      return inp;
    }
    if (s0 instanceof Input) return inputs[first.inputs.indexOf(s0)];
    if (s0 instanceof VarRef) return new VarRef(joined[first.containers.indexOf(s0.container)], s0.variable);
    const inner = source(list.map((o) => (o as Operator).source)) as OperandSource;
    switch (s0.kind) {
      case 'sum': return BlockSum(inner, s0.source.num);
      case 'mean': return BlockMean(inner, s0.source.num);
      case 'dot': return new Operator('dot', inner, s0.num * B, undefined, concat(list.map((o) => (o as Operator).matrix!)), B);
      default: return new Operator(s0.kind, inner, s0.num * B, s0.block);
    }
  };
  first.containers.forEach((c0, ci) => {
    const map: Record<string, Source[]> = {};
    for (const [key, sources] of c0.connections) {
      map[key] = sources.map((s, k) => {
        const merged = source(members.map((m) => m.containers[ci].connections.get(key)![k]));
        // One value for all units of a member: repeated for each of them.
        const one = (typeof s === 'number' ? typeof merged !== 'number' : s.num === 1) && c0.num > 1;
        return one ? Repeat(merged as OperandSource, c0.num) : merged;
      });
    }
    if (Object.keys(map).length) joined[ci].connect(map);
    for (const [variable, o] of c0.records) {
      if (!o.keep) throw new NetworkWiringError(`new Batch: ${c0.name}.record('${variable}')`, 'is recorded with keep: false; the blocks of a batch hold every member.', 'Record with keep: true (the default) in every member.');
      const units = o.units ? (members.flatMap((m, b) => Array.from(m.containers[ci].records.get(variable)!.units!, (u) => b * c0.num + u))) : undefined;
      joined[ci].record(variable, { rate: o.rate, mode: o.mode, initial: o.initial, ...(o.mode === 'trace' ? { reduce: o.reduce } : {}), ...(units ? { units } : {}) });
    }
    if (c0.recordsSpikes) {
      if (!c0.keepsSpikes) throw new NetworkWiringError(`new Batch: ${c0.name}.record('${c0.spec.spike!.name}')`, 'keeps no spikes (keep: false).', 'Record the spikes with keep: true (the default) in every member.');
      joined[ci].record(c0.spec.spike!.name);
    }
  });
  first.projections.forEach((p0, pi) => {
    const all = members.map((m) => m.projections[pi] as Synapses<never>);
    const ns = first.containers.indexOf(p0.source);
    const nt = first.containers.indexOf(p0.target);
    const shifted = (pick: (p: Synapses<never>) => Int32Array, size: number) => Int32Array.from(all.flatMap((p, b) => Array.from(pick(p), (u) => u + b * size)));
    const values: Record<string, Float64Array> = {};
    for (const v of p0.variables) if (v !== LASTUPDATE) values[v] = concat(all.map((p) => p.values.get(v)!));
    const delays = all.map((p) => p.delay);
    const delay = delays.every((d) => typeof d === 'number' && d === delays[0]) ? (delays[0] as number) : concat(all.map((p, b) => (typeof delays[b] === 'number' ? new Float64Array(p.num).fill(delays[b] as number) : (delays[b] as Float64Array))));
    net.synapses(joined[ns], joined[nt], p0.model, { name: p0.name, i: shifted((p) => p.i, p0.source.num), j: shifted((p) => p.j, p0.target.num), values, delay });
  });
  return net;
}

/**
 * The streams of every member side by side: row k holds member 0's row k,
 * then member 1's, and so on.
 */
class BatchInput extends Input {
  constructor(name: string, private readonly parts: readonly Input[]) {
    super(name, parts[0].num * parts.length);
  }

  override get steps(): number {
    return Math.min(...this.parts.map((p) => p.steps));
  }

  override block(k0: number, steps: number, dtype: Dtype): FloatArray {
    const m = this.parts[0].num;
    const B = this.parts.length;
    const out = allocate(`input '${this.name}'`, `a block of ${steps} steps`, dtype, steps * m * B, 'Run with a smaller blockSteps.');
    this.parts.forEach((p, b) => {
      const rows = p.block(k0, steps, dtype);
      for (let k = 0; k < steps; k++) out.set(rows.subarray(k * m, (k + 1) * m), (k * B + b) * m);
    });
    return out;
  }
}

/**
 * Checks that member `b` has member 0's structure.
 * @throws {@link NetworkWiringError} naming the first difference
 */
function sameStructure(a: Network, m: Network, b: number): void {
  const fail = (what: string) => {
    throw new NetworkWiringError(`new Batch: member ${b}`, what, FIX);
  };
  const count = (what: string, x: number, y: number) => x !== y && fail(`has ${y} ${what}; member 0 has ${x}.`);
  count('containers', a.containers.length, m.containers.length);
  count('inputs', a.inputs.length, m.inputs.length);
  count('projections', a.projections.length, m.projections.length);
  a.inputs.forEach((x, k) => (x.num !== m.inputs[k].num || x.name !== m.inputs[k].name) && fail(`input ${k} is '${m.inputs[k].name}' with ${m.inputs[k].num} streams; member 0's is '${x.name}' with ${x.num}.`));
  // Two sources of the same place: same kind, same shape, reading the same place.
  const same = (x: Source, y: Source, where: string): void => {
    const kind = (s: Source) => (typeof s === 'number' ? 'a number' : s instanceof Input ? `input '${s.name}'` : s instanceof VarRef ? `${s.label}` : `${s.kind} of ${s.num} values`);
    if (typeof x === 'number' && typeof y === 'number') return;
    const differ = () => fail(`${where} is ${kind(y)}; member 0's is ${kind(x)}.`);
    if (typeof x === 'number' || typeof y === 'number') return differ();
    if (x instanceof Input || y instanceof Input) return x instanceof Input && y instanceof Input && a.inputs.indexOf(x) === m.inputs.indexOf(y) ? undefined : differ();
    if (x instanceof VarRef || y instanceof VarRef) return x instanceof VarRef && y instanceof VarRef && x.variable === y.variable && a.containers.indexOf(x.container) === m.containers.indexOf(y.container) ? undefined : differ();
    if (x.kind !== y.kind || x.num !== y.num || x.block !== y.block || x.members !== undefined || y.members !== undefined) return differ();
    same(x.source, y.source, `${where}: the source of ${x.kind}`);
  };
  a.containers.forEach((x, ci) => {
    const y = m.containers[ci];
    const at = `container ${ci} ('${y.name}')`;
    if (x.model !== y.model) fail(`${at} is of ${y.spec.name}; member 0's is of ${x.spec.name}.`);
    if (x.num !== y.num || x.name !== y.name) fail(`${at} has ${y.num} units; member 0's ('${x.name}') has ${x.num}.`);
    if (x.solver !== y.solver) fail(`${at} has the rule ${String(y.solver ?? 'of the network')}; member 0's has ${String(x.solver ?? 'that of the network')}.`);
    const keys = (c: Container) => [...c.connections.keys()].join(', ') || '(none)';
    if (keys(x) !== keys(y)) fail(`${at} has the inputs ${keys(y)} connected; member 0's has ${keys(x)}.`);
    for (const [key, sx] of x.connections) {
      const sy = y.connections.get(key)!;
      if (sx.length !== sy.length) fail(`${at}.${key} sums ${sy.length} sources; member 0's sums ${sx.length}.`);
      sx.forEach((s, k) => same(s, sy[k], `${at}.${key} source ${k}`));
    }
    const records = (c: Container) => JSON.stringify([...c.records].map(([v, o]) => [v, o.rate, o.mode, o.keep, o.initial, o.reduce, o.units?.length ?? null]).concat([[c.recordsSpikes, c.keepsSpikes]]));
    if (records(x) !== records(y)) fail(`${at} records ${records(y)}; member 0's records ${records(x)} (variable, rate, mode, keep, initial, reduce, units; spikes).`);
  });
  a.projections.forEach((p, pi) => {
    const q = m.projections[pi];
    const at = `projection ${pi} ('${q.name}')`;
    if (p.model !== q.model || p.name !== q.name) fail(`${at} is of ${q.ir.model}; member 0's ('${p.name}') is of ${p.ir.model}.`);
    if (a.containers.indexOf(p.source) !== m.containers.indexOf(q.source) || a.containers.indexOf(p.target) !== m.containers.indexOf(q.target)) fail(`${at} joins '${q.source.name}' to '${q.target.name}'; member 0's joins '${p.source.name}' to '${p.target.name}'.`);
  });
}
