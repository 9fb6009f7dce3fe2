/**
 * Physical units: models whose fields declare units are checked
 * dimensionally when read, each wrongly dimensioned equation is refused
 * naming the model, the field, the offending sub-expression and both units;
 * literals with units become exact numbers in the model's coherent units,
 * so that the code generated for a model with units is the code of the same
 * model written without; values given with units are converted once, and
 * synapses are checked against the models they join.
 */
import { expect } from 'chai';
import {
  InputDataError, Model, ModelDefinitionError, NetworkWiringError, Network, defineModel, derivative, emit, input, inspect, intermediate, models, onPre, param,
  post, readModel, spike, state, summed, type FieldDecorators, type ModelClass,
} from '../../lib/index.js';
import { DIMENSIONLESS, decimalOf, numberOf, parseUnit, UnitSystem, isConflict, type PhysicalUnit } from '../../lib/units/index.js';
import { rejects, throws } from '../support.js';

/** A model class named `name` with these fields (and a time scale). */
function model(name: string, fields: FieldDecorators, timeScale = 1e3): ModelClass {
  const ctor = class extends Model {
    static timeScale = timeScale;
  };
  Object.defineProperty(ctor, 'name', { value: name });
  return defineModel(ctor, fields);
}

/** The one problem readModel finds in a model. */
function refused(m: ModelClass): ModelDefinitionError {
  const e = throws(() => readModel(m), ModelDefinitionError, {}, `readModel(${m.name})`);
  expect(e.problems, e.message).to.have.length(1);
  return e;
}

/** A leaky neuron in mV and ms whose derivative and extra fields are given. */
const leaky = (name: string, dv: string, extra: FieldDecorators = {}) =>
  model(name, { tau: param(20, { unit: 'ms' }), El: param(-65, { unit: 'mV' }), v: [state(-65, { unit: 'mV' }), derivative(dv)], ...extra });

const unit = (text: string): PhysicalUnit => {
  const parsed = parseUnit(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.unit;
};

describe('units: dimensionally checked models', () => {
  describe('equations that are refused, naming the field, the term and both units', () => {
    it('a sum of mV and ms', () => {
      const e = refused(leaky('SumOf', '(El - v + tau) / tau'));
      expect(e.where).to.equal('SumOf#v');
      expect(e.what).to.equal("'El - v + tau' adds 'tau' (ms) to 'El - v' (mV).");
    });

    it('exp of a potential', () => {
      expect(refused(leaky('ExpOf', '(El - v) / tau * exp(v)')).what).to.equal("exp() takes a pure number, but 'v' has unit mV.");
      expect(refused(leaky('LogOf', '(El - v) / tau * log(v / (1 mV) + tau)')).what).to.contain("'tau' (ms)");
    });

    it('a derivative of the wrong unit, with the offending term of a sum', () => {
      expect(refused(leaky('NoTau', 'El - v')).what).to.equal("'El' has unit mV, but dv/dt must be in mV/ms.");
      const cs = model('ConnorStevens', {
        g_K: param(20, { unit: 'mS/cm^2' }), E_K: param(-72, { unit: 'mV' }), I: input(0, { unit: 'mV/ms' }), n: param(0.5, { unit: '1' }),
        v: [state(-65, { unit: 'mV' }), derivative('I - g_K * n^4 * (v - E_K)')],
      });
      const e = refused(cs);
      expect(e.message).to.match(/^ConnorStevens#v: 'g_K \* n \^ 4 \* \(v - E_K\)' has unit mS·mV\/cm\^2, but dv\/dt must be in mV\/ms\. /);
    });

    it('the branches of a conditional that differ', () => {
      expect(refused(leaky('Branches', 'v > El ? (El - v) / tau : El')).what).to.equal("'El' has unit mV, but dv/dt must be in mV/ms.");
      const m = leaky('Inner', '(El - v) / tau * (v > El ? 1 : v)');
      expect(refused(m).what).to.equal("the branches of 'v > El ? 1 : v' differ: '1' has unit 1, 'v' has unit mV.");
    });

    it('a comparison of a potential and a time', () => {
      const m = leaky('Compare', '(El - v) / tau', { s: spike({ threshold: 'v > tau', reset: 'v = El' }) });
      const e = refused(m);
      expect(e.where).to.equal('Compare#s');
      expect(e.what).to.equal("'v > tau' compares 'v' (mV) with 'tau' (ms).");
    });

    it('a power of a quantity with a dimension to an exponent that is not constant, and an exponent with a unit', () => {
      const m = leaky('Power', '(El - v) / tau * (v / (1 mV))^k + (v^k) / tau', { k: param(2, { unit: '1' }) });
      expect(refused(m).what).to.equal("'v ^ k' raises 'v' (mV) to 'k', which is not a constant: the unit of the result would change with its value.");
      expect(refused(leaky('Exponent', '(El - v) / tau * 2^v')).what).to.equal("the exponent 'v' of '2 ^ v' has unit mV; an exponent is a pure number.");
      // Constant exponents and sqrt change the unit.
      expect(() => readModel(leaky('Squares', '(El - v) / tau + sqrt(v^2) / tau - cbrt(v^3) / tau + (v^2)^0.5 / tau'))).not.to.throw();
    });

    it('min, max and clip of different quantities; a reset, a refractory period and an intermediate of the wrong unit', () => {
      expect(refused(leaky('Min', 'min(El - v, tau) / tau')).what).to.equal("the arguments of 'min(El - v, tau)' differ: 'El - v' has unit mV, 'tau' has unit ms.");
      const reset = leaky('Reset', '(El - v) / tau', { s: spike({ threshold: 'v > -50 mV', reset: 'v = tau' }) });
      expect(refused(reset).what).to.equal("'tau' has unit ms, but v must be in mV.");
      const refractory = leaky('Refractory', '(El - v) / tau', { s: spike({ threshold: 'v > -50 mV', refractory: 'El' }) });
      expect(refused(refractory).what).to.equal("'El' has unit mV, but the refractory period must be in ms.");
      const inter = leaky('Inter', '(El - v) / tau + r * v', { r: intermediate('El / tau', { unit: '1/ms' }) });
      expect(refused(inter).what).to.equal("'El / tau' has unit mV/ms, but r must be in 1/ms.");
      expect(refused(leaky('Scale', '(El - v) / tau', { s: spike({ threshold: 'v > El', reset: 'v *= El' }) })).what).to.equal("'El' has unit mV, but the factor of 'v *= …' must be in 1.");
    });

    it('incoherent scales: v in mV and E in V, naming both fields; a time unit other than the time scale', () => {
      const e = refused(model('Mixed', { E: param(0.01, { unit: 'V' }), tau: param(20, { unit: 'ms' }), v: [state(-65, { unit: 'mV' }), derivative('(E - v) / tau')] }));
      expect(e.where).to.equal('Mixed#v');
      expect(e.what).to.contain("its unit mV and the unit V of 'E' measure the same quantity on different scales");
      expect(e.fix).to.contain('Declare both in V, or both in mV');
      const t = refused(model('Seconds', { tau: param(20, { unit: 'ms' }), v: [state(0, { unit: 'mV' }), derivative('-v / tau')] }, 1));
      expect(t.message).to.contain("Seconds#tau: its unit ms and the model's time unit s (static timeScale = 1)");
      // Scales that no pair shares but that contradict together: nA · Mohm is mV, not V.
      const ohm = refused(model('Ohm', { R: param(100, { unit: 'Mohm' }), I: input(0, { unit: 'nA' }), v: [state(0, { unit: 'V' }), derivative('(R * I - v) / (10 ms)')] }));
      expect(ohm.what).to.match(/^its unit V does not make one coherent system with .*Mohm \('R'\).*nA \('I'\)/);
      // A rate in Hz (per second) in a model whose time is in ms.
      expect(refused(leaky('Rate', '(El - v) / tau * f * tau', { f: param(10, { unit: 'Hz' }) })).what).to.contain("its unit Hz does not make one coherent system with the model's time unit ms");
    });

    it('a missing unit in a model with units, and a unit that is not one', () => {
      const e = refused(model('Missing', { tau: param(20), v: [state(-65, { unit: 'mV' }), derivative('-v / tau')] }));
      expect(e.where).to.equal('Missing#tau');
      expect(e.what).to.contain("declares no unit, but the model uses units (e.g. 'v' is in mV)");
      const bad = refused(model('Unknown', { tau: param(20, { unit: 'mss' }), v: [state(-65, { unit: 'mV' }), derivative('-v / tau')] }));
      expect(bad.where).to.equal('Unknown#tau');
      expect(bad.what).to.contain("'mss' is not a unit");
      expect(refused(model('Offset', { T: param(20, { unit: 'degC' }), v: [state(0, { unit: 'mV' }), derivative('-v / (1 ms)')] })).what).to.contain('offset');
      expect(refused(model('Number', { T: param(20, { unit: 2 as never }), v: [state(0, { unit: 'mV' }), derivative('-v / (1 ms)')] })).what).to.contain('2 is not a unit string');
      expect(refused(model('Option', { T: param(20, { units: 'ms' } as never), v: [state(0), derivative('-v')] })).what).to.equal("@param has unknown option 'units'.");
    });

    it('a unit in a model without units is an unknown symbol, with a hint', () => {
      const e = refused(model('Plain', { tau: param(20), v: [state(-65), derivative('(-65 mV - v) / tau')] }));
      expect(e.what).to.equal("'(-65 mV - v) / tau' uses unknown symbol 'mV'.");
      expect(e.fix).to.contain("'mV' is a unit: constants with units need a model with units");
    });

    it('several problems are reported at once', () => {
      const e = throws(() => readModel(model('Two', { tau: param(20, { unit: 'ms' }), w: [state(0, { unit: 'mV' }), derivative('w')], v: [state(0, { unit: 'mV' }), derivative('exp(v)')] })), ModelDefinitionError);
      expect(e.problems).to.have.length(2);
    });
  });

  describe('what is accepted', () => {
    it('the built-in names: t, dt and lastspike are times, xi is per square root of time, not_refractory and draws are pure numbers; 0 is 0 in any unit', () => {
      const m = model('Builtins', {
        tau: param(20, { unit: 'ms' }), sigma: param(1, { unit: 'mV' }), tref: param(2, { unit: 'ms' }),
        v: [state(0, { unit: 'mV' }), derivative('-v / tau + sigma * sqrt(2 / tau) * xi + (t > 5 ms ? 0 : sigma / tau) * not_refractory', { unlessRefractory: true })],
        w: [state(0, { unit: 'ms' }), post('t - lastspike + dt * rand() + 0')],
        s: spike({ threshold: 'v > 10 mV and t - lastspike > 2 * tref', reset: 'v = 0; w += 1 ms * randn()', refractory: 'tref' }),
      });
      const spec = readModel(m);
      expect(spec.units!.fields).to.deep.include({ lastspike: 'ms', not_refractory: '1', w: 'ms' });
      expect(spec.spike!.threshold).to.equal('v > 10 and t - lastspike > 2 * tref');
      expect(spec.spike!.reset.map((r) => r.expression)).to.deep.equal(['0', 'randn()']);
    });

    it('a number as the refractory period is in the model time unit, as before', () => {
      expect(readModel(leaky('Refr', '(El - v) / tau', { s: spike({ threshold: 'v > -50 mV', refractory: 5 }) })).spike!.refractory).to.equal('5');
    });

    it('a subclass that declares a field again keeps its unit', () => {
      class Weak extends models.HodgkinHuxley {
        @param(60) gNa!: number;
      }
      expect(readModel(Weak).units!.fields.gNa).to.equal('mS/cm^2');
      class New extends models.LIF {
        @param(1) extra!: number;
      }
      expect(refused(New).where).to.equal('New#extra');
    });
  });

  describe('numbers: exact conversions', () => {
    it('unit strings: SI values as decimals, dimensions, and "1"', () => {
      expect(numberOf(unit('mV').si)).to.equal(1e-3);
      expect(numberOf(unit('nS').si)).to.equal(1e-9);
      expect(numberOf(unit('uA/cm^2').si)).to.equal(1e-2);
      expect(numberOf(unit('1/ms').si)).to.equal(1e3);
      expect(unit('1')).to.equal(DIMENSIONLESS);
      expect(unit('uF/cm^2').dim).to.deep.equal([-1, -4, 4, 2, 0, 0, 0, 0, 0]);
      expect(decimalOf(0.0254)).to.deep.equal({ m: 254, k: -4 });
      expect(decimalOf(-65)).to.deep.equal({ m: -65, k: 0 });
    });

    it('a coherent system: every declared unit is exactly 1, other prefixes exact powers of ten', () => {
      const declared = ['ms', 'mV', 'nS', 'pF'].map((t) => ({ name: t, text: t, unit: unit(t) }));
      const system = UnitSystem.solve(declared);
      if (isConflict(system)) throw new Error('conflict');
      for (const d of declared) expect(numberOf(system.valueOf(d.unit)), d.text).to.equal(1);
      expect(numberOf(system.valueOf(unit('V')))).to.equal(1000);
      expect(numberOf(system.valueOf(unit('s')))).to.equal(1000);
      expect(numberOf(system.valueOf(unit('uS')))).to.equal(1000);
      expect(numberOf(system.valueOf(unit('pA')))).to.equal(1e-3 * 1e3);
      expect(numberOf(system.valueOf(unit('nA')))).to.equal(1000);
    });

    it('literals: 4 mV is 4 and 0.1 ms is 0.1 in mV and ms; 0.07 V is 70; 0.1 ms is 1e-4 in s', () => {
      const ms = readModel(leaky('Literals', '(El - v) / tau + (4 mV - 0.07 V) / (0.1 ms) + 0.3 mV / (3 ms)'));
      expect(ms.states[0].derivative).to.equal('(El - v) / tau + (4 - 70) / 0.1 + 0.1');
      const s = readModel(model('InSeconds', { tau: param(0.02, { unit: 's' }), v: [state(0, { unit: 'V' }), derivative('(0.07 V - v) / tau + 2 mV / (0.1 ms) - 1 uV / (3 us)')] }, 1));
      expect(s.states[0].derivative).to.equal('(0.07 - v) / tau + 20 - 0.3333333333333333');
      const hh = readModel(model('Area', {
        g: param(36, { unit: 'mS/cm^2' }), I: input(0, { unit: 'uA/cm^2' }), v: [state(-65, { unit: 'mV' }), derivative('(I + 10 uA/cm^2 + 1 nA/um^2 - g * v) / (1 uF/cm^2)')],
      }));
      expect(hh.states[0].derivative).to.equal('I + 10 + 1e+5 - g * v');
    });

    it('a value given with a unit is converted once: 20 ms is exactly 20, 2 s is 2000, -0.07 V is -70', async () => {
      const nn = new Network();
      const lif = nn.add(models.LIF, { num: 2, params: { tau: '20 ms', El: '-0.07 V' }, states: { v: '-65 mV + 0 * randn() * 1 mV' } });
      expect([...lif.get('tau')]).to.deep.equal([20, 20]);
      expect([...lif.get('El')]).to.deep.equal([-70, -70]);
      expect([...lif.get('v')]).to.deep.equal([-65, -65]);
      lif.set('tau', '2 s');
      expect(lif.get('tau')[0]).to.equal(2000);
      lif.set('tref', '0.1 ms');
      expect(lif.get('tref')[0]).to.equal(0.1);
      // Without a unit name, a value is a number in the variable's unit, as before.
      lif.set('tau', 'tau / 100 + 1');
      expect(lif.get('tau')[0]).to.equal(21);
    });

    it('a value of the wrong dimension, or with a unit for a model without units, is refused', () => {
      const nn = new Network();
      const lif = nn.add(models.LIF, { name: 'lif' });
      throws(() => lif.set('tau', '20 mV'), InputDataError, { where: 'lif.tau', message: "'20 mV' has unit mV, but LIF#tau must be in ms.", fix: /Give a value in ms/ });
      throws(() => nn.add(models.LIF, { name: 'b', params: { El: '-65 mV + 2 ms' } }), InputDataError, { where: 'b.El', message: "'2 ms' has unit ms, but LIF#El must be in mV." });
      const plain = nn.add(model('Plain2', { tau: param(20), v: [state(0), derivative('-v / tau')] }), { name: 'p' });
      throws(() => plain.set('tau', '20 ms'), InputDataError, { where: 'p.tau', message: "'20 ms' holds the unit 'ms', but Plain2 declares no units." });
    });
  });

  describe('numbers in a stated unit, and the step with its unit', () => {
    it('set(variable, numbers, unit) converts exactly to the declared unit; refuses another quantity, an expression, a model without units', () => {
      const nn = new Network();
      const lif = nn.add(models.LIF, { name: 'lif', num: 3 });
      lif.set('El', [-0.07, -0.0655, -0.05], 'V');
      expect([...lif.get('El')]).to.deep.equal([-70, -65.5, -50]);
      lif.set('tau', 0.02, 's');
      expect([...lif.get('tau')]).to.deep.equal([20, 20, 20]);
      lif.set('v', [-65, -60, -55], 'mV');
      expect([...lif.get('v')]).to.deep.equal([-65, -60, -55]);
      throws(() => lif.set('tau', 20, 'mV'), InputDataError, { where: 'lif.tau', message: "'mV' is not a unit of tau, which LIF declares in ms." });
      throws(() => lif.set('tau', 20, 'parsec-ish'), InputDataError, { where: 'lif.tau' });
      throws(() => lif.set('tau', '20', 'ms'), InputDataError, { message: 'an expression' });
      const plain = nn.add(model('Plain3', { tau: param(20), v: [state(0), derivative('-v / tau')] }), { name: 'p' });
      throws(() => plain.set('tau', 0.02, 's'), InputDataError, { where: 'p.tau', message: 'Plain3 declares no units' });
    });

    it("run('0.1 ms') runs exactly as run(1e-4); a step that is not a time is refused", async () => {
      const runs = [];
      for (const dt of [1e-4, '0.1 ms', '100 us']) {
        const nn = new Network({ seed: 3 });
        const lif = nn.add(models.NoisyLIF, { num: 20, params: { El: -52 } });
        lif.record('spike');
        await nn.compile({ backend: 'js' });
        await nn.run(dt, { steps: 500 });
        runs.push([Array.from(lif.recorder.spikes().units), Array.from(lif.get('v'))]);
      }
      expect(runs[1]).to.deep.equal(runs[0]);
      expect(runs[2]).to.deep.equal(runs[0]);
      const nn = new Network();
      nn.add(models.LIF);
      await nn.compile({ backend: 'js' });
      await rejects(() => nn.run('0.1 mV', { steps: 1 }), InputDataError, { where: 'Network.run', message: "'mV' is not a unit of time" });
      await rejects(() => nn.run('fast', { steps: 1 }), InputDataError, { message: 'not a number followed by a unit of time' });
    });
  });

  describe('generated code', () => {
    const withUnits = model('Hh', {
      gK: param(36, { unit: 'mS/cm^2' }), EK: param(-77, { unit: 'mV' }), stimulus: input(0, { unit: 'uA/cm^2' }),
      beta: intermediate('0.125 / ms * exp(-(v + 65 mV) / (80 mV))', { unit: '1/ms' }),
      v: [state(-65, { unit: 'mV', bounds: [-80, 30] }), derivative('(stimulus - gK * n^4 * (v - EK)) / (1 uF/cm^2)')],
      n: [state(0.3, { unit: '1' }), derivative('0.1 / ms * (1 - n) - beta * n')],
      s: spike({ threshold: 'v > -20 mV', reset: 'n += 0.01', refractory: '2 ms' }),
    });
    const without = model('Hh', {
      gK: param(36), EK: param(-77), stimulus: input(0),
      beta: intermediate('0.125 * exp(-(v + 65) / 80)'),
      v: [state(-65, { bounds: [-80, 30] }), derivative('stimulus - gK * n^4 * (v - EK)')],
      n: [state(0.3), derivative('0.1 * (1 - n) - beta * n')],
      s: spike({ threshold: 'v > -20', reset: 'n += 0.01', refractory: '2' }),
    });

    it('a model written with units gives the same source as the model written without, for every target', () => {
      for (const target of ['js', 'c', 'cuda'] as const) expect(emit(withUnits, target), target).to.equal(emit(without, target));
      expect(inspect(withUnits).toTex().replace(/ \\\\\n\\text\{units\}[^\n]*/, '')).to.equal(inspect(without).toTex());
    });

    it('and runs the same, with recordings that carry their unit', async () => {
      const run = async (m: ModelClass) => {
        const nn = new Network({ seed: 3 });
        const c = nn.add(m, { num: 2 });
        c.connect({ stimulus: 12 });
        c.record('v');
        await nn.compile({ backend: 'js' });
        await nn.run(1e-5, { steps: 3000 });
        return c.recorder.get('v');
      };
      const a = await run(withUnits);
      const b = await run(without);
      expect(a.data).to.deep.equal(b.data);
      expect(a.unit).to.equal('mV');
      expect(b.unit).to.equal(undefined);
    });
  });

  describe('synapses joined to models with units', () => {
    const weight = (name: string, unitText: string, statement = 'ge_post += w') => model(name, { w: param(1, { unit: unitText }), pre: onPre(statement) });

    it('a weight in the unit of what it changes is accepted, also with a literal', () => {
      const nn = new Network();
      const a = nn.add(models.CUBA, { num: 2 });
      expect(() => nn.synapses(a, a, weight('InMv', 'mV', 'ge_post += w + 0.5 mV'), { p: 1 })).not.to.throw();
      expect(() => nn.synapses(a, a, models.ExcitatoryJump, { p: 1 })).not.to.throw();
    });

    it('a weight of another quantity, or of the same quantity on another scale, is refused', () => {
      const nn = new Network();
      const a = nn.add(models.CUBA, { num: 2 });
      const e = throws(() => nn.synapses(a, a, weight('InNs', 'nS'), { p: 1 }), NetworkWiringError);
      expect(e.what).to.equal("InNs#pre ('ge_post += w'), with CUBA as source and CUBA as target: 'w' has unit nS, but ge_post must be in mV.");
      const v = throws(() => nn.synapses(a, a, weight('InV', 'V'), { p: 1 }), NetworkWiringError);
      expect(v.what).to.match(/^CUBA#\w+ \(mV\) and InV#w \(V\) measure the same quantity on different scales/);
    });

    it("a weight in the unit of a joined variable ({ unit: 'ge_post' }): that variable's unit in each network, checked when joined, values converted to it", () => {
      const jump = model('JumpAsGe', { w: param(1, { unit: 'ge_post' }), pre: onPre('ge_post += w') });
      const nn = new Network();
      const cuba = nn.add(models.CUBA, { name: 'cuba', num: 2 });
      const cob = nn.add(models.COBAHH, { name: 'cob', num: 2 });
      // In mV onto CUBA, in nS onto COBAHH: the same class.
      const toCuba = nn.synapses(cuba, cuba, jump, { p: 1, values: { w: '0.002 V' } });
      expect([...toCuba.get('w')]).to.deep.equal([2, 2, 2, 2]);
      const toCob = nn.synapses(cuba, cob, jump, { p: 1, values: { w: '6 nS' } });
      expect([...toCob.get('w')]).to.deep.equal([6, 6, 6, 6]);
      throws(() => toCob.set('w', '2 mV'), InputDataError, { message: "'2 mV' has unit mV, but COBAHH#ge must be in nS." });
      // A statement that does not fit the joined unit is refused when joined.
      const wrong = model('JumpWrong', { w: param(1, { unit: 'ge_post' }), pre: onPre('ge_post += w * w') });
      expect(throws(() => nn.synapses(cuba, cuba, wrong, { p: 1 }), NetworkWiringError).what).to.match(/'w \* w' has unit mV\^2, but ge_post must be in mV/);
      // A target without the variable, and a model that joins nothing, are refused.
      const lif = nn.add(models.LIF, { name: 'lif', num: 2 });
      expect(throws(() => nn.synapses(cuba, lif, jump, { p: 1 }), NetworkWiringError).what).to.match(/^JumpAsGe reads 'ge_post', but the target model LIF has no variable 'ge'/);
      const unread = model('UnitOfUnread', { w: param(1, { unit: 'ge_post' }), pre: onPre('v_post += 0 mV') });
      expect(throws(() => nn.synapses(cuba, lif, unread, { p: 1 }), NetworkWiringError).what).to.equal("UnitOfUnread#w is in the unit of 'ge_post', but the target model LIF has no variable 'ge' with a unit.");
      expect(refused(model('NotSynapse', { w: param(1, { unit: 'ge_post' }), v: [state(0, { unit: 'mV' }), derivative('-v / (1 ms)')] })).what).to.match(/names a variable of the units a synapse joins, but NotSynapse is no synapse model/);
      // Event-driven derivatives of fields in a joined unit are checked when joined.
      const stdp = nn.synapses(nn.add(models.Poisson, { name: 'in', num: 3 }), nn.add(models.SongNeuron, { name: 'song', num: 1 }), models.SongSTDP, { p: 1, values: { w: '0.005' } });
      expect([...stdp.get('w')]).to.deep.equal([0.005, 0.005, 0.005]);
    });

    it("a synapse's values and delays may carry units", () => {
      const nn = new Network();
      const a = nn.add(models.CUBA, { num: 3 });
      const syn = nn.synapses(a, a, weight('Valued', 'mV'), { p: 1, values: { w: '0.5 mV' }, delay: '0.002 s' });
      expect([...syn.get('w')]).to.deep.equal(new Array(9).fill(0.5));
      expect([...(syn.delay as Float64Array)]).to.deep.equal(new Array(9).fill(2));
      throws(() => syn.set('w', '2 ms'), InputDataError, { message: "'2 ms' has unit ms, but Valued#w must be in mV." });
      throws(() => {
        syn.delay = '2 mV';
      }, InputDataError, { message: "'2 mV' has unit mV, but the delay of Valued must be in ms." });
    });

    it('summed variables are checked against the target input', () => {
      const gap = (u: string) => model(`Gap${u.replace(/\W/g, '')}`, { w: param(1, { unit: u }), I_post: summed('w * (v_pre - v_post)') });
      const neuron = model('Cell', { I: input(0, { unit: 'pA' }), C: param(200, { unit: 'pF' }), v: [state(-65, { unit: 'mV' }), derivative('I / C')], s: spike({ threshold: 'v > 0 mV', reset: 'v = -65 mV' }) });
      const nn = new Network();
      const a = nn.add(neuron, { num: 2 });
      expect(() => nn.synapses(a, a, gap('nS'), { p: 1 })).not.to.throw();
      expect(throws(() => nn.synapses(a, a, gap('ms'), { p: 1 }), NetworkWiringError).what).to.contain("has unit ms·mV, but I_post must be in pA");
    });
  });
});
