// Hand-written fused hh-pop kernel (the baseline of bench/gpu): one thread
// per neuron, state in registers for all steps, spikes counted. Same scheme
// as bench/reference.ts. REAL is double or float.
__device__ __forceinline__ REAL clip(REAL x, REAL lo, REAL hi) { return x < lo ? lo : x > hi ? hi : x; }
__device__ __forceinline__ REAL ee(REAL x, REAL f, REAL B, REAL dt) { return x + f * (B != (REAL)0 ? expm1(B * dt) / B : dt); }
extern "C" __global__ void hh_reference(const REAL *I, REAL *spikes, long long N, long long steps, REAL dt) {
  const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= N) return;
  const REAL gNa = 120, gK = 36, gL = 0.3, ENa = 50, EK = -77, EL = -54.387;
  REAL v = -60, n = 0, m = 0, h = 1, vp = -60, sp = 0;
  const REAL Ii = I[i];
  for (long long k = 0; k < steps; k++) {
    const REAL an = exp(-(v + 55) / 10) - 1;
    const REAL aN = fabs(an) <= (REAL)1e-7 ? (REAL)0.1 : (REAL)-0.01 * (v + 55) / an;
    const REAL bN = (REAL)0.125 * exp(-(v + 65) / 80);
    const REAL am = exp(-(v + 40) / 10) - 1;
    const REAL aM = fabs(am) <= (REAL)1e-7 ? (REAL)1 : (REAL)-0.1 * (v + 40) / am;
    const REAL bM = 4 * exp(-(v + 65) / 18);
    const REAL aH = (REAL)0.07 * exp(-(v + 65) / 20);
    const REAL bH = 1 / (exp(-(v + 35) / 10) + 1);
    const REAL gna = gNa * m * m * m * h, gk = gK * n * n * n * n;
    const REAL fv = Ii - gk * (v - EK) - gna * (v - ENa) - gL * (v - EL);
    const REAL v2 = clip(ee(v, fv, -(gna + gk + gL), dt), -80, 30);
    n = clip(ee(n, aN * (1 - n) - bN * n, -(aN + bN), dt), 0, 1);
    m = clip(ee(m, aM * (1 - m) - bM * m, -(aM + bM), dt), 0, 1);
    h = clip(ee(h, aH * (1 - h) - bH * h, -(aH + bH), dt), 0, 1);
    v = v2;
    sp += (vp < 0 && v >= 0) ? 1 : 0;
    vp = v;
  }
  spikes[i] = sp;
}
