#!/usr/bin/env node
/**
 * `npm run check:package`: checks the package as its users get it.
 *
 * 1. `npm pack` (its `prepack` builds dist/lib) and a check of the file list;
 * 2. one `npm install` of the tarball, with typescript and @types/node, into a
 *    scratch project in a fresh temporary folder outside the repository (the
 *    install script builds the native addon there);
 * 3. scripts/package-check/program.ts compiled by that project's TypeScript
 *    with four tsconfig.json files: ES module and CommonJS, each with legacy
 *    (`experimentalDecorators`) and standard decorators; each result is run
 *    with node (js back end, and cpu where the addon works) and checks numbers;
 * 4. two plain JavaScript programs (ES module and `require`) without decorator
 *    syntax.
 *
 * Exits with status 1 on the first failure and keeps the scratch folder for
 * inspection; removes it on success. Set NEURAL_KEEP_SCRATCH=1 to keep it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'scripts', 'package-check');
const scratch = mkdtempSync(join(tmpdir(), 'neural-ts-package-'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();

function fail(message) {
  console.error(`check:package: ${message}\n  scratch project kept at ${scratch}`);
  process.exit(1);
}

function timed(what, f) {
  const t0 = Date.now();
  const out = f();
  console.log(`check:package: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return out;
}

/** Runs a command synchronously; fails with its output when it exits non-zero. */
function run(command, args, options = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (r.status !== 0) fail(`${command} ${args.join(' ')} failed (status ${r.status ?? r.signal}):\n${r.stdout ?? ''}${r.stderr ?? ''}${r.error ?? ''}`);
  return r.stdout;
}

/** Runs commands in parallel; resolves with their outputs, fails on the first non-zero exit. */
function runAll(jobs) {
  return Promise.all(
    jobs.map(
      ({ command, args, options }) =>
        new Promise((done) => {
          const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          child.stderr.on('data', (d) => (out += d));
          child.on('close', (status) => {
            if (status !== 0) fail(`${command} ${args.join(' ')} failed (status ${status}):\n${out}`);
            done(out);
          });
        }),
    ),
  );
}

// 1. Pack.
const packed = timed('npm pack (prepack builds dist/lib)', () => JSON.parse(run(npm, ['pack', '--json', '--pack-destination', scratch], { cwd: root })));
const { filename, files } = packed[0];
const paths = files.map((f) => f.path);
const required = ['package.json', 'LICENSE', 'README.md', 'CHANGELOG.md', 'binding.gyp', 'native/addon.cc', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/backends/native/binding.js'];
const missing = required.filter((p) => !paths.includes(p));
if (missing.length > 0) fail(`the tarball lacks ${missing.join(', ')}`);
const unwanted = paths.filter((p) => /^(lib|specs|bench|examples|scripts|docs|build|\.ci)\//.test(p) || (p.startsWith('dist/') && !p.startsWith('dist/lib/')) || p.endsWith('.map'));
if (unwanted.length > 0) fail(`the tarball holds files users do not need: ${unwanted.slice(0, 10).join(', ')}${unwanted.length > 10 ? ', …' : ''}`);
console.log(`check:package: ${filename}: ${paths.length} files, ${(packed[0].size / 1024).toFixed(0)} kB`);

// 2. Install it, with the TypeScript and Node types this repository uses, into a project of its own.
const versionOf = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
writeFileSync(join(scratch, 'package.json'), `${JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }, null, 2)}\n`);
timed('npm install of the tarball into a scratch project', () =>
  run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', join(scratch, filename), `typescript@${versionOf('typescript')}`, `@types/node@${versionOf('@types/node')}`], { cwd: scratch }),
);
const installed = join(scratch, 'node_modules', 'neural-ts');
if (existsSync(join(root, 'build', 'Release', 'neural.node')) && !existsSync(join(installed, 'build', 'Release', 'neural.node'))) {
  fail('the native addon builds in this repository but was not built when the package was installed');
}

// 3. TypeScript programs: ES module and CommonJS, legacy and standard decorators.
const common = { target: 'ES2022', strict: true, outDir: 'out', rootDir: '.', skipLibCheck: true };
const variants = [
  // The set-up of projects written for legacy decorators.
  { dir: 'esm-legacy', type: 'module', options: { module: 'NodeNext', moduleResolution: 'NodeNext', experimentalDecorators: true, emitDecoratorMetadata: true, useDefineForClassFields: false } },
  // What a new TypeScript 5 project gets: standard decorators, class fields defined.
  // This one also checks every declaration file (the library's and those it names; 10 s).
  { dir: 'esm-standard', type: 'module', options: { module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: false } },
  // CommonJS output (require) with legacy decorators and TypeScript's default class fields.
  // (Under `module: commonjs` TypeScript resolves packages the node10 way, which does
  // not find vega-lite's types that the plotting declarations name: skipLibCheck.)
  { dir: 'cjs-legacy', type: 'commonjs', options: { module: 'commonjs', esModuleInterop: true, experimentalDecorators: true } },
  { dir: 'cjs-standard', type: 'commonjs', options: { module: 'commonjs', esModuleInterop: true } },
];
for (const v of variants) {
  const dir = join(scratch, v.dir);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ type: v.type }, null, 2)}\n`);
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify({ compilerOptions: { ...common, ...v.options }, include: ['program.ts'] }, null, 2)}\n`);
  copyFileSync(join(fixtures, 'program.ts'), join(dir, 'program.ts'));
}
const tsc = join(scratch, 'node_modules', 'typescript', 'bin', 'tsc');
let t0 = Date.now();
await runAll(variants.map((v) => ({ command: process.execPath, args: [tsc, '-p', join(scratch, v.dir)], options: { cwd: scratch } })));
console.log(`check:package: tsc for ${variants.map((v) => v.dir).join(', ')} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

// 4. Run them, and the plain JavaScript programs.
copyFileSync(join(fixtures, 'plain.mjs'), join(scratch, 'plain.mjs'));
copyFileSync(join(fixtures, 'plain.cjs'), join(scratch, 'plain.cjs'));
const env = { ...process.env, NEURAL_CACHE_DIR: join(scratch, 'cache') };
t0 = Date.now();
const outputs = await runAll([
  ...variants.map((v) => ({ command: process.execPath, args: [join(scratch, v.dir, 'out', 'program.js'), v.dir], options: { cwd: join(scratch, v.dir), env } })),
  { command: process.execPath, args: ['plain.mjs'], options: { cwd: scratch, env } },
  { command: process.execPath, args: ['plain.cjs'], options: { cwd: scratch, env } },
]);
for (const out of outputs) process.stdout.write(out.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n'));
console.log(`check:package: programs ran (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

// 5. The command-line tool, through npm's bin link: a sweep of two runs.
const bin = join(scratch, 'node_modules', '.bin', process.platform === 'win32' ? 'neural-ts.cmd' : 'neural-ts');
if (!existsSync(bin)) fail('the package installs no neural-ts command (bin)');
writeFileSync(join(scratch, 'sweep-model.mjs'), "import { Network, models } from 'neural-ts';\nexport function build(p, seed) { const nn = new Network({ seed }); nn.add(models.Poisson, { num: 5, params: { rate: p.rate } }).record('spike'); return nn; }\nexport function metrics(nn) { return { spikes: nn.containers[0].recorder.spikes().count }; }\n");
writeFileSync(join(scratch, 'sweep.json'), JSON.stringify({ module: './sweep-model.mjs', grid: { rate: [10, 100] }, dt: 1e-3, steps: 100 }));
const said = run(bin, ['sweep', 'run', 'sweep.json', '--workers', '0', '--out', 'sweep.csv'], { cwd: scratch, env });
if (!/sweep: 2 runs/.test(said) || readFileSync(join(scratch, 'sweep.csv'), 'utf8').split('\n')[0] !== 'rate,seed,spikes') fail(`the neural-ts command did not run the sweep:\n${said}`);
console.log('check:package: neural-ts sweep run: ok');

if (process.env.NEURAL_KEEP_SCRATCH === '1') console.log(`check:package: scratch project kept at ${scratch}`);
else rmSync(scratch, { recursive: true, force: true });
console.log(`check:package: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
