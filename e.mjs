import { readFileSync } from 'node:fs';
import { Network, models } from 'neural';
import { hhDrive } from '/work/main/dist/bench/reference.js';
import { compileShared } from '/work/main/dist/lib/backends/native/compiler.js';
import { runC } from '/work/main/dist/lib/backends/native/binding.js';
const N = 10000, steps = 2000, dt = 1e-5;
const nn = new Network();
const hh = nn.add(models.HodgkinHuxley, { num: N });
hh.set('stimulus', hhDrive(N));
hh.record('spike', { mode: 'sum' });
await nn.compile({ backend: 'cpu' });
await nn.run(dt, { steps });
const lib = await compileShared(readFileSync('bench/reference.c', 'utf8'), { tag: 'hh-reference-exact', flags: [] });
const direct = nn.compiled.program;
const best = { net: 0, hand: 0, direct: 0 };
for (let r = 0; r < 7; r++) {
  await nn.reset(); let t = performance.now(); await nn.run(dt, { steps }); best.net = Math.max(best.net, N * steps / (performance.now() - t) * 1e3);
  const sp = new Float64Array(N); t = performance.now(); await runC(lib.handle, 'hh_reference', [hhDrive(N), sp, new Float64Array(N)], [N, steps, dt * 1e3]); best.hand = Math.max(best.hand, N * steps / (performance.now() - t) * 1e3);
}
console.log(Object.entries(best).map(([k, v]) => `${k} ${v.toExponential(3)}`).join('  '), 'ratio', (best.net / best.hand).toFixed(3));
