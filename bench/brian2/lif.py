"""Brian2 side of `npm run bench:brian2`: a population of leaky
integrate-and-fire neurons, the library's models.LIF written in Brian2.

    dv/dt = (El - v + I) / tau : volt (unless refractory)
    threshold v > vt, reset v = vr, refractory tref (a per-neuron parameter)

El, I and tref are per neuron, from CONFIG (mV, mV, ms): {"dt_ms",
"duration_ms", "vt", "vr", "tau", "El": [...], "I": [...], "tref": [...]}.
Every neuron starts at v = vr, as models.LIF does (its v starts at -60 mV).

The output also holds the update code Brian2 generated (`update_code`) and
the final v (mV).
"""
from common import parse, start, finish

args, config = parse(__doc__, methods=('exponential_euler', 'exact'))
b2, began = start(args.target)
import numpy as np
from brian2 import NeuronGroup, SpikeMonitor, Network, defaultclock, ms, mV

defaultclock.dt = config['dt_ms'] * ms
n = len(config['El'])
eqs = '''
dv/dt = (El - v + I) / tau : volt (unless refractory)
El : volt (constant)
I : volt (constant)
vt : volt (constant)
vr : volt (constant)
tau : second (constant)
tref : second (constant)
'''
group = NeuronGroup(n, eqs, threshold='v > vt', reset='v = vr', refractory='tref',
                    method=args.method, name='lif')
group.El = np.asarray(config['El']) * mV
group.I = np.asarray(config['I']) * mV
group.tref = np.asarray(config['tref']) * ms
group.vt = config['vt'] * mV
group.vr = config['vr'] * mV
group.tau = config['tau'] * ms
group.v = config['vr'] * mV
monitor = SpikeMonitor(group)
net = Network(group, monitor)
net.run(config['duration_ms'] * ms)

finish(b2, args, began, monitor, defaultclock.dt, {
    'v': [float(x) for x in group.v[:] / mV],
    'update_code': group.state_updater.abstract_code,
})
