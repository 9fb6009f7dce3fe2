/**
 * Field decorators. Each one only records `{ kind, property, options }` on the
 * class it decorates; {@link readModel} reads and checks the records.
 */
import 'reflect-metadata';

/** What a decorator was used for. */
export type FieldKind = 'state' | 'param' | 'input' | 'derivative' | 'intermediate' | 'post';

/** One decorator application, exactly as the user wrote it (an *Args* record). */
export interface FieldRecord {
  kind: FieldKind;
  property: string;
  /** The initial value or default (state, param, input) or the equation text. */
  value: number | string;
  /** Extra options (`bounds` for states). */
  options?: StateOptionsArgs;
}

/** Options of {@link state}. */
export interface StateOptionsArgs {
  /** `[lower, upper]`: the state is clipped into this range after every step. */
  bounds?: [number, number];
}

const RECORDS = Symbol.for('neural:fields');

function record(kind: FieldKind, value: number | string, options?: StateOptionsArgs): PropertyDecorator {
  return (target, property) => {
    const own: FieldRecord[] = Reflect.getOwnMetadata(RECORDS, target) ?? [];
    Reflect.defineMetadata(RECORDS, [...own, { kind, property: String(property), value, options }], target);
  };
}

/** The records a class declared itself (not its parents), in declaration order. */
export function ownRecords(prototype: object): readonly FieldRecord[] {
  return Reflect.getOwnMetadata(RECORDS, prototype) ?? [];
}

/**
 * Declares a state variable and its initial value.
 * @param initial - value at the start of a run
 * @param options - `bounds: [lower, upper]` clips the state after each step
 * @example `@state(-60, { bounds: [-80, 30] }) v!: number;`
 */
export const state = (initial: number, options?: StateOptionsArgs) => record('state', initial, options);
/** Declares a parameter with its default value. @example `@param(120) gNa!: number;` */
export const param = (defaultValue: number) => record('param', defaultValue);
/** Declares an input (driven by a network connection) with its default value. */
export const input = (defaultValue = 0) => record('input', defaultValue);
/**
 * Gives the time derivative of a state as a mathjs expression.
 * @example `@derivative('(stimulus + bias) / c')`
 */
export const derivative = (expression: string) => record('derivative', expression);
/** Names a sub-expression that derivatives and posts may use by name. */
export const intermediate = (expression: string) => record('intermediate', expression);
/**
 * Gives the value a state takes after every solver step. All posts of a model
 * are evaluated from the values before any of them is applied.
 */
export const post = (expression: string) => record('post', expression);
