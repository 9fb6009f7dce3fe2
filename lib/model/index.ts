export * from './decorators.js';
export * from './spec.js';
export { readModel, type ModelClass } from './read.js';
export { Model, valuesOf, checkValues, type ModelValues } from './model.js';
export type { ModelUnits } from './units.js';
