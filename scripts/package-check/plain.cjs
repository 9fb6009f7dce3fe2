// Plain JavaScript (CommonJS): require() of the package, decorators applied by hand.
const { Model, Network, derivative, input, param, state } = require('neural-ts');

class Leak extends Model {
  static timeScale = 1e3;
}
param(20)(Leak.prototype, 'tau');
param(-65)(Leak.prototype, 'rest');
input(0)(Leak.prototype, 'drive');
derivative('(rest - v) / tau + drive')(Leak.prototype, 'v');
state(-65)(Leak.prototype, 'v');

async function main() {
  const nn = new Network();
  const a = nn.add(new Leak({ rest: -70 }), { name: 'a', num: 1 });
  await nn.compile({ backend: 'js' });
  await nn.run(1e-4, { steps: 1000 });
  const got = a.get('v')[0];
  const expected = -70 + 5 * Math.exp(-100 / 20);
  if (!(Math.abs(got - expected) < 1e-9 * 70)) {
    console.error(`plain.cjs: FAILED: v = ${got}, expected ${expected}`);
    process.exitCode = 1;
  } else console.log('plain.cjs: ok (js)');
}
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
