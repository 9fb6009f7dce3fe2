"""Brian2 side of `npm run bench:brian2`: a population of leaky
integrate-and-fire neurons, the library's models.LIF written in Brian2.

    dv/dt = (El - v + I) / tau : volt (unless refractory)
    threshold v > vt, reset v = vr, refractory tref (a per-neuron parameter)

El, I and tref are per neuron, from CONFIG (mV, mV, ms): {"dt_ms",
"duration_ms", "vt", "vr", "tau", "El": [...], "I": [...], "tref": [...]}.
Every neuron starts at v = vr, as models.LIF does (its v starts at -60 mV).

--library-timing holds v after a spike as neural-ts does, for the
diagnosis in bench/brian2.ts: for max(1, R) steps where Brian2 holds it for
max(0, R - 1), R = timestep(tref, dt) (the refractory period
tref + dt + dt*int(R == 0)).
The output also holds the update code Brian2 generated (`update_code`) and
the final v (mV).
"""
from common import parse, start, finish

args, config = parse(__doc__, methods=('exponential_euler', 'exact'),
                     flags=[('--library-timing', "hold v after a spike as neural-ts does")])
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
refractory = 'tref + dt + dt*int(timestep(tref, dt) == 0)' if args.library_timing else 'tref'
group = NeuronGroup(n, eqs, threshold='v > vt', reset='v = vr', refractory=refractory,
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
