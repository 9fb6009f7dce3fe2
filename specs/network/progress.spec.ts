/**
 * The progress display of run(dt, { verbose: true }): plain lines where the
 * output is not a terminal (a pipe, a log), a line fitted to the terminal's
 * width where it is, rates and times shown, and nothing left changed in the
 * terminal (cursor, line wrapping) when a run ends or fails.
 */
import { expect } from 'chai';
import { Network, models } from '../../lib/index.js';
import { LINE_MS, progressLine, progressText, setProgressStream, startProgress, type ProgressStream } from '../../lib/network/progress.js';

/** A stream that keeps what is written to it. */
function sink(isTTY: boolean, columns?: number): ProgressStream & { text: string } {
  return {
    text: '',
    isTTY,
    columns,
    write(t: string) {
      this.text += t;
      return true;
    },
  };
}

/** Any control sequence: CSI (ESC [ … letter), ESC 7 / ESC 8, or another control character but newline. */
const CONTROL = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]|[\x00-\x09\x0b-\x1f]/g;

/**
 * Runs `steps` steps of a small HH population with verbose, its progress
 * going to `stream`, in blocks of a twentieth of the run; with `failAt`, its
 * input throws at that step.
 */
async function verboseRun(stream: ProgressStream, steps: number, failAt?: number) {
  setProgressStream(stream);
  try {
    const nn = new Network();
    const hh = nn.add(models.HodgkinHuxley, { num: 50 });
    hh.connect({
      stimulus: nn.input({ name: 'drive' }).set((k) => {
        if (k === failAt) throw new Error(`no data for step ${k}`);
        return 10;
      }),
    });
    await nn.compile({ backend: 'js' });
    return await nn.run(1e-5, { steps, verbose: true, blockSteps: steps / 20 });
  } finally {
    setProgressStream(null);
  }
}

describe('network/progress (run with verbose)', () => {
  describe('not a terminal: plain lines', () => {
    it('a run prints a last line with 100 %, the step count, elapsed time, steps/s and simulated s/s, and no control characters', async () => {
      const out = sink(false);
      await verboseRun(out, 2000);
      expect(out.text).to.not.match(CONTROL);
      const lines = out.text.split('\n');
      expect(lines.pop()).to.equal('');
      expect(lines.length).to.be.at.least(1);
      const last = lines[lines.length - 1];
      expect(last).to.match(/^Network\.run: 100% \| step 2000\/2000 \| [\d.]+s elapsed \| [\d.]+k? steps\/s, [\d.e-]+ sim s\/s \| js \| done$/);
    });

    it('prints a line each tenth of the run when 5 s have passed since the last (whichever is rarer), then the last line', () => {
      // A clock that advances 1 s per percent: a tenth takes 10 s, so a line each tenth.
      let t = 0;
      const slow = sink(false);
      const p = startProgress({ total: 1000, dt: 1e-4, backend: 'cpu', stream: slow, now: () => t });
      for (let d = 10; d <= 1000; d += 10) {
        t += 1000;
        p.update(d);
      }
      p.stop();
      const slowLines = slow.text.trimEnd().split('\n');
      expect(slowLines.map((l) => l.split(' ')[1])).to.deep.equal(['10%', '20%', '30%', '40%', '50%', '60%', '70%', '80%', '90%', '100%']);
      expect(slowLines[4]).to.equal('Network.run: 50% | step 500/1000 | 50s elapsed, 50s left | 10 steps/s, 0.001 sim s/s | cpu');
      expect(slowLines[9]).to.equal('Network.run: 100% | step 1000/1000 | 1m40s elapsed | 10 steps/s, 0.001 sim s/s | cpu | done');

      // 0.1 s per percent: 5 s pass every half of the run, so a line at 50 % and the last one.
      t = 0;
      const fast = sink(false);
      const q = startProgress({ total: 1000, dt: 1e-4, backend: 'cpu', stream: fast, now: () => t });
      for (let d = 10; d <= 1000; d += 10) {
        t += LINE_MS / 50;
        q.update(d);
      }
      q.stop();
      expect(fast.text.trimEnd().split('\n').map((l) => l.split(' ')[1])).to.deep.equal(['50%', '100%']);
    });

    it('a run that stops early says where it stopped', async () => {
      const out = sink(false);
      const err = await verboseRun(out, 2000, 1000).then(() => null, (e: unknown) => e);
      expect((err as Error).message).to.include('no data for step 1000');
      expect(out.text).to.match(/^Network\.run: 50% \| step 1000\/2000 \| .* \| stopped\n$/);
    });
  });

  describe('a terminal', () => {
    /** The lines drawn, control sequences removed. */
    const drawn = (text: string) => text.split(/\x1b\[1G|\n/).map((s) => s.replace(CONTROL, '')).filter((s) => s.length > 0);

    it('never hides the cursor nor switches line wrapping off, on success and on failure, and ends with a new line', async () => {
      for (const failAt of [undefined, 1000]) {
        const out = sink(true, 80);
        await verboseRun(out, 2000, failAt).catch(() => undefined);
        expect(drawn(out.text).length).to.be.at.least(2);
        for (const [off, on] of [['\x1b[?25l', '\x1b[?25h'], ['\x1b[?7l', '\x1b[?7h']]) {
          // Every "off" is followed by its "on" (today there is none at all).
          const last = out.text.lastIndexOf(off);
          expect(last === -1 || out.text.indexOf(on, last) > last, `${JSON.stringify(off)} left on`).to.equal(true);
        }
        expect(out.text).to.not.include('\x1b[?25l');
        expect(out.text.endsWith('\n')).to.equal(true);
      }
    });

    it('at 60 columns each line fits in 59 and shows the percentage, time elapsed and left, steps/s and sim s/s', async () => {
      const out = sink(true, 60);
      await verboseRun(out, 2000);
      const lines = drawn(out.text);
      expect(lines.length).to.be.at.least(2);
      for (const l of lines) expect(l.length, l).to.be.at.most(59);
      expect(lines[lines.length - 1]).to.match(/^100% \| [\d.]+s(?: elapsed)?, [\d.]+s left \| [\d.]+k? steps\/s, [\d.e-]+ sim s\/s$/);
    });

    it('the line keeps what matters as the terminal narrows: the bar goes first', () => {
      // Worst case of every field: an hour-long run, a tiny dt, 100 %.
      const worst = { done: 123_456_789, total: 123_456_789, elapsedMs: 59 * 3600e3, dt: 1e-7, backend: 'cuda' };
      const mid = { done: 4500, total: 10000, elapsedMs: 3200, dt: 1e-5, backend: 'cpu' };
      for (const p of [worst, mid]) {
        for (const columns of [30, 40, 60, 80, 100, 120, 200]) expect(progressLine(p, columns).length, `${columns}`).to.be.at.most(columns - 1);
        expect(progressLine(p, 60)).to.match(/^\d+% \| \S+, \S+ left \| \S+ steps\/s, \S+ sim s\/s$/);
      }
      expect(progressLine(mid, 60)).to.equal('45% | 3.2s, 3.9s left | 1.41k steps/s, 0.0141 sim s/s');
      expect(progressLine(mid, 80)).to.equal('████░░░░░░░ 45% | 3.2s elapsed, 3.9s left | 1.41k steps/s, 0.0141 sim s/s | cpu');
      expect(progressLine(mid, 120)).to.equal(`${'█'.repeat(14)}${'░'.repeat(19)} 45% | step 4500/10000 | 3.2s elapsed, 3.9s left | 1.41k steps/s, 0.0141 sim s/s | cpu`);
      expect(progressLine(mid, 40)).to.equal('45% | 3.2s, 3.9s left | 1.41k steps/s');
      expect(progressText(mid)).to.equal('Network.run: 45% | step 4500/10000 | 3.2s elapsed, 3.9s left | 1.41k steps/s, 0.0141 sim s/s | cpu');
    });
  });
});
