/**
 * The cpu back end: the plan rendered to C, compiled at run time with the
 * system C compiler (-O3, vectorised math through libmvec, OpenMP over all
 * cores), loaded through the native addon and run off the main thread.
 */
import { isDraw, statementsOf, type ExprIR } from '../../ir/types.js';
import type { NetworkPlan } from '../../plan/types.js';
import { renderC } from '../cfamily.js';
import { BackendError } from '../../errors.js';
import { addonStatus, runC } from '../native/binding.js';
import { cacheDir } from '../native/cache.js';
import { compilerStatus, compileShared } from '../native/compiler.js';
import { blockScalars, type Backend, type BackendStatus, type Program } from '../types.js';

/**
 * Whether a plan selects between values it must compute in every unit (a
 * state held while refractory, a reset, a random draw), or rounds with
 * `floor` / `ceil` (the refractory test). GCC keeps such a computation in a
 * branch of its own, and does not vectorise a rounding that might raise an
 * exception: `-fno-trapping-math` lets it compute both sides and blend
 * them, and round in vectors. It changes no value (traps are off, as in
 * JavaScript), but it keeps GCC from vectorising some other loops (with
 * masked calls of math functions, as in HodgkinHuxley's), so it is given to
 * these plans only.
 */
function selectsComputedValues(plan: NetworkPlan): boolean {
  const rounds = (e: ExprIR): boolean => e.k === 'op' && (e.op === 'floor' || e.op === 'ceil' || e.args.some(rounds));
  return plan.containers.some((c) => statementsOf(c.ir).some((s) => isDraw(s.expr) || /__(h|x\d+)$/.test(s.name) || rounds(s.expr)));
}

/** Native code for the CPU. */
export const cpuBackend: Backend = {
  name: 'cpu',
  capabilities: { fusion: true, unitStepsPerBlock: 2e7, maxBlockSteps: Infinity, streamBytesPerBlock: 64e6, dtypes: ['float64', 'float32'], elements: ['float', 'int32'], device: false, synapses: true, gather: 0 },
  status(): BackendStatus {
    const a = addonStatus();
    if (!a.ok) return { ok: false, code: 'no-addon', reason: `the native addon is not loaded (${a.reason}). Rebuild it with \`npx node-gyp rebuild\` (needs python3, make and a C++ compiler).` };
    const c = compilerStatus();
    if (!c.ok) return { ok: false, code: 'no-compiler', reason: `no C compiler: ${c.reason} Install gcc or clang, or set CC.` };
    // Compiled code goes to the private cache folder only: a folder refused
    // now would refuse every compile, so 'auto' should not pick this back end.
    try {
      cacheDir();
    } catch (error) {
      if (error instanceof BackendError) return { ok: false, code: error.code, reason: error.message };
      throw error;
    }
    return { ok: true };
  },
  async compile(plan: NetworkPlan): Promise<Program> {
    const source = renderC(plan);
    const flags = plan.fastMath ? ['-ffast-math'] : selectsComputedValues(plan) ? ['-fno-trapping-math'] : [];
    const lib = await compileShared(source, { flags, tag: plan.containers.map((c) => c.ir.model).join('-') || 'network', symbols: ['neural_run'] });
    return {
      backend: 'cpu',
      source,
      async run(buffers, args) {
        await runC(lib.handle, 'neural_run', buffers, blockScalars(plan, args));
      },
    };
  },
};
