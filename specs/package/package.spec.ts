/**
 * The package as published: its name, licence, file list, entry points and
 * scripts. The full check, which installs the tarball in a scratch project,
 * is `npm run check:package` (scripts/check-package.mjs).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as library from '../../lib/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
interface PackageJson {
  name: string;
  type: string;
  license: string;
  main: string;
  types: string;
  exports: Record<string, unknown>;
  files: string[];
  engines: { node: string };
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

/** Every file under a folder, relative to the repository root. */
function walk(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

describe('package', function () {
  it("has a name of its own on the registry ('neural' is another package), used by every import", () => {
    expect(pkg.name).to.equal('neural-ts');
    const sources = ['README.md', ...['lib', 'examples', 'bench', 'docs', 'specs', 'scripts'].flatMap(walk)].filter((f) => /\.(ts|mjs|cjs|js|md)$/.test(f));
    const stale: string[] = [];
    for (const file of sources) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(/(?:from\s+|require\(|import\s+|npm rebuild\s+)['"`]?([@\w./-]+)/g)) {
        if (m[1] === 'neural' || m[1].startsWith('neural/')) stale.push(`${file}: ${m[0]}`);
      }
    }
    expect(stale).to.deep.equal([]);
    const tsconfig = readFileSync(join(root, 'tsconfig.json'), 'utf8');
    expect(tsconfig).to.include(`"${pkg.name}": [`);
  });

  it('carries the BSD-3-Clause licence it declares', () => {
    expect(pkg.license).to.equal('BSD-3-Clause');
    const text = readFileSync(join(root, 'LICENSE'), 'utf8');
    expect(text).to.match(/^BSD 3-Clause License\n\nCopyright \(c\) The Neural for TypeScript authors\n/);
    expect(text).to.include('Neither the name of the copyright holder nor the names of its');
    expect(text).to.include('THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"');
  });

  it('ships the compiled library, the native sources and the notices, built by prepack (not the sources, specs or benchmarks)', () => {
    expect(existsSync(join(root, 'dist', 'lib', 'index.js')), 'dist/lib is built (npm test builds it)').to.equal(true);
    // --ignore-scripts: list what would be packed from the current dist/lib without rebuilding it.
    const listing = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })) as { files: { path: string }[] }[];
    const paths = listing[0].files.map((f) => f.path);
    for (const needed of ['package.json', 'LICENSE', 'README.md', 'CHANGELOG.md', 'binding.gyp', 'native/addon.cc', 'native/cuda.cc', 'native/common.h', 'native/cuda_api.h', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/backends/native/binding.js']) {
      expect(paths, needed).to.include(needed);
    }
    expect(paths.filter((p) => /^(lib|specs|bench|examples|scripts|build|\.ci)\//.test(p) || /^dist\/(?!lib\/)/.test(p) || p.endsWith('.map'))).to.deep.equal([]);
    expect(pkg.scripts.prepack).to.match(/build:lib/);
  });

  it('builds the native addon at install with regular dependencies, where binding.ts looks for it', () => {
    expect(pkg.scripts.install).to.match(/^node-gyp rebuild \|\|/);
    expect(pkg.dependencies).to.have.property('node-gyp');
    expect(pkg.dependencies).to.have.property('node-addon-api');
    expect(pkg.devDependencies).not.to.have.property('node-gyp');
    const binding = readFileSync(join(root, 'lib', 'backends', 'native', 'binding.ts'), 'utf8');
    expect(binding).to.include("'../../../../build/Release/neural.node'");
    expect(readFileSync(join(root, 'binding.gyp'), 'utf8')).to.match(/"target_name": "neural"/);
  });

  it('can be imported and required by its name (require of an ES module: Node.js ^20.19 or >= 22.12)', async () => {
    // Self-reference: resolved through package.json "exports", as an installed package is.
    const required = createRequire(join(root, 'package.json'))(pkg.name) as typeof library;
    expect(required.Network).to.equal(library.Network);
    expect(pkg.type).to.equal('module');
    expect(pkg.engines.node).to.equal('^20.19.0 || >=22.12.0');
    const entry = pkg.exports['.'] as Record<string, string>;
    expect(entry.types).to.equal('./dist/lib/index.d.ts');
    expect(entry.default).to.equal('./dist/lib/index.js');
    const imported = (await import(pkg.name)) as typeof library;
    expect(imported.Model).to.equal(library.Model);
  });
});
