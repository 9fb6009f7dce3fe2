/**
 * Sources of a connection other than an input stream or a number: a
 * container's variable (`container.ref('I')`) and operators over a source.
 */
import { NetworkWiringError } from '../errors.js';
import { describeValue } from '../options.js';
import type { Container } from './container.js';
import { Input } from './input.js';
import { allocate64, MAX_ELEMENTS } from '../plan/arrays.js';

/** A variable of a container, read unit for unit. */
export class VarRef {
  constructor(readonly container: Container, readonly variable: string) {}
  /** Number of values the source gives. */
  get num(): number {
    return this.container.num;
  }
  /** Where it comes from, for messages. */
  get label(): string {
    return `${this.container.name}.${this.variable}`;
  }
}

/** What an operator may read. */
export type OperandSource = VarRef | Input | Operator;

/** An operator: reads all values of its source once per step, gives `num` values. */
export class Operator {
  constructor(
    readonly kind: 'sum' | 'mean' | 'blocksum' | 'blockmean' | 'repeat' | 'dot',
    readonly source: OperandSource,
    readonly num: number,
    readonly block?: number,
    readonly matrix?: Float64Array,
    /** A dot of a batch: `members` matrices stacked, each reading its member's values (made by `Batch`). */
    readonly members?: number,
  ) {}
  /** Where it comes from, for messages. */
  get label(): string {
    return `${this.kind}(${this.source.label})`;
  }
}

function positiveInt(name: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 1) {
    throw new NetworkWiringError(name, `${String(x)} is not a positive integer.`, 'Give a whole number of at least 1.');
  }
  return x;
}

function checkSource(name: string, source: unknown): OperandSource {
  const ok = source instanceof VarRef || source instanceof Operator || source instanceof Input;
  if (!ok) throw new NetworkWiringError(name, `the source ${String(source)} is not a container variable (container.ref('x')), an input or an operator.`, "Pass e.g. syn.ref('I').");
  return source as OperandSource;
}

/** The sum of all values of the source (one value). */
export const Sum = (source: OperandSource) => new Operator('sum', checkSource('Sum', source), 1);
/** The mean of all values of the source (one value). */
export const Mean = (source: OperandSource) => new Operator('mean', checkSource('Mean', source), 1);

function blocks(kind: 'blocksum' | 'blockmean', source: OperandSource, block: number): Operator {
  const name = kind === 'blocksum' ? 'BlockSum' : 'BlockMean';
  checkSource(name, source);
  positiveInt(`${name}(${source.label})`, block);
  if (source.num % block !== 0) {
    throw new NetworkWiringError(`${name}(${source.label})`, `${source.num} values do not split into blocks of ${block}.`, `Use a block length that divides ${source.num}.`);
  }
  return new Operator(kind, source, source.num / block, block);
}
/** Sums of consecutive blocks of `block` values (num / block values). */
export const BlockSum = (source: OperandSource, block: number) => blocks('blocksum', source, block);
/** Means of consecutive blocks of `block` values (num / block values). */
export const BlockMean = (source: OperandSource, block: number) => blocks('blockmean', source, block);
/** Each value repeated `times` times in a row: [a, b] → [a, a, b, b] (num · times values). */
export function Repeat(source: OperandSource, times: number): Operator {
  checkSource('Repeat', source);
  positiveInt(`Repeat(${source.label})`, times);
  if (source.num * times > MAX_ELEMENTS) {
    throw new NetworkWiringError(`Repeat(${source.label})`, `${source.num} values repeated ${times} times make ${(source.num * times).toLocaleString('en')} values; one array holds at most ${MAX_ELEMENTS.toLocaleString('en')}.`, 'Repeat fewer times.');
  }
  return new Operator('repeat', source, source.num * times, times);
}

const fmt = (n: number) => n.toLocaleString('en');

/**
 * A dense matrix times the source's values: `out[r] = Σ_j M[r][j] · x[j]`,
 * giving `rows` values.
 *
 * The shape is checked, never guessed: a `number[][]` must be rectangular
 * with one column per source value (`source.num`); a flat row-major array
 * needs `rows`, and must hold exactly `rows × source.num` values. The matrix
 * is copied (8 bytes per entry).
 * @param matrix - (rows × source.num), as number[][] or a row-major Float64Array / Float32Array with `rows`
 * @param source - what the matrix multiplies
 * @param rows - the row count: required for a flat array; for number[][], when given, it must equal the array's length
 * @throws {@link NetworkWiringError} for a shape that is not (rows × source.num), a missing row count,
 *   or an entry that is not a finite number
 */
export function Dot(matrix: number[][] | Float64Array | Float32Array, source: OperandSource, rows?: number): Operator {
  checkSource('Dot', source);
  const n = source.num;
  const where = `Dot(${source.label})`;
  const columns = `one column per value of ${source.label}`;
  if (rows !== undefined) positiveInt(`${where} rows`, rows);
  let flat: Float64Array;
  if (Array.isArray(matrix)) {
    if (matrix.length === 0) throw new NetworkWiringError(where, 'the matrix has no rows.', `Give a (rows × ${n}) matrix, ${columns}.`);
    const bad = matrix.findIndex((r) => !Array.isArray(r));
    if (bad >= 0) throw new NetworkWiringError(where, `row ${bad} of the matrix is ${describeValue(matrix[bad])}, not an array.`, `Give number[][] with ${n} numbers per row, ${columns}.`);
    const widths = new Set(matrix.map((r) => r.length));
    if (widths.size === 1 && !widths.has(n)) {
      const m = matrix[0].length;
      throw new NetworkWiringError(where, `given ${fmt(matrix.length)}×${fmt(m)} (${fmt(matrix.length * m)} values), expected rows × ${fmt(n)}.`, `Every row needs ${n} entries, ${columns}.`);
    }
    if (widths.size > 1) {
      const i = matrix.findIndex((r) => r.length !== n);
      throw new NetworkWiringError(where, `row ${i} of the matrix has ${fmt(matrix[i].length)} entries, expected ${fmt(n)} (the rows are not all of one length).`, `Every row needs ${n} entries, ${columns}.`);
    }
    if (rows !== undefined && rows !== matrix.length) {
      throw new NetworkWiringError(where, `rows = ${rows} but the matrix has ${matrix.length} rows.`, 'Leave rows out for number[][], or give its length.');
    }
    rows = matrix.length;
    checkSize(where, rows, n);
    flat = allocate64(where, 'the matrix', rows * n, 'Use a smaller matrix, or split the connection into several Dot operators.');
    for (let r = 0; r < rows; r++) {
      const row = matrix[r];
      for (let j = 0; j < n; j++) {
        const x: unknown = row[j];
        if (typeof x !== 'number' || !Number.isFinite(x)) throw new NetworkWiringError(`${where} row ${r} column ${j}`, `the entry ${typeof x === 'number' ? x : describeValue(x)} is not a finite number.`, 'Give finite weights.');
        flat[r * n + j] = x;
      }
    }
  } else if (matrix instanceof Float64Array || matrix instanceof Float32Array) {
    const len = matrix.length;
    if (rows === undefined) {
      throw new NetworkWiringError(where, `a row-major matrix of ${fmt(len)} values needs its row count.`, `Pass it: Dot(matrix, source, rows), with rows × ${fmt(n)} (${columns}) = ${fmt(len)} values.`);
    }
    if (rows * n !== len) {
      throw new NetworkWiringError(where, `given ${fmt(len)} values for ${fmt(rows)} rows, expected ${fmt(rows)} × ${fmt(n)} = ${fmt(rows * n)}.`, `Give a (rows × ${fmt(n)}) row-major matrix, ${columns}.`);
    }
    const i = matrix.findIndex((x) => !Number.isFinite(x));
    if (i >= 0) throw new NetworkWiringError(`${where} row ${Math.floor(i / n)} column ${i % n}`, `the entry ${matrix[i]} is not a finite number.`, 'Give finite weights.');
    flat = allocate64(where, 'the matrix', len, 'Use a smaller matrix, or split the connection into several Dot operators.');
    flat.set(matrix);
  } else {
    throw new NetworkWiringError(where, `cannot use ${describeValue(matrix)} as a matrix.`, `Give number[][] (rows × ${n}), or a row-major Float64Array with rows.`);
  }
  return new Operator('dot', source, rows, undefined, flat);
}

function checkSize(where: string, rows: number, n: number): void {
  if (rows * n > MAX_ELEMENTS) {
    throw new NetworkWiringError(where, `a ${fmt(rows)} × ${fmt(n)} matrix has ${fmt(rows * n)} entries; one array holds at most ${fmt(MAX_ELEMENTS)}.`, 'Use a smaller matrix, or split the connection into several Dot operators.');
  }
}
