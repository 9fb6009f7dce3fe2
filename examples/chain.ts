/**
 * A chain: input → IAF → Alpha synapse → Hodgkin-Huxley. A constant current
 * makes the IAF neuron fire; its spikes drive an alpha synapse whose
 * conductance is the HH neuron's input current. Prints the spike counts of
 * both neurons and writes the three traces to out/chain.svg, one panel each
 * (they have different units).
 *
 * Run: npm run build && node dist/examples/chain.js
 */
import { Network, models, utils } from 'neural-ts';

/** Runs the example; returns [IAF spikes, HH spikes]. */
export async function main(backend: 'auto' | 'js' | 'cpu' | 'cuda' = 'auto'): Promise<[number, number]> {
  const dt = 1e-5;
  const steps = 50000; // 0.5 s
  const nn = new Network();
  const inp = nn.input({ name: 'drive' });
  const iaf = nn.add(models.IAF, { name: 'IAF' });
  const syn = nn.add(models.Alpha, { name: 'Alpha', params: { gmax: 2 } });
  const hh = nn.add(models.HodgkinHuxley, { name: 'HH' });
  iaf.connect({ stimulus: inp });
  syn.connect({ stimulus: iaf.ref('spike') });
  hh.connect({ stimulus: syn.ref('g') });
  inp.set(1);
  iaf.record('v', { rate: 10 });
  iaf.record('spike');
  syn.record('g', { rate: 10 });
  hh.record('v', { rate: 10 });
  hh.record('spike');
  await nn.compile({ backend });
  console.log(`chain: compiled for ${nn.chosen?.backend}`);
  await nn.run(dt, { steps });
  const count = (x: ArrayLike<number>) => Array.from(x).reduce((a, b) => a + b, 0);
  const nIaf = count(iaf.recorder.get('spike').data);
  const nHH = count(hh.recorder.get('spike').data);
  console.log(`chain: IAF fired ${nIaf} times, HH fired ${nHH} times`);
  await utils.plotTraces('out/chain.svg', [
    { traces: iaf.recorder.get('v'), yLabel: 'IAF v' },
    { traces: syn.recorder.get('g'), yLabel: 'Alpha g' },
    { traces: hh.recorder.get('v'), yLabel: 'HH v (mV)' },
  ], { title: 'input → IAF → Alpha → HH', height: 480 });
  console.log('chain: wrote out/chain.svg');
  return [nIaf, nHH];
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
