/**
 * `readModel`: decorator records → a checked, normalised {@link ModelSpec}.
 * Parent classes are read first so that a subclass may override defaults and
 * equations. Every problem is collected and reported in one error.
 */
import type { MathNode } from 'mathjs';
import { ExpressionError, ModelDefinitionError, describeValue } from '../errors.js';
import { BUILTINS, CLIP, functionsOf, isConstant, NOISE, parseExpression, RANDOM_FUNCTIONS, symbolsOf } from '../expr/parse.js';
import { isUnitName } from '../units/index.js';
import { ownRecords, type DerivativeOptionsArgs, type FieldRecord, type PathwayOptionsArgs, type SpikeOptionsArgs, type StateOptionsArgs, type UnitOptionsArgs } from './decorators.js';
import type { IntermediateSpec, ModelSpec, PathwaySpec, ResetSpec, SpikeSpec, StateSpec, ValueSpec } from './spec.js';
import { readUnits, type BuiltinKind } from './units.js';

/** Anything constructible whose prototype chain may carry decorator records. */
export type ModelClass = abstract new (...args: never[]) => object;

type Role = 'state' | 'param' | 'input' | 'intermediate' | 'spike' | 'pathway' | 'summed';
interface Field {
  property: string;
  role?: Role;
  value?: number;
  expression?: string;
  bounds?: [number, number];
  reduce?: 'max' | 'sum';
  derivative?: string;
  unlessRefractory?: boolean;
  eventDriven?: boolean;
  post?: string;
  spike?: SpikeOptionsArgs;
  pathway?: PathwayOptionsArgs;
  /** The `unit` option as given (checked by readUnits). */
  unit?: unknown;
}

/**
 * The states the library adds to a model with a spike: the time of the last
 * spike (model time units; long ago at the start) and, with a refractory
 * period, whether the unit is out of it (1) or in it (0).
 */
export const LASTSPIKE = 'lastspike';
export const NOT_REFRACTORY = 'not_refractory';
/** `lastspike` before any spike: 10^4 seconds before time 0, in model time units (times the time scale). */
export const NEVER_SPIKED = -1e4;
/** The state the library adds to a synapse model with event-driven states: the time of the synapse's last event (model time units). */
export const LASTUPDATE = 'lastupdate';
/** How a synapse's statements name a variable of its source (`v_pre`) or target (`ge_post`) unit. */
export const SIDE_NAME = /^([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)_(pre|post)$/;
/** What the names the library defines measure, in a model with units. */
export const BUILTIN_UNITS: Readonly<Record<string, BuiltinKind>> = Object.freeze({ t: 'time', dt: 'time', xi: 'noise', [LASTSPIKE]: 'time', [LASTUPDATE]: 'time', [NOT_REFRACTORY]: 'number' });

const cache = new WeakMap<ModelClass, ModelSpec>();

/**
 * Reads a model class into its normalised specification (cached per class).
 * @param ctor - a class decorated with `@state`, `@param`, …
 * @returns the normalised specification
 * @throws {@link ModelDefinitionError} listing every problem found
 */
export function readModel(ctor: ModelClass): ModelSpec {
  const hit = cache.get(ctor);
  if (hit) return hit;
  const spec = build(ctor);
  cache.set(ctor, spec);
  return spec;
}

function chain(ctor: ModelClass): ModelClass[] {
  const classes: ModelClass[] = [];
  for (let c: unknown = ctor; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    classes.unshift(c as ModelClass);
  }
  return classes;
}

function build(ctor: ModelClass): ModelSpec {
  const name = ctor.name || 'Model';
  if (typeof ctor !== 'function') {
    throw new ModelDefinitionError(String(ctor), 'is not a model class.', 'Pass a class that extends Model.');
  }
  const problems: Problem[] = [];
  const fields = new Map<string, Field>();
  for (const cls of chain(ctor)) {
    const seenHere = new Map<string, Role>();
    for (const r of ownRecords(cls.prototype)) {
      const f = fields.get(r.property) ?? { property: r.property };
      fields.set(r.property, f);
      apply(f, r, cls.name, seenHere, problems);
    }
  }
  const timeScale = (ctor as unknown as { timeScale?: unknown }).timeScale ?? 1;
  if (typeof timeScale !== 'number' || !Number.isFinite(timeScale) || timeScale <= 0) {
    problems.push(problem(`${name}.timeScale`, `${String(timeScale)} is not a positive number.`, `Set static timeScale to the number of model time units per second (1e3 for ms).`));
  }

  const states: StateSpec[] = [];
  const params: ValueSpec[] = [];
  const inputs: ValueSpec[] = [];
  const intermediates: IntermediateSpec[] = [];
  const spikes: Field[] = [];
  const pathwayFields: Field[] = [];
  const summedFields: Field[] = [];
  for (const f of fields.values()) {
    const where = `${name}#${f.property}`;
    if (f.role === 'spike') {
      spikes.push(f);
      continue;
    }
    if (f.role === 'pathway') {
      pathwayFields.push(f);
      continue;
    }
    if (f.role === 'summed') {
      summedFields.push(f);
      continue;
    }
    if (!f.role) {
      if (f.derivative !== undefined) problems.push(problem(where, `@derivative is on a field that is not a state.`, `Add @state(initial) to '${f.property}'.`));
      if (f.post !== undefined) problems.push(problem(where, `@post is on a field that is not a state.`, `Add @state(initial) to '${f.property}'.`));
      continue;
    }
    if (f.role !== 'state' && (f.derivative !== undefined || f.post !== undefined)) {
      problems.push(problem(where, `@${f.derivative !== undefined ? 'derivative' : 'post'} is on a field declared with @${f.role}.`, `Only a @state can have an equation; declare '${f.property}' with @state.`));
    }
    if (f.role === 'state') {
      const s: StateSpec = { name: f.property, initial: f.value ?? 0 };
      if (f.bounds !== undefined) s.bounds = f.bounds;
      if (f.reduce !== undefined) s.reduce = f.reduce;
      if (f.derivative !== undefined) s.derivative = f.derivative;
      if (f.unlessRefractory) s.unlessRefractory = true;
      if (f.eventDriven && f.derivative !== undefined) s.eventDriven = true;
      if (f.post !== undefined) s.post = f.post;
      states.push(s);
    } else if (f.role === 'param') params.push({ name: f.property, value: f.value ?? 0 });
    else if (f.role === 'input') inputs.push({ name: f.property, value: f.value ?? 0 });
    else intermediates.push({ name: f.property, expression: f.expression ?? '' });
  }

  const spike = spikes.length ? readSpike(name, spikes, problems) : undefined;
  if (spike) {
    const scale = typeof timeScale === 'number' && Number.isFinite(timeScale) ? timeScale : 1;
    states.push({ name: LASTSPIKE, initial: NEVER_SPIKED * scale, builtin: true });
    if (spike.refractory !== undefined) states.push({ name: NOT_REFRACTORY, initial: 1, builtin: true });
  }
  const pathways = pathwayFields.length ? readPathways(name, pathwayFields, problems) : undefined;
  if (states.some((s) => s.eventDriven)) {
    if (!pathwayFields.length && !summedFields.length) problems.push(problem(name, 'declares event-driven states but no @onPre or @onPost: only a synapse model has events that bring them up to date.', 'Drop eventDriven (the state is then integrated every step), or make the class a synapse model with @onPre.'));
    states.push({ name: LASTUPDATE, initial: 0, builtin: true });
  }
  if (pathwayFields.length || summedFields.length) {
    const where = name;
    if (spike) problems.push(problem(where, 'is a synapse model (it has @onPre or @onPost) and declares a @spike.', 'A synapse does not fire: declare the spike in the neuron model.'));
    if (inputs.length) problems.push(problem(`${name}#${inputs[0].name}`, 'a synapse model has no inputs.', 'Declare it with @param (one value per synapse).'));
    for (const s of states) {
      if (s.derivative !== undefined && !s.eventDriven) problems.push(problem(`${name}#${s.name}`, 'a synapse state integrated every step (clock-driven) is not supported.', "Declare it event-driven, @derivative('…', { eventDriven: true }), or keep the state in the target neuron model and add to it on each spike ('g_post += w')."));
      if (s.post !== undefined) problems.push(problem(`${name}#${s.name}`, 'a synapse model has no @post.', 'Write the change as a statement of @onPre or @onPost.'));
    }
    for (const f of fields.values()) {
      if (f.role !== 'summed' && SIDE_NAME.test(f.property)) problems.push(problem(`${name}#${f.property}`, "the names ending in '_pre' and '_post' name the variables of the source and target units.", 'Rename the field.'));
    }
  }
  for (const s of states) {
    if (s.unlessRefractory && spike?.refractory === undefined) {
      problems.push(problem(`${name}#${s.name}`, `unlessRefractory is set but the model declares no refractory period.`, "Give @spike a refractory period, e.g. @spike({ threshold: 'v > vt', reset: 'v = vr', refractory: 2 }), or drop unlessRefractory."));
    }
  }

  // Units: checked, and unit names turned into numbers, before the equations are checked.
  const declared = new Map<string, unknown>();
  for (const f of fields.values()) if (f.role === 'state' || f.role === 'param' || f.role === 'input' || f.role === 'intermediate') declared.set(f.property, f.unit);
  const withUnits = [...declared.values()].some((u) => u !== undefined);
  const units = typeof timeScale === 'number' && Number.isFinite(timeScale) && timeScale > 0 ? readUnits(name, timeScale, declared, BUILTIN_UNITS, { states, intermediates, spike, pathways, summed: summedFields }, problems) : undefined;

  const known = new Set([...states, ...params, ...inputs, ...intermediates].map((x) => x.name));
  for (const f of fields.values()) {
    const trouble = nameProblem(f.property);
    if (trouble) problems.push(problem(`${name}#${printable(f.property)}`, trouble.what, trouble.fix));
  }
  // What each kind of equation may read besides the model's fields and the constants.
  const noise = (kind: string) => kind === 'derivative';
  const random = (kind: string) => kind !== 'derivative' && kind !== 'intermediate';
  // Statements run on spikes read the units the synapse joins as x_pre and x_post (checked when it is connected).
  const sides = (kind: string) => kind === 'on_pre' || kind === 'on_post' || kind === 'summed';
  const check = (where: string, text: string, kind: string): string[] => {
    try {
      const node = parseExpression(text, where);
      const syms = symbolsOf(node);
      for (const s of syms) {
        if (s === NOISE) {
          if (!noise(kind)) problems.push(problem(where, `'${text}' uses the noise 'xi' in ${kind === 'intermediate' ? 'an intermediate' : `a ${kind}`}.`, "Write xi in the @derivative of the state it drives (each state's xi is its own noise)."));
        } else if (!known.has(s) && !isConstant(s) && !BUILTINS.has(s) && !(sides(kind) && SIDE_NAME.test(s))) {
          // A unit name in a model whose units were refused is reported with them.
          if (withUnits && !units && isUnitName(s)) continue;
          const fix = s === LASTSPIKE || s === NOT_REFRACTORY
            ? `'${s}' exists in models that declare a spike${s === NOT_REFRACTORY ? ' with a refractory period' : ''} (@spike).`
            : !withUnits && isUnitLiteral(node, s)
              ? `'${s}' is a unit: constants with units need a model with units; declare the unit of every field (e.g. @param(20, { unit: 'ms' })), or write the number without its unit.`
              : `Declare it with @param or @state${kind === 'intermediate' ? '' : ', or name it with @intermediate'}.`;
          problems.push(problem(where, `'${text}' uses unknown symbol '${printable(s)}'.`, fix));
        }
      }
      for (const f of functionsOf(node)) {
        if (f === CLIP && (kind === 'derivative' || kind === 'intermediate')) {
          problems.push(problem(where, `'${text}' calls clip() in ${kind === 'intermediate' ? 'an intermediate' : 'a derivative'}, which must stay differentiable.`, 'Use min and max, or bounds on the state (@state(…, { bounds })).'));
        }
        if (RANDOM_FUNCTIONS.has(f) && !random(kind)) {
          problems.push(problem(where, `'${text}' calls ${f}() in ${kind === 'intermediate' ? 'an intermediate' : `a ${kind}`}; random draws belong in spike conditions, resets and @post equations.`, kind === 'derivative' ? "For noise in a derivative use xi (Gaussian white noise), e.g. 'sigma * xi'." : 'Write the call where it is used.'));
        }
      }
      const bad = nonFiniteConstant(node);
      if (bad) problems.push(problem(where, `'${text}' holds '${bad.text}', which is ${bad.value} for every input.`, 'Write an expression whose constant parts are finite numbers.'));
      return syms;
    } catch (error) {
      if (error instanceof ExpressionError) problems.push(problem(error.where, error.what, error.fix));
      else throw error;
      return [];
    }
  };
  for (const s of states) {
    if (s.derivative !== undefined) check(`${name}#${s.name}`, s.derivative, 'derivative');
    if (s.post !== undefined) check(`${name}#${s.name}`, s.post, 'post');
  }
  const deps = new Map<string, string[]>();
  for (const i of intermediates) deps.set(i.name, check(`${name}#${i.name}`, i.expression, 'intermediate'));
  if (spike) {
    const where = `${name}#${spike.name}`;
    check(where, spike.threshold, 'spike condition');
    if (spike.refractory !== undefined) check(where, spike.refractory, 'refractory period');
    for (const r of spike.reset) {
      check(where, r.expression, 'reset');
      const target = states.find((s) => s.name === r.target);
      if (!target || target.builtin) {
        const list = states.filter((s) => !s.builtin).map((s) => s.name).join(', ') || '(none)';
        problems.push(problem(where, `the reset '${r.target} ${r.op} ${r.expression}' assigns '${printable(r.target)}', which is not a state${target ? ' the model may set (the library keeps it)' : ''}.`, `A reset sets states: ${list}.`));
      }
    }
  }

  const summed: { target: string; expression: string }[] = [];
  for (const f of summedFields) {
    const where = `${name}#${f.property}`;
    const m = SIDE_NAME.exec(f.property);
    if (!m || m[2] !== 'post') {
      problems.push(problem(where, "a summed variable is named after the target's input it goes to, ending in '_post'.", "Name it e.g. 'Igap_post' for the target's input 'Igap'."));
      continue;
    }
    if (typeof f.expression !== 'string') continue;
    check(where, f.expression, 'summed');
    summed.push({ target: m[1], expression: f.expression });
  }
  for (const p of pathways ?? []) {
    const where = `${name}#${p.name}`;
    for (const r of p.statements) {
      check(where, r.expression, `on_${p.on}`);
      if (SIDE_NAME.test(r.target)) continue;
      const target = states.find((x) => x.name === r.target);
      if (!target || target.builtin) {
        const list = states.filter((x) => !x.builtin).map((x) => x.name).join(', ') || '(none)';
        problems.push(problem(where, `the statement '${r.target} ${r.op} ${r.expression}' assigns '${printable(r.target)}', which is not a state of the synapse${target ? ' it may set (the library keeps it)' : ''}.`, `Set a state of the synapse (${list}), or of the target or source unit as x_post or x_pre.`));
      }
    }
  }

  const sorted = ordered(name, intermediates, deps, problems);
  return problems.length ? fail(name, problems) : { name, timeScale: timeScale as number, states, params, inputs, intermediates: sorted, ...(spike ? { spike } : {}), ...(pathways ? { pathways } : {}), ...(summed.length ? { summed } : {}), ...(units ? { units } : {}) };
}

const RESET = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*([-+*/]?=)(?!=)\s*([\s\S]*?)\s*$/;

/** The spike of a model from its `@spike` field (one per model). */
function readSpike(name: string, fields: Field[], problems: Problem[]): SpikeSpec | undefined {
  if (fields.length > 1) {
    problems.push(problem(name, `declares ${fields.length} spikes (${fields.map((f) => f.property).join(', ')}).`, 'Declare one @spike per model.'));
  }
  const f = fields[0];
  const where = `${name}#${f.property}`;
  const o = f.spike;
  if (typeof o !== 'object' || o === null) {
    problems.push(problem(where, `@spike needs options, got ${describeValue(o)}.`, "Write e.g. @spike({ threshold: 'v > vt', reset: 'v = vr', refractory: 2 })."));
    return undefined;
  }
  const unknown = Object.keys(o).filter((k) => !['threshold', 'reset', 'refractory'].includes(k));
  if (unknown.length) problems.push(problem(where, `@spike has unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${printable(k)}'`).join(', ')}.`, 'Use threshold, reset and refractory.'));
  if (typeof o.threshold !== 'string' || !o.threshold.trim()) {
    problems.push(problem(where, `@spike needs a threshold condition as text, got ${describeValue(o.threshold)}.`, "Write e.g. threshold: 'v > vt'."));
    return undefined;
  }
  const spec: SpikeSpec = { name: f.property, threshold: o.threshold, reset: [] };
  const texts = o.reset === undefined ? [] : typeof o.reset === 'string' ? [o.reset] : Array.isArray(o.reset) ? o.reset : null;
  if (texts === null || texts.some((t) => typeof t !== 'string')) {
    problems.push(problem(where, `the reset ${describeValue(o.reset)} is not text or a list of texts.`, "Write e.g. reset: 'v = vr' or reset: ['v = vr', 'w += b']."));
  } else spec.reset = statements(where, texts as string[], 'reset', "Write e.g. 'v = vr' or 'w += b'.", problems);
  const r = o.refractory;
  if (r !== undefined) {
    if (typeof r === 'number') {
      if (!Number.isFinite(r) || r < 0) problems.push(problem(where, `the refractory period ${describeValue(r)} is not a finite number >= 0.`, 'Give it in the model\'s time unit, e.g. refractory: 2, or as an expression.'));
      else spec.refractory = String(r);
    } else if (typeof r === 'string' && r.trim()) spec.refractory = r;
    else problems.push(problem(where, `the refractory period ${describeValue(r)} is neither a number nor an expression.`, "Write e.g. refractory: 2 or refractory: 'tref'."));
  }
  return spec;
}

/** Statements `target op expression`, from texts each holding one or more (split at ';' and line ends). */
function statements(where: string, texts: readonly string[], what: string, example: string, problems: Problem[]): ResetSpec[] {
  const out: ResetSpec[] = [];
  for (const statement of texts.flatMap((t) => t.split(/[;\n]/)).filter((t) => t.trim())) {
    const m = RESET.exec(statement);
    if (!m || !m[3]) {
      problems.push(problem(where, `the ${what} statement '${printable(statement.trim())}' is not 'state = expression' (or +=, -=, *=, /=).`, example));
      continue;
    }
    out.push({ target: m[1], op: m[2] as ResetSpec['op'], expression: m[3] });
  }
  return out;
}

/** The statements a synapse model runs on spikes (`@onPre`, `@onPost`): one of each at most. */
function readPathways(name: string, fields: Field[], problems: Problem[]): PathwaySpec[] {
  const out: PathwaySpec[] = [];
  for (const f of fields) {
    const where = `${name}#${f.property}`;
    const o = f.pathway;
    const texts = typeof o?.statements === 'string' ? [o.statements] : Array.isArray(o?.statements) ? o.statements : null;
    if (!o || (o.on !== 'pre' && o.on !== 'post') || texts === null || texts.some((t) => typeof t !== 'string')) {
      problems.push(problem(where, `the statements ${describeValue(o?.statements)} are not text or a list of texts.`, "Write e.g. @onPre('ge_post += w') or @onPre(['ge_post += w', 'Apre += dApre'])."));
      continue;
    }
    if (out.some((p) => p.on === o.on)) {
      problems.push(problem(where, `a second @on${o.on === 'pre' ? 'Pre' : 'Post'} (the first is '${out.find((p) => p.on === o.on)!.name}').`, 'Put every statement in one list, in the order they run.'));
      continue;
    }
    const list = statements(where, texts as string[], `on_${o.on}`, "Write e.g. 'ge_post += w' or 'w = clip(w + Apost, 0, wmax)'.", problems);
    if (!list.length) problems.push(problem(where, `@on${o.on === 'pre' ? 'Pre' : 'Post'} holds no statement.`, "Write e.g. 'ge_post += w'."));
    out.push({ name: f.property, on: o.on, statements: list });
  }
  return out.sort((a, b) => (a.on === b.on ? 0 : a.on === 'pre' ? -1 : 1));
}

function apply(f: Field, r: FieldRecord, cls: string, seenHere: Map<string, Role>, problems: Problem[]): void {
  const where = `${cls}#${r.property}`;
  if (r.kind === 'derivative' || r.kind === 'post') {
    if (typeof r.value !== 'string') problems.push(problem(where, `@${r.kind} needs an equation string, got ${describeValue(r.value)}.`, `Write it as text, e.g. '-v / tau'.`));
    else f[r.kind] = r.value;
    if (r.kind === 'derivative') {
      const o = r.options as DerivativeOptionsArgs | undefined;
      const flag = (x: unknown) => x === undefined || typeof x === 'boolean';
      if (o !== undefined && (typeof o !== 'object' || o === null || Object.keys(o).some((k) => k !== 'unlessRefractory' && k !== 'eventDriven') || !flag(o.unlessRefractory) || !flag(o.eventDriven))) {
        problems.push(problem(where, `@derivative options ${describeValue(o)} are not { unlessRefractory?: boolean, eventDriven?: boolean }.`, "Write e.g. @derivative('(vr - v) / tau', { unlessRefractory: true })."));
      } else {
        f.unlessRefractory = o?.unlessRefractory === true;
        f.eventDriven = o?.eventDriven === true;
      }
    }
    return;
  }
  const prior = seenHere.get(r.property);
  if (prior) {
    problems.push(problem(where, `the name is declared twice (@${prior} and @${r.kind}).`, `Keep one declaration.`));
    return;
  }
  seenHere.set(r.property, r.kind);
  f.role = r.kind;
  if (r.kind === 'summed') {
    if (typeof r.value !== 'string') problems.push(problem(where, `@summed needs an expression, got ${describeValue(r.value)}.`, "Write e.g. @summed('w * (v_pre - v_post)')."));
    else f.expression = r.value;
    delete f.value;
    return;
  }
  if (r.kind === 'pathway') {
    f.pathway = r.options as PathwayOptionsArgs;
    delete f.value;
    delete f.expression;
    return;
  }
  if (r.kind === 'spike') {
    f.spike = r.options as SpikeOptionsArgs;
    delete f.value;
    delete f.expression;
    return;
  }
  if (r.kind === 'state' || r.kind === 'param' || r.kind === 'input' || r.kind === 'intermediate') readUnitOption(f, r, where, problems);
  if (r.kind === 'intermediate') {
    if (typeof r.value !== 'string') problems.push(problem(where, `@intermediate needs an equation string, got ${describeValue(r.value)}.`, ''));
    else f.expression = r.value;
    delete f.value;
    return;
  }
  if (typeof r.value !== 'number' || !Number.isFinite(r.value)) {
    problems.push(problem(where, `@${r.kind}(${describeValue(r.value)}) needs a finite number.`, `Give the ${r.kind === 'state' ? 'initial value' : 'default'} as a number.`));
  } else f.value = r.value;
  delete f.expression;
  if (r.kind === 'state') {
    const b = (r.options as StateOptionsArgs | undefined)?.bounds;
    if (b !== undefined) {
      if (!Array.isArray(b) || b.length !== 2 || !b.every((x) => typeof x === 'number' && !Number.isNaN(x)) || !(b[0] < b[1])) {
        problems.push(problem(where, `bounds ${describeValue(b)} are not [lower, upper] with lower < upper.`, `Write e.g. { bounds: [-80, 30] }.`));
      } else f.bounds = [b[0], b[1]];
    } else delete f.bounds;
    const o = r.options as StateOptionsArgs | undefined;
    const unknown = o && typeof o === 'object' ? Object.keys(o).filter((k) => k !== 'bounds' && k !== 'reduce' && k !== 'unit') : [];
    if (unknown.length) problems.push(problem(where, `@state has unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${printable(k)}'`).join(', ')}.`, 'Use bounds, reduce and unit.'));
    const reduce = o?.reduce;
    if (reduce !== undefined && reduce !== 'max' && reduce !== 'sum') problems.push(problem(where, `reduce ${describeValue(reduce)} is neither 'max' nor 'sum'.`, "Write reduce: 'max' (an event flag) or reduce: 'sum' (counts)."));
    else if (reduce !== undefined) f.reduce = reduce;
    else delete f.reduce;
  }
}

/**
 * The `unit` option of a state, parameter, input or intermediate: kept as
 * given (readUnits checks it); a subclass that declares the field again
 * without one keeps the unit it inherits (the field measures the same
 * quantity). Options other than `unit` of a parameter, input or
 * intermediate are refused.
 */
function readUnitOption(f: Field, r: FieldRecord, where: string, problems: Problem[]): void {
  const o = r.options as UnitOptionsArgs | undefined;
  if (o !== undefined && (typeof o !== 'object' || o === null)) {
    problems.push(problem(where, `@${r.kind} options ${describeValue(o)} are not an object.`, "Write e.g. { unit: 'mV' }."));
    return;
  }
  if (r.kind !== 'state') {
    const unknown = Object.keys(o ?? {}).filter((k) => k !== 'unit');
    if (unknown.length) problems.push(problem(where, `@${r.kind} has unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${printable(k)}'`).join(', ')}.`, "Use unit, e.g. { unit: 'mV' }."));
  }
  if (o?.unit !== undefined) f.unit = o.unit;
}

/** Whether `name` follows a number in `node` as a unit does (`3 mV`, implicit multiplication) and is a unit name. */
function isUnitLiteral(node: MathNode, name: string): boolean {
  let found = false;
  node.traverse((n) => {
    const o = n as MathNode & { fn?: string; implicit?: boolean; args?: MathNode[] };
    if (n.type === 'OperatorNode' && o.fn === 'multiply' && o.implicit && o.args?.length === 2 && !symbolsOf(o.args[0]).length && o.args[1].type === 'SymbolNode' && (o.args[1] as MathNode & { name: string }).name === name) found = true;
  });
  return found && isUnitName(name);
}

/**
 * Field names become parts of generated identifiers (`c0_v`), so only plain
 * ones are accepted: an ASCII letter, then letters and digits in words joined
 * by single underscores. A double underscore never appears in a user name, so
 * the names the library generates (`__t0`, `v__n`, `__B_v`) can never meet
 * one. Reserved: `dt` and `t` (the step and time), `e` and `pi` (constants),
 * and the members of `Object.prototype` (`constructor`, `toString`, …).
 */
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*$/;
/** Longest field name accepted. */
export const MAX_NAME_LENGTH = 64;
const RESERVED: ReadonlyMap<string, string> = new Map([
  ['dt', 'the step size in equations'],
  ['t', 'the simulation time in equations'],
  ['e', "the constant e in equations"],
  ['pi', "the constant pi in equations"],
  ['xi', 'the noise in derivatives'],
  [LASTSPIKE, 'the time of the last spike'],
  [NOT_REFRACTORY, 'whether a unit is out of its refractory period'],
  [LASTUPDATE, "the time of a synapse's last event"],
]);

/** Why a field name cannot be used, or null when it can. */
function nameProblem(n: string): { what: string; fix: string } | null {
  const reserved = RESERVED.get(n);
  if (reserved) return { what: `the name '${n}' is reserved (${reserved}).`, fix: 'Rename the field.' };
  if (!FIELD_NAME.test(n)) {
    return {
      what: `${JSON.stringify(printable(n))} is not a plain name: field names are an ASCII letter followed by letters, digits and single underscores (no leading, trailing or double underscore).`,
      fix: "Rename the field, e.g. 'tau_m' or 'gNa'.",
    };
  }
  if (n.length > MAX_NAME_LENGTH) return { what: `the name is ${n.length} characters long; at most ${MAX_NAME_LENGTH} are allowed.`, fix: 'Use a shorter name.' };
  if (n in Object.prototype) return { what: `the name '${n}' is a member of every JavaScript object.`, fix: 'Rename the field.' };
  return null;
}

/** A name as it may be shown in a message: shortened, control characters escaped. */
function printable(n: string): string {
  const short = n.length > 80 ? `${n.slice(0, 80)}…` : n;
  return short.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The first part of an expression that uses no symbol and is not a finite
 * number (`1/0`, `log(-1)`, `sqrt(-2)`), or null. Such an equation is NaN or
 * infinite whatever the model does, which is never what was meant.
 */
function nonFiniteConstant(root: MathNode): { text: string; value: string } | null {
  let found: { text: string; value: string } | null = null;
  const check = (node: MathNode): void => {
    if (found || node.type === 'ConstantNode') return;
    let value: unknown;
    try {
      value = node.evaluate();
    } catch {
      value = NaN;
    }
    // Comparisons give booleans, which are 0 or 1.
    if (typeof value === 'boolean') return;
    if (typeof value !== 'number' || !Number.isFinite(value)) found = { text: node.toString(), value: typeof value === 'number' ? String(value) : 'not a real number' };
  };
  // Whether a subtree reads no symbol; only the largest such subtrees are evaluated.
  const constant = (node: MathNode): boolean => {
    const parts: { child: MathNode; fixed: boolean }[] = [];
    node.forEach((child, path) => {
      // The name of a called function is a SymbolNode but reads nothing.
      if (!(node.type === 'FunctionNode' && path === 'fn')) parts.push({ child, fixed: constant(child) });
    });
    // A random draw is no constant either.
    const draws = node.type === 'FunctionNode' && RANDOM_FUNCTIONS.has(String((node as unknown as { fn: { name?: string } }).fn?.name));
    const fixed = node.type !== 'SymbolNode' && !draws && parts.every((p) => p.fixed);
    if (!fixed) for (const p of parts) if (p.fixed) check(p.child);
    return fixed;
  };
  if (constant(root)) check(root);
  return found;
}

/**
 * Orders intermediates so each comes after those it uses; reports cycles.
 * A depth-first search with an explicit stack: linear in the number of
 * dependencies, however long a chain of intermediates is.
 */
function ordered(name: string, items: IntermediateSpec[], deps: Map<string, string[]>, problems: Problem[]): IntermediateSpec[] {
  const byName = new Map(items.map((i) => [i.name, i]));
  const out: IntermediateSpec[] = [];
  const done = new Set<string>();
  // The path being visited: names, where each is on it, and the next dependency to look at.
  const path: string[] = [];
  const onPath = new Map<string, number>();
  const nextDep: number[] = [];
  for (const root of items) {
    if (done.has(root.name)) continue;
    path.push(root.name);
    onPath.set(root.name, 0);
    nextDep.push(0);
    while (path.length) {
      const top = path.length - 1;
      const n = path[top];
      const list = deps.get(n) ?? [];
      if (nextDep[top] < list.length) {
        const d = list[nextDep[top]++];
        if (!byName.has(d) || done.has(d)) continue;
        const at = onPath.get(d);
        if (at !== undefined) {
          const cycle = [...path.slice(at), d];
          problems.push(problem(`${name}#${d}`, `intermediates depend on each other in a cycle (${cycle.join(' -> ')}).`, `Break the cycle by writing one of them without the others.`));
          continue;
        }
        onPath.set(d, path.length);
        path.push(d);
        nextDep.push(0);
        continue;
      }
      path.pop();
      nextDep.pop();
      onPath.delete(n);
      done.add(n);
      out.push(byName.get(n)!);
    }
  }
  return out;
}

function fail(name: string, problems: Problem[]): never {
  const lines = problems.map((p) => `${p.where}: ${p.what}${p.fix ? ` ${p.fix}` : ''}`);
  if (problems.length === 1) throw new ModelDefinitionError(problems[0].where, problems[0].what, problems[0].fix, { problems: lines });
  throw new ModelDefinitionError(name, `${problems.length} problems in the model definition:\n  - ${lines.join('\n  - ')}`, '', { problems: lines });
}

/** One problem of a model definition: where, what, and how to fix it. */
interface Problem {
  where: string;
  what: string;
  fix: string;
}
const problem = (where: string, what: string, fix: string): Problem => ({ where, what, fix });
