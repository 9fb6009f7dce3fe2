/**
 * What one step does, as the IR documents it: every new value is computed
 * from the old ones (simultaneous update), bounds clip the solver's result,
 * then every @post is evaluated from the values after the step (before any
 * post applies), intermediates in posts included; a post is not clipped.
 * Checked against hand-computed numbers on the interpreter and js (exact:
 * the numbers are small dyadic fractions).
 */
import { expect } from 'chai';
import { Model, derivative, intermediate, param, post, solve, state, type BackendName } from '../../lib/index.js';

/** x' = y, y' = −x with dt = 0.5: Euler from (1, 0) gives (1, −0.5), (0.75, −1), … */
class Swap extends Model {
  @state(1) @derivative('y') x!: number;
  @state(0) @derivative('-x') y!: number;
}

/** x grows by 1 per step and is clipped to [0, 2.5]; posts read x after clipping. */
class Posts extends Model {
  @param(2) k!: number;
  @intermediate('k * x') kx!: number;
  @state(0, { bounds: [0, 2.5] }) @derivative('1') @post('x >= 2.5 ? 10 : x') x!: number;
  @state(0) @post('kx') seen!: number;
  @state(0) @post('x') before!: number;
}

describe('solvers/step semantics', () => {
  for (const backend of ['interpreter', 'js'] as BackendName[]) {
    it(`${backend}: Euler updates x and y together from the old values`, async () => {
      const rec = await solve(Swap, { dt: 0.5, steps: 4, solver: 'euler', backend });
      // (x, y) ← (x + 0.5·y, y − 0.5·x)
      const want = [[1, -0.5], [0.75, -1], [0.25, -1.375], [-0.4375, -1.5]];
      want.forEach(([x, y], k) => {
        expect(rec.x.at(k, 0), `x after step ${k}`).to.equal(x);
        expect(rec.y.at(k, 0), `y after step ${k}`).to.equal(y);
      });
    });

    it(`${backend}: clip, then posts from the clipped values (intermediates too), posts not clipped`, async () => {
      const rec = await solve(Posts, { dt: 1, steps: 5, backend });
      // step 0: x = 1; step 1: x = 2; step 2: x = 3 → clipped 2.5 → post 10 (not clipped);
      // step 3: x = 11 → clipped 2.5 → post 10 again; step 4 likewise.
      expect(Array.from(rec.x.trace(0))).to.deep.equal([1, 2, 10, 10, 10]);
      // Posts read x after the clipping and before x's own post.
      expect(Array.from(rec.before.trace(0))).to.deep.equal([1, 2, 2.5, 2.5, 2.5]);
      expect(Array.from(rec.seen.trace(0))).to.deep.equal([2, 4, 5, 5, 5]);
    });
  }
});
