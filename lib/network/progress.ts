/**
 * The progress display of `Network.run(dt, { verbose: true })`, written to
 * standard error.
 *
 * - On a terminal: one line redrawn in place by cli-progress, fitted to the
 *   terminal's width: a bar when there is room, the percentage, the time
 *   elapsed and left, steps per second and simulated seconds per second
 *   ("sim s/s"), and when there is room the step count and the back end. The
 *   bar goes first as the terminal narrows, then the longer labels; at 60
 *   columns everything but the bar, the step count and the back end fits.
 *   The cursor is never hidden and line wrapping never switched off, so an
 *   interrupted run (Ctrl-C) leaves the terminal as it was.
 * - Elsewhere (a pipe, a file, CI, a batch job's log): plain lines with no
 *   control characters, one each time the run has advanced by another tenth
 *   and at least 5 seconds have passed since the last line (whichever is
 *   rarer), and a last line when the run ends or stops.
 *
 * @module
 */
import { SingleBar } from 'cli-progress';

/** Where progress goes: a writable text stream, e.g. `process.stderr`. */
export interface ProgressStream {
  /** Writes text. */
  write(text: string): unknown;
  /** True on a terminal: the line is redrawn in place. */
  readonly isTTY?: boolean;
  /** The terminal's width in columns (default 80). */
  readonly columns?: number;
}

/** What a run reports to its progress display. */
export interface Progress {
  /** `done` steps of the run are complete. */
  update(done: number): void;
  /** Ends the display: `completed` false when the run stopped early (an error, an abort). Calls after the first do nothing. */
  stop(completed?: boolean): void;
}

/** What {@link startProgress} needs. */
export interface ProgressOptions {
  /** The steps of the run. */
  total: number;
  /** The step in seconds, for simulated seconds per second. */
  dt: number;
  /** The back end's name, shown when there is room. */
  backend: string;
  /** Where to write (default: the stream set by {@link setProgressStream}, else `process.stderr`). */
  stream?: ProgressStream;
  /** Milliseconds from some fixed point (default `performance.now`). */
  now?: () => number;
}

/** What one line shows. */
export interface ProgressState {
  /** Steps done. */
  done: number;
  /** Steps of the run. */
  total: number;
  /** Milliseconds since the run started. */
  elapsedMs: number;
  /** The step in seconds. */
  dt: number;
  /** The back end's name. */
  backend: string;
}

/** A plain line once the run has advanced by this fraction of its steps … */
export const LINE_FRACTION = 0.1;
/** … and at least this many milliseconds have passed since the last line. */
export const LINE_MS = 5000;

let override: ProgressStream | null = null;

/**
 * Sends the progress of every later run to `stream` instead of
 * `process.stderr`; `null` goes back to `process.stderr`. For specs.
 * @param stream - a stream-like object, or null
 * @internal
 */
export function setProgressStream(stream: ProgressStream | null): void {
  override = stream;
}

/** 3 significant digits, at most 7 characters: 950, 12.3k, 1.23M, 0.0141, 1.21e-5; '?' when unknown. */
export function compact(x: number): string {
  if (!Number.isFinite(x)) return '?';
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, suffix] of units) if (Math.abs(x) >= size * 0.9995) return `${Number((x / size).toPrecision(3))}${suffix}`;
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(2).replace('e-0', 'e-');
  return String(Number(x.toPrecision(3)));
}

/** A duration, at most 6 characters: 0.4s, 12s, 3m12s, 1h02m, 123h. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = ms / 1e3;
  if (s < 9.95) return `${s.toFixed(1)}s`;
  const whole = Math.round(s);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  const minutes = Math.round(whole / 60);
  if (minutes >= 100 * 60) return `${Math.round(minutes / 60)}h`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** The pieces of a line: each layout below is a list of them. */
function pieces(p: ProgressState) {
  const seconds = p.elapsedMs / 1e3;
  const rate = p.done > 0 && seconds > 0 ? p.done / seconds : NaN;
  const left = p.done >= p.total ? 0 : rate > 0 ? ((p.total - p.done) / rate) * 1e3 : NaN;
  const percent = `${p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100}%`;
  const steps = `${compact(rate)} steps/s`;
  return {
    percent,
    count: `step ${p.done}/${p.total}`,
    times: `${duration(p.elapsedMs)} elapsed, ${duration(left)} left`,
    timesShort: `${duration(p.elapsedMs)}, ${duration(left)} left`,
    elapsed: `${duration(p.elapsedMs)} elapsed`,
    rates: `${steps}, ${compact(rate * p.dt)} sim s/s`,
    steps,
    backend: p.backend,
  };
}

type Piece = keyof ReturnType<typeof pieces>;

/** Layouts for a terminal, richest first; `true` where a bar may lead. */
const LAYOUTS: [boolean, Piece[]][] = [
  [true, ['percent', 'count', 'times', 'rates', 'backend']],
  [true, ['percent', 'times', 'rates', 'backend']],
  [true, ['percent', 'times', 'rates']],
  [false, ['percent', 'count', 'times', 'rates', 'backend']],
  [false, ['percent', 'times', 'rates', 'backend']],
  [false, ['percent', 'times', 'rates']],
  [false, ['percent', 'timesShort', 'rates']],
  [false, ['percent', 'timesShort', 'steps']],
  [false, ['percent', 'timesShort']],
  [false, ['percent']],
];
/** The narrowest bar worth drawing, and the widest drawn. */
const BAR_MIN = 10;
const BAR_MAX = 40;

/**
 * One line of a terminal's progress display, at most `columns − 1` characters
 * (the last column stays free so that the terminal never wraps): the richest
 * layout that fits, a bar first when it has room for at least 10 cells.
 * @param p - what to show
 * @param columns - the terminal's width
 */
export function progressLine(p: ProgressState, columns: number): string {
  const room = Math.max(1, Math.floor(columns) - 1);
  const all = pieces(p);
  for (const [bar, names] of LAYOUTS) {
    const text = names.map((n) => all[n]).join(' | ');
    if (!bar) {
      if (text.length <= room) return text;
      continue;
    }
    const width = Math.min(BAR_MAX, room - text.length - 1);
    if (width >= BAR_MIN) {
      const full = p.total > 0 ? Math.min(width, Math.floor((width * p.done) / p.total)) : width;
      return `${'\u2588'.repeat(full)}${'\u2591'.repeat(width - full)} ${text}`;
    }
  }
  return all.percent.slice(0, room);
}

/**
 * A plain line for a log: `Network.run: 45% | step 4500/10000 | 3.2s
 * elapsed, 4.1s left | 1.41k steps/s, 0.0141 sim s/s | cpu`, or, at the end,
 * `… done` or `… stopped`.
 * @param p - what to show
 * @param end - 'done' or 'stopped' for the last line
 */
export function progressText(p: ProgressState, end?: 'done' | 'stopped'): string {
  const all = pieces(p);
  const times = end ? all.elapsed : all.times;
  const tail = end ? ` | ${end}` : '';
  return `Network.run: ${[all.percent, all.count, times, all.rates, all.backend].join(' | ')}${tail}`;
}

/**
 * Starts the progress display of a run of `total` steps: a bar redrawn in
 * place on a terminal, plain lines elsewhere (see the module's description).
 * @param o - the run's size and step, the back end, and where to write
 * @returns what the run calls as it advances and when it ends
 */
export function startProgress(o: ProgressOptions): Progress {
  const stream = o.stream ?? override ?? process.stderr;
  const now = o.now ?? (() => performance.now());
  const t0 = now();
  const state = (done: number): ProgressState => ({ done, total: o.total, elapsedMs: now() - t0, dt: o.dt, backend: o.backend });
  let done = 0;
  let stopped = false;
  if (stream.isTTY === true) {
    const bar = new SingleBar({
      stream: stream as NodeJS.WritableStream,
      format: (_options: unknown, params: { value: number; maxWidth: number }) => progressLine(state(params.value), params.maxWidth || 80),
      // Nothing to put back after Ctrl-C: the cursor stays visible and line wrapping on.
      hideCursor: false,
      linewrap: true,
      fps: 10,
    });
    bar.start(o.total, 0);
    return {
      update(d) {
        done = d;
        if (!stopped) bar.update(d);
      },
      stop() {
        if (stopped) return;
        stopped = true;
        bar.stop();
      },
    };
  }
  // Not a terminal: plain lines, no control characters.
  let lastDone = 0;
  let lastAt = t0;
  return {
    update(d) {
      done = d;
      if (stopped || d >= o.total) return;
      const at = now();
      if (d - lastDone >= LINE_FRACTION * o.total && at - lastAt >= LINE_MS) {
        stream.write(`${progressText(state(d))}\n`);
        lastDone = d;
        lastAt = at;
      }
    },
    stop(completed = true) {
      if (stopped) return;
      stopped = true;
      stream.write(`${progressText(state(done), completed && done >= o.total ? 'done' : 'stopped')}\n`);
    },
  };
}
