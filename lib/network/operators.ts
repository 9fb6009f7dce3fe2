/**
 * Sources of a connection other than an input stream or a number: a
 * container's variable (`container.ref('I')`) and operators over a source.
 */
import { NetworkWiringError } from '../errors.js';
import type { Container } from './container.js';
import type { Input } from './input.js';

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
  ) {}
  /** Where it comes from, for messages. */
  get label(): string {
    return `${this.kind}(${this.source.label})`;
  }
}

function positiveInt(name: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 1) {
    throw new NetworkWiringError(name, `${String(x)} is not a positive integer.`, 'Give a whole number of at least 1.');
  }
  return x;
}

function checkSource(name: string, source: unknown): OperandSource {
  const ok = source instanceof VarRef || source instanceof Operator || (typeof source === 'object' && source !== null && (source as { constructor?: { name?: string } }).constructor?.name === 'Input');
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
export const Repeat = (source: OperandSource, times: number) =>
  new Operator('repeat', checkSource('Repeat', source), source.num * positiveInt(`Repeat(${source.label})`, times), times);

/**
 * A dense matrix times the source's values: `out[r] = Σ_j M[r][j] · x[j]`.
 * @param matrix - (rows × source.num), as number[][] or a row-major array with `rows`
 */
export function Dot(matrix: number[][] | Float64Array, source: OperandSource, rows?: number): Operator {
  checkSource('Dot', source);
  const n = source.num;
  let flat: Float64Array;
  if (Array.isArray(matrix)) {
    if (!matrix.every((r) => Array.isArray(r) && r.length === n)) {
      throw new NetworkWiringError(`Dot(${source.label})`, `every matrix row must have ${n} entries (one per source value).`, `Give a (rows × ${n}) matrix.`);
    }
    flat = Float64Array.from(matrix.flat());
    rows = matrix.length;
  } else {
    flat = Float64Array.from(matrix);
    rows ??= flat.length / n;
    if (!Number.isInteger(rows) || rows * n !== flat.length) {
      throw new NetworkWiringError(`Dot(${source.label})`, `a row-major matrix of ${flat.length} values is not (rows × ${n}).`, 'Pass rows, or a matrix whose length is a multiple of the source size.');
    }
  }
  if (!flat.every(Number.isFinite)) throw new NetworkWiringError(`Dot(${source.label})`, 'the matrix holds NaN or infinity.', 'Give finite weights.');
  return new Operator('dot', source, rows, undefined, flat);
}
