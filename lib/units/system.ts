/**
 * The coherent system of units of one model: one scale per SI base
 * dimension, such that every unit the model declares is exactly one of its
 * coherent unit (mV, ms, nS: the volt scaled by 10^-3, …). In such a system
 * every dimensionally correct equation holds between the plain numbers, with
 * no factor inserted: a literal `c u` becomes `c ×` (the value of `u` in the
 * system), and nothing else changes.
 *
 * The scales solve a linear system in log space: for each declared unit,
 * the sum over base dimensions of its exponent times log10(scale) is log10
 * of its SI value. Directions the declarations leave free take the SI scale
 * (log 0). When the declarations contradict each other (v in mV, E in V),
 * the system has no solution and the fields responsible are named.
 */
import { BASE_DIMENSIONS, decimalOf, log10Of, numberOf, over, type Decimal, type PhysicalUnit } from './quantity.js';

const EPS = 1e-9;

/** Rounds a value within {@link EPS} of an integer to it (exact powers of ten stay exact). */
function snap(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) < EPS ? r : x;
}

/** One declaration: a name (a field, or the model's time) and its unit. */
export interface Declared {
  readonly name: string;
  readonly text: string;
  readonly unit: PhysicalUnit;
}

/** Declarations that cannot be one coherent system: `name` conflicts with `others`. */
export interface Conflict {
  readonly name: string;
  readonly text: string;
  /** The earlier declarations it contradicts, those of the same dimension first. */
  readonly others: readonly Declared[];
  /** Whether the first of `others` has the same dimension (then: declare both in one unit). */
  readonly sameDimension: boolean;
}

interface Row {
  pivot: number;
  coef: number[];
  rhs: number;
  /** The declarations combined into this row. */
  sources: Set<number>;
}

/** The scales of a coherent system, or the first declaration that contradicts the ones before it. */
export class UnitSystem {
  /** log10 of the SI value of the coherent unit of each base dimension. */
  private constructor(private readonly logScale: readonly number[]) {}

  /**
   * The coherent system of a list of declarations, read in order.
   * @returns the system, or the first conflict
   */
  static solve(declared: readonly Declared[]): UnitSystem | Conflict {
    const rows: Row[] = [];
    for (let d = 0; d < declared.length; d++) {
      const coef = [...declared[d].unit.dim];
      let rhs = log10Of(declared[d].unit.si);
      const sources = new Set([d]);
      for (const r of rows) {
        const f = coef[r.pivot];
        if (Math.abs(f) < EPS) continue;
        for (let i = 0; i < coef.length; i++) coef[i] -= f * r.coef[i];
        rhs -= f * r.rhs;
        for (const s of r.sources) sources.add(s);
      }
      const pivot = coef.findIndex((x) => Math.abs(x) > EPS);
      if (pivot < 0) {
        if (Math.abs(rhs) > EPS) return conflict(declared, d, sources);
        continue;
      }
      const p = coef[pivot];
      const row: Row = { pivot, coef: coef.map((x) => x / p), rhs: rhs / p, sources };
      // Keep the rows reduced: the new pivot leaves every other row.
      for (const r of rows) {
        const f = r.coef[pivot];
        if (Math.abs(f) < EPS) continue;
        for (let i = 0; i < r.coef.length; i++) r.coef[i] -= f * row.coef[i];
        r.rhs -= f * row.rhs;
        for (const s of sources) r.sources.add(s);
      }
      rows.push(row);
    }
    // Free dimensions take the SI scale (0); each pivot is then its row's right-hand side.
    const logScale = BASE_DIMENSIONS.map(() => 0);
    for (const r of rows) logScale[r.pivot] = snap(r.rhs);
    return new UnitSystem(logScale);
  }

  /**
   * The value of one `unit` in this system, as a decimal: exactly 1 for a
   * declared unit, a power of ten for another prefix of one (`V` in a model
   * in `mV`: 10^3).
   */
  valueOf(unit: PhysicalUnit): Decimal {
    const log = unit.dim.reduce((sum, x, i) => sum + x * this.logScale[i], 0);
    const whole = snap(log);
    return Number.isInteger(whole) ? { m: unit.si.m, k: unit.si.k - whole } : over(unit.si, decimalOf(10 ** log));
  }

  /** Whether `unit` is a coherent unit of this system (its value is 1). */
  isCoherent(unit: PhysicalUnit): boolean {
    return Math.abs(numberOf(this.valueOf(unit)) - 1) < 1e-9;
  }
}

/** Whether a value is a {@link Conflict} rather than a system. */
export function isConflict(x: UnitSystem | Conflict): x is Conflict {
  return !(x instanceof UnitSystem);
}

function conflict(declared: readonly Declared[], d: number, sources: Set<number>): Conflict {
  const me = declared[d];
  const same = (o: Declared) => o.unit.dim.every((x, i) => Math.abs(x - me.unit.dim[i]) < EPS);
  const others = [...sources].filter((s) => s !== d).sort((a, b) => a - b).map((s) => declared[s]);
  // The first earlier declaration of the same dimension, if there is one, conflicts on its own.
  const twin = declared.slice(0, d).find(same);
  const list = twin ? [twin, ...others.filter((o) => o !== twin)] : others;
  return { name: me.name, text: me.text, others: list, sameDimension: twin !== undefined };
}
