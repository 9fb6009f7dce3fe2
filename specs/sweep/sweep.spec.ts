/**
 * sweep: a grid or a list of parameter sets × seeds, each run its own
 * network; the same table in this thread and in worker threads (each run's
 * numbers depend on its parameters and seed only), written as CSV and
 * Parquet; failures name the run.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputDataError, NeuralError, loadParquet, models, sweep, type ParameterSet } from '../../lib/index.js';
import { rejects, temporaryFolder } from '../support.js';
import { build, metrics } from './fixture.js';

const MODULE = new URL('./fixture.js', import.meta.url);
const GRID = { El: [-56, -50, -46], sigma: [1, 3] };

describe('sweep', () => {
  const folder = temporaryFolder('neural-sweep-');

  it('a grid × seeds in this thread: one row per run, the first name varying slowest, each run as if alone', async () => {
    const t = await sweep({ grid: GRID, seeds: [1, 2], build, metrics, dt: 1e-4, steps: 1000 });
    expect(t.names).to.deep.equal(['El', 'sigma', 'seed', 'spikes', 'rate']);
    expect(t.rows).to.equal(12);
    expect(Array.from(t.columns.El)).to.deep.equal([-56, -56, -56, -56, -50, -50, -50, -50, -46, -46, -46, -46]);
    expect(Array.from(t.columns.sigma)).to.deep.equal([1, 1, 3, 3, 1, 1, 3, 3, 1, 1, 3, 3]);
    expect(Array.from(t.columns.seed)).to.deep.equal([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
    // Row 9 (El −46, σ 1, seed 2), run by hand.
    const alone = build({ El: -46, sigma: 1 }, 2);
    await alone.compile();
    await alone.run(1e-4, { steps: 1000 });
    expect(t.columns.spikes[9]).to.equal((await metrics(alone)).spikes);
    // More drive, more spikes.
    expect(t.columns.spikes[8]).to.be.above(t.columns.spikes[0]);
  });

  it('worker threads give the same table, written as CSV and Parquet', async () => {
    const here = await sweep({ grid: GRID, seeds: [1, 2], build, metrics, dt: 1e-4, steps: 1000 });
    const csv = join(folder(), 't.csv');
    const there = await sweep({ grid: GRID, seeds: [1, 2], module: MODULE, workers: 2, dt: 1e-4, steps: 1000, out: csv });
    for (const n of here.names) expect(Array.from(there.columns[n]), n).to.deep.equal(Array.from(here.columns[n]));
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).to.equal('El,sigma,seed,spikes,rate');
    expect(lines.slice(1).map((l) => Number(l.split(',')[3]))).to.deep.equal(Array.from(here.columns.spikes));
    const parquet = join(folder(), 't.parquet');
    await sweep({ sets: [{ El: -50, sigma: 2 }], module: MODULE, workers: 1, dt: 1e-4, steps: 500, out: parquet });
    const back = await loadParquet(parquet);
    expect(Object.keys(back.columns)).to.deep.equal(['El', 'sigma', 'seed', 'spikes', 'rate']);
  });

  it('in batches (5 runs per batch, the last shorter; here and in 2 workers) the table is the same as run one by one', async () => {
    const here = await sweep({ grid: GRID, seeds: [1, 2], build, metrics, dt: 1e-4, steps: 1000 });
    const batched = await sweep({ grid: GRID, seeds: [1, 2], build, metrics, dt: 1e-4, steps: 1000, batch: 5 });
    const workers = await sweep({ grid: GRID, seeds: [1, 2], module: MODULE, workers: 2, batch: 4, dt: 1e-4, steps: 1000 });
    for (const n of here.names) {
      expect(Array.from(batched.columns[n]), `${n}, batched here`).to.deep.equal(Array.from(here.columns[n]));
      expect(Array.from(workers.columns[n]), `${n}, batched in workers`).to.deep.equal(Array.from(here.columns[n]));
    }
    await rejects(() => sweep({ grid: GRID, build, metrics, dt: 1e-4, steps: 10, batch: 0 }), InputDataError, { message: 'batch is 0' });
  });

  it('a batch of networks of different structures is refused, naming its runs', async () => {
    const uneven = (params: ParameterSet, seed: number) => {
      const nn = build(params, seed);
      if (params.El === -50) nn.add(models.LIF, { name: 'extra' });
      return nn;
    };
    await rejects(() => sweep({ sets: [{ El: -56, sigma: 1 }, { El: -50, sigma: 1 }], build: uneven, metrics, dt: 1e-4, steps: 10, batch: 2 }), NeuralError, { where: 'sweep runs 0, 1', message: /failed as one batch: new Batch: member 1: has 2 containers/ });
  });

  it('a failing run is named with its parameters, in this thread and in a worker', async () => {
    const sets = [{ El: -50, sigma: 1 }, { El: 0, sigma: 1 }];
    await rejects(() => sweep({ sets, build, metrics, dt: 1e-4, steps: 10 }), NeuralError, { where: 'sweep run 1 ({"El":0,"sigma":1}, seed 0)', message: /El = 0 is refused by this fixture/ });
    await rejects(() => sweep({ sets, module: MODULE, workers: 1, dt: 1e-4, steps: 10 }), NeuralError, { where: 'sweep run 1 ({"El":0,"sigma":1}, seed 0)' });
  });

  it('refuses a grid and sets together, no build, parameters that are not numbers, bad seeds', async () => {
    await rejects(() => sweep({ grid: GRID, sets: [{ El: 1 }], build, metrics, dt: 1e-4, steps: 10 }), InputDataError, { message: /a grid or sets/ });
    await rejects(() => sweep({ grid: GRID, dt: 1e-4, steps: 10 }), InputDataError, { message: /either a module, or build and metrics/ });
    await rejects(() => sweep({ grid: { El: ['a' as never] }, build, metrics, dt: 1e-4, steps: 10 }), InputDataError, { message: /not a finite number/ });
    await rejects(() => sweep({ grid: GRID, seeds: [-1], build, metrics, dt: 1e-4, steps: 10 }), InputDataError, { message: /seeds/ });
    await rejects(() => sweep({ grid: GRID, build, metrics, workers: 2, dt: 1e-4, steps: 10 }), InputDataError, { message: /worker threads need a module/ });
  });
});
