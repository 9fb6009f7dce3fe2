/**
 * Time to import the package, against mathjs whole: each import in a fresh
 * node process (timed inside it, around `await import(…)`), five rounds with
 * the two interleaved; prints the median of each and their ratio.
 * Usage: node dist/bench/import.js
 */
import { execFileSync } from 'node:child_process';

const ROUNDS = 5;
const CASES = [
  { label: "import 'neural-ts'", url: import.meta.resolve('neural-ts') },
  { label: "import 'mathjs' (whole)", url: import.meta.resolve('mathjs') },
];

/** Milliseconds a fresh process takes to import `url`. */
function importTime(url: string): number {
  const script = `const t0 = performance.now(); await import(${JSON.stringify(url)}); process.stdout.write(String(performance.now() - t0));`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const times: number[][] = CASES.map(() => []);
for (let round = 0; round < ROUNDS; round++) CASES.forEach((c, i) => times[i].push(importTime(c.url)));

console.log(`import time, fresh process each (median of ${ROUNDS}, interleaved):`);
CASES.forEach((c, i) => console.log(`  ${c.label.padEnd(26)} ${median(times[i]).toFixed(0).padStart(6)} ms   (${times[i].map((t) => t.toFixed(0)).join(', ')})`));
console.log(`  ratio neural-ts / mathjs      ${(median(times[0]) / median(times[1])).toFixed(2)}`);
