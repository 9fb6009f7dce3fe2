/**
 * The generated CUDA C of every example's network compiles with `nvcc -ptx`
 * (no GPU needed): each example runs on js while the networks it compiles
 * are captured, then each is rendered as CUDA C, in float64 and float32 (one
 * fused kernel when the wiring is one-to-one, else a kernel per step and
 * phase) and compiled. The sweep's networks are batches (int32 buffers of
 * the members' seeds); noisy-lif records spikes (int32 pairs); cuba,
 * cobahh, delays and stdp have synapses (their phases as kernels).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main as chain } from '../../examples/chain.js';
import { main as hhRamp } from '../../examples/hh-ramp.js';
import { main as iaf } from '../../examples/iaf.js';
import { main as noisyLif } from '../../examples/noisy-lif.js';
import { main as ou } from '../../examples/ou.js';
import { main as sweepExample } from '../../examples/sweep.js';
import { main as cuba } from '../../examples/cuba.js';
import { main as cobahh } from '../../examples/cobahh.js';
import { main as delays } from '../../examples/delays.js';
import { main as stdp } from '../../examples/stdp.js';
import { renderCuda, renderCudaSteps } from '../../lib/backends/cfamily.js';
import { cudaBackend } from '../../lib/backends/cuda/index.js';
import { graphOf } from '../../lib/network/graph.js';
import { planNetwork } from '../../lib/plan/build.js';
import { Network, type NetworkPlan } from '../../lib/index.js';
import { needsNvcc, silenceConsoleLog, temporaryFolder } from '../support.js';

const EXAMPLES = {
  chain, 'hh-ramp': hhRamp, iaf, 'noisy-lif': noisyLif, ou, sweep: () => sweepExample(),
  // Networks with synapses: their plans are what counts, so the runs are short.
  cuba: (b: 'js') => cuba(b, 0.02), cobahh: (b: 'js') => cobahh(b, 0.02), delays, stdp: (b: 'js') => stdp(b, 0.2),
} as const;

describe('generated CUDA of every example compiles with nvcc -ptx', function () {
  silenceConsoleLog();
  let nvcc: string;
  before(function () {
    nvcc = needsNvcc(this);
  });
  const dir = temporaryFolder('neural-ptx-examples-');

  for (const [name, run] of Object.entries(EXAMPLES)) {
    it(name, async function () {
      this.timeout(120_000);
      const plans: NetworkPlan[] = [];
      const compile = Network.prototype.compile;
      Network.prototype.compile = async function (this: Network, ...args: Parameters<Network['compile']>) {
        // As the cuda back end plans them: block counts, columns and delays by synapse for its parallel synapse kernels.
        for (const dtype of ['float64', 'float32'] as const) plans.push(planNetwork(graphOf(this.containers, this.inputs, this.projections, undefined, this.batchSeeds).graph, { dtype, gather: cudaBackend.capabilities.gather }).plan);
        return compile.apply(this, args);
      };
      try {
        await run('js');
      } finally {
        Network.prototype.compile = compile;
      }
      expect(plans.length).to.be.above(0);
      plans.forEach((plan, p) => {
        const source = plan.fusable ? renderCuda(plan) : renderCudaSteps(plan).source;
        const file = join(dir(), `${name}-${p}.cu`);
        writeFileSync(file, source);
        execFileSync(nvcc, ['-ptx', '-arch=compute_90', '-o', join(dir(), `${name}-${p}.ptx`), file], { stdio: 'pipe' });
      });
    });
  }
});
