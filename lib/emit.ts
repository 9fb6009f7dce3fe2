/** `emit`: the generated source of one model, for reading. */
import { InputDataError } from './errors.js';
import { renderJS } from './backends/js/render.js';
import { renderC, renderCuda } from './backends/cfamily.js';
import type { ModelClass } from './model/read.js';
import type { Dtype } from './network/plan.js';
import { Network } from './network/network.js';
import type { SolverOption } from './solvers/index.js';

/** Targets {@link emit} can render. */
export type EmitTarget = 'js' | 'c' | 'cuda';

type Renderer = (plan: ReturnType<Network['plan']>) => string;
const renderers = new Map<EmitTarget, Renderer>([['js', renderJS], ['c', renderC], ['cuda', renderCuda]]);

/**
 * The source a back end would compile for one container of the model.
 * @param target - 'js', 'c' (cpu back end) or 'cuda'
 * @example emit(models.HodgkinHuxley, 'cuda', { dtype: 'float32' })
 */
export function emit(model: ModelClass, target: EmitTarget, options: { dtype?: Dtype; solver?: SolverOption } = {}): string {
  const r = renderers.get(target);
  if (!r) throw new InputDataError(`emit(${model.name}, '${String(target)}')`, 'is not a target.', `Use one of: ${[...renderers.keys()].join(', ')}.`);
  const nn = new Network();
  nn.add(model);
  return r(nn.plan(options.dtype ?? 'float64', options.solver ?? 'auto'));
}
