import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { InputDataError } from '../../lib/errors.js';
import { Recording } from '../../lib/network/recorder.js';
import { psth, spikeEvents } from '../../lib/utils/analysis.js';
import { downsampleMinMax, plotHeatmap, plotPSTH, plotRaster, plotSpec, plotSweep, plotTraces } from '../../lib/utils/plot.js';
import { rejects } from '../support.js';
import { ornsteinUhlenbeck, poissonSpikeTrain, population, sinusoid } from '../../lib/utils/stimuli.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The elements of one tag inside the data-mark groups of a Vega SVG (class "mark-<type> role-mark"). */
function markElements(svg: string, type: string, tag: string): number {
  const re = new RegExp(`<g class="mark-${type} role-mark[^"]*"[^>]*>(.*?)</g>`, 'gs');
  let n = 0;
  for (const m of svg.matchAll(re)) n += (m[1].match(new RegExp(`<${tag}[\\s>/]`, 'g')) ?? []).length;
  return n;
}

function svgSize(svg: string): [number, number] {
  const m = /^<svg[^>]*\swidth="(\d+)"[^>]*\sheight="(\d+)"/.exec(svg);
  expect(m, 'svg width and height').to.not.equal(null);
  return [Number(m![1]), Number(m![2])];
}

interface Png {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** A minimal PNG reader (8-bit RGBA, as resvg writes): chunks, inflate, undo the row filters. */
function readPng(buf: Buffer): Png {
  expect(Array.from(buf.subarray(0, 8))).to.deep.equal(PNG_SIGNATURE);
  expect(buf.toString('latin1', 12, 16)).to.equal('IHDR');
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  expect(buf[24], 'bit depth').to.equal(8);
  expect(buf[25], 'colour type RGBA').to.equal(6);
  const idat: Buffer[] = [];
  for (let p = 8; p < buf.length; ) {
    const len = buf.readUInt32BE(p);
    if (buf.toString('latin1', p + 4, p + 8) === 'IDAT') idat.push(buf.subarray(p + 8, p + 8 + len));
    p += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const rgba = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= 4 ? rgba[y * stride + x - 4] : 0;
      const b = y > 0 ? rgba[(y - 1) * stride + x] : 0;
      const c = x >= 4 && y > 0 ? rgba[(y - 1) * stride + x - 4] : 0;
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = b;
      else if (f === 3) pred = (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      rgba[y * stride + x] = (v + pred) & 0xff;
    }
  }
  return { width, height, rgba };
}

/** The texts of one role in a Vega SVG, e.g. 'axis-title' or 'legend-title', in drawing order. */
function texts(svg: string, role: string): string[] {
  const out: string[] = [];
  for (const g of svg.matchAll(new RegExp(`<g class="mark-text role-${role}[^"]*"[^>]*>(.*?)</g>`, 'gs'))) {
    for (const t of g[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)) out.push(t[1]);
  }
  return out;
}

/**
 * The pixels connected to (x, y) that have exactly its colour: their count
 * and bounding box.
 */
function region(png: Png, x: number, y: number): { count: number; box: [number, number, number, number] } {
  const colour = (px: number, py: number) => {
    const i = (py * png.width + px) * 4;
    return png.rgba.slice(i, i + 4).join(',');
  };
  const ref = colour(x, y);
  const seen = new Uint8Array(png.width * png.height);
  const stack = [[x, y]];
  let count = 0;
  const box: [number, number, number, number] = [x, x, y, y];
  while (stack.length) {
    const [px, py] = stack.pop()!;
    if (px < 0 || py < 0 || px >= png.width || py >= png.height || seen[py * png.width + px] || colour(px, py) !== ref) continue;
    seen[py * png.width + px] = 1;
    count++;
    box[0] = Math.min(box[0], px);
    box[1] = Math.max(box[1], px);
    box[2] = Math.min(box[2], py);
    box[3] = Math.max(box[3], py);
    stack.push([px + 1, py], [px - 1, py], [px, py + 1], [px, py - 1]);
  }
  return { count, box };
}

/** Near-black pixels (text) in a rectangle. */
function darkPixels(png: Png, x0: number, x1: number, y0: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * png.width + x) * 4;
      if (png.rgba[i] < 80 && png.rgba[i + 1] < 80 && png.rgba[i + 2] < 80) n++;
    }
  }
  return n;
}

describe('utils/plot', function () {
  this.timeout(30000);
  let dir: string;
  const dt = 1e-4;
  const steps = 20000;
  const num = 12;
  const spikes = { data: population(steps, num, (i) => poissonSpikeTrain({ dt, steps, rate: 5 + i, seed: i })), shape: [steps, num] as [number, number], dt };
  const voltages = {
    data: population(steps, 3, (i) => ornsteinUhlenbeck({ dt, steps, tau: 5e-3, sigma: 100, mean: -60 + 5 * i, seed: 20 + i })),
    shape: [steps, 3] as [number, number],
    dt,
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'neural-plot-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('plotTraces', () => {
    it('draws one line per unit with the image size requested', async () => {
      const res = await plotTraces(join(dir, 'traces.svg'), voltages, { title: 'v', yLabel: 'v (mV)', width: 500, height: 250 });
      expect(res.format).to.equal('svg');
      expect(res.marks).to.equal(3);
      const svg = await readFile(res.path, 'utf8');
      expect(svg.startsWith('<svg')).to.equal(true);
      expect(svg.trimEnd().endsWith('</svg>')).to.equal(true);
      expect(svgSize(svg)).to.deep.equal([500, 250]);
      expect(markElements(svg, 'line', 'path')).to.equal(3);
      expect(res.bytes).to.equal(Buffer.byteLength(svg));
      for (const label of ['unit 0', 'unit 1', 'unit 2', 'time (s)', 'v (mV)']) expect(svg).to.contain(label);
    });

    it('accepts one array, a list, or a record, and picks units', async () => {
      const x = sinusoid({ dt, steps: 1000, amplitude: 1, frequency: 10 });
      expect((await plotTraces(join(dir, 'one.svg'), x, { dt })).marks).to.equal(1);
      expect((await plotTraces(join(dir, 'list.svg'), [x, Array.from(x, (v) => 2 * v)])).marks).to.equal(2);
      const rec = await plotTraces(join(dir, 'rec.svg'), { soma: x, dendrite: new Float32Array(x) });
      expect(rec.marks).to.equal(2);
      expect(await readFile(rec.path, 'utf8')).to.contain('dendrite');
      expect((await plotTraces(join(dir, 'units.svg'), voltages, { units: [2] })).marks).to.equal(1);
      await rejects(() => plotTraces(join(dir, 'bad.svg'), voltages, { units: [3] }), InputDataError, { message: /^plotTraces: unit 3 is out of range/ });
    });

    it('downsamples a 1,000,000-point trace to at most 5,000 points, keeping the extremes', async () => {
      const n = 1_000_000;
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = Math.sin(i / 1000);
      x[123457] = 50; // a single-sample spike must survive
      const res = await plotTraces(join(dir, 'long.svg'), x, { dt: 1e-5 });
      const svg = await readFile(res.path, 'utf8');
      const d = /<g class="mark-line role-mark[^"]*"[^>]*><path[^>]*\sd="([^"]+)"/s.exec(svg);
      expect(d).to.not.equal(null);
      const points = (d![1].match(/[ML]/g) ?? []).length;
      expect(points).to.be.at.most(5000).and.at.least(4000);
      expect(res.bytes).to.be.below(250_000);
      const kept = downsampleMinMax(x, 5000);
      expect(kept.length).to.be.at.most(5000);
      expect(Array.from(kept)).to.include(123457);
      for (let k = 1; k < kept.length; k++) expect(kept[k]).to.be.greaterThan(kept[k - 1]);
      expect(Array.from(downsampleMinMax([3, 1, 2], 10))).to.deep.equal([0, 1, 2]);
    });
  });

  describe('plotTraces: y labels and panels', () => {
    const v = new Recording('v', voltages.data, 3, 10, dt / 10);
    const g = new Recording('g', Float64Array.from(voltages.data, (x) => Math.max(0, x + 60) / 100), 3, 10, dt / 10);

    it("labels the y axis with the recording's variable, with its unit when it has one; other traces get 'value'", async () => {
      expect(texts(await readFile((await plotTraces(join(dir, 'label-v.svg'), v)).path, 'utf8'), 'axis-title')).to.deep.equal(['time (s)', 'v']);
      const withUnit = Object.assign(Object.create(v) as Recording, { unit: 'mV' });
      expect(texts(await readFile((await plotTraces(join(dir, 'label-mv.svg'), withUnit)).path, 'utf8'), 'axis-title')).to.deep.equal(['time (s)', 'v (mV)']);
      expect(texts(await readFile((await plotTraces(join(dir, 'label-own.svg'), v, { yLabel: 'soma' })).path, 'utf8'), 'axis-title')).to.deep.equal(['time (s)', 'soma']);
      expect(texts(await readFile((await plotTraces(join(dir, 'label-plain.svg'), [1, 2, 3])).path, 'utf8'), 'axis-title')).to.deep.equal(['step', 'value']);
    });

    it('draws panels stacked top to bottom, each with its own y axis and label, on one time axis, at the size requested', async () => {
      const res = await plotTraces(join(dir, 'panels.svg'), [
        { traces: v, units: [0, 1] },
        { traces: g, yLabel: 'g (nS)', units: [0] },
        { traces: { soma: sinusoid({ dt: dt / 10 * 10, steps: 2000, amplitude: 1, frequency: 10 }) }, yLabel: 'I' },
      ], { dt, width: 600, height: 450, title: 'three panels' });
      expect(res.marks).to.equal(4);
      const svg = await readFile(res.path, 'utf8');
      expect(svgSize(svg)).to.deep.equal([600, 450]);
      expect(markElements(svg, 'line', 'path')).to.equal(4);
      // One time axis title (the bottom panel's), one y title per panel, top to bottom.
      expect(texts(svg, 'axis-title')).to.deep.equal(['v', 'g (nS)', 'time (s)', 'I']);
      // The legend of the panel with two traces only.
      expect(texts(svg, 'legend-label')).to.deep.equal(['unit 0', 'unit 1']);
      const png = await plotTraces(join(dir, 'panels.png'), [{ traces: v }, { traces: g }], { scale: 2 });
      expect([png.width, png.height]).to.deep.equal([1280, 640]);
    });

    it('with panels, refuses units, labels and yLabel for the whole chart, and panels that mix steps and seconds', async () => {
      for (const key of ['units', 'labels', 'yLabel'] as const) {
        await rejects(() => plotTraces(join(dir, 'p.svg'), [{ traces: v }, { traces: g }], { [key]: key === 'yLabel' ? 'v' : [0] }), InputDataError, {
          message: new RegExp(`^plotTraces: options\\.${key} is given with 2 panels\\. Give ${key} to each panel`),
        });
      }
      await rejects(() => plotTraces(join(dir, 'p.svg'), [{ traces: v }, { traces: [1, 2, 3] }]), InputDataError, {
        message: /^plotTraces: traces\[1\] has no time step while other panels are in seconds\./,
      });
      await rejects(() => plotTraces(join(dir, 'p.svg'), [{ traces: v, unit: [0] } as never]), InputDataError, { message: /unit.*units/ });
    });
  });

  describe('plotRaster', () => {
    it('draws one tick per spike from a recording, events, or spike-time lists', async () => {
      const ev = spikeEvents(spikes);
      const res = await plotRaster(join(dir, 'raster.svg'), spikes, { title: 'raster' });
      expect(res.marks).to.equal(ev.times.length);
      const svg = await readFile(res.path, 'utf8');
      expect(markElements(svg, 'rule', 'line')).to.equal(ev.times.length);
      expect((await plotRaster(join(dir, 'raster-ev.svg'), ev)).marks).to.equal(ev.times.length);
      const lists = await plotRaster(join(dir, 'raster-lists.svg'), [[0.1, 0.2], [], [0.15]]);
      expect(lists.marks).to.equal(3);
      expect(markElements(await readFile(lists.path, 'utf8'), 'rule', 'line')).to.equal(3);
    });

    it('refuses more spikes than maxEvents', async () => {
      await rejects(() => plotRaster(join(dir, 'too-many.svg'), spikes, { maxEvents: 10 }), InputDataError, { where: 'plotRaster', fix: /raise maxEvents/ });
    });
  });

  describe('plotPSTH', () => {
    it('draws one bar per bin, from spikes or from a computed PSTH', async () => {
      const res = await plotPSTH(join(dir, 'psth.svg'), spikes, { bin: 0.1 });
      expect(res.marks).to.equal(20);
      expect(markElements(await readFile(res.path, 'utf8'), 'rect', 'path')).to.equal(20);
      const h = psth(spikes, { bin: 0.25 });
      expect((await plotPSTH(join(dir, 'psth2.svg'), h)).marks).to.equal(8);
      await rejects(() => plotPSTH(join(dir, 'nobin.svg'), spikes), InputDataError, { message: /^plotPSTH: bin is not given/ });
    });
  });

  describe('plotSweep', () => {
    const table = {
      // A 3 × 2 grid, two seeds each: the value of a cell is the mean over its seeds.
      columns: {
        I: Float64Array.from([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]),
        sigma: Float64Array.from([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]),
        rate: Float64Array.from([1, 3, 5, 5, 10, 20, 30, 30, 7, 7, 9, 11]),
      },
    };

    it('draws one cell per pair of parameter values, coloured by the mean over seeds', async () => {
      const res = await plotSweep(join(dir, 'sweep.svg'), table, { x: 'I', y: 'sigma', value: 'rate' });
      expect(res.marks).to.equal(6);
      const text = await readFile(res.path, 'utf8');
      expect(markElements(text, 'rect', 'path')).to.equal(6);
      expect(texts(text, 'legend-title')).to.deep.equal(['rate']);
      // The six cell means (2, 5, 15, 30, 7, 10) differ: six colours.
      const marks = /<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(text)![1];
      const fills = [...marks.matchAll(/fill="([^"]+)"/g)].map((m) => m[1]);
      expect(new Set(fills).size).to.equal(6);
    });

    it('refuses a column the table lacks, naming the columns it has', async () => {
      await rejects(() => plotSweep(join(dir, 'bad.svg'), table, { x: 'I', y: 'tau', value: 'rate' }), InputDataError, { where: 'plotSweep: y', fix: 'Name one of: I, sigma, rate.' });
    });
  });

  describe('plotHeatmap', () => {
    it('draws one cell per (time bin × unit bin), averaging blocks of a large recording', async () => {
      const res = await plotHeatmap(join(dir, 'heat.svg'), voltages, { legendTitle: 'v (mV)' });
      expect(res.marks).to.equal(300 * 3);
      expect(markElements(await readFile(res.path, 'utf8'), 'rect', 'path')).to.equal(900);
      const small = await plotHeatmap(join(dir, 'heat-small.svg'), { data: [1, 2, 3, 4, 5, 6], shape: [3, 2] });
      expect(small.marks).to.equal(6);
      const binned = await plotHeatmap(join(dir, 'heat-binned.svg'), spikes, { maxTimeBins: 40, maxUnitBins: 5 });
      expect(binned.marks).to.equal(200);
    });

    it("titles the legend with the recording's variable, else 'value'", async () => {
      const rec = new Recording('v', voltages.data, 3, 1, dt);
      expect(texts(await readFile((await plotHeatmap(join(dir, 'heat-v.svg'), rec)).path, 'utf8'), 'legend-title')).to.deep.equal(['v']);
      expect(texts(await readFile((await plotHeatmap(join(dir, 'heat-value.svg'), voltages)).path, 'utf8'), 'legend-title')).to.deep.equal(['value']);
    });

    it('a uniform recording fills the plot area with one colour: no seams between cells (PNG pixels)', async () => {
      // 0.5: every block mean is exactly 0.5, so every cell has exactly one colour.
      for (const [rows, cols, scale] of [[500, 37, 1], [3, 2, 1], [2000, 150, 2], [40, 7, 1.5]]) {
        const res = await plotHeatmap(join(dir, `uniform-${rows}.png`), { data: new Float64Array(rows * cols).fill(0.5), shape: [rows, cols] }, { scale });
        const png = readPng(await readFile(res.path));
        // The region of the centre pixel's colour is the whole plot area: a rectangle, no other colour inside.
        const { count, box } = region(png, Math.round(png.width * 0.4), Math.round(png.height * 0.45));
        const [x0, x1, y0, y1] = box;
        expect(count, `${rows} × ${cols}: a seam splits the cells`).to.equal((x1 - x0 + 1) * (y1 - y0 + 1));
        expect(x1 - x0 + 1, `${rows} × ${cols}`).to.be.above(0.7 * png.width);
        expect(y1 - y0 + 1, `${rows} × ${cols}`).to.be.above(0.8 * png.height);
      }
    });
  });

  describe('plotSpec', () => {
    it('renders a custom Vega-Lite chart with inline data', async () => {
      const res = await plotSpec(join(dir, 'points.svg'), {
        data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }, { x: 3, y: 1 }] },
        mark: 'point',
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      });
      expect(res.marks).to.equal(3);
      expect(markElements(await readFile(res.path, 'utf8'), 'symbol', 'path')).to.equal(3);
    });

    it('never loads data: a URL or a file is refused', async () => {
      for (const url of ['https://example.com/data.csv', 'file:///etc/hostname', 'data.json']) {
        const spec = { data: { url }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } } as const;
        await rejects(() => plotSpec(join(dir, 'url.svg'), spec), InputDataError, {
          message: /^plotSpec: the chart could not be drawn: Loading failed/,
          fix: /^Embed the data as values \(plots never load files or URLs\)/,
        }, url);
      }
    });

    it('reports specifications Vega-Lite rejects', async () => {
      await rejects(() => plotSpec(join(dir, 'bad.svg'), { data: { values: [] }, mark: 'nonsense' } as never), InputDataError, { message: /^plotSpec: Vega-Lite rejected the chart/ });
    });
  });

  describe('PNG output', () => {
    it('writes a PNG with the signature and the IHDR size width·scale × height·scale', async () => {
      const res = await plotRaster(join(dir, 'raster.png'), spikes, { width: 400, height: 200, scale: 2 });
      expect(res.format).to.equal('png');
      const buf = await readFile(res.path);
      expect(Array.from(buf.subarray(0, 8))).to.deep.equal(PNG_SIGNATURE);
      expect(buf.toString('latin1', 12, 16)).to.equal('IHDR');
      expect([buf.readUInt32BE(16), buf.readUInt32BE(20)]).to.deep.equal([800, 400]);
      expect([res.width, res.height]).to.deep.equal([800, 400]);
    });

    it('renders text (the title) with the available fonts', async () => {
      const titled = readPng(await readFile((await plotPSTH(join(dir, 'titled.png'), spikes, { bin: 0.1, title: 'Population PSTH' })).path));
      const plain = readPng(await readFile((await plotPSTH(join(dir, 'plain.png'), spikes, { bin: 0.1 })).path));
      expect([titled.width, titled.height]).to.deep.equal([640, 320]);
      // The title is centred in the top 20 px; without it that strip holds only bars and grid lines.
      expect(darkPixels(titled, 200, 440, 0, 20)).to.be.above(30);
      expect(darkPixels(plain, 200, 440, 0, 20)).to.be.below(5);
    });

    it('creates missing folders and refuses other extensions', async () => {
      const res = await plotTraces(join(dir, 'a', 'b', 'c.png'), [1, 2, 3]);
      expect((await readFile(res.path)).subarray(0, 8)).to.deep.equal(Buffer.from(PNG_SIGNATURE));
      await rejects(() => plotTraces(join(dir, 'x.jpg'), [1, 2, 3]), InputDataError, { message: /^plotTraces: '.*x\.jpg' ends in '\.jpg', an unsupported format\. End the path in '\.svg' or '\.png'\.$/ });
    });
  });
});
