"""Brian2 side of the CUBA benchmark: Brian2's examples/CUBA.py (Vogels &
Abbott 2005, benchmark 2 of Brette et al. 2007), a random network of N
leaky integrate-and-fire neurons with exponential synaptic currents, in mV
and ms:

    dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
    dge/dt = -ge / taue : volt
    dgi/dt = -gi / taui : volt
    threshold v > Vt, reset v = Vr, refractory 5 ms
    taum = 20 ms, taue = 5 ms, taui = 10 ms, Vt = -50 mV, Vr = -60 mV,
    El = -49 mV, we = 60*0.27/10 mV = 1.62 mV, wi = -20*4.5/10 mV = -9 mV

One NeuronGroup of N neurons; the first Ne = 4*N//5 are excitatory. As in
the example, both Synapses go from the whole group to itself, Ce
(on_pre 'ge += we') connected with `connect('i < Ne', p=p)` and Ci
(on_pre 'gi += wi') with `connect('i >= Ne', p=p)` (self-connections are
not excluded), so the sources are global neuron indices. Every neuron
starts at v = Vr + rand()*(Vt - Vr), ge = gi = 0. Only v is held during the
refractory period; ge and gi go on decaying and receiving input.

With "delay_max_ms" in CONFIG (not in Brian2's example), every synapse of
Ce and Ci gets its own delay, drawn by Brian2 after v:
`Ce.delay = 'rand() * delay_max'`, then the same for Ci, with delay_max =
delay_max_ms * ms. Brian2 rounds each delay to whole steps (its spike queue:
int(delay / dt + 0.5)); a spike of step k is delivered in the synapses slot
of step k + that many steps, so it moves v from the update of the next step
on. Without it every delay is 0, as in the example.

    python3 cuba.py CONFIG OUT [--target numpy|cpp_standalone]
        [--method exponential_euler|euler|exact] [--export DIR | --import DIR]

CONFIG: {"N" (4000), "p" (80/N), "dt_ms" (0.1), "duration_ms" (1000),
"seed" (integer given to brian2.seed; absent or null: a random seed),
"threads" (OpenMP threads of cpp_standalone; absent: Brian2's default, 0: none),
"delay_max_ms" (absent or null: no delays; a number: delays drawn in
[0, delay_max_ms) ms, see above)}.

--export DIR writes the network Brian2 generated: DIR/exc_i.npy,
DIR/exc_j.npy, DIR/inh_i.npy, DIR/inh_j.npy (int32, global neuron indices,
in Brian2's synapse order) and DIR/v0.npy (float64, mV); with
"delay_max_ms", also DIR/exc_delay.npy and DIR/inh_delay.npy (float64, ms,
one per synapse, in the same order; without it, any such files left in DIR
are removed). The simulation then runs on the network read back from these
files, exactly as a later `--import DIR` run does, so that the two give the
same spikes (v0 and the delays in ms do not always convert back to the very
same seconds, hence the read-back).
With cpp_standalone the generation is a first standalone build (a run of
0 ms); the timings are those of the second build, the one that simulates.
--import DIR connects with `connect(i=..., j=...)` and sets v from v0.npy
(and, with "delay_max_ms", the delays from exc_delay.npy and inh_delay.npy;
delay_max_ms itself is then not used to draw anything).
A network given by seed differs between the targets (different random
streams); a network given by files does not.

OUT: common.finish's keys (units, steps: the spikes; seconds: from the
first object built to the end, compilation included) and
- run_seconds: the simulation alone (cpp_standalone: the binary's own
  measure of its network run loop, device._last_run_time, which is the
  process's CPU time (std::clock) over the loop; numpy: the run() call);
- run_wall_seconds: the same loop in wall-clock time (cpp_standalone: a
  std::chrono::steady_clock measure inserted around the network's run
  in main.cpp; numpy: the run() call);
- run_call_seconds: the whole run() call (for cpp_standalone: code
  generation, compilation, the binary, reading the results back);
- build_seconds, binary_seconds (cpp_standalone only): `make` (and `make
  clean`) and the whole binary's wall time, from device.timers;
- v: the final v (mV); synapses: {"exc", "inh"}; N, Ne, p, dt_ms,
  duration_ms, seed, delay_max_ms (null: no delays), network ("generated",
  "exported" or "imported");
- rate_hz (mean firing rate), silent_fraction (neurons without a spike).
- update_code: the update Brian2 generated (abstract code).
"""
import os
import sys

from common import network_options, parse, start, finish, network_source, timed_run
extra = network_options('cuba.py')

args, config = parse(__doc__, methods=('exponential_euler', 'euler', 'exact'))
b2, began = start(args.target, config.get('threads'))
import numpy as np
from brian2 import NeuronGroup, Synapses, SpikeMonitor, Network, defaultclock, ms, mV, second, volt

N = int(config.get('N', 4000))
Ne = (4 * N) // 5
p = float(config.get('p', 80.0 / N))
dt_ms = float(config.get('dt_ms', 0.1))
duration_ms = float(config.get('duration_ms', 1000.0))
seed_value = config.get('seed')
delay_max_ms = config.get('delay_max_ms')
if delay_max_ms is not None:
    delay_max_ms = float(delay_max_ms)
    if not delay_max_ms >= 0:
        sys.exit(f'cuba.py: delay_max_ms is {delay_max_ms}, give a number >= 0')
FILES = ('exc_i', 'exc_j', 'inh_i', 'inh_j', 'v0')
DELAY_FILES = ('exc_delay', 'inh_delay')

namespace = {
    'taum': 20 * ms, 'taue': 5 * ms, 'taui': 10 * ms,
    'Vt': -50 * mV, 'Vr': -60 * mV, 'El': -49 * mV,
    'we': (60 * 0.27 / 10) * mV, 'wi': (-20 * 4.5 / 10) * mV,
    'Ne': Ne,
    'delay_max': (delay_max_ms or 0.0) * ms,
}
eqs = '''
dv/dt = (ge + gi - (v - El)) / taum : volt (unless refractory)
dge/dt = -ge / taue : volt
dgi/dt = -gi / taui : volt
'''


def build(network):
    """The objects; `network` is None (generate from the seed) or the arrays of FILES."""
    defaultclock.dt = dt_ms * ms
    b2.seed(seed_value)
    P = NeuronGroup(N, eqs, threshold='v > Vt', reset='v = Vr', refractory=5 * ms,
                    method=args.method, namespace=namespace, name='cuba')
    Ce = Synapses(P, P, on_pre='ge += we', namespace=namespace, name='cuba_exc')
    Ci = Synapses(P, P, on_pre='gi += wi', namespace=namespace, name='cuba_inh')
    if network is None:
        Ce.connect('i < Ne', p=p)
        Ci.connect('i >= Ne', p=p)
        P.v = 'Vr + rand() * (Vt - Vr)'
        if delay_max_ms is not None:
            # After v, so that the connectivity and v0 of a seed are those without delays.
            Ce.delay = 'rand() * delay_max'
            Ci.delay = 'rand() * delay_max'
    else:
        Ce.connect(i=network['exc_i'], j=network['exc_j'])
        Ci.connect(i=network['inh_i'], j=network['inh_j'])
        # v0 is in mV; volts = mV / 1000, the same conversion as export's.
        P.v = (network['v0'] / 1000.0) * volt
        if delay_max_ms is not None:
            # The delays are in ms; seconds = ms / 1000, the same conversion as export's.
            Ce.delay = (network['exc_delay'] / 1000.0) * second
            Ci.delay = (network['inh_delay'] / 1000.0) * second
    P.ge = 0 * mV
    P.gi = 0 * mV
    monitor = SpikeMonitor(P, name='cuba_spikes')
    return P, Ce, Ci, monitor


def read(directory):
    network = {name: np.load(os.path.join(directory, name + '.npy')) for name in FILES}
    for name in FILES[:4]:
        network[name] = network[name].astype(np.int32)
        if network[name].size and (network[name].min() < 0 or network[name].max() >= N):
            sys.exit(f'cuba.py: {name}.npy holds indices outside [0, {N})')
    network['v0'] = network['v0'].astype(np.float64)
    if network['v0'].shape != (N,):
        sys.exit(f'cuba.py: v0.npy has shape {network["v0"].shape}, N is {N}')
    if network['exc_i'].shape != network['exc_j'].shape or network['inh_i'].shape != network['inh_j'].shape:
        sys.exit('cuba.py: the i.npy and j.npy of a projection differ in length')
    if delay_max_ms is not None:
        for name, side in zip(DELAY_FILES, ('exc_i', 'inh_i')):
            path = os.path.join(directory, name + '.npy')
            if not os.path.exists(path):
                sys.exit(f'cuba.py: delay_max_ms is given but {path} does not exist')
            delay = np.load(path).astype(np.float64)
            if delay.shape != network[side].shape:
                sys.exit(f'cuba.py: {name}.npy has shape {delay.shape}, the projection {network[side].shape}')
            if delay.size and not (np.all(np.isfinite(delay)) and delay.min() >= 0):
                sys.exit(f'cuba.py: {name}.npy holds delays that are negative or not finite')
            network[name] = delay
    return network


def export(directory):
    """Generates the network from the seed and writes it to `directory`."""
    P, Ce, Ci, monitor = build(None)
    if args.target == 'cpp_standalone':
        # The values exist only once the binary has run.
        Network(P, Ce, Ci, monitor).run(0 * ms)
    os.makedirs(directory, exist_ok=True)
    arrays = {
        'exc_i': np.asarray(Ce.i[:], dtype=np.int32),
        'exc_j': np.asarray(Ce.j[:], dtype=np.int32),
        'inh_i': np.asarray(Ci.i[:], dtype=np.int32),
        'inh_j': np.asarray(Ci.j[:], dtype=np.int32),
        'v0': np.asarray(P.v_[:], dtype=np.float64) * 1000.0,
    }
    if delay_max_ms is not None:
        arrays['exc_delay'] = np.asarray(Ce.delay_[:], dtype=np.float64) * 1000.0
        arrays['inh_delay'] = np.asarray(Ci.delay_[:], dtype=np.float64) * 1000.0
    else:
        for name in DELAY_FILES:
            path = os.path.join(directory, name + '.npy')
            if os.path.exists(path):
                os.remove(path)
    for name, array in arrays.items():
        np.save(os.path.join(directory, name + '.npy'), array)


source, network, began = network_source(b2, args, extra, began, export, read)

P, Ce, Ci, monitor = build(network)
net = Network(P, Ce, Ci, monitor)
out = timed_run(b2, args, net, duration_ms * ms)
counts = np.bincount(np.asarray(monitor.i[:], dtype=np.int64), minlength=N)
out.update({
    'v': [float(x) for x in np.asarray(P.v_[:]) * 1000.0],
    'synapses': {'exc': int(len(Ce.i[:])), 'inh': int(len(Ci.i[:]))},
    'N': N, 'Ne': Ne, 'p': p, 'dt_ms': dt_ms, 'duration_ms': duration_ms,
    'seed': seed_value, 'delay_max_ms': delay_max_ms, 'network': source,
    'update_code': P.state_updater.abstract_code,
    'rate_hz': float(counts.sum() / N / (duration_ms / 1000.0)),
    'silent_fraction': float(np.mean(counts == 0)),
})
finish(b2, args, began, monitor, defaultclock.dt, out)
