/**
 * The interpreter: evaluates the IR statement by statement, with no code
 * generation. Slow, but it works everywhere and is the reference every other
 * back end is checked against. It walks the same kernel skeleton as the
 * renderers (lib/backends/kernel.ts), with a target that evaluates instead of
 * writing source.
 */
import { BackendError } from '../../errors.js';
import { DT, isDraw, TIME, type ExprIR, type OpName, type StmtIR } from '../../ir/types.js';
import { RANDOM, STREAMS } from '../../random/philox.js';
import { memberOf, NUMBERS, SCALARS, blockScalars, firstRow, projectionScalar, scalarIndex, traceIndex, windowStarts, writesRow } from '../../plan/layout.js';
import { LASTSPIKE } from '../../model/read.js';
import { refsOf } from '../../ir/build.js';
import type { NetworkPlan, OperatorPlan, RecordPlan, TermPlan } from '../../plan/types.js';
import { arrayKernel, synapseEvent, synapseOperand, type KernelTarget, type Operand, type SynapseEvent } from '../kernel.js';
import type { Backend, BufferArray, Program } from '../types.js';

const FN: Partial<Record<OpName, (...a: number[]) => number>> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b, pow: Math.pow, neg: (a) => -a,
  lt: (a, b) => +(a < b), le: (a, b) => +(a <= b), gt: (a, b) => +(a > b), ge: (a, b) => +(a >= b),
  eq: (a, b) => +(a === b), ne: (a, b) => +(a !== b), and: (a, b) => +(a !== 0 && b !== 0), or: (a, b) => +(a !== 0 || b !== 0), not: (a) => +(a === 0),
  abs: Math.abs, exp: Math.exp, expm1: Math.expm1, log: Math.log, sqrt: Math.sqrt, cbrt: Math.cbrt,
  min: (a, b) => (b < a ? b : a), max: (a, b) => (b > a ? b : a),
  sin: Math.sin, cos: Math.cos, tan: Math.tan, tanh: Math.tanh, cosh: Math.cosh, sinh: Math.sinh,
  floor: Math.floor, ceil: Math.ceil, sign: (a) => +(a > 0) - +(a < 0),
};

/**
 * Evaluates one expression in an environment of named values.
 * @param draw - the value of a random draw `rand(d)` / `randn(d)` (none: a draw is refused)
 * @throws {@link BackendError} (code `invalid-plan`) when it reads a name the environment does not hold, or meets a draw without `draw`
 */
export function evaluate(e: ExprIR, env: Map<string, number>, draw?: (kind: 'rand' | 'randn', d: number) => number): number {
  if (e.k === 'num') return e.v;
  if (isDraw(e)) {
    if (!draw) throw new BackendError('interpreter', 'a random draw is evaluated where none is expected.', 'This is a bug in the IR: draws are the whole expression of a let.', { code: 'invalid-plan' });
    return draw(e.op, e.args[0].v);
  }
  if (e.k === 'ref') {
    const v = env.get(e.name);
    if (v === undefined) throw new BackendError('interpreter', `'${e.name}' is read but not defined.`, 'This is a bug in the IR or the network plan.', { code: 'invalid-plan' });
    return v;
  }
  if (e.op === 'select') return evaluate(e.args[0], env, draw) !== 0 ? evaluate(e.args[1], env, draw) : evaluate(e.args[2], env, draw);
  return FN[e.op]!(...e.args.map((a) => evaluate(a, env, draw)));
}

function termValue(t: TermPlan, B: BufferArray[], i: number, kk: number): number {
  if (t.kind === 'const') return t.value;
  const at = t.num === 1 ? 0 : i;
  return t.kind === 'stream' ? B[t.buffer][kk * t.num + at] : B[t.buffer][at];
}

function applyOperator(o: OperatorPlan, B: BufferArray[], kk: number): void {
  const n = o.source.num;
  const src = (j: number) => termValue(o.source, B, j, kk);
  const out = B[o.out];
  for (let r = 0; r < o.size; r++) {
    let s = 0;
    if (o.kind === 'sum' || o.kind === 'mean') for (let j = 0; j < n; j++) s += src(j);
    if (o.kind === 'blocksum' || o.kind === 'blockmean') for (let j = r * o.block!; j < (r + 1) * o.block!; j++) s += src(j);
    if (o.kind === 'dot') {
      // A batch's dot: member ⌊r / rows⌋'s matrix times that member's values.
      const cols = n / (o.members ?? 1);
      const base = Math.floor(r / (o.size / (o.members ?? 1))) * cols;
      for (let j = 0; j < cols; j++) s += B[o.matrix!][r * cols + j] * src(base + j);
    }
    if (o.kind === 'repeat') s = src(Math.floor(r / o.block!));
    out[r] = o.kind === 'mean' ? s / n : o.kind === 'blockmean' ? s / o.block! : s;
  }
}

/** Where a run is: the buffers, the block's scalars, the step, the unit, and each container's named values. */
interface Frame {
  B: BufferArray[];
  /** The block's scalars (lib/plan/layout.ts). */
  S: Float64Array;
  k: number;
  i: number;
  /** For each container: its locals by IR name (`dt` included). */
  env: Map<string, number>[];
  /** For each container: the new values of the block's sets. */
  next: Map<string, number>[];
}

type Action = (f: Frame) => void;

/**
 * The kernel skeleton as actions: every call of the skeleton adds an action
 * to the current list, a loop runs the list it gathered for each step or
 * unit. Array mode only (the interpreter does not fuse).
 */
class EvaluateTarget implements KernelTarget {
  private list: Action[] = [];

  constructor(private readonly plan: NetworkPlan, readonly round: (x: number) => number) {}

  /** The actions gathered by `build`. */
  gather(build: () => void): Action[] {
    const outer = this.list;
    this.list = [];
    build();
    const inner = this.list;
    this.list = outer;
    return inner;
  }

  private add(a: Action): void {
    this.list.push(a);
  }

  phase(): void {}

  comment(): void {}

  load(ci: number, name: string, buffer: number): void {
    this.add((f) => { f.env[ci].set(name, f.B[buffer][f.i]); });
  }

  input(ci: number, name: string, operands: readonly Operand[]): void {
    const terms = operands.map((o): TermPlan => {
      if (o.kind === 'local') throw new BackendError('interpreter', 'an input reads another container\'s local, which only a fused kernel has.', 'This is a bug in the interpreter.', { code: 'invalid-plan' });
      return o;
    });
    this.add((f) => {
      const kk = f.k - f.S[SCALARS.k0];
      f.env[ci].set(name, terms.reduce((s, t) => s + termValue(t, f.B, f.i, kk), 0));
    });
  }

  open(): void {}

  close(): void {}

  let(ci: number, stmt: StmtIR): void {
    const e = stmt.expr;
    if (isDraw(e)) {
      const draw = e.op === 'rand' ? RANDOM.u : RANDOM.n;
      const d = e.args[0].v;
      const member = memberOf(this.plan, ci);
      if (member) {
        const { seeds, units } = member;
        this.add((f) => { f.env[ci].set(stmt.name, draw(f.B[seeds][f.i] >>> 0, STREAMS.run, ci, f.B[units][f.i], f.k, d)); });
      } else this.add((f) => { f.env[ci].set(stmt.name, draw(f.S[SCALARS.seed], STREAMS.run, ci, f.i, f.k, d)); });
      return;
    }
    this.add((f) => { f.env[ci].set(stmt.name, evaluate(stmt.expr, f.env[ci])); });
  }

  next(ci: number, stmt: StmtIR): void {
    this.add((f) => { f.next[ci].set(stmt.name, evaluate(stmt.expr, f.env[ci])); });
  }

  assign(ci: number, name: string): void {
    const round = this.round;
    this.add((f) => { f.env[ci].set(name, round(f.next[ci].get(name)!)); });
  }

  store(ci: number, name: string, buffer: number): void {
    this.add((f) => { f.B[buffer][f.i] = f.env[ci].get(name)!; });
  }

  // Recordings read the stored element (the store phase has run): the value as the dtype holds it.
  recordSum(ci: number, r: RecordPlan): void {
    this.add((f) => { f.B[r.out][f.i] += f.B[r.source][f.i]; });
  }

  recordTrace(ci: number, r: RecordPlan): void {
    const n = this.plan.containers[ci].num;
    const reduce = r.reduce;
    this.add((f) => {
      let x = f.B[r.source][f.i];
      if (reduce) {
        const acc = f.B[reduce.acc];
        if (!windowStarts(NUMBERS, f.k, r.rate)) x = reduce.kind === 'max' ? (x > acc[f.i] ? x : acc[f.i]) : acc[f.i] + x;
        acc[f.i] = x;
        x = acc[f.i];
      }
      if (writesRow(NUMBERS, f.k, r.rate)) f.B[r.out][traceIndex(NUMBERS, f.k, r.rate, firstRow(NUMBERS, f.S[SCALARS.k0], r.rate), n, f.i)] = x;
    });
  }

  time(ci: number): void {
    this.add((f) => { f.env[ci].set(TIME, f.k * f.env[ci].get(DT)!); });
  }

  recordSpike(ci: number, flag: string, out: number): void {
    this.add((f) => {
      if (f.env[ci].get(flag)! === 0) return;
      const b = f.B[out];
      const at = b[0]++;
      if (at >= b[1]) return;
      b[2 + 2 * at] = f.k - f.S[SCALARS.k0];
      b[3 + 2 * at] = f.i;
    });
  }

  steps(body: () => void): void {
    const inner = this.gather(body);
    this.add((f) => {
      const k0 = f.S[SCALARS.k0];
      for (f.k = k0; f.k < k0 + f.S[SCALARS.steps]; f.k++) for (const a of inner) a(f);
    });
  }

  units(ci: number, body: () => void): void {
    const inner = this.gather(body);
    const n = this.plan.containers[ci].num;
    this.add((f) => {
      for (f.i = 0; f.i < n; f.i++) for (const a of inner) a(f);
    });
  }

  operator(ci: number, o: OperatorPlan): void {
    this.add((f) => applyOperator(o, f.B, f.k - f.S[SCALARS.k0]));
  }

  collect(ci: number): void {
    const c = this.plan.containers[ci];
    const fired = c.fired!;
    const last = c.buffers[LASTSPIKE];
    this.add((f) => {
      const ring = f.B[fired.ring];
      const base = (f.k % fired.slots) * (c.num + 1);
      // The time as the dtype holds it, as lastspike holds it.
      const tc = this.round(f.k * f.env[ci].get(DT)!);
      let count = 0;
      const lastspike = f.B[last];
      for (let i = 0; i < c.num; i++) if (lastspike[i] === tc) ring[base + 1 + count++] = i;
      ring[base] = count;
    });
  }

  summed(pi: number): void {
    const plan = this.plan;
    const p = plan.projections![pi];
    const target = plan.containers[p.target];
    const { starts, synapses, sources } = p.columns!;
    const dtIndex = projectionScalar(plan, pi);
    // What each expression reads, where: the synapse's variables at s, x_pre at i, x_post at j.
    const reads = p.ir.summed.map((v) => [...refsOf(v.expr)].filter((n) => n !== TIME).map((n) => ({ n, ...synapseOperand(plan, p, n) })));
    this.add((f) => {
      const { B } = f;
      const env = new Map<string, number>([[TIME, f.k * f.S[dtIndex]]]);
      for (let j = 0; j < target.num; j++) {
        p.ir.summed.forEach((v, q) => {
          let acc = 0;
          for (let e = B[starts][j]; e < B[starts][j + 1]; e++) {
            const s = B[synapses][e];
            const i = B[sources][s];
            for (const r of reads[q]) env.set(r.n, B[r.buffer][pick(r.at, s, i, j)]);
            acc += evaluate(v.expr, env);
          }
          B[p.summed![q].out][j] = acc;
        });
      }
    });
  }

  deliver(pi: number): void {
    const plan = this.plan;
    const p = plan.projections![pi];
    const source = plan.containers[p.source];
    const target = plan.containers[p.target];
    const pre = p.ir.pathways.some((w) => w.on === 'pre') && source.fired ? eventAction(synapseEvent(plan, p, 'pre'), this.round) : null;
    const post = p.columns && target.fired ? eventAction(synapseEvent(plan, p, 'post'), this.round) : null;
    const dtIndex = projectionScalar(plan, pi);
    const sinceIndex = projectionScalar(plan, pi, 'since');
    this.add((f) => {
      const { B, k } = f;
      const env = new Map<string, number>([[TIME, k * f.S[dtIndex]]]);
      const rows = B[p.rows];
      const cols = B[p.cols];
      if (pre) {
        const fired = source.fired!;
        const ring = B[fired.ring];
        const run = (d: number, range: (i: number) => [number, number], entry: (e: number) => number) => {
          if (d > k) return;
          const base = ((k - d) % fired.slots) * (source.num + 1);
          for (let q = 0; q < ring[base]; q++) {
            const i = ring[base + 1 + q];
            const [lo, hi] = range(i);
            for (let e = lo; e < hi; e++) {
              const s = entry(e);
              pre(B, env, s, i, cols[s]);
            }
          }
        };
        // A spike sent at step k − d takes the delays of its time: the current ones from step `since` on.
        const since = f.S[sinceIndex];
        const delay = p.delay;
        if (delay.kind === 'uniform') {
          const now = B[delay.steps][0];
          const before = B[delay.before][0];
          if (now <= k && k - now >= since) run(now, (i) => [rows[i], rows[i + 1]], (e) => e);
          if (before <= k && k - before < since) run(before, (i) => [rows[i], rows[i + 1]], (e) => e);
        } else {
          for (let d = 0; d <= p.maxDelay; d++) {
            const fresh = k - d >= since;
            const order = B[fresh ? delay.order : delay.beforeOrder];
            const steps = B[fresh ? delay.steps : delay.beforeSteps];
            run(d, (i) => {
              let lo = rows[i];
              let hi = rows[i + 1];
              while (lo < hi && steps[lo] < d) lo++;
              hi = lo;
              while (hi < rows[i + 1] && steps[hi] === d) hi++;
              return [lo, hi];
            }, (e) => order[e]);
          }
        }
      }
      if (post) {
        const { starts, synapses, sources } = p.columns!;
        const fired = target.fired!;
        const ring = B[fired.ring];
        const base = (k % fired.slots) * (target.num + 1);
        for (let q = 0; q < ring[base]; q++) {
          const j = ring[base + 1 + q];
          for (let e = B[starts][j]; e < B[starts][j + 1]; e++) {
            const s = B[synapses][e];
            post(B, env, s, B[sources][s], j);
          }
        }
      }
    });
  }
}

/** One synapse event, evaluated: loads, blocks of simultaneous sets, stores (see `synapseEvent`). */
function eventAction(ev: SynapseEvent, round: (x: number) => number): (B: BufferArray[], env: Map<string, number>, s: number, i: number, j: number) => void {
  return (B, env, s, i, j) => {
    for (const l of ev.loads) env.set(l.name, B[l.buffer][pick(l.at, s, i, j)]);
    for (const stmts of ev.blocks) {
      const next = new Map<string, number>();
      for (const st of stmts) {
        if (st.kind === 'let') env.set(st.name, evaluate(st.expr, env));
        else next.set(st.name, evaluate(st.expr, env));
      }
      for (const [n, v] of next) env.set(n, round(v));
    }
    for (const w of ev.stores) B[w.buffer][pick(w.at, s, i, j)] = env.get(w.name)!;
  };
}

/** The index a synapse's operand is read at: the synapse `s`, its source `i` or its target `j`. */
function pick(at: 's' | 'i' | 'j', s: number, i: number, j: number): number {
  return at === 's' ? s : at === 'i' ? i : j;
}

/** Interprets the plan directly (step by step, unit by unit), walking the kernel skeleton's phases. */
export const interpreterBackend: Backend = {
  name: 'interpreter',
  capabilities: { fusion: false, unitStepsPerBlock: 2e6, maxBlockSteps: Infinity, streamBytesPerBlock: 64e6, dtypes: ['float64', 'float32'], elements: ['float', 'int32'], device: false, synapses: true, gather: 0 },
  status: () => ({ ok: true }),
  async compile(plan: NetworkPlan): Promise<Program> {
    const target = new EvaluateTarget(plan, plan.dtype === 'float32' ? Math.fround : (x: number) => x);
    const actions = target.gather(() => arrayKernel(target, plan));
    return {
      backend: 'interpreter',
      source: '',
      async run(B, args) {
        const S = blockScalars(plan, args);
        const env = plan.containers.map((_, ci) => new Map([[DT, S[scalarIndex(ci, 'dt')]]]));
        const frame: Frame = { B, S, k: 0, i: 0, env, next: plan.containers.map(() => new Map()) };
        for (const a of actions) a(frame);
      },
    };
  },
};
