/**
 * What `Network.synapses`, `Network.add` and the synapse models refuse, and
 * how: each error is of its class and reads *where: what fix*, the where
 * naming the projection, option or field, the what the offending value or
 * name, the fix what to do. A refused projection leaves the network as it
 * was.
 */
import { expect } from 'chai';
import {
  BusyError, ExpressionError, emit, InputDataError, Model, ModelDefinitionError, Network, NetworkWiringError, derivative, models, onPost, onPre, param, state,
  type SynapsesOptions,
} from '../../lib/index.js';
import { throws } from '../support.js';
import { unsupported } from '../../lib/backends/types.js';
import { cudaBackend } from '../../lib/backends/cuda/index.js';
import { cpuBackend } from '../../lib/backends/cpu/index.js';
import { Driver, Jump, Sink } from './helpers.js';

/** A target with a parameter `vt` and a state `x`, and no spike. */
class Cell extends Model {
  static timeScale = 1e3;
  @param(1) vt!: number;
  @state(0) x!: number;
}

class SetsParam extends Model {
  @param(1) w!: number;
  @onPre('vt_post = 1') pre!: never;
}

class NamesFoo extends Model {
  @param(1) w!: number;
  @onPre('foo_post += w') pre!: never;
}

class ReadsFooPre extends Model {
  @param(1) w!: number;
  @onPre('x_post += w * foo_pre') pre!: never;
}

class ClockDriven extends Model {
  @param(1) w!: number;
  @state(0) @derivative('-g / 5') g!: number;
  @onPre('x_post += w') pre!: never;
}

class ClipInDerivative extends Model {
  @param(1) w!: number;
  @state(0) @derivative('clip(-g, 0, 1)', { eventDriven: true }) g!: number;
  @onPre('x_post += w') pre!: never;
}

class DrawsInOnPre extends Model {
  @param(1) w!: number;
  @onPre('x_post += w * rand()') pre!: never;
}

class NonlinearEventDriven extends Model {
  @param(1) w!: number;
  @state(1) @derivative('-g * g', { eventDriven: true }) g!: number;
  @onPre('x_post += w * g') pre!: never;
}

class PostOnly extends Model {
  @state(0) n!: number;
  @onPost('n += 1') post!: never;
}

/** A network with a spiking source (4 Driver units), a CUBA population of 10 and a spikeless Cell population of 5. */
function setup() {
  const nn = new Network({ seed: 1 });
  const driver = nn.add(Driver, { name: 'driver', num: 4 });
  const P = nn.add(models.CUBA, { name: 'P', num: 10 });
  const cells = nn.add(Cell, { name: 'cells', num: 5 });
  return { nn, driver, P, cells };
}

describe('synapses/errors: what is refused, and how it is said', () => {
  it('a back end whose capabilities say no synapses refuses a plan with them; every back end runs them', () => {
    const nn = new Network();
    const a = nn.add(models.CUBA, { num: 3 });
    nn.synapses(a, a, models.ExcitatoryJump, { name: 'exc', p: 1 });
    const without = { ...cpuBackend, capabilities: { ...cpuBackend.capabilities, synapses: false } };
    expect(unsupported(without, nn.plan())).to.equal("it does not run synapses yet (projection '0')");
    for (const b of [cpuBackend, cudaBackend]) expect(unsupported(b, nn.plan()), b.name).to.equal(null);
  });

  it('emit refuses a synapse model: it has no units to step', () => {
    throws(() => emit(models.ExcitatoryJump, 'js'), NetworkWiringError, { message: /ExcitatoryJump is a synapse model/ });
  });

  it('explicit pairs with sources or targets are refused: the ranges restrict rules, not given pairs', () => {
    const nn = new Network();
    const a = nn.add(models.CUBA, { num: 4 });
    throws(() => nn.synapses(a, a, models.ExcitatoryJump, { i: [0], j: [1], sources: [0, 2] }), NetworkWiringError, { message: /explicit i and j are taken as given/ });
  });

  it('a synapse model added as a container: Network.add names it and points to nn.synapses', () => {
    const { nn } = setup();
    const e = throws(() => nn.add(models.ExcitatoryJump), NetworkWiringError, { where: 'Network.add', message: 'ExcitatoryJump is a synapse model (it has @onPre, @onPost or @summed)' });
    expect(e.fix).to.contain('nn.synapses(source, target, ExcitatoryJump');
    expect(nn.containers).to.have.length(3);
  });

  it('a neuron model passed to nn.synapses: it declares no @onPre or @onPost', () => {
    const { nn, P } = setup();
    throws(() => nn.synapses(P, P, models.CUBA, { p: 0.1 }), ModelDefinitionError, { where: 'CUBA', message: 'is not a synapse model: it declares no @onPre or @onPost', fix: /@onPre\('ge_post \+= w'\)/ });
    throws(() => nn.synapses(P, P, 5 as never, { p: 0.1 }), NetworkWiringError, { where: 'Network.synapses', message: '5 is not a synapse model class', fix: /@onPre/ });
    expect(nn.projections).to.have.length(0);
  });

  it("a statement naming a variable the target lacks ('foo_post += w'), or one the source lacks: names both models and lists the variables", () => {
    const { nn, driver, P } = setup();
    throws(() => nn.synapses(driver, P, NamesFoo, { p: 0.5 }), NetworkWiringError, {
      where: 'synapses synapses0', message: "NamesFoo reads 'foo_post', but the target model CUBA has no variable 'foo'.", fix: /^Its variables: v, ge, gi, .*taum/,
    });
    const sink = nn.add(Sink, { num: 2 });
    throws(() => nn.synapses(driver, sink, ReadsFooPre, { p: 0.5, name: 'bad' }), NetworkWiringError, {
      where: 'synapses bad', message: "ReadsFooPre reads 'foo_pre', but the source model Driver has no variable 'foo'.", fix: /^Its variables: .*s1/,
    });
    expect(nn.projections).to.have.length(0);
  });

  it("setting a parameter of the target ('vt_post = 1') is refused: a synapse changes states", () => {
    const { nn, driver, P, cells } = setup();
    throws(() => nn.synapses(driver, cells, SetsParam, { p: 0.5 }), NetworkWiringError, {
      where: 'synapses synapses0', message: "SetsParam sets 'vt_post', but 'vt' is not a state of the target model Cell.", fix: 'A synapse changes states: x.',
    });
    // The target's lastspike is the library's: not a state a synapse may set either.
    class SetsLastspike extends Model {
      @onPre('lastspike_post = 0') pre!: never;
    }
    throws(() => nn.synapses(driver, P, SetsLastspike, { p: 0.5 }), NetworkWiringError, { message: "'lastspike' is not a state of the target model CUBA", fix: /^A synapse changes states: v, ge, gi\.$/ });
  });

  it('onPre from a source with no @spike, and onPost onto a target with no @spike, are refused', () => {
    const { nn, driver, cells } = setup();
    throws(() => nn.synapses(cells, cells, Jump, { p: 0.5 }), NetworkWiringError, {
      where: 'synapses synapses0', message: 'Jump runs statements when its source unit fires, but Cell declares no spike.', fix: /Connect a model with @spike/,
    });
    throws(() => nn.synapses(driver, cells, PostOnly, { p: 0.5 }), NetworkWiringError, { message: 'PostOnly runs statements when its target unit fires, but Cell declares no spike.' });
  });

  it('two ways of connecting at once, or none, are refused, naming them', () => {
    const { nn, driver, cells } = setup();
    const fix = 'Give one of p, inDegree, outDegree, explicit i and j, or condition (with p).';
    throws(() => nn.synapses(driver, cells, Jump, { p: 0.1, inDegree: 2 }), NetworkWiringError, { where: 'synapses synapses0', message: 'p and inDegree both say which units to connect.', fix });
    throws(() => nn.synapses(driver, cells, Jump, { outDegree: 1, i: [0], j: [0] }), NetworkWiringError, { message: 'outDegree and i both say which units to connect.', fix });
    throws(() => nn.synapses(driver, cells, Jump, { inDegree: 1, condition: 'i == j' }), NetworkWiringError, { message: 'inDegree and condition both say which units to connect.' });
    throws(() => nn.synapses(driver, cells, Jump, {}), NetworkWiringError, { message: 'nothing says which units to connect.', fix });
    // p with condition is one way (each pair where the condition holds, with probability p).
    expect(nn.synapses(driver, cells, Jump, { p: 1, condition: 'i == j' }).num).to.equal(4);
  });

  it('p outside [0, 1] (or not a number) is refused at synapses.p', () => {
    const { nn, driver, cells } = setup();
    for (const p of [1.5, -0.1]) throws(() => nn.synapses(driver, cells, Jump, { p }), NetworkWiringError, { where: 'synapses synapses0.p', message: `${p} is not a probability in [0, 1].`, fix: 'Give e.g. p: 0.02.' });
    throws(() => nn.synapses(driver, cells, Jump, { p: 1.5, condition: 'i < j' }), NetworkWiringError, { where: 'synapses synapses0.p' });
    throws(() => nn.synapses(driver, cells, Jump, { p: NaN }), InputDataError, { where: 'synapses synapses0', message: 'p = NaN' });
    throws(() => nn.synapses(driver, cells, Jump, { p: '0.1' as unknown as number }), InputDataError, { where: 'synapses synapses0' });
  });

  it('inDegree larger than the sources to choose from, outDegree larger than the targets, or not whole numbers', () => {
    const { nn, driver, P, cells } = setup();
    throws(() => nn.synapses(driver, cells, Jump, { inDegree: 5 }), NetworkWiringError, { where: 'synapses synapses0.inDegree', message: '5 is not a whole number in [0, 4].', fix: /no larger than the 4 units/ });
    throws(() => nn.synapses(driver, cells, Jump, { outDegree: 6 }), NetworkWiringError, { where: 'synapses synapses0.outDegree', message: '6 is not a whole number in [0, 5].' });
    throws(() => nn.synapses(driver, cells, Jump, { inDegree: 2.5 }), NetworkWiringError, { where: 'synapses synapses0.inDegree', message: '2.5 is not a whole number' });
    throws(() => nn.synapses(driver, cells, Jump, { inDegree: 3, sources: [0, 2] }), NetworkWiringError, { message: '3 is not a whole number in [0, 2].' });
    // Without self-connections, a unit of one container has one partner fewer.
    throws(() => nn.synapses(P, P, models.ExcitatoryJump, { inDegree: 10, selfConnections: false }), NetworkWiringError, { message: '10 is not a whole number in [0, 9].' });
    expect(nn.synapses(P, P, models.ExcitatoryJump, { inDegree: 10 }).num).to.equal(100);
  });

  it('explicit indices: out of range (naming the entry), i without j, j without i, lengths that differ, not a list', () => {
    const { nn, driver, cells } = setup();
    throws(() => nn.synapses(driver, cells, Jump, { i: [0, 4], j: [0, 1] }), NetworkWiringError, { where: 'synapses synapses0.i[1]', message: '4 is not a unit index in [0, 4).', fix: 'Give whole numbers below the container size.' });
    throws(() => nn.synapses(driver, cells, Jump, { i: [0, 1], j: [0, 5] }), NetworkWiringError, { where: 'synapses synapses0.j[1]', message: '5 is not a unit index in [0, 5).' });
    throws(() => nn.synapses(driver, cells, Jump, { i: [0, -1], j: [0, 1] }), NetworkWiringError, { where: 'synapses synapses0.i[1]' });
    throws(() => nn.synapses(driver, cells, Jump, { i: [0, 1.5], j: [0, 1] }), NetworkWiringError, { where: 'synapses synapses0.i[1]' });
    const fix = 'Give both: the source and the target unit of each synapse.';
    throws(() => nn.synapses(driver, cells, Jump, { i: [0, 1] }), NetworkWiringError, { where: 'synapses synapses0', message: 'i is given without j.', fix });
    throws(() => nn.synapses(driver, cells, Jump, { j: [0, 1] }), NetworkWiringError, { where: 'synapses synapses0', message: 'j is given without i.', fix });
    throws(() => nn.synapses(driver, cells, Jump, { i: [0, 1], j: [0] }), NetworkWiringError, { message: 'i has 2 entries and j 1.' });
    throws(() => nn.synapses(driver, cells, Jump, { i: 3 as unknown as number[], j: [0] }), NetworkWiringError, { where: 'synapses synapses0.i', message: 'is not a list of unit indices', fix: 'Give an array or an Int32Array.' });
    expect(nn.projections).to.have.length(0);
  });

  it('unit ranges that are not [first, end) within the container', () => {
    const { nn, driver, cells } = setup();
    throws(() => nn.synapses(driver, cells, Jump, { p: 0.5, sources: [0, 5] }), NetworkWiringError, { where: 'synapses synapses0.sources', message: 'is not a range [first, end) of units within [0, 4].', fix: 'Give e.g. sources: [0, 4].' });
    throws(() => nn.synapses(driver, cells, Jump, { p: 0.5, targets: [3, 2] }), NetworkWiringError, { where: 'synapses synapses0.targets' });
  });

  it('unknown value names (with a suggestion), values of the wrong length, expressions with unknown symbols', () => {
    const { nn, driver, cells } = setup();
    throws(() => nn.synapses(driver, cells, Jump, { p: 0.5, values: { ww: 2 } }), InputDataError, { where: 'synapses synapses0.values', message: "'ww' is not a parameter or state of Jump.", fix: 'Use one of: w.' });
    const P = nn.containers[1];
    const list = 'Use one of: gmax, taupre, taupost, dApre, dApost, w, Apre, Apost.';
    throws(() => nn.synapses(P, P, models.SongSTDP, { p: 0.5, values: { taupr: 5 } }), InputDataError, { where: 'synapses synapses0.values', message: "'taupr' is not a parameter or state of SongSTDP.", fix: `Did you mean 'taupre'? ${list}` });
    // lastupdate is the library's: refused, and not offered.
    throws(() => nn.synapses(P, P, models.SongSTDP, { p: 0.5, values: { lastupdate: 5 } }), InputDataError, { message: "'lastupdate' is not a parameter or state of SongSTDP.", fix: list });
    throws(() => nn.synapses(driver, cells, Jump, { i: [0, 1], j: [0, 1], values: { w: [1, 2, 3] } }), InputDataError, { where: 'synapses synapses0.values.w', message: '3 values given for 2 synapses' });
    throws(() => nn.synapses(driver, cells, Jump, { i: [0, 1], j: [0, 1], values: { w: [1, NaN] } }), InputDataError, { where: 'synapses synapses0.values.w[1]' });
    throws(() => nn.synapses(driver, cells, Jump, { p: 0.5, values: { w: 'q + 1' } }), InputDataError, { where: 'synapses synapses0.w', message: "'q + 1' uses unknown symbol 'q'.", fix: /Use i, j, the variables of Jump \(w\)/ });
    throws(() => nn.synapses(driver, cells, Jump, { p: 0.5, condition: 'i < k' }), NetworkWiringError, { where: 'synapses synapses0.condition', message: "'i < k' uses unknown symbol 'k'." });
    throws(() => nn.synapses(driver, cells, Jump, { p: 0.5, dealy: 1 } as SynapsesOptions), InputDataError, { where: 'synapses synapses0', message: "'dealy' is not an option.", fix: /Did you mean 'delay'\?/ });
  });

  it('negative delays: one, one of a list (named by its index as given), from an expression, or set later', () => {
    const { nn, driver, cells } = setup();
    const fix = "Give delays >= 0, in the synapse model's time unit.";
    throws(() => nn.synapses(driver, cells, Jump, { p: 0.5, delay: -1 }), InputDataError, { where: 'synapses synapses0.delay', message: 'the delay -1 is negative.', fix });
    // Given for the pairs (3, 0) and (0, 1): the second, index 1 as given, is the first synapse once ordered by source.
    throws(() => nn.synapses(driver, cells, Jump, { i: [3, 0], j: [0, 1], delay: [1, -2] }), InputDataError, { where: 'synapses synapses0.delay[1]', message: 'the delay -2 is negative.', fix });
    throws(() => nn.synapses(driver, cells, Jump, { i: [0, 1], j: [0, 1], delay: 'i - 0.5' }), InputDataError, { where: 'synapses synapses0.delay[0]', message: 'the delay -0.5 is negative.' });
    const syn = nn.synapses(driver, cells, Jump, { i: [0, 1], j: [0, 1], delay: 1 });
    throws(() => { syn.delay = [-1, 0]; }, InputDataError, { where: 'synapses synapses0.delay[0]', message: 'the delay -1 is negative.' });
    throws(() => { syn.delay = [1, 2, 3]; }, InputDataError, { where: 'synapses synapses0.delay' });
    expect(syn.delay, 'unchanged').to.equal(1);
  });

  it('a clock-driven synapse state, clip() in a derivative, a random draw in onPre, a nonlinear event-driven state', () => {
    const { nn, driver, cells } = setup();
    throws(() => nn.synapses(driver, cells, ClockDriven, { p: 0.5 }), ModelDefinitionError, {
      where: 'ClockDriven#g', message: 'a synapse state integrated every step (clock-driven) is not supported.', fix: /eventDriven: true/,
    });
    throws(() => nn.synapses(driver, cells, ClipInDerivative, { p: 0.5 }), ModelDefinitionError, { where: 'ClipInDerivative#g', message: "'clip(-g, 0, 1)' calls clip() in a derivative", fix: /min and max/ });
    throws(() => nn.synapses(driver, cells, DrawsInOnPre, { p: 0.5 }), ModelDefinitionError, {
      where: 'DrawsInOnPre#pre', message: "'w * rand()' draws a random number; the statements of a synapse cannot yet.", fix: /values: \{ w: 'rand\(\) \* wmax' \}/,
    });
    // The fix must not send the user to a solver option that synapse models do not have.
    const e = throws(() => nn.synapses(driver, cells, NonlinearEventDriven, { p: 0.5 }), ExpressionError, { where: 'NonlinearEventDriven#g', message: "'-g * g' is not of that form", fix: /event-driven state .*linear in the state/ });
    expect(e.fix).to.not.match(/solver/);
    expect(nn.projections).to.have.length(0);
  });

  it('containers of another network, and calls during a run', async () => {
    const { nn, driver, cells } = setup();
    const other = new Network({ seed: 2 });
    const foreign = other.add(Driver, { name: 'foreign', num: 2 });
    throws(() => nn.synapses(foreign, cells, Jump, { p: 0.5 }), NetworkWiringError, { where: 'Network.synapses', message: "the source 'foreign' belongs to another network.", fix: 'Connect containers added to this network (nn.add).' });
    throws(() => nn.synapses(driver, other.add(Sink, { name: 'far', num: 1 }), Jump, { p: 0.5 }), NetworkWiringError, { message: "the target 'far' belongs to another network." });
    throws(() => nn.synapses({} as never, cells, Jump, { p: 0.5 }), NetworkWiringError, { message: 'the source', fix: /nn\.add/ });
    // Busy: a projection cannot be made or changed while the network runs.
    const syn = nn.synapses(driver, cells, Jump, { p: 1 });
    await nn.compile({ backend: 'js' });
    const running = nn.run(1e-3, { steps: 5 });
    throws(() => nn.synapses(driver, cells, Jump, { p: 1 }), BusyError);
    throws(() => syn.set('w', 2), BusyError);
    throws(() => { syn.delay = 2; }, BusyError);
    await running;
    expect(nn.projections).to.have.length(1);
    expect(Array.from(syn.get('w'))).to.deep.equal(new Array(syn.num).fill(1));
  });

  it('get and set name unknown variables with a suggestion; set refuses a wrong length', () => {
    const { nn, driver, cells } = setup();
    const jump = nn.synapses(driver, cells, Jump, { p: 1, name: 'j' });
    throws(() => jump.get('ww' as 'w'), InputDataError, { where: 'synapses j.get', message: "'ww' is not a variable of Jump.", fix: 'Use one of: w.' });
    const stdp = nn.synapses(nn.containers[1], nn.containers[1], models.SongSTDP, { p: 0.5 });
    throws(() => stdp.get('Aprre' as 'w'), InputDataError, { where: 'synapses synapses1.get', message: "'Aprre' is not a variable of SongSTDP.", fix: /^Did you mean 'Apre'\? Use one of: gmax, .*, lastupdate\.$/ });
    throws(() => jump.set('ww' as 'w', 1), InputDataError, { where: 'synapses j.ww', message: "'ww' is not a variable of Jump." });
    throws(() => jump.set('w', [1, 2]), InputDataError, { where: 'synapses j.w', message: `2 values given for ${jump.num} synapses` });
    throws(() => jump.set('w', Infinity), InputDataError, { where: 'synapses j.w' });
    throws(() => nn.synapses(driver, cells, Jump, { p: 1, name: 'j' }), NetworkWiringError, { where: "synapses 'j'", message: 'the name is used twice in this network.' });
  });
});
