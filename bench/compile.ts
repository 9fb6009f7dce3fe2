/**
 * Compile time of HodgkinHuxley for the cpu back end (symbolic pass, lowering,
 * rendering and the C compiler): cold (empty cache folder), from the disk
 * cache (a new process), and from the memory cache (same process).
 * Usage: node dist/bench/compile.js
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Network, models, backends } from 'neural-ts';

async function once(): Promise<[number, number]> {
  const t0 = performance.now();
  const a = new Network();
  a.add(models.HodgkinHuxley, { num: 10 });
  await a.compile({ backend: 'cpu' });
  const t1 = performance.now();
  const b = new Network();
  b.add(models.HodgkinHuxley, { num: 20, params: { gNa: 100 } }); // other values, same code
  await b.compile({ backend: 'cpu' });
  return [t1 - t0, performance.now() - t1];
}

if (process.env.NEURAL_COMPILE_CHILD) {
  console.log(JSON.stringify(await once()));
} else if (!backends.status().cpu.ok) {
  console.log(`cpu back end unavailable: ${backends.status().cpu.reason}`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'neural-compile-'));
  const child = () => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url)], { env: { ...process.env, NEURAL_COMPILE_CHILD: '1', NEURAL_CACHE_DIR: dir } }).toString()) as [number, number];
  const [cold, memory] = child();
  const [disk] = child();
  rmSync(dir, { recursive: true, force: true });
  console.log(`HodgkinHuxley, cpu back end: cold ${cold.toFixed(0)} ms; new process, disk cache ${disk.toFixed(0)} ms; same process, memory cache ${memory.toFixed(1)} ms`);
}
