import { Network, models } from 'neural';
import { hhDrive } from '/work/main/dist/bench/reference.js';
const N = 10000, steps = 4000, dt = 1e-5;
const nn = new Network();
const hh = nn.add(models.HodgkinHuxley, { num: N });
hh.set('stimulus', hhDrive(N));
hh.record('spike', { mode: 'sum' });
await nn.compile({ backend: 'cpu' });
await nn.run(dt, { steps: 10 });
const out = [];
for (const blockSteps of [undefined, 200, undefined, 200, undefined, 200]) {
  await nn.reset(); const t = performance.now(); await nn.run(dt, { steps, ...(blockSteps ? { blockSteps } : {}) }); out.push(`${blockSteps ?? 'dflt'}:${(N * steps / (performance.now() - t) * 1e3).toExponential(2)}`);
}
console.log(process.env.OMP_NUM_THREADS, out.join(' '));
