"""Brian2 side of the STDP benchmark: Brian2's examples/synapses/STDP.py
(after Song, Miller & Abbott 2000 and Song & Abbott 2001), N Poisson inputs
at F Hz onto one leaky integrate-and-fire neuron with a conductance input,
all-to-one synapses with additive STDP on event-driven traces:

    dv/dt = (ge*(Ee - v) + El - v) / taum : volt
    dge/dt = -ge / taue : 1
    threshold v > vt, reset v = vr (no refractory period)
    taum = 10 ms, taue = 5 ms, Ee = 0 mV, vt = -54 mV, vr = -60 mV,
    El = -74 mV, taupre = taupost = 20 ms, gmax = 0.01,
    dApre = 0.01*gmax = 1e-4, dApost = -dApre*taupre/taupost*1.05 = -1.05e-4

    synapse: w : 1, dApre/dt = -Apre/taupre, dApost/dt = -Apost/taupost
             (both event-driven: decayed from lastupdate when an event comes)
    on_pre:  ge += w; Apre += dApre; w = clip(w + Apost, 0, gmax)
    on_post: Apost += dApost; w = clip(w + Apre, 0, gmax)

The on_pre pathway runs before the on_post one (orders -1 and 1 in the
'synapses' slot), so for a pre and a post spike in the same step, on_pre
sees the Apost from before the post spike and on_post the Apre that
already holds this pre spike. Initial w = rand()*gmax; Apre = Apost = 0;
v starts at v0_mV (the example sets nothing: 0 mV, so the neuron fires
in the first step), ge at 0. The example's method is euler.

    python3 stdp.py CONFIG OUT [--target numpy|cpp_standalone]
        [--method euler|exponential_euler] [--export DIR | --import DIR]

CONFIG: {"N" (1000), "F" (15, Hz), "dt_ms" (0.1), "duration_ms" (100000,
the example's 100 s), "v0_mV" (0), "seed" (integer given to brian2.seed;
absent or null: a random seed)}.

--export DIR writes DIR/w0.npy (float64, the initial w / gmax in synapse
order, synapse k from input k). The simulation then runs with the weights
read back from the file, exactly as a later `--import DIR` run with the same
seed does (the same Poisson spikes, as the random stream no longer draws the
weights); w0 * gmax does not always give the very same w back, hence the
read-back. With cpp_standalone the generation is a first standalone build (a
run of 0 ms); the timings are those of the second build. --import DIR sets
w = w0 * gmax. The Poisson spikes are Brian2's own: only statistics can be
compared with another simulator.

OUT: common.finish's keys (units, steps: the postsynaptic neuron's spikes;
seconds: from the first object built to the end, compilation included) and
- w: the final w / gmax (list, synapse order); hist: the counts of a
  20-bin histogram of w / gmax on [0, 1];
- post_spikes: the number of postsynaptic spikes; post_rate_hz;
  input_spikes: the number of input spikes (all inputs together);
- run_seconds: the simulation alone (cpp_standalone: the binary's own
  measure of its network run loop, device._last_run_time, which is the
  process's CPU time (std::clock) over the loop; numpy: the run() call);
- run_wall_seconds: the same loop in wall-clock time (cpp_standalone: a
  std::chrono::steady_clock measure inserted around the network's run
  in main.cpp; numpy: the run() call);
- run_call_seconds: the whole run() call;
- build_seconds, binary_seconds (cpp_standalone only): `make` (and `make
  clean`) and the whole binary's wall time, from device.timers;
- v: the final v (mV, a list of one); N, F, dt_ms, duration_ms, seed,
  network ("generated", "exported" or "imported"); update_code: the
  neuron's update Brian2 generated (abstract code).
"""
import os
import sys

from common import network_options, parse, start, finish, network_source, timed_run
extra = network_options('stdp.py')

args, config = parse(__doc__, methods=('euler', 'exponential_euler'))
b2, began = start(args.target)
import numpy as np
from brian2 import (NeuronGroup, PoissonGroup, Synapses, SpikeMonitor, Network, defaultclock,
                    ms, mV, Hz)

N = int(config.get('N', 1000))
F = float(config.get('F', 15.0))
dt_ms = float(config.get('dt_ms', 0.1))
duration_ms = float(config.get('duration_ms', 100000.0))
v0_mV = float(config.get('v0_mV', 0.0))
seed_value = config.get('seed')

gmax = .01
dApre = .01
taupre = 20 * ms
taupost = taupre
dApost = -dApre * taupre / taupost * 1.05
dApost *= gmax
dApre *= gmax
namespace = {
    'taum': 10 * ms, 'taue': 5 * ms, 'Ee': 0 * mV, 'vt': -54 * mV, 'vr': -60 * mV,
    'El': -74 * mV, 'taupre': taupre, 'taupost': taupost,
    'gmax': gmax, 'dApre': dApre, 'dApost': dApost,
}
eqs_neuron = '''
dv/dt = (ge * (Ee - v) + El - v) / taum : volt
dge/dt = -ge / taue : 1
'''
eqs_synapse = '''
w : 1
dApre/dt = -Apre / taupre : 1 (event-driven)
dApost/dt = -Apost / taupost : 1 (event-driven)
'''


def build(w0):
    """The objects; `w0` is None (w = rand()*gmax) or the initial w / gmax."""
    defaultclock.dt = dt_ms * ms
    b2.seed(seed_value)
    inputs = PoissonGroup(N, rates=F * Hz, name='stdp_inputs')
    neuron = NeuronGroup(1, eqs_neuron, threshold='v > vt', reset='v = vr',
                         method=args.method, namespace=namespace, name='stdp_neuron')
    S = Synapses(inputs, neuron, eqs_synapse,
                 on_pre='''ge += w
                           Apre += dApre
                           w = clip(w + Apost, 0, gmax)''',
                 on_post='''Apost += dApost
                            w = clip(w + Apre, 0, gmax)''',
                 namespace=namespace, name='stdp_synapses')
    S.connect()
    if w0 is None:
        S.w = 'rand() * gmax'
    else:
        S.w = w0 * gmax
    neuron.v = v0_mV * mV
    post = SpikeMonitor(neuron, name='stdp_post_spikes')
    counter = SpikeMonitor(inputs, record=False, name='stdp_input_count')
    return inputs, neuron, S, post, counter


def read(directory):
    w0 = np.load(os.path.join(directory, 'w0.npy')).astype(np.float64)
    if w0.shape != (N,):
        sys.exit(f'stdp.py: w0.npy has shape {w0.shape}, N is {N}')
    return w0


def export(directory):
    """Draws the initial weights from the seed and writes them to `directory`."""
    objects = build(None)
    if args.target == 'cpp_standalone':
        # The values exist only once the binary has run.
        Network(*objects).run(0 * ms)
    S = objects[2]
    os.makedirs(directory, exist_ok=True)
    np.save(os.path.join(directory, 'w0.npy'), np.asarray(S.w_[:], dtype=np.float64) / gmax)


source, w0, began = network_source(b2, args, extra, began, export, read)

inputs, neuron, S, post, counter = build(w0)
net = Network(inputs, neuron, S, post, counter)
out = timed_run(b2, args, net, duration_ms * ms)
w = np.asarray(S.w_[:], dtype=np.float64) / gmax
post_spikes = int(len(post.i[:]))
out.update({
    'w': [float(x) for x in w],
    'hist': [int(x) for x in np.histogram(w, bins=20, range=(0.0, 1.0))[0]],
    'post_spikes': post_spikes,
    'post_rate_hz': post_spikes / (duration_ms / 1000.0),
    'input_spikes': int(np.sum(counter.count[:])),
    'v': [float(x) for x in np.asarray(neuron.v_[:]) * 1000.0],
    'N': N, 'F': F, 'dt_ms': dt_ms, 'duration_ms': duration_ms, 'v0_mV': v0_mV,
    'seed': seed_value, 'network': source,
    'update_code': neuron.state_updater.abstract_code,
})
finish(b2, args, began, post, defaultclock.dt, out)
