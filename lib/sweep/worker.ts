/**
 * A worker thread of a sweep: imports the module's `build` and `metrics`
 * once, then runs the jobs it is sent (one, or a batch) and answers with
 * their metrics (or the error, as text: a NeuralError's where and message).
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NeuralError } from '../errors.js';
import { load, runJobs, type Job } from './run.js';

const { module, dt, steps } = workerData as { module: string; dt: number | string; steps: number };
const loaded = load('sweep', module);

parentPort!.on('message', (jobs: Job[]) => {
  void (async () => {
    try {
      const { build, metrics } = await loaded;
      const results = await runJobs(jobs, build, metrics, dt, steps);
      parentPort!.postMessage({ results: jobs.map((job, b) => ({ index: job.index, metrics: { ...results[b] } })) });
    } catch (error) {
      const e = error instanceof NeuralError ? error : new NeuralError('sweep', String(error), '');
      parentPort!.postMessage({ error: { where: e.where, message: e.what } });
    }
  })();
});
