/**
 * `emit`: the generated source of one model, for reading. It plans a network
 * of one container (lib/plan/build.ts) and renders it; no `Network` is built
 * and nothing is compiled.
 */
import { InputDataError, NetworkWiringError } from './errors.js';
import { renderJS } from './backends/js/render.js';
import { renderC, renderCuda } from './backends/cfamily.js';
import { Model } from './model/model.js';
import { readModel, type ModelClass } from './model/read.js';
import { describeValue, checkOptions } from './options.js';
import { planNetwork } from './plan/build.js';
import type { Dtype, NetworkPlan } from './plan/types.js';
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

type Renderer = (plan: NetworkPlan) => string;
const renderers = new Map<EmitTarget, Renderer>([['js', renderJS], ['c', renderC], ['cuda', renderCuda]]);

/**
 * The source a back end would compile for one container of the model.
 * @param target - 'js', 'c' (cpu back end) or 'cuda'
 * @param options - dtype and solver, as for `Network.compile`
 * @example emit(models.HodgkinHuxley, 'cuda', { dtype: 'float32' })
 * @throws {@link InputDataError} for an unknown target, option, dtype or solver
 * @throws {@link NetworkWiringError} when `model` is not a model class
 * @throws {@link ModelDefinitionError} or {@link ExpressionError} for a model that does not read, inspect or lower
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
  const ctor = (model instanceof Model ? model.constructor : model) as ModelClass;
  if (typeof ctor !== 'function' || !(ctor.prototype instanceof Model)) {
    throw new NetworkWiringError(where, `${describeValue(model)} is not a model class.`, 'Pass a class that extends Model, e.g. emit(models.IAF, \'js\').');
  }
  const { plan } = planNetwork({ inputs: [], containers: [{ name: 'container0', model: ctor, num: 1, connections: [], records: [], uniform: uniformOf(ctor) }] }, { dtype: o.dtype, solver: o.solver });
  return r(plan);
}

/** Every parameter and input of a model: one unit holds one value of each. */
function uniformOf(ctor: ModelClass): string[] {
  const spec = readModel(ctor);
  return [...spec.params, ...spec.inputs].map((x) => x.name);
}
