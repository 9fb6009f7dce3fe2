/**
 * The units of a synapse model checked against the models it joins: when
 * the synapse, its source and its target declare units, every statement and
 * summed variable is checked with `x_pre` and `x_post` in the units of the
 * source and target (a weight in nS cannot add to a potential in mV), and
 * the units of the three must make one coherent system (a weight in V
 * cannot add to a potential in mV: the numbers would be off by 1000).
 */
import { NetworkWiringError } from '../errors.js';
import { parseExpression, symbolsOf } from '../expr/parse.js';
import { checkUnits, isConflict, UnitSystem, type UnitLookup } from '../units/index.js';
import { SIDE_NAME } from './read.js';
import type { ModelSpec } from './spec.js';
import { statementTarget, unitContextOf } from './units.js';

/**
 * Checks the units of a synapse model joined to a source and a target model.
 * Nothing is checked unless all three declare units.
 * @param where - named in the error, e.g. `synapses exc`
 * @throws {@link NetworkWiringError} naming the statement, the offending sub-expression and both units
 */
export function checkSynapseUnits(where: string, synapse: ModelSpec, source: ModelSpec, target: ModelSpec): void {
  const ctx = unitContextOf(synapse);
  const sides = { pre: unitContextOf(source), post: unitContextOf(target) };
  if (!ctx?.system || !sides.pre?.system || !sides.post?.system || !synapse.units?.joined) return;
  // One coherent system for the synapse and what it reads and sets of the units it joins: the
  // same quantity on one scale in each (a source in seconds may feed a synapse in ms, unless
  // the synapse reads one of its times).
  const used = { pre: new Set<string>(), post: new Set<string>() };
  for (const s of synapse.units.joined) {
    for (const name of [s.target, ...symbolsOf(parseExpression(s.expression, s.where))]) {
      const m = SIDE_NAME.exec(name);
      if (m) used[m[2] as 'pre' | 'post'].add(m[1]);
    }
  }
  for (const { side, variable } of ctx.joinedUnits.values()) used[side].add(variable);
  const entries = (spec: ModelSpec, c: NonNullable<typeof ctx>, names: Set<string> | null) => c.declared
    .filter((d) => !names || (d.name ? names.has(d.name) : [...names].some((n) => c.lookup(n) === c.time)))
    .map((d) => ({ ...d, name: d.name ? `${spec.name}#${d.name}` : `the time unit of ${spec.name}` }));
  const all = [...entries(synapse, ctx, null), ...entries(source, sides.pre, used.pre), ...entries(target, sides.post, used.post)];
  const joint = UnitSystem.solve(all);
  if (isConflict(joint)) {
    const other = joint.others[0];
    throw new NetworkWiringError(
      where,
      `${joint.name} (${joint.text}) and ${other.name} (${other.text}) ${joint.sameDimension ? 'measure the same quantity on different scales' : 'with the units of the models joined make no coherent system'}: the numbers ${synapse.name} passes between ${source.name} and ${target.name} would be off by a factor.`,
      joint.sameDimension ? `Declare both in one unit, e.g. ${joint.text} (a synapse's weight in the unit of what it changes).` : 'Declare the units of the synapse in the scales of the models it joins.',
    );
  }
  const lookup: UnitLookup = (name) => {
    const m = SIDE_NAME.exec(name);
    if (m) return sides[m[2] as 'pre' | 'post']!.lookup(m[1]);
    // A field in the unit of a joined variable ({ unit: 'ge_post' }) has that variable's unit here.
    const joined = ctx.joinedUnits.get(name);
    return joined ? sides[joined.side]!.lookup(joined.variable) : ctx.lookup(name);
  };
  for (const [field, { side, variable }] of ctx.joinedUnits) {
    if (!lookup(field)) throw new NetworkWiringError(where, `${synapse.name}#${field} is in the unit of '${variable}_${side}', but the ${side === 'pre' ? 'source' : 'target'} model ${side === 'pre' ? source.name : target.name} has no variable '${variable}' with a unit.`, `Connect a ${side === 'pre' ? 'source' : 'target'} with '${variable}', or give ${field} a unit of its own.`);
  }
  for (const s of synapse.units.joined) {
    const shown = s.op === 'd/dt' ? `d${s.target}/dt = ${s.expression}` : `${s.target} ${s.op} ${s.expression}`;
    const mismatch = checkUnits(parseExpression(s.expression, s.where), statementTarget(s, lookup(s.target), ctx.time), lookup);
    if (mismatch) throw new NetworkWiringError(where, `${s.where} ('${shown}'), with ${source.name} as source and ${target.name} as target: ${mismatch}.`, `Declare the weight of ${synapse.name} in the unit of what it changes, or connect models whose units match.`);
  }
}
