/** Input streams: data fed to containers, one row of `num` values per step. */
import { InputDataError } from '../errors.js';
import type { FloatArray } from '../plan/types.js';
import { describeValue } from '../options.js';
import { allocate, allocationError, checkElements } from '../plan/arrays.js';
import type { Dtype } from '../plan/types.js';

/** What an input can be fed with. */
export type InputData =
  | Float64Array | Float32Array | number[][] | number
  | ((step: number) => number | ArrayLike<number>);

/** `num` streams of values; row k feeds step k of a run. Create with `network.input()`. */
export class Input {
  private rows: FloatArray | null = null;
  private value: number | null = 0;
  private fn: ((step: number) => number | ArrayLike<number>) | null = null;

  /**
   * @param name - the input's name, for messages
   * @param num - the number of streams (values per row)
   */
  constructor(readonly name: string, readonly num: number) {}

  /** @internal Refuses a change while the network is busy (throws BusyError). */
  guard?: (call: string) => void;

  /** Where it comes from, for messages. */
  get label(): string {
    return this.name;
  }

  /** Rows available: the data's length, or Infinity for a number or a function. */
  get steps(): number {
    return this.rows ? this.rows.length / this.num : Infinity;
  }

  /**
   * Feeds the input. Before anything changes, the data is checked (shape,
   * element type, every value finite), so that a refused `set()` leaves the
   * input as it was.
   *
   * Arrays are copied: a Float64Array or Float32Array into a new array of the
   * same type, number[][] into a Float64Array. The input then holds its own
   * copy (memory: 8 bytes per value, 4 for Float32Array, for as long as the
   * input keeps the data), so that writing into the caller's array later
   * (NaN included) cannot reach a run. A function is called for each step
   * during the run, and what it returns is checked there.
   *
   * Refused while a run, compile or reset of the network is in progress.
   * @param data - (steps × num) row-major typed array, number[][] (steps rows of num),
   *   a number for every unit and step, or a function of the step giving a number or num values
   * @throws {@link InputDataError} on a wrong shape, element type or non-finite value, or data too large to copy
   * @throws {@link BusyError} while a run, compile or reset is in progress
   */
  set(data: InputData): this {
    this.guard?.(`input '${this.name}'.set`);
    const where = `input '${this.name}'`;
    const n = this.num;
    let rows: FloatArray | null = null;
    let value: number | null = null;
    let fn: ((step: number) => number | ArrayLike<number>) | null = null;
    if (typeof data === 'number') {
      if (!Number.isFinite(data)) throw new InputDataError(where, `the value ${data} is not finite.`, 'Give a finite number.');
      value = data;
    } else if (typeof data === 'function') {
      fn = data;
    } else if (data instanceof Float64Array || data instanceof Float32Array) {
      if (data.length === 0 || data.length % n !== 0) {
        throw new InputDataError(where, `${data.length} values do not make rows of ${n}.`, `Give (steps × ${n}) values, row-major.`);
      }
      checkFinite(where, data, n);
      try {
        rows = data.slice();
      } catch (error) {
        throw allocationError(where, 'the copy of the data', data.byteLength, 'Give less data at a time (run in shorter pieces and set the next rows in between).', error);
      }
    } else if (Array.isArray(data)) {
      const bad = data.findIndex((r) => !Array.isArray(r) || r.length !== n || !r.every((x) => typeof x === 'number'));
      if (data.length === 0 || bad >= 0) {
        throw new InputDataError(`${where} row ${Math.max(bad, 0)}`, `expected an array of ${n} numbers.`, `Give number[][] with ${n} numbers per row (one row per step).`);
      }
      const fix = 'Give the data as rows of a Float64Array in shorter pieces (run in parts).';
      checkElements(where, 'the data', data.length * n, fix);
      const flat = allocate(where, 'the data', 'float64', data.length * n, fix);
      data.forEach((r, k) => flat.set(r, k * n));
      checkFinite(where, flat, n);
      rows = flat;
    } else {
      throw new InputDataError(where, `cannot use ${describeValue(data)} as input data.`, 'Give a Float64Array, Float32Array, number[][], a number or a function of the step.');
    }
    this.rows = rows;
    this.value = value;
    this.fn = fn;
    return this;
  }

  /**
   * The rows for steps [k0, k0 + steps) in the run's dtype: a view of the data
   * when it already has that type, else a filled copy.
   * @throws {@link InputDataError} when a function gives a wrong size or a value that is not a finite number
   */
  block(k0: number, steps: number, dtype: Dtype): FloatArray {
    const n = this.num;
    if (this.rows && (dtype === 'float64' ? this.rows instanceof Float64Array : this.rows instanceof Float32Array)) {
      return this.rows.subarray(k0 * n, (k0 + steps) * n);
    }
    const out = allocate(`input '${this.name}'`, `a block of ${steps} steps`, dtype, steps * n, 'Run with a smaller blockSteps.');
    if (this.rows) {
      const part = this.rows.subarray(k0 * n, (k0 + steps) * n);
      out.set(part);
      // float64 data in a float32 run: a finite value may overflow to infinity.
      for (let i = 0; i < out.length; i++) {
        if (!Number.isFinite(out[i])) throw new InputDataError(`input '${this.name}' step ${k0 + Math.floor(i / n)} unit ${i % n}`, `the value ${part[i]} is outside the range of ${dtype}.`, "Scale the data, or compile with dtype 'float64'.");
      }
    } else if (this.value !== null) out.fill(this.value);
    else if (this.fn) {
      for (let k = 0; k < steps; k++) {
        const v: unknown = this.fn(k0 + k);
        const where = `input '${this.name}' step ${k0 + k}`;
        if (typeof v === 'number') out.fill(v, k * n, (k + 1) * n);
        else if ((Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) && (v as ArrayLike<unknown>).length === n) {
          const list = v as ArrayLike<unknown>;
          for (let i = 0; i < n; i++) {
            const x = list[i];
            if (typeof x !== 'number') throw new InputDataError(`${where} unit ${i}`, `the function gave ${describeValue(x)}, not a number.`, 'Return finite numbers.');
            out[k * n + i] = x;
          }
        } else {
          const size = Array.isArray(v) || ArrayBuffer.isView(v) ? `${(v as ArrayLike<unknown>).length} values` : describeValue(v);
          throw new InputDataError(where, `the function gave ${size}, not a number or ${n} values.`, `Return a number or ${n} values.`);
        }
        for (let i = k * n; i < (k + 1) * n; i++) {
          if (!Number.isFinite(out[i])) throw new InputDataError(`${where} unit ${i - k * n}`, `the function gave ${out[i]}.`, 'Return finite numbers.');
        }
      }
    }
    return out;
  }
}

function checkFinite(where: string, rows: ArrayLike<number>, n: number): void {
  for (let i = 0; i < rows.length; i++) {
    if (!Number.isFinite(rows[i])) throw new InputDataError(`${where} step ${Math.floor(i / n)} unit ${i % n}`, `the value ${rows[i]} is not finite.`, 'Replace NaN and infinity in the data.');
  }
}
