/** `solve`: one model, no network to build. */
import type { BackendName } from '../backends/types.js';
import type { ModelClass } from '../model/read.js';
import { checkOptions, type OptionRules } from '../options.js';
import { SOLVERS, type SolverOption } from '../solvers/index.js';
import type { Recording } from './recorder.js';
import type { InputData } from './input.js';
import { Network } from './network.js';
import type { Dtype } from '../plan/types.js';

/** Options of {@link solve}. Unknown keys and values of the wrong type are refused. */
export interface SolveOptions {
  /** Step in seconds. */
  dt: number;
  /** Number of steps. */
  steps: number;
  /** Number of units (default 1). */
  num?: number;
  /** Data for each input of the model, as for `Input.set`. */
  inputs?: Record<string, InputData>;
  /** Parameter values: one number for all units, or one per unit. */
  params?: Record<string, number | ArrayLike<number>>;
  /** Initial state values: one number for all units, or one per unit. */
  states?: Record<string, number | ArrayLike<number>>;
  /** Variables to record (default: every state). */
  record?: string[];
  /**
   * Back end, chosen as `Network.compile` chooses it: a name is used as given;
   * `'auto'`, the default, takes the first of `backends.order` that works here.
   */
  backend?: BackendName | 'auto';
  /** Element type (default 'float64'). */
  dtype?: Dtype;
  /** Update rule (default 'auto'). */
  solver?: SolverOption;
}

const SOLVE_RULES: OptionRules = {
  dt: { type: 'number', required: true },
  steps: { type: 'count', required: true },
  num: { type: 'count' },
  inputs: { type: 'record' },
  params: { type: 'record' },
  states: { type: 'record' },
  record: { type: 'strings' },
  backend: { type: 'string' },
  dtype: { type: 'enum', values: ['float64', 'float32'] },
  solver: { type: 'enum', values: SOLVERS },
};

/**
 * Simulates `num` units of one model and returns its recordings.
 * @example const { v } = await solve(IAF, { dt: 1e-4, steps: 1000, inputs: { stimulus: 0.5 } });
 * @throws {@link InputDataError} for a missing dt or steps, an unknown option or a value of the wrong type,
 *   and as `Network.add`, `compile` and `run` do
 */
export async function solve(model: ModelClass, options: SolveOptions): Promise<Record<string, Recording>> {
  const o = checkOptions<SolveOptions>('solve', options, SOLVE_RULES, {
    usage: () => 'Pass { dt, steps, ... }, e.g. solve(IAF, { dt: 1e-4, steps: 1000 }).',
    elsewhere: { checkFinite: 'Network.run', blockSteps: 'Network.run', fastMath: 'Network.compile', name: 'Network.add' },
  });
  const nn = new Network();
  const num = o.num ?? 1;
  const c = nn.add(model, { name: model.name, num, params: o.params, states: o.states });
  for (const [name, data] of Object.entries(o.inputs ?? {})) {
    c.connect({ [name]: nn.input({ name, num }).set(data) });
  }
  c.record(...(o.record ?? c.spec.states.map((s) => s.name)));
  // No default of its own: compile chooses the back end (and dtype and solver) as it always does.
  await nn.compile({ backend: o.backend, dtype: o.dtype, solver: o.solver });
  await nn.run(o.dt, { steps: o.steps });
  return Object.fromEntries(c.recorder.names().map((n) => [n, c.recorder.get(n)]));
}
