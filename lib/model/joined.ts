/**
 * The units of a synapse model checked against the models it joins: when
 * the synapse, its source and its target declare units, every statement and
 * summed variable is checked with `x_pre` and `x_post` in the units of the
 * source and target (a weight in nS cannot add to a potential in mV), and
 * the units of the three must make one coherent system (a weight in V
 * cannot add to a potential in mV: the numbers would be off by 1000).
 */
import { NetworkWiringError } from '../errors.js';
import { parseExpression } from '../expr/parse.js';
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
  // One coherent system for the three models: the same quantity on one scale in each.
  const all = [synapse, source, target].flatMap((spec, k) => [ctx, sides.pre, sides.post][k]!.declared.map((d) => ({ ...d, name: d.name ? `${spec.name}#${d.name}` : `the time unit of ${spec.name}` })));
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
    return m ? sides[m[2] as 'pre' | 'post']!.lookup(m[1]) : ctx.lookup(name);
  };
  for (const s of synapse.units.joined) {
    const mismatch = checkUnits(parseExpression(s.expression, s.where), statementTarget(s, lookup(s.target)), lookup);
    if (mismatch) throw new NetworkWiringError(where, `${s.where} ('${s.target} ${s.op} ${s.expression}'), with ${source.name} as source and ${target.name} as target: ${mismatch}.`, `Declare the weight of ${synapse.name} in the unit of what it changes, or connect models whose units match.`);
  }
}
