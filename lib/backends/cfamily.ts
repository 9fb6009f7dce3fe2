/**
 * C and CUDA C from a network plan: one emitter, two loop structures.
 *
 * - `cpu`: units in chunks that stay in cache; for each chunk, every step of
 *   the block, every container in order, a vectorisable loop over the chunk
 *   (state read from and written to its arrays). Chunks run on all cores.
 * - `cuda`: one thread per unit keeps its state in registers through all the
 *   steps of the block (only for fusable plans: one-to-one wiring).
 *
 * Both read the scalars of a block `[k0, steps, seed, num_0, dt_0, …]`
 * (lib/plan/layout.ts) and the buffers. The per-unit body is the shared
 * kernel skeleton (lib/backends/kernel.ts) written in C.
 */
import { isDraw, statementsOf, type ExprIR, type OpName } from '../ir/types.js';
import { SCALARS, projectionScalar, scalarIndex, type IntegerSyntax } from '../plan/layout.js';
import type { ContainerPlan, NetworkPlan } from '../plan/types.js';
import { bufferLabels, checkPlan, containerLabel, literalNumber, integer, type Dialect } from './dialect.js';
import { SourceTarget, arrayKernel, hoist, registerKernel, unitStep, type SourceSyntax } from './kernel.js';
import { RANDOM_C } from './random.js';
import { STREAMS } from '../random/philox.js';
import type { LoopStyle } from './operators.js';

const MATH: Partial<Record<OpName, string>> = { abs: 'fabs' };

/** C / CUDA C for one dtype: `exp` or `expf`, literals with or without `f`. */
export function cDialect(f32: boolean): Dialect {
  return {
    num: (v) => {
      if (Number.isNaN(literalNumber(v))) return '(0.0/0.0)';
      if (!Number.isFinite(v)) return v > 0 ? 'INFINITY' : '(-INFINITY)';
      let s = String(v);
      if (!/[.eE]/.test(s)) s += '.0';
      return f32 ? `${s}f` : s;
    },
    fn: (name) => `${MATH[name] ?? name}${f32 ? 'f' : ''}`,
    bool: (t) => `((real)${t})`,
  };
}

/** Functions the generated loops call that libmvec has in vector form. */
const SIMD_FUNCTIONS = ['exp', 'expm1', 'log', 'sin', 'cos', 'tan', 'tanh', 'pow', 'cbrt'];

/** Integer arithmetic on step and row numbers in C and CUDA C (int64_t, long long). */
const C_INTS: IntegerSyntax<string> = {
  int: (n) => integer(n),
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${integer(b)})`,
  ceilDiv: (a, b) => `((${a} + ${integer(b - 1)}) / ${integer(b)})`,
  multiple: (a, b) => `${a} % ${integer(b)} == 0`,
  equals: (a, n) => `${a} == ${integer(n)}`,
  or: (a, b) => `(${a} || ${b})`,
};

/** The kernel in C or CUDA C: locals of the float type `real`, conditions `int`. */
function cSyntax(f32: boolean, int: string, loops: LoopStyle, unitLoop: SourceSyntax['unitLoop'], spikes: Pick<SourceSyntax, 'spikes' | 'takePair' | 'intCast'>): SourceSyntax {
  return {
    ...spikes,
    time: (ci) => `(real)k * dt${integer(ci)}`,
    projectionTime: (pi) => `(real)k * dtp${integer(pi)}`,
    projectionSince: (pi) => `sincep${integer(pi)}`,
    intArray: `const ${int === 'int64_t' ? 'int32_t' : 'int'} *`,
    index: (mutable) => (mutable ? int : `const ${int}`),
    draw: (kind, ci, d, member) => {
      const seed = member ? `(uint32_t)b${integer(member.seeds)}[i]` : '(uint32_t)seed';
      const unit = member ? `(uint64_t)(uint32_t)b${integer(member.units)}[i]` : '(uint64_t)i';
      return `(real)neural_${kind === 'rand' ? 'uniform' : 'normal'}(${seed}, ${STREAMS.run}u, ${integer(ci)}u, ${unit}, (int64_t)k, ${integer(d)}u)`;
    },
    dialect: cDialect(f32),
    ints: C_INTS,
    real: (mutable) => (mutable ? 'real' : 'const real'),
    condition: 'const int',
    round: (text) => text,
    stepLoop: `for (${int} k = k0; k < kEnd; k++)`,
    unitLoop,
    loops,
    recordStored: true,
  };
}

/** The C source of a plan for the cpu back end: `int neural_run(void **B, const double *S)`. */
export function renderC(plan: NetworkPlan): string {
  checkPlan(plan);
  const f32 = plan.dtype === 'float32';
  // Fusable: units in chunks (a vectorised loop over the chunk for each
  // container and step); otherwise each container's units on all cores.
  // Spikes: after the vectorised loop (a fused chunk's, or a container's),
  // the units whose lastspike is the step's time are appended, in order.
  const unitLoop = plan.fusable
    ? () => ['#pragma omp simd', 'for (int64_t i = c0; i < c1; i++)']
    : (ci: number) => {
      // Chunks of units on all cores, a vectorised loop over each (a
      // `parallel for simd` over all units is not vectorised by GCC here).
      const n = `n${integer(ci)}`;
      // Threads are woken for every step: worth it when a step of the units is long enough.
      const units = integer(Math.ceil(PARALLEL_WORK / Math.max(1, unitCost(plan.containers[ci]))));
      return [`#pragma omp parallel for schedule(static) if (${n} >= ${units})`, `for (int64_t q = 0; q < ${n}; q += CHUNK)`, '#pragma omp simd', `for (int64_t i = q; i < (q + CHUNK < ${n} ? q + CHUNK : ${n}); i++)`];
    };
  // With fastMath, inner sums are vector reductions (their terms added in another order).
  const loops: LoopStyle = plan.fastMath ? { ...C_LOOPS, sum: '#pragma omp simd reduction(+:s)' } : C_LOOPS;
  const t = new SourceTarget(cSyntax(f32, 'int64_t', loops, unitLoop, {
    spikes: (ci) => (plan.fusable ? { kind: 'scan', lo: 'c0', hi: 'c1' } : { kind: 'scan', lo: '0', hi: `n${integer(ci)}` }),
    takePair: (b) => ['int32_t at;', '#pragma omp atomic capture', `at = ${b}[0]++;`],
    intCast: '(int32_t)',
  }));
  t.line(`// Generated by neural: ${plan.containers.map(containerLabel).join(', ')}; ${plan.dtype}.`);
  t.line('#include <math.h>');
  t.line('#include <stdint.h>');
  t.line('#include <stdlib.h>');
  t.line(`typedef ${f32 ? 'float' : 'double'} real;`);
  // Tell GCC that glibc's libmvec has vector versions of these (as math.h does
  // under -ffast-math), so loops vectorise while NaN and infinity stay exact.
  t.line('#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)');
  for (const fn of SIMD_FUNCTIONS) {
    const name = `${fn}${f32 ? 'f' : ''}`;
    t.line(`__attribute__((simd("notinbranch"))) extern real ${name}(real${fn === 'pow' ? ', real' : ''});`);
  }
  t.line('#endif');
  t.line('#ifdef _OPENMP');
  t.line('#include <omp.h>');
  t.line('#endif');
  if (drawsRandom(plan)) for (const l of RANDOM_C.split('\n')) t.raw(l);
  t.line('#define CHUNK 512');
  t.nest('int neural_run(void **B, const double *S)', () => {
    t.line(`const int64_t k0 = (int64_t)S[${SCALARS.k0}], kEnd = k0 + (int64_t)S[${SCALARS.steps}], seed = (int64_t)S[${SCALARS.seed}];`);
    t.line('(void)seed;');
    plan.containers.forEach((c, ci) => {
      t.line(`const int64_t n${ci} = (int64_t)S[${scalarIndex(ci, 'num')}]; const real dt${ci} = (real)S[${scalarIndex(ci, 'dt')}];`);
      t.firstRows(c, 'const int64_t');
    });
    plan.projections?.forEach((_, pi) => t.line(`const real dtp${pi} = (real)S[${projectionScalar(plan, pi)}]; const int64_t sincep${pi} = (int64_t)S[${projectionScalar(plan, pi, 'since')}];`));
    t.plan = plan;
    // Scratch arrays of the invariant lets: a chunk's units (fused), else all of a container's.
    t.uniform = (ci, name, buffer) => t.uniformValue(ci, name, buffer);
    t.invariants = (ci, lets, load) => t.renderInvariants(ci, lets, load, (name) => `real *restrict ${name} = (real *)malloc(sizeof(real) * (size_t)(${plan.fusable ? 'size' : `n${integer(ci)}`} > 0 ? ${plan.fusable ? 'size' : `n${integer(ci)}`} : 1));`);
    if (plan.fusable) t.scratchAt = 'i - c0';
    const free = () => { for (const name of t.scratch.splice(0)) t.line(`free(${name});`); };
    const labels = bufferLabels(plan);
    plan.buffers.forEach((b, i) => t.line(`${b.type === 'int32' ? 'int32_t' : 'real'} *restrict b${i} = (${b.type === 'int32' ? 'int32_t' : 'real'} *)B[${i}]; // ${labels[i]}`));
    t.line('(void)kEnd;');
    if (plan.fusable) {
      // Chunks of about CHUNK units (whole vectors of 8), as many for every
      // thread, so that the threads finish together.
      t.line('int64_t threads = 1;');
      t.raw('#ifdef _OPENMP');
      t.line('threads = omp_get_max_threads();');
      t.raw('#endif');
      t.line('const int64_t chunks = n0 > 0 ? ((n0 + CHUNK - 1) / CHUNK + threads - 1) / threads * threads : 1;');
      t.line('const int64_t size = ((n0 + chunks - 1) / chunks + 7) / 8 * 8;');
      t.line('#pragma omp parallel for schedule(static)');
      t.nest('for (int64_t c0 = 0; c0 < n0; c0 += size)', () => {
        t.line('const int64_t c1 = c0 + size < n0 ? c0 + size : n0;');
        arrayKernel(t, plan);
        free();
      });
    } else {
      arrayKernel(t, plan);
      free();
    }
    t.line('return 0;');
  });
  return t.text();
}

/** The work of a step over all units (in additions) above which a container's units are shared among threads. */
const PARALLEL_WORK = 1e7;

/** Math functions that cost about as much as a hundred additions (a vector exp against a vector add). */
const COSTLY = new Set<OpName>(['exp', 'expm1', 'log', 'pow', 'sin', 'cos', 'tan', 'tanh', 'cosh', 'sinh', 'cbrt', 'rand', 'randn']);

/** A rough cost of one unit's step, in additions: one per operation, 100 per costly function (what is computed once per block left out). */
function unitCost(c: ContainerPlan): number {
  let cost = 0;
  const walk = (e: ExprIR): void => {
    if (e.k !== 'op') return;
    cost += COSTLY.has(e.op) ? 100 : 1;
    e.args.forEach(walk);
  };
  const { update } = hoist(c, new Set(c.uniform ?? []));
  for (const st of [...update, ...(c.ir.events?.stmts ?? []), ...c.ir.post]) walk(st.expr);
  return cost;
}

/** Whether any statement of the plan draws a random number. */
function drawsRandom(plan: NetworkPlan): boolean {
  return plan.containers.some((c) => statementsOf(c.ir).some((s) => isDraw(s.expr)));
}

/** The start of a CUDA C source. */
function cudaHeader(t: SourceTarget, plan: NetworkPlan, what: string): void {
  t.line(`// Generated by neural: ${plan.containers.map(containerLabel).join(', ')}; ${plan.dtype}; ${what}.`);
  if (drawsRandom(plan)) for (const l of RANDOM_C.split('\n')) t.raw(l);
  t.line(`typedef ${plan.dtype === 'float32' ? 'float' : 'double'} real;`);
  t.line('#ifndef INFINITY');
  t.line('#define INFINITY __int_as_float(0x7f800000)');
  t.line('#endif');
}

/**
 * The CUDA C source of a fusable plan: `extern "C" __global__ void
 * neural_run(k0, steps, seed, n_0, dt_0, n_1, dt_1, …, b0, b1, …)`, the scalars in
 * the order of the block's scalars (lib/plan/layout.ts).
 */
export function renderCuda(plan: NetworkPlan): string {
  checkPlan(plan);
  // One thread per unit: the thread is the unit, no loop.
  const t = new SourceTarget(cSyntax(plan.dtype === 'float32', 'long long', CUDA_LOOPS, () => null, CUDA_SPIKES));
  t.plan = plan;
  cudaHeader(t, plan, 'one thread per unit, state in registers');
  const args = plan.buffers.map((b, i) => `${cudaType(b)} *__restrict__ b${i}`).join(', ');
  t.nest(`extern "C" __global__ void neural_run(long long k0, long long steps, long long seed, ${plan.containers.map((_, ci) => `long long n${ci}, real dt${ci}`).join(', ')}${args ? `, ${args}` : ''})`, () => {
    t.line('const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;');
    t.line('if (i >= n0) return;');
    t.line('const long long kEnd = k0 + steps;');
    plan.containers.forEach((c) => t.firstRows(c, 'const long long'));
    registerKernel(t, plan);
  });
  return t.text();
}

/**
 * CUDA C for a plan that is not fusable: for every step, each container's
 * summed variables, operators and update run as their own kernels (one
 * thread per output value or unit), then the synapses' phases (each
 * container's fired units collected, each projection's events delivered),
 * with the state kept in device arrays between launches. Every kernel takes
 * the same arguments: `(k, k0, seed, n_0, dt_0, n_1, dt_1, …, dtp_0,
 * sincep_0, …, b0, b1, …)`.
 *
 * Summed variables take a thread per target unit. The fired units are
 * collected by three kernels (per-block counts, their offsets, each unit
 * placed), in increasing order as the serial loop writes them. Events are
 * delivered with a thread per target unit, each taking its synapses in the
 * order the serial loop reaches them (a model that sets `x_pre` keeps the
 * serial loop, on one thread). Float64 results are those of the cpu, bit
 * for bit.
 */
export function renderCudaSteps(plan: NetworkPlan): { source: string; kernels: { name: string; size: number }[][] } {
  checkPlan(plan);
  const t = new SourceTarget(cSyntax(plan.dtype === 'float32', 'long long', CUDA_LOOPS, () => null, CUDA_SPIKES));
  t.plan = plan;
  cudaHeader(t, plan, 'one launch per step and phase');
  const params = ['long long k', 'long long k0', 'long long seed', ...plan.containers.map((_, ci) => `long long n${ci}, real dt${ci}`), ...(plan.projections ?? []).map((_, pi) => `real dtp${pi}, long long sincep${pi}`), ...plan.buffers.map((b, i) => `${cudaType(b)} *__restrict__ b${i}`)].join(', ');
  const kernels: { name: string; size: number }[][] = [];
  /** A kernel of `size` threads added to `phase`; the thread's index is `i`. */
  const kernel = (phase: { name: string; size: number }[], name: string, size: number, body: () => void) => {
    phase.push({ name, size });
    t.nest(`extern "C" __global__ void ${name}(${params})`, () => {
      t.line('const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;');
      body();
    });
  };
  /** A kernel whose one thread runs `body` (a phase of the synapses, in the cpu's order). */
  const serial = (phase: { name: string; size: number }[], name: string, body: () => void) => kernel(phase, name, 1, () => {
    t.line('if (i != 0) return;');
    body();
  });
  plan.containers.forEach((c, ci) => {
    const phase: { name: string; size: number }[] = [];
    // Summed variables: a thread per target unit, each summing its synapses in order.
    plan.projections?.forEach((p, pi) => p.summed?.length && p.target === ci && kernel(phase, `p${pi}_summed`, c.num, () => t.summed(pi, true)));
    c.operators.forEach((o, oi) => kernel(phase, `c${ci}_op${oi}`, o.kind === 'sum' || o.kind === 'mean' ? 1 : o.size, () => t.operator(ci, o)));
    kernel(phase, `c${ci}_update`, c.num, () => {
      t.line(`if (i >= n${ci}) return;`);
      t.firstRows(c, 'const long long');
      unitStep(t, plan, ci, 'array');
    });
    kernels.push(phase);
  });
  if (plan.projections?.length) {
    const phase: { name: string; size: number }[] = [];
    plan.containers.forEach((c, ci) => {
      if (!c.fired) return;
      // The fired units in order: counted per block, offsets, placed (or one thread's loop).
      if (!c.fired.blocks) return serial(phase, `c${ci}_collect`, () => t.collect(ci));
      for (const part of ['count', 'scan', 'place'] as const) kernel(phase, `c${ci}_collect_${part}`, part === 'scan' ? 1 : c.num, () => t.collectPart(ci, part));
    });
    plan.projections.forEach((p, pi) => {
      // By target where each target's events touch only its own synapses and itself.
      if (p.columns && !p.ir.sides.pre.sets.length) kernel(phase, `p${pi}_deliver`, plan.containers[p.target].num, () => t.deliverByTarget(pi));
      else serial(phase, `p${pi}_deliver`, () => t.deliver(pi));
    });
    kernels.push(phase);
  }
  return { source: t.text(), kernels };
}

/** Spikes in CUDA C: each thread appends its unit's spike (an atomic counter). */
const CUDA_SPIKES: Pick<SourceSyntax, 'spikes' | 'takePair' | 'intCast'> = {
  spikes: () => ({ kind: 'append' }),
  takePair: (b) => [`const int at = atomicAdd(&${b}[0], 1);`],
  intCast: '(int)',
};

/** The CUDA C element type of a buffer. */
function cudaType(b: { type: string }): string {
  return b.type === 'int32' ? 'int' : 'real';
}

/** Operator loops in CUDA C: one thread per output value (sums: thread 0). */
const CUDA_LOOPS: LoopStyle = {
  over: (size, body) => [`if (i < ${size}) { const long long r = i; ${body} }`],
  real: 'real',
  int: 'long long',
  idiv: (a, b) => `(${a} / ${b})`,
};

/** Operator loops in C, run by one thread once per step. */
const C_LOOPS: LoopStyle = {
  // Rows shared among the threads when there is enough work; each row's sum in order.
  over: (size, body, work) => [...(size > 1 && work >= 32768 ? ['#pragma omp parallel for schedule(static)'] : []), `for (int64_t r = 0; r < ${size}; r++) ${body}`],
  real: 'real',
  int: 'int64_t',
  idiv: (a, b) => `(${a} / ${b})`,
};
