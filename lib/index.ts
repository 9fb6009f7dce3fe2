/**
 * Neural: declare neuron and synapse models as decorated classes, inspect their
 * equations symbolically, and simulate networks of them.
 * @packageDocumentation
 */
import 'reflect-metadata';
export * from './errors.js';
export * from './model/index.js';
export { inspect, SymbolicModel, type SolverName, type AutoSolver, type LinearForm } from './symbolic/index.js';
export { lowerModel, type SolverOption } from './solvers/index.js';
export type { ModelIR, StmtIR, ExprIR, OpName } from './ir/types.js';
export { printBlock } from './ir/build.js';
export * from './network/index.js';
export { backends } from './backends/index.js';
export type { Backend, BackendName, BackendStatus, FloatArray, Program } from './backends/types.js';
export { emit, type EmitTarget, type EmitOptions } from './emit.js';
export * as models from './models/index.js';
export * as utils from './utils/index.js';
