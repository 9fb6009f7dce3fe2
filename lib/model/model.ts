/** The `Model` base class that every neuron and synapse extends. */
import { InputDataError } from '../errors.js';
import { describeValue, didYouMean, isPlainObject } from '../options.js';
import { readModel, type ModelClass } from './read.js';
import type { ModelSpec } from './spec.js';

/** Per-instance values: parameters, inputs and initial states by name. */
export type ModelValues = Record<string, number>;

const OVERRIDES = Symbol('neural:overrides');
const VALUES = Symbol('neural:values');

/**
 * Base class of every model. Declare fields with the decorators; construct an
 * instance to override parameters or initial states:
 * `new HodgkinHuxley({ gNa: 100 })` has `gNa === 100` and the other defaults.
 *
 * This holds whether the subclass's fields are compiled as assignments
 * (`useDefineForClassFields: false`) or as class fields
 * (`useDefineForClassFields: true`, TypeScript's default for ES2022 and later):
 * a declared field such as `b!: number` is then defined as `undefined` after
 * this constructor ran, and the instance restores the value it was given.
 */
export class Model {
  /** Model time units per second; 1e3 means equations are written per ms. */
  static timeScale = 1;
  declare [OVERRIDES]: ModelValues;
  declare [VALUES]: ModelValues;

  /**
   * @param overrides - parameter, input or initial state values by name
   * @throws {@link ModelDefinitionError} when the class is declared wrongly
   * @throws {@link InputDataError} for something other than an object of values, an unknown name
   *   (naming the nearest one), or a value that is not a finite number
   */
  constructor(overrides: ModelValues = {}) {
    const spec = readModel(new.target);
    if (!isPlainObject(overrides)) {
      throw new InputDataError(spec.name, `takes an object of values by name, not ${describeValue(overrides)}.`, `Write e.g. new ${spec.name}({ ${spec.params[0]?.name ?? spec.states[0]?.name ?? 'x'}: 1 }).`);
    }
    checkValues(spec, overrides, spec.name);
    const values: ModelValues = Object.create(null);
    for (const list of [spec.params, spec.inputs]) for (const p of list) values[p.name] = overrides[p.name] ?? p.value;
    for (const s of spec.states) values[s.name] = overrides[s.name] ?? s.initial;
    Object.assign(this, values);
    Object.defineProperty(this, OVERRIDES, { value: { ...overrides }, enumerable: false });
    Object.defineProperty(this, VALUES, { value: Object.freeze({ ...values }), enumerable: false });
    // A subclass's class fields are defined on what this constructor returns,
    // after it returns: a declared field without an initialiser arrives as
    // `undefined` and gets the value given above instead.
    return new Proxy(this, {
      defineProperty(target, key, descriptor) {
        if (typeof key === 'string' && Object.hasOwn(values, key) && 'value' in descriptor && descriptor.value === undefined) {
          return Reflect.defineProperty(target, key, { ...descriptor, value: values[key] });
        }
        return Reflect.defineProperty(target, key, descriptor);
      },
    });
  }
}

/**
 * The values of an instance (parameters, inputs, initial states): those it
 * was given or the defaults, or what was assigned to its fields since.
 * @throws {@link InputDataError} when a field was set to something that is not a finite number
 */
export function valuesOf(instance: Model): ModelValues {
  const spec = readModel(instance.constructor as ModelClass);
  const self = instance as unknown as Record<string, unknown>;
  const given = instance[VALUES] ?? {};
  const out: Record<string, unknown> = {};
  // A field left undefined by a class-field definition falls back to the
  // value given at construction; anything else the field holds is checked.
  const read = (name: string, fallback: number): unknown => {
    const field = self[name];
    return field === undefined ? given[name] ?? fallback : field;
  };
  for (const x of [...spec.params, ...spec.inputs]) out[x.name] = read(x.name, x.value);
  for (const s of spec.states) out[s.name] = read(s.name, s.initial);
  checkValues(spec, out, spec.name);
  return out as ModelValues;
}

/**
 * Checks that every key names a parameter, input or state of the model, and
 * that every value is a finite number (not a string, bigint, null, NaN …);
 * `undefined` stands for the default.
 * @throws {@link InputDataError} naming the key, the nearest valid name and the names that exist,
 *   or the value that is not a finite number
 */
export function checkValues(spec: ModelSpec, values: Record<string, unknown>, where: string): void {
  const names = [...spec.params, ...spec.inputs, ...spec.states].map((x) => x.name);
  for (const [key, value] of Object.entries(values ?? {})) {
    if (!names.includes(key)) {
      throw new InputDataError(where, `'${key}' is not a parameter, input or state of ${spec.name}.`, `${didYouMean(key, names)}Use one of: ${names.join(', ')}.`);
    }
    if (value === undefined) continue; // not given: the default
    if (typeof value !== 'number') {
      throw new InputDataError(`${where}#${key}`, `${describeValue(value)} is not a number.`, `Give a finite number, e.g. { ${key}: ${defaultOf(spec, key)} }.`);
    }
    if (!Number.isFinite(value)) {
      throw new InputDataError(`${where}#${key}`, `the value ${value} is not finite.`, 'Give a finite number.');
    }
  }
}

function defaultOf(spec: ModelSpec, key: string): number {
  const p = [...spec.params, ...spec.inputs].find((x) => x.name === key);
  return p ? p.value : spec.states.find((s) => s.name === key)?.initial ?? 0;
}
