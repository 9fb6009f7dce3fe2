/**
 * The command-line tool: a sweep cut into shards (each writes a file per
 * run and skips what it already wrote, as a requeued SLURM task does), a
 * merge that refuses an incomplete sweep naming the missing shards, and the
 * sbatch scripts of a job array, submitted through `sbatch` (a stand-in that
 * records its arguments: no SLURM cluster is needed for that spec); and,
 * where a SLURM cluster answers (`scripts/slurm-up.sh`, run by CI), a real
 * job array of 8 shards with one shard requeued in the middle of its run.
 */
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../lib/cli.js';
import { DataFileError, InputDataError, sweep } from '../../lib/index.js';
import { slurmScript } from '../../lib/sweep/shards.js';
import { rejects, skipBecause, temporaryFolder, throws, withEnv } from '../support.js';
import { build, metrics } from './fixture.js';

const FIXTURE = fileURLToPath(new URL('./fixture.js', import.meta.url));
const SLOW = fileURLToPath(new URL('./slow-fixture.js', import.meta.url));
const CLI = fileURLToPath(new URL('../../lib/cli.js', import.meta.url));
const GRID = { El: [-56, -48], sigma: [2] };

describe('sweep: the command-line tool', () => {
  const folder = temporaryFolder('neural-cli-');
  const description = () => {
    const file = join(folder(), 'sweep.json');
    writeFileSync(file, JSON.stringify({ module: FIXTURE, grid: GRID, seeds: [1, 2, 3], dt: 1e-4, steps: 400 }));
    return file;
  };
  const quiet = () => undefined;

  it('shards write a file per run and skip what they wrote; the merge refuses an incomplete sweep, then gives the table of one sweep', async () => {
    const desc = description();
    const dir = join(folder(), 'parts');
    const out = join(folder(), 'table.csv');
    await main(['sweep', 'shard', desc, '--shard', '0', '--shards', '2', '--dir', dir], quiet);
    await rejects(() => main(['sweep', 'merge', desc, '--shards', '2', '--dir', dir, '--out', out], quiet), DataFileError, { message: /3 of 6 runs are missing \(runs 1, 3, 5; shards 1\)/ });
    const lines: string[] = [];
    await main(['sweep', 'shard', desc, '--shard', '0', '--shards', '2', '--dir', dir], (l) => lines.push(l));
    expect(lines[0]).to.match(/0 runs done, 3 already there/);
    await main(['sweep', 'shard', desc, '--shard', '1', '--shards', '2', '--dir', dir], quiet);
    await main(['sweep', 'merge', desc, '--shards', '2', '--dir', dir, '--out', out], quiet);
    const want = await sweep({ grid: GRID, seeds: [1, 2, 3], build, metrics, dt: 1e-4, steps: 400 });
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    expect(csv[0]).to.equal(want.names.join(','));
    expect(csv.slice(1).map((l) => Number(l.split(',')[3]))).to.deep.equal(Array.from(want.columns.spikes));
  });

  it('slurm: writes the job array and merge scripts and submits both, the merge after the array', async () => {
    const desc = description();
    const bin = join(folder(), 'bin');
    execFileSync('mkdir', ['-p', bin]);
    const log = join(folder(), 'sbatch.log');
    // A stand-in for sbatch: records its arguments, answers job ids as --parsable does.
    writeFileSync(join(bin, 'sbatch'), `#!/bin/sh\necho "$@" >> '${log}'\nif [ -f '${log}.n' ]; then echo "4243;cluster"; else touch '${log}.n'; echo 4242; fi\n`);
    chmodSync(join(bin, 'sbatch'), 0o755);
    const dir = join(folder(), 'slurm');
    const lines: string[] = [];
    await withEnv({ PATH: `${bin}:${process.env.PATH}` }, () => main(['sweep', 'slurm', desc, '--shards', '3', '--dir', dir, '--out', join(folder(), 't.parquet'), '--submit', '--throttle', '2', '--sbatch=--time=00:10:00'], (l) => lines.push(l)));
    const array = readFileSync(join(dir, 'sweep.sbatch'), 'utf8');
    expect(array).to.include('#SBATCH --array=0-2%2\n#SBATCH --requeue\n#SBATCH --time=00:10:00\n');
    expect(array).to.match(/sweep shard '.*sweep\.json' --shard "\$SLURM_ARRAY_TASK_ID" --shards 3 --dir '.*slurm'/);
    expect(readFileSync(join(dir, 'merge.sbatch'), 'utf8')).to.match(/sweep merge '.*sweep\.json' --shards 3 --dir '.*slurm' --out '.*t\.parquet'/);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls).to.deep.equal([`--parsable ${join(dir, 'sweep.sbatch')}`, `--parsable --dependency=afterok:4242 ${join(dir, 'merge.sbatch')}`]);
    expect(lines.at(-1)).to.equal('sweep slurm: submitted job array 4242 and merge job 4243');
  });

  it('slurm: refuses an #SBATCH line or a command that would start a line of its own, and a bad throttle', () => {
    const o = { description: 'sweep.json', shards: 2, dir: 'parts', out: 't.csv' };
    throws(() => slurmScript({ ...o, sbatch: ['--time=1:00:00\nrm -rf ~'] }), InputDataError, { where: 'slurmScript', message: 'holds a line break' });
    throws(() => slurmScript({ ...o, command: 'npx neural-ts\rcurl x' }), InputDataError, { message: 'the command' });
    throws(() => slurmScript({ ...o, throttle: 0 }), InputDataError, { message: 'throttle 0' });
  });

  it('as a program: a bad command exits with status 1 and the usage', () => {
    const r = spawnSync(process.execPath, [CLI, 'sweep', 'fly', description()], { encoding: 'utf8' });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/'fly' is not a sweep command\.[\s\S]*usage:/);
  });
});

describe('sweep: a job array on a SLURM cluster', function () {
  const folder = temporaryFolder('neural-slurm-');
  before(function () {
    const up = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' });
    if (up.status !== 0 || !/idle|mix|alloc/.test(up.stdout)) skipBecause(this, 'no SLURM cluster answers here (scripts/slurm-up.sh starts one)');
  });

  it('submits 8 shards as a job array and the merge after it; a shard requeued in the middle of its run goes on; the merged table is the sweep run here', async function () {
    this.timeout(300_000);
    const desc = join(folder(), 'sweep.json');
    // 18 runs in batches of 2: shards 0 and 1 hold 3 runs (two batches), the others 2.
    const grid = { El: [-56, -52, -48], sigma: [1, 3] };
    writeFileSync(desc, JSON.stringify({ module: SLOW, grid, seeds: [1, 2, 3], dt: 1e-4, steps: 400, batch: 2 }));
    const dir = join(folder(), 'parts');
    const out = join(folder(), 'table.csv');
    const lines: string[] = [];
    await main(['sweep', 'slurm', desc, '--shards', '8', '--dir', dir, '--out', out, '--submit', `--sbatch=--output=${dir}/slurm-%A_%a.out`, '--command', `${process.execPath} ${CLI}`], (l) => lines.push(l));
    const [, array, merge] = /job array (\d+) and merge job (\d+)/.exec(lines.at(-1)!)!;
    // Shard 0 (runs 0, 8, 16) writes its first batch (runs 0 and 8), then runs 16: requeue it then.
    const written = (index: number) => existsSync(join(dir, `run-${String(index).padStart(9, '0')}.json`));
    let requeued = false;
    for (let i = 0; i < 2400 && !requeued; i++) {
      if (written(0) && written(8) && !written(16)) {
        const r = spawnSync('scontrol', ['requeue', `${array}_0`], { encoding: 'utf8' });
        expect(r.status, `scontrol requeue: ${r.stderr}`).to.equal(0);
        requeued = true;
        // SLURM holds a requeued job for two minutes (its begin time) once it has stopped: let it start now.
        for (let k = 0; k < 600; k++) {
          const q = spawnSync('squeue', ['-h', '-j', `${array}_0`, '-o', '%T %r'], { encoding: 'utf8' }).stdout.trim();
          if (/^PENDING .*BeginTime/.test(q)) spawnSync('scontrol', ['update', `JobId=${array}_0`, 'StartTime=now']);
          else if (/^RUNNING/.test(q) || q === '') break;
          await new Promise((r) => setTimeout(r, 100));
        }
      } else if (written(16)) break;
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(requeued, 'shard 0 was requeued between its two batches').to.equal(true);
    // Wait for the merge job to leave the queue.
    for (let i = 0; i < 240; i++) {
      const q = spawnSync('squeue', ['-h', '-j', merge], { encoding: 'utf8' });
      if (q.status === 0 && q.stdout.trim() === '') break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    // The requeued task ran again and skipped the batch it had written.
    const log = readFileSync(join(dir, `slurm-${array}_0.out`), 'utf8');
    expect(log).to.match(/sweep shard 0\/8: 1 runs done, 2 already there/);
    const want = await sweep({ grid, seeds: [1, 2, 3], build, metrics, dt: 1e-4, steps: 400 });
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    expect(csv[0]).to.equal(want.names.join(','));
    for (const [c, name] of want.names.entries()) expect(csv.slice(1).map((l) => Number(l.split(',')[c])), name).to.deep.equal(Array.from(want.columns[name]));
  });
});
