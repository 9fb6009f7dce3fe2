/**
 * Operators (Sum, Mean, BlockSum, BlockMean, Repeat, Dot) as source text,
 * shared by the JavaScript, C and CUDA renderers: only how the loop over
 * output values is written and the names of the types differ.
 */
import type { OperatorPlan } from '../plan/types.js';

/** How a target writes the operator loops. */
export interface LoopStyle {
  /**
   * Runs `body` for every output index `r` in [0, size) (a loop, or a thread
   * guard); `work` is the number of terms all of them add, for a target that
   * shares large loops among threads. Lines before the last are directives.
   */
  over(size: number, body: string, work: number): string[];
  /** The directive before an inner sum (e.g. a vector reduction where reassociation is allowed), or ''. */
  sum?: string;
  /** The declaration keyword of a float accumulator (`let`, `real`). */
  real: string;
  /** The declaration keyword of an integer index (`let`, `int64_t`, `long long`). */
  int: string;
  /** Integer division of two non-negative integers. */
  idiv(a: string, b: string | number): string;
}

/**
 * One operator for one step: reads its source (a stream's row k, or a
 * container's array) and writes its output buffer.
 */
export function renderOperator(o: OperatorPlan, style: LoopStyle): string[] {
  const n = o.source.num;
  const src = (j: string) => (o.source.kind === 'stream' ? `b${o.source.buffer}[(k - k0) * ${n} + ${j}]` : `b${o.source.buffer}[${j}]`);
  const out = `b${o.out}`;
  const sum = (from: string, to: string, term: (j: string) => string) =>
    `${style.real} s = 0;${style.sum ? `\n${style.sum}\n` : ' '}for (${style.int} j = ${from}; j < ${to}; j++) s += ${term('j')};`;
  let body: string;
  switch (o.kind) {
    case 'sum': case 'mean':
      body = `{ ${sum('0', String(n), src)} ${out}[0] = s${o.kind === 'mean' ? ` / ${n}` : ''}; }`;
      break;
    case 'blocksum': case 'blockmean':
      body = `{ ${sum(`r * ${o.block}`, `(r + 1) * ${o.block}`, src)} ${out}[r] = s${o.kind === 'blockmean' ? ` / ${o.block}` : ''}; }`;
      break;
    case 'repeat':
      body = `${out}[r] = ${src(style.idiv('r', o.block!))};`;
      break;
    case 'dot':
      if (o.members) {
        // A batch's dot: member ⌊r / rows⌋'s matrix times that member's values.
        const cols = n / o.members;
        const base = `${style.idiv('r', o.size / o.members)} * ${cols}`;
        body = `{ ${style.int} base = ${base}; ${sum('0', String(cols), (j) => `b${o.matrix}[r * ${cols} + ${j}] * ${src(`base + ${j}`)}`)} ${out}[r] = s; }`;
      } else body = `{ ${sum('0', String(n), (j) => `b${o.matrix}[r * ${n} + ${j}] * ${src(j)}`)} ${out}[r] = s; }`;
      break;
  }
  const size = o.kind === 'sum' || o.kind === 'mean' ? 1 : o.size;
  const work = o.kind === 'dot' ? (o.size * n) / (o.members ?? 1) : o.kind === 'repeat' ? o.size : n;
  return [`// ${o.kind} of ${n} values into ${o.size}`, ...style.over(size, body, work).flatMap((l) => l.split('\n'))];
}
