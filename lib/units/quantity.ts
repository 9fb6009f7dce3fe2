/**
 * Physical units as the library reads them: a unit string (`'mV'`,
 * `'uA/cm^2'`, `'1'`) parsed by mathjs' `Unit` into the exponents of the
 * nine SI base dimensions, its value in SI units as a decimal, and the
 * parts it was written with (for messages). Nothing here knows about models.
 */
import { math } from '../expr/math.js';

/**
 * A positive number as a decimal, `m × 10^k` with `k` an integer: SI values
 * of units and scales are powers of ten times a mantissa (1 for every
 * prefixed SI unit), so that products and quotients of them stay exact and
 * a literal `0.1 ms` converts to seconds as `0.1e-3`, not `0.1 × 0.001`.
 */
export interface Decimal {
  readonly m: number;
  readonly k: number;
}

/** A number as a decimal: the digits of its shortest representation and a power of ten. */
export function decimalOf(x: number): Decimal {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(x));
  if (!match) return { m: x, k: 0 };
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  let digits = `${whole}${fraction}`.replace(/^0+(?=\d)/, '');
  let k = Number(exponent) - fraction.length;
  while (digits.length > 1 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    k++;
  }
  // Beyond 15 digits the mantissa would not be an exact integer: keep the number itself.
  return digits.length > 15 ? { m: x, k: 0 } : { m: Number(`${sign}${digits}`), k };
}

/** The number a decimal stands for, rounded once (`1e-3`, not `1 × 0.001`). */
export function numberOf(d: Decimal): number {
  const [mantissa, exponent = '0'] = String(d.m).split('e');
  return Number(`${mantissa}e${Number(exponent) + d.k}`);
}

/** `a × b`, exact for integer mantissas of a few digits. */
export function times(a: Decimal, b: Decimal): Decimal {
  return { m: a.m * b.m, k: a.k + b.k };
}

/** `a / b`. */
export function over(a: Decimal, b: Decimal): Decimal {
  return { m: a.m / b.m, k: a.k - b.k };
}

/** `a^p`: exact powers of ten for an integer `p`. */
export function power(a: Decimal, p: number): Decimal {
  const k = a.k * p;
  const whole = Math.floor(k + 1e-9);
  return { m: a.m ** p * (Number.isInteger(k) ? 1 : 10 ** (k - whole)), k: Number.isInteger(k) ? k : whole };
}

/** log10 of a decimal. */
export function log10Of(d: Decimal): number {
  return Math.log10(d.m) + d.k;
}

/** The SI base dimensions, in mathjs' order (`Unit.BASE_DIMENSIONS`). */
export const BASE_DIMENSIONS = ['MASS', 'LENGTH', 'TIME', 'CURRENT', 'TEMPERATURE', 'LUMINOUS_INTENSITY', 'AMOUNT_OF_SUBSTANCE', 'ANGLE', 'BIT'] as const;
/** Index of time among {@link BASE_DIMENSIONS}. */
const TIME = 2;

/**
 * A physical unit: its dimension (an exponent per base dimension), its
 * value in SI units, and its parts as written (prefixed unit names and
 * their powers), which name it in messages.
 */
export interface PhysicalUnit {
  /** Exponent of each of the {@link BASE_DIMENSIONS}. */
  readonly dim: readonly number[];
  /** The value of one of this unit in SI units (`mV`: 1e-3). */
  readonly si: Decimal;
  /** Prefixed unit names and their powers (`uA/cm^2`: uA 1, cm −2). */
  readonly parts: ReadonlyMap<string, number>;
}

/** The unit of pure numbers (`'1'`). */
export const DIMENSIONLESS: PhysicalUnit = Object.freeze({ dim: Object.freeze(BASE_DIMENSIONS.map(() => 0)), si: Object.freeze({ m: 1, k: 0 }), parts: new Map() });

/** Why a unit string is not a unit, or the unit. */
export type ParsedUnit = { unit: PhysicalUnit } | { error: string };

/**
 * Reads a unit string: mathjs unit names with SI prefixes, `*`, `/`, `^`
 * and parentheses (`'mV'`, `'mS/cm^2'`, `'1/ms'`, `'mV/ms^0.5'`), or `'1'`
 * for a dimensionless quantity. Units with an offset (`degC`, `degF`) and
 * strings holding a number (`'2 ms'`) are refused.
 */
export function parseUnit(text: unknown): ParsedUnit {
  if (typeof text !== 'string' || text.trim() === '') return { error: `${JSON.stringify(text) ?? String(text)} is not a unit string` };
  const trimmed = text.trim();
  if (trimmed === '1') return { unit: DIMENSIONLESS };
  // '1/ms': mathjs reads the 1 as a value; the unit is the inverse of the rest.
  const inverse = /^1\s*\/\s*(.+)$/.exec(trimmed);
  if (inverse) {
    const rest = parseUnit(inverse[1].startsWith('(') ? inverse[1] : `(${inverse[1]})`);
    return 'error' in rest ? rest : { unit: powerOf(rest.unit, -1) };
  }
  let parsed: { value: unknown; units: { unit: { name: string; value: number; offset: number }; prefix: { name: string; value: number }; power: number }[]; dimensions: number[] };
  try {
    parsed = math.Unit.parse(trimmed) as unknown as typeof parsed;
  } catch (error) {
    return { error: `'${trimmed}' is not a unit (${error instanceof Error ? error.message : String(error)})` };
  }
  if (parsed.value !== null && parsed.value !== undefined) return { error: `'${trimmed}' holds a number; a unit is written without one` };
  let si: Decimal = { m: 1, k: 0 };
  const parts = new Map<string, number>();
  for (const { unit, prefix, power: p } of parsed.units) {
    if (unit.offset !== 0) return { error: `'${unit.name}' is measured from an offset, which a model's linear equations cannot hold` };
    si = times(si, power(times(decimalOf(prefix.value), decimalOf(unit.value)), p));
    const name = `${prefix.name}${unit.name}`;
    parts.set(name, (parts.get(name) ?? 0) + p);
  }
  return { unit: { dim: [...parsed.dimensions], si, parts } };
}

/** Whether a name is a unit mathjs knows (`mV`, `ms`, `nS`), with or without a prefix. */
export function isUnitName(name: string): boolean {
  return math.Unit.isValuelessUnit(name);
}

/**
 * The time unit of a model: `1 / timeScale` seconds, named `s`, `ms`, `us`
 * or `ns` for those scales and `s/<timeScale>` otherwise.
 */
export function timeUnit(timeScale: number): PhysicalUnit {
  const names: Record<number, string> = { 1: 's', 1e3: 'ms', 1e6: 'us', 1e9: 'ns' };
  const dim = BASE_DIMENSIONS.map((_, i) => (i === TIME ? 1 : 0));
  return { dim, si: over({ m: 1, k: 0 }, decimalOf(timeScale)), parts: new Map([[names[timeScale] ?? `(s/${timeScale})`, 1]]) };
}

/** `a · b`. */
export function productOf(a: PhysicalUnit, b: PhysicalUnit): PhysicalUnit {
  const parts = new Map(a.parts);
  for (const [name, p] of b.parts) parts.set(name, (parts.get(name) ?? 0) + p);
  for (const [name, p] of parts) if (Math.abs(p) < 1e-12) parts.delete(name);
  return { dim: a.dim.map((x, i) => x + b.dim[i]), si: times(a.si, b.si), parts };
}

/** `a^p`. */
export function powerOf(a: PhysicalUnit, p: number): PhysicalUnit {
  if (p === 0) return DIMENSIONLESS;
  return { dim: a.dim.map((x) => x * p), si: power(a.si, p), parts: new Map([...a.parts].map(([name, q]) => [name, q * p])) };
}

/** Whether two units measure the same dimension. */
export function sameDimension(a: PhysicalUnit, b: PhysicalUnit): boolean {
  return a.dim.every((x, i) => Math.abs(x - b.dim[i]) < 1e-9);
}

/** Whether a unit is dimensionless. */
export function isDimensionless(a: PhysicalUnit): boolean {
  return sameDimension(a, DIMENSIONLESS);
}

/**
 * A unit as text for a message, from the parts it was written with:
 * `mV/ms`, `mS·mV/cm^2`, `1/ms`, `ms^-0.5`, and `1` for none.
 */
export function formatUnit(a: PhysicalUnit): string {
  const raised = (name: string, p: number) => (p === 1 ? name : `${name}^${Number(p.toFixed(6))}`);
  const up = [...a.parts].filter(([, p]) => p > 0).map(([n, p]) => raised(n, p));
  const down = [...a.parts].filter(([, p]) => p < 0).map(([n, p]) => raised(n, -p));
  if (!up.length && !down.length) return '1';
  const top = up.length ? up.join('·') : '1';
  return down.length ? `${top}/${down.length > 1 ? `(${down.join('·')})` : down[0]}` : top;
}

/**
 * `x`, a number in unit `from`, in unit `to` (of the same dimension): by
 * decimal digits, so that conversions by powers of ten are exact (`0.07` V
 * is `70` mV, not `70.00000000000001`).
 */
export function convert(x: number, from: PhysicalUnit, to: PhysicalUnit): number {
  const factor = over(from.si, to.si);
  if (factor.m === 1 && factor.k === 0) return x;
  return numberOf(times(decimalOf(x), factor));
}

/** The seconds of a time written with its unit (`'0.1 ms'`, `'2e-5 s'`, `'10 us'`), or why it is not one. */
export function secondsOf(text: string): { seconds: number } | { error: string } {
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z_][\w/^*() .-]*)\s*$/.exec(text);
  if (!m) return { error: `'${text}' is not a number followed by a unit of time` };
  const parsed = parseUnit(m[2]);
  if ('error' in parsed) return parsed;
  const second = timeUnit(1);
  if (!sameDimension(parsed.unit, second)) return { error: `'${m[2].trim()}' is not a unit of time` };
  return { seconds: convert(Number(m[1]), parsed.unit, second) };
}
