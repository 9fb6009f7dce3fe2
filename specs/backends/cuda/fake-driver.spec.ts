/**
 * The addon's CUDA paths against a stand-in driver and NVRTC (fake-cuda.c,
 * compiled here with the C compiler), in a child process whose
 * `libcuda.so.1` it is. This runs without a GPU: it checks the native
 * boundary (handles, leases, worker threads, argument packing, step batches,
 * error names), not CUDA.
 */
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { addonStatus } from '../../../lib/backends/native/binding.js';
import { compilerStatus } from '../../../lib/backends/native/compiler.js';
import { skipBecause, temporaryFolder } from '../../support.js';
import { checks, stubChecks } from './fake-checks.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const SOURCE = join(here, '../../../../specs/backends/cuda/fake-cuda.c');
const CHILD = join(here, 'fake-child.js');

/** Runs the checks of one child process; `results` is filled in `before`. */
function suite(title: string, names: string[], stub: boolean): void {
  describe(title, function () {
    this.timeout(120_000);
    const folder = temporaryFolder('neural-fake-cuda-');
    let results: Record<string, string | null> | undefined;
    let failure = '';

    before(function () {
      if (process.platform !== 'linux') skipBecause(this, 'the stand-in is found through LD_LIBRARY_PATH, on Linux');
      if (!addonStatus().ok) skipBecause(this, addonStatus().reason ?? 'no addon');
      const cc = compilerStatus();
      if (!cc.ok || !cc.path) skipBecause(this, cc.reason ?? 'no C compiler');
      const library = join(folder(), 'libcuda.so.1');
      execFileSync(cc.path as string, ['-shared', '-fPIC', '-O1', '-o', library, SOURCE]);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        LD_LIBRARY_PATH: [folder(), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
        NEURAL_NVRTC: library,
        NEURAL_FAKE_CUDA: library,
        NEURAL_CACHE_DIR: join(folder(), 'cache'),
      };
      if (stub) env.NEURAL_FAKE_STUB = '1';
      else delete env.NEURAL_FAKE_STUB;
      const child = spawnSync(process.execPath, [CHILD, ...(stub ? ['stub'] : [])], { env, encoding: 'utf8', timeout: 110_000 });
      const last = (child.stdout ?? '').trim().split('\n').pop() ?? '';
      try {
        results = JSON.parse(last) as Record<string, string | null>;
      } catch {
        failure = `the child process printed no results (status ${child.status}, signal ${child.signal}):\n${child.stdout}\n${child.stderr}`;
      }
    });

    for (const name of names) {
      it(name, function () {
        expect(results, failure).to.not.equal(undefined);
        expect(results?.[name], name).to.equal(null);
      });
    }
  });
}

suite('cuda driver against a stand-in driver (no GPU needed)', Object.keys(checks), false);
suite('cuda driver against a stand-in NVRTC that compiles nothing (no GPU needed)', Object.keys(stubChecks), true);
