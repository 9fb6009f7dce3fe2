/**
 * The clean-up every lowered block goes through: folding, common
 * subexpressions and dead `let`s.
 *
 * @module
 */
import { cse, fold, limitDepth, refsOf, substituteIR } from './build.js';
import type { ExprIR, StmtIR } from './types.js';

/**
 * Folding, then common subexpressions, then expressions deeper than
 * `MAX_EXPR_DEPTH` cut into `let`s, then dead `let`s removed. Every pass is
 * linear in the size of the block.
 */
export function optimise(stmts: StmtIR[]): StmtIR[] {
  const folded = stmts.map((s) => ({ ...s, expr: fold(s.expr) }));
  // Inline lets that are just a name or a number, so CSE sees through them.
  const alias = new Map<string, ExprIR>();
  const resolved: StmtIR[] = [];
  for (const s of folded) {
    const expr = alias.size ? substituteIR(s.expr, alias) : s.expr;
    if (s.kind === 'let' && expr.k !== 'op') alias.set(s.name, expr);
    else resolved.push({ ...s, expr });
  }
  const out = limitDepth(cse(resolved));
  const used = new Set<string>();
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i].kind === 'set' || used.has(out[i].name)) refsOf(out[i].expr, used);
  }
  return out.filter((s) => s.kind === 'set' || used.has(s.name));
}
