/**
 * Plots written straight to files: voltage traces, spike rasters, PSTHs and
 * heatmaps. Each plot is a Vega-Lite specification compiled to Vega and
 * rendered headless to SVG (Vega `View`, renderer 'none'); a path ending in
 * `.png` is rasterised from that SVG with resvg. Data is embedded in the
 * specification and the Vega loader refuses every request, so plotting never
 * touches the network or other files.
 *
 * Vega, Vega-Lite and resvg are loaded on the first plot, so importing the
 * package stays fast and never fails because of them.
 */
import { checkOptions, keysOnly } from '../options.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import type { Loader, LoggerInterface } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { InputDataError, describeValue } from '../errors.js';
import {
  isSpikeEvents,
  isTraceLike,
  psth as computePsth,
  recordingMatrix,
  spikeEvents,
  type Psth,
  type Samples,
  type SpikeEventsLike,
  type TraceLike,
} from './analysis.js';
import { count, positive, samples } from './check.js';

/** The keys each options object may hold (values are checked where they are used). */
const HEATMAP_KEYS = keysOnly('title', 'width', 'height', 'scale', 'background', 'xLabel', 'yLabel', 'font', 'fontFiles', 'dt', 'maxTimeBins', 'maxUnitBins', 'scheme', 'legendTitle');
const SWEEP_KEYS = keysOnly('title', 'width', 'height', 'scale', 'background', 'xLabel', 'yLabel', 'font', 'fontFiles', 'x', 'y', 'value', 'scheme');
const PLOT_KEYS = keysOnly('title', 'width', 'height', 'scale', 'background', 'xLabel', 'yLabel', 'font', 'fontFiles');
const PSTH_PLOT_KEYS = keysOnly('title', 'width', 'height', 'scale', 'background', 'xLabel', 'yLabel', 'font', 'fontFiles', 'bin', 'dt', 'num', 'duration');
const RASTER_KEYS = keysOnly('title', 'width', 'height', 'scale', 'background', 'xLabel', 'yLabel', 'font', 'fontFiles', 'dt', 'num', 'duration', 'maxEvents');
const TRACE_KEYS = keysOnly('title', 'width', 'height', 'scale', 'background', 'xLabel', 'yLabel', 'font', 'fontFiles', 'dt', 'units', 'labels', 'maxPoints');
const PANEL_KEYS = keysOnly('traces', 'yLabel', 'units', 'labels');

/** Options every plot takes. */
export interface PlotOptions {
  /** A title above the chart. */
  title?: string;
  /** The width of the whole image in CSS pixels, axes and legend included (default 640). */
  width?: number;
  /** The height of the whole image in CSS pixels (default 320). */
  height?: number;
  /** Pixels per CSS pixel in a PNG (default 1; 2 for high-DPI). */
  scale?: number;
  /** The background colour (default 'white'). */
  background?: string;
  /** The label of the horizontal axis. */
  xLabel?: string;
  /** The label of the vertical axis. */
  yLabel?: string;
  /**
   * The CSS font-family list for all text (default
   * 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif').
   */
  font?: string;
  /** Extra font files for PNG rendering, for machines without system fonts. */
  fontFiles?: string[];
}

/** What a plot wrote. */
export interface PlotResult {
  /** The absolute path of the file. */
  readonly path: string;
  /** 'svg' or 'png', from the file extension. */
  readonly format: 'svg' | 'png';
  /** How many data marks were drawn: lines (traces), ticks (raster), bars (PSTH) or cells (heatmap). */
  readonly marks: number;
  /** The image width in pixels (CSS pixels × scale for PNG). */
  readonly width: number;
  /** The image height in pixels. */
  readonly height: number;
  /** The size of the file in bytes. */
  readonly bytes: number;
}

const DEFAULT_FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

interface Common {
  format: 'svg' | 'png';
  width: number;
  height: number;
  scale: number;
}

function common(where: string, path: string, o: PlotOptions | undefined): Common {
  if (typeof path !== 'string' || path.length === 0) {
    throw new InputDataError(where, `path is ${describeValue(path)}.`, "Pass a file path ending in '.svg' or '.png'.");
  }
  const ext = extname(path).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') {
    throw new InputDataError(where, `'${path}' ends in '${ext}', an unsupported format.`, "End the path in '.svg' or '.png'.");
  }
  const width = o?.width === undefined ? 640 : positive(where, 'width', o.width, 'pixels');
  const height = o?.height === undefined ? 320 : positive(where, 'height', o.height, 'pixels');
  const scale = o?.scale === undefined ? 1 : positive(where, 'scale', o.scale);
  return { format: ext === '.png' ? 'png' : 'svg', width, height, scale };
}

/** Vega's loader, refusing everything: the data is inline, nothing is fetched. */
function offlineLoader(): Loader {
  const refuse = (uri: unknown): Promise<never> => Promise.reject(new Error(`refused to load ${String(uri)}`));
  return { load: refuse, sanitize: refuse, http: refuse, file: refuse };
}

/** A Vega logger that stays quiet and keeps the failures to load data, which Vega only warns about. */
function quietLogger(failures: string[]): LoggerInterface {
  let level = 0;
  const keep = (args: unknown[]): void => {
    const text = args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
    if (/^(Loading failed|Data ingestion failed)/.test(text)) failures.push(text);
  };
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: unknown[]) {
      failures.push(args.map(String).join(' '));
      return logger;
    },
    warn(...args: unknown[]) {
      keep(args);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger as unknown as LoggerInterface;
}

interface SceneNode {
  marktype?: string;
  role?: string;
  items?: SceneNode[];
}

/** Counts the drawn data marks (role 'mark'), descending into groups such as line facets. */
function countMarks(node: SceneNode | undefined): number {
  if (!node) return 0;
  let n = 0;
  if (node.marktype && node.marktype !== 'group' && node.role === 'mark') {
    const items = node.items?.length ?? 0;
    // A line or area mark draws all its items as one path.
    n += node.marktype === 'line' || node.marktype === 'area' || node.marktype === 'trail' ? Math.min(items, 1) : items;
  }
  for (const item of node.items ?? []) {
    for (const child of item.items ?? []) n += countMarks(child);
  }
  return n;
}

/** A chart drawn to SVG, not yet written. */
interface Drawn {
  svg: string;
  marks: number;
  /** The SVG's size in CSS pixels. */
  width: number;
  height: number;
}

/**
 * Compiles and draws a chart to SVG. `fit`: the image is exactly width ×
 * height, axes and legend inside (one view or layers); `pad`: the views keep
 * the sizes the specification gives them and the image grows around them
 * (concatenated views, which Vega-Lite cannot fit).
 */
async function draw(where: string, spec: TopLevelSpec, c: Common, o: PlotOptions | undefined, layout: 'fit' | 'pad' = 'fit'): Promise<Drawn> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const full = {
    ...spec,
    ...(layout === 'fit' ? { width: c.width, height: c.height, autosize: { type: 'fit', contains: 'padding' } } : { autosize: { type: 'pad', contains: 'padding' } }),
    background: o?.background ?? 'white',
    ...(o?.title ? { title: o.title } : {}),
    config: { font: o?.font ?? DEFAULT_FONT, ...(spec as { config?: object }).config },
  } as TopLevelSpec;
  let runtime: ReturnType<typeof vega.parse>;
  try {
    runtime = vega.parse(vl.compile(full).spec);
  } catch (e) {
    throw new InputDataError(where, `Vega-Lite rejected the chart: ${(e as Error).message}`, 'Check the specification against the Vega-Lite documentation.', { cause: e });
  }
  const failures: string[] = [];
  const view = new vega.View(runtime, { renderer: 'none', loader: offlineLoader(), logger: quietLogger(failures) });
  let svg: string;
  let marks: number;
  try {
    await view.runAsync();
    if (failures.length) {
      throw new InputDataError(where, `the chart could not be drawn: ${failures.join('; ')}.`, 'Embed the data as values (plots never load files or URLs) and check the specification.');
    }
    svg = await view.toSVG();
    marks = countMarks((view.scenegraph() as unknown as { root: SceneNode }).root);
  } finally {
    view.finalize();
  }
  const size = /^<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"/.exec(svg);
  return { svg, marks, width: size ? Number(size[1]) : c.width, height: size ? Number(size[2]) : c.height };
}

/** Writes a drawn chart as SVG, or as PNG through resvg. */
async function write(path: string, drawn: Drawn, c: Common, o: PlotOptions | undefined): Promise<PlotResult> {
  const { svg, marks } = drawn;
  const out = resolve(path);
  await mkdir(dirname(out), { recursive: true });
  let bytes: Uint8Array | string = svg;
  let width = drawn.width;
  let height = drawn.height;
  if (c.format === 'png') {
    const resvg = (await import('@resvg/resvg-js')) as typeof import('@resvg/resvg-js') & { default?: typeof import('@resvg/resvg-js') };
    const renderAsync = resvg.renderAsync ?? resvg.default?.renderAsync;
    const image = await renderAsync(svg, {
      fitTo: { mode: 'zoom', value: c.scale },
      font: { loadSystemFonts: true, fontFiles: o?.fontFiles ?? [] },
      background: o?.background ?? 'white',
    });
    bytes = image.asPng();
    width = image.width;
    height = image.height;
  }
  await writeFile(out, bytes);
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  return { path: out, format: c.format, marks, width, height, bytes: size };
}

async function render(where: string, path: string, spec: TopLevelSpec, c: Common, o: PlotOptions | undefined): Promise<PlotResult> {
  return write(path, await draw(where, spec, c, o), c, o);
}

/**
 * Reduces a series to at most `max` points by keeping the minimum and the
 * maximum of each of max/2 equal buckets, in time order, so that spikes and
 * other extremes stay visible.
 * @param v - the values
 * @param max - the most points to keep (≥ 2)
 * @returns the indices kept, increasing
 * @throws {@link InputDataError} when v is not an array or max is below 2
 */
export function downsampleMinMax(v: Samples, max: number): Int32Array {
  samples('downsampleMinMax', 'v', v, false);
  if (!Number.isInteger(max) || max < 2) {
    throw new InputDataError('downsampleMinMax', `max is ${describeValue(max)}.`, 'Pass a whole number of points ≥ 2.');
  }
  const n = v.length;
  if (n <= max) return Int32Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor(max / 2));
  const keep: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    let iMin = lo;
    let iMax = lo;
    for (let i = lo + 1; i < hi; i++) {
      if (v[i] < v[iMin]) iMin = i;
      if (v[i] > v[iMax]) iMax = i;
    }
    if (iMin === iMax) keep.push(iMin);
    else keep.push(Math.min(iMin, iMax), Math.max(iMin, iMax));
  }
  return Int32Array.from(keep);
}

/** What {@link plotTraces} draws in one panel: a recording, one trace, a list of traces, or a record of named traces. */
export type TraceInput = TraceLike | Samples | readonly Samples[] | Readonly<Record<string, Samples>>;

/** One panel of a {@link plotTraces} chart with several: its traces and its own y axis. */
export interface TracePanel {
  /** The panel's traces. */
  traces: TraceInput;
  /** The label of its y axis (default: the recording's variable and unit, else 'value'). */
  yLabel?: string;
  /** Which columns of a recording to draw (default: the first 10). */
  units?: readonly number[];
  /** Legend labels, one per trace (default 'unit i', or the keys of a record). */
  labels?: readonly string[];
}

/** Options of {@link plotTraces}. */
export interface TraceOptions extends PlotOptions {
  /** Seconds between samples (default: the recording's dt·rate; else the axis counts steps). */
  dt?: number;
  /** Which columns of a recording to draw (default: the first 10). With panels, give them per panel. */
  units?: readonly number[];
  /** Legend labels, one per trace (default 'unit i', or the keys of a record). With panels, give them per panel. */
  labels?: readonly string[];
  /** The most points drawn per trace (default 5,000). */
  maxPoints?: number;
}

/** A recording that may say what it holds: `Recording` has `variable`; a unit may come with it. */
type Described = TraceLike & { readonly variable?: unknown; readonly unit?: unknown };

/**
 * The y label a recording implies: its variable, with its unit in
 * parentheses when it has one (`v (mV)`); undefined for other traces.
 */
function labelOf(traces: unknown): string | undefined {
  if (!isTraceLike(traces)) return undefined;
  const { variable, unit } = traces as Described;
  if (typeof variable !== 'string' || variable.length === 0) return undefined;
  return typeof unit === 'string' && unit.length > 0 ? `${variable} (${unit})` : variable;
}

/** The series of one panel, with the interval between samples when known. */
function seriesOf(where: string, name: string, traces: TraceInput, units: readonly number[] | undefined, labels: readonly string[] | undefined, dtOption: number | undefined) {
  const series: { label: string; values: Samples }[] = [];
  let dt = dtOption;
  if (isTraceLike(traces)) {
    const { data, rows, cols, interval } = recordingMatrix(where, traces);
    for (const u of units ?? Array.from({ length: Math.min(cols, 10) }, (_, i) => i)) {
      if (!Number.isInteger(u) || u < 0 || u >= cols) {
        throw new InputDataError(where, `unit ${describeValue(u)} is out of range.`, `Pass units between 0 and ${cols - 1}.`);
      }
      const col = new Float64Array(rows);
      for (let t = 0; t < rows; t++) col[t] = data[t * cols + u];
      series.push({ label: `unit ${u}`, values: col });
    }
    if (dt === undefined && traces.dt !== undefined) dt = interval;
  } else if (Array.isArray(traces) && traces.length > 0 && typeof traces[0] !== 'number') {
    (traces as readonly Samples[]).forEach((t, i) => series.push({ label: `trace ${i}`, values: samples(where, `${name}[${i}]`, t, false) }));
  } else if (Array.isArray(traces) || ArrayBuffer.isView(traces)) {
    series.push({ label: 'trace', values: samples(where, name, traces as Samples, false) });
  } else if (traces !== null && typeof traces === 'object') {
    for (const [k, t] of Object.entries(traces as Record<string, Samples>)) series.push({ label: k, values: samples(where, `${name}.${k}`, t, false) });
  } else {
    throw new InputDataError(where, `${name} is ${describeValue(traces)}.`, 'Pass a recording, an array of numbers, a list of arrays or a record of named arrays.');
  }
  if (labels) {
    if (labels.length !== series.length) {
      throw new InputDataError(where, `${labels.length} labels for ${series.length} traces${name === 'traces' ? '' : ` in ${name.replace(/\.traces$/, '')}`}.`, 'Pass one label per trace.');
    }
    series.forEach((s, i) => (s.label = String(labels[i])));
  }
  return { series, dt };
}

/** True for a list of panels: an array of plain objects that each have `traces`. */
function isPanelList(x: unknown): x is readonly TracePanel[] {
  return Array.isArray(x) && x.length > 0 && x.every((p) => p !== null && typeof p === 'object' && !Array.isArray(p) && !ArrayBuffer.isView(p) && 'traces' in p);
}

/** The points of a panel's line marks, downsampled. */
function points(series: { label: string; values: Samples }[], step: number, maxPoints: number) {
  const values: { t: number; v: number; s: string }[] = [];
  for (const s of series) {
    for (const i of downsampleMinMax(s.values, maxPoints)) {
      const v = s.values[i];
      if (Number.isFinite(v)) values.push({ t: i * step, v, s: s.label });
    }
  }
  return values;
}

/** The colour channel of a panel: one colour per series, a legend only when there are several. */
const colour = (series: { label: string }[]) => ({
  field: 's',
  type: 'nominal',
  title: null,
  sort: series.map((s) => s.label),
  legend: series.length > 1 ? {} : null,
});

/**
 * Plots traces (e.g. membrane voltage) against time, one coloured line per
 * trace with a legend when there are several. The y axis is labelled with
 * the recording's variable (and unit, when the recording has one), else
 * 'value'. Traces longer than `maxPoints` (default 5,000) are downsampled by
 * keeping each bucket's minimum and maximum, so SVGs stay small and spikes
 * stay visible.
 *
 * Quantities of different units go in separate panels: pass a list of
 * {@link TracePanel}s, `[{ traces, yLabel?, units?, labels? }, …]`, and they
 * are stacked top to bottom, each with its own y axis and label, on one
 * shared time axis; the image is then about `width × height`, split evenly
 * between the panels.
 * @param path - the file to write, ending in '.svg' or '.png'
 * @param traces - a recording (steps × num), one trace, a list of traces, a
 *   record of named traces, or a list of panels
 * @param options - units, labels, dt, size, title, axis labels
 * @returns the path written and the number of lines drawn
 * @throws {@link InputDataError} on a bad path, malformed traces, a unit out
 *   of range, an invalid option, or panels that mix steps and seconds
 * @example
 * ```ts
 * await plotTraces('out/v.png', iaf.recorder.get('v'), { units: [0, 5, 9], dt: 1e-4 });
 * await plotTraces('out/chain.svg', [
 *   { traces: iaf.recorder.get('v'), yLabel: 'IAF v' },
 *   { traces: syn.recorder.get('g'), yLabel: 'Alpha g' },
 *   { traces: hh.recorder.get('v'), yLabel: 'HH v (mV)' },
 * ]);
 * ```
 */
export async function plotTraces(path: string, traces: TraceInput | readonly TracePanel[], options?: TraceOptions): Promise<PlotResult> {
  checkOptions('plotTraces', options, TRACE_KEYS);
  const where = 'plotTraces';
  const c = common(where, path, options);
  const maxPoints = options?.maxPoints === undefined ? 5000 : count(where, 'maxPoints', options.maxPoints);
  if (maxPoints < 2) throw new InputDataError(where, `maxPoints is ${maxPoints}.`, 'Pass maxPoints ≥ 2.');
  const dtOption = options?.dt === undefined ? undefined : positive(where, 'dt', options.dt, 'seconds');
  if (isPanelList(traces)) return plotPanels(path, traces, options, c, maxPoints, dtOption);
  const { series, dt } = seriesOf(where, 'traces', traces as TraceInput, options?.units, options?.labels, dtOption);
  const spec = {
    data: { values: points(series, dt ?? 1, maxPoints) },
    mark: { type: 'line', strokeWidth: 1, clip: true },
    encoding: {
      x: { field: 't', type: 'quantitative', title: options?.xLabel ?? (dt === undefined ? 'step' : 'time (s)') },
      y: { field: 'v', type: 'quantitative', title: options?.yLabel ?? labelOf(traces) ?? 'value', scale: { zero: false } },
      color: colour(series),
    },
  } as unknown as TopLevelSpec;
  return render(where, path, spec, c, options);
}

/** plotTraces with panels: a vertical concatenation of line charts on one time axis. */
async function plotPanels(path: string, panels: readonly TracePanel[], options: TraceOptions | undefined, c: Common, maxPoints: number, dtOption: number | undefined): Promise<PlotResult> {
  const where = 'plotTraces';
  for (const key of ['units', 'labels', 'yLabel'] as const) {
    if (options?.[key] !== undefined) {
      throw new InputDataError(where, `options.${key} is given with ${panels.length} panels.`, `Give ${key} to each panel: [{ traces, ${key} }, …].`);
    }
  }
  const drawn = panels.map((p, k) => {
    const name = `traces[${k}]`;
    checkOptions(`${where} ${name}`, p, PANEL_KEYS);
    const { series, dt } = seriesOf(where, `${name}.traces`, p.traces, p.units, p.labels, dtOption);
    if (p.yLabel !== undefined && typeof p.yLabel !== 'string') throw new InputDataError(where, `${name}.yLabel is ${describeValue(p.yLabel)}.`, 'Give the label as a string.');
    return { series, dt, yLabel: p.yLabel ?? labelOf(p.traces) ?? 'value' };
  });
  const timed = drawn.filter((d) => d.dt !== undefined).length;
  if (timed !== 0 && timed !== drawn.length) {
    const untimed = drawn.findIndex((d) => d.dt === undefined);
    throw new InputDataError(where, `traces[${untimed}] has no time step while other panels are in seconds.`, 'Pass dt in the options, or recordings that know their dt, for every panel.');
  }
  const end = Math.max(1e-300, ...drawn.map((d) => (Math.max(...d.series.map((s) => s.values.length), 1) - 1) * (d.dt ?? 1)));
  const xTitle = options?.xLabel ?? (timed ? 'time (s)' : 'step');
  // The views' heights: `total` pixels split as evenly as whole pixels allow.
  const heights = (total: number) => drawn.map((_, k) => Math.floor(total / drawn.length) + (k < total % drawn.length ? 1 : 0));
  const spec = (width: number, total: number) => ({
    spacing: 6,
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    vconcat: drawn.map((d, k) => {
      const last = k === drawn.length - 1;
      return {
        width,
        height: heights(total)[k],
        data: { values: points(d.series, d.dt ?? 1, maxPoints) },
        mark: { type: 'line', strokeWidth: 1, clip: true },
        encoding: {
          x: { field: 't', type: 'quantitative', title: last ? xTitle : null, scale: { domain: [0, end], nice: false }, axis: last ? {} : { labels: false, ticks: false } },
          y: { field: 'v', type: 'quantitative', title: d.yLabel, scale: { zero: false } },
          color: colour(d.series),
        },
      };
    }),
  }) as unknown as TopLevelSpec;
  // Concatenated views cannot be fitted to a size: draw with a guess for the
  // views' size, then correct it by what the axes and legends took (a pass
  // or two more, as tick labels may change with the size).
  let width = Math.max(20, Math.round(c.width - 100));
  let total = Math.max(10 * drawn.length, Math.round(c.height - 50 - 6 * drawn.length));
  let result = await draw(where, spec(width, total), c, options, 'pad');
  for (let pass = 0; pass < 3 && (result.width !== c.width || result.height !== c.height); pass++) {
    width = Math.max(20, Math.round(width + c.width - result.width));
    total = Math.max(10 * drawn.length, Math.round(total + c.height - result.height));
    result = await draw(where, spec(width, total), c, options, 'pad');
  }
  return write(path, result, c, options);
}

/** Options of {@link plotRaster}. */
export interface RasterOptions extends PlotOptions {
  /** Seconds between rows of a recording (default: its dt·rate; else steps). */
  dt?: number;
  /** The number of units, when spike events do not say (default: the largest unit + 1). */
  num?: number;
  /** The length of the time axis, when spike events do not say. */
  duration?: number;
  /** The most spikes drawn before refusing (default 50,000; about 90 bytes of SVG each). */
  maxEvents?: number;
}

/**
 * Plots a spike raster: one short vertical tick per spike, time across and
 * unit up.
 * @param path - the file to write, ending in '.svg' or '.png'
 * @param spikes - spike events, a (steps × num) 0/1 recording, or a list of
 *   per-unit spike-time arrays
 * @param options - dt, num, duration, size, title, axis labels, maxEvents
 * @returns the path written and the number of ticks drawn (= spikes)
 * @throws {@link InputDataError} on a bad path, malformed spikes, or more
 *   spikes than `maxEvents`
 * @example
 * ```ts
 * await plotRaster('out/raster.svg', iaf.recorder.get('spike'), { dt: 1e-4 });
 * ```
 */
export async function plotRaster(
  path: string,
  spikes: SpikeEventsLike | TraceLike | readonly Samples[],
  options?: RasterOptions,
): Promise<PlotResult> {
  checkOptions('plotRaster', options, RASTER_KEYS);
  const where = 'plotRaster';
  const c = common(where, path, options);
  const maxEvents = options?.maxEvents === undefined ? 50000 : count(where, 'maxEvents', options.maxEvents);
  let times: Samples;
  let units: Samples;
  let num: number | undefined = options?.num;
  let duration: number | undefined = options?.duration;
  let timed = options?.dt !== undefined;
  if (isSpikeEvents(spikes)) {
    times = samples(where, 'spikes.times', spikes.times);
    units = samples(where, 'spikes.units', spikes.units);
    if (times.length !== units.length) {
      throw new InputDataError(where, `spikes.times has ${times.length} entries but spikes.units has ${units.length}.`, 'Give every spike one time and one unit.');
    }
    num ??= spikes.num;
    duration ??= spikes.duration;
    timed = true;
  } else if (isTraceLike(spikes)) {
    const ev = spikeEvents(spikes, { dt: options?.dt });
    ({ times, units } = ev);
    num ??= ev.num;
    duration ??= ev.duration;
    timed ||= spikes.dt !== undefined;
  } else if (Array.isArray(spikes)) {
    const t: number[] = [];
    const u: number[] = [];
    (spikes as readonly Samples[]).forEach((train, i) => {
      const ts = samples(where, `spikes[${i}]`, train);
      for (let k = 0; k < ts.length; k++) {
        t.push(ts[k]);
        u.push(i);
      }
    });
    times = t;
    units = u;
    num ??= spikes.length;
    timed = true;
  } else {
    throw new InputDataError(where, `spikes is ${describeValue(spikes)}.`, 'Pass spike events, a 0/1 recording or a list of spike-time arrays.');
  }
  if (times.length > maxEvents) {
    throw new InputDataError(where, `${times.length} spikes exceed maxEvents = ${maxEvents}.`, 'Plot fewer units or a shorter window, or raise maxEvents.');
  }
  let top = 0;
  for (let k = 0; k < units.length; k++) top = Math.max(top, units[k] + 1);
  const n = num ?? top;
  const values = Array.from({ length: times.length }, (_, k) => ({ t: times[k], lo: units[k] - 0.4, hi: units[k] + 0.4 }));
  const spec = {
    data: { values },
    mark: { type: 'rule', strokeWidth: 1, clip: true },
    encoding: {
      x: {
        field: 't',
        type: 'quantitative',
        title: options?.xLabel ?? (timed ? 'time (s)' : 'step'),
        scale: duration !== undefined ? { domain: [0, duration], nice: false } : {},
      },
      y: {
        field: 'lo',
        type: 'quantitative',
        title: options?.yLabel ?? 'unit',
        scale: { domain: [-0.5, Math.max(n, 1) - 0.5], nice: false, zero: false },
        axis: { tickMinStep: 1, format: 'd' },
      },
      y2: { field: 'hi' },
      color: { value: 'black' },
    },
  } as unknown as TopLevelSpec;
  return render(where, path, spec, c, options);
}

/** Options of {@link plotPSTH}. */
export interface PsthPlotOptions extends PlotOptions {
  /** The bin width, needed unless a computed {@link Psth} is passed. */
  bin?: number;
  /** Seconds between rows of a recording (default: its dt·rate; else steps). */
  dt?: number;
  /** The number of units, when spike events do not say. */
  num?: number;
  /** The observation length, when spike events do not say. */
  duration?: number;
}

/**
 * Plots a peri-stimulus time histogram as bars, one per bin, of the mean
 * rate per unit.
 * @param path - the file to write, ending in '.svg' or '.png'
 * @param x - a result of `psth`, or spikes to bin (a 0/1 recording, one
 *   0/1 train, or spike events) with `options.bin`
 * @param options - bin, dt, num, duration, size, title, axis labels
 * @returns the path written and the number of bars drawn (= bins)
 * @throws {@link InputDataError} on a bad path, or spikes without a valid bin
 */
export async function plotPSTH(path: string, x: Psth | TraceLike | Samples | SpikeEventsLike, options?: PsthPlotOptions): Promise<PlotResult> {
  checkOptions('plotPSTH', options, PSTH_PLOT_KEYS);
  const where = 'plotPSTH';
  const c = common(where, path, options);
  const isPsth = (v: unknown): v is Psth => v !== null && typeof v === 'object' && 'edges' in v && 'rates' in v;
  let h: Psth;
  let timed = true;
  if (isPsth(x)) h = x;
  else {
    if (options?.bin === undefined) throw new InputDataError(where, 'bin is not given.', 'Pass the bin width, e.g. { bin: 0.01 } for 10 ms with dt in seconds.');
    h = computePsth(x, { bin: options.bin, dt: options.dt, num: options.num, duration: options.duration });
    timed = isSpikeEvents(x) || options.dt !== undefined || (isTraceLike(x) && x.dt !== undefined);
  }
  const values = Array.from({ length: h.rates.length }, (_, b) => ({ t0: h.edges[b], t1: h.edges[b + 1], r: h.rates[b] }));
  const spec = {
    data: { values },
    mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: { field: 't0', type: 'quantitative', title: options?.xLabel ?? (timed ? 'time (s)' : 'step'), scale: { nice: false } },
      x2: { field: 't1' },
      y: { field: 'r', type: 'quantitative', title: options?.yLabel ?? (timed ? 'rate (Hz)' : 'spikes per step'), scale: { zero: true } },
      y2: { datum: 0 },
      color: { value: '#4c78a8' },
    },
  } as unknown as TopLevelSpec;
  return render(where, path, spec, c, options);
}

/** Options of {@link plotHeatmap}. */
export interface HeatmapOptions extends PlotOptions {
  /** Seconds between rows (default: the recording's dt·rate; else steps). */
  dt?: number;
  /** The most time bins drawn (default 300); rows are averaged in blocks beyond that. */
  maxTimeBins?: number;
  /** The most unit bins drawn (default 100); columns are averaged in blocks beyond that. */
  maxUnitBins?: number;
  /** A Vega colour scheme name (default 'viridis'). */
  scheme?: string;
  /** The title of the colour legend (default: the recording's variable and unit, else 'value'). */
  legendTitle?: string;
}

/**
 * Plots a (steps × num) recording as a heatmap: time across, unit up, value
 * as colour, the legend titled with the recording's variable (and unit).
 * Large recordings are reduced by averaging blocks of rows and columns to at
 * most `maxTimeBins` × `maxUnitBins` cells (default 300 × 100), so SVGs stay
 * small; each cell shows its block's mean. Cells overlap the ones drawn
 * after them, so there are no seams between cells.
 * @param path - the file to write, ending in '.svg' or '.png'
 * @param matrix - the recording
 * @param options - dt, bin limits, colour scheme, size, title, axis labels
 * @returns the path written and the number of cells drawn
 * @throws {@link InputDataError} on a bad path or a malformed recording
 */
export async function plotHeatmap(path: string, matrix: TraceLike, options?: HeatmapOptions): Promise<PlotResult> {
  checkOptions('plotHeatmap', options, HEATMAP_KEYS);
  const where = 'plotHeatmap';
  const c = common(where, path, options);
  const { data, rows, cols, interval } = recordingMatrix(where, matrix, options?.dt);
  const maxT = options?.maxTimeBins === undefined ? 300 : count(where, 'maxTimeBins', options.maxTimeBins);
  const maxU = options?.maxUnitBins === undefined ? 100 : count(where, 'maxUnitBins', options.maxUnitBins);
  if (maxT < 1 || maxU < 1) throw new InputDataError(where, 'maxTimeBins and maxUnitBins must be ≥ 1.', 'Pass positive bin limits.');
  const dt = options?.dt !== undefined || matrix.dt !== undefined ? interval : undefined;
  const step = dt ?? 1;
  const tb = Math.min(rows, maxT);
  const ub = Math.min(cols, maxU);
  const values: { t0: number; t1: number; u0: number; u1: number; v: number }[] = [];
  for (let a = 0; a < tb; a++) {
    const r0 = Math.floor((a * rows) / tb);
    const r1 = Math.floor(((a + 1) * rows) / tb);
    for (let b = 0; b < ub; b++) {
      const c0 = Math.floor((b * cols) / ub);
      const c1 = Math.floor(((b + 1) * cols) / ub);
      let sum = 0;
      let n = 0;
      for (let r = r0; r < r1; r++) {
        for (let k = c0; k < c1; k++) {
          const v = data[r * cols + k];
          if (Number.isFinite(v)) {
            sum += v;
            n++;
          }
        }
      }
      // Each cell reaches one cell further right and up, under the cells
      // drawn after it (they follow in time, then unit order), and the plot
      // area clips the last ones: a pixel on the edge between two cells is
      // then covered by the first and blended with the second, instead of
      // letting the background through as two abutting anti-aliased edges do.
      values.push({ t0: r0 * step, t1: (2 * r1 - r0) * step, u0: c0 - 0.5, u1: 2 * c1 - c0 - 0.5, v: n ? sum / n : NaN });
    }
  }
  const scheme = options?.scheme ?? 'viridis';
  const spec = {
    data: { values },
    mark: { type: 'rect', clip: true },
    encoding: {
      x: { field: 't0', type: 'quantitative', title: options?.xLabel ?? (dt === undefined ? 'step' : 'time (s)'), scale: { nice: false, domain: [0, rows * step] } },
      x2: { field: 't1' },
      y: { field: 'u0', type: 'quantitative', title: options?.yLabel ?? 'unit', scale: { nice: false, zero: false, domain: [-0.5, Math.max(cols, 1) - 0.5] }, axis: { tickMinStep: 1, format: 'd' } },
      y2: { field: 'u1' },
      color: { field: 'v', type: 'quantitative', title: options?.legendTitle ?? labelOf(matrix) ?? 'value', scale: { scheme } },
    },
  } as unknown as TopLevelSpec;
  return render(where, path, spec, c, options);
}

/** Options of {@link plotSweep}. */
export interface SweepPlotOptions extends PlotOptions {
  /** The column across (a parameter). */
  x: string;
  /** The column up (a parameter). */
  y: string;
  /** The column shown as colour (a metric); rows with the same x and y (seeds) are averaged. */
  value: string;
  /** A Vega colour scheme name (default 'viridis'). */
  scheme?: string;
}

/**
 * Plots a sweep's table (see `sweep`) as a heatmap: one cell per pair of
 * values of two parameters, its colour the mean of a metric over the rows
 * that have them (e.g. over seeds). The axes list the values swept.
 * @param path - the file to write, ending in '.svg' or '.png'
 * @param table - columns by name (a `SweepTable`, or any table of equal-length columns)
 * @param options - the columns `x`, `y` and `value`; size, title, labels, colour scheme
 * @returns the path written and the number of cells drawn
 * @throws {@link InputDataError} for a column the table lacks, or columns of unequal length
 * @example await utils.plotSweep('out/rates.png', table, { x: 'I', y: 'sigma', value: 'rate' });
 */
export async function plotSweep(path: string, table: { columns: Readonly<Record<string, ArrayLike<number>>> }, options: SweepPlotOptions): Promise<PlotResult> {
  const where = 'plotSweep';
  checkOptions(where, options, SWEEP_KEYS);
  const c = common(where, path, options);
  const columns = table?.columns ?? {};
  const column = (key: 'x' | 'y' | 'value') => {
    const name = options?.[key];
    const col = typeof name === 'string' && Object.hasOwn(columns, name) ? columns[name] : undefined;
    if (!col) throw new InputDataError(`${where}: ${key}`, `${describeValue(name)} is not a column of the table.`, `Name one of: ${Object.keys(columns).join(', ') || '(none)'}.`);
    return col;
  };
  const [x, y, v] = [column('x'), column('y'), column('value')];
  if (x.length !== y.length || x.length !== v.length) throw new InputDataError(where, `the columns have ${x.length}, ${y.length} and ${v.length} rows.`, 'Give columns of one table.');
  // The mean of the metric over the rows of each cell.
  const cells = new Map<string, { x: number; y: number; sum: number; n: number }>();
  for (let r = 0; r < x.length; r++) {
    const key = `${x[r]} ${y[r]}`;
    const cell = cells.get(key) ?? cells.set(key, { x: x[r], y: y[r], sum: 0, n: 0 }).get(key)!;
    cell.sum += v[r];
    cell.n++;
  }
  const values = [...cells.values()].map((cell) => ({ x: cell.x, y: cell.y, v: cell.sum / cell.n }));
  const order = (a: number, b: number) => a - b;
  const spec = {
    data: { values },
    mark: 'rect',
    encoding: {
      x: { field: 'x', type: 'ordinal', title: options.xLabel ?? options.x, sort: [...new Set(values.map((d) => d.x))].sort(order) },
      y: { field: 'y', type: 'ordinal', title: options.yLabel ?? options.y, sort: [...new Set(values.map((d) => d.y))].sort((a, b) => b - a) },
      color: { field: 'v', type: 'quantitative', title: options.value, scale: { scheme: options.scheme ?? 'viridis' } },
    },
  } as unknown as TopLevelSpec;
  return render(where, path, spec, c, options);
}

/**
 * Renders any Vega-Lite specification through the same headless pipeline as
 * the other plots (size, title, fonts and PNG output included), for charts
 * this module does not provide. Data must be inline (`data: { values }`):
 * URLs and files are refused.
 * @param path - the file to write, ending in '.svg' or '.png'
 * @param spec - a Vega-Lite specification; width, height and autosize are set from the options
 * @param options - size, scale, title, background, fonts
 * @returns the path written and the number of data marks drawn
 * @throws {@link InputDataError} on a bad path, or a specification that tries to load data
 * @example
 * ```ts
 * await plotSpec('out/scatter.svg', {
 *   data: { values: rates.map((r, i) => ({ i, r })) },
 *   mark: 'point',
 *   encoding: { x: { field: 'i', type: 'quantitative' }, y: { field: 'r', type: 'quantitative' } },
 * });
 * ```
 */
export async function plotSpec(path: string, spec: TopLevelSpec, options?: PlotOptions): Promise<PlotResult> {
  checkOptions('plotSpec', options, PLOT_KEYS);
  const where = 'plotSpec';
  const c = common(where, path, options);
  if (spec === null || typeof spec !== 'object') {
    throw new InputDataError(where, `spec is ${describeValue(spec)}.`, 'Pass a Vega-Lite specification object.');
  }
  return render(where, path, spec, c, options);
}
