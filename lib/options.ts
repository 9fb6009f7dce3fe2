/**
 * Checking the options objects of the public API: every key must be one the
 * call knows (a misspelt key is refused with the nearest valid one), and every
 * value must have the type the call expects. One checker serves every layer,
 * so that `compile({ dtpye: 'float32' })`, `run(dt, { checkFinite: 'false' })`
 * and `emit(M, 'c', { dtype: 'float16' })` are refused alike instead of being
 * ignored or misread.
 *
 * @module
 */
import { InputDataError, describeValue } from './errors.js';

/** How messages show a value; defined with the error catalogue, re-exported for the option checks' callers. */
export { describeValue };

/** What one option may hold. `undefined` always means "not given". */
export type OptionRule =
  /** `true` or `false`. */
  | { type: 'boolean' }
  /** A whole number of at least 1 (at most 2^53 − 1); `fix` replaces the default advice. */
  | { type: 'count'; fix?: string }
  /** A finite number. */
  | { type: 'number' }
  /** A string. */
  | { type: 'string' }
  /** One of the listed strings. */
  | { type: 'enum'; values: readonly string[] }
  /** A plain object (e.g. values by name), checked further by the caller. */
  | { type: 'record' }
  /** An array of strings. */
  | { type: 'strings' }
  /** An `AbortSignal`. */
  | { type: 'signal' }
  /** A function. */
  | { type: 'function' }
  /** Anything; the caller checks it. */
  | { type: 'any' };

/** The options a call takes: key → rule (with `required` for keys that must be given). */
export type OptionRules = Readonly<Record<string, OptionRule & { required?: boolean }>>;

/** More help for the messages of {@link checkOptions}. */
export interface OptionsHelp {
  /**
   * The advice when something other than an options object was given, e.g.
   * `compile('cpu')` → "Write compile({ backend: 'cpu' })".
   */
  usage?: (given: unknown) => string;
  /** Keys that belong to another call, with that call's name, e.g. `{ checkFinite: 'Network.run' }`. */
  elsewhere?: Readonly<Record<string, string>>;
  /** The call's name for those messages, when `where` names something else (default: `where`). */
  call?: string;
}

/**
 * Rules that take any value for each key: for calls whose values are checked
 * one by one where they are used, so that only unknown keys remain to refuse.
 * @param keys - the keys the call knows
 */
export function keysOnly(...keys: string[]): OptionRules {
  return Object.fromEntries(keys.map((k) => [k, { type: 'any' } as const]));
}

/**
 * Checks an options object against its rules and returns it (typed as `T`).
 * `undefined` stands for `{}`; a key whose value is `undefined` counts as not
 * given.
 * @param where - the call, for messages, e.g. `'Network.compile'`
 * @param given - what the caller passed
 * @param rules - the keys the call knows and what each may hold
 * @param help - advice for a non-object and for keys of other calls
 * @throws {@link InputDataError} for a value that is not a plain object, an
 *   unknown key (naming the nearest valid key), a value of the wrong type or
 *   outside its set, or a missing required key
 */
export function checkOptions<T extends object>(where: string, given: unknown, rules: OptionRules, help: OptionsHelp = {}): T {
  const keys = Object.keys(rules);
  if (given === undefined) given = {};
  if (!isPlainObject(given)) {
    const fix = help.usage?.(given) ?? `Pass an object with some of: ${keys.join(', ')}; or nothing.`;
    throw new InputDataError(where, `takes an options object, not ${describeValue(given)}.`, fix);
  }
  const options = given as Record<string, unknown>;
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(rules, key)) continue;
    const other = help.elsewhere && Object.hasOwn(help.elsewhere, key) ? help.elsewhere[key] : undefined;
    if (other) {
      const call = help.call ?? where;
      throw new InputDataError(where, `'${key}' is an option of ${other}, not of ${call}.`, `Pass it to ${other}; ${call} takes: ${keys.join(', ')}.`);
    }
    const near = nearest(key, keys);
    throw new InputDataError(where, `'${key}' is not an option.`, `${near ? `Did you mean '${near}'? ` : ''}Options: ${keys.join(', ')}.`);
  }
  for (const [key, rule] of Object.entries(rules)) {
    const value = options[key];
    if (value === undefined) {
      if (rule.required) throw new InputDataError(where, `the option '${key}' is missing.`, `Pass ${key} (${expected(rule)}).`);
      continue;
    }
    checkRule(where, key, value, rule);
  }
  return options as T;
}

function checkRule(where: string, key: string, value: unknown, rule: OptionRule): void {
  switch (rule.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw new InputDataError(where, `${key} = ${describeValue(value)} is not a boolean.`, `Write ${key}: true or ${key}: false.`);
      return;
    case 'count':
      if (typeof value === 'number' && Number.isInteger(value) && value > Number.MAX_SAFE_INTEGER) {
        throw new InputDataError(where, `${key} = ${value} is larger than 2^53 − 1, where whole numbers stop being exact.`, rule.fix ?? `Give ${key} as a smaller whole number.`);
      }
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
        throw new InputDataError(where, `${key} = ${typeof value === 'number' ? String(value) : describeValue(value)} is not a positive integer.`, rule.fix ?? `Give ${key} as a whole number of at least 1.`);
      }
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new InputDataError(where, `${key} = ${describeValue(value)} is not a finite number.`, `Give ${key} as a number.`);
      return;
    case 'string':
      if (typeof value !== 'string') throw new InputDataError(where, `${key} = ${describeValue(value)} is not a string.`, `Give ${key} as a string.`);
      return;
    case 'enum':
      if (typeof value !== 'string' || !rule.values.includes(value)) {
        const near = typeof value === 'string' ? nearest(value, rule.values) : undefined;
        const what = typeof value === 'string' ? `${key} '${value}' is unknown.` : `${key} = ${describeValue(value)} is not one of its names.`;
        const list = rule.values.length === 2 ? `Use '${rule.values[0]}' or '${rule.values[1]}'.` : `Use one of: ${rule.values.join(', ')}.`;
        throw new InputDataError(where, what, `${near ? `Did you mean '${near}'? ` : ''}${list}`);
      }
      return;
    case 'record':
      if (!isPlainObject(value)) throw new InputDataError(where, `${key} = ${describeValue(value)} is not an object of values by name.`, `Give ${key} as { name: value, … }.`);
      return;
    case 'strings':
      if (!Array.isArray(value) || !value.every((x) => typeof x === 'string')) throw new InputDataError(where, `${key} = ${describeValue(value)} is not an array of names.`, `Give ${key} as an array of strings, e.g. ['v'].`);
      return;
    case 'signal':
      if (typeof AbortSignal === 'undefined' || !(value instanceof AbortSignal)) throw new InputDataError(where, `${key} = ${describeValue(value)} is not an AbortSignal.`, `Pass controller.signal of an AbortController.`);
      return;
    case 'function':
      if (typeof value !== 'function') throw new InputDataError(where, `${key} = ${describeValue(value)} is not a function.`, `Give ${key} as a function.`);
      return;
    case 'any':
      return;
  }
}

function expected(rule: OptionRule): string {
  switch (rule.type) {
    case 'count': return 'a whole number of at least 1';
    case 'enum': return `one of ${rule.values.join(', ')}`;
    case 'record': return 'an object of values by name';
    case 'strings': return 'an array of names';
    case 'signal': return 'an AbortSignal';
    default: return `a ${rule.type}`;
  }
}

/** True for `{}` and `Object.create(null)` objects: not arrays, class instances, maps or typed arrays. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The name among `names` nearest to `word` (optimal string alignment
 * distance: insertions, deletions, substitutions and swaps of neighbours,
 * ignoring case; names with other digits never match), or undefined when
 * none is close: only a difference of case
 * for words of one or two letters, at most one edit up to 5 letters, two up
 * to 8, three beyond.
 */
export function nearest(word: string, names: readonly string[]): string | undefined {
  const limit = word.length <= 2 ? 0 : word.length <= 5 ? 1 : word.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  const digits = (x: string) => x.replace(/\D/g, '');
  for (const name of names) {
    // Names that differ in their digits are different things ('float16' is not a misspelt 'float64').
    if (digits(name) !== digits(word)) continue;
    const d = editDistance(word.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** "Did you mean 'x'? " when a name is near `word`, else an empty string. */
export function didYouMean(word: string, names: readonly string[]): string {
  const near = nearest(word, names);
  return near ? `Did you mean '${near}'? ` : '';
}

/** Optimal string alignment distance (Damerau–Levenshtein without repeated edits of a substring). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
