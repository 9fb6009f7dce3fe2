/**
 * Speed of the counter-based draws (lib/random/philox.ts): calls per second
 * of the checked `uniform` and `normal`, of their unchecked forms for
 * generated JavaScript (`RANDOM.u`, `RANDOM.n`), and of `neural_uniform` and
 * `neural_normal` from `RANDOM_C` built with the system C compiler at `-O2`
 * (one thread, a plain loop over units), and the same in a vectorised loop
 * built as the cpu back end builds a unit loop (`-O3 -march=native`, the
 * vector math of libmvec, `#pragma omp simd`), next to a leaky
 * integrator's update in the same loop for scale. Each figure is the best
 * of `reps` timed loops of `n` calls, after one loop to warm up.
 * Usage: node dist/bench/random.js [n] [reps]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RANDOM_C } from '../lib/backends/random.js';
import { compilerStatus } from '../lib/backends/native/compiler.js';
import { RANDOM, normal, uniform } from '../lib/random/philox.js';

const n = Number(process.argv[2] ?? 2_000_000);
const reps = Number(process.argv[3] ?? 5);
const line = (label: string, perSecond: number, check: number) => console.log(`  ${label.padEnd(40)} ${perSecond.toExponential(2)} calls/s   (sum ${check.toFixed(3)})`);

/** The best rate of `reps` loops of `n` calls of `f` over units 0…n−1 at step 1000. */
function measure(label: string, f: (seed: number, stream: number, ci: number, i: number, k: number, d: number) => number): void {
  let best = 0;
  let sum = 0;
  for (let r = 0; r <= reps; r++) {
    const t0 = performance.now();
    sum = 0;
    for (let i = 0; i < n; i++) sum += f(42, 0, 1, i, 1000, 0);
    if (r > 0) best = Math.max(best, n / ((performance.now() - t0) / 1e3));
  }
  line(label, best, sum);
}

console.log(`Philox4x32-10 draws: ${n} calls per loop, best of ${reps} loops`);
measure('TypeScript uniform (checked)', uniform);
measure('TypeScript RANDOM.u (generated JS)', RANDOM.u);
measure('TypeScript normal (checked)', normal);
measure('TypeScript RANDOM.n (generated JS)', RANDOM.n);

const cc = compilerStatus();
if (!cc.ok || !cc.path) {
  console.log(`  C: ${cc.reason ?? 'no C compiler'}`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'neural-bench-random-'));
  try {
    writeFileSync(join(dir, 'random.c'), `#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
${RANDOM_C}
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
#define MEASURE(label, fn) do { double best = 0, sum = 0; \\
  for (int r = 0; r <= reps; r++) { const double t0 = now(); sum = 0; \\
    for (int64_t i = 0; i < n; i++) sum += fn(42u, 0u, 1u, (uint64_t)i, 1000, 0u); \\
    const double rate = n / (now() - t0); if (r > 0 && rate > best) best = rate; } \\
  printf("%s\\t%.17g\\t%.17g\\n", label, best, sum); } while (0)
int main(int argc, char **argv) {
  const int64_t n = argc > 1 ? atoll(argv[1]) : 2000000;
  const int reps = argc > 2 ? atoi(argv[2]) : 5;
  MEASURE("C -O2 neural_uniform", neural_uniform);
  MEASURE("C -O2 neural_normal", neural_normal);
  return 0;
}
`);
    // The loops of the cpu back end: vectorised over units, libmvec's log and cos, its exact flags.
    writeFileSync(join(dir, 'vector.c'), `#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <math.h>
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
__attribute__((simd("notinbranch"))) extern double log(double);
__attribute__((simd("notinbranch"))) extern double cos(double);
#endif
${RANDOM_C}
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
#define MEASURE(label, expr) do { double best = 0; \\
  for (int64_t i = 0; i < n; i++) v[i] = 0; \\
  for (int r = 0; r <= reps; r++) { const double t0 = now(); \\
    for (int64_t k = 0; k < 10; k++) { \\
      _Pragma("omp simd") for (int64_t i = 0; i < n; i++) v[i] += (expr); } \\
    const double rate = 10.0 * n / (now() - t0); if (r > 0 && rate > best) best = rate; } \\
  double sum = 0; for (int64_t i = 0; i < n; i++) sum += v[i]; \\
  printf("%s\\t%.17g\\t%.17g\\n", label, best, sum); } while (0)
int main(int argc, char **argv) {
  const int64_t n = argc > 1 ? atoll(argv[1]) : 2000000;
  const int reps = argc > 2 ? atoi(argv[2]) : 5;
  double *v = calloc((size_t)n, sizeof(double));
  MEASURE("C vector loop: leaky update, no draw", 0.1 * ((-60.0 - v[i]) / 10.0));
  MEASURE("C vector loop: neural_uniform", neural_uniform(42u, 0u, 1u, (uint64_t)i, k, 0u));
  MEASURE("C vector loop: neural_normal", neural_normal(42u, 0u, 1u, (uint64_t)i, k, 0u));
  free(v);
  return 0;
}
`);
    execFileSync(cc.path, ['-O2', '-std=c11', '-o', join(dir, 'random'), join(dir, 'random.c'), '-lm']);
    execFileSync(cc.path, ['-O3', '-std=c11', '-march=native', '-ffp-contract=off', '-fno-math-errno', '-fno-trapping-math', '-fopenmp', '-o', join(dir, 'vector'), join(dir, 'vector.c'), '-lm']);
    for (const program of ['random', 'vector']) {
      const out = execFileSync(join(dir, program), [String(n), String(reps)], { encoding: 'utf8' });
      for (const row of out.trimEnd().split('\n')) {
        const [label, perSecond, sum] = row.split('\t');
        line(label, Number(perSecond), Number(sum));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
