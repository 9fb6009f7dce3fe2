/** Every example runs and writes valid images holding the expected marks. */
import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { main as iaf } from '../examples/iaf.js';
import { main as hhRamp } from '../examples/hh-ramp.js';
import { main as chain } from '../examples/chain.js';
import { main as noisyLif } from '../examples/noisy-lif.js';
import { main as ou } from '../examples/ou.js';
import { main as cuba } from '../examples/cuba.js';
import { main as cobahh } from '../examples/cobahh.js';
import { main as delays } from '../examples/delays.js';
import { main as stdp } from '../examples/stdp.js';
import { build as sweepBuild, main as sweepMain, metrics as sweepMetrics } from '../examples/sweep.js';
import { silenceConsoleLog } from './support.js';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): [number, number] {
  const b = readFileSync(path);
  expect([...b.subarray(0, 8)]).to.deep.equal(PNG);
  expect(b.subarray(12, 16).toString('latin1')).to.equal('IHDR');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

/** The SVG text, checked to be one <svg> element. */
function svg(path: string): string {
  const text = readFileSync(path, 'utf8');
  expect(text.startsWith('<svg')).to.equal(true);
  expect(text.trimEnd().endsWith('</svg>')).to.equal(true);
  return text;
}

describe('examples', function () {
  silenceConsoleLog();

  it('iaf: the seed example gives counts 1 1 2 … 9 and writes a voltage SVG and a raster PNG', async () => {
    for (const f of ['out/iaf-v.svg', 'out/iaf-raster.png']) rmSync(f, { force: true });
    const counts = await iaf('js');
    // Neuron i integrates (0.2·(i+1) + 0.01)/5 per second for 0.6 s, plus the bias alone
    // for the rest: threshold 0.025, reset to 0.
    expect(counts).to.deep.equal([1, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const text = svg('out/iaf-v.svg');
    expect(text.match(/aria-roledescription="line mark"/g)?.length).to.equal(3);
    expect(pngSize('out/iaf-raster.png')).to.deep.equal([640, 320]);
  });

  it('hh-ramp: neurons start at rest, so the weakest ramps give no spike; writes the traces PNG and a raster SVG with one tick per spike', async () => {
    const counts = await hhRamp('js');
    const total = counts.reduce((a, b) => a + b, 0);
    expect(total).to.be.greaterThan(100);
    expect(counts.slice(0, 25)).to.deep.equal(new Array(25).fill(0));
    expect(counts[99]).to.be.greaterThan(counts[49]);
    expect(pngSize('out/hh-ramp.png')).to.deep.equal([640, 320]);
    const text = svg('out/hh-raster.svg');
    expect(text.match(/aria-roledescription="rule mark"/g)?.length).to.equal(total);
  });

  it('chain: IAF fires 4 times in 0.5 s and drives HH through the synapse; writes the three traces', async () => {
    const [nIaf, nHH] = await chain('js');
    // IAF: v grows by (1 + 0.01)/5 per second and resets at 0.025: every 0.1238 s, 4 times in 0.5 s.
    expect(nIaf).to.equal(4);
    expect(nHH).to.be.greaterThan(nIaf);
    expect(svg('out/chain.svg').match(/aria-roledescription="line mark"/g)?.length).to.equal(3);
  });

  it('noisy-lif: the noisy population fires irregularly, the same on js and cpu, and writes a raster and a rate plot', async () => {
    for (const f of ['out/noisy-lif-raster.png', 'out/noisy-lif-rate.svg']) rmSync(f, { force: true });
    const js = await noisyLif('js');
    // Mean drive −56 … −46 mV around a −50 mV threshold, σ = 4 mV: tens of Hz, irregular (CV well above a regular train's 0).
    expect(js.rate).to.be.within(20, 80);
    expect(js.cv).to.be.within(0.3, 1.2);
    expect(pngSize('out/noisy-lif-raster.png')).to.deep.equal([640, 320]);
    expect(svg('out/noisy-lif-rate.svg').match(/aria-roledescription="rect mark"|aria-roledescription="line mark"|aria-roledescription="area mark"/)).to.not.equal(null);
    const again = await noisyLif('js');
    expect(again.count).to.equal(js.count);
  });

  it('ou: the Ornstein–Uhlenbeck variance and autocorrelation follow theory; writes the two panels', async () => {
    const gaps = await ou('js');
    // 2,000 units: the variance's standard error is about 0.03; the largest gap over 101 times stays under 0.15.
    expect(gaps.variance).to.be.below(0.15);
    expect(gaps.correlation).to.be.below(0.06);
    expect(svg('out/ou.svg').match(/aria-roledescription="line mark"/g)?.length).to.equal(4);
  });

  it('cuba: 4000 LIF neurons with about 320,000 synapses fire at a few Hz, with silent neurons; writes a raster and a rate plot', async () => {
    for (const f of ['out/cuba-raster.png', 'out/cuba-rate.png']) rmSync(f, { force: true });
    const r = await cuba('js', 0.5);
    expect(r.synapses).to.be.within(310000, 330000);
    expect(r.rate).to.be.within(3, 10);
    expect(r.silent).to.be.within(0.05, 0.5);
    for (const f of ['out/cuba-raster.png', 'out/cuba-rate.png']) expect(pngSize(f)).to.deep.equal([640, 320]);
  });

  it('cobahh: 4000 HH neurons with conductance synapses fire at tens of Hz; writes a raster and a rate plot', async () => {
    for (const f of ['out/cobahh-raster.png', 'out/cobahh-rate.png']) rmSync(f, { force: true });
    const r = await cobahh('js', 0.2);
    expect(r.rate).to.be.within(20, 60);
    for (const f of ['out/cobahh-raster.png', 'out/cobahh-rate.png']) expect(pngSize(f)).to.deep.equal([640, 320]);
  });

  it('delays: a 2 ms delay adds 2 to 2.5 ms per link of a synfire chain, and spread delays arrive later and less together', async () => {
    for (const f of ['out/delays-raster.png', 'out/delays-rate.png']) rmSync(f, { force: true });
    const r = await delays('js');
    // The delay, plus a little: the targets have decayed for 2 ms longer when the spikes arrive.
    expect(r.fixed.link - r.none.link).to.be.within(1.9, 2.5);
    expect(r.spread.link).to.be.greaterThan(r.fixed.link);
    for (const f of ['out/delays-raster.png', 'out/delays-rate.png']) expect(pngSize(f)).to.deep.equal([640, 320]);
  });

  it('stdp: the weights of 1000 plastic synapses stay in [0, gmax] and their histogram counts every synapse', async () => {
    for (const f of ['out/stdp-rate.png', 'out/stdp-weights.png']) rmSync(f, { force: true });
    const r = await stdp('js', 5);
    expect(r.histogram.reduce((a, b) => a + b, 0)).to.equal(1000);
    expect(r.low + r.high).to.be.at.most(1);
    for (const f of ['out/stdp-rate.png', 'out/stdp-weights.png']) expect(pngSize(f)).to.deep.equal([640, 320]);
  });

  it('sweep: 60 runs in batches; noise makes subthreshold cells fire; a row equals its run done alone; writes CSV, Parquet and the heatmap', async () => {
    for (const f of ['out/sweep.csv', 'out/sweep.parquet', 'out/sweep-rates.png']) rmSync(f, { force: true });
    const t = await sweepMain();
    expect(t.rows).to.equal(60);
    const row = (I: number, sigma: number, seed: number) => Array.from({ length: t.rows }, (_, r) => r).find((r) => t.columns.I[r] === I && t.columns.sigma[r] === sigma && t.columns.seed[r] === seed)!;
    expect(t.columns.rate[row(8, 0, 1)], 'below threshold, no noise').to.equal(0);
    expect(t.columns.rate[row(8, 6, 1)], 'below threshold, noise').to.be.above(10);
    expect(t.columns.rate[row(16, 0, 2)]).to.be.above(t.columns.rate[row(12, 0, 2)]);
    // Row (I 14, σ 2, seed 2), run alone: the same numbers as in its batch.
    const alone = sweepBuild({ I: 14, sigma: 2 }, 2);
    await alone.compile();
    await alone.run(1e-4, { steps: 5000 });
    const m = sweepMetrics(alone);
    expect([t.columns.rate[row(14, 2, 2)], t.columns.active[row(14, 2, 2)]]).to.deep.equal([m.rate, m.active]);
    expect(readFileSync('out/sweep.csv', 'utf8').split('\n')[0]).to.equal('I,sigma,seed,rate,active');
    expect(readFileSync('out/sweep.parquet').subarray(0, 4).toString('latin1')).to.equal('PAR1');
    expect(pngSize('out/sweep-rates.png')).to.deep.equal([640, 320]);
  });
});
