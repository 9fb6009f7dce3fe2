"""Brian2 side of `npm run bench:brian2`: a PoissonGroup, to compare with
the library's models.Poisson by its statistics only (the random streams
differ).

CONFIG: {"dt_ms", "duration_ms", "num", "rate_hz", "seed"}.
"""
from common import parse, start, finish

args, config = parse(__doc__)
b2, began = start(args.target)
from brian2 import PoissonGroup, SpikeMonitor, Network, defaultclock, seed, ms, Hz

defaultclock.dt = config['dt_ms'] * ms
seed(config['seed'])
group = PoissonGroup(config['num'], rates=config['rate_hz'] * Hz, name='poisson')
monitor = SpikeMonitor(group)
net = Network(group, monitor)
net.run(config['duration_ms'] * ms)

finish(b2, args, began, monitor, defaultclock.dt, {'threshold': group.thresholder['spike'].abstract_code.strip()})
