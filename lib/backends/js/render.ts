/**
 * Renders a network plan as one JavaScript function over typed arrays:
 * `run(B, S, R)` with B the buffers (streams and records as views of the
 * block), S the scalars of the block (lib/plan/layout.ts) and R the random
 * draws (`RANDOM` of lib/random/philox.ts). Nothing is allocated
 * inside the step loop. The per-unit body is the shared kernel skeleton
 * (lib/backends/kernel.ts) written in JavaScript.
 */
import type { IntegerSyntax } from '../../plan/layout.js';
import { SCALARS, projectionScalar, scalarIndex } from '../../plan/layout.js';
import type { NetworkPlan } from '../../plan/types.js';
import { STREAMS } from '../../random/philox.js';
import { JS, bufferLabels, checkPlan, integer } from '../dialect.js';
import { SourceTarget, arrayKernel, projectionBuffers, registerKernel, type SourceSyntax } from '../kernel.js';
import type { LoopStyle } from '../operators.js';

/** The JavaScript source of a plan (a function body taking `B`, `S`). */
export function renderJS(plan: NetworkPlan): string {
  checkPlan(plan);
  const t = new SourceTarget(jsSyntax(plan.dtype === 'float32'));
  t.line(`'use strict';`);
  t.line(`const k0 = S[${SCALARS.k0}], steps = S[${SCALARS.steps}], kEnd = k0 + steps, seed = S[${SCALARS.seed}];`);
  plan.containers.forEach((c, ci) => {
    t.line(`const n${ci} = S[${scalarIndex(ci, 'num')}], dt${ci} = S[${scalarIndex(ci, 'dt')}];`);
    t.firstRows(c, 'const');
  });
  plan.projections?.forEach((_, pi) => t.line(`const dtp${pi} = S[${projectionScalar(plan, pi)}], sincep${pi} = S[${projectionScalar(plan, pi, 'since')}];`));
  t.plan = plan;
  t.uniform = (ci, name, buffer) => t.uniformValue(ci, name, buffer);
  t.invariants = (ci, lets, load) => t.renderInvariants(ci, lets, load, (name) => `const ${name} = new Float64Array(n${integer(ci)});`);
  const used = new Set<number>();
  plan.containers.forEach((c) => {
    Object.values(c.buffers).forEach((b) => used.add(b));
    Object.values(c.inputs).flat().forEach((x) => x.kind !== 'const' && used.add(x.buffer));
    c.operators.forEach((o) => { used.add(o.out); used.add(o.source.buffer); if (o.matrix !== undefined) used.add(o.matrix); });
    c.records.forEach((r) => { used.add(r.out); if (r.reduce) used.add(r.reduce.acc); });
    if (c.spikes) used.add(c.spikes.out);
    if (c.fired) used.add(c.fired.ring);
  });
  for (const p of plan.projections ?? []) for (const b of projectionBuffers(p)) used.add(b);
  for (const c of plan.containers) if (c.memberDraws) { used.add(c.memberDraws.seeds); used.add(c.memberDraws.units); }
  const labels = bufferLabels(plan);
  for (const b of [...used].sort((x, y) => x - y)) t.line(`const b${b} = B[${b}]; // ${labels[b]}`);
  if (plan.fusable) registerKernel(t, plan);
  else arrayKernel(t, plan);
  return t.text();
}

/** Integer arithmetic on step and row numbers in JavaScript. */
const JS_INTS: IntegerSyntax<string> = {
  int: (n) => integer(n),
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  // Math.floor, not `| 0`: step numbers pass 2^31 (they stay exact to 2^53).
  div: (a, b) => `Math.floor(${a} / ${integer(b)})`,
  ceilDiv: (a, b) => `Math.ceil(${a} / ${integer(b)})`,
  multiple: (a, b) => `${a} % ${integer(b)} === 0`,
  equals: (a, n) => `${a} === ${integer(n)}`,
  or: (a, b) => `(${a} || ${b})`,
};

/** Operator loops in JavaScript. */
const JS_LOOPS: LoopStyle = {
  over: (size, body) => [`for (let r = 0; r < ${size}; r++) ${body}`],
  real: 'let',
  int: 'let',
  idiv: (a, b) => `((${a} / ${b}) | 0)`,
};

/** The kernel in JavaScript: every number a double, new states rounded with `Math.fround` in float32. */
function jsSyntax(f32: boolean): SourceSyntax {
  return {
    dialect: JS,
    ints: JS_INTS,
    real: (mutable) => (mutable ? 'let' : 'const'),
    condition: 'const',
    round: (text) => (f32 ? `Math.fround(${text})` : text),
    stepLoop: 'for (let k = k0; k < kEnd; k++)',
    unitLoop: (ci) => [`for (let i = 0; i < n${integer(ci)}; i++)`],
    loops: JS_LOOPS,
    recordStored: false,
    time: (ci) => `k * dt${integer(ci)}`,
    projectionTime: (pi) => `k * dtp${integer(pi)}`,
    projectionSince: (pi) => `sincep${integer(pi)}`,
    intArray: 'const',
    index: (mutable) => (mutable ? 'let' : 'const'),
    draw: (kind, ci, d, member) => {
      const seed = member ? `b${integer(member.seeds)}[i] >>> 0` : 'seed';
      return `R.${kind === 'rand' ? 'u' : 'n'}(${seed}, ${STREAMS.run}, ${integer(ci)}, ${member ? `b${integer(member.units)}[i]` : 'i'}, k, ${integer(d)})`;
    },
    spikes: () => ({ kind: 'append' }),
    takePair: (b) => [`const at = ${b}[0]++;`],
    intCast: '',
  };
}
