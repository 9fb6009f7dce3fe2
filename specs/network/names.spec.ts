/**
 * Container and input names are user data. Whatever they hold, they either
 * work (the run gives the same numbers as with a plain name) or are refused by
 * add()/input() with a NeuralError; they never change the generated code.
 */
import { expect } from 'chai';
import { Network, NeuralError, Sum, models, type BackendName } from '../../lib/index.js';

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

  it('names with line breaks never reach the generated code as code', async () => {
    const plain = await runNamed('plain', 'js');
    for (const name of [`x\nglobalThis.${injected} = 42; //`, 'x\u2028y', 'x\r\n#error boom']) {
      const got = await runNamed(name, 'js');
      expect((globalThis as Record<string, unknown>)[injected], JSON.stringify(name)).to.equal(undefined);
      if (got !== 'refused') expect(got, JSON.stringify(name)).to.deep.equal(plain);
    }
  });
});
