/**
 * Rendering IR expressions as source text. A dialect says only what differs
 * between targets: math function names, float literals, casts.
 */
import type { ExprIR, OpName, StmtIR } from '../ir/types.js';

/** What differs between JavaScript, C and CUDA C. */
export interface Dialect {
  /** A number literal in the target's float type. */
  num(v: number): string;
  /** The name of a unary or binary math function, e.g. `Math.exp` or `expf`. */
  fn(name: OpName): string;
  /** Turns a comparison or logic result into a number of the float type. */
  bool(text: string): string;
}

const INFIX: Partial<Record<OpName, string>> = {
  add: '+', sub: '-', mul: '*', div: '/', lt: '<', le: '<=', gt: '>', ge: '>=', eq: '==', ne: '!=', and: '&&', or: '||',
};
const BOOLEAN = new Set<OpName>(['lt', 'le', 'gt', 'ge', 'eq', 'ne', 'and', 'or', 'not']);

/**
 * The `let`s of a block whose value is a condition (a comparison or logic).
 * Back ends keep them as booleans, so that a select on one reads it directly
 * instead of turning it into 0 or 1 and comparing that with 0.
 */
export function conditionLets(stmts: readonly StmtIR[]): Set<string> {
  const out = new Set<string>();
  for (const s of stmts) {
    const e = s.expr;
    if (s.kind === 'let' && ((e.k === 'op' && BOOLEAN.has(e.op)) || (e.k === 'ref' && out.has(e.name)))) out.add(s.name);
  }
  return out;
}

/**
 * Renders an expression. `name` maps IR names to target locals. Conditions are
 * rendered as booleans; a comparison used as a number goes through `bool`.
 * min and max are comparisons (`b < a ? b : a`), identical on every target.
 * `conditions` names locals that hold booleans (see {@link conditionLets}).
 */
export function renderExpr(e: ExprIR, d: Dialect, name: (n: string) => string, conditions: ReadonlySet<string> = NONE): string {
  return render(e, d, name, conditions, false);
}

/** Renders an expression as a boolean of the target (a condition). */
export function renderCondition(e: ExprIR, d: Dialect, name: (n: string) => string, conditions: ReadonlySet<string> = NONE): string {
  return render(e, d, name, conditions, true);
}

const NONE: ReadonlySet<string> = new Set();

function render(e: ExprIR, d: Dialect, name: (n: string) => string, conditions: ReadonlySet<string>, condition: boolean): string {
  const asBool = (x: ExprIR): string => {
    if (x.k === 'op' && BOOLEAN.has(x.op)) return raw(x);
    if (x.k === 'ref' && conditions.has(x.name)) return name(x.name);
    return `(${go(x)} != ${d.num(0)})`;
  };
  const raw = (x: ExprIR & { k: 'op' }): string => {
    const a = x.args;
    if (x.op === 'not') return `(!${asBool(a[0])})`;
    if (x.op === 'and' || x.op === 'or') return `(${asBool(a[0])} ${INFIX[x.op]} ${asBool(a[1])})`;
    return `(${go(a[0])} ${INFIX[x.op]} ${go(a[1])})`;
  };
  const go = (x: ExprIR): string => {
    if (x.k === 'num') return d.num(x.v);
    if (x.k === 'ref') return conditions.has(x.name) ? d.bool(name(x.name)) : name(x.name);
    const a = x.args;
    if (BOOLEAN.has(x.op)) return d.bool(raw(x));
    switch (x.op) {
      case 'neg': return `(-${go(a[0])})`;
      case 'select': return `(${asBool(a[0])} ? ${go(a[1])} : ${go(a[2])})`;
      case 'min': return `(${go(a[1])} < ${go(a[0])} ? ${go(a[1])} : ${go(a[0])})`;
      case 'max': return `(${go(a[1])} > ${go(a[0])} ? ${go(a[1])} : ${go(a[0])})`;
      case 'sign': return `(${d.bool(`(${go(a[0])} > ${d.num(0)})`)} - ${d.bool(`(${go(a[0])} < ${d.num(0)})`)})`;
      case 'pow': {
        // Small integer powers as products: exact, and far cheaper than pow().
        const p = a[1];
        if (p.k === 'num' && Number.isInteger(p.v) && p.v >= 1 && p.v <= 4) {
          const b = go(a[0]);
          return p.v === 1 ? b : p.v === 2 ? `(${b} * ${b})` : p.v === 3 ? `(${b} * ${b} * ${b})` : `((${b} * ${b}) * (${b} * ${b}))`;
        }
        return `${d.fn('pow')}(${go(a[0])}, ${go(a[1])})`;
      }
      default:
        if (INFIX[x.op]) return `(${go(a[0])} ${INFIX[x.op]} ${go(a[1])})`;
        return `${d.fn(x.op)}(${a.map(go).join(', ')})`;
    }
  };
  return condition ? asBool(e) : go(e);
}

/** JavaScript: every number is a double; comparisons give booleans, turned into 0/1. */
export const JS: Dialect = {
  num: (v) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : Object.is(v, -0) ? '-0' : String(v)),
  fn: (name) => `Math.${name}`,
  bool: (t) => `(${t} ? 1 : 0)`,
};

/** Text safe inside a one-line comment of any target (names are user text). */
export function comment(text: string): string {
  // A trailing backslash would continue a C comment onto the next line.
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ').replace(/\*\//g, '* /').replace(/\\/g, '/');
}
