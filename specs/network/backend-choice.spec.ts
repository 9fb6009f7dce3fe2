/**
 * How a back end is chosen is one rule for `Network.compile()` and `solve()`:
 * the name given, else 'auto', which takes the first of `backends.order` that
 * works here.
 */
import { expect } from 'chai';
import { Network, backends, models, solve, type Backend, type BackendName } from '../../lib/index.js';
import { temporaryCacheDir, withEnv } from '../support.js';

/** The names `backends.pick` is asked for while `body` runs. */
async function asked(body: () => Promise<unknown>): Promise<string[]> {
  const names: string[] = [];
  const pick = backends.pick;
  backends.pick = function (name: BackendName | 'auto'): Backend {
    names.push(name);
    return pick.call(this, name);
  };
  try {
    await body();
  } finally {
    backends.pick = pick;
  }
  return names;
}

describe('network/back end choice', function () {
  temporaryCacheDir('neural-choice-spec-');

  it("compile() and solve() ask for 'auto' when no back end is given, and for the name when one is", async () => {
    const names = await asked(async () => {
      const nn = new Network();
      nn.add(models.IAF);
      await nn.compile();
      await solve(models.IAF, { dt: 1e-4, steps: 2 });
      await nn.compile({ backend: 'interpreter' });
      await solve(models.IAF, { dt: 1e-4, steps: 2, backend: 'interpreter' });
    });
    expect(names).to.deep.equal(['auto', 'auto', 'interpreter', 'interpreter']);
  });

  it("'auto' is the first of backends.order that works here, for both", async () => {
    const status = backends.status();
    const first = backends.order.find((n) => status[n].ok);
    expect(backends.pick('auto').name).to.equal(first);
    const nn = new Network();
    nn.add(models.IAF);
    await nn.compile();
    expect(nn.chosen?.backend).to.equal(first);
  });
});

describe('network/back end choice: a refused cache folder', function () {
  it("makes cpu unavailable (code 'cache', the folder named), so 'auto' passes over it", async function () {
    if (!backends.status().cpu.ok) this.skip();
    await withEnv({ NEURAL_CACHE_DIR: '/dev/null/neural-cache' }, async () => {
      const s = backends.status().cpu;
      expect(s.ok).to.equal(false);
      expect(s.code).to.equal('cache');
      expect(s.reason).to.include('/dev/null/neural-cache');
      const nn = new Network();
      nn.add(models.IAF);
      await nn.compile();
      expect(nn.chosen?.backend).to.not.equal('cpu');
      expect(nn.chosen?.reason).to.include("cpu: compile cache: the cache folder /dev/null/neural-cache cannot be created");
    });
  });
});
