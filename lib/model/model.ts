/** The `Model` base class that every neuron and synapse extends. */
import { InputDataError } from '../errors.js';
import { readModel, type ModelClass } from './read.js';
import type { ModelSpec } from './spec.js';

/** Per-instance values: parameters, inputs and initial states by name. */
export type ModelValues = Record<string, number>;

const OVERRIDES = Symbol('neural:overrides');

/**
 * Base class of every model. Declare fields with the decorators; construct an
 * instance to override parameters or initial states:
 * `new HodgkinHuxley({ gNa: 100 })` has `gNa === 100` and the other defaults.
 */
export class Model {
  /** Model time units per second; 1e3 means equations are written per ms. */
  static timeScale = 1;
  declare [OVERRIDES]: ModelValues;

  /**
   * @param overrides - parameter, input or initial state values by name
   * @throws {@link ModelDefinitionError} when the class is declared wrongly
   * @throws {@link InputDataError} for an unknown name or a non-finite value
   */
  constructor(overrides: ModelValues = {}) {
    const spec = readModel(new.target);
    checkValues(spec, overrides, spec.name);
    const self = this as unknown as Record<string, number>;
    for (const list of [spec.params, spec.inputs]) for (const p of list) self[p.name] = overrides[p.name] ?? p.value;
    for (const s of spec.states) self[s.name] = overrides[s.name] ?? s.initial;
    Object.defineProperty(this, OVERRIDES, { value: { ...overrides }, enumerable: false });
  }
}

/** The values an instance was given (parameters, inputs, initial states). */
export function valuesOf(instance: Model): ModelValues {
  const spec = readModel(instance.constructor as ModelClass);
  const self = instance as unknown as Record<string, number>;
  const out: ModelValues = {};
  for (const x of [...spec.params, ...spec.inputs]) out[x.name] = self[x.name];
  for (const s of spec.states) out[s.name] = self[s.name];
  return out;
}

/**
 * Checks that every key names a parameter, input or state of the model.
 * @throws {@link InputDataError} naming the key and the names that exist
 */
export function checkValues(spec: ModelSpec, values: Record<string, unknown>, where: string): void {
  const names = [...spec.params, ...spec.inputs, ...spec.states].map((x) => x.name);
  for (const [key, value] of Object.entries(values ?? {})) {
    if (!names.includes(key)) {
      throw new InputDataError(where, `'${key}' is not a parameter, input or state of ${spec.name}.`, `Use one of: ${names.join(', ')}.`);
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new InputDataError(`${where}#${key}`, `the value ${value} is not finite.`, 'Give a finite number.');
    }
  }
}
