/**
 * The clean-up every lowered block goes through: folding, common
 * subexpressions and dead `let`s.
 *
 * @module
 */
import { cse, fold, op, refsOf } from './build.js';
import type { ExprIR, StmtIR } from './types.js';

/** Folding, then common subexpressions, then dead `let`s removed. */
export function optimise(stmts: StmtIR[]): StmtIR[] {
  const folded = stmts.map((s) => ({ ...s, expr: fold(s.expr) }));
  // Inline lets that are just a name or a number, so CSE sees through them.
  const alias = new Map<string, ExprIR>();
  const resolved: StmtIR[] = [];
  const sub = (e: ExprIR): ExprIR => (e.k === 'ref' ? alias.get(e.name) ?? e : e.k === 'op' ? op(e.op, ...e.args.map(sub)) : e);
  for (const s of folded) {
    const expr = sub(s.expr);
    if (s.kind === 'let' && expr.k !== 'op') alias.set(s.name, expr);
    else resolved.push({ ...s, expr });
  }
  const out = cse(resolved);
  const used = new Set<string>();
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i].kind === 'set' || used.has(out[i].name)) refsOf(out[i].expr, used);
  }
  return out.filter((s) => s.kind === 'set' || used.has(s.name));
}
