/** The normalised form of a model class, produced by `readModel`. */
import type { ModelUnits } from './units.js';

/** A state variable after normalisation. */
export interface StateSpec {
  name: string;
  initial: number;
  bounds?: [number, number];
  /** Equation text of dx/dt, absent when the state only changes through `post`. */
  derivative?: string;
  /** Equation text of the value after each step. */
  post?: string;
  /** How a decimated recording combines the steps between kept rows (`@state(…, { reduce })`). */
  reduce?: 'max' | 'sum';
  /** Held during the refractory period (`@derivative(…, { unlessRefractory: true })`). */
  unlessRefractory?: boolean;
  /** Brought up to date at the synapse's events only (`@derivative(…, { eventDriven: true })`). */
  eventDriven?: boolean;
  /** Made by the library for a model with a spike (`lastspike`, `not_refractory`), not declared by the model. */
  builtin?: boolean;
}

/** One statement of a reset: `target op expression`. */
export interface ResetSpec {
  target: string;
  op: '=' | '+=' | '-=' | '*=' | '/=';
  expression: string;
}

/** A model's spike (`@spike`). */
export interface SpikeSpec {
  /** The field that names the event. */
  name: string;
  /** Equation text of the spike condition. */
  threshold: string;
  /** The reset statements, run in order in a unit that fires. */
  reset: ResetSpec[];
  /** Equation text of the refractory period (model time units), when there is one. */
  refractory?: string;
}

/** Statements of a synapse model run on spikes (`@onPre`, `@onPost`). */
export interface PathwaySpec {
  /** The field that names it. */
  name: string;
  /** Which spikes run it: of the source (`'pre'`, after the delay) or of the target (`'post'`). */
  on: 'pre' | 'post';
  /** In order; targets and expressions may name `x_pre` and `x_post`. */
  statements: ResetSpec[];
}

/** A named number: a parameter default or an input default. */
export interface ValueSpec {
  name: string;
  value: number;
}

/** A named sub-expression. */
export interface IntermediateSpec {
  name: string;
  expression: string;
}

/** Everything the symbolic pass needs to know about a model class. */
export interface ModelSpec {
  /** The class name, used in messages and generated code. */
  name: string;
  /** Factor from seconds to the model's time unit (1e3: equations per ms). */
  timeScale: number;
  states: StateSpec[];
  params: ValueSpec[];
  inputs: ValueSpec[];
  /** In an order where each depends only on earlier ones. */
  intermediates: IntermediateSpec[];
  /** The spike, when the model declares one. */
  spike?: SpikeSpec;
  /** A synapse model's statements run on spikes (`@onPre`, `@onPost`); absent for a neuron model. */
  pathways?: PathwaySpec[];
  /** A synapse model's summed variables (`@summed`): the target's input and the expression summed into it. */
  summed?: { target: string; expression: string }[];
  /**
   * The units of a model whose fields declare them: the unit of each field
   * and the time unit. Its equations are then already checked and written
   * without unit names (each literal with a unit is its number in the
   * model's units), so that no later pass sees a unit.
   */
  units?: ModelUnits;
}
