import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RANDOM_C } from '../../lib/backends/random.js';
import { compilerStatus } from '../../lib/backends/native/compiler.js';
import { STREAMS, drawWords, normal, uniform } from '../../lib/random/philox.js';
import { rng } from '../../lib/utils/random.js';
import { needsNvcc, skipBecause, temporaryFolder } from '../support.js';
import { PHILOX_KAT } from './kat.js';

type Address = [seed: number, stream: number, container: number, unit: number, step: number, draw: number];

const TWO_POW_32 = 2 ** 32;

/** Every combination of the ends of each range, then random addresses over the whole of each. */
function addresses(): Address[] {
  const out: Address[] = [];
  for (const seed of [0, 1, TWO_POW_32 - 1]) {
    for (const stream of [STREAMS.run, STREAMS.initial, STREAMS.connect, TWO_POW_32 - 1]) {
      for (const container of [0, 1, 65535]) {
        for (const unit of [0, 1, 2 ** 31, TWO_POW_32 - 2, TWO_POW_32 - 1]) {
          for (const step of [0, 1, TWO_POW_32 - 1, TWO_POW_32, TWO_POW_32 + 1, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
            for (const draw of [0, 1, 65535]) out.push([seed, stream, container, unit, step, draw]);
          }
        }
      }
    }
  }
  const r = rng(1234);
  for (let t = 0; t < 3000; t++) out.push([r.uint32(), r.integer(3), r.integer(65536), r.uint32(), r.integer(2 ** 21) * TWO_POW_32 + r.uint32(), r.integer(65536)]);
  return out;
}

/** A C program that prints the known answers, then for each address its four words, uniform and normal (`%a`). */
function harness(list: readonly Address[]): string {
  const kat = PHILOX_KAT.map(({ ctr, key }) => `{${[...ctr, ...key].map((w) => `${w}u`).join(', ')}}`).join(',\n  ');
  const rows = list.map(([s, st, c, i, k, d]) => `{${s}u, ${st}u, ${c}u, ${i}ull, ${k}ll, ${d}u}`).join(',\n  ');
  return `#include <stdio.h>
${RANDOM_C}
static const uint32_t KAT[][6] = {
  ${kat}
};
static const struct { uint32_t seed, stream, ci; uint64_t i; int64_t k; uint32_t d; } A[] = {
  ${rows}
};
int main(void) {
  for (unsigned j = 0; j < sizeof KAT / sizeof KAT[0]; j++) {
    uint32_t ctr[4] = {KAT[j][0], KAT[j][1], KAT[j][2], KAT[j][3]};
    const uint32_t key[2] = {KAT[j][4], KAT[j][5]};
    neural_philox(ctr, key);
    printf("%08x %08x %08x %08x\\n", ctr[0], ctr[1], ctr[2], ctr[3]);
  }
  for (unsigned j = 0; j < sizeof A / sizeof A[0]; j++) {
    uint32_t w[4];
    neural_draw(w, A[j].seed, A[j].stream, A[j].ci, A[j].i, A[j].k, A[j].d);
    printf("%08x %08x %08x %08x %a %a\\n", w[0], w[1], w[2], w[3], neural_uniform(A[j].seed, A[j].stream, A[j].ci, A[j].i, A[j].k, A[j].d),
           neural_normal(A[j].seed, A[j].stream, A[j].ci, A[j].i, A[j].k, A[j].d));
  }
  return 0;
}
`;
}

/** A number printed by C's `%a` (`-0x1.8p-3`, `0x0p+0`), exactly. */
function fromHexFloat(text: string): number {
  const m = /^(-?)0x([0-9a-f])(?:\.([0-9a-f]*))?p([+-]\d+)$/.exec(text);
  if (!m) throw new Error(`not a %a float: ${text}`);
  const digits = m[3] ?? '';
  const value = parseInt(m[2] + digits, 16) * 2 ** (Number(m[4]) - 4 * digits.length);
  return m[1] ? -value : value;
}

/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const bits = new BigInt64Array(new Float64Array([a, b]).buffer);
  const d = bits[0] - bits[1];
  return Number(d < 0n ? -d : d);
}

/** The system C compiler (as the cpu back end finds it), or a skip saying why there is none. */
function needsCompiler(context: Mocha.Context): string {
  const status = compilerStatus();
  if (!status.ok || !status.path) skipBecause(context, status.reason ?? 'no C compiler');
  return status.path as string;
}

const hex = (w: number) => w.toString(16).padStart(8, '0');

describe('random/RANDOM_C', function () {
  this.timeout(120_000);
  const folder = temporaryFolder('neural-random-c-');
  const list = addresses();

  describe('in C, compiled with the system C compiler', () => {
    let compiler = '';
    before(function () {
      compiler = needsCompiler(this);
      writeFileSync(join(folder(), 'random.c'), harness(list));
    });

    // Portable ISO C at -O2, and -O3 -march=native as the cpu back end builds (fused
    // multiply-adds where the machine has them, which must change nothing).
    for (const flags of [['-O2', '-std=c11', '-pedantic'], ['-O3', '-march=native', '-fno-math-errno']]) {
      describe(flags.join(' '), () => {
        let lines: string[] = [];
        before(function () {
          const exe = join(folder(), `random-${flags[0]}`);
          execFileSync(compiler, [...flags, '-Wall', '-Wextra', '-Werror', '-o', exe, join(folder(), 'random.c'), '-lm']);
          lines = execFileSync(exe, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trimEnd().split('\n');
          expect(lines).to.have.length(PHILOX_KAT.length + list.length);
        });

        it("neural_philox gives Random123's known answers (tests/kat_vectors)", () => {
          PHILOX_KAT.forEach(({ expected }, j) => expect(lines[j]).to.equal(expected.map(hex).join(' ')));
        });

        it(`gives the words and the uniforms of the TypeScript, bit for bit, at ${list.length} addresses (steps past 2^32, units near 2^32)`, () => {
          list.forEach((a, j) => {
            const [w0, w1, w2, w3, u] = lines[PHILOX_KAT.length + j].split(' ');
            expect([w0, w1, w2, w3].join(' '), `words at [${a}]`).to.equal([...drawWords(...a)].map(hex).join(' '));
            expect(fromHexFloat(u), `uniform at [${a}]`).to.equal(uniform(...a));
          });
        });

        // The words and the uniforms are integer arithmetic and one exact product; the
        // normals go through log and cos, which V8 (fdlibm) and the C library (glibc)
        // round differently in the last bit for a few per cent of arguments: each
        // under 1 ulp from the true value, so within 2 ulp of each other, and with
        // the roundings of sqrt and the product the normals stay within 4 ulp.
        it('gives the normals of the TypeScript to within 4 ulp (log and cos of two libraries)', () => {
          list.forEach((a, j) => {
            const c = fromHexFloat(lines[PHILOX_KAT.length + j].split(' ')[5]);
            const ts = normal(...a);
            expect(Math.sign(c), `sign of the normal at [${a}]`).to.equal(Math.sign(ts));
            expect(ulps(c, ts), `normal at [${a}]: C ${c}, TypeScript ${ts}`).to.be.at.most(4);
          });
        });
      });
    }
  });

  describe('on its own', () => {
    let compiler = '';
    before(function () {
      compiler = needsCompiler(this);
    });

    it('is C99 with no header but the two it includes (-std=c99 -pedantic, warnings as errors)', () => {
      const file = join(folder(), 'alone.c');
      writeFileSync(file, RANDOM_C);
      execFileSync(compiler, ['-std=c99', '-pedantic', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    });

    // NVRTC has no standard headers but declares the CUDA math functions and
    // intrinsics itself: the same conditions, as C++ with no include path at all.
    it("needs no standard header under NVRTC (as C++ with -nostdinc, NVRTC's built-ins declared)", function () {
      const file = join(folder(), 'nvrtc.cc');
      const builtins = '#define __device__\nunsigned int __umulhi(unsigned int, unsigned int);\ndouble sqrt(double);\ndouble log(double);\ndouble cos(double);\n';
      writeFileSync(file, `${builtins}${RANDOM_C}\nextern "C" double draw(unsigned long long i) { return neural_uniform(1u, 0u, 2u, i, 3, 4u) + neural_normal(1u, 0u, 2u, i, 3, 4u); }\n`);
      try {
        execFileSync(compiler, ['-x', 'c++', '-std=c++17', '-nostdinc', '-D__CUDACC__', '-D__CUDACC_RTC__', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (error) {
        const stderr = String((error as { stderr?: unknown }).stderr ?? '');
        if (/cc1plus|language c\+\+ not recognized|unrecognized.*c\+\+/i.test(stderr)) skipBecause(this, `${compiler} does not compile C++`);
        throw error;
      }
    });
  });

  describe('in CUDA C', () => {
    it('compiles to PTX with nvcc inside a kernel, with the high words from mul.hi.u32', function () {
      const nvcc = needsNvcc(this);
      const source = join(folder(), 'random.cu');
      writeFileSync(source, `${RANDOM_C}
extern "C" __global__ void neural_draws(uint32_t *w, double *u, double *n, long long count) {
  const long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= count) return;
  neural_draw(w + 4 * j, 42u, 0u, 3u, (uint64_t)j, 4294967296ll + j, 1u);
  u[j] = neural_uniform(42u, 0u, 3u, (uint64_t)j, 4294967296ll + j, 1u);
  n[j] = neural_normal(42u, 0u, 3u, (uint64_t)j, 4294967296ll + j, 1u);
}
`);
      const ptx = join(folder(), 'random.ptx');
      execFileSync(nvcc, ['-ptx', '-o', ptx, source], { stdio: ['ignore', 'pipe', 'pipe'] });
      const text = readFileSync(ptx, 'utf8');
      expect(text).to.match(/\.entry\s+neural_draws/);
      expect(text).to.include('mul.hi.u32');
    });
  });
});
