/**
 * The same model source compiled with every decorator and class-field setting
 * a project may have (legacy `experimentalDecorators` or standard TypeScript 5
 * decorators; `useDefineForClassFields` on or off; ES module or CommonJS
 * output) gives the same model, the same instance values and the same
 * simulation as this repository's own build. Models written in plain
 * JavaScript (decorators applied by hand, or defineModel) do too. Misused
 * decorators are refused with a ModelDefinitionError that says what to do.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import {
  Model, ModelDefinitionError, Network, defineModel, derivative, input, intermediate, models, param, post, readModel, state,
  type ModelValues,
} from '../../lib/index.js';
import { valuesOf } from '../../lib/model/model.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The compiled library this spec runs against (dist/lib/index.js). */
const LIB = resolve(here, '../../lib/index.js');

/** The model source, as a project would write it. */
const SOURCE = `
import { Model, defineModel, derivative, input, intermediate, models, param, post, state } from 'neural-ts';

export class Leak extends Model {
  static timeScale = 1e3;
  @param(20) tau!: number;
  @param(-65) rest!: number;
  @input(0) drive!: number;
  @intermediate('(rest - v) / tau') leak!: number;
  @state(-65, { bounds: [-90, 30] }) @derivative('leak + drive') @post('v > -50 ? -65 : v') v!: number;
  @state(0) @post('v > -50 ? 1 : 0') spike!: number;
}

/** A subclass that changes a default, declared without re-declaring the field. */
export class Fast extends Leak {}
defineModel(Fast, { tau: param(5) });

/** A subclass of a library model (compiled with legacy decorators) that re-declares a field. */
export class Weak extends models.Izhikevich {
  @param(0.1) b!: number;
}
`;

/** Legacy decorators may also go on a \`declare\` field (no class field is emitted). */
const LEGACY_ONLY = `
export class Declared extends Leak {
  @param(5) declare tau: number;
}
`;

// The same classes, compiled by this repository (legacy decorators, fields assigned).
class Leak extends Model {
  static timeScale = 1e3;
  @param(20) tau!: number;
  @param(-65) rest!: number;
  @input(0) drive!: number;
  @intermediate('(rest - v) / tau') leak!: number;
  @state(-65, { bounds: [-90, 30] }) @derivative('leak + drive') @post('v > -50 ? -65 : v') v!: number;
  @state(0) @post('v > -50 ? 1 : 0') spike!: number;
}
class Fast extends Leak {
  @param(5) tau!: number;
}
class Weak extends models.Izhikevich {
  @param(0.1) b!: number;
}

type Ctor = new (values?: ModelValues) => Model;
interface Compiled {
  Leak: Ctor;
  Fast: Ctor;
  Weak: Ctor;
  Declared?: Ctor;
}

/** Runs 400 steps of 0.1 ms: a population of Leak given as an instance, one Fast, one Weak. */
async function simulate(m: { Leak: Ctor; Fast: Ctor; Weak: Ctor }): Promise<number[]> {
  const nn = new Network();
  const a = nn.add(new m.Leak({ rest: -70, drive: 1.5 }), { name: 'a', num: 2 });
  const b = nn.add(m.Fast, { name: 'b', params: { drive: 2 } });
  const w = nn.add(new m.Weak({ a: 0.03 }), { name: 'w' });
  w.connect({ stimulus: 10 });
  a.record('spike');
  await nn.compile({ backend: 'js' });
  await nn.run(1e-4, { steps: 400 });
  return [...a.get('v'), ...b.get('v'), ...w.get('v'), ...w.get('u'), ...a.recorder.get('spike').data.slice(0, 20)];
}

const SETTINGS = [
  { experimentalDecorators: true, useDefineForClassFields: false },
  { experimentalDecorators: true, useDefineForClassFields: true },
  { experimentalDecorators: false, useDefineForClassFields: true },
  { experimentalDecorators: false, useDefineForClassFields: false },
];

describe('package/decorators', function () {
  let dir: string;
  let reference: number[];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'neural-decorators-'));
    reference = await simulate({ Leak, Fast, Weak });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Compiles SOURCE with the settings, writes it next to nothing else, and loads it. */
  async function compile(settings: (typeof SETTINGS)[number], module: 'esm' | 'cjs'): Promise<Compiled> {
    const source = SOURCE + (settings.experimentalDecorators ? LEGACY_ONLY : '');
    const out = ts.transpileModule(source, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: module === 'esm' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS, ...settings },
      reportDiagnostics: true,
    });
    expect(out.diagnostics ?? [], ts.formatDiagnostics(out.diagnostics ?? [], ts.createCompilerHost({}))).to.deep.equal([]);
    const name = `model-${settings.experimentalDecorators ? 'legacy' : 'standard'}-${settings.useDefineForClassFields ? 'define' : 'assign'}`;
    if (module === 'esm') {
      const file = join(dir, `${name}.mjs`);
      writeFileSync(file, out.outputText.replace(`from 'neural-ts'`, `from ${JSON.stringify(pathToFileURL(LIB).href)}`));
      return (await import(pathToFileURL(file).href)) as Compiled;
    }
    const file = join(dir, `${name}.cjs`);
    writeFileSync(file, out.outputText.replace(`require("neural-ts")`, `require(${JSON.stringify(LIB)})`));
    // require() of the library, an ES module (Node.js >= 20.19 or >= 22.12).
    return createRequire(import.meta.url)(file) as Compiled;
  }

  for (const settings of SETTINGS) {
    const label = `${settings.experimentalDecorators ? 'legacy' : 'standard'} decorators, useDefineForClassFields ${settings.useDefineForClassFields}`;
    describe(label, () => {
      let m: Compiled;
      before(async () => {
        m = await compile(settings, 'esm');
      });

      it('reads the same model as the reference build, inheritance and subclass defaults included', () => {
        for (const [mine, theirs] of [[m.Leak, Leak], [m.Fast, Fast], [m.Weak, Weak]] as const) {
          expect({ ...readModel(mine) }).to.deep.equal({ ...readModel(theirs) });
        }
        if (m.Declared) expect({ ...readModel(m.Declared), name: 'Fast' }).to.deep.equal({ ...readModel(Fast) });
      });

      it('instances keep the values they were given, on their fields and in valuesOf', () => {
        const leak = new m.Leak({ rest: -70 }) as unknown as Leak;
        expect([leak.rest, leak.tau, leak.drive, leak.v, leak.spike]).to.deep.equal([-70, 20, 0, -65, 0]);
        expect(valuesOf(leak)).to.deep.equal(valuesOf(new Leak({ rest: -70 })));
        const fast = new m.Fast({ v: -60 }) as unknown as Fast;
        expect([fast.tau, fast.v]).to.deep.equal([5, -60]);
        const weak = new m.Weak({ a: 0.03 }) as unknown as Weak;
        expect([weak.a, weak.b, weak.c]).to.deep.equal([0.03, 0.1, -65]);
        expect(valuesOf(weak)).to.deep.equal(valuesOf(new Weak({ a: 0.03 })));
        // A value assigned later is the one a network takes.
        weak.b = 0.3;
        expect(valuesOf(weak).b).to.equal(0.3);
      });

      it('simulates exactly like the reference build', async () => {
        expect(await simulate(m)).to.deep.equal(reference);
      });
    });
  }

  it('CommonJS output (require of the library) gives the same simulation, with either kind of decorators', async () => {
    for (const settings of [SETTINGS[1], SETTINGS[2]]) {
      const m = await compile(settings, 'cjs');
      expect(await simulate(m)).to.deep.equal(reference);
    }
  });

  describe('plain JavaScript', () => {
    const body = (lib: string): string => `
import { Model, defineModel, derivative, input, intermediate, models, param, post, state } from ${JSON.stringify(lib)};
export const Leak = defineModel(class Leak extends Model {
  static timeScale = 1e3;
}, {
  tau: param(20),
  rest: param(-65),
  drive: input(0),
  leak: intermediate('(rest - v) / tau'),
  v: [state(-65, { bounds: [-90, 30] }), derivative('leak + drive'), post('v > -50 ? -65 : v')],
  spike: [state(0), post('v > -50 ? 1 : 0')],
});
export class Fast extends Leak {}
param(5)(Fast.prototype, 'tau');
// A class field in JavaScript is defined on the instance, as with useDefineForClassFields.
export class Weak extends models.Izhikevich {
  b;
}
param(0.1)(Weak.prototype, 'b');
`;

    it('defineModel and decorators applied by hand give the same model and simulation', async () => {
      const file = join(dir, 'plain.mjs');
      writeFileSync(file, body(pathToFileURL(LIB).href));
      const m = (await import(pathToFileURL(file).href)) as Compiled;
      expect({ ...readModel(m.Leak) }).to.deep.equal({ ...readModel(Leak) });
      expect({ ...readModel(m.Fast) }).to.deep.equal({ ...readModel(Fast) });
      expect((new m.Weak() as unknown as Weak).b).to.equal(0.1);
      expect(await simulate(m)).to.deep.equal(reference);
    });

    it('defineModel in TypeScript keeps the class and its type', () => {
      class Typed extends Model {
        declare x: number;
      }
      expect(defineModel(Typed, { x: [state(1), derivative('-x')] })).to.equal(Typed);
      expect(new Typed().x).to.equal(1);
      expect(readModel(Typed).states).to.deep.equal([{ name: 'x', initial: 1, derivative: '-x' }]);
    });

    it('defineModel refuses what is not a class, not an object of fields, or not a decorator', () => {
      expect(() => defineModel(42 as never, {})).to.throw(ModelDefinitionError, /defineModel: 42 is not a class/);
      expect(() => defineModel(class A extends Model {}, null as never)).to.throw(ModelDefinitionError, /defineModel\(A\): the fields are null/);
      expect(() => defineModel(class B extends Model {}, { x: 3 as never })).to.throw(ModelDefinitionError, /B#x: 3 is not a decorator.*state\(…\)/);
    });
  });

  describe('misuse is refused with where, what and the fix', () => {
    async function load(source: string, experimentalDecorators: boolean): Promise<unknown> {
      const out = ts.transpileModule(`import { Model, param, state } from 'neural-ts';\n${source}`, {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators },
      });
      const file = join(dir, `misuse-${Math.random().toString(36).slice(2)}.mjs`);
      writeFileSync(file, out.outputText.replace(`from 'neural-ts'`, `from ${JSON.stringify(pathToFileURL(LIB).href)}`));
      return import(pathToFileURL(file).href);
    }

    for (const experimentalDecorators of [true, false]) {
      it(`a static field (${experimentalDecorators ? 'legacy' : 'standard'} decorators)`, async () => {
        const error = await load('export class S extends Model { @param(1) static k: number; }', experimentalDecorators).then(() => null, (e: unknown) => e);
        expect(error).to.be.instanceOf(ModelDefinitionError);
        expect((error as Error).message).to.match(/#k: @param is on a static field\. Model fields are instance fields: remove static\./);
      });
    }

    it('a method (standard decorators)', async () => {
      const error = await load('export class S extends Model { @state(0) v() { return 1; } }', false).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(ModelDefinitionError);
      expect((error as Error).message).to.match(/#v: @state is on a method; model decorators go on fields\./);
    });

    it('a standard decorator on a class defined without Symbol.metadata', () => {
      const context = { kind: 'field', name: 'v', static: false, private: false, metadata: undefined, access: {}, addInitializer() {} };
      expect(() => (state(0) as (v: undefined, c: unknown) => void)(undefined, context)).to.throw(ModelDefinitionError, /#v: .*no decorator metadata.*Import the library/);
    });

    it('a call that is neither form', () => {
      expect(() => (param(1) as (a: unknown, b: unknown) => void)(1, 2)).to.throw(ModelDefinitionError, /@param: was called with \(1, 2\).*MyModel\.prototype/);
      expect(() => (param(1) as (a: unknown, b: unknown) => void)(undefined, 'x')).to.throw(ModelDefinitionError, /where a class prototype was expected/);
    });
  });
});
