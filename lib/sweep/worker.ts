/**
 * A worker thread of a sweep: imports the module's `build` and `metrics`
 * once, then runs each job it is sent and answers with its metrics (or the
 * error, as text: a NeuralError's where and message).
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NeuralError } from '../errors.js';
import { load, runJob, type Job } from './run.js';

const { module, dt, steps } = workerData as { module: string; dt: number; steps: number };
const loaded = load('sweep', module);

parentPort!.on('message', (job: Job) => {
  void (async () => {
    try {
      const { build, metrics } = await loaded;
      parentPort!.postMessage({ index: job.index, metrics: { ...(await runJob(job, build, metrics, dt, steps)) } });
    } catch (error) {
      const e = error instanceof NeuralError ? error : new NeuralError('sweep', String(error), '');
      parentPort!.postMessage({ index: job.index, error: { where: e.where, message: e.what } });
    }
  })();
});
