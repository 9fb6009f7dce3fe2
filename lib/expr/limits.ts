/**
 * Size limits on equation text and trees. The mathjs parser and most passes
 * over trees are recursive, so an equation that is too long or too deeply
 * nested would overflow the stack; these checks refuse it first, with an
 * {@link ExpressionError} that names the limit. Every check here is iterative
 * and linear in the length of the text or the size of the tree.
 */
import type { MathNode } from 'mathjs';
import { ExpressionError } from '../errors.js';

/** The longest equation text accepted, in characters. */
export const MAX_LENGTH = 100_000;

/**
 * The deepest nesting accepted: brackets, plus unary operators, `^` chains
 * and `?:` chains, which the parser also handles by recursion. `sin(sin(x))`
 * nests 2 deep; a real equation seldom nests more than 10 deep.
 */
export const MAX_NESTING = 200;

/**
 * The deepest tree accepted. A sum of n terms is a tree n deep (mathjs builds
 * `a + b + c` as `(a + b) + c`), so this bounds the terms of one long sum.
 */
export const MAX_DEPTH = 1_500;

const FIX = 'Split the equation into @intermediate fields, each of a reasonable size.';

/** The start of a long text, for messages. */
export function excerpt(text: string, length = 40): string {
  return text.length <= length ? text : `${text.slice(0, length)}…`;
}

/**
 * Refuses text that is too long or nests too deeply for the parser, before it
 * is parsed. The nesting counted is an upper bound on the parser's recursion:
 * one level per open bracket, plus one per unary operator, `^` and `?` that
 * the parser is still inside of.
 * @throws {@link ExpressionError} naming the size and the limit
 */
export function checkText(text: string, where: string): void {
  if (text.length > MAX_LENGTH) {
    throw new ExpressionError(where, `the equation '${excerpt(text)}' is ${text.length.toLocaleString('en')} characters long; the limit is ${MAX_LENGTH.toLocaleString('en')}.`, FIX);
  }
  const nesting = nestingOf(text);
  if (nesting > MAX_NESTING) {
    throw new ExpressionError(where, `the equation '${excerpt(text)}' nests ${nesting.toLocaleString('en')} deep (brackets, unary operators, ^ and ?: chains); the limit is ${MAX_NESTING}.`, FIX);
  }
}

/**
 * An upper bound on the recursion depth of the parser, in nesting levels.
 * Binary operators below `^` in precedence (and commas) end the chains of
 * unary operators and `^` that precede them, since the parser has returned
 * from them by then; `?` counts until its bracket closes.
 */
export function nestingOf(text: string): number {
  // Per open bracket (and the top level): [unary and ^ chain, ? count].
  const chain: number[] = [0];
  const cond: number[] = [0];
  let total = 0;
  let max = 0;
  let operand = false; // whether the previous token ends an operand
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const top = chain.length - 1;
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    if (c === 40 || c === 91 || c === 123) { // ( [ {
      chain.push(0);
      cond.push(0);
      total += 1;
      operand = false;
    } else if (c === 41 || c === 93 || c === 125) { // ) ] }
      if (top > 0) {
        total -= 1 + chain.pop()! + cond.pop()!;
      }
      operand = true;
      continue;
    } else if (c === 94) { // ^
      chain[top]++;
      total++;
      operand = false;
    } else if (c === 63) { // ?
      cond[top]++;
      total++;
      operand = false;
    } else if (c === 43 || c === 45) { // + -
      if (operand) {
        total -= chain[top];
        chain[top] = 0;
      } else {
        chain[top]++;
        total++;
      }
      operand = false;
    } else if (c === 39 && operand) { // ' (transpose) after an operand: postfix
      continue;
    } else if (isWordStart(c) || isDigit(c) || c === 46) {
      let j = i + 1;
      if (isWordStart(c)) {
        while (j < n && (isWordStart(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)))) j++;
        const word = text.slice(i, j);
        if (word === 'not') {
          chain[top]++;
          total++;
          operand = false;
        } else if (KEYWORDS.has(word)) {
          total -= chain[top];
          chain[top] = 0;
          operand = false;
        } else operand = true;
      } else {
        // A number, with its exponent: the sign of 1e-7 is not an operator.
        while (j < n && (isDigit(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
        if (j < n && (text.charCodeAt(j) === 101 || text.charCodeAt(j) === 69)) {
          let k = j + 1;
          if (k < n && (text.charCodeAt(k) === 43 || text.charCodeAt(k) === 45)) k++;
          if (k < n && isDigit(text.charCodeAt(k))) {
            j = k;
            while (j < n && isDigit(text.charCodeAt(j))) j++;
          }
        }
        operand = true;
      }
      i = j - 1;
    } else if (c === 33 && operand && text.charCodeAt(i + 1) !== 61) { // ! (factorial) after an operand
      continue;
    } else {
      // * / % < > = ! & | , : ; and anything else: a binary operator or a
      // separator; the chains before it are closed.
      total -= chain[top];
      chain[top] = 0;
      operand = false;
    }
    if (total > max) max = total;
  }
  return max;
}

const KEYWORDS = new Set(['and', 'or', 'xor', 'mod', 'to', 'in']);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 128;
}

/** The number of nodes and the depth of a tree, counted without recursion; stops early past `maxDepth`. */
export function measure(root: MathNode, maxDepth = Infinity): { nodes: number; depth: number } {
  let nodes = 0;
  let depth = 0;
  const stack: [MathNode, number][] = [[root, 1]];
  while (stack.length) {
    const [node, d] = stack.pop()!;
    nodes++;
    if (d > depth) {
      depth = d;
      if (depth > maxDepth) break;
    }
    node.forEach((child) => stack.push([child, d + 1]));
  }
  return { nodes, depth };
}

/**
 * Refuses a parsed tree that is too deep for the recursive passes that follow.
 * @throws {@link ExpressionError} naming the depth and the limit
 */
export function checkTree(root: MathNode, text: string, where: string): void {
  const { depth } = measure(root, MAX_DEPTH);
  if (depth > MAX_DEPTH) {
    throw new ExpressionError(where, `the equation '${excerpt(text)}' is a tree more than ${MAX_DEPTH.toLocaleString('en')} levels deep (a sum of that many terms, for instance); the limit is ${MAX_DEPTH.toLocaleString('en')}.`, FIX);
  }
}
