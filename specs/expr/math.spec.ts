/**
 * lib/expr/math.ts: the library's mathjs instance is built from the factories
 * it lists, not from mathjs whole. In a fresh process, importing the package
 * loads no file of mathjs, and using it loads no entry of a full build (ES
 * module or CommonJS, with every function or with numbers only); the
 * instance holds the functions the library selected and not the rest of
 * mathjs, works beside a program's own mathjs, and gives the full build's
 * results. (How long the import takes is measured by bench/import.ts, not
 * checked here.)
 */
import { expect } from 'chai';
import * as full from 'mathjs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConstantNode, OperatorNode, SELECTED, SymbolNode, math, mathInstance } from '../../lib/expr/math.js';

/** A file of mathjs' prebuilt bundles: its two entries (all functions, numbers only), in either module system. */
const FULL_ENTRY = /\/mathjs\/lib\/(esm|cjs)\/(index\.js|number\.js|entry\/)/;

/**
 * The file of every script a fresh node process compiles while it runs
 * `code` (an ES module body): ES modules, whether imported or required, and
 * CommonJS modules (V8's inspector reports each script it parses).
 */
function scriptsLoadedBy(code: string): string[] {
  const script = `
import { Session } from 'node:inspector';
const session = new Session();
session.connect();
const urls = [];
session.on('Debugger.scriptParsed', (m) => urls.push(m.params.url));
session.post('Debugger.enable');
${code}
session.disconnect();
process.stdout.write(JSON.stringify(urls));`;
  const urls = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
  return urls.filter((u) => u.startsWith('file:') || u.startsWith('/')).map((u) => (u.startsWith('file:') ? fileURLToPath(u) : u).replace(/\\/g, '/'));
}

const LIB = import.meta.resolve('../../lib/index.js');
const MATHJS = import.meta.resolve('mathjs');
/** Module code that reads and inspects a model with the package: parse, simplify, derivative. */
const USE = `
const { Model, defineModel, derivative, inspect, param, state } = await import(${JSON.stringify(LIB)});
const M = defineModel(class M extends Model {}, { x: [state(0), derivative('2 * a * x + a * x')], a: param(1) });
const used = inspect(M).derivative('x').toString();`;

describe('expr/math: the mathjs instance of the library', function () {
  it('importing the package loads no file of mathjs; using it loads the factory files and no entry of a full build', () => {
    const imported = scriptsLoadedBy(`await import(${JSON.stringify(LIB)});`);
    // The check sees the package …
    expect(imported.some((p) => p.endsWith('/dist/lib/symbolic/calculus.js'))).to.equal(true);
    expect(imported.filter((p) => p.includes('/mathjs/')).slice(0, 3)).to.deep.equal([]);
    const used = scriptsLoadedBy(USE);
    // … and mathjs' factory files once an equation is parsed and simplified …
    expect(used.some((p) => p.endsWith('/mathjs/lib/esm/function/algebra/simplify.js'))).to.equal(true);
    // … and no entry of mathjs' bundles among them.
    expect(used.filter((p) => FULL_ENTRY.test(p)).slice(0, 3)).to.deep.equal([]);
    // The same check sees the entry when mathjs is imported whole.
    expect(scriptsLoadedBy(`await import(${JSON.stringify(MATHJS)});`).some((p) => FULL_ENTRY.test(p))).to.equal(true);
  });

  it('is built from the factories (not the full build), with the selected functions and not the rest of mathjs', () => {
    const { instance, full: isFull } = mathInstance();
    expect(isFull).to.equal(false);
    const names = instance as unknown as Record<string, unknown>;
    for (const name of SELECTED) expect(names[name], name).to.not.equal(undefined);
    for (const name of ['evaluate', 'compile', 'rationalize', 'lsolve', 'sum', 'unit', 'createUnit']) expect(name in names, name).to.equal(false);
    expect(Object.keys(math).sort()).to.deep.equal([...SELECTED].sort());
  });

  it("works beside a program's own mathjs, imported before or after the package", () => {
    // One typed-function each: mathjs hands its shared one to the first instance of its module only.
    expect((mathInstance().instance as unknown as { typed: unknown }).typed).to.not.equal((full as unknown as { typed: unknown }).typed);
    for (const first of [MATHJS, LIB]) {
      const script = `
await import(${JSON.stringify(first)});
${USE}
const { evaluate, simplify } = await import(${JSON.stringify(MATHJS)});
process.stdout.write([used, simplify('2 * x + x').toString(), evaluate('f(x) = x^2; f(3)').entries[0]].join('; '));`;
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      expect(out, first === MATHJS ? 'mathjs first' : 'package first').to.equal('3 * a * x; 3 * x; 9');
    }
  });

  it('node classes: new makes a node of the instance, instanceof tests for its class', () => {
    const node = new ConstantNode(2);
    expect(node).to.be.instanceOf(mathInstance().instance.ConstantNode);
    expect(node).to.be.instanceOf(ConstantNode);
    expect(math.parse('x')).to.be.instanceOf(SymbolNode);
    expect(full.parse('x')).to.not.be.instanceOf(SymbolNode);
    expect(new OperatorNode('+', 'add', [node, new ConstantNode(3)]).evaluate()).to.equal(5);
  });

  it("gives the full build's results: parse, simplify, derivative, evaluation", () => {
    const texts = [
      '-x / tau + a', '0.04 * x^2 + 5 * x + 140 - u + I', 'x * 0.1 + x * 0.2', '1/3 * x', 'x^(1/3)', 'sin(x)^2 + cos(x)^2',
      'exp(-(x - a) / 5) * tanh(x)', 'tan(x) + tanh(x) + sqrt(x) + cbrt(x) + log(x) + abs(x)', '(x - 1)^2 - x^2', 'pi * x / 2 + e',
    ];
    for (const text of texts) {
      expect(math.parse(text).toString(), text).to.equal(full.parse(text).toString());
      expect(math.simplify(text).toString(), text).to.equal(full.simplify(text).toString());
      expect(math.derivative(text, 'x').toString(), text).to.equal(full.derivative(text, 'x').toString());
      const scope = { x: 0.7, a: -1.5, tau: 3, u: 0.2, I: 5 };
      expect(math.parse(text).evaluate({ ...scope }), text).to.equal(full.parse(text).evaluate({ ...scope }));
    }
    // Values outside the reals are complex, as in the full build, not NaN.
    for (const text of ['log(-1)', 'sqrt(-2)', '(-8)^(1/3)', '1/0', '0/0', '2 < 3 ? 1 : 2', 'min(1, 2) + max(3, 4)']) {
      expect(String(math.parse(text).evaluate()), text).to.equal(String(full.parse(text).evaluate()));
    }
  });
});
