/**
 * Physical units: unit strings, the coherent system of a model, the
 * dimensional check of an equation and the turning of its unit names into
 * numbers. See docs/architecture.md (layer `units`).
 */
export * from './quantity.js';
export * from './system.js';
export * from './check.js';
export * from './numbers.js';
