/**
 * The compile cache holds code that is loaded into the process: it must be
 * private, must never load a damaged or planted file, must say what is wrong
 * when it cannot work, and must recover once the cause is gone.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';

import { BackendError } from '../../../lib/errors.js';
import { Network, models } from '../../../lib/index.js';
import * as binding from '../../../lib/backends/native/binding.js';
import * as cache from '../../../lib/backends/native/cache.js';
import * as compiler from '../../../lib/backends/native/compiler.js';
import * as driver from '../../../lib/backends/cuda/driver.js';
import { needsBackend, needsNvcc, rejects, skipBecause, temporaryFolder, throws, withEnv } from '../../support.js';
import { EXPECTED, NO_ENTRY, OTHER, PLANTED, SOURCE, STRANGER, child, tamper, type Helpers, type Outcome, type Tamper } from './cache-support.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const mode = (path: string) => statSync(path).mode & 0o7777;
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
/** A fresh comment makes a source unique, so no earlier build answers. */
const unique = (source: string) => `/* ${process.pid} ${Date.now()} ${Math.random()} */\n${source}`;
/** Files the cache writes on their way into place, or probes: none may be left behind. */
const leftovers = (names: string[]) => names.filter((name) => /\.[0-9]+\.[0-9a-z]+\.[a-z0-9]+$|^probe-/.test(name));



describe('compile cache security', function () {
  this.timeout(180_000);
  const rootFolder = temporaryFolder('neural-cache-security-');
  let root: string;
  let helpers: Helpers;

  before(function () {
    needsBackend(this, 'cpu'); // the addon and a C compiler
    root = rootFolder();
    chmodSync(root, 0o755); // children that run as another user reach their folders through it
    const build = (name: string, source: string) => {
      const c = join(root, `${name}.c`);
      writeFileSync(c, source);
      execFileSync(compiler.compilerStatus().path as string, ['-O2', '-fPIC', '-shared', '-o', join(root, `${name}.so`), c]);
      return join(root, `${name}.so`);
    };
    helpers = { other: build('other', OTHER), noEntry: build('no-entry', NO_ENTRY), planted: build('planted', PLANTED) };
  });

  /** A new folder under the spec's root. */
  const folder = (name: string) => mkdtempSync(join(root, `${name}-`));

  describe('the cache folder is private', function () {
    it('is created with mode 0700 whatever the umask, parents included', async function () {
      const base = folder('umask');
      const dir = join(base, 'a', 'b');
      const previous = process.umask(0o000);
      try {
        await withEnv({ NEURAL_CACHE_DIR: dir, TMPDIR: base }, () => expect(cache.cacheDir()).to.equal(dir));
      } finally {
        process.umask(previous);
      }
      expect(mode(dir).toString(8)).to.equal('700');
      expect(mode(join(base, 'a')).toString(8)).to.equal('700');
    });

    it('is never replaced by a shared folder: a folder that cannot be created is a BackendError naming it and NEURAL_CACHE_DIR', async function () {
      const base = folder('nofallback');
      const file = join(base, 'a-file');
      writeFileSync(file, 'not a folder');
      const dir = join(file, 'cache');
      const error = await withEnv({ NEURAL_CACHE_DIR: dir, TMPDIR: base }, () => throws(() => cache.cacheDir(), BackendError));
      expect(error.message).to.include(dir).and.to.include('ENOTDIR').and.to.include('NEURAL_CACHE_DIR');
      expect(error.message).to.match(/^compile cache: .*\. .+/s);
      expect(existsSync(join(base, 'neural-cache')), 'no fallback folder').to.equal(false);
      // The default folder too: a home where ~/.cache cannot be made.
      const home = await withEnv({ NEURAL_CACHE_DIR: undefined, XDG_CACHE_HOME: undefined, HOME: file, TMPDIR: base }, () => throws(() => cache.cacheDir(), BackendError));
      expect(home.message).to.include(join(file, '.cache', 'neural')).and.to.include('NEURAL_CACHE_DIR');
      expect(existsSync(join(base, 'neural-cache')), 'no fallback folder').to.equal(false);
    });

    for (const bits of [0o777, 0o770, 0o707, 0o722]) {
      it(`a folder of mode ${bits.toString(8)} (writable by others) is refused, saying how to fix it`, async function () {
        const dir = folder('shared');
        chmodSync(dir, bits);
        const error = await withEnv({ NEURAL_CACHE_DIR: dir, TMPDIR: root }, () => throws(() => cache.cacheDir(), BackendError));
        const message = error.message;
        expect(message).to.include(dir).and.to.include(`mode 0${bits.toString(8)}`).and.to.include(`chmod 700 ${dir}`).and.to.include('NEURAL_CACHE_DIR');
        expect(mode(dir), 'left as it was').to.equal(bits);
        const compiled = await withEnv({ NEURAL_CACHE_DIR: dir }, () => rejects(() => compiler.compileShared(unique(SOURCE), { tag: 'spec-shared' }), BackendError));
        expect(compiled.code).to.equal('cache');
        expect(readdirSync(dir)).to.deep.equal([]);
      });
    }

    it('a folder that belongs to another user is refused', async function () {
      // As root: a folder given to another uid. Otherwise: a folder of root's.
      let dir = '/';
      if (isRoot) {
        dir = folder('foreign');
        chownSync(dir, STRANGER, STRANGER);
      }
      const error = await withEnv({ NEURAL_CACHE_DIR: dir, TMPDIR: root }, () => throws(() => cache.cacheDir(), BackendError));
      expect(error.message).to.include(dir).and.to.match(/belongs to uid \d+/).and.to.include('NEURAL_CACHE_DIR');
    });

    it('a folder of ours that others may only read is made private and used', async function () {
      const dir = folder('readable');
      chmodSync(dir, 0o755);
      await withEnv({ NEURAL_CACHE_DIR: dir }, () => expect(cache.cacheDir()).to.equal(dir));
      expect(mode(dir).toString(8)).to.equal('700');
    });

    it('NEURAL_CACHE_DIR may be a symbolic link to a private folder, not to a shared one', async function () {
      const target = folder('target');
      const link = join(root, `link-${process.pid}`);
      symlinkSync(target, link);
      try {
        await withEnv({ NEURAL_CACHE_DIR: link }, () => expect(cache.cacheDir()).to.equal(target));
        chmodSync(target, 0o777);
        const error = await withEnv({ NEURAL_CACHE_DIR: link, TMPDIR: root }, () => throws(() => cache.cacheDir(), BackendError));
        expect(error.message).to.include(target);
      } finally {
        rmSync(link);
      }
    });

    it('the library planted in the old shared fallback folder is not loaded: the run stops with a BackendError instead', function () {
      // Learn the predictable file name in a private folder.
      const learn = folder('learn');
      const source = unique(SOURCE);
      const learned = child<{ first: Outcome }>({ action: 'run', source, tag: 'victim' }, { NEURAL_CACHE_DIR: learn });
      expect(learned.out?.first.values, learned.stderr).to.deep.equal(EXPECTED);
      const name = basename(learned.out?.first.path as string);
      // Someone else prepares <tmpdir>/neural-cache, mode 0777, with a library under that name (and a record of it).
      const tmp = folder('tmp');
      chmodSync(tmp, 0o1777);
      const shared = join(tmp, 'neural-cache');
      mkdirSync(shared);
      chmodSync(shared, 0o777);
      writeFileSync(join(shared, name), readFileSync(helpers.planted));
      writeFileSync(join(shared, `${name}.sha256`), `${sha256(readFileSync(helpers.planted))}  ${name}\n`);
      if (isRoot) for (const path of [shared, join(shared, name), join(shared, `${name}.sha256`)]) chownSync(path, STRANGER, STRANGER);
      // A user whose home cache cannot be created.
      const home = join(tmp, 'home-is-a-file');
      writeFileSync(home, '');
      const marker = join(root, `marker-fallback-${process.pid}`);
      const victim = child<{ first: Outcome }>({ action: 'run', source, tag: 'victim' }, { NEURAL_CACHE_DIR: undefined, HOME: home, TMPDIR: tmp, NEURAL_SPEC_MARKER: marker });
      expect(victim.signal, victim.stderr).to.equal(null);
      expect(existsSync(marker), 'the planted constructor ran').to.equal(false);
      expect(victim.out?.first.values, 'planted code answered').to.equal(undefined);
      expect(victim.out?.first.error?.name).to.equal('BackendError');
      expect(victim.out?.first.error?.message).to.include(join(home, '.cache', 'neural')).and.to.include('NEURAL_CACHE_DIR');
    });
  });

  describe('damaged, foreign or planted cached libraries are rebuilt, never loaded', function () {
    let built: string;
    let name: string;
    const source = unique(SOURCE);

    before(function () {
      built = folder('built');
      const first = child<{ first: Outcome }>({ action: 'run', source, tag: 'spec-victim' }, { NEURAL_CACHE_DIR: built });
      expect(first.out?.first.values, first.stderr).to.deep.equal(EXPECTED);
      name = basename(first.out?.first.path as string);
    });

    const cases: [Tamper, RegExp, boolean][] = [
      ['truncate', /does not match the sha256/, false],
      ['overwrite', /does not match the sha256/, false],
      ['other', /does not match the sha256/, false],
      ['other-with-record', /copied from another entry/, false],
      ['no-entry', /does not match the sha256/, false],
      ['no-entry-recorded', /does not export neural_run/, false],
      ['planted-symlink', /symbolic link/, false],
      ['planted-foreign', /belongs to uid 12345/, true],
      ['group-writable', /writable by group or others/, false],
      ['record-missing', /no recorded sha256/, false],
    ];
    for (const [kind, why, needsRoot] of cases) {
      it(`${kind}: a new process and the same process rebuild it and compute the right numbers`, function () {
        if (needsRoot && !isRoot) skipBecause(this, 'giving a file to another user needs root');
        const dir = folder(kind);
        cpSync(built, dir, { recursive: true });
        const path = join(dir, name);
        tamper(path, kind, helpers);
        const marker = join(root, `marker-${kind}-${process.pid}`);
        const result = child<{ first: Outcome; second: Outcome }>(
          { action: 'run', source, tag: 'spec-victim', then: { tamper: kind, helpers } },
          { NEURAL_CACHE_DIR: dir, NEURAL_SPEC_MARKER: marker },
        );
        expect(result.signal, `killed: ${result.stderr}`).to.equal(null);
        expect(result.status, result.stderr).to.equal(0);
        for (const which of ['first', 'second'] as const) {
          const outcome = result.out?.[which];
          expect(outcome?.error, `${which} (${which === 'first' ? 'new' : 'same'} process)`).to.equal(undefined);
          expect(outcome?.values, which).to.deep.equal(EXPECTED);
          expect(outcome?.status, which).to.equal(7);
          expect(outcome?.cached, which).to.equal('none');
          expect(outcome?.rebuilt, which).to.match(why);
        }
        expect(existsSync(marker), 'the planted constructor ran').to.equal(false);
        // What is cached now is the rebuilt library, a private regular file, with its record.
        expect(lstatSync(path).isFile()).to.equal(true);
        expect(mode(path) & 0o077).to.equal(0);
        expect(readFileSync(`${path}.sha256`, 'utf8')).to.equal(`${sha256(readFileSync(path))}  ${name}\n`);
        expect(leftovers(readdirSync(dir))).to.deep.equal([]);
      });
    }

    it('an intact cached library is loaded from the disk', function () {
      const dir = folder('intact');
      cpSync(built, dir, { recursive: true });
      const result = child<{ first: Outcome }>({ action: 'run', source, tag: 'spec-victim' }, { NEURAL_CACHE_DIR: dir });
      expect(result.out?.first.cached, result.stderr).to.equal('disk');
      expect(result.out?.first.values).to.deep.equal(EXPECTED);
      expect(result.out?.first.rebuilt).to.equal(undefined);
      expect(leftovers(readdirSync(dir)), 'the loaded copy is removed').to.deep.equal([]);
    });

    it("a network's library replaced by another network's is rebuilt (cpu back end)", async function () {
      const dir = folder('networks');
      const steps = 200;
      const simulate = async (model: 'HodgkinHuxley' | 'IAF', backend: 'js' | 'cpu') => {
        const nn = new Network();
        const group = nn.add(models[model], { num: 3 });
        group.set('stimulus', 10);
        await nn.compile({ backend });
        await nn.run(1e-5, { steps });
        return Array.from(group.get('v'));
      };
      const reference = await simulate('HodgkinHuxley', 'js');
      await withEnv({ NEURAL_CACHE_DIR: dir }, async () => {
        compiler.forgetLoadedLibraries(); // earlier specs may have loaded these networks from another folder
        await simulate('HodgkinHuxley', 'cpu');
        await simulate('IAF', 'cpu');
        const so = (prefix: string) => join(dir, readdirSync(dir).find((n) => n.startsWith(`${prefix}-`) && n.endsWith('.so')) as string);
        for (const withRecord of [false, true]) {
          writeFileSync(so('HodgkinHuxley'), readFileSync(so('IAF')));
          if (withRecord) writeFileSync(`${so('HodgkinHuxley')}.sha256`, readFileSync(`${so('IAF')}.sha256`));
          compiler.forgetLoadedLibraries(); // read the disk cache again, as a new process would
          const v = await simulate('HodgkinHuxley', 'cpu');
          v.forEach((x, i) => expect(x, `${withRecord}`).to.be.closeTo(reference[i], 1e-9 * (1 + Math.abs(reference[i]))));
        }
      });
    });
  });

  describe('cache I/O errors say what is wrong and go away with their cause', function () {
    it('a full disk: BackendError with the cause and the fix, no temporary files, and the next call works', function () {
      const dir = folder('full');
      const result = child<{ outcomes: { full: Outcome; after: Outcome }[] }>(
        { action: 'full-disk', sources: [unique(SOURCE), unique(SOURCE)], tag: 'spec-full' },
        { NEURAL_CACHE_DIR: dir },
      );
      expect(result.status, result.stderr).to.equal(0);
      expect(result.out?.outcomes).to.have.length(2); // while probing flags, then while writing the source
      for (const { full, after } of result.out?.outcomes ?? []) {
        expect(full.error?.name).to.equal('BackendError');
        expect(full.error?.message).to.match(new RegExp(`^compile cache: the disk holding the cache folder ${dir} is full \\(ENOSPC\\)`));
        expect(full.error?.fix).to.include('Free some space').and.to.include('NEURAL_CACHE_DIR');
        expect(leftovers(full.files ?? []), 'temporary files').to.deep.equal([]);
        expect(after.error, 'once there is room').to.equal(undefined);
        expect(after.values).to.deep.equal(EXPECTED);
      }
    });

    it('a cache folder that is not writable: BackendError with the cause and the fix, and it works once it is writable', function () {
      const dir = folder('readonly');
      chmodSync(dir, 0o500);
      if (isRoot) chownSync(dir, STRANGER, STRANGER); // root writes anywhere: the child runs as another user
      const result = child<{ denied: Outcome; after: Outcome }>(
        { action: 'not-writable', source: unique(SOURCE), tag: 'spec-denied' },
        { NEURAL_CACHE_DIR: dir, HOME: dir },
        isRoot ? STRANGER : undefined,
      );
      expect(result.status, result.stderr).to.equal(0);
      const { denied, after } = result.out as { denied: Outcome; after: Outcome };
      expect(denied.error?.name).to.equal('BackendError');
      expect(denied.error?.message).to.match(new RegExp(`^compile cache: the cache folder ${dir} is not writable \\(EACCES\\)`));
      expect(denied.error?.fix).to.include(`chmod 700 ${dir}`).and.to.include('NEURAL_CACHE_DIR');
      expect(after.error, 'once writable').to.equal(undefined);
      expect(after.values).to.deep.equal(EXPECTED);
    });

    it('a cache folder that cannot be created: BackendError, and a new folder works in the same process', function () {
      const base = folder('recover');
      writeFileSync(join(base, 'file'), '');
      const good = join(base, 'good');
      const result = child<{ refused: Outcome; after: Outcome; files: string[] }>(
        { action: 'recover', source: unique(SOURCE), tag: 'spec-recover', good },
        { NEURAL_CACHE_DIR: join(base, 'file', 'cache'), TMPDIR: base },
      );
      expect(result.status, result.stderr).to.equal(0);
      const { refused, after, files } = result.out as { refused: Outcome; after: Outcome; files: string[] };
      expect(refused.error?.name).to.equal('BackendError');
      expect(refused.error?.message).to.include('cannot be created').and.to.include('ENOTDIR');
      expect(after.error).to.equal(undefined);
      expect(after.values).to.deep.equal(EXPECTED);
      expect(files.some((n) => /^flags-[0-9a-f]{64}\.json$/.test(n)), 'flags remembered in the new folder').to.equal(true);
      expect(existsSync(join(base, 'neural-cache')), 'no fallback folder').to.equal(false);
    });

    it('remembered flags or compiler versions with wrong contents are ignored and written again', async function () {
      const dir = folder('memos');
      await withEnv({ NEURAL_CACHE_DIR: dir }, async () => {
        // A fresh copy of the compiler module: nothing remembered in memory.
        let copies = 0;
        const fresh = async () => (await import(`../../../lib/backends/native/compiler.js?memo=${++copies}`)) as typeof compiler;
        const first = await fresh();
        await first.compileShared(unique(SOURCE), { tag: 'spec-memo' });
        const flagsFile = join(dir, readdirSync(dir).find((n) => n.startsWith('flags-')) as string);
        const compilerFile = join(dir, readdirSync(dir).find((n) => n.startsWith('compiler-')) as string);
        const goodFlags = readFileSync(flagsFile, 'utf8');
        const goodVersion = JSON.parse(readFileSync(compilerFile, 'utf8')) as { stamp: string; version: string };
        const wrong = ['[]', '{}', 'garbage', '', 'null', '"-O3"', '[1, 2]', '["-O3"]', '["-shared", "-O3", "-fPIC", "-lm"]', '["-O3", "-fPIC", "-shared", "-lm", "-lm"]', '["-O3", "-fPIC", "-shared", "-lm", "-evil"]'];
        for (const contents of wrong) {
          writeFileSync(flagsFile, contents);
          writeFileSync(compilerFile, contents === '' ? JSON.stringify({ stamp: goodVersion.stamp, version: 42 }) : contents);
          const module = await fresh();
          const lib = await module.compileShared(unique(SOURCE), { tag: 'spec-memo' }).then((l) => l, (e: unknown) => e as Error);
          expect(lib, contents).to.not.be.instanceOf(Error);
          const x = new Float64Array([1, 2, 3]);
          await binding.runC((lib as { handle: number }).handle, 'neural_run', [x], [3]);
          expect(Array.from(x), contents).to.deep.equal(EXPECTED);
          expect(readFileSync(flagsFile, 'utf8'), `${contents}: written again`).to.equal(goodFlags);
          expect(JSON.parse(readFileSync(compilerFile, 'utf8')), `${contents}: written again`).to.deep.equal(goodVersion);
        }
      });
    });
  });

  describe('the cuda back end caches PTX under the same rules', function () {
    const KERNEL = 'extern "C" __global__ void add_one(double *x, int n) { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) x[i] += 1.0; }';
    const OTHER_KERNEL = 'extern "C" __global__ void zero(double *x, int n) { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) x[i] = 0.0; }';
    let ptx: string;
    let otherPtx: string;

    before(async function () {
      needsNvcc(this);
      ptx = await driver.compilePtxWithNvcc(KERNEL);
      otherPtx = await driver.compilePtxWithNvcc(OTHER_KERNEL);
    });

    const damage: [string, (file: string) => void, RegExp][] = [
      ['truncated', (file) => writeFileSync(file, readFileSync(file).subarray(0, 100)), /does not match the sha256/],
      ['edited', (file) => writeFileSync(file, readFileSync(file, 'utf8').replace('add.f64', 'sub.f64')), /does not match the sha256/],
      ['replaced by another kernel', (file) => writeFileSync(file, otherPtx), /does not match the sha256/],
      ['a symbolic link', (file) => { rmSync(file); symlinkSync(join(root, 'other.so'), file); }, /symbolic link/],
      ['writable by others', (file) => chmodSync(file, 0o666), /writable by group or others/],
      ['without its record', (file) => rmSync(`${file}.sha256`), /no recorded sha256/],
      ['with a malformed record', (file) => writeFileSync(`${file}.sha256`, 'not a sum'), /malformed/],
    ];

    it('stores PTX with its sha256 and loads exactly the checked text from the disk', async function () {
      const dir = folder('ptx');
      await withEnv({ NEURAL_CACHE_DIR: dir }, async () => {
        const file = cache.cachePath('spec-kernel', 'a'.repeat(64), 'ptx');
        let compiles = 0;
        const compile = async () => (compiles++, ptx);
        const first = await driver.cachedPtx(file, compile, (text) => text);
        expect(first).to.deep.equal({ result: ptx, cached: 'none' });
        expect(mode(file) & 0o077).to.equal(0);
        expect(readFileSync(`${file}.sha256`, 'utf8')).to.equal(`${sha256(ptx)}  ${basename(file)}\n`);
        const second = await driver.cachedPtx(file, compile, (text) => text);
        expect(second).to.deep.equal({ result: ptx, cached: 'disk' });
        expect(compiles).to.equal(1);
      });
    });

    for (const [what, spoil, why] of damage) {
      it(`PTX ${what} is compiled again, never loaded`, async function () {
        const dir = folder('ptx');
        await withEnv({ NEURAL_CACHE_DIR: dir }, async () => {
          const file = cache.cachePath('spec-kernel', 'b'.repeat(64), 'ptx');
          await driver.cachedPtx(file, async () => ptx, (text) => text);
          spoil(file);
          const loaded: string[] = [];
          const again = await driver.cachedPtx(file, async () => ptx, (text) => (loaded.push(text), text));
          expect(loaded).to.deep.equal([ptx]);
          expect(again.cached).to.equal('none');
          expect(again.rebuilt).to.match(why);
          expect(cache.readVerified(file)?.data?.toString('utf8')).to.equal(ptx);
        });
      });
    }

    it('PTX that the driver rejects is compiled again', async function () {
      const dir = folder('ptx');
      await withEnv({ NEURAL_CACHE_DIR: dir }, async () => {
        const file = cache.cachePath('spec-kernel', 'c'.repeat(64), 'ptx');
        await driver.cachedPtx(file, async () => ptx, (text) => text);
        let calls = 0;
        const again = await driver.cachedPtx(file, async () => ptx, (text) => {
          if (calls++ === 0) throw new Error('CUDA_ERROR_INVALID_PTX');
          return text;
        });
        expect(again.cached).to.equal('none');
        expect(again.rebuilt).to.match(/CUDA_ERROR_INVALID_PTX/);
      });
    });

    it('PTX is not cached in a shared folder', async function () {
      const dir = folder('ptx');
      chmodSync(dir, 0o777);
      const error = await withEnv({ NEURAL_CACHE_DIR: dir, TMPDIR: root }, () => throws(() => cache.cachePath('spec-kernel', 'd'.repeat(64), 'ptx'), BackendError));
      expect(error.code).to.equal('cache');
      expect(error.message).to.include(`chmod 700 ${dir}`);
      expect(readdirSync(dir)).to.deep.equal([]);
    });
  });

  describe('hasSymbol', function () {
    it('says whether a loaded library exports a function', async function () {
      const dir = folder('symbols');
      await withEnv({ NEURAL_CACHE_DIR: dir }, async () => {
        const lib = await compiler.compileShared(unique(SOURCE), { tag: 'spec-symbols' });
        expect(binding.hasSymbol(lib.handle, 'neural_run')).to.equal(true);
        expect(binding.hasSymbol(lib.handle, 'no_such_function')).to.equal(false);
        expect(() => binding.hasSymbol(lib.handle, 'not a name')).to.throw(/hasSymbol/);
        expect(() => binding.hasSymbol(1e9, 'neural_run')).to.throw(/hasSymbol/);
        const missing = await rejects(() => compiler.compileShared(unique(SOURCE), { tag: 'spec-symbols', symbols: ['neural_run', 'neural_other'] }), BackendError, { message: 'does not export neural_other' });
        expect(missing.code).to.equal('compile-failed');
      });
    });
  });
});
