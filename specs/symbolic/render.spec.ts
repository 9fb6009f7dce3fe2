/**
 * `toTex()` and `toString()` of SymbolicModel: every state and intermediate
 * appears, braces balance, and the readable summary shows the equations,
 * the chosen rules, the initial values and the parameters.
 */
import { expect } from 'chai';
import { Model, derivative, inspect, intermediate, models, param, post, state } from '../../lib/index.js';
import { texName } from '../../lib/symbolic/inspect.js';

/** True when every unescaped { has its }, never closing more than opened. */
function balanced(tex: string): boolean {
  let depth = 0;
  for (let i = 0; i < tex.length; i++) {
    if (tex[i] === '\\') {
      i++;
      continue;
    }
    if (tex[i] === '{') depth++;
    if (tex[i] === '}' && --depth < 0) return false;
  }
  return depth === 0;
}


describe('symbolic/render', () => {
  describe('toTex()', () => {
    for (const [name, M] of Object.entries(models)) {
      it(`${name}: an aligned block with d/dt of every ODE state, every intermediate and post, braces balanced`, () => {
        const s = inspect(M);
        const tex = s.toTex();
        expect(tex.startsWith('\\begin{aligned}\n')).to.equal(true);
        expect(tex.endsWith('\n\\end{aligned}')).to.equal(true);
        expect(balanced(tex), tex).to.equal(true);
        for (const x of s.states) expect(tex).to.contain(`\\frac{d${texName(x)}}{dt} &= `);
        for (const i of Object.keys(s.intermediates)) expect(tex).to.contain(`${texName(i)} &= `);
        for (const x of s.allStates.filter((v) => s.postEquation(v))) expect(tex).to.contain(`${texName(x)} &\\leftarrow `);
        const lines = tex.split(' \\\\\n');
        const spike = s.spec.spike;
        const spikeLines = spike ? 1 + spike.reset.length + (spike.refractory !== undefined ? 1 : 0) : 0;
        const pathwayLines = (s.spec.pathways ?? []).reduce((n, p) => n + p.statements.length, 0);
        for (const p of s.spec.pathways ?? []) expect(tex).to.contain(`\\text{on ${p.on}: } `);
        // A model with units ends with one line of the unit of every variable.
        const units = s.spec.units;
        if (units) for (const x of Object.keys(units.fields)) expect(lines[lines.length - 1]).to.contain(`${texName(x)}\\,[`);
        expect(lines).to.have.length(Object.keys(s.intermediates).length + s.states.length + s.allStates.filter((v) => s.postEquation(v)).length + spikeLines + pathwayLines + (units ? 1 : 0));
      });
    }

    it('IAF renders its equation as a fraction and its posts as cases', () => {
      const tex = inspect(models.IAF).toTex();
      expect(tex).to.contain('\\frac{d\\mathit{v}}{dt} &= \\frac{');
      expect(tex).to.contain('\\begin{cases}');
      expect(tex).to.contain('\\text{otherwise}');
    });

    it('every variable is set alike: names mathjs takes for units (m, h, ms, EK) are italic words, Greek names letters', () => {
      for (const M of Object.values(models)) {
        const tex = inspect(M).toTex();
        expect(tex, M.name).not.to.match(/\\mathrm\{/);
      }
      const cs = inspect(models.ConnorStevens).toTex();
      expect(cs).to.contain('\\mathit{v}+50+\\mathit{ns}');
      expect(texName('tau')).to.equal('\\tau');
      expect(texName('m_inf')).to.equal('\\mathit{m\\_inf}');
      expect(inspect(models.HodgkinHuxley).toTex()).to.contain('\\mathit{m}');
    });

    it('the balance check itself catches an unbalanced string', () => {
      expect(balanced('\\frac{a}{b')).to.equal(false);
      expect(balanced('}{')).to.equal(false);
      expect(balanced('\\{ {a} \\}')).to.equal(true);
    });
  });

  describe('toString()', () => {
    it('IAF: the whole summary', () => {
      expect(inspect(models.IAF).toString()).to.equal([
        'IAF (time scale 1 per second)',
        '  dv/dt = (stimulus + bias) / c    [euler]',
        '  spike <- (v > vt) ? 1 : 0    [post]',
        '  v <- (v > vt) ? 0 : v    [post]',
        '  states: spike=0, v=0',
        '  params: vt=0.025, c=5, bias=0.01',
        '  inputs: stimulus=0',
      ].join('\n'));
    });

    it('shows intermediates, bounds and the chosen rule of every ODE state', () => {
      class Shown extends Model {
        static timeScale = 1e3;
        @param(2) k!: number;
        @intermediate('k * 2') k2!: number;
        @state(1, { bounds: [0, 5] }) @derivative('-k2 * x') x!: number;
        @state(0) @derivative('x * x') y!: number;
        @state(0) @post('x') last!: number;
      }
      const text = inspect(Shown).toString();
      expect(text.split('\n')).to.deep.equal([
        'Shown (time scale 1000 per second)',
        '  k2 = k * 2',
        '  dx/dt = -k2 * x    [exponential-euler]',
        '  dy/dt = x * x    [euler]',
        '  last <- x    [post]',
        '  states: x=1 in [0, 5], y=0, last=0',
        '  params: k=2',
      ]);
    });

    it('every library model names each ODE state with its rule', () => {
      for (const M of Object.values(models)) {
        const s = inspect(M);
        const text = s.toString();
        expect(text.startsWith(`${s.name} (time scale ${s.spec.timeScale} per second)`)).to.equal(true);
        for (const x of s.states) expect(text).to.contain(`  d${x}/dt = `).and.to.contain(`[${s.solver(x)}]`);
      }
    });
  });
});
