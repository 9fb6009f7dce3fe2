/** Input streams: data fed to containers, one row of `num` values per step. */
import { InputDataError } from '../errors.js';
import type { FloatArray } from '../backends/types.js';
import { alignedArray } from '../backends/native/binding.js';
import type { Dtype } from './plan.js';

/** What an input can be fed with. */
export type InputData =
  | Float64Array | Float32Array | number[][] | number
  | ((step: number) => number | ArrayLike<number>);

/** `num` streams of values; row k feeds step k of a run. */
export class Input {
  private rows: FloatArray | null = null;
  private value: number | null = 0;
  private fn: ((step: number) => number | ArrayLike<number>) | null = null;

  constructor(readonly name: string, readonly num: number) {}

  /** Where it comes from, for messages. */
  get label(): string {
    return this.name;
  }

  /** Rows available: the data's length, or Infinity for a number or a function. */
  get steps(): number {
    return this.rows ? this.rows.length / this.num : Infinity;
  }

  /**
   * Feeds the input.
   * @param data - (steps × num) row-major typed array, number[][] (steps rows of num),
   *   a number for every unit and step, or a function of the step giving a number or num values
   * @throws {@link InputDataError} on a wrong shape, element type or non-finite value
   */
  set(data: InputData): this {
    const where = `input '${this.name}'`;
    this.rows = null;
    this.value = null;
    this.fn = null;
    if (typeof data === 'number') {
      if (!Number.isFinite(data)) throw new InputDataError(where, `the value ${data} is not finite.`, 'Give a finite number.');
      this.value = data;
    } else if (typeof data === 'function') {
      this.fn = data;
    } else if (data instanceof Float64Array || data instanceof Float32Array) {
      if (data.length === 0 || data.length % this.num !== 0) {
        throw new InputDataError(where, `${data.length} values do not make rows of ${this.num}.`, `Give (steps × ${this.num}) values, row-major.`);
      }
      this.rows = data;
    } else if (Array.isArray(data)) {
      const bad = data.findIndex((r) => !Array.isArray(r) || r.length !== this.num || !r.every((x) => typeof x === 'number'));
      if (data.length === 0 || bad >= 0) {
        throw new InputDataError(`${where} row ${Math.max(bad, 0)}`, `expected an array of ${this.num} numbers.`, `Give number[][] with ${this.num} numbers per row (one row per step).`);
      }
      this.rows = Float64Array.from(data.flat());
    } else {
      throw new InputDataError(where, `cannot use ${Object.prototype.toString.call(data)} as input data.`, 'Give a Float64Array, Float32Array, number[][], a number or a function of the step.');
    }
    if (this.rows) {
      const i = this.rows.findIndex((x) => !Number.isFinite(x));
      if (i >= 0) throw new InputDataError(`${where} step ${Math.floor(i / this.num)} unit ${i % this.num}`, `the value ${this.rows[i]} is not finite.`, 'Replace NaN and infinity in the data.');
    }
    return this;
  }

  /**
   * The rows for steps [k0, k0 + steps) in the run's dtype: a view of the data
   * when it already has that type, else a filled copy.
   */
  block(k0: number, steps: number, dtype: Dtype): FloatArray {
    const n = this.num;
    if (this.rows && (dtype === 'float64' ? this.rows instanceof Float64Array : this.rows instanceof Float32Array)) {
      return this.rows.subarray(k0 * n, (k0 + steps) * n);
    }
    const out = alignedArray(dtype, steps * n);
    if (this.rows) out.set(this.rows.subarray(k0 * n, (k0 + steps) * n));
    else if (this.value !== null) out.fill(this.value);
    else if (this.fn) {
      for (let k = 0; k < steps; k++) {
        const v = this.fn(k0 + k);
        if (typeof v === 'number') out.fill(v, k * n, (k + 1) * n);
        else if (v && v.length === n) for (let i = 0; i < n; i++) out[k * n + i] = v[i];
        else throw new InputDataError(`input '${this.name}' step ${k0 + k}`, `the function gave ${typeof v === 'object' ? `${(v as ArrayLike<number>)?.length} values` : String(v)}, not a number or ${n} values.`, `Return a number or ${n} values.`);
        for (let i = k * n; i < (k + 1) * n; i++) {
          if (!Number.isFinite(out[i])) throw new InputDataError(`input '${this.name}' step ${k0 + k} unit ${i - k * n}`, `the function gave ${out[i]}.`, 'Return finite numbers.');
        }
      }
    }
    return out;
  }
}
