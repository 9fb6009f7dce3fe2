/**
 * Where the compile cache lives ($NEURAL_CACHE_DIR, else
 * $XDG_CACHE_HOME/neural when that is an absolute path, else
 * ~/.cache/neural), that the folder's checks hold wherever it is, and the
 * public clearCache(). Needs no compiler: only the folder is looked at.
 */
import { expect } from 'chai';
import { chmodSync, mkdirSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackendError, clearCache } from '../../../lib/index.js';
import { cacheDir } from '../../../lib/backends/native/cache.js';
import { temporaryFolder, throws, withEnv } from '../../support.js';

const mode = (path: string) => statSync(path).mode & 0o7777;


describe('compile cache folder', () => {
  const folder = temporaryFolder('neural-cache-dir-');
  let n = 0;
  /** A fresh folder under the spec's temporary folder (not created). */
  const fresh = (name: string) => join(realpathSync(folder()), `${name}-${n++}`);

  it('$XDG_CACHE_HOME/neural when XDG_CACHE_HOME is an absolute path, created with mode 0700', () => {
    const xdg = fresh('xdg');
    const home = fresh('home');
    const dir = withEnv({ NEURAL_CACHE_DIR: undefined, XDG_CACHE_HOME: xdg, HOME: home }, () => cacheDir());
    expect(dir).to.equal(join(xdg, 'neural'));
    expect(mode(dir)).to.equal(0o700);
  });

  it('NEURAL_CACHE_DIR comes first', () => {
    const own = fresh('own');
    expect(withEnv({ NEURAL_CACHE_DIR: own, XDG_CACHE_HOME: fresh('xdg'), HOME: fresh('home') }, () => cacheDir())).to.equal(own);
  });

  it('~/.cache/neural when XDG_CACHE_HOME is unset, empty or relative (a relative one is ignored)', () => {
    for (const xdg of [undefined, '', 'relative/cache']) {
      const home = fresh('home');
      const dir = withEnv({ NEURAL_CACHE_DIR: undefined, XDG_CACHE_HOME: xdg, HOME: home }, () => cacheDir());
      expect(dir, String(xdg)).to.equal(join(home, '.cache', 'neural'));
    }
  });

  it('the checks hold under XDG_CACHE_HOME: a folder others may write to is refused, one that cannot be made names its base', () => {
    const xdg = fresh('xdg-shared');
    mkdirSync(join(xdg, 'neural'), { recursive: true });
    chmodSync(join(xdg, 'neural'), 0o777);
    const shared = withEnv({ NEURAL_CACHE_DIR: undefined, XDG_CACHE_HOME: xdg }, () => throws(() => cacheDir(), BackendError, { where: 'compile cache' }));
    expect(shared.message).to.include(join(xdg, 'neural')).and.to.include('mode 0777');
    expect(mode(join(xdg, 'neural'))).to.equal(0o777);
    const file = fresh('a-file');
    writeFileSync(file, 'not a folder');
    const blocked = withEnv({ NEURAL_CACHE_DIR: undefined, XDG_CACHE_HOME: file }, () => throws(() => cacheDir(), BackendError, { where: 'compile cache' }));
    expect(blocked.message).to.include(join(file, 'neural')).and.to.include('ENOTDIR');
    expect(blocked.fix).to.include(`Make ${file} writable`).and.to.include('NEURAL_CACHE_DIR');
  });

  it('clearCache is public: it deletes the files the cache names and leaves the others', () => {
    const own = fresh('clear');
    withEnv({ NEURAL_CACHE_DIR: own }, () => {
      const dir = cacheDir();
      const hash = 'ab'.repeat(32);
      for (const name of [`hh-${hash}.c`, `hh-${hash}.so`, `hh-${hash}.so.sha256`, 'README']) writeFileSync(join(dir, name), '');
      expect(clearCache()).to.equal(3);
      expect(readdirSync(dir)).to.deep.equal(['README']);
      expect(clearCache()).to.equal(0);
    });
  });
});
