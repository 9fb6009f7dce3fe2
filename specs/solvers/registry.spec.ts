/**
 * The registry of update rules: one rule for each name of SOLVER_NAMES, in
 * the same order, and everything that lists the rules derived from it; the
 * automatic choice picks a rule that applies; a forced rule that does not
 * apply is refused with the reason and the rules that do.
 */
import { expect } from 'chai';
import { SOLVER_NAMES } from '../../lib/expr/rules.js';
import { ExpressionError, Model, derivative, inspect, lowerModel, models, state } from '../../lib/index.js';
import { solverLabel } from '../../lib/backends/dialect.js';
import { RULES, SOLVERS, applicableRules } from '../../lib/solvers/registry.js';
import { throws } from '../support.js';

class Quadratic extends Model {
  @state(0.5) @derivative('x * x') x!: number;
}

describe('solver registry', () => {
  it('holds one rule for each name of SOLVER_NAMES, in that order, named by its key', () => {
    expect(Object.keys(RULES)).to.deep.equal([...SOLVER_NAMES]);
    for (const [name, rule] of Object.entries(RULES)) {
      expect(rule.name, name).to.equal(name);
      expect(rule.stages, name).to.be.a('number').and.to.be.at.least(1);
      expect(rule.summary, name).to.be.a('string').and.not.empty;
    }
  });

  it("the solver option accepts 'auto' and every rule, and comments of generated code label every rule", () => {
    expect(SOLVERS).to.deep.equal(['auto', ...SOLVER_NAMES]);
    for (const r of SOLVER_NAMES) expect(solverLabel({ ir: { solvers: { x: r } } } as never)).to.equal(`x ${r}`);
    expect(solverLabel({ ir: { solvers: { x: 'rk5' } } } as never)).to.equal('x unknown rule');
  });

  it('the automatic choice of every library model picks a rule that applies', () => {
    for (const [name, M] of Object.entries(models)) {
      const sym = inspect(M);
      for (const x of sym.states) {
        const chosen = sym.solver(x);
        expect(chosen, `${name}#${x}`).to.be.oneOf([...SOLVER_NAMES]);
        expect(applicableRules(sym, x), `${name}#${x}`).to.include(chosen);
        expect(lowerModel(sym).solvers[x], `${name}#${x}`).to.equal(chosen);
      }
    }
  });

  it('euler, midpoint, heun and rk4 apply to every equation; exponential Euler says why not', () => {
    const sym = inspect(Quadratic);
    expect(applicableRules(sym, 'x')).to.deep.equal(['euler', 'midpoint', 'heun', 'rk4']);
    expect(RULES['exponential-euler'].applies(sym, 'x')).to.match(/^exponential Euler needs dx\/dt = A \+ B·x .*'x \* x' is not of that form\.$/);
  });

  it('a forced rule that does not apply: ExpressionError naming model#state, the rule, the reason and the rules that apply', () => {
    throws(() => lowerModel(inspect(Quadratic), 'exponential-euler'), ExpressionError, {
      where: 'Quadratic#x',
      message: /these equations cannot be integrated by rule 'exponential-euler': exponential Euler needs/,
      fix: "Use solver 'auto', 'euler', 'midpoint', 'heun' or 'rk4'.",
    });
  });
});
