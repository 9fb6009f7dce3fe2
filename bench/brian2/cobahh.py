"""Brian2 side of the COBAHH benchmark: Brian2's examples/COBAHH.py
(benchmark 3 of Brette et al. 2007), a random network of N Hodgkin-Huxley
neurons (Traub & Miles type) with exponential synaptic conductances, in SI
units as the example writes it:

    dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v)
             - g_na*m**3*h*(v - ENa) - g_kd*n**4*(v - EK)) / Cm : volt
    dm/dt = alpha_m*(1 - m) - beta_m*m      (likewise n and h)
    dge/dt = -ge/taue, dgi/dt = -gi/taui : siemens
    alpha_m = 0.32/mV*4*mV / exprel((13*mV - v + VT)/(4*mV)) / ms
    beta_m  = 0.28/mV*5*mV / exprel((v - VT - 40*mV)/(5*mV)) / ms
    alpha_h = 0.128*exp((17*mV - v + VT)/(18*mV)) / ms
    beta_h  = 4/(1 + exp((40*mV - v + VT)/(5*mV))) / ms
    alpha_n = 0.032/mV*5*mV / exprel((15*mV - v + VT)/(5*mV)) / ms
    beta_n  = 0.5*exp((10*mV - v + VT)/(40*mV)) / ms
    (exprel(x) = (exp(x) - 1)/x, 1 at x = 0)

with area = 20000 um2, Cm = 1 uF/cm2 * area = 200 pF, gl = 5e-5 S/cm2 *
area = 10 nS, g_na = 100 mS/cm2 * area = 20 uS, g_kd = 30 mS/cm2 * area =
6 uS, El = -60 mV, EK = -90 mV, ENa = 50 mV, VT = -63 mV, Ee = 0 mV,
Ei = -80 mV, taue = 5 ms, taui = 10 ms, we = 6 nS, wi = 67 nS.
Threshold v > -20 mV with refractory 3 ms and no reset: the refractory
period only keeps the threshold from firing again (no variable is held).

One NeuronGroup of N neurons; the first Ne = 4*N//5 are excitatory. As in
the example, Ce = Synapses(P[:Ne], P, on_pre='ge += we') and
Ci = Synapses(P[Ne:], P, on_pre='gi += wi'), each `connect(p=p)`
(self-connections not excluded). Initial values as in the example:
v = El + (randn()*5 - 5)*mV, ge = (randn()*1.5 + 4)*10 nS,
gi = (randn()*12 + 20)*10 nS (either may start negative); the example
leaves m, n and h at 0, and so does this script.

    python3 cobahh.py CONFIG OUT [--target numpy|cpp_standalone]
        [--method exponential_euler|euler|rk2|rk4] [--export DIR | --import DIR]

euler, rk2 and rk4 diverge (NaN) at dt = 0.1 ms: the HH equations are
too stiff for them; they work at dt = 0.01 ms.

CONFIG: {"N" (4000), "p" (0.02), "dt_ms" (0.1), "duration_ms" (1000),
"seed" (integer given to brian2.seed; absent or null: a random seed),
"threads" (OpenMP threads of cpp_standalone; absent: Brian2's default, 0: none)}.

--export DIR writes the network Brian2 generated: DIR/exc_i.npy,
DIR/exc_j.npy, DIR/inh_i.npy, DIR/inh_j.npy (int32, global neuron indices,
in Brian2's synapse order; inh_i = Ci.i + Ne), DIR/v0.npy (float64, mV),
DIR/ge0.npy and DIR/gi0.npy (float64, nS). The simulation then runs on the
network read back from these files, exactly as a later `--import DIR` run
does (values in mV or nS do not always convert back to the very same SI
values, hence the read-back). With cpp_standalone the generation is a first
standalone build (a run of 0 ms); the timings are those of the second
build. --import DIR reads the same files (exc_i in [0, Ne), inh_i in
[Ne, N)) and connects with `connect(i=..., j=...)`; m, n, h start at 0.

OUT: common.finish's keys (units, steps: the spikes; seconds: from the
first object built to the end, compilation included) and
- run_seconds: the simulation alone (cpp_standalone: the binary's own
  measure of its network run loop, device._last_run_time, which is the
  process's CPU time (std::clock) over the loop; numpy: the run() call);
- run_wall_seconds: the same loop in wall-clock time (cpp_standalone: a
  std::chrono::steady_clock measure inserted around the network's run
  in main.cpp; numpy: the run() call);
- run_call_seconds: the whole run() call;
- build_seconds, binary_seconds (cpp_standalone only): `make` (and `make
  clean`) and the whole binary's wall time, from device.timers;
- v: the final v (mV); synapses: {"exc", "inh"}; N, Ne, p, dt_ms,
  duration_ms, seed, network ("generated", "exported" or "imported");
- rate_hz (mean firing rate), silent_fraction (neurons without a spike).
- update_code: the update Brian2 generated (abstract code).
"""
import os
import sys

from common import network_options, parse, start, finish, network_source, timed_run
extra = network_options('cobahh.py')

args, config = parse(__doc__, methods=('exponential_euler', 'euler', 'rk2', 'rk4'))
b2, began = start(args.target, config.get('threads'))
import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, Network, Equations, defaultclock,
                    ms, mV, nS, siemens, msiemens, ufarad, umetre, cm, volt)

N = int(config.get('N', 4000))
Ne = (4 * N) // 5
p = float(config.get('p', 0.02))
dt_ms = float(config.get('dt_ms', 0.1))
duration_ms = float(config.get('duration_ms', 1000.0))
seed_value = config.get('seed')
FILES = ('exc_i', 'exc_j', 'inh_i', 'inh_j', 'v0', 'ge0', 'gi0')

area = 20000 * umetre ** 2
namespace = {
    'Cm': (1 * ufarad * cm ** -2) * area,
    'gl': (5e-5 * siemens * cm ** -2) * area,
    'El': -60 * mV, 'EK': -90 * mV, 'ENa': 50 * mV,
    'g_na': (100 * msiemens * cm ** -2) * area,
    'g_kd': (30 * msiemens * cm ** -2) * area,
    'VT': -63 * mV,
    'taue': 5 * ms, 'taui': 10 * ms,
    'Ee': 0 * mV, 'Ei': -80 * mV,
    'we': 6 * nS, 'wi': 67 * nS,
}
eqs = Equations('''
dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v)
         - g_na*(m*m*m)*h*(v - ENa)
         - g_kd*(n*n*n*n)*(v - EK))/Cm : volt
dm/dt = alpha_m*(1 - m) - beta_m*m : 1
dn/dt = alpha_n*(1 - n) - beta_n*n : 1
dh/dt = alpha_h*(1 - h) - beta_h*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV - v + VT)/(4*mV))/ms : Hz
beta_m = 0.28*(mV**-1)*5*mV/exprel((v - VT - 40*mV)/(5*mV))/ms : Hz
alpha_h = 0.128*exp((17*mV - v + VT)/(18*mV))/ms : Hz
beta_h = 4./(1 + exp((40*mV - v + VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV - v + VT)/(5*mV))/ms : Hz
beta_n = .5*exp((10*mV - v + VT)/(40*mV))/ms : Hz
''')


def build(network):
    """The objects; `network` is None (generate from the seed) or the arrays of FILES."""
    defaultclock.dt = dt_ms * ms
    b2.seed(seed_value)
    P = NeuronGroup(N, model=eqs, threshold='v > -20*mV', refractory=3 * ms,
                    method=args.method, namespace=namespace, name='cobahh')
    Ce = Synapses(P[:Ne], P, on_pre='ge += we', namespace=namespace, name='cobahh_exc')
    Ci = Synapses(P[Ne:], P, on_pre='gi += wi', namespace=namespace, name='cobahh_inh')
    if network is None:
        # The example's order: connect, then the initial values.
        Ce.connect(p=p)
        Ci.connect(p=p)
        P.v = 'El + (randn() * 5 - 5)*mV'
        P.ge = '(randn() * 1.5 + 4) * 10.*nS'
        P.gi = '(randn() * 12 + 20) * 10.*nS'
    else:
        Ce.connect(i=network['exc_i'], j=network['exc_j'])
        Ci.connect(i=network['inh_i'] - Ne, j=network['inh_j'])
        # The same conversions as export's: mV / 1000 and nS / 1e9.
        P.v = (network['v0'] / 1000.0) * volt
        P.ge = (network['ge0'] / 1e9) * siemens
        P.gi = (network['gi0'] / 1e9) * siemens
    monitor = SpikeMonitor(P, name='cobahh_spikes')
    return P, Ce, Ci, monitor


def read(directory):
    network = {name: np.load(os.path.join(directory, name + '.npy')) for name in FILES}
    bounds = {'exc_i': (0, Ne), 'exc_j': (0, N), 'inh_i': (Ne, N), 'inh_j': (0, N)}
    for name, (low, high) in bounds.items():
        network[name] = network[name].astype(np.int32)
        if network[name].size and (network[name].min() < low or network[name].max() >= high):
            sys.exit(f'cobahh.py: {name}.npy holds indices outside [{low}, {high})')
    for name in ('v0', 'ge0', 'gi0'):
        network[name] = network[name].astype(np.float64)
        if network[name].shape != (N,):
            sys.exit(f'cobahh.py: {name}.npy has shape {network[name].shape}, N is {N}')
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
        'inh_i': np.asarray(Ci.i[:], dtype=np.int32) + Ne,
        'inh_j': np.asarray(Ci.j[:], dtype=np.int32),
        'v0': np.asarray(P.v_[:], dtype=np.float64) * 1000.0,
        'ge0': np.asarray(P.ge_[:], dtype=np.float64) * 1e9,
        'gi0': np.asarray(P.gi_[:], dtype=np.float64) * 1e9,
    }
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
    'seed': seed_value, 'network': source,
    'update_code': P.state_updater.abstract_code,
    'rate_hz': float(counts.sum() / N / (duration_ms / 1000.0)),
    'silent_fraction': float(np.mean(counts == 0)),
})
finish(b2, args, began, monitor, defaultclock.dt, out)
