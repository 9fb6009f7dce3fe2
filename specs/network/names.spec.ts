/**
 * Container and input names are user data. Whatever they hold, they either
 * work (the run gives the same numbers as with a plain name) or are refused by
 * add()/input() with a NeuralError; they never change the generated code, even
 * in a plan made by hand that carries them.
 */
import { expect } from 'chai';
import { Network, NetworkWiringError, NeuralError, Sum, backends, models, type BackendName } from '../../lib/index.js';
import { throws } from '../support.js';

const injected = '__neuralNameInjection';

async function runNamed(name: string, backend: BackendName): Promise<number[] | 'refused'> {
  const nn = new Network();
  let iaf;
  let inp;
  try {
    inp = nn.input({ name: `${name} input`, num: 2 });
    iaf = nn.add(models.IAF, { name, num: 2, params: { c: 0.5 } });
  } catch (error) {
    expect(error).to.be.instanceOf(NeuralError);
    return 'refused';
  }
  const sink = nn.add(models.Alpha, { name: `${name} sink` });
  inp.set(1);
  iaf.connect({ stimulus: inp });
  sink.connect({ stimulus: Sum(iaf.ref('spike')) });
  await nn.compile({ backend });
  iaf.record('v');
  await nn.run(1e-3, { steps: 30 });
  return Array.from(iaf.recorder.get('v').data);
}

describe('network/names', () => {
  it('plain names with spaces, quotes, symbols and non-ASCII letters work', async () => {
    const plain = await runNamed('plain', 'js');
    for (const name of ['two words', "it's \"quoted\"", 'a */ b /* c', 'back\\slash', 'Zellen (Schicht 4)', 'ニューロン']) {
      for (const backend of ['interpreter', 'js'] as BackendName[]) {
        expect(await runNamed(name, backend), `${backend} ${name}`).to.deep.equal(plain);
      }
    }
  });

  it('names with line breaks are refused by input() and add(), and a plan carrying one anyway gives the same code', async () => {
    const nn = new Network();
    const inp = nn.input({ name: 'in', num: 2 }).set(1);
    const iaf = nn.add(models.IAF, { name: 'plain', num: 2 });
    iaf.connect({ stimulus: inp });
    nn.add(models.Alpha, { name: 'sink' }).connect({ stimulus: Sum(iaf.ref('spike')) });
    iaf.record('v');
    const plan = nn.plan();
    const targets: BackendName[] = ['js', ...(backends.status().cpu.ok ? ['cpu' as const] : [])];
    const plain = await Promise.all(targets.map(async (b) => (await backends.pick(b).compile(plan)).source));
    for (const name of [`x\nglobalThis.${injected} = 42; //`, 'x\u2028y', 'x\r\n#error boom']) {
      const label = JSON.stringify(name);
      // Refused where names enter a network, naming the fix.
      expect(await runNamed(name, 'js'), label).to.equal('refused');
      throws(() => new Network().add(models.IAF, { name }), NetworkWiringError, { message: 'holds a line break or control character', fix: /^Use a name on one line/ }, label);
      throws(() => new Network().input({ name }), NetworkWiringError, { message: 'holds a line break or control character' }, label);
      // A plan that carries the name anyway (made by hand, not by add() or input()): the code does not change.
      const named = {
        ...plan,
        containers: plan.containers.map((c) => ({ ...c, name })),
        buffers: plan.buffers.map((b) => ({ ...b, name: `${name} ${b.name}` })),
      };
      for (const [i, backend] of targets.entries()) {
        const program = await backends.pick(backend).compile(named);
        expect(program.source, `${backend} ${label}`).to.equal(plain[i]);
      }
      expect((globalThis as Record<string, unknown>)[injected], label).to.equal(undefined);
    }
  });
});
