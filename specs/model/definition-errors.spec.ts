/**
 * Every way to declare a model wrongly gives a ModelDefinitionError whose
 * message reads *where: what. fix*: the where is `Class#field`, the what names
 * the offending symbol, text or value, and several problems are reported at
 * once in `problems`.
 */
import { expect } from 'chai';
import {
  ExpressionError, Model, ModelDefinitionError, NeuralError, derivative, inspect, intermediate, param, post, readModel, state,
} from '../../lib/index.js';
import type { ModelClass } from '../../lib/index.js';
import { throws } from '../support.js';

/** The error readModel throws for a class (fails the test when there is none). */
function definitionError(ctor: ModelClass): ModelDefinitionError {
  const error = throws(() => readModel(ctor), ModelDefinitionError, {}, `readModel(${ctor.name})`);
  expect(error).to.be.instanceOf(NeuralError);
  expect(error.name).to.equal('ModelDefinitionError');
  return error;
}

describe('model/definition errors', () => {
  it('unknown symbol: names class, field, the expression and the symbol, and says how to declare it', () => {
    class UnknownSymbol extends Model {
      @param(0.01) bias!: number;
      @param(5) c!: number;
      @state(0) @derivative('(bias + 1) / cc') v!: number;
    }
    const e = definitionError(UnknownSymbol);
    expect(e.where).to.equal('UnknownSymbol#v');
    expect(e.message).to.equal("UnknownSymbol#v: '(bias + 1) / cc' uses unknown symbol 'cc'. Declare it with @param or @state, or name it with @intermediate.");
    expect(e.problems).to.deep.equal([e.message]);
  });

  it('unknown symbol in a @post and in an @intermediate are found too', () => {
    class InPost extends Model {
      @state(0) @post('w + 1') v!: number;
    }
    expect(definitionError(InPost).message).to.match(/^InPost#v: 'w \+ 1' uses unknown symbol 'w'\./);
    class InIntermediate extends Model {
      @intermediate('2 * q') a!: number;
      @state(0) @derivative('a') v!: number;
    }
    const e = definitionError(InIntermediate);
    expect(e.where).to.equal('InIntermediate#a');
    expect(e.message).to.contain("'2 * q' uses unknown symbol 'q'");
  });

  it('pi and e need no declaration', () => {
    class Constants extends Model {
      @state(0) @derivative('pi * e') v!: number;
    }
    expect(() => readModel(Constants)).not.to.throw();
  });

  it('mathjs syntax error: names the field, quotes the text and gives the character position', () => {
    class Syntax extends Model {
      @state(0) @derivative('(v + ') v!: number;
    }
    const e = definitionError(Syntax);
    expect(e.where).to.equal('Syntax#v');
    expect(e.message).to.contain("'(v + ' does not parse");
    expect(e.message).to.match(/\(char 6\)/);
    expect(e.message).to.match(/Fix the syntax/);
    class Syntax2 extends Model {
      @state(0) @derivative('v * * 2') v!: number;
    }
    expect(definitionError(Syntax2).message).to.match(/Syntax2#v: 'v \* \* 2' does not parse: .*\(char 5\)/);
  });

  it('unsupported function, wrong arity, operator, string constant, assignment: each names field and construct', () => {
    const cases: [string, RegExp][] = [
      ['foo(v)', /calls 'foo', which is not a supported function\. Use one of abs, exp/],
      ['exp(v, 2)', /calls 'exp' with 2 arguments; it takes 1\./],
      ['v!', /uses the operator '!', which is not supported/],
      ['"a"', /contains the constant "a", which is not a number/],
      ['v = 2', /contains a AssignmentNode, which an equation cannot hold/],
      ['[v, 1]', /ArrayNode/],
    ];
    for (const [text, pattern] of cases) {
      class Bad extends Model {
        @state(0) @derivative(text) v!: number;
      }
      const e = definitionError(Bad);
      expect(e.where, text).to.equal('Bad#v');
      expect(e.message, text).to.match(pattern);
    }
  });

  it('an empty equation is refused', () => {
    class Empty extends Model {
      @state(0) @derivative('  ') v!: number;
    }
    expect(definitionError(Empty).message).to.match(/^Empty#v: the equation " {2}" is empty/);
  });

  it('@derivative on a field that is not declared at all', () => {
    class NoState extends Model {
      @derivative('1') v!: number;
    }
    const e = definitionError(NoState);
    expect(e.where).to.equal('NoState#v');
    expect(e.message).to.contain('@derivative is on a field that is not a state');
    expect(e.message).to.contain("Add @state(initial) to 'v'");
  });

  it('@derivative or @post on a @param', () => {
    class OnParam extends Model {
      @param(1) @derivative('1') p!: number;
    }
    const e = definitionError(OnParam);
    expect(e.where).to.equal('OnParam#p');
    expect(e.message).to.contain('@derivative is on a field declared with @param');
    class PostOnParam extends Model {
      @param(1) @post('1') p!: number;
    }
    expect(definitionError(PostOnParam).message).to.contain('@post is on a field declared with @param');
  });

  it('@post on a field that is not a state', () => {
    class PostOnly extends Model {
      @post('1') v!: number;
    }
    expect(definitionError(PostOnly).message).to.equal("PostOnly#v: @post is on a field that is not a state. Add @state(initial) to 'v'.");
  });

  it('a name declared twice in one class names both roles', () => {
    class Twice extends Model {
      @state(0) @param(1) v!: number;
    }
    const e = definitionError(Twice);
    expect(e.where).to.equal('Twice#v');
    expect(e.message).to.match(/declared twice \(@param and @state\)\. Keep one declaration\./);
  });

  it('intermediate cycle: names the cycle', () => {
    class Cycle extends Model {
      @intermediate('b + 1') a!: number;
      @intermediate('c * 2') b!: number;
      @intermediate('a - 1') c!: number;
      @state(0) @derivative('a') v!: number;
    }
    const e = definitionError(Cycle);
    expect(e.where).to.equal('Cycle#a');
    expect(e.message).to.contain('cycle (a -> b -> c -> a)');
    expect(e.message).to.contain('Break the cycle');
  });

  it('an intermediate that uses itself is a cycle', () => {
    class Self extends Model {
      @intermediate('a + 1') a!: number;
      @state(0) @derivative('a') v!: number;
    }
    expect(definitionError(Self).message).to.contain('cycle (a -> a)');
  });

  it('bad bounds: reversed, equal, one number, NaN', () => {
    const cases: [unknown, string][] = [[[1, 0], '[1,0]'], [[2, 2], '[2,2]'], [[0], '[0]'], [[0, 1, 2], '[0,1,2]']];
    for (const [bounds, shown] of cases) {
      class Bounds extends Model {
        @state(0, { bounds: bounds as [number, number] }) @derivative('1') v!: number;
      }
      const e = definitionError(Bounds);
      expect(e.where).to.equal('Bounds#v');
      expect(e.message).to.contain(`bounds ${shown} are not [lower, upper] with lower < upper`);
      expect(e.message).to.contain('{ bounds: [-80, 30] }');
    }
    class NaNBounds extends Model {
      @state(0, { bounds: [Number.NaN, 1] }) @derivative('1') v!: number;
    }
    expect(definitionError(NaNBounds).message).to.contain('are not [lower, upper]');
  });

  it('non-finite default or initial value', () => {
    class Inf extends Model {
      @param(Number.POSITIVE_INFINITY) p!: number;
      @state(0) @derivative('p') v!: number;
    }
    const e = definitionError(Inf);
    expect(e.where).to.equal('Inf#p');
    expect(e.message).to.contain('needs a finite number');
  });

  // JSON.stringify would print NaN as null; the message shows the value as written.
  it('non-finite values are shown as written (NaN, Infinity), not as null', () => {
    class ShowNaN extends Model {
      @param(Number.NaN) p!: number;
      @state(0) @derivative('p') v!: number;
    }
    expect(definitionError(ShowNaN).message).to.contain('@param(NaN)');
    class ShowBounds extends Model {
      @state(0, { bounds: [Number.NaN, 1] }) @derivative('1') v!: number;
    }
    expect(definitionError(ShowBounds).message).to.contain('[NaN,1]');
  });

  it('reserved names dt and t', () => {
    class Reserved extends Model {
      @state(0) @derivative('1') t!: number;
      @param(1) dt!: number;
    }
    const e = definitionError(Reserved);
    expect(e.problems.some((p) => p.startsWith("Reserved#t: the name 't' is reserved"))).to.equal(true);
    expect(e.problems.some((p) => p.startsWith("Reserved#dt: the name 'dt' is reserved"))).to.equal(true);
  });

  it('a timeScale that is not a positive number', () => {
    class Scale extends Model {
      static timeScale = 0;
      @state(0) @derivative('1') v!: number;
    }
    const e = definitionError(Scale);
    expect(e.where).to.equal('Scale.timeScale');
    expect(e.message).to.contain('0 is not a positive number');
    expect(e.message).to.contain('Set static timeScale');
  });

  it('several problems are reported at once: where is the class, problems lists each', () => {
    class Many extends Model {
      @intermediate('b + 1') a!: number;
      @intermediate('a * 2') b!: number;
      @state(0, { bounds: [2, 1] }) @derivative('q + a') v!: number;
      @state(0) @derivative('w +') w!: number;
      @derivative('1') z!: number;
    }
    const e = definitionError(Many);
    expect(e.where).to.equal('Many');
    expect(e.problems).to.have.length(5);
    expect(e.message).to.match(/^Many: 5 problems in the model definition:\n {2}- /);
    const has = (re: RegExp) => expect(e.problems.some((p) => re.test(p)), String(re)).to.equal(true);
    has(/^Many#v: bounds \[2,1\] are not/);
    has(/^Many#v: 'q \+ a' uses unknown symbol 'q'/);
    has(/^Many#w: 'w \+' does not parse: .*\(char 4\)/);
    has(/^Many#a: intermediates depend on each other in a cycle \(a -> b -> a\)/);
    has(/^Many#z: @derivative is on a field that is not a state/);
    for (const p of e.problems) expect(e.message).to.contain(p);
  });

  it('a problem brought in by a subclass names the subclass; the parent stays valid', () => {
    class Parent extends Model {
      @state(0) @derivative('1') v!: number;
    }
    class Kid extends Parent {
      @derivative('v + missing') v!: number;
    }
    expect(() => readModel(Parent)).not.to.throw();
    expect(definitionError(Kid).where).to.equal('Kid#v');
  });

  it('constructing, inspecting or adding a broken model raises the same error', () => {
    class Broken extends Model {
      @state(0) @derivative('nope') v!: number;
    }
    expect(() => new Broken()).to.throw(ModelDefinitionError, /Broken#v/);
    expect(() => inspect(Broken)).to.throw(ModelDefinitionError, /Broken#v/);
  });

  it('expression problems inside a definition keep the ExpressionError text', () => {
    // readModel collects the ExpressionError message; it is also what parseExpression raises alone.
    class Paren extends Model {
      @state(0) @derivative('(v') v!: number;
    }
    const e = definitionError(Paren);
    expect(e).not.to.be.instanceOf(ExpressionError);
    expect(e.message).to.match(/Paren#v: '\(v' does not parse: .*\(char \d+\)/);
  });

  it('the fix of a single problem is also in error.fix', () => {
    class FixField extends Model {
      @state(0) @derivative('cc') v!: number;
    }
    const e = definitionError(FixField);
    expect(e.fix).to.contain('Declare it with @param or @state');
    expect(e.message).to.equal(`${e.where}: '${'cc'}' uses unknown symbol 'cc'. ${e.fix}`);
  });
});
