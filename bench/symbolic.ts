/**
 * Time of the symbolic pass on large equations: a model built at run time is
 * read, inspected, lowered, compiled for the js back end and run for two
 * steps, each case in a fresh class (nothing cached). The cases are those the
 * size limits are written for: a 1000-term sum, a 500-link chain of
 * intermediates each using the previous one twice, and sin nested 22 deep.
 * Usage: node dist/bench/symbolic.js
 */
import { Model, Network, defineModel, derivative, intermediate, param, state } from 'neural-ts';

function model(name: string, params: [string, number][], intermediates: [string, string][], dx: string): typeof Model {
  const fields: Parameters<typeof defineModel>[1] = {};
  for (const [p, v] of params) fields[p] = param(v);
  for (const [n, e] of intermediates) fields[n] = intermediate(e);
  fields.x = [state(1), derivative(dx)];
  return defineModel({ [name]: class extends Model {} }[name], fields);
}

async function time(label: string, M: typeof Model): Promise<void> {
  const t0 = performance.now();
  const nn = new Network();
  nn.add(M);
  await nn.compile({ backend: 'js' });
  await nn.run(1e-3, { steps: 2 });
  console.log(`  ${label.padEnd(44)} ${(performance.now() - t0).toFixed(0).padStart(6)} ms`);
}

const sum = Array.from({ length: 1000 }, (_, i): [string, number] => [`p${i}`, 1e-3]);
const chain: [string, string][] = [['a0', 'x + p']];
for (let k = 1; k < 500; k++) chain.push([`a${k}`, `a${k - 1} * a${k - 1} * 0.5 + p`]);
let sin = 'x';
for (let k = 0; k < 22; k++) sin = `sin(${sin})`;

console.log('symbolic pass on large equations (read, inspect, lower, compile for js, 2 steps):');
await time('1000-term sum p0*x + … + p999*x', model('Sum1000', sum, [], sum.map(([p]) => `${p} * x`).join(' + ')));
await time('500-link chain a_k = a_{k-1}·a_{k-1}·0.5 + p', model('Chain500', [['p', 0.1]], chain, '-a499 * 1e-3'));
await time('sin nested 22 deep', model('Sin22', [], [], sin));
