/**
 * The cost of `checkFinite` (a state snapshot and a scan per block): HH
 * population, N = 10,000, 2,000 steps, each back end with and without it,
 * alternating, best of three. Usage: node dist/bench/check-finite.js
 */
import { Network, models, backends } from 'neural-ts';

async function seconds(backend: 'js' | 'cpu', checkFinite: boolean): Promise<number> {
  const nn = new Network();
  const hh = nn.add(models.HodgkinHuxley, { num: 10000 });
  hh.set('stimulus', 10);
  await nn.compile({ backend });
  const t = performance.now();
  await nn.run(1e-5, { steps: 2000, checkFinite });
  return (performance.now() - t) / 1e3;
}

for (const backend of ['js', 'cpu'] as const) {
  if (!backends.status()[backend].ok) continue;
  const best = { off: Infinity, on: Infinity };
  for (let i = 0; i < 3; i++) {
    best.off = Math.min(best.off, await seconds(backend, false));
    best.on = Math.min(best.on, await seconds(backend, true));
  }
  const change = Math.round(100 * (best.on / best.off - 1));
  console.log(`checkFinite, ${backend}: ${best.off.toFixed(3)} s without, ${best.on.toFixed(3)} s with (${change >= 0 ? '+' : '−'}${Math.abs(change)} %)`);
}
