/**
 * Names and equation text never become code. Each payload below once ran
 * code or changed results; each spec runs the payload through every path
 * that generates source (compile on js and cpu, emit for js, c and cuda) and
 * proves that nothing ran: no marker file, no global set, the payload's text
 * absent from every generated source.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backends, emit, Model, ModelDefinitionError, Network, NeuralError, derivative, param, state, type EmitTarget } from '../../lib/index.js';
import { renderJS } from '../../lib/backends/js/render.js';
import { renderC } from '../../lib/backends/cfamily.js';
import type { NetworkPlan } from '../../lib/plan/types.js';

const cpu = backends.status().cpu.ok;
const TARGETS: EmitTarget[] = ['js', 'c', 'cuda'];

/** A model class built at run time, as a model read from a JSON description would be. */
function modelOf(name: string, fields: { kind: 'state' | 'param'; name: string; value?: number; derivative?: string }[]): typeof Model {
  const cls = class extends Model {};
  Object.defineProperty(cls, 'name', { value: name });
  for (const f of fields) {
    if (f.derivative !== undefined) derivative(f.derivative)(cls.prototype, f.name);
    (f.kind === 'state' ? state : param)(f.value ?? 0)(cls.prototype, f.name);
  }
  return cls;
}

/** Compiles and runs the model on js and, where it works, cpu; returns every source generated. */
async function everySource(cls: typeof Model): Promise<string[]> {
  const sources: string[] = [];
  for (const target of TARGETS) sources.push(emit(cls, target));
  for (const backend of cpu ? (['js', 'cpu'] as const) : (['js'] as const)) {
    const nn = new Network();
    nn.add(cls, { num: 3 });
    await nn.compile({ backend });
    await nn.run(1e-3, { steps: 2 });
    sources.push(nn.source);
  }
  return sources;
}

describe('security/names never become code', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'neural-names-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    delete (globalThis as Record<string, unknown>).__neuralPwned;
  });

  it('a property name holding C code is refused before any code is generated', async () => {
    const marker = join(dir, 'marker');
    const payload = `z = 0; extern int system(const char *); system("touch ${marker}"); //`;
    const cls = modelOf('Payload', [{ kind: 'state', name: payload, derivative: '1' }]);
    expect(() => new Network().add(cls)).to.throw(ModelDefinitionError, /is not a plain name/);
    for (const target of TARGETS) expect(() => emit(cls, target)).to.throw(ModelDefinitionError);
    expect(existsSync(marker)).to.equal(false);
  });

  it('a class name holding a line break and JavaScript does not run on the js back end', async () => {
    const cls = modelOf('X\nglobalThis.__neuralPwned = 1;\n', [{ kind: 'state', name: 'v', derivative: '-v' }]);
    const sources = await everySource(cls);
    expect((globalThis as Record<string, unknown>).__neuralPwned).to.equal(undefined);
    for (const s of sources) expect(s).not.to.contain('__neuralPwned');
  });

  it('a class name holding a C constructor is not compiled into the cpu library', async () => {
    const marker = join(dir, 'marker');
    const payload = `X */ __attribute__((constructor)) static void pwn(void) { extern int system(const char *); system("touch ${marker}"); } /*`;
    const cls = modelOf(payload, [{ kind: 'state', name: 'v', derivative: '-v' }]);
    const sources = await everySource(cls);
    expect(existsSync(marker)).to.equal(false);
    for (const s of sources) {
      expect(s).not.to.contain('constructor');
      expect(s).not.to.contain(marker);
    }
  });

  it('container names are not pasted into source (comments included)', async () => {
    const cls = modelOf('Leak', [{ kind: 'state', name: 'v', derivative: '-v' }]);
    const nn = new Network();
    nn.add(cls, { name: 'a */ int evil; /* name' });
    await nn.compile({ backend: 'js' });
    expect(nn.source).not.to.contain('evil');
    expect(nn.source).to.contain('// container 0 (Leak)');
  });

  it('a string another package put on Object.prototype is not taken for a constant', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = '1; globalThis.__neuralPwned = 1; //';
    try {
      const cls = modelOf('Polluted', [{ kind: 'state', name: 'v', derivative: '-v * polluted' }]);
      expect(() => emit(cls, 'js')).to.throw(ModelDefinitionError, /unknown symbol 'polluted'/);
    } finally {
      delete proto.polluted;
    }
    expect((globalThis as Record<string, unknown>).__neuralPwned).to.equal(undefined);
  });

  for (const member of ['toString', 'valueOf', 'constructor', 'hasOwnProperty', 'isPrototypeOf']) {
    it(`an undeclared '${member}' in an equation is an unknown symbol`, () => {
      const cls = modelOf('Member', [{ kind: 'state', name: 'x', value: 1, derivative: `-x * ${member}` }]);
      expect(() => new Network().add(cls)).to.throw(ModelDefinitionError, new RegExp(`unknown symbol '${member}'`));
    });
  }

  it("an undeclared '__proto__' in an equation is refused", () => {
    const cls = modelOf('Proto', [{ kind: 'state', name: 'x', value: 1, derivative: '-x * __proto__' }]);
    expect(() => new Network().add(cls)).to.throw(NeuralError);
  });

  for (const name of ['constructor', 'toString', 'valueOf']) {
    it(`a field named '${name}' is refused (it is a member of every object)`, () => {
      const cls = modelOf('Field', [{ kind: 'param', name, value: 2 }, { kind: 'state', name: 'x', derivative: `-x * ${name}` }]);
      expect(() => new Network().add(cls)).to.throw(ModelDefinitionError, new RegExp(`'${name}' is a member of every JavaScript object`));
    });
  }

  it('a hand-made plan carrying code in a name is refused by the renderers', () => {
    const plan: NetworkPlan = {
      dtype: 'float64',
      fusable: true,
      buffers: [{ name: 'x', role: 'state', type: 'float', length: 1 }],
      containers: [{
        name: 'c', num: 1, buffers: { 'x; globalThis.__neuralPwned = 1': 0 }, inputs: {}, operators: [], records: [],
        ir: { model: 'M', timeScale: 1, states: [{ name: 'x; globalThis.__neuralPwned = 1', initial: 0 }], params: [], inputs: [], solvers: {}, update: [], post: [] },
      }],
    };
    expect(() => renderJS(plan)).to.throw(NeuralError, /not a plain identifier/);
    expect(() => renderC(plan)).to.throw(NeuralError, /not a plain identifier/);
    const literal = structuredClone(plan);
    literal.containers[0].buffers = { x: 0 };
    literal.containers[0].ir.states = [{ name: 'x', initial: 0 }];
    literal.containers[0].ir.update = [{ kind: 'set', name: 'x', expr: { k: 'num', v: '1; globalThis.__neuralPwned = 1' as unknown as number } }];
    expect(() => renderJS(literal)).to.throw(NeuralError, /is not a number/);
  });
});

describe('security/generated names never meet user names', () => {
  for (const name of ['__t0', '__B_x', 'x__s2', 'x__n', 'v__p', '_x', 'x_', 'a b', 'é', '1x', '']) {
    it(`the field name ${JSON.stringify(name)} is refused`, () => {
      const cls = modelOf('Clash', [{ kind: 'param', name, value: 1 }, { kind: 'state', name: 'x', value: 1, derivative: '-x' }]);
      expect(() => new Network().add(cls)).to.throw(ModelDefinitionError, /not a plain name/);
    });
  }

  for (const name of ['e', 'pi', 'dt', 't']) {
    it(`the field name '${name}' is reserved`, () => {
      const cls = modelOf('Reserved', [{ kind: 'param', name, value: 100 }, { kind: 'state', name: 'x', value: 1, derivative: '-x' }]);
      expect(() => new Network().add(cls)).to.throw(ModelDefinitionError, new RegExp(`the name '${name}' is reserved`));
    });
  }

  it('a name longer than 64 characters is refused', () => {
    const cls = modelOf('Long', [{ kind: 'state', name: `x${'y'.repeat(64)}`, derivative: '1' }]);
    expect(() => new Network().add(cls)).to.throw(ModelDefinitionError, /at most 64/);
  });

  it('names next to generated temporaries give the same numbers on every back end as a hand-written loop', async () => {
    // x' = -a·x·(x + b) + (x + b)²·c: shared sub-expressions become temporaries.
    const cls = modelOf('Shared', [
      { kind: 'param', name: 't0', value: 0.5 }, { kind: 'param', name: 'B_x', value: 0.25 }, { kind: 'param', name: 'x_n', value: 0.1 },
      { kind: 'state', name: 'x', value: 1, derivative: '-t0 * x * (x + B_x) + (x + B_x)^2 * x_n' },
    ]);
    let x = 1;
    const dt = 1e-3;
    for (let k = 0; k < 10; k++) x = x + dt * (-0.5 * x * (x + 0.25) + (x + 0.25) ** 2 * 0.1);
    for (const backend of cpu ? (['interpreter', 'js', 'cpu'] as const) : (['interpreter', 'js'] as const)) {
      const nn = new Network();
      const c = nn.add(cls);
      await nn.compile({ backend, solver: 'euler' });
      await nn.run(dt, { steps: 10 });
      expect(c.get('x')[0], backend).to.be.closeTo(x, 1e-15);
    }
  });
});

describe('security/constant equations that are never finite', () => {
  for (const text of ['log(-1)', '1/0', '0/0', 'sqrt(-2)', '10^400', 'x + log(-1)', 'x > 0 ? 1/0 : x']) {
    it(`'${text}' is refused`, () => {
      const cls = modelOf('Constant', [{ kind: 'state', name: 'x', value: 1, derivative: text }]);
      expect(() => new Network().add(cls)).to.throw(ModelDefinitionError, /for every input/);
    });
  }

  it('finite constants and comparisons of constants are kept', () => {
    const cls = modelOf('Fine', [{ kind: 'state', name: 'x', value: 1, derivative: '-x * (1e-20 > 0) + log(2) + 2^10' }]);
    expect(() => new Network().add(cls)).not.to.throw();
  });
});
