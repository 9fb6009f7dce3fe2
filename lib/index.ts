/**
 * Neural: declare neuron and synapse models as decorated classes, inspect their
 * equations symbolically, and simulate networks of them.
 * @packageDocumentation
 */
import 'reflect-metadata';
export * from './errors.js';
export * from './model/index.js';
export { inspect, SymbolicModel, type SolverName, type AutoSolver, type LinearForm } from './symbolic/index.js';
