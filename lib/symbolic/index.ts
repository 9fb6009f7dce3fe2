export * from './inspect.js';
export { parseExpression, symbolsOf, FUNCTIONS, CONSTANTS } from '../expr/parse.js';
export { simplify, differentiate, substitute, liftConditionals, tidy } from './calculus.js';
