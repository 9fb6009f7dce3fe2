/* Hand-written hh-pop loop in C (the baseline of `npm run bench`): the same
 * scheme as bench/reference.ts, one thread. The baseline is built with
 * -ffast-math; `npm run bench` also builds it with the cpu back end's own
 * flags (exact IEEE arithmetic), and with -DREFERENCE_THREADS on all cores.
 * B[0]: drive I (N), B[1]: spike counts (N, out), B[2]: final v (N, out).
 * S[0]: N, S[1]: steps, S[2]: dt in ms. */
#include <math.h>
#include <stdint.h>
#if !defined(__FAST_MATH__) && defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
/* Without -ffast-math, math.h does not declare libmvec's vector exp and expm1,
 * and GCC vectorises the loop only when asked: do both, as the cpu back end does. */
__attribute__((simd("notinbranch"))) extern double exp(double);
__attribute__((simd("notinbranch"))) extern double expm1(double);
#define UNITS_LOOP _Pragma("omp simd")
#else
#define UNITS_LOOP
#endif
static inline double clip(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }
static inline double ee(double x, double f, double B, double dt) { return x + f * (B != 0 ? expm1(B * dt) / B : dt); }
int hh_reference(void **B, const double *S) {
  const double *I = (const double *)B[0];
  double *spikes = (double *)B[1], *vout = (double *)B[2];
  const int64_t N = (int64_t)S[0], steps = (int64_t)S[1];
  const double dt = S[2];
  const double gNa = 120, gK = 36, gL = 0.3, ENa = 50, EK = -77, EL = -54.387;
  enum { C = 256 };
#ifdef REFERENCE_THREADS
  #pragma omp parallel for schedule(static)
#endif
  for (int64_t c0 = 0; c0 < N; c0 += C) {
    const int64_t c1 = c0 + C < N ? c0 + C : N;
    double v[C], n[C], m[C], h[C], vp[C], sp[C];
    for (int64_t i = c0; i < c1; i++) { v[i - c0] = -60; n[i - c0] = 0; m[i - c0] = 0; h[i - c0] = 1; vp[i - c0] = -60; sp[i - c0] = 0; }
    for (int64_t k = 0; k < steps; k++) {
      UNITS_LOOP
      for (int64_t i = c0; i < c1; i++) {
        const int64_t j = i - c0;
        const double V = v[j], Nn = n[j], M = m[j], H = h[j];
        const double an = exp(-(V + 55) / 10) - 1;
        const double aN = fabs(an) <= 1e-7 ? 0.1 : -0.01 * (V + 55) / an;
        const double bN = 0.125 * exp(-(V + 65) / 80);
        const double am = exp(-(V + 40) / 10) - 1;
        const double aM = fabs(am) <= 1e-7 ? 1 : -0.1 * (V + 40) / am;
        const double bM = 4 * exp(-(V + 65) / 18);
        const double aH = 0.07 * exp(-(V + 65) / 20);
        const double bH = 1 / (exp(-(V + 35) / 10) + 1);
        const double gna = gNa * M * M * M * H, gk = gK * Nn * Nn * Nn * Nn;
        const double fv = I[i] - gk * (V - EK) - gna * (V - ENa) - gL * (V - EL);
        v[j] = clip(ee(V, fv, -(gna + gk + gL), dt), -80, 30);
        n[j] = clip(ee(Nn, aN * (1 - Nn) - bN * Nn, -(aN + bN), dt), 0, 1);
        m[j] = clip(ee(M, aM * (1 - M) - bM * M, -(aM + bM), dt), 0, 1);
        h[j] = clip(ee(H, aH * (1 - H) - bH * H, -(aH + bH), dt), 0, 1);
        sp[j] += (vp[j] < 0 && v[j] >= 0) ? 1 : 0;
        vp[j] = v[j];
      }
    }
    for (int64_t i = c0; i < c1; i++) { spikes[i] = sp[i - c0]; vout[i] = v[i - c0]; }
  }
  return 0;
}
