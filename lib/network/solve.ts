/** `solve`: one model, no network to build. */
import type { BackendName } from '../backends/types.js';
import type { ModelClass } from '../model/read.js';
import type { SolverOption } from '../solvers/index.js';
import type { Recording } from './recorder.js';
import type { InputData } from './input.js';
import { Network } from './network.js';
import type { Dtype } from './plan.js';

/** Options of {@link solve}. */
export interface SolveOptions {
  /** Step in seconds. */
  dt: number;
  steps: number;
  num?: number;
  /** Data for each input of the model, as for `Input.set`. */
  inputs?: Record<string, InputData>;
  params?: Record<string, number | ArrayLike<number>>;
  states?: Record<string, number | ArrayLike<number>>;
  /** Variables to record (default: every state). */
  record?: string[];
  backend?: BackendName | 'auto';
  dtype?: Dtype;
  solver?: SolverOption;
}

/**
 * Simulates `num` units of one model and returns its recordings.
 * @example const { v } = await solve(IAF, { dt: 1e-4, steps: 1000, inputs: { stimulus: 0.5 } });
 */
export async function solve(model: ModelClass, options: SolveOptions): Promise<Record<string, Recording>> {
  const nn = new Network();
  const num = options.num ?? 1;
  const c = nn.add(model, { name: model.name, num, params: options.params, states: options.states });
  for (const [name, data] of Object.entries(options.inputs ?? {})) {
    c.connect({ [name]: nn.input({ name, num }).set(data) });
  }
  c.record(...(options.record ?? c.spec.states.map((s) => s.name)));
  await nn.compile({ backend: options.backend ?? 'js', dtype: options.dtype, solver: options.solver });
  await nn.run(options.dt, { steps: options.steps });
  return Object.fromEntries(c.recorder.names().map((n) => [n, c.recorder.get(n)]));
}
