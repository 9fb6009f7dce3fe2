"""Brian2 side of `npm run bench:brian2`: the library's
models.HodgkinHuxleySpiking written in Brian2, in mV and ms as the library
writes it (the variables are plain numbers; time is divided by ms).

The library's step, in Brian2's schedule:
- the update by exponential Euler ('groups');
- the bounds, v in [-80, 30] and the gates in [0, 1], applied to the new
  values (a run_regularly after the update, in 'groups');
- the spike, `vprev < 0 and v >= 0` ('thresholds');
- `vprev = v`, the library's @post (a run_regularly in 'after_thresholds').

The library guards the removable 0/0 of alpha_n and alpha_m (the limit when
|exp(-(v + 55)/10) - 1| <= 1e-7); Brian2's equations cannot hold the
conditional without breaking exponential Euler's linear form, so they leave
it out: it changes nothing unless v lands within about 1e-6 mV of -55 or
-40 mV.

CONFIG: {"dt_ms", "duration_ms", "stimulus": [...] (uA/cm2, per neuron)};
every neuron starts at the library's resting state.
"""
import numpy as np
from common import parse, start, finish

args, config = parse(__doc__)
b2, began = start(args.target)
from brian2 import NeuronGroup, SpikeMonitor, Network, defaultclock, ms

defaultclock.dt = config['dt_ms'] * ms
eqs = '''
dv/dt = (stimulus - gK*n**4*(v - EK) - gNa*m**3*h*(v - ENa) - gL*(v - EL)) / ms : 1
dn/dt = (alpha_n*(1 - n) - beta_n*n) / ms : 1
dm/dt = (alpha_m*(1 - m) - beta_m*m) / ms : 1
dh/dt = (alpha_h*(1 - h) - beta_h*h) / ms : 1
alpha_n = -0.01*(v + 55)/(exp(-(v + 55)/10) - 1) : 1
beta_n = 0.125*exp(-(v + 65)/80) : 1
alpha_m = -0.1*(v + 40)/(exp(-(v + 40)/10) - 1) : 1
beta_m = 4*exp(-(v + 65)/18) : 1
alpha_h = 0.07*exp(-(v + 65)/20) : 1
beta_h = 1/(exp(-(v + 35)/10) + 1) : 1
vprev : 1
stimulus : 1 (constant)
'''
namespace = {'gNa': 120, 'gK': 36, 'gL': 0.3, 'ENa': 50, 'EK': -77, 'EL': -54.387}
group = NeuronGroup(len(config['stimulus']), eqs, threshold='vprev < 0 and v >= 0', reset='',
                    method=args.method, namespace=namespace, name='hh')
group.run_regularly('v = clip(v, -80, 30)\nn = clip(n, 0, 1)\nm = clip(m, 0, 1)\nh = clip(h, 0, 1)',
                    when='groups', order=1, name='hh_bounds')
group.run_regularly('vprev = v', when='after_thresholds', name='hh_post')
group.stimulus = np.asarray(config['stimulus'])
group.v = -64.9963793311921
group.vprev = -64.9963793311921
group.n = 0.317732399760866
group.m = 0.0529550868130081
group.h = 0.595994124739864
monitor = SpikeMonitor(group)
net = Network(group, monitor)
net.run(config['duration_ms'] * ms)

finish(b2, args, began, monitor, defaultclock.dt, {
    'v': [float(x) for x in group.v[:]],
    'update_code': group.state_updater.abstract_code,
})
