/**
 * The interpreter: evaluates the IR statement by statement, with no code
 * generation. Slow, but it works everywhere and is the reference every other
 * back end is checked against.
 */
import { BackendError } from '../../errors.js';
import type { ExprIR, OpName, StmtIR } from '../../ir/types.js';
import type { NetworkPlan, OperatorPlan, TermPlan } from '../../plan/types.js';
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
 * @throws {@link BackendError} (code `invalid-plan`) when it reads a name the environment does not hold
 */
export function evaluate(e: ExprIR, env: Map<string, number>): number {
  if (e.k === 'num') return e.v;
  if (e.k === 'ref') {
    const v = env.get(e.name);
    if (v === undefined) throw new BackendError('interpreter', `'${e.name}' is read but not defined.`, 'This is a bug in the IR or the network plan.', { code: 'invalid-plan' });
    return v;
  }
  if (e.op === 'select') return evaluate(e.args[0], env) !== 0 ? evaluate(e.args[1], env) : evaluate(e.args[2], env);
  return FN[e.op]!(...e.args.map((a) => evaluate(a, env)));
}

/** Runs a block with simultaneous semantics: sets take effect at its end. */
export function execute(stmts: StmtIR[], env: Map<string, number>, round: (x: number) => number): void {
  const sets: [string, number][] = [];
  for (const s of stmts) {
    const v = evaluate(s.expr, env);
    if (s.kind === 'let') env.set(s.name, v);
    else sets.push([s.name, v]);
  }
  for (const [n, v] of sets) env.set(n, round(v));
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
    if (o.kind === 'dot') for (let j = 0; j < n; j++) s += B[o.matrix!][r * n + j] * src(j);
    if (o.kind === 'repeat') s = src(Math.floor(r / o.block!));
    out[r] = o.kind === 'mean' ? s / n : o.kind === 'blockmean' ? s / o.block! : s;
  }
}

/** Interprets the plan directly (step by step, unit by unit). */
export const interpreterBackend: Backend = {
  name: 'interpreter',
  capabilities: { fusion: false, unitStepsPerBlock: 2e6, maxBlockSteps: Infinity, streamBytesPerBlock: 64e6, dtypes: ['float64', 'float32'], elements: ['float'], device: false },
  status: () => ({ ok: true }),
  async compile(plan: NetworkPlan): Promise<Program> {
    const round = plan.dtype === 'float32' ? Math.fround : (x: number) => x;
    return {
      backend: 'interpreter',
      source: '',
      async run(B, { k0, steps, dt }) {
        const env = new Map<string, number>();
        for (let k = k0; k < k0 + steps; k++) {
          for (const c of plan.containers) {
            for (const o of c.operators) applyOperator(o, B, k - k0);
            env.set('dt', dt * c.ir.timeScale);
            for (let i = 0; i < c.num; i++) {
              for (const [name, b] of Object.entries(c.buffers)) env.set(name, B[b][i]);
              for (const [name, terms] of Object.entries(c.inputs)) {
                const v = terms.reduce((s, t) => s + termValue(t, B, i, k - k0), 0);
                env.set(name, v);
                B[c.buffers[name]][i] = v;
              }
              execute(c.ir.update, env, round);
              execute(c.ir.post, env, round);
              for (const s of c.ir.states) B[c.buffers[s.name]][i] = env.get(s.name)!;
              for (const r of c.records) {
                const v = B[r.source][i];
                if (r.mode === 'sum') B[r.out][i] += v;
                else if (k % r.rate === 0) B[r.out][(Math.floor(k / r.rate) - Math.ceil(k0 / r.rate)) * c.num + i] = v;
              }
            }
          }
        }
      },
    };
  },
};
