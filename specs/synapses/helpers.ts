/**
 * Models and helpers shared by the specs of `specs/synapses/`: a source
 * whose spikes are chosen per unit (`Driver`), a target that holds what the
 * synapses add to it and never changes on its own (`Sink`), the synapse
 * that adds its weight (`Jump`), gap junctions (`Leaky`, `Gap`: a summed
 * variable), and readers of recordings.
 */
import { Model, derivative, input, onPre, param, spike, state, summed, type Recording } from '../../lib/index.js';

/** The back ends every synapse spec runs on (cpu where the addon built). */
export const BACKENDS = ['interpreter', 'js', 'cpu'] as const;

/** A spike schedule: the steps each unit fires at (at most four per unit). */
export type Schedule = readonly (readonly number[])[];

/**
 * Fires at the steps its parameters `s1` … `s4` name (−1: none), whatever
 * the step size: `t / dt` is the step number, compared within half a step.
 * Time unit ms.
 */
export class Driver extends Model {
  static timeScale = 1e3;
  @param(-1) s1!: number;
  @param(-1) s2!: number;
  @param(-1) s3!: number;
  @param(-1) s4!: number;
  @spike({ threshold: 'abs(t / dt - s1) < 0.5 or abs(t / dt - s2) < 0.5 or abs(t / dt - s3) < 0.5 or abs(t / dt - s4) < 0.5' }) spike!: number;
}

/** The parameters of a {@link Driver} container that fires as `schedule` says. */
export function driverParams(schedule: Schedule): Record<string, number[]> {
  const out: Record<string, number[]> = { s1: [], s2: [], s3: [], s4: [] };
  for (const steps of schedule) {
    if (steps.length > 4) throw new Error('driverParams: at most four spikes per unit');
    for (let q = 0; q < 4; q++) out[`s${q + 1}`].push(steps[q] ?? -1);
  }
  return out;
}

/** Holds `x`, which only synapses change (no derivative). Time unit ms. */
export class Sink extends Model {
  static timeScale = 1e3;
  @state(0) x!: number;
}

/** Adds its weight to the target's `x` when the source fires (after the delay). Time unit ms. */
export class Jump extends Model {
  static timeScale = 1e3;
  @param(1) w!: number;
  @onPre('x_post += w') pre!: never;
}

/** {@link Jump} in seconds (time scale 1): its delays are in seconds. */
export class JumpSeconds extends Model {
  @param(1) w!: number;
  @onPre('x_post += w') pre!: never;
}

/**
 * The steps at which unit `i` of a trace recorded every step (from step 0)
 * changed: row r holds the value after step r's update, before that step's
 * synapses run, so a change delivered at step k first shows in row k + 1.
 * Returns each step k with the change (row k + 1 − row k).
 */
export function changes(rec: Recording, i: number): { step: number; by: number }[] {
  const trace = rec.trace(i);
  const out: { step: number; by: number }[] = [];
  for (let r = 1; r < trace.length; r++) if (trace[r] !== trace[r - 1]) out.push({ step: r - 1, by: trace[r] - trace[r - 1] });
  return out;
}

/** Whether |a − b| ≤ rel · max(|a|, |b|) (exactly equal zeros pass). */
export function relClose(a: number, b: number, rel: number): boolean {
  return a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
}

/** A leaky unit driven by its input `Igap`. */
export class Leaky extends Model {
  static timeScale = 1e3;
  @param(10) tau!: number;
  @param(0) El!: number;
  @input(0) Igap!: number;
  @state(0) @derivative('(El - v + Igap) / tau') v!: number;
}

/** Gap junctions: the target's Igap is the sum of w·(v_pre − v_post) over its synapses. */
export class Gap extends Model {
  static timeScale = 1e3;
  @param(0.1) w!: number;
  @summed('w * (v_pre - v_post)') Igap_post!: number;
}
