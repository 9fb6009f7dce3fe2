// Plain JavaScript (ES module): a model declared without decorator syntax.
import { Model, Network, defineModel, derivative, input, param, state } from 'neural-ts';

const Leak = defineModel(class Leak extends Model {
  static timeScale = 1e3;
}, {
  tau: param(20),
  rest: param(-65),
  drive: input(0),
  v: [state(-65), derivative('(rest - v) / tau + drive')],
});

const nn = new Network();
const a = nn.add(new Leak({ rest: -70 }), { name: 'a', num: 1 });
await nn.compile({ backend: 'js' });
await nn.run(1e-4, { steps: 1000 });
const got = a.get('v')[0];
const expected = -70 + 5 * Math.exp(-100 / 20);
if (!(Math.abs(got - expected) < 1e-9 * 70)) {
  console.error(`plain.mjs: FAILED: v = ${got}, expected ${expected}`);
  process.exitCode = 1;
} else console.log('plain.mjs: ok (js)');
