/**
 * The layers of lib/, bottom to top, and the rules that keep imports pointing
 * down (`npm run layers`, part of `npm test`). A file may import its own
 * layer and the layers below it, never one above. Type-only imports count.
 * There is no list of exceptions: every rule holds for every file.
 * docs/architecture.md describes each layer.
 */
const LAYERS = [
  { name: 'core', doc: 'errors and option checking', paths: ['^lib/errors\\.ts$', '^lib/options\\.ts$'] },
  { name: 'random', doc: 'counter-based random numbers: Philox4x32-10 and the addressing of draws', paths: ['^lib/random/'] },
  { name: 'expr', doc: 'the equation language and the names of the update rules', paths: ['^lib/expr/'] },
  { name: 'units', doc: 'physical units: unit strings, coherent systems, dimensional checks, unit names to numbers', paths: ['^lib/units/'] },
  { name: 'model', doc: 'decorators, readModel, ModelSpec, Model', paths: ['^lib/model/'] },
  { name: 'symbolic', doc: 'inspect: derivatives, Jacobian, linear form, rule choice', paths: ['^lib/symbolic/'] },
  { name: 'ir', doc: 'the intermediate representation and its builders', paths: ['^lib/ir/'] },
  { name: 'solvers', doc: 'update rules: lowerModel', paths: ['^lib/solvers/'] },
  { name: 'plan', doc: 'planNetwork, the plan types, array allocation', paths: ['^lib/plan/'] },
  { name: 'backends', doc: 'interpreter, js, cpu, cuda, shared renderers, native helpers', paths: ['^lib/backends/'] },
  { name: 'network', doc: 'Network, Container, Input, operators, Recorder, solve, emit', paths: ['^lib/network/', '^lib/emit\\.ts$'] },
  { name: 'library', doc: 'the model library, utils, saving and loading files, sweeps', paths: ['^lib/models/', '^lib/utils/', '^lib/io/', '^lib/sweep/'] },
  { name: 'entry', doc: 'the public API and the command-line tool', paths: ['^lib/index\\.ts$', '^lib/cli\\.ts$'] },
];

const any = (paths) => paths.join('|');
const ALL = any(LAYERS.flatMap((l) => l.paths));
/** A back end's own folder (every folder of lib/backends but native/). */
const BACKEND = '^lib/backends/(?!native/)([^/]+)/';
const REGISTRY = '^lib/backends/index\\.ts$';

const layerRules = LAYERS.slice(0, -1).map((layer, i) => {
  const above = LAYERS.slice(i + 1);
  return {
    name: `layer-${layer.name}`,
    severity: 'error',
    comment: `${layer.name} (${layer.doc}) may not import a layer above it: ${above.map((l) => l.name).join(', ')}.`,
    from: { path: any(layer.paths) },
    to: { path: any(above.flatMap((l) => l.paths)) },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'every-file-in-a-layer',
      severity: 'error',
      comment: 'Every file of lib/ belongs to a layer: add a new folder to LAYERS in .dependency-cruiser.cjs and to docs/architecture.md.',
      from: { path: '^lib/', pathNot: ALL },
      to: {},
    },
    {
      name: 'every-import-in-a-layer',
      severity: 'error',
      comment: 'Every file of lib/ that is imported belongs to a layer: add a new folder to LAYERS in .dependency-cruiser.cjs and to docs/architecture.md.',
      from: {},
      to: { path: '^lib/', pathNot: ALL },
    },
    {
      name: 'back-ends-independent',
      severity: 'error',
      comment: 'A back end (lib/backends/<name>/) does not import another back end; shared code lives in lib/backends/*.ts or lib/backends/native/.',
      from: { path: BACKEND },
      to: { path: BACKEND, pathNot: '^lib/backends/$1/' },
    },
    {
      name: 'shared-back-end-code-below-back-ends',
      severity: 'error',
      comment: 'The shared renderers, back-end types and native helpers do not import a back end or the registry.',
      from: { path: '^lib/backends/', pathNot: `${BACKEND}|${REGISTRY}` },
      to: { path: `${BACKEND}|${REGISTRY}` },
    },
    {
      name: 'registry-on-top',
      severity: 'error',
      comment: 'No back end imports the registry (lib/backends/index.ts); the network picks back ends through it.',
      from: { path: BACKEND },
      to: { path: REGISTRY },
    },
    {
      name: 'lib-self-contained',
      severity: 'error',
      comment: 'lib/ does not import specs, examples or benchmarks.',
      from: { path: '^lib/' },
      to: { path: '^(specs|examples|bench)/' },
    },
    {
      name: 'examples-use-the-public-api',
      severity: 'error',
      comment: "Examples import the package ('neural-ts', i.e. lib/index.ts) and each other, nothing inside lib/.",
      from: { path: '^examples/' },
      to: { path: '^lib/', pathNot: '^lib/index\\.ts$' },
    },
    {
      name: 'mathjs-through-one-module',
      severity: 'error',
      comment: "lib/ takes mathjs values from lib/expr/math.ts (its own instance, built from the factories it uses); importing 'mathjs' itself loads the whole of it. Type-only imports of 'mathjs' are allowed.",
      from: { path: '^lib/', pathNot: '^lib/expr/math\\.ts$' },
      to: { path: '(^|/)node_modules/mathjs/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular-lib',
      severity: 'error',
      comment: 'No cycle of run-time imports between files of lib/ (a module is fully evaluated before any module that imports it). Cycles through type-only imports are erased by the compiler and allowed.',
      from: { path: '^lib/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.d.ts', '.js'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
