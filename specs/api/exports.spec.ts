/**
 * The public API is exactly these names: a name added to, or dropped from,
 * the package's entry point (values and types alike), the `utils` or `models`
 * namespaces, or the `backends` object fails here, so that nothing internal
 * leaks by accident. Changing the API means changing these lists.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import * as api from '../../lib/index.js';

/** Classes, functions and objects the package exports. */
const VALUES = [
  // errors
  'NeuralError', 'ModelDefinitionError', 'ExpressionError', 'NetworkWiringError', 'InputDataError', 'BackendError', 'NativeError',
  'NumericalError', 'RunAbortedError', 'BusyError', 'DataFileError',
  // declaring and looking at models
  'state', 'param', 'input', 'derivative', 'intermediate', 'post', 'spike', 'onPre', 'onPost', 'summed', 'defineModel', 'Model', 'readModel',
  'inspect', 'SymbolicModel', 'lowerModel', 'printBlock', 'emit',
  // networks
  'Network', 'Batch', 'Container', 'Synapses', 'Input', 'Recorder', 'Recording', 'SpikeRecording', 'Sum', 'Mean', 'BlockSum', 'BlockMean', 'Repeat', 'Dot', 'Operator', 'VarRef',
  'solve',
  // saving and loading arrays, tables and recordings
  'saveNpy', 'loadNpy', 'saveNpz', 'loadNpz', 'saveArrow', 'loadArrow', 'saveParquet', 'loadParquet', 'saveRecording', 'loadRecording', 'saveSpikes', 'saveCheckpoint', 'loadCheckpoint', 'runWithCheckpoints', 'resumeLatest', 'sweep',
  // back ends and their compile cache, the model library, the utilities
  'backends', 'clearCache', 'models', 'utils',
];

/** Types the package exports (nothing at run time). */
const TYPES = [
  'BackendErrorCode',
  'StateOptionsArgs', 'DerivativeOptionsArgs', 'SpikeOptionsArgs', 'PathwayOptionsArgs', 'FieldDecorator', 'FieldDecorators', 'ModelValues', 'ModelClass', 'ModelSpec', 'StateSpec', 'ValueSpec',
  'IntermediateSpec', 'SpikeSpec', 'ResetSpec', 'PathwaySpec', 'UnitOptionsArgs', 'ModelUnits', 'JoinedStatement',
  'SolverName', 'AutoSolver', 'LinearForm', 'SolverOption', 'ModelIR', 'StmtIR', 'ExprIR', 'OpName', 'SynapseIR', 'EmitTarget', 'EmitOptions',
  'CompileOptions', 'RunOptions', 'RunResult', 'RecordedBlock', 'BlockRows', 'BlockSpikes', 'InputOptions', 'AddOptions', 'NetworkOptions', 'VariableOf', 'RecordOptions', 'SynapsesOptions', 'SynapseValue', 'SynapseVariableOf', 'Source', 'InputData', 'OperandSource',
  'SolveOptions', 'Dtype', 'NetworkPlan',
  'Backend', 'BackendCapabilities', 'BackendName', 'BackendStatus', 'FloatArray', 'Program',
  'NumericDtype', 'NumericArray', 'ArrayInput', 'NpyArray', 'NpzOptions', 'Columns', 'ColumnOptions', 'ColumnTable', 'ParquetOptions',
  'RecordingMeta', 'RecordingFile', 'SaveCheckpointOptions', 'SaveRecordingOptions', 'CheckpointedRunOptions', 'CheckpointedRun', 'SweepOptions', 'SweepTable', 'ParameterSet', 'SweepBuild', 'SweepMetrics',
];

const UTILS = [
  'bandLimitedNoise', 'coefficientOfVariation', 'column', 'detectSpikeEvents', 'detectSpikes', 'downsampleMinMax', 'eventsFromTimes',
  'firingRates', 'gaussianNoise', 'gridSteps', 'interSpikeIntervals', 'isSpikeEvents', 'isTraceLike', 'ornsteinUhlenbeck', 'parabola',
  'plotHeatmap', 'plotPSTH', 'plotRaster', 'plotSpec', 'plotSweep', 'plotTraces', 'poissonSpikeTimes', 'poissonSpikeTrain', 'population',
  'powerSpectrum', 'psth', 'ramp', 'rng', 'rngFromState', 'sampleInterval', 'sinusoid', 'snr', 'spikeCounts', 'spikeEvents',
  'spikeTrain', 'step', 'timeAxis', 'toRng',
];

const MODELS = [
  'AMPA', 'Alpha', 'COBAHH', 'CUBA', 'ConnorStevens', 'ConnorStevensSpiking', 'Exponential', 'GABAB', 'HodgkinHuxley', 'HodgkinHuxleySpiking', 'IAF', 'Izhikevich',
  'ExcitatoryJump', 'InhibitoryJump', 'IzhikevichSpiking', 'LIF', 'LeakyIAF', 'MorrisLecar', 'MorrisLecarSpiking', 'NMDA', 'NoisyLIF', 'Poisson', 'Rinzel', 'RinzelSpiking',
  'SongNeuron', 'SongSTDP', 'WeightedExponential', 'Wilson', 'WilsonSpiking',
];

const sorted = (names: readonly string[]) => [...names].sort();

/**
 * Every name the compiled entry point's declarations export, values and
 * types, read from `dist/lib/index.d.ts`; a star export fails.
 */
function declaredExports(): string[] {
  const path = new URL('../../lib/index.d.ts', import.meta.url);
  const file = ts.createSourceFile('index.d.ts', readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022);
  const names: string[] = [];
  for (const s of file.statements) {
    if (ts.isExportDeclaration(s)) {
      expect(s.exportClause && ts.isNamedExports(s.exportClause), `a star export: ${s.getText(file)}`).to.equal(true);
      for (const e of (s.exportClause as ts.NamedExports).elements) names.push(e.name.text);
    } else if (ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      expect.fail(`the entry point declares its own export: ${s.getText(file).slice(0, 80)}`);
    } else if (ts.isExportAssignment(s)) {
      expect.fail('the entry point has a default export');
    }
  }
  return names;
}

describe('api/exports', () => {
  it('the entry point exports exactly the public values', () => {
    expect(sorted(Object.keys(api))).to.deep.equal(sorted(VALUES));
  });

  it('its declarations export exactly the public values and types, each named (no star export)', () => {
    expect(sorted(declaredExports())).to.deep.equal(sorted([...VALUES, ...TYPES]));
  });

  it('the utils and models namespaces hold exactly their public names', () => {
    expect(sorted(Object.keys(api.utils))).to.deep.equal(sorted(UTILS));
    expect(sorted(Object.keys(api.models))).to.deep.equal(sorted(MODELS));
  });

  it('backends has status, pick and a read-only order', () => {
    expect(sorted(Object.keys(api.backends))).to.deep.equal(['order', 'pick', 'status']);
    expect(Object.isFrozen(api.backends.order)).to.equal(true);
    expect(api.backends.order).to.deep.equal(['cuda', 'cpu', 'js']);
    expect(() => (api.backends.order as unknown as string[]).push('interpreter')).to.throw(TypeError);
  });
});
