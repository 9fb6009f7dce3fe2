/**
 * Every ```ts and ```js snippet of README.md compiles against the library's
 * published types (dist/lib/index.d.ts, imported as the package name), with
 * legacy and with standard decorators, and runs as written.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { silenceConsoleLog } from '../support.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const name = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string }).name;

interface Snippet {
  lang: 'ts' | 'js';
  line: number;
  code: string;
}

/** The fenced ts and js blocks of a markdown text, with the line each starts on. */
export function snippets(markdown: string): Snippet[] {
  const out: Snippet[] = [];
  for (const m of markdown.matchAll(/^```(ts|js)\n([\s\S]*?)^```$/gm)) {
    out.push({ lang: m[1] as 'ts' | 'js', line: markdown.slice(0, m.index).split('\n').length, code: m[2] });
  }
  return out;
}

const SETTINGS: Record<string, ts.CompilerOptions> = {
  'standard decorators': {},
  'legacy decorators': { experimentalDecorators: true, emitDecoratorMetadata: true, useDefineForClassFields: false },
};

describe('package/README', function () {
  const all = snippets(readFileSync(join(root, 'README.md'), 'utf8'));
  let dir: string;
  let files: string[];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'neural-readme-'));
    mkdirSync(join(dir, 'out'));
    files = all.map((s) => {
      // .mts and .mjs are ES modules whatever package.json says: top-level await works.
      const file = join(dir, `readme-line-${s.line}.${s.lang === 'ts' ? 'mts' : 'mjs'}`);
      writeFileSync(file, s.code);
      return file;
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has the snippets this spec expects (quick start, models, inspection, stimuli, plain JavaScript)', () => {
    expect(all.filter((s) => s.lang === 'ts').length).to.be.at.least(5);
    expect(all.filter((s) => s.lang === 'js').length).to.be.at.least(1);
    for (const s of all) if (s.code.includes('from ')) expect(s.code, `README.md:${s.line}`).to.match(new RegExp(`from '${name}'`));
  });

  const compile = (settings: ts.CompilerOptions, emit?: (file: string, text: string) => void): string[] => {
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      skipLibCheck: true,
      allowJs: true,
      checkJs: true,
      outDir: join(dir, 'out'),
      rootDir: dir,
      types: ['node'],
      typeRoots: [join(root, 'node_modules', '@types')],
      // The package as it is published: its declarations, under its name.
      paths: { [name]: [join(root, 'dist', 'lib', 'index.d.ts')] },
      noEmit: emit === undefined,
      ...settings,
    };
    const program = ts.createProgram(files, options);
    const diagnostics = ts.getPreEmitDiagnostics(program);
    if (emit) program.emit(undefined, (file, text) => emit(file, text));
    return diagnostics.map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const line = d.file ? Number(/readme-line-(\d+)/.exec(d.file.fileName)?.[1] ?? 0) + (where?.line ?? 0) + 1 : 0;
      return `README.md:${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  };

  it('every snippet type-checks with legacy decorators', () => {
    expect(compile(SETTINGS['legacy decorators'])).to.deep.equal([]);
  });

  describe('with standard decorators (a new project\'s defaults)', () => {
    const emitted = new Map<string, string>();
    before(() => {
      // Compiled once; each snippet then runs against dist/lib, imported by path.
      const lib = JSON.stringify(pathToFileURL(join(root, 'dist', 'lib', 'index.js')).href);
      const diagnostics = compile(SETTINGS['standard decorators'], (file, text) => {
        writeFileSync(file, text.replaceAll(`from '${name}'`, `from ${lib}`).replaceAll(`from "${name}"`, `from ${lib}`));
        emitted.set(basename(file).replace(/\.mjs$/, ''), file);
      });
      expect(diagnostics).to.deep.equal([]);
    });

    it('every snippet type-checks', () => {
      expect(emitted.size).to.equal(all.length);
    });

    silenceConsoleLog();

    for (const s of all) {
      it(`the ${s.lang} snippet at README.md:${s.line} runs`, async () => {
        const file = emitted.get(`readme-line-${s.line}`);
        expect(file, 'emitted').to.be.a('string');
        await import(pathToFileURL(file!).href);
      });
    }
  });
});
