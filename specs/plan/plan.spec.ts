/**
 * The plan layer: `planNetwork` is a pure function of a graph; every buffer
 * carries a role and an element type; the arrays of a plan are allocated by
 * element type (int32 and uint8 as well as float), aligned where the addon
 * tells addresses; back ends refuse element types they do not declare;
 * `emit` and `Network.plan()` plan without compiling or changing anything.
 */
import { expect } from 'chai';
import { BackendError, emit, InputDataError, models, Network, NetworkWiringError, Sum } from '../../lib/index.js';
import { renderC } from '../../lib/backends/cfamily.js';
import { renderJS } from '../../lib/backends/js/render.js';
import { addon, addonStatus } from '../../lib/backends/native/binding.js';
import { cpuBackend } from '../../lib/backends/cpu/index.js';
import { cudaBackend } from '../../lib/backends/cuda/index.js';
import { interpreterBackend } from '../../lib/backends/interpreter/index.js';
import { jsBackend } from '../../lib/backends/js/index.js';
import { unsupported } from '../../lib/backends/types.js';
import { alignedArray, allocateBuffers, checkPlanArrays } from '../../lib/plan/arrays.js';
import { planNetwork, type NetworkGraph } from '../../lib/plan/build.js';
import type { BufferPlan, NetworkPlan } from '../../lib/plan/types.js';

const native = addonStatus().ok;

/** An input of 2 streams driving 2 IAF units, whose summed v drives one more; v and spike recorded. */
function graph(): NetworkGraph {
  return {
    inputs: [{ name: 'in', num: 2 }],
    containers: [
      { name: 'a', model: models.IAF, num: 2, connections: [['stimulus', [{ kind: 'input', input: 0, name: 'in' }, { kind: 'const', value: 0.5 }]]], records: [{ variable: 'v', rate: 1, mode: 'trace' }] },
      {
        name: 'b', model: models.IAF, num: 1,
        connections: [['stimulus', [{ kind: 'op', op: 'sum', source: { kind: 'var', container: 0, variable: 'v', label: 'a.v' }, num: 1, label: 'sum(a.v)' }]]],
        records: [{ variable: 'spike', rate: 1, mode: 'sum' }],
      },
    ],
  };
}

/** The plan of {@link graph} with an int32 index buffer and a uint8 spike-flag buffer added. */
function withIntegers(plan: NetworkPlan): NetworkPlan {
  const extra: BufferPlan[] = [
    { name: 'a: targets', role: 'index', type: 'int32', length: 5 },
    { name: 'a: spike flags', role: 'spikes', type: 'uint8', length: 3 },
  ];
  return { ...plan, buffers: [...plan.buffers, ...extra] };
}

describe('plan/planNetwork', () => {
  it('lays out every buffer with a role and an element type, in a fixed order', () => {
    const { plan, streams, matrices } = planNetwork(graph());
    expect(plan.buffers.map((b) => [b.name, b.role, b.type, b.length])).to.deep.equal([
      ['input in', 'stream', 'float', 2],
      ['a.vt', 'param', 'float', 2], ['a.c', 'param', 'float', 2], ['a.bias', 'param', 'float', 2], ['a.stimulus', 'input', 'float', 2], ['a.spike', 'state', 'float', 2], ['a.v', 'state', 'float', 2],
      ['b.vt', 'param', 'float', 1], ['b.c', 'param', 'float', 1], ['b.bias', 'param', 'float', 1], ['b.stimulus', 'input', 'float', 1], ['b.spike', 'state', 'float', 1], ['b.v', 'state', 'float', 1],
      ['record a.v', 'record', 'float', 2],
      ['b: sum(a.v)', 'op', 'float', 1],
      ['record b.spike', 'record', 'float', 1],
    ]);
    expect(streams).to.deep.equal([0]);
    expect(matrices).to.deep.equal([]);
    expect(plan.fusable).to.equal(false);
    expect(plan.containers[0].inputs.stimulus).to.deep.equal([{ kind: 'stream', buffer: 0, num: 2 }, { kind: 'const', value: 0.5 }]);
  });

  it('is pure: the same graph gives the same plan, and the graph is not changed', () => {
    const g = graph();
    const before = JSON.stringify(g);
    const a = planNetwork(g, { dtype: 'float32', solver: 'euler', fastMath: true });
    const b = planNetwork(g, { dtype: 'float32', solver: 'euler', fastMath: true });
    expect(JSON.stringify(a)).to.equal(JSON.stringify(b));
    expect(JSON.stringify(g)).to.equal(before);
    expect(a.plan.dtype).to.equal('float32');
    expect(a.plan.fastMath).to.equal(true);
    expect(a.plan.containers[0].ir.solvers.v).to.equal('euler');
    expect(planNetwork(g).plan).to.not.have.property('fastMath');
  });

  it('refuses a source of another network (index -1) where the wiring reads it', () => {
    const g = graph();
    g.containers[0].connections = [['stimulus', [{ kind: 'input', input: -1, name: 'elsewhere' }]]];
    expect(() => planNetwork(g)).to.throw(NetworkWiringError, /^a\.connect: input 'elsewhere' belongs to another network\./);
  });
});

describe('plan/arrays: allocation by element type', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`allocates float buffers in ${dtype}, int32 and uint8 buffers as such, streams and records empty`, () => {
      const plan = withIntegers(planNetwork(graph(), { dtype }).plan);
      checkPlanArrays(plan, 'spec', 'Use less.');
      const arrays = allocateBuffers(plan, 'spec', 'Use less.');
      expect(arrays).to.have.length(plan.buffers.length);
      const Float = dtype === 'float64' ? Float64Array : Float32Array;
      plan.buffers.forEach((b, i) => {
        const a = arrays[i];
        const Type = b.type === 'int32' ? Int32Array : b.type === 'uint8' ? Uint8Array : Float;
        expect(a, b.name).to.be.instanceOf(Type);
        expect(a.length, b.name).to.equal(b.role === 'stream' || b.role === 'record' || b.role === 'spikes' ? 0 : b.length);
        expect(Array.from(a).every((x) => x === 0), b.name).to.equal(true);
        if (native && a.length > 0) expect(addon().alignmentOf(a), b.name).to.equal(0);
      });
      const index = arrays[plan.buffers.findIndex((b) => b.role === 'index')] as Int32Array;
      index.set([4, -3, 2 ** 31 - 1, 0, 1]);
      expect(Array.from(index)).to.deep.equal([4, -3, 2 ** 31 - 1, 0, 1]);
    });
  }

  it('alignedArray gives zeroed int32 and uint8 arrays (aligned where the addon tells addresses) and refuses other types', () => {
    for (const type of ['int32', 'uint8'] as const) {
      for (const n of [1, 7, 1000]) {
        const a = alignedArray(type, n);
        expect(a).to.be.instanceOf(type === 'int32' ? Int32Array : Uint8Array);
        expect(a.length).to.equal(n);
        expect(Array.from(a).every((x) => x === 0)).to.equal(true);
        if (native) expect(addon().alignmentOf(a)).to.equal(0);
      }
    }
    expect(() => alignedArray('float16' as never, 4)).to.throw(InputDataError, /^alignedArray: the element type "float16" is unknown\./);
  });

  it('checks the size of every buffer of a plan, whatever its element type', () => {
    const plan = withIntegers(planNetwork(graph()).plan);
    const huge: NetworkPlan = { ...plan, buffers: plan.buffers.map((b) => (b.type === 'int32' ? { ...b, length: 2 ** 40 } : b)) };
    expect(() => checkPlanArrays(huge, 'spec', 'Use less.')).to.throw(InputDataError, /^spec: buffer 'a: targets' would hold/);
  });

  it('the back ends refuse an element type they do not declare, and the renderers never declare it as float', () => {
    const plan = withIntegers(planNetwork(graph()).plan);
    // int32 everywhere; uint8 nowhere yet.
    for (const backend of [interpreterBackend, jsBackend, cpuBackend, cudaBackend]) {
      expect(backend.capabilities.elements, backend.name).to.deep.equal(['float', 'int32']);
      expect(unsupported(backend, plan), backend.name).to.match(/does not run uint8 buffers \(buffer 'a: spike flags', spikes; it runs float, int32\)/);
    }
    expect(unsupported(jsBackend, planNetwork(graph()).plan)).to.equal(null);
    expect(() => renderJS(plan)).to.throw(BackendError, /has the element type "uint8"/);
    expect(() => renderC(plan)).to.throw(BackendError, /has the element type "uint8"/);
  });
});

describe('plan/emit and Network.plan() plan without a network run', () => {
  it('emit renders the same source as the plan of a one-container network', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const nn = new Network();
      nn.add(models.HodgkinHuxley);
      expect(emit(models.HodgkinHuxley, 'js', { dtype })).to.equal(renderJS(nn.plan(dtype)));
      expect(emit(models.HodgkinHuxley, 'c', { dtype, solver: 'rk4' })).to.equal(renderC(nn.plan(dtype, 'rk4')));
    }
  });

  it('Network.plan() between compile and run changes nothing the run uses', async () => {
    const results: number[][] = [];
    for (const planInBetween of [false, true]) {
      const nn = new Network();
      const inp = nn.input({ name: 'in', num: 2 }).set(1);
      const a = nn.add(models.IAF, { name: 'a', num: 2 });
      const b = nn.add(models.IAF, { name: 'b', num: 1 });
      a.connect({ stimulus: inp });
      b.connect({ stimulus: Sum(a.ref('v')) });
      b.record('v');
      await nn.compile({ backend: 'js' });
      if (planInBetween) {
        nn.plan('float32', 'rk4');
        nn.plan();
      }
      await nn.run(1e-3, { steps: 20 });
      results.push(Array.from(b.recorder.get('v').data));
      expect(nn.plan().buffers.every((x) => x.type === 'float')).to.equal(true);
    }
    expect(results[1]).to.deep.equal(results[0]);
  });

  it('operators recognise an input by its class, not by its class name', () => {
    const nn = new Network();
    expect(Sum(nn.input({ num: 3 })).num).to.equal(1);
    class Input { num = 3; label = 'fake'; }
    expect(() => Sum(new Input() as never)).to.throw(NetworkWiringError, /^Sum: the source .* is not a container variable/);
  });
});
