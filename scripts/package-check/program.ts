/**
 * A program that uses the installed package the way a project would. It is
 * compiled by scripts/check-package.mjs with several tsconfig.json files
 * (ES module or CommonJS, legacy or standard decorators) and then run: it
 * builds models, compiles a network on the js back end (and cpu where the
 * native addon works), runs it and checks the numbers against the exact
 * solution, and saves a recording in each file format and reads it back
 * (the Arrow and Parquet packages load on first use, also from CommonJS).
 * Any mismatch exits with status 1.
 */
import { Model, Network, backends, defineModel, derivative, input, loadRecording, param, readModel, saveRecording, state, type BackendName } from 'neural-ts';

/** A leaky integrator, per millisecond: v' = (rest - v) / tau + drive. */
class Leak extends Model {
  static timeScale = 1e3;
  @param(20) tau!: number;
  @param(-65) rest!: number;
  @input(0) drive!: number;
  @state(-65) @derivative('(rest - v) / tau + drive') v!: number;
}

/**
 * The same with another default time constant. (Re-declaring `tau` in the
 * class body is refused by TypeScript where class fields are defined, its
 * default for ES2022; defineModel works with every setting.)
 */
class FastLeak extends Leak {}
defineModel(FastLeak, { tau: param(5) });

const failures: string[] = [];
function check(what: string, actual: unknown, expected: number, tolerance = 0): void {
  const ok = typeof actual === 'number' && Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
  if (!ok) failures.push(`${what}: got ${String(actual)}, expected ${expected}`);
}

async function main(): Promise<void> {
  const variant = process.argv[2] ?? 'program';

  // Instances keep the values they were given, whatever the class fields setting.
  const slow = new Leak({ rest: -70 });
  check('new Leak({ rest: -70 }).rest', slow.rest, -70);
  check('new Leak({ rest: -70 }).tau', slow.tau, 20);
  check('new Network().add(new Leak({ rest: -70 })).get(\'rest\')', new Network().add(slow).get('rest')[0], -70);
  check('FastLeak default tau', readModel(FastLeak).params.find((p) => p.name === 'tau')?.value, 5);
  check('new FastLeak().tau', new FastLeak().tau, 5);

  const status = backends.status();
  const names: BackendName[] = status.cpu.ok ? ['js', 'cpu'] : ['js'];
  const steps = 1000;
  const dt = 1e-4;
  const ms = steps * dt * 1e3;
  for (const backend of names) {
    const nn = new Network();
    const a = nn.add(slow, { name: 'a', num: 2 });
    const b = nn.add(FastLeak, { name: 'b', num: 1, params: { drive: 1 } });
    a.record('v');
    await nn.compile({ backend, dtype: 'float64' });
    await nn.run(dt, { steps });
    const v = a.recorder.get('v');
    check(`${backend}: recording shape`, v.shape[0], steps);
    // Exponential Euler is exact for a linear equation with constant terms.
    check(`${backend}: a.v after ${ms} ms`, a.get('v')[1], -70 + 5 * Math.exp(-ms / 20), 1e-9);
    check(`${backend}: b.v after ${ms} ms`, b.get('v')[0], -60 - 5 * Math.exp(-ms / 5), 1e-9);
    for (const ext of ['.npy', '.npz', '.arrow', '.parquet']) {
      await saveRecording(`v-${backend}${ext}`, v);
      const back = await loadRecording(`v-${backend}${ext}`);
      check(`${backend}: ${ext} rows`, back.shape[0], steps);
      check(`${backend}: ${ext} last value`, back.data[back.data.length - 1], v.data[v.data.length - 1]);
    }
  }
  if (failures.length > 0) {
    console.error(`${variant}: FAILED\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log(`${variant}: ok (${names.join(', ')})`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
