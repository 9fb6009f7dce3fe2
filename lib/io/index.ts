/**
 * Saving and loading arrays, tables and recordings in the formats Python
 * reads directly: NumPy's `.npy` and `.npz`, Apache Arrow IPC (Feather
 * version 2) and Apache Parquet.
 */
export type { NumericDtype, NumericArray, Columns, ColumnOptions, ColumnTable } from './files.js';
export { saveNpy, loadNpy, type NpyArray, type ArrayInput } from './npy.js';
export { saveNpz, loadNpz, type NpzOptions } from './npz.js';
export { saveArrow, loadArrow } from './arrow.js';
export { saveParquet, loadParquet, type ParquetOptions } from './parquet.js';
export { saveRecording, loadRecording, type RecordingMeta, type RecordingFile, type SaveRecordingOptions } from './recording.js';
export { saveSpikes } from './spikes.js';
export { saveCheckpoint, loadCheckpoint, runWithCheckpoints, resumeLatest, type CheckpointedRunOptions, type CheckpointedRun, type SaveCheckpointOptions } from './checkpoint.js';
