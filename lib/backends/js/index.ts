/** The js back end: the plan rendered to a JavaScript function, compiled by V8. */
import type { NetworkPlan } from '../../plan/types.js';
import { blockScalars, type Backend, type Program } from '../types.js';
import { renderJS } from './render.js';
import { RANDOM, type RandomFunctions } from '../../random/philox.js';

type Compiled = (B: unknown[], S: Float64Array, R: RandomFunctions) => void;
const cache = new Map<string, Compiled>();

/** Generated JavaScript, one function per network structure (cached by source). */
export const jsBackend: Backend = {
  name: 'js',
  capabilities: { fusion: true, unitStepsPerBlock: 2e6, maxBlockSteps: Infinity, streamBytesPerBlock: 64e6, dtypes: ['float64', 'float32'], elements: ['float', 'int32'], device: false, synapses: true, gather: 0 },
  status: () => ({ ok: true }),
  async compile(plan: NetworkPlan): Promise<Program> {
    const source = renderJS(plan);
    let fn = cache.get(source);
    if (!fn) {
      fn = new Function('B', 'S', 'R', source) as Compiled;
      cache.set(source, fn);
    }
    const run = fn;
    return {
      backend: 'js',
      source,
      async run(buffers, args) {
        run(buffers, blockScalars(plan, args), RANDOM);
      },
    };
  },
};
