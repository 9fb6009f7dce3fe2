/**
 * `Network`: containers of models, input streams, wiring, recordings, and the
 * run loop. It owns every array and hands them to the chosen back end.
 */
import { freemem } from 'node:os';
import { SingleBar, Presets } from 'cli-progress';
import { backends } from '../backends/index.js';
import { alignedArray } from '../backends/native/binding.js';
import type { Backend, BackendName, FloatArray, Program } from '../backends/types.js';
import { InputDataError, NetworkWiringError, NumericalError, RunAbortedError } from '../errors.js';
import { Model } from '../model/model.js';
import type { ModelClass } from '../model/read.js';
import { lowerModel, SOLVERS, type SolverOption } from '../solvers/index.js';
import { inspect } from '../symbolic/inspect.js';
import { Container, type AddOptions } from './container.js';
import { Input } from './input.js';
import { Operator, VarRef } from './operators.js';
import type { BufferPlan, ContainerPlan, Dtype, NetworkPlan, OperatorPlan, TermPlan } from './plan.js';
import { Recording } from './recorder.js';

/** Options of {@link Network.compile}. */
export interface CompileOptions {
  /** 'auto' takes cuda where it works, else cpu, else js. */
  backend?: BackendName | 'auto';
  dtype?: Dtype;
  /** 'auto' (per state, as inspect shows) or one rule for every state. */
  solver?: SolverOption;
  /**
   * cpu and cuda: compile with -ffast-math / --use_fast_math. Faster, but NaN
   * and infinity are no longer handled exactly and results differ in the last
   * bits from the other back ends. Default false.
   */
  fastMath?: boolean;
}

/** Options of {@link Network.run}. */
export interface RunOptions {
  /** Steps to run; default: the length of the input data. */
  steps?: number;
  /** Show a progress bar (on a terminal). */
  verbose?: boolean;
  /** Stop at the first NaN or infinity in a state, naming container, variable, unit and step. */
  checkFinite?: boolean;
  /** Stops the run between blocks; recordings up to the last completed step are kept. */
  signal?: AbortSignal;
  /** Steps per block handed to the back end at once (default: chosen from the network size). */
  blockSteps?: number;
}

/** What a run did. */
export interface RunResult {
  steps: number;
  backend: BackendName;
  seconds: number;
}

type Compiled = { plan: NetworkPlan; program: Program; buffers: FloatArray[]; key: string };

/** A network of containers and inputs. */
export class Network {
  readonly containers: Container[] = [];
  readonly inputs: Input[] = [];
  private options: Required<CompileOptions> | null = null;
  private backend: Backend | null = null;
  private compiled: Compiled | null = null;
  /** Steps run since the last reset. */
  step = 0;
  /** The back end compile chose, and why when 'auto' chose. */
  chosen: { backend: BackendName; reason: string } | null = null;

  /**
   * Adds `num` input streams.
   * @throws {@link InputDataError} when num is not a positive integer or the name is taken
   */
  input({ name, num = 1 }: { name?: string; num?: number } = {}): Input {
    const n = name ?? `input${this.inputs.length}`;
    checkCount(`input '${n}'`, 'num', num);
    this.checkName(n);
    const inp = new Input(n, num);
    this.inputs.push(inp);
    return inp;
  }

  /**
   * Adds a container of `num` units of a model.
   * @param model - a model class, or an instance whose values become the defaults
   * @throws {@link InputDataError} for a bad num, name or value
   */
  add(model: ModelClass | Model, options: AddOptions = {}): Container {
    const instance = model instanceof Model ? model : undefined;
    const ctor = (instance ? instance.constructor : model) as ModelClass;
    if (typeof ctor !== 'function' || !(ctor.prototype instanceof Model)) {
      throw new NetworkWiringError('Network.add', `${String(model)} is not a model class or instance.`, 'Pass a class that extends Model, e.g. nn.add(IAF, { num: 10 }).');
    }
    const num = options.num ?? 1;
    // The default name is the class name and an index, or only an index when the class name is not one plain word.
    const name = options.name ?? `${/^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/.test(ctor.name) ? ctor.name : 'container'}${this.containers.length}`;
    checkCount(`container '${name}'`, 'num', num);
    this.checkName(name);
    if (options.solver !== undefined && !SOLVERS.includes(options.solver)) {
      throw new InputDataError(`container '${name}'`, `solver '${String(options.solver)}' is unknown.`, `Use one of: ${SOLVERS.join(', ')}.`);
    }
    const c = new Container(ctor, name, num, options, instance);
    c.current = (v) => this.current(c, v);
    c.changed = (v) => this.copyValue(c, v);
    this.containers.push(c);
    return c;
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
   * Checks the wiring, lowers every model and compiles the network for a back end.
   * @throws {@link BackendError} when the back end asked for is unavailable
   * @throws {@link NetworkWiringError} when a source is not part of this network
   */
  async compile(options: CompileOptions = {}): Promise<this> {
    const dtype = options.dtype ?? 'float64';
    if (dtype !== 'float64' && dtype !== 'float32') throw new InputDataError('compile', `dtype '${String(dtype)}' is unknown.`, "Use 'float64' or 'float32'.");
    const solver = options.solver ?? 'auto';
    if (!SOLVERS.includes(solver)) throw new InputDataError('compile', `solver '${String(solver)}' is unknown.`, `Use one of: ${SOLVERS.join(', ')}.`);
    const backend = backends.pick(options.backend ?? 'auto');
    this.options = { backend: options.backend ?? 'auto', dtype, solver, fastMath: options.fastMath === true };
    this.backend = backend;
    this.chosen = { backend: backend.name, reason: options.backend && options.backend !== 'auto' ? 'asked for' : this.autoReason(backend.name) };
    await this.prepare();
    return this;
  }

  private autoReason(name: BackendName): string {
    const st = backends.status();
    const skipped = backends.order.slice(0, backends.order.indexOf(name)).map((n) => `${n}: ${st[n].reason}`);
    return skipped.length ? `auto chose ${name} (${skipped.join('; ')})` : `auto chose ${name}`;
  }

  /** The generated source of the compiled network (empty for the interpreter). */
  get source(): string {
    return this.compiled?.program.source ?? '';
  }

  /** Builds the plan (records included) and compiles it if it changed. */
  private async prepare(): Promise<Compiled> {
    if (!this.options || !this.backend) {
      throw new NetworkWiringError('Network.run', 'the network is not compiled.', 'Call await network.compile() before run().');
    }
    const plan = { ...this.plan(this.options.dtype, this.options.solver), ...(this.options.fastMath ? { fastMath: true } : {}) };
    const key = `${this.backend.name} ${JSON.stringify(plan)}`;
    if (this.compiled?.key === key) return this.compiled;
    const old = this.compiled;
    // Carry the current state over to the new program (e.g. another back end).
    await old?.program.download?.(old.buffers);
    const program = await this.backend.compile(plan);
    const buffers = plan.buffers.map((b) => alignedArray(plan.dtype, b.kind === 'stream' || b.kind === 'record' ? 0 : b.length));
    // Container values: from the previous compile when there was one, else the initial values.
    plan.containers.forEach((cp, ci) => {
      for (const [name, b] of Object.entries(cp.buffers)) {
        const prev = old && this.bufferOf(old, ci, name);
        buffers[b].set(prev ?? this.containers[ci].values.get(name)!);
      }
      for (const o of cp.operators) if (o.matrix !== undefined) buffers[o.matrix].set(this.matrices.get(o.matrix)!);
    });
    old?.program.dispose?.();
    this.compiled = { plan, program, buffers, key };
    await program.upload?.(buffers);
    return this.compiled;
  }

  private bufferOf(c: Compiled, ci: number, name: string): FloatArray | undefined {
    const b = c.plan.containers[ci]?.buffers[name];
    return b === undefined ? undefined : c.buffers[b];
  }

  private readonly matrices = new Map<number, Float64Array>();
  private readonly streamOf = new Map<number, Input>();

  /** The plan of this network for a dtype and solver. */
  plan(dtype: Dtype = 'float64', solver: SolverOption = 'auto'): NetworkPlan {
    const buffers: BufferPlan[] = [];
    const add = (b: BufferPlan) => buffers.push(b) - 1;
    this.matrices.clear();
    const streams = new Map<Input, number>();
    this.streamOf.clear();
    for (const inp of this.inputs) {
      const b = add({ name: `input ${inp.name}`, kind: 'stream', length: inp.num });
      streams.set(inp, b);
      this.streamOf.set(b, inp);
    }
    const containerBuffers = this.containers.map((c) => Object.fromEntries(c.variables.map((v) => [v, add({ name: `${c.name}.${v}`, kind: c.spec.states.some((s) => s.name === v) ? 'state' : c.spec.params.some((p) => p.name === v) ? 'param' : 'input', length: c.num })])));
    const containers: ContainerPlan[] = this.containers.map((c, ci) => {
      const operators: OperatorPlan[] = [];
      const term = (s: Input | VarRef | Operator | number): TermPlan => {
        if (typeof s === 'number') return { kind: 'const', value: s };
        if (s instanceof Input) {
          const b = streams.get(s);
          if (b === undefined) throw new NetworkWiringError(`${c.name}.connect`, `input '${s.name}' belongs to another network.`, 'Create the input with this network: nn.input(...).');
          return { kind: 'stream', buffer: b, num: s.num };
        }
        if (s instanceof VarRef) {
          const k = this.containers.indexOf(s.container);
          if (k < 0) throw new NetworkWiringError(`${c.name}.connect`, `${s.label} belongs to another network.`, 'Connect containers of the same network.');
          return { kind: 'var', buffer: containerBuffers[k][s.variable], num: s.num };
        }
        const source = term(s.source) as OperatorPlan['source'];
        const out = add({ name: `${c.name}: ${s.label}`, kind: 'op', length: s.num });
        const op: OperatorPlan = { kind: s.kind, source, out, size: s.num };
        if (s.block !== undefined) op.block = s.block;
        if (s.matrix) {
          op.matrix = add({ name: `${c.name}: matrix of ${s.label}`, kind: 'matrix', length: s.matrix.length });
          this.matrices.set(op.matrix, s.matrix);
        }
        operators.push(op);
        return { kind: 'op', buffer: out, num: s.num };
      };
      const inputs = Object.fromEntries([...c.connections].map(([k, sources]) => [k, sources.map(term)]));
      const records = [...c.records].map(([variable, o]) => ({
        variable, source: containerBuffers[ci][variable], rate: o.rate, mode: o.mode,
        out: add({ name: `record ${c.name}.${variable}`, kind: 'record', length: c.num }),
      }));
      const ir = lowerModel(inspect(c.model), c.solver ?? solver);
      return { name: c.name, num: c.num, ir, buffers: containerBuffers[ci], inputs, operators, records };
    });
    const n0 = containers[0]?.num;
    const fusable = containers.every((c) => c.num === n0 && c.operators.length === 0 && Object.values(c.inputs).flat().every((t) => t.kind === 'const' || t.num === n0));
    return { dtype, buffers, containers, fusable };
  }

  /**
   * Runs the network for `steps` steps of `dt` seconds, continuing from where
   * the last run stopped. Recordings are appended.
   * @throws {@link InputDataError} for a bad dt or steps, or input data that is too short
   * @throws {@link NumericalError} with checkFinite, at the first NaN or infinity
   * @throws {@link RunAbortedError} when the signal aborts (recordings kept)
   */
  async run(dt: number, options: RunOptions = {}): Promise<RunResult> {
    if (typeof dt !== 'number' || !Number.isFinite(dt) || dt <= 0) {
      throw new InputDataError('Network.run', `dt = ${String(dt)} is not a positive finite number of seconds.`, 'Pass the time step in seconds, e.g. run(1e-4).');
    }
    const c = await this.prepare();
    const { plan, program, buffers } = c;
    const steps = options.steps ?? this.defaultSteps();
    checkCount('Network.run', 'steps', steps);
    for (const inp of this.inputs) {
      if (inp.steps < steps) {
        throw new InputDataError(`input '${inp.name}'`, `has ${inp.steps} steps of data but the run needs ${steps}.`, `Give at least ${steps} rows, or run({ steps: ${inp.steps} }).`);
      }
    }
    const bytes = elementBytes(plan.dtype);
    const needed = plan.containers.reduce((s, cp) => s + cp.records.reduce((t, r) => t + (r.mode === 'sum' ? cp.num : Math.ceil(steps / r.rate) * cp.num) * (bytes + 8), 0), 0);
    const free = freemem();
    if (needed > 0.8 * free) {
      throw new InputDataError('Network.run', `the recordings need ${needed.toLocaleString('en')} bytes and ${free.toLocaleString('en')} are free.`, "Record fewer variables, keep every k-th step with record(..., { rate: k }), count spikes with { mode: 'sum' }, or run in shorter pieces.");
    }
    // Trace rows are the network steps that are multiples of rate, counted
    // from the first run, so that continued runs append evenly spaced rows.
    const s0 = this.step;
    const rowsBefore = (k: number, rate: number) => Math.ceil((s0 + k) / rate) - Math.ceil(s0 / rate);
    const recs = plan.containers.flatMap((cp) => cp.records.map((r) => ({ r, cp, data: alignedArray(plan.dtype, r.mode === 'sum' ? cp.num : rowsBefore(steps, r.rate) * cp.num) })));
    const unitSteps = Math.max(1, plan.containers.reduce((s, cp) => s + cp.num, 0));
    const block = options.blockSteps ?? defaultBlock(program.backend, steps, unitSteps, plan.buffers.reduce((s, b) => s + (b.kind === 'stream' ? b.length : 0), 0) * bytes);
    checkCount('Network.run', 'blockSteps', block);
    const bar = options.verbose ? new SingleBar({ format: `{bar} {percentage}% | step {value}/{total} | {eta_formatted} left | ${program.backend}`, hideCursor: true, noTTYOutput: false }, Presets.shades_classic) : null;
    bar?.start(steps, 0);
    const t0 = performance.now();
    let done = 0;
    const keep = (k: number) => {
      for (const { r, cp, data } of recs) {
        const rows = r.mode === 'sum' ? 1 : rowsBefore(k, r.rate);
        const rec = new Recording(r.variable, data.subarray(0, rows * cp.num), cp.num, r.mode === 'sum' ? k : r.rate, dt, r.mode);
        const container = this.containers[plan.containers.indexOf(cp)];
        container.recorder.put(append(container.recorder.names().includes(r.variable) ? container.recorder.get(r.variable) : null, rec));
      }
      this.step += k;
    };
    try {
      while (done < steps) {
        if (options.signal?.aborted) throw new RunAbortedError('Network.run', done);
        const n = Math.min(block, steps - done);
        const view = buffers.slice();
        for (const [b, inp] of this.streamOf) view[b] = inp.block(done, n, plan.dtype);
        for (const { r, cp, data } of recs) view[r.out] = r.mode === 'sum' ? data : data.subarray(rowsBefore(done, r.rate) * cp.num);
        const snapshot = options.checkFinite ? { buffers: buffers.map((b) => b.slice()), sums: recs.map(({ r, data }) => (r.mode === 'sum' ? data.slice() : null)) } : null;
        await program.run(view, { k0: s0 + done, steps: n, dt });
        if (snapshot) {
          await program.download?.(buffers);
          const bad = this.firstNonFinite(plan, buffers);
          if (bad) {
            // Replay the block one step at a time from the snapshot to find the exact step.
            buffers.forEach((b, i) => b.set(snapshot.buffers[i]));
            recs.forEach(({ data }, i) => snapshot.sums[i] && data.set(snapshot.sums[i]!));
            await program.upload?.(buffers);
            let k = done;
            for (; k < done + n; k++) {
              const one = view.slice();
              plan.buffers.forEach((b, i) => { if (b.kind === 'stream') one[i] = view[i].subarray((k - done) * b.length, (k - done + 1) * b.length); });
              for (const { r, cp, data } of recs) if (r.mode === 'trace') one[r.out] = data.subarray(rowsBefore(k, r.rate) * cp.num);
              // What the failing step would change, to put it back: the state
              // and recordings then agree (both end before that step).
              const before = plan.buffers.map((b, i) => (b.kind === 'state' || b.kind === 'input' ? buffers[i].slice() : null));
              const sums = recs.map(({ r, data }) => (r.mode === 'sum' ? data.slice() : null));
              await program.run(one, { k0: s0 + k, steps: 1, dt });
              await program.download?.(buffers);
              const hit = this.firstNonFinite(plan, buffers);
              if (hit) {
                before.forEach((b, i) => b && buffers[i].set(b));
                recs.forEach(({ data }, i) => sums[i] && data.set(sums[i]!));
                await program.upload?.(buffers);
                keep(k);
                bar?.stop();
                const step = s0 + k;
                throw new NumericalError(`${hit.container}#${hit.variable} unit ${hit.unit} step ${step}`, `became ${hit.value} (checkFinite).`, `Recordings up to step ${step - 1} are kept and the network is left as it was after that step. Reduce dt, check parameters and inputs near step ${step}, or add bounds to the state.`, { ...hit, step });
              }
            }
          }
        }
        done += n;
        bar?.update(done);
        if (options.signal) await new Promise((r) => setImmediate(r));
      }
      await program.download?.(buffers);
    } catch (error) {
      bar?.stop();
      if (error instanceof NumericalError) throw error;
      await program.download?.(buffers).catch(() => undefined);
      keep(done);
      if (error instanceof RunAbortedError) throw new RunAbortedError('Network.run', done);
      throw error;
    }
    bar?.stop();
    keep(steps);
    return { steps, backend: program.backend, seconds: (performance.now() - t0) / 1e3 };
  }

  private firstNonFinite(plan: NetworkPlan, buffers: FloatArray[]) {
    for (const cp of plan.containers) {
      for (const s of cp.ir.states) {
        const a = buffers[cp.buffers[s.name]];
        for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return { container: cp.name, variable: s.name, unit: i, value: a[i] };
      }
    }
    return null;
  }

  private defaultSteps(): number {
    const finite = this.inputs.map((i) => i.steps).filter(Number.isFinite);
    if (!finite.length) throw new InputDataError('Network.run', 'the number of steps is not known: no input holds data of a fixed length.', 'Pass run(dt, { steps }).');
    return Math.min(...finite);
  }

  /** The current values of a container's variable (float64 copy). */
  private current(c: Container, variable: string): Float64Array {
    const ci = this.containers.indexOf(c);
    const b = this.compiled && this.bufferOf(this.compiled, ci, variable);
    return Float64Array.from(b ?? c.values.get(variable)!);
  }

  private copyValue(c: Container, variable: string): void {
    const ci = this.containers.indexOf(c);
    const b = this.compiled && this.bufferOf(this.compiled, ci, variable);
    if (b) {
      b.set(c.values.get(variable)!);
      void this.compiled!.program.upload?.(this.compiled!.buffers);
    }
  }

  /** Restores initial states, clears recordings and the step count. Parameters keep their values. */
  async reset(): Promise<void> {
    this.step = 0;
    for (const c of this.containers) c.recorder.clear();
    if (!this.compiled) return;
    const { plan, buffers, program } = this.compiled;
    plan.containers.forEach((cp, ci) => {
      for (const [name, b] of Object.entries(cp.buffers)) buffers[b].set(this.containers[ci].values.get(name)!);
    });
    await program.upload?.(buffers);
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

function checkCount(where: string, what: string, n: unknown): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new InputDataError(where, `${what} = ${String(n)} is not a positive integer.`, `Give ${what} as a whole number of at least 1.`);
  }
}

const elementBytes = (d: Dtype) => (d === 'float64' ? 8 : 4);

/**
 * Steps per block when the caller does not say: about a fifth of a second of
 * work on the compiled back ends (unit-steps per block: js and interpreter
 * 2e6, cpu 2e7, cuda 2e9 and at most 10,000 steps), so that progress, abort
 * and checkFinite stay responsive while per-block costs stay small; on the
 * host, no more than 64 MB of input data per block.
 */
export function defaultBlock(backend: BackendName, steps: number, unitSteps: number, streamBytesPerStep: number): number {
  const work = backend === 'cuda' ? 2e9 : backend === 'cpu' ? 2e7 : 2e6;
  let block = Math.min(steps, Math.ceil(work / unitSteps), backend === 'cuda' ? 10000 : steps);
  if (backend !== 'cuda' && streamBytesPerStep > 0) block = Math.min(block, Math.floor(64e6 / streamBytesPerStep));
  return Math.max(1, block);
}

function append(prev: Recording | null, next: Recording): Recording {
  if (!prev || prev.mode !== next.mode || prev.rate !== next.rate && next.mode === 'trace') return next;
  if (next.mode === 'sum') {
    const data = new Float64Array(prev.data.length);
    for (let i = 0; i < data.length; i++) data[i] = prev.data[i] + next.data[i];
    return new Recording(next.variable, data, next.shape[1], prev.rate + next.rate, next.dt, 'sum');
  }
  const data = new Float64Array(prev.data.length + next.data.length);
  data.set(prev.data);
  data.set(next.data, prev.data.length);
  return new Recording(next.variable, data, next.shape[1], next.rate, next.dt);
}

