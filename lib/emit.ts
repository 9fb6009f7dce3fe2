/** `emit`: the generated source of one model, for reading. */
import { InputDataError } from './errors.js';
import { renderJS } from './backends/js/render.js';
import { renderC, renderCuda } from './backends/cfamily.js';
import type { ModelClass } from './model/read.js';
import type { Dtype } from './network/plan.js';
import { Network } from './network/network.js';
import { checkOptions } from './options.js';
import { SOLVERS, type SolverOption } from './solvers/index.js';

/** Targets {@link emit} can render. */
export type EmitTarget = 'js' | 'c' | 'cuda';

/** Options of {@link emit}. Unknown keys and values of the wrong type are refused. */
export interface EmitOptions {
  /** Element type of the arrays (default 'float64'). */
  dtype?: Dtype;
  /** 'auto' (per state, as inspect shows) or one rule for every state. */
  solver?: SolverOption;
}

type Renderer = (plan: ReturnType<Network['plan']>) => string;
const renderers = new Map<EmitTarget, Renderer>([['js', renderJS], ['c', renderC], ['cuda', renderCuda]]);

/**
 * The source a back end would compile for one container of the model.
 * @param target - 'js', 'c' (cpu back end) or 'cuda'
 * @param options - dtype and solver, as for `Network.compile`
 * @example emit(models.HodgkinHuxley, 'cuda', { dtype: 'float32' })
 * @throws {@link InputDataError} for an unknown target, option, dtype or solver
 */
export function emit(model: ModelClass, target: EmitTarget, options?: EmitOptions): string {
  const name = typeof model === 'function' ? model.name : String(model);
  const where = `emit(${name}, '${String(target)}')`;
  const r = renderers.get(target);
  if (!r) throw new InputDataError(where, 'is not a target.', `Use one of: ${[...renderers.keys()].join(', ')}.`);
  const o = checkOptions<EmitOptions>(where, options, {
    dtype: { type: 'enum', values: ['float64', 'float32'] },
    solver: { type: 'enum', values: SOLVERS },
  }, {
    usage: (x) => (typeof x === 'string' ? `Write emit(${name}, '${String(target)}', { dtype: '${x}' }).` : 'Pass { dtype, solver }, or nothing.'),
    elsewhere: { backend: `Network.compile (emit's target is its second argument)`, fastMath: 'Network.compile' },
  });
  const nn = new Network();
  nn.add(model);
  return r(nn.plan(o.dtype ?? 'float64', o.solver ?? 'auto'));
}
