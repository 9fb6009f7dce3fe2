/**
 * A {@link SpikeRecording} saved in the format its file name says: the
 * spikes as events (unit, step, time), readable by NumPy, pandas and polars.
 */
import { InputDataError, describeValue } from '../errors.js';
import type { SpikeRecording } from '../network/recorder.js';
import { ARROW_EXTENSIONS, encodeArrow } from './arrow.js';
import { writeParts } from './files.js';
import { encodeNpz } from './npz.js';
import { encodeParquet } from './parquet.js';
import { checkSave, type SaveRecordingOptions } from './recording.js';

const EXTENSIONS: readonly string[] = ['.npz', ...ARROW_EXTENSIONS, '.parquet'];
/** The key of the metadata that Arrow and Parquet files keep, as JSON. */
const META_KEY = 'neural.spikes';

/**
 * Saves spikes (`container.recorder.spikes()`) as events, one per spike in
 * order of step and unit:
 *
 * - `.npz`: `units` (int32), `steps` (int64, the global step of each spike),
 *   `times` (seconds, float64), and 0-d `variable` (text), `num` (int64,
 *   units of the container) and `duration` (seconds, float64):
 *   `f = np.load(path); f['units'], f['times']`.
 * - `.arrow` or `.feather` (Arrow IPC), `.parquet`: a long table with the
 *   columns `unit` (int32), `step` (int64) and `time` (float64); the rest as
 *   JSON in the schema's metadata under `neural.spikes` (`{"variable",
 *   "num", "duration"}`): `pd.read_feather(path)`,
 *   `df.groupby('unit').size()`.
 * @param path - the file, ending in `.npz`, `.arrow`, `.feather` or
 *   `.parquet`; whole or absent (written to a temporary file, then renamed)
 * @param spikes - a spike recording
 * @param options - `compress` for `.npz` and `.parquet`
 * @throws {@link InputDataError} for another extension, something other than a spike recording, or an unknown option
 * @throws {@link DataFileError} when the file cannot be written
 * @example await saveSpikes('out/spikes.parquet', lif.recorder.spikes());
 */
export async function saveSpikes(path: string, spikes: SpikeRecording, options?: SaveRecordingOptions): Promise<void> {
  const where = 'saveSpikes';
  const { compress, ext } = checkSave(where, path, EXTENSIONS, options);
  const s = spikes as Partial<SpikeRecording> | null;
  if (s === null || typeof s !== 'object' || !(s.units instanceof Int32Array) || typeof s.times !== 'function' || typeof s.num !== 'number') {
    throw new InputDataError(where, `spikes is ${describeValue(spikes)}.`, "Pass a spike recording, e.g. container.recorder.spikes(); save a trace with saveRecording.");
  }
  const steps = BigInt64Array.from(spikes.steps, (k) => BigInt(k));
  const columns = { unit: spikes.units, step: steps, time: spikes.times() };
  const metadata = { [META_KEY]: JSON.stringify({ variable: spikes.variable, num: spikes.num, duration: spikes.duration }) };
  let parts: Uint8Array[];
  if (ext === '.npz') {
    parts = [encodeNpz(where, {
      units: spikes.units,
      steps,
      times: columns.time,
      variable: { data: [spikes.variable], shape: [] },
      num: { data: BigInt64Array.of(BigInt(spikes.num)), shape: [] },
      duration: { data: Float64Array.of(spikes.duration), shape: [] },
    }, compress ?? false)];
  } else if (ext === '.parquet') {
    parts = [await encodeParquet(where, columns, metadata, compress ?? true)];
  } else {
    parts = [await encodeArrow(where, columns, metadata)];
  }
  await writeParts(`${where}('${path}')`, path, parts);
}
