/**
 * Neural: declare neuron and synapse models as decorated classes, inspect their
 * equations symbolically, and simulate networks of them.
 *
 * Every public name is listed here (specs/api/exports.spec.ts pins the list);
 * everything else is internal and may change.
 * @packageDocumentation
 */
import 'reflect-metadata';
import * as models from './models/index.js';
import * as utils from './utils/index.js';

// Errors.
export {
  NeuralError,
  ModelDefinitionError,
  ExpressionError,
  NetworkWiringError,
  InputDataError,
  BackendError,
  NativeError,
  NumericalError,
  RunAbortedError,
  BusyError,
  DataFileError,
  type BackendErrorCode,
} from './errors.js';

// Declaring models.
export {
  state,
  param,
  input,
  derivative,
  intermediate,
  post,
  spike,
  onPre,
  onPost,
  summed,
  defineModel,
  type StateOptionsArgs,
  type UnitOptionsArgs,
  type DerivativeOptionsArgs,
  type SpikeOptionsArgs,
  type PathwayOptionsArgs,
  type FieldDecorator,
  type FieldDecorators,
} from './model/decorators.js';
export { Model, type ModelValues } from './model/model.js';
export { readModel, type ModelClass } from './model/read.js';
export type { ModelSpec, StateSpec, ValueSpec, IntermediateSpec, SpikeSpec, ResetSpec, PathwaySpec } from './model/spec.js';
export type { ModelUnits, JoinedStatement } from './model/units.js';

// Looking at models: equations, update rules, IR and generated code.
export { inspect, SymbolicModel, type SolverName, type AutoSolver, type LinearForm } from './symbolic/index.js';
export { lowerModel, type SolverOption } from './solvers/index.js';
export type { ModelIR, StmtIR, ExprIR, OpName, SynapseIR } from './ir/types.js';
export { printBlock } from './ir/build.js';
export { emit, type EmitTarget, type EmitOptions } from './emit.js';

// Networks.
export {
  Network,
  Batch,
  Container,
  Synapses,
  type SynapsesOptions,
  type SynapseValue,
  type SynapseVariableOf,
  Input,
  Recorder,
  Recording,
  SpikeRecording,
  Sum,
  Mean,
  BlockSum,
  BlockMean,
  Repeat,
  Dot,
  Operator,
  VarRef,
  solve,
  type CompileOptions,
  type RunOptions,
  type RunResult,
  type RecordedBlock,
  type BlockRows,
  type BlockSpikes,
  type InputOptions,
  type AddOptions,
  type NetworkOptions,
  type VariableOf,
  type RecordOptions,
  type Source,
  type InputData,
  type OperandSource,
  type SolveOptions,
  type Dtype,
  type NetworkPlan,
} from './network/index.js';

// Back ends.
export { backends } from './backends/index.js';
export { clearCache } from './backends/native/cache.js';
export type { Backend, BackendCapabilities, BackendName, BackendStatus, FloatArray, Program } from './backends/types.js';

// Saving and loading arrays, tables and recordings (.npy, .npz, Arrow, Parquet).
export {
  saveNpy,
  loadNpy,
  saveNpz,
  loadNpz,
  saveArrow,
  loadArrow,
  saveParquet,
  loadParquet,
  saveRecording,
  loadRecording,
  saveSpikes,
  saveCheckpoint,
  loadCheckpoint,
  runWithCheckpoints,
  resumeLatest,
  type CheckpointedRunOptions,
  type SaveCheckpointOptions,
  type CheckpointedRun,
  type NumericDtype,
  type NumericArray,
  type ArrayInput,
  type NpyArray,
  type NpzOptions,
  type Columns,
  type ColumnOptions,
  type ColumnTable,
  type ParquetOptions,
  type RecordingMeta,
  type RecordingFile,
  type SaveRecordingOptions,
} from './io/index.js';

// Parameter sweeps.
export { sweep, type SweepOptions, type SweepTable, type ParameterSet, type SweepBuild, type SweepMetrics } from './sweep/index.js';

// The model library and the utilities, as namespaces.
export { models, utils };
