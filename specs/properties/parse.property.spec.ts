/**
 * Property: `parseExpression` never crashes. Random strings (any characters,
 * and strings over an alphabet of mathjs syntax) either parse, and then lower
 * to IR and list their symbols, or raise an ExpressionError that names where
 * and says how to fix it. Nothing else is ever thrown.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { ExpressionError } from '../../lib/index.js';
import { toIR } from '../../lib/ir/build.js';
import { parseExpression, symbolsOf } from '../../lib/expr/parse.js';

const SYNTAX = [...'xyzab0123456789.+-*/^%!()[]{}?:<>=&|~,;\'"_ eE\n\t', 'and ', 'or ', 'not ', 'exp(', 'min(', 'pow(', 'sin', ' to ', ' in ', 'i', 'pi'];

function check(text: string): void {
  let node;
  try {
    node = parseExpression(text, 'Random#x');
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw new Error(`${JSON.stringify(text)} threw ${String(error)}`, { cause: error });
    expect(error.where).to.equal('Random#x');
    expect(error.message.startsWith('Random#x: ')).to.equal(true);
    expect(error.fix.length).to.be.greaterThan(0);
    return;
  }
  // What parses can reach a back end: it lowers, and its symbols can be listed.
  toIR(node, 'Random#x');
  expect(symbolsOf(node)).to.be.an('array');
}

describe('properties/parseExpression on random strings', () => {
  it('any string: parses or raises ExpressionError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), check), { numRuns: 2000, seed: 1 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 30 }), check), { numRuns: 1000, seed: 2 });
  });

  it('strings of mathjs syntax: parses or raises ExpressionError', () => {
    const parsed = { yes: 0, no: 0 };
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...SYNTAX), { maxLength: 25 }).map((parts) => parts.join('')), (text) => {
        check(text);
        try {
          parseExpression(text, 'Random#x');
          parsed.yes++;
        } catch {
          parsed.no++;
        }
      }),
      { numRuns: 4000, seed: 3 },
    );
    // The generator reaches both outcomes often enough to mean something.
    expect(parsed.yes).to.be.greaterThan(100);
    expect(parsed.no).to.be.greaterThan(100);
  });

  it('non-strings raise ExpressionError too', () => {
    for (const v of [undefined, null, 42, {}, ['x']]) {
      expect(() => parseExpression(v as never, 'Random#x')).to.throw(ExpressionError, /^Random#x: the equation .* is empty or not a string\./);
    }
  });
});
