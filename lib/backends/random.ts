/**
 * The counter-based generator of `lib/random/philox.ts` as C source, for
 * generated C (gcc or clang, C99 and later) and CUDA C (nvcc or NVRTC): the
 * same Philox4x32-10 rounds, the same addressing of draws and the same
 * arithmetic for uniforms and normals, so that a draw is the same number on
 * every back end.
 *
 * @module
 */

/**
 * C and CUDA C text of the generator, to include once near the top of a
 * generated source (an include guard makes a second copy harmless). It is a
 * fixed constant: nothing of a model or a user goes into it. It defines:
 *
 * - `NEURAL_FN`: `static inline __device__` under CUDA, `static inline` in C;
 * - `void neural_philox(uint32_t ctr[4], const uint32_t key[2])`: the ten
 *   rounds, replacing `ctr` with the result (`__umulhi` under CUDA, a 64-bit
 *   product in C);
 * - `void neural_draw(uint32_t w[4], seed, stream, ci, i, k, d)`: the four
 *   words of the draw at an address, counter `[i, k mod 2^32, k >> 32,
 *   ci << 16 | d]`, key `[seed, stream]`;
 * - `double neural_uniform(uint32_t seed, uint32_t stream, uint32_t ci,
 *   uint64_t i, int64_t k, uint32_t d)`: on [0, 1), 53 bits of words 0–1;
 * - `double neural_normal(…)` (same arguments): Box–Muller on the same draw,
 *   `sqrt(-2 log(1 - u1)) cos(2π u2)`.
 *
 * In C it needs only `<stdint.h>` and `<math.h>` (included here). Under NVRTC
 * there are no standard headers, so the three integer types are defined as
 * libcu++ defines them there. The uniform is built with integers and one
 * exact product, so no contraction into a fused multiply-add can change it;
 * the normal uses the target's `log`, `sqrt` and `cos`, so it may differ from
 * JavaScript's in the last bits (glibc against V8: 6 % of draws, at most 3 ulp).
 */
export const RANDOM_C = `// Philox4x32-10 (Salmon et al., SC 2011), as in Random123 and cuRAND, and the
// addressing of draws: key [seed, stream], counter [unit, step low word,
// step high word, container << 16 | draw].
#ifndef NEURAL_RANDOM
#define NEURAL_RANDOM
#ifdef __CUDACC_RTC__
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef long long int64_t;
#else
#include <math.h>
#include <stdint.h>
#endif
#ifdef __CUDACC__
#define NEURAL_FN static inline __device__
#define NEURAL_MULHI(a, b) __umulhi((a), (b))
#else
#define NEURAL_FN static inline
#define NEURAL_MULHI(a, b) ((uint32_t)(((uint64_t)(a) * (uint64_t)(b)) >> 32))
#endif

NEURAL_FN void neural_philox(uint32_t ctr[4], const uint32_t key[2]) {
  uint32_t k0 = key[0], k1 = key[1];
  for (int r = 0; r < 10; r++) {
    const uint32_t c0 = ctr[0], c2 = ctr[2];
    const uint32_t hi0 = NEURAL_MULHI(0xD2511F53u, c0), hi1 = NEURAL_MULHI(0xCD9E8D57u, c2);
    ctr[0] = hi1 ^ ctr[1] ^ k0;
    ctr[1] = 0xCD9E8D57u * c2;
    ctr[2] = hi0 ^ ctr[3] ^ k1;
    ctr[3] = 0xD2511F53u * c0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
}

NEURAL_FN void neural_draw(uint32_t w[4], uint32_t seed, uint32_t stream, uint32_t ci, uint64_t i, int64_t k, uint32_t d) {
  const uint32_t key[2] = {seed, stream};
  w[0] = (uint32_t)i;
  w[1] = (uint32_t)(uint64_t)k;
  w[2] = (uint32_t)((uint64_t)k >> 32);
  w[3] = (ci << 16) | d;
  neural_philox(w, key);
}

// 53 random bits, the top 27 of a and the top 26 of b, times 2^-53: exact.
NEURAL_FN double neural_u53(uint32_t a, uint32_t b) {
  return (double)((((uint64_t)(a >> 5)) << 26) | (uint64_t)(b >> 6)) * 1.1102230246251565e-16;
}

NEURAL_FN double neural_uniform(uint32_t seed, uint32_t stream, uint32_t ci, uint64_t i, int64_t k, uint32_t d) {
  uint32_t w[4];
  neural_draw(w, seed, stream, ci, i, k, d);
  return neural_u53(w[0], w[1]);
}

// Box-Muller on one draw: 1 - u1 is exact and in (0, 1].
NEURAL_FN double neural_normal(uint32_t seed, uint32_t stream, uint32_t ci, uint64_t i, int64_t k, uint32_t d) {
  uint32_t w[4];
  neural_draw(w, seed, stream, ci, i, k, d);
  return sqrt(-2.0 * log(1.0 - neural_u53(w[0], w[1]))) * cos(6.283185307179586 * neural_u53(w[2], w[3]));
}
#endif
`;
