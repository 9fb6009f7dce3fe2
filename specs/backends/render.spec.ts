/**
 * What the renderers write for conditions: a comparison that the IR computes
 * once (a `let`) stays a boolean of the target (`int` in C and CUDA C, a
 * boolean in JavaScript) and a select reads it directly. Used as a number it
 * is 0 or 1, the same on every back end.
 */
import { expect } from 'chai';
import { Model, Network, backends, derivative, emit, models, param, post, state, type BackendName } from '../../lib/index.js';

class Gate extends Model {
  @param(0.5) theta!: number;
  // `x > theta` occurs three times: once as a number, twice as a condition.
  @state(0.2) @derivative('(x > theta) * 2 - (x > theta ? x : 1) + (x > theta ? 0 : theta)') x!: number;
  @state(0) @post('x > theta') above!: number;
}

describe('backends/render: conditions', () => {
  it('HodgkinHuxley: the guard of each rate is an int in C and CUDA C and a boolean in JavaScript', () => {
    for (const target of ['c', 'cuda'] as const) {
      const src = emit(models.HodgkinHuxley, target);
      expect(src).to.match(/const int c0___t\d+ = \(fabsf?\(c0_an_t\) <= 1e-7f?\);/);
      expect(src).to.not.match(/c0___t\d+ != 0\.0/);
    }
    const js = emit(models.HodgkinHuxley, 'js');
    expect(js).to.match(/const c0___t\d+ = \(Math\.abs\(c0_an_t\) <= 1e-7\);/);
  });

  it('a condition used as a number and as a condition gives the interpreter values on every back end', async () => {
    const run = async (backend: BackendName) => {
      const nn = new Network();
      const g = nn.add(Gate, { num: 3, params: { theta: [0.1, 0.5, 2] } });
      g.record('x');
      g.record('above');
      await nn.compile({ backend });
      await nn.run(0.01, { steps: 200 });
      return [...g.recorder.get('x').data, ...g.recorder.get('above').data];
    };
    const reference = await run('interpreter');
    expect(new Set(reference.slice(-600))).to.deep.equal(new Set([0, 1]));
    const names: BackendName[] = ['js', ...(backends.status().cpu.ok ? ['cpu' as const] : [])];
    for (const b of names) {
      const got = await run(b);
      for (let i = 0; i < got.length; i++) expect(got[i], `${b} value ${i}`).to.be.closeTo(reference[i], 1e-12 * (1 + Math.abs(reference[i])));
    }
  });
});
