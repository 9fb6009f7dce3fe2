/**
 * The decorators record, and `readModel` normalises: what each decorator
 * leaves in the ModelSpec, how subclasses override defaults and equations,
 * and how instances override values.
 */
import { expect } from 'chai';
import {
  InputDataError, Model, Network, derivative, input, intermediate, models, param, post, readModel, state,
} from '../../lib/index.js';
import { ownRecords } from '../../lib/model/decorators.js';
import { valuesOf } from '../../lib/model/model.js';
import { throws } from '../support.js';

class Small extends Model {
  static timeScale = 1e3;
  @param(2.5) tau!: number;
  @param(-1) offset!: number;
  @input() drive!: number;
  @input(0.5) gain!: number;
  @intermediate('drive * gain') current!: number;
  @intermediate('current + offset') total!: number;
  @state(-1, { bounds: [-2, 3] }) @derivative('(total - x) / tau') @post('x > 2 ? 0 : x') x!: number;
  @state(0) @post('x > 2 ? 1 : 0') flag!: number;
  @state(4) @derivative('-y') y!: number;
}

describe('model/readModel', () => {
  describe('what every decorator records', () => {
    const spec = readModel(Small);

    it('names the model after its class and keeps static timeScale', () => {
      expect(spec.name).to.equal('Small');
      expect(spec.timeScale).to.equal(1e3);
    });

    it('@param records the default, in declaration order', () => {
      expect(spec.params).to.deep.equal([{ name: 'tau', value: 2.5 }, { name: 'offset', value: -1 }]);
    });

    it('@input records the default, 0 when none is given', () => {
      expect(spec.inputs).to.deep.equal([{ name: 'drive', value: 0 }, { name: 'gain', value: 0.5 }]);
    });

    it('@state records the initial value and bounds; @derivative and @post attach their text', () => {
      expect(spec.states).to.deep.equal([
        { name: 'x', initial: -1, bounds: [-2, 3], derivative: '(total - x) / tau', post: 'x > 2 ? 0 : x' },
        { name: 'flag', initial: 0, post: 'x > 2 ? 1 : 0' },
        { name: 'y', initial: 4, derivative: '-y' },
      ]);
    });

    it('@intermediate records the expression; intermediates come in dependency order', () => {
      expect(spec.intermediates).to.deep.equal([
        { name: 'current', expression: 'drive * gain' },
        { name: 'total', expression: 'current + offset' },
      ]);
      class Reversed extends Model {
        @intermediate('a + 1') b!: number;
        @intermediate('2 * x') a!: number;
        @state(0) @derivative('b') x!: number;
      }
      expect(readModel(Reversed).intermediates.map((i) => i.name)).to.deep.equal(['a', 'b']);
    });

    it('a class without timeScale gets 1', () => {
      class Plain extends Model {
        @state(0) @derivative('1') x!: number;
      }
      expect(readModel(Plain).timeScale).to.equal(1);
    });

    it('decorators only record plain data on the prototype (no checking there)', () => {
      // A misspelt symbol is accepted by the decorator; readModel reports it later.
      class Late extends Model {
        @state(0) @derivative('nope') x!: number;
      }
      const records = ownRecords(Late.prototype);
      expect(records.map((r) => r.kind)).to.deep.equal(['derivative', 'state']);
      expect(records[0]).to.deep.include({ kind: 'derivative', property: 'x', value: 'nope' });
      expect(() => readModel(Late)).to.throw(/nope/);
    });

    it('returns the same object for the same class (cached)', () => {
      expect(readModel(Small)).to.equal(spec);
    });
  });

  describe('subclasses', () => {
    class Base extends Model {
      @param(5) c!: number;
      @param(1) k!: number;
      @input(0) stimulus!: number;
      @state(0) @derivative('stimulus / c') v!: number;
      @state(0) @post('v > 1 ? 1 : 0') spike!: number;
    }
    class Child extends Base {
      @param(2) c!: number;
      @state(0.5) @derivative('(stimulus - k * v) / c') v!: number;
      @param(7) extra!: number;
    }

    it('override a parameter default and keep the parent\'s order', () => {
      const s = readModel(Child);
      expect(s.params).to.deep.equal([{ name: 'c', value: 2 }, { name: 'k', value: 1 }, { name: 'extra', value: 7 }]);
    });

    it('override an equation and an initial value, and inherit untouched states', () => {
      const s = readModel(Child);
      expect(s.states).to.deep.equal([
        { name: 'v', initial: 0.5, derivative: '(stimulus - k * v) / c' },
        { name: 'spike', initial: 0, post: 'v > 1 ? 1 : 0' },
      ]);
    });

    it('leave the parent unchanged', () => {
      expect(readModel(Base).params).to.deep.equal([{ name: 'c', value: 5 }, { name: 'k', value: 1 }]);
      expect(readModel(Base).states[0]).to.deep.equal({ name: 'v', initial: 0, derivative: 'stimulus / c' });
    });

    it('a subclass may replace only the equation of an inherited state', () => {
      class OnlyEquation extends Base {
        @derivative('-v') v!: number;
      }
      expect(readModel(OnlyEquation).states[0]).to.deep.equal({ name: 'v', initial: 0, derivative: '-v' });
    });

    it('inherits timeScale and may override it', () => {
      class Ms extends Base {
        static timeScale = 1e3;
      }
      class Inherits extends Ms {}
      expect(readModel(Inherits).timeScale).to.equal(1e3);
      expect(readModel(Base).timeScale).to.equal(1);
    });

    it('a library model can be extended (HodgkinHuxley with other conductances)', () => {
      class Weak extends models.HodgkinHuxley {
        @param(60) gNa!: number;
      }
      const s = readModel(Weak);
      expect(s.params.find((p) => p.name === 'gNa')!.value).to.equal(60);
      expect(s.params.find((p) => p.name === 'gK')!.value).to.equal(36);
      expect(s.timeScale).to.equal(1e3);
      expect(s.states.map((x) => x.name)).to.deep.equal(['v', 'n', 'm', 'h', 'spike', 'vprev']);
    });
  });

  describe('instances', () => {
    it('new X({ p }) overrides that parameter and keeps the other defaults', () => {
      const iaf = new models.IAF({ c: 2 });
      expect(iaf.c).to.equal(2);
      expect(iaf.vt).to.equal(0.025);
      expect(iaf.bias).to.equal(0.01);
      expect(iaf.v).to.equal(0);
      expect(iaf.stimulus).to.equal(0);
    });

    it('overrides initial states and inputs too', () => {
      const s = new Small({ x: 1.5, drive: 3 });
      expect(valuesOf(s)).to.deep.equal({ tau: 2.5, offset: -1, drive: 3, gain: 0.5, x: 1.5, flag: 0, y: 4 });
    });

    it('defaults are the same for every fresh instance and overrides do not leak between them', () => {
      const a = new Small({ tau: 9 });
      const b = new Small();
      expect(a.tau).to.equal(9);
      expect(b.tau).to.equal(2.5);
    });

    it('refuses a name the model lacks, listing the names it has', () => {
      expect(() => new models.IAF({ cc: 2 })).to.throw(InputDataError, /'cc' is not a parameter, input or state of IAF.*vt, c, bias, stimulus, spike, v/);
    });

    it('refuses a non-finite value, naming Class#field', () => {
      throws(() => new models.IAF({ c: Number.NaN }), InputDataError, { where: 'IAF#c', fix: /finite/ });
    });

    it('an instance added to a network gives its values as the container defaults', () => {
      const nn = new Network();
      const c = nn.add(new models.IAF({ c: 3, v: 0.01 }), { name: 'a', num: 2 });
      expect([...c.get('c')]).to.deep.equal([3, 3]);
      expect([...c.get('v')]).to.deep.equal([0.01, 0.01]);
      expect([...c.get('vt')]).to.deep.equal([0.025, 0.025]);
    });
  });
});
