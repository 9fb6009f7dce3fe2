/**
 * Field decorators. Each one only records `{ kind, property, options }` on the
 * class it decorates; {@link readModel} reads and checks the records.
 *
 * The same decorators work in both forms TypeScript compiles:
 * - legacy decorators (`experimentalDecorators: true`), called as
 *   `(prototype, propertyKey)`: the records go on the prototype (reflect-metadata);
 * - standard decorators (TypeScript 5 without `experimentalDecorators`), called
 *   as `(undefined, context)` with `context.kind === 'field'`: the records go on
 *   `context.metadata`, the class's own `Symbol.metadata` object.
 *
 * {@link ownRecords} reads both, so a class compiled one way may extend a class
 * compiled the other way. Plain JavaScript can call a decorator by hand,
 * `state(0)(MyModel.prototype, 'v')`, or use {@link defineModel}.
 */
import 'reflect-metadata';
import { ModelDefinitionError } from '../errors.js';

/**
 * Standard decorators read `Symbol.metadata` when a class is defined; Node.js
 * 20 and 22 do not have it yet. It is set here, when the library is imported,
 * which is before any model class that imports the decorators is defined.
 */
const symbols = Symbol as unknown as { metadata?: symbol };
symbols.metadata ??= Symbol.for('Symbol.metadata');
const METADATA: symbol = symbols.metadata;

/** What a decorator was used for. */
export type FieldKind = 'state' | 'param' | 'input' | 'derivative' | 'intermediate' | 'post' | 'spike' | 'pathway' | 'summed';

/** One decorator application, exactly as the user wrote it (an *Args* record). */
export interface FieldRecord {
  kind: FieldKind;
  property: string;
  /** The initial value or default (state, param, input) or the equation text. */
  value: number | string;
  /** Extra options (`bounds` and `unit` for states, `unit` for parameters, inputs and intermediates, `unlessRefractory` for derivatives, the spike's threshold, reset and refractory period). */
  options?: StateOptionsArgs | UnitOptionsArgs | DerivativeOptionsArgs | SpikeOptionsArgs | PathwayOptionsArgs;
}

/**
 * Options of {@link param}, {@link input} and {@link intermediate}: the
 * field's physical unit.
 */
export interface UnitOptionsArgs {
  /**
   * The unit of the field's values: a unit name with an SI prefix or a
   * product of them (`'mV'`, `'ms'`, `'nS'`, `'uA/cm^2'`, `'1/ms'`), or
   * `'1'` for a pure number. A model whose fields declare units is checked
   * dimensionally when it is read, and every field must then declare one;
   * its equations may write constants with units (`-65 mV`,
   * `(v - vt) / (4 mV)`). The units of a model must be coherent: one scale
   * per quantity (v and E in mV, not one in V), with the time unit of
   * `timeScale` (ms for 1e3). Values, defaults and bounds are numbers in
   * this unit.
   *
   * In a synapse model, the name of a variable of the units it joins
   * (`'ge_post'`, `'v_pre'`) gives the field that variable's unit: a weight
   * that adds to `ge_post` is in the unit of the target's `ge`, whatever
   * model the target is. Such a field is checked when the synapses are made
   * between models with units.
   */
  unit?: string;
}

/** Options of {@link state}. */
export interface StateOptionsArgs extends UnitOptionsArgs {
  /** `[lower, upper]`: the state is clipped into this range after every step. */
  bounds?: [number, number];
  /**
   * How a recording that keeps every n-th step combines the steps in
   * between (the default of `record(…, { rate })` for this state): `'max'`
   * for an event flag (a 0/1 spike state: a row is 1 when the unit fired in
   * any of its steps), `'sum'` for counts; absent: the value at the kept step.
   */
  reduce?: 'max' | 'sum';
}

/** Options of {@link derivative}. */
export interface DerivativeOptionsArgs {
  /**
   * Hold the state during the refractory period that follows each spike
   * (Brian2's `(unless refractory)`): its update is skipped in a step whose
   * time is within the period (the same test as the threshold's, at the
   * start of the step). The model must declare a refractory period.
   */
  unlessRefractory?: boolean;
  /**
   * In a synapse model: the state is not integrated every step but brought
   * up to date when an event of the synapse (a spike arriving, `@onPre`,
   * or its target firing, `@onPost`) reads or changes it, from the time of
   * the synapse's last event (Brian2's `(event-driven)`). The equation must
   * be linear in the state with constant coefficients, e.g. `-Apre / taupre`:
   * it is solved exactly over the time since the last event.
   */
  eventDriven?: boolean;
}

/** Options of {@link onPre} and {@link onPost}: which spikes run the statements. */
export interface PathwayOptionsArgs {
  /** `'pre'`: the synapse's source unit fired (after the synapse's delay); `'post'`: its target unit fired. */
  on: 'pre' | 'post';
  /** The statements, as written: `'ge_post += w'`, `['Apre += dApre', 'w = clip(w + Apost, 0, wmax)']`. */
  statements: string | readonly string[];
}

/** Options of {@link spike}: when a unit fires and what firing does. */
export interface SpikeOptionsArgs {
  /** The spike condition, evaluated after each step's update (before `@post`), e.g. `'v > vt'`. */
  threshold: string;
  /**
   * Statements run in a unit that fires, in order, e.g. `'v = vr'` or
   * `['v = vr', 'w += b']` (also `'v = vr; w += b'`); `=`, `+=`, `-=`, `*=`
   * and `/=` on states.
   */
  reset?: string | readonly string[];
  /**
   * The refractory period after a spike, in the model's time unit (the unit
   * of its equations, `1 / timeScale` seconds): a number, or an expression
   * such as `'tref'`, evaluated each step. While it lasts, the unit cannot
   * fire again and states declared with `unlessRefractory` are held.
   */
  refractory?: number | string;
}

/**
 * A model field decorator. It type-checks, and works, both as a legacy
 * decorator (`experimentalDecorators: true`) and as a standard TypeScript 5
 * field decorator.
 */
export interface FieldDecorator {
  /** Legacy form (`experimentalDecorators`), or by hand: `state(0)(MyModel.prototype, 'v')`. */
  (prototype: object, propertyKey: string | symbol): void;
  /** Standard (TC39) field decorator form. */
  <This, Value>(value: undefined, context: ClassFieldDecoratorContext<This, Value>): void;
}

const RECORDS = Symbol.for('neural:fields');

type Bag = Record<PropertyKey, unknown>;

function record(kind: FieldKind, value: number | string, options?: FieldRecord['options']): FieldDecorator {
  const decorate = (target: unknown, context: unknown): void => {
    const entry = (property: string): FieldRecord => ({ kind, property, value, options });
    if (typeof context === 'object' && context !== null && 'kind' in context) {
      standard(kind, target, context as DecoratorContext, entry);
      return;
    }
    if (typeof context !== 'string' && typeof context !== 'symbol') {
      throw new ModelDefinitionError(`@${kind}`, `was called with (${describe(target)}, ${describe(context)}), which is neither a legacy (prototype, name) nor a standard (undefined, context) field decorator call.`, `Write it on a field, e.g. '@${kind}(…) x!: number;', or call it as ${kind}(…)(MyModel.prototype, 'x').`);
    }
    const name = String(context);
    if (typeof target === 'function') {
      throw new ModelDefinitionError(`${target.name || 'Model'}#${name}`, `@${kind} is on a static field.`, 'Model fields are instance fields: remove static.');
    }
    if (typeof target !== 'object' || target === null) {
      throw new ModelDefinitionError(`@${kind}`, `was called with ${describe(target)} where a class prototype was expected.`, `Call it as ${kind}(…)(MyModel.prototype, '${name}').`);
    }
    const own: FieldRecord[] = Reflect.getOwnMetadata(RECORDS, target) ?? [];
    Reflect.defineMetadata(RECORDS, [...own, entry(name)], target);
  };
  return decorate as FieldDecorator;
}

/** Records a standard decorator application on the class's metadata object. */
function standard(kind: FieldKind, target: unknown, context: DecoratorContext, entry: (property: string) => FieldRecord): void {
  const name = typeof context.name === 'symbol' ? context.name.toString() : String(context.name);
  if (context.kind !== 'field') {
    throw new ModelDefinitionError(`#${name}`, `@${kind} is on ${/^[aeiou]/.test(context.kind) ? 'an' : 'a'} ${context.kind}; model decorators go on fields.`, `Declare it as a field, e.g. '@${kind}(…) ${name}!: number;'.`);
  }
  const field = context as ClassFieldDecoratorContext;
  if (field.static) throw new ModelDefinitionError(`#${name}`, `@${kind} is on a static field.`, 'Model fields are instance fields: remove static.');
  if (field.private) throw new ModelDefinitionError(`#${name}`, `@${kind} is on a private field.`, `Use a public field name, e.g. '${name.replace(/^#/, '')}'.`);
  if (target !== undefined) {
    throw new ModelDefinitionError(`#${name}`, `@${kind} was given ${describe(target)} as the field's value.`, 'Apply it as a decorator, not by hand, or call it as a legacy decorator with (prototype, name).');
  }
  const metadata = field.metadata as Bag | undefined;
  if (typeof metadata !== 'object' || metadata === null) {
    throw new ModelDefinitionError(
      `#${name}`,
      `@${kind} was applied as a standard decorator but the class has no decorator metadata (Symbol.metadata was not defined when the class was).`,
      "Import the library (e.g. import { Model } from 'neural-ts') before the class is defined, or compile with experimentalDecorators: true.",
    );
  }
  const own = Object.hasOwn(metadata, RECORDS) ? (metadata[RECORDS] as FieldRecord[]) : [];
  metadata[RECORDS] = [...own, entry(name)];
}

function describe(x: unknown): string {
  if (typeof x === 'function') return `function ${x.name || '(anonymous)'}`;
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (typeof x === 'object' && x !== null) return Array.isArray(x) ? 'an array' : 'an object';
  return String(x);
}

/**
 * The records a class declared itself (not its parents), in the order they
 * were made: those of standard decorators (on the class's own
 * `Symbol.metadata` object, made when the class was defined), then those on
 * the prototype (legacy decorators, or {@link defineModel} afterwards).
 */
export function ownRecords(prototype: object): readonly FieldRecord[] {
  const legacy: readonly FieldRecord[] = Reflect.getOwnMetadata(RECORDS, prototype) ?? [];
  const ctor = Object.getOwnPropertyDescriptor(prototype, 'constructor')?.value as unknown;
  const metadata = typeof ctor === 'function' ? (Object.getOwnPropertyDescriptor(ctor, METADATA)?.value as unknown) : undefined;
  const standardOnes = typeof metadata === 'object' && metadata !== null && Object.hasOwn(metadata, RECORDS) ? ((metadata as Bag)[RECORDS] as readonly FieldRecord[]) : [];
  return legacy.length === 0 ? standardOnes : standardOnes.length === 0 ? legacy : [...standardOnes, ...legacy];
}

/**
 * Declares a state variable and its initial value.
 * @param initial - value at the start of a run (in the state's unit)
 * @param options - `bounds: [lower, upper]` clips the state after each step; `unit` (see {@link UnitOptionsArgs})
 * @example `@state(-60, { bounds: [-80, 30] }) v!: number;`
 * @example `@state(-65, { unit: 'mV' }) v!: number;`
 */
export const state = (initial: number, options?: StateOptionsArgs): FieldDecorator => record('state', initial, options);
/**
 * Declares a parameter with its default value.
 * @param options - `unit` (see {@link UnitOptionsArgs})
 * @example `@param(120) gNa!: number;`
 * @example `@param(20, { unit: 'ms' }) tau!: number;`
 */
export const param = (defaultValue: number, options?: UnitOptionsArgs): FieldDecorator => record('param', defaultValue, options);
/**
 * Declares an input (driven by a network connection) with its default value.
 * @param options - `unit` (see {@link UnitOptionsArgs})
 * @example `@input(0, { unit: 'uA/cm^2' }) stimulus!: number;`
 */
export const input = (defaultValue = 0, options?: UnitOptionsArgs): FieldDecorator => record('input', defaultValue, options);
/**
 * Gives the time derivative of a state as a mathjs expression. It may read
 * the time `t`, the step `dt`, and `xi`: Gaussian white noise (of unit
 * 1/sqrt(time unit), independent for each state, unit and step), which makes
 * the equation stochastic (integrated by Euler–Maruyama; the noise must be
 * additive: its factor may not depend on a state).
 * @param options - `unlessRefractory: true` holds the state during the refractory period
 * @example `@derivative('(stimulus + bias) / c')`
 * @example `@derivative('(El - v) / tau + sigma * sqrt(2 / tau) * xi', { unlessRefractory: true })`
 */
export const derivative = (expression: string, options?: DerivativeOptionsArgs): FieldDecorator => record('derivative', expression, options);
/**
 * Names a sub-expression that derivatives and posts may use by name.
 * @param options - `unit` (see {@link UnitOptionsArgs})
 * @example `@intermediate('0.125 / ms * exp(-(v + 65 mV) / (80 mV))', { unit: '1/ms' }) beta_n!: number;`
 */
export const intermediate = (expression: string, options?: UnitOptionsArgs): FieldDecorator => record('intermediate', expression, options);
/**
 * Gives the value a state takes after every solver step. All posts of a model
 * are evaluated from the values before any of them is applied.
 */
export const post = (expression: string): FieldDecorator => record('post', expression);

/**
 * Declares the model's spike: the field names the event (record it with
 * `record('spike')` to get the indices and times of the units that fired).
 * After every step's update (and the clipping to bounds, before `@post`), a
 * unit whose `threshold` holds and that is not refractory fires: its `reset`
 * statements run, `lastspike` (readable in equations, like `not_refractory`)
 * becomes the step's time `t`, and the refractory period starts.
 * @example `@spike({ threshold: 'v > vt', reset: 'v = vr', refractory: 5 }) spike!: number;`
 */
export const spike = (options: SpikeOptionsArgs): FieldDecorator => record('spike', '', options);

/**
 * In a synapse model: statements run for each synapse whose source unit
 * fired, once the synapse's delay has passed (Brian2's `on_pre`). They run
 * in order, each seeing the changes of those before it; `=`, `+=`, `-=`,
 * `*=` and `/=` on the synapse's states, or on a state of the target
 * (`ge_post`) or source (`x_pre`) unit. They read the synapse's parameters
 * and states, `x_pre` and `x_post` of the units it joins, and `t`.
 * @example `@onPre('ge_post += w') pre!: never;`
 * @example `@onPre(['ge_post += w', 'Apre += dApre', 'w = clip(w + Apost, 0, wmax)']) pre!: never;`
 */
export const onPre = (statements: string | readonly string[]): FieldDecorator => record('pathway', '', { on: 'pre', statements });
/**
 * In a synapse model: statements run for each synapse whose target unit
 * fired, in the step it fired (Brian2's `on_post`), as {@link onPre}.
 * @example `@onPost(['Apost += dApost', 'w = clip(w + Apre, 0, wmax)']) post!: never;`
 */
export const onPost = (statements: string | readonly string[]): FieldDecorator => record('pathway', '', { on: 'post', statements });

/**
 * In a synapse model: a variable of the target that is, in every step, the
 * sum over the synapses reaching each target unit of an expression of the
 * synapse's variables and of `x_pre`, `x_post` (Brian2's `(summed)`). The
 * field is named `<input>_post`, where `<input>` is an `@input` of the
 * target model; the sum is added to whatever else that input is connected
 * to, before the target steps.
 * @example `@summed('w * (v_pre - v_post)') Igap_post!: number;` (gap junctions)
 */
export const summed = (expression: string): FieldDecorator => record('summed', expression);

/** The fields of {@link defineModel}: one decorator or several per field name. */
export type FieldDecorators = Record<string, FieldDecorator | readonly FieldDecorator[]>;

/**
 * Declares the fields of a model class without decorator syntax (plain
 * JavaScript, or TypeScript without decorators). Each entry is what would be
 * written above the field, in the same order:
 * ```js
 * const Leak = defineModel(class Leak extends Model {}, {
 *   tau: param(0.02),
 *   v: [state(0), derivative('-v / tau')],
 * });
 * ```
 * @param ctor - the class (extends Model); its parent's fields are inherited
 * @param fields - decorators by field name
 * @returns the same class
 */
export function defineModel<C extends abstract new (...args: never[]) => object>(ctor: C, fields: FieldDecorators): C {
  if (typeof ctor !== 'function') {
    throw new ModelDefinitionError('defineModel', `${describe(ctor)} is not a class.`, 'Pass a class that extends Model, e.g. defineModel(class Leak extends Model {}, { … }).');
  }
  if (typeof fields !== 'object' || fields === null) {
    throw new ModelDefinitionError(`defineModel(${ctor.name || 'Model'})`, `the fields are ${describe(fields)}.`, "Pass an object of decorators by field name, e.g. { v: [state(0), derivative('-v')] }.");
  }
  for (const name of Object.keys(fields)) {
    const list = fields[name];
    const decorators = Array.isArray(list) ? list : [list];
    // Decorators written above a field apply from the bottom up; the list reads top-down.
    for (const d of [...decorators].reverse()) {
      if (typeof d !== 'function') {
        throw new ModelDefinitionError(`${ctor.name || 'Model'}#${name}`, `${describe(d)} is not a decorator.`, "Use state(…), param(…), input(…), derivative('…'), intermediate('…') or post('…').");
      }
      (d as FieldDecorator)(ctor.prototype as object, name);
    }
  }
  return ctor;
}
