/**
 * Helpers for the symbolic specs: a seeded generator, random points inside
 * each library model's physiological range, and the model's own equation
 * text evaluated with mathjs (intermediates first, in dependency order).
 */
import { evaluate, type MathNode } from 'mathjs';
import type { SymbolicModel } from '../../lib/index.js';

/** mulberry32: a small seeded generator of uniforms on [0, 1). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Scope = Record<string, number>;

/** Ranges of states by model, where the physiological range is not [0, 1]. */
const RANGES: Record<string, Record<string, [number, number]>> = {
  IAF: { v: [0, 0.03] },
  LeakyIAF: { v: [-0.07, 0.025] },
  HodgkinHuxley: { v: [-80, 30], vprev: [-10, 10] },
  ConnorStevens: { v: [-80, 50], vprev: [-10, 10] },
  Wilson: { v: [-90, 40], vprev: [-10, 10] },
  Rinzel: { v: [-80, 30], vprev: [-10, 10] },
  MorrisLecar: { v: [-80, 40], vprev: [-10, 10] },
  Izhikevich: { v: [-80, 30], u: [-20, 10] },
  Alpha: { u: [-10, 10] },
};

/**
 * A random point: every state in its range, every parameter its default
 * scaled by a factor in [0.8, 1.2], every input in [0, 20].
 */
export function randomScope(sym: SymbolicModel, next: () => number): Scope {
  const scope: Scope = {};
  const ranges = RANGES[sym.name] ?? {};
  for (const x of sym.allStates) {
    const [lo, hi] = ranges[x] ?? [0, 1];
    scope[x] = lo + (hi - lo) * next();
  }
  for (const [p, v] of Object.entries(sym.params)) scope[p] = v * (0.8 + 0.4 * next());
  for (const i of Object.keys(sym.inputs)) scope[i] = 20 * next();
  // The noise and the time are symbols like any other for the symbolic pass.
  scope.xi = 2 * next() - 1;
  scope.t = 100 * next();
  return scope;
}

/** The scope with every intermediate evaluated from its own text. */
export function withIntermediates(sym: SymbolicModel, scope: Scope): Scope {
  const out = { ...scope };
  for (const [name, text] of Object.entries(sym.intermediates)) out[name] = num(evaluate(text, { ...out }));
  return out;
}

/** dx/dt from the model's own equation text (0 for a state without one). */
export function equationValue(sym: SymbolicModel, x: string, scope: Scope): number {
  const text = sym.spec.states.find((s) => s.name === x)?.derivative;
  return text === undefined ? 0 : num(evaluate(text, withIntermediates(sym, scope)));
}

/** Evaluates a mathjs tree to a real number (fails on a complex or boolean result). */
export function value(node: MathNode, scope: Scope): number {
  return num(node.evaluate({ ...scope }));
}

function num(x: unknown): number {
  if (typeof x === 'boolean') return +x;
  if (typeof x !== 'number') throw new Error(`expected a real number, got ${String(x)}`);
  return x;
}

/** |a − b| ≤ rel·max(1, |a|, |b|): relative, with an absolute floor of rel near 0. */
export function close(a: number, b: number, rel: number): boolean {
  return Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));
}

/** True when the point is within `margin` of a guarded 0/0 point (an intermediate named *_t near 0). */
export function nearGuard(sym: SymbolicModel, scope: Scope, margin = 1e-2): boolean {
  const full = withIntermediates(sym, scope);
  return Object.keys(sym.intermediates).some((n) => n.endsWith('_t') && Math.abs(full[n]) < margin);
}
