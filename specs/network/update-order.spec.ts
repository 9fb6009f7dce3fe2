/**
 * The documented update order: containers update in the order they were
 * added; a container reading one added earlier sees that one's value after
 * this step, one reading a container added later sees its value from the
 * previous step. Checked with a clock (k' = 1, dt = 1, so k = s + 1 after
 * step s) and copies (x ← src after each step), against hand-computed rows,
 * on every back end that works here, with and without operators (fused and
 * unit-by-unit code paths).
 */
import { expect } from 'chai';
import { Model, Network, Sum, backends, derivative, input, post, state, type BackendName } from '../../lib/index.js';

class Clock extends Model {
  @state(0) @derivative('1') k!: number;
}

class Copy extends Model {
  @input(0) src!: number;
  @state(0) @post('src') x!: number;
}

/** y' = src: integrates what it reads. */
class Integrator extends Model {
  @input(0) src!: number;
  @state(0) @derivative('src') y!: number;
}

const STEPS = 6;
const steps = Array.from({ length: STEPS }, (_, s) => s);
const trace = (c: { recorder: { get(v: string): { trace(i: number): Float64Array } } }, v: string, i = 0) => Array.from(c.recorder.get(v).trace(i));

const available = (['interpreter', 'js', 'cpu', 'cuda'] as BackendName[]).filter((b) => backends.status()[b].ok);

describe('network/update order', () => {
  for (const backend of available) {
    for (const num of [1, 3]) {
      it(`${backend}, ${num} unit(s) per container: earlier → this step, later → previous step`, async () => {
        const nn = new Network();
        const before = nn.add(Copy, { name: 'before', num }); // reads the clock, added later
        const before2 = nn.add(Integrator, { name: 'before2', num });
        const clock = nn.add(Clock, { name: 'clock', num });
        const after = nn.add(Copy, { name: 'after', num }); // reads the clock, added earlier
        const after2 = nn.add(Integrator, { name: 'after2', num });
        const chained = nn.add(Copy, { name: 'chained', num }); // reads `after`, added earlier still
        before.connect({ src: clock.ref('k') });
        before2.connect({ src: clock.ref('k') });
        after.connect({ src: clock.ref('k') });
        after2.connect({ src: clock.ref('k') });
        chained.connect({ src: after.ref('x') });
        for (const c of [before, after, chained]) c.record('x', 'src');
        for (const c of [before2, after2]) c.record('y');
        clock.record('k');
        await nn.compile({ backend });
        await nn.run(1, { steps: STEPS });
        const last = num - 1;
        expect(trace(clock, 'k', last)).to.deep.equal(steps.map((s) => s + 1));
        expect(trace(before, 'x', last)).to.deep.equal(steps.map((s) => s));
        expect(trace(before, 'src', last)).to.deep.equal(steps.map((s) => s));
        expect(trace(after, 'x', last)).to.deep.equal(steps.map((s) => s + 1));
        expect(trace(chained, 'x', last)).to.deep.equal(steps.map((s) => s + 1));
        // y after step s: Σ_{j ≤ s} of what was read: j (previous) or j + 1 (this step).
        expect(trace(before2, 'y', last)).to.deep.equal(steps.map((s) => (s * (s + 1)) / 2));
        expect(trace(after2, 'y', last)).to.deep.equal(steps.map((s) => ((s + 1) * (s + 2)) / 2));
      });
    }

    it(`${backend}: the same holds through an operator (Sum of 3 clocks)`, async function () {
      const nn = new Network();
      const before = nn.add(Copy, { name: 'before', num: 2 });
      const clock = nn.add(Clock, { name: 'clock', num: 3 });
      const after = nn.add(Copy, { name: 'after', num: 2 });
      before.connect({ src: Sum(clock.ref('k')) });
      after.connect({ src: Sum(clock.ref('k')) });
      before.record('x');
      after.record('x');
      await nn.compile({ backend });
      expect(nn.plan().fusable).to.equal(false);
      await nn.run(1, { steps: STEPS });
      for (const i of [0, 1]) {
        expect(trace(before, 'x', i)).to.deep.equal(steps.map((s) => 3 * s));
        expect(trace(after, 'x', i)).to.deep.equal(steps.map((s) => 3 * (s + 1)));
      }
    });

    it(`${backend}: input streams give row k at step k, also across blocks`, async () => {
      const nn = new Network();
      const inp = nn.input({ name: 'in', num: 2 });
      const copy = nn.add(Copy, { name: 'copy', num: 2 });
      copy.connect({ src: inp });
      copy.record('x');
      inp.set(Array.from({ length: STEPS }, (_, k) => [10 * k, 10 * k + 1]));
      await nn.compile({ backend });
      await nn.run(1, { blockSteps: 4 });
      expect(trace(copy, 'x', 0)).to.deep.equal(steps.map((s) => 10 * s));
      expect(trace(copy, 'x', 1)).to.deep.equal(steps.map((s) => 10 * s + 1));
    });
  }
});
