export { Network, type BlockRows, type BlockSpikes, type CompileOptions, type RecordedBlock, type RunOptions, type RunResult, type InputOptions, type NetworkOptions } from './network.js';
export { Container, type AddOptions, type RecordOptions, type Source, type VariableOf } from './container.js';
export { Input, type InputData } from './input.js';
export { Synapses, type SynapsesOptions, type SynapseValue, type SynapseVariableOf } from './synapses.js';
export { Recorder, Recording, SpikeRecording, type SpikeChunk } from './recorder.js';
export { Sum, Mean, BlockSum, BlockMean, Repeat, Dot, Operator, VarRef, type OperandSource } from './operators.js';
export { solve, type SolveOptions } from './solve.js';
export type * from '../plan/types.js';
export { Batch } from './batch.js';
