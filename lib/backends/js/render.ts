/**
 * Renders a network plan as one JavaScript function over typed arrays:
 * `run(B, S)` with B the buffers (streams and records as views of the block)
 * and S the scalars `[k0, steps, num_0, dt_0, num_1, dt_1, …]`. Nothing is
 * allocated inside the step loop.
 */
import type { ContainerPlan, NetworkPlan, TermPlan } from '../../plan/types.js';
import { JS, bufferLabels, checkPlan, conditionLets, containerLabel, local as localOf, renderCondition, renderExpr, solverLabel } from '../dialect.js';
import { renderOperator, type LoopStyle } from '../operators.js';

/** Index of the first per-container scalar and the stride between containers. */
export const SCALARS = { k0: 0, steps: 1, first: 2, stride: 2 } as const;

/** The JavaScript source of a plan (a function body taking `B`, `S`). */
export function renderJS(plan: NetworkPlan): string {
  checkPlan(plan);
  const f32 = plan.dtype === 'float32';
  const out: string[] = [];
  const line = (depth: number, text: string) => out.push(`${'  '.repeat(depth)}${text}`);
  line(0, `'use strict';`);
  line(0, `const k0 = S[0], steps = S[1], kEnd = k0 + steps;`);
  plan.containers.forEach((c, ci) => {
    line(0, `const n${ci} = S[${SCALARS.first + SCALARS.stride * ci}], dt${ci} = S[${SCALARS.first + SCALARS.stride * ci + 1}];`);
    for (const r of c.records) if (r.mode === 'trace') line(0, `const rb${r.out} = Math.ceil(k0 / ${r.rate});`);
  });
  const used = new Set<number>();
  plan.containers.forEach((c) => {
    Object.values(c.buffers).forEach((b) => used.add(b));
    Object.values(c.inputs).flat().forEach((t) => t.kind !== 'const' && used.add(t.buffer));
    c.operators.forEach((o) => { used.add(o.out); used.add(o.source.buffer); if (o.matrix !== undefined) used.add(o.matrix); });
    c.records.forEach((r) => used.add(r.out));
  });
  const labels = bufferLabels(plan);
  for (const b of [...used].sort((x, y) => x - y)) line(0, `const b${b} = B[${b}]; // ${labels[b]}`);

  const local = (ci: number) => (n: string) => localOf(ci, n);
  const round = (t: string) => (f32 ? `Math.fround(${t})` : t);
  const term = (t: TermPlan, unit: string, fused: boolean, owner: (b: number) => string | undefined): string => {
    if (t.kind === 'const') return JS.num(t.value);
    const at = t.num === 1 ? '0' : unit;
    if (t.kind === 'stream') return `b${t.buffer}[(k - k0) * ${t.num} + ${at}]`;
    if (fused && t.kind === 'var') return owner(t.buffer)!; // fused: every source has the same size
    return `b${t.buffer}[${at}]`;
  };
  // Maps a container buffer to the local that holds it in fused mode.
  const owners = new Map<number, string>();
  plan.containers.forEach((c, ci) => Object.entries(c.buffers).forEach(([n, b]) => owners.set(b, local(ci)(n))));

  const body = (c: ContainerPlan, ci: number, depth: number, fused: boolean) => {
    const name = local(ci);
    const states = c.ir.states.map((s) => s.name);
    line(depth, `// ${containerLabel(c, ci)}: ${solverLabel(c)}`);
    if (!fused) {
      for (const s of states) line(depth, `let ${name(s)} = b${c.buffers[s]}[i];`);
      for (const p of [...c.ir.params, ...c.ir.inputs]) if (!Object.hasOwn(c.inputs, p.name)) line(depth, `const ${name(p.name)} = b${c.buffers[p.name]}[i];`);
    }
    for (const [inp, terms] of Object.entries(c.inputs)) {
      const text = terms.map((t) => term(t, 'i', fused, (b) => owners.get(b))).join(' + ') || '0';
      line(depth, `${fused ? '' : 'const '}${name(inp)} = ${text};`);
    }
    const block = (stmts: typeof c.ir.update) => {
      const sets: string[] = [];
      const conditions = conditionLets(stmts);
      for (const s of stmts) {
        const text = conditions.has(s.name) ? renderCondition(s.expr, JS, name, conditions) : renderExpr(s.expr, JS, name, conditions);
        if (s.kind === 'let') line(depth, `const ${name(s.name)} = ${text};`);
        else { line(depth, `const ${name(s.name)}__n = ${text};`); sets.push(s.name); }
      }
      for (const s of sets) line(depth, `${name(s)} = ${round(`${name(s)}__n`)};`);
    };
    if (c.ir.update.length) line(depth, '{');
    block(c.ir.update);
    if (c.ir.update.length) line(depth, '}');
    if (c.ir.post.length) { line(depth, '{'); block(c.ir.post); line(depth, '}'); }
    if (!fused) for (const s of states) line(depth, `b${c.buffers[s]}[i] = ${name(s)};`);
    for (const r of c.records) {
      const v = owners.get(r.source)!;
      if (r.mode === 'sum') line(depth, `b${r.out}[i] += ${v};`);
      else line(depth, `if (k % ${r.rate} === 0) b${r.out}[(((k / ${r.rate}) | 0) - rb${r.out}) * n${ci} + i] = ${v};`);
    }
  };

  if (plan.fusable) {
    line(0, `for (let i = 0; i < n0; i++) {`);
    plan.containers.forEach((c, ci) => {
      for (const s of c.ir.states) line(1, `let ${local(ci)(s.name)} = b${c.buffers[s.name]}[i];`);
      for (const p of [...c.ir.params, ...c.ir.inputs]) {
        line(1, `${Object.hasOwn(c.inputs, p.name) ? 'let' : 'const'} ${local(ci)(p.name)} = b${c.buffers[p.name]}[i];`);
      }
    });
    line(1, `for (let k = k0; k < kEnd; k++) {`);
    plan.containers.forEach((c, ci) => body(c, ci, 2, true));
    line(1, `}`);
    plan.containers.forEach((c, ci) => {
      for (const s of c.ir.states) line(1, `b${c.buffers[s.name]}[i] = ${local(ci)(s.name)};`);
      for (const n of Object.keys(c.inputs)) line(1, `b${c.buffers[n]}[i] = ${local(ci)(n)};`);
    });
    line(0, `}`);
  } else {
    line(0, `for (let k = k0; k < kEnd; k++) {`);
    plan.containers.forEach((c, ci) => {
      for (const o of c.operators) for (const text of renderOperator(o, JS_LOOPS)) line(1, text);
      line(1, `for (let i = 0; i < n${ci}; i++) {`);
      body(c, ci, 2, false);
      for (const n of Object.keys(c.inputs)) line(2, `b${c.buffers[n]}[i] = ${local(ci)(n)};`);
      line(1, `}`);
    });
    line(0, `}`);
  }
  return out.join('\n');
}

/** Operator loops in JavaScript. */
const JS_LOOPS: LoopStyle = {
  over: (size, body) => `for (let r = 0; r < ${size}; r++) ${body}`,
  real: 'let',
  int: 'let',
  idiv: (a, b) => `((${a} / ${b}) | 0)`,
};
