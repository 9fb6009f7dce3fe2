/**
 * The units of a model: read from the `unit` options of its fields, checked
 * (every field declares one, each is a unit, together they make one
 * coherent system with the model's time unit), every equation checked
 * dimensionally, and the unit names of its equations turned into numbers
 * (`lib/units/`), so that the symbolic pass and everything after it sees
 * the equations of a model without units. A model none of whose fields
 * declares a unit is left as it is.
 */
import type { MathNode } from 'mathjs';
import { ExpressionError, InputDataError } from '../errors.js';
import { isConstant, parseExpression, symbolsOf } from '../expr/parse.js';
import {
  checkUnits, DIMENSIONLESS, formatUnit, isConflict, isUnitName, parseUnit, powerOf, printed, productOf, timeUnit, UnitSystem, withoutUnits,
  type Decimal, type Declared, type PhysicalUnit, type UnitLookup, type UnitTarget,
} from '../units/index.js';
import type { IntermediateSpec, ModelSpec, PathwaySpec, SpikeSpec, StateSpec } from './spec.js';

/** A unit given as a variable of the units a synapse joins: `ge_post`, `v_pre` (as `SIDE_NAME` in read.ts). */
const JOINED_UNIT = /^([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)_(pre|post)$/;

/** The units of a model that declares them (`ModelSpec.units`). */
export interface ModelUnits {
  /** The model's time unit: `ms` for `static timeScale = 1e3`, `s` for 1. */
  readonly time: string;
  /** The unit of every state, parameter, input and intermediate, as declared (`'mV'`, `'1'`), and of the states the library adds. */
  readonly fields: Readonly<Record<string, string>>;
  /**
   * A synapse model's statements and summed variables as written (with
   * their unit names), checked again when the synapse joins a source and a
   * target model with units (`x_pre`, `x_post` then have units).
   */
  readonly joined?: readonly JoinedStatement[];
}

/** A statement or summed variable of a synapse model, as written. */
export interface JoinedStatement {
  /** `Model#field`. */
  readonly where: string;
  /** What it sets: a state of the synapse, `x_post`, `x_pre`, or the summed variable (`Igap_post`); for a derivative (`op` 'd/dt'), its state. */
  readonly target: string;
  readonly op: string;
  readonly expression: string;
}

/** One problem of a model definition (as `readModel` reports them). */
export interface UnitProblem {
  where: string;
  what: string;
  fix: string;
}

/** What a name the library defines measures: time, the noise `xi` (time^-1/2), or a pure number. */
export type BuiltinKind = 'time' | 'noise' | 'number';

/** The parts of a model being read whose equations are checked and rewritten in place. */
export interface ModelEquations {
  states: StateSpec[];
  intermediates: IntermediateSpec[];
  spike?: SpikeSpec;
  pathways?: PathwaySpec[];
  /** Summed variables: their expressions (checked when the synapse is joined to its target). */
  summed: { property: string; expression?: string }[];
}

/**
 * The unit context of a model: its coherent system and the unit of each
 * name its equations may read.
 */
export class UnitContext {
  private readonly fieldUnits = new Map<string, PhysicalUnit>();
  /** Fields of a synapse model in the unit of a variable of the units it joins (`{ unit: 'ge_post' }`): known when joined. */
  readonly joinedUnits = new Map<string, { side: 'pre' | 'post'; variable: string }>();
  /** Every field of the model, with a valid unit or not: a field is never a unit name. */
  private readonly fields: ReadonlySet<string>;
  private readonly names = new Map<string, PhysicalUnit | undefined>();
  /** The coherent system, or undefined when the declarations conflict (reported). */
  readonly system?: UnitSystem;
  readonly time: PhysicalUnit;
  /** The time unit (named '') and every valid field unit, in order. */
  readonly declared: readonly Declared[];

  /**
   * @param model - the class name, for messages
   * @param timeScale - model time units per second
   * @param declared - the unit string of each field, in order
   * @param builtins - what each name the library defines measures
   * @param problems - where problems are reported
   * @param isField - whether a name is a field of the model (a field is never a unit name)
   */
  constructor(readonly model: string, timeScale: number, declared: ReadonlyMap<string, unknown>, private readonly builtins: Readonly<Record<string, BuiltinKind>>, problems: UnitProblem[]) {
    this.time = timeUnit(timeScale);
    this.fields = new Set(declared.keys());
    const list: Declared[] = [{ name: '', text: formatUnit(this.time), unit: this.time }];
    this.declared = list;
    const sample = [...declared].find(([, u]) => typeof u === 'string');
    for (const [field, text] of declared) {
      const where = `${model}#${field}`;
      if (text === undefined) {
        problems.push({
          where,
          what: `declares no unit, but the model uses units (e.g. '${sample?.[0]}' is in ${String(sample?.[1])}): every state, parameter, input and intermediate of a model with units declares one.`,
          fix: "Give it a unit option, e.g. @param(20, { unit: 'ms' }), or { unit: '1' } for a pure number.",
        });
        continue;
      }
      const side = typeof text === 'string' ? JOINED_UNIT.exec(text.trim()) : null;
      if (side) {
        this.joinedUnits.set(field, { side: side[2] as 'pre' | 'post', variable: side[1] });
        continue;
      }
      const parsed = parseUnit(text);
      if ('error' in parsed) {
        problems.push({ where, what: `the unit ${parsed.error}.`, fix: "Write a unit mathjs knows, with an SI prefix if needed: 'mV', 'ms', 'nS', 'uA/cm^2', 'mS/cm^2', or '1' for a pure number." });
        continue;
      }
      this.fieldUnits.set(field, parsed.unit);
      list.push({ name: field, text: (text as string).trim(), unit: parsed.unit });
    }
    const solved = UnitSystem.solve(list);
    if (!isConflict(solved)) {
      this.system = solved;
      return;
    }
    const other = solved.others[0];
    const time = `the model's time unit ${list[0].text} (static timeScale = ${timeScale})`;
    const otherText = other.name === '' ? time : `the unit ${other.text} of '${other.name}'`;
    const fixTime = other.name === '' ? `Declare '${solved.name}' in ${list[0].text}, or set static timeScale to match it (1e3 for ms)` : `Declare both in ${other.text}, or both in ${solved.text}`;
    problems.push({
      where: `${model}#${solved.name}`,
      what: solved.sameDimension
        ? `its unit ${solved.text} and ${otherText} measure the same quantity on different scales; a model uses one scale per quantity, so that its equations need no conversion factor.`
        : `its unit ${solved.text} does not make one coherent system with ${solved.others.map((o) => (o.name === '' ? time : `${o.text} ('${o.name}')`)).join(', ')}: the unit of each quantity must be the product of the units it is made of.`,
      fix: solved.sameDimension ? `${fixTime}; a constant in another unit is written with its unit in an equation (e.g. '2 ${solved.text}').` : 'Declare units that are products of each other (e.g. mV, ms, nA, nS, pF, Mohm, or mV, ms, uA/cm^2, mS/cm^2, uF/cm^2).',
    });
  }

  /** The unit of a field, when it declared a valid one. */
  unitOfField(name: string): PhysicalUnit | undefined {
    return this.fieldUnits.get(name);
  }

  /** The unit of a name an equation reads; null for a name of unknown unit (the equation is not checked). */
  readonly lookup: UnitLookup = (name) => {
    if (this.fieldUnits.has(name)) return this.fieldUnits.get(name)!;
    const kind = Object.hasOwn(this.builtins, name) ? this.builtins[name] : undefined;
    if (kind === 'time') return this.time;
    if (kind === 'noise') return powerOf(this.time, -1 / 2);
    if (kind === 'number' || isConstant(name)) return DIMENSIONLESS;
    return this.unitName(name) ?? null;
  };

  /** The unit a name of an equation stands for when it is a unit name (not a field, a name the library defines or a constant). */
  private unitName(name: string): PhysicalUnit | undefined {
    if (this.fields.has(name) || Object.hasOwn(this.builtins, name) || isConstant(name)) return undefined;
    if (!this.names.has(name)) {
      const parsed = isUnitName(name) ? parseUnit(name) : undefined;
      this.names.set(name, parsed && 'unit' in parsed ? parsed.unit : undefined);
    }
    return this.names.get(name);
  }

  /** The value of a unit name in the model's coherent system (undefined for other names). */
  readonly valueOf = (name: string): Decimal | undefined => {
    const unit = this.system && this.unitName(name);
    return unit ? this.system!.valueOf(unit) : undefined;
  };

  /**
   * Checks one equation and returns its text without unit names.
   * @param where - `Model#field`
   * @param text - the equation as written
   * @param target - what it must measure (undefined: only its parts must agree)
   * @param problems - where a mismatch is reported
   * @returns the text downstream passes read (the same text when it holds no unit name)
   */
  equation(where: string, text: string, target: UnitTarget | undefined, problems: UnitProblem[]): string {
    let node: MathNode;
    try {
      node = parseExpression(text, where);
    } catch (error) {
      if (error instanceof ExpressionError) return text; // reported by readModel's own check
      throw error;
    }
    const mismatch = checkUnits(node, target, this.lookup);
    if (mismatch) problems.push({ where, what: `${mismatch}.`, fix: "Make every term measure the same quantity: give constants their unit (e.g. '(v + 55 mV) / (10 mV)', '0.1 / ms'), and check the units declared." });
    const numeric = withoutUnits(node, this.valueOf);
    return numeric === node ? text : printed(numeric);
  }
}

/**
 * Reads and checks the units of a model, and rewrites its equations
 * without unit names (in place).
 * @returns the model's units, or undefined when no field declares one
 */
export function readUnits(model: string, timeScale: number, declared: ReadonlyMap<string, unknown>, builtins: Readonly<Record<string, BuiltinKind>>, eq: ModelEquations, problems: UnitProblem[]): ModelUnits | undefined {
  if (![...declared.values()].some((u) => u !== undefined)) return undefined;
  const ctx = new UnitContext(model, timeScale, declared, builtins, problems);
  if (!ctx.system) return undefined;
  const synapse = (eq.pathways?.length ?? 0) > 0 || eq.summed.length > 0;
  if (ctx.joinedUnits.size && !synapse) {
    const [field, { side, variable }] = [...ctx.joinedUnits][0];
    problems.push({ where: `${model}#${field}`, what: `its unit '${variable}_${side}' names a variable of the units a synapse joins, but ${model} is no synapse model.`, fix: "Give a unit, e.g. { unit: 'mV' }; the unit of a joined variable is for the fields of a synapse model." });
  }
  const of = (field: string) => ctx.unitOfField(field);
  const target = (unit: PhysicalUnit | undefined, label: string): UnitTarget | undefined => (unit ? { unit, label } : undefined);
  // A synapse's derivatives read fields whose unit is known when it is joined: checked then too, as written.
  const derivatives = synapse ? eq.states.flatMap((s) => (s.derivative !== undefined ? [{ where: `${model}#${s.name}`, target: s.name, op: 'd/dt', expression: s.derivative }] : [])) : [];
  for (const s of eq.states) {
    const where = `${model}#${s.name}`;
    const unit = of(s.name);
    if (s.derivative !== undefined) s.derivative = ctx.equation(where, s.derivative, target(unit && productOf(unit, powerOf(ctx.time, -1)), `d${s.name}/dt`), problems);
    if (s.post !== undefined) s.post = ctx.equation(where, s.post, target(unit, s.name), problems);
  }
  for (const i of eq.intermediates) i.expression = ctx.equation(`${model}#${i.name}`, i.expression, target(of(i.name), i.name), problems);
  const statement = (where: string, r: { target: string; op: string; expression: string }) => {
    r.expression = ctx.equation(where, r.expression, statementTarget(r, of(r.target)), problems);
  };
  const joined: JoinedStatement[] = [...derivatives];
  if (eq.spike) {
    const where = `${model}#${eq.spike.name}`;
    eq.spike.threshold = ctx.equation(where, eq.spike.threshold, undefined, problems);
    for (const r of eq.spike.reset) statement(where, r);
    // A bare number is a period in the model's time unit (as `refractory: 5` always was).
    const r = eq.spike.refractory;
    if (r !== undefined && !Number.isFinite(Number(r))) eq.spike.refractory = ctx.equation(where, r, { unit: ctx.time, label: 'the refractory period' }, problems);
  }
  for (const p of eq.pathways ?? []) {
    for (const r of p.statements) {
      joined.push({ where: `${model}#${p.name}`, target: r.target, op: r.op, expression: r.expression });
      statement(`${model}#${p.name}`, r);
    }
  }
  for (const f of eq.summed) {
    if (f.expression === undefined) continue;
    joined.push({ where: `${model}#${f.property}`, target: f.property, op: '=', expression: f.expression });
    f.expression = ctx.equation(`${model}#${f.property}`, f.expression, undefined, problems);
  }
  const fields: Record<string, string> = {};
  for (const [field, text] of declared) fields[field] = String(text).trim();
  const time = formatUnit(ctx.time);
  for (const [name, kind] of Object.entries(builtins)) if (eq.states.some((s) => s.name === name && s.builtin)) fields[name] = kind === 'time' ? time : '1';
  return { time, fields, ...(joined.length ? { joined } : {}) };
}

/** What the right-hand side of `target op expression` measures: the target's unit, or a pure number for `*=` and `/=`. */
export function statementTarget(r: { target: string; op: string }, unit: PhysicalUnit | null | undefined, time?: PhysicalUnit): UnitTarget | undefined {
  if (r.op === '*=' || r.op === '/=') return { unit: DIMENSIONLESS, label: `the factor of '${r.target} ${r.op} …'` };
  if (r.op === 'd/dt') return unit && time ? { unit: productOf(unit, powerOf(time, -1)), label: `d${r.target}/dt` } : undefined;
  return unit ? { unit, label: r.target } : undefined;
}

const contexts = new WeakMap<ModelSpec, UnitContext>();

/**
 * The unit context of a model read with units (cached per spec), for
 * values given with units and for joining synapses; undefined for a model
 * without units.
 */
export function unitContextOf(spec: ModelSpec): UnitContext | undefined {
  if (!spec.units) return undefined;
  let ctx = contexts.get(spec);
  if (!ctx) {
    const builtin = new Set(spec.states.filter((s) => s.builtin).map((s) => s.name));
    const declared = new Map(Object.entries(spec.units.fields).filter(([name]) => !builtin.has(name)));
    const kinds: Record<string, BuiltinKind> = Object.fromEntries([...builtin].map((name) => [name, spec.units!.fields[name] === '1' ? 'number' : 'time']));
    ctx = new UnitContext(spec.name, spec.timeScale, declared, kinds, []);
    contexts.set(spec, ctx);
  }
  return ctx;
}

/**
 * A value given as an expression for a variable of a model (`'20 ms'`,
 * `'-65 mV + 5 mV * randn()'`), with its unit names turned into numbers in
 * the variable's unit. An expression without unit names is read as before:
 * its numbers are in the variable's unit. One with unit names is checked:
 * it must measure what the variable measures.
 * @param spec - the model
 * @param variable - the state, parameter or input the value is for
 * @param node - the parsed expression
 * @param where - named in errors, e.g. `lif.tau`
 * @param isVariable - whether a name is a variable the expression may read (not a unit name)
 * @param isTime - the value is a time (a synapse's delay) rather than a value of `variable`
 * @throws {@link InputDataError} for a unit in a value for a model without units, or a value of another dimension
 */
export function valueWithoutUnits(spec: ModelSpec, variable: string, node: MathNode, where: string, isVariable: (name: string) => boolean, isTime = false): MathNode {
  const names = symbolsOf(node).filter((s) => !isVariable(s) && !isConstant(s) && isUnitName(s));
  if (!names.length) return node;
  const ctx = unitContextOf(spec);
  const text = node.toString();
  if (!ctx?.system) {
    throw new InputDataError(where, `'${text}' holds the unit '${names[0]}', but ${spec.name} declares no units.`, `Give the number in the unit the model's equations use, e.g. '${text.replace(new RegExp(`\\s*\\b${names[0]}\\b`, 'g'), '')}'.`);
  }
  const unit = isTime ? ctx.time : ctx.lookup(variable);
  const mismatch = unit && checkUnits(node, { unit, label: isTime ? `the ${variable} of ${spec.name}` : `${spec.name}#${variable}` }, ctx.lookup);
  if (mismatch) throw new InputDataError(where, `${mismatch}.`, `Give a value in ${formatUnit(unit)} or in another unit of the same quantity.`);
  return withoutUnits(node, ctx.valueOf);
}
