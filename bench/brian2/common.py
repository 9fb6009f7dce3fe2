"""What the Brian2 scripts of bench/brian2/ share: the command line, the
code generation target, the timing and the JSON they write.

Each script is run as

    python3 SCRIPT CONFIG OUT [--target numpy|cpp_standalone] [--method M] [...]

where CONFIG is a JSON file with the network's parameters (written by
bench/brian2.ts, so that both sides use the same numbers) and OUT the JSON
file the script writes: the spikes as unit indices and step numbers
(int(round(t / dt))), sorted by step and then unit, the final state and the
times.
"""
import argparse
import atexit
import json
import os
import shutil
import tempfile
import time


def parse(description, methods=('exponential_euler',), flags=()):
    """The command line: CONFIG, OUT, --target, --method and the script's own flags."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('config', help='JSON file with the parameters')
    parser.add_argument('out', help='JSON file to write')
    parser.add_argument('--target', choices=['numpy', 'cpp_standalone'], default='numpy')
    parser.add_argument('--method', choices=list(methods), default=methods[0])
    for name, help_text in flags:
        parser.add_argument(name, action='store_true', help=help_text)
    args = parser.parse_args()
    with open(args.config) as f:
        config = json.load(f)
    return args, config


def start(target, threads=None):
    """Imports Brian2, selects the target (cpp_standalone with `threads`
    OpenMP threads when given), and returns (brian2, the time the model
    building starts)."""
    import brian2
    brian2.prefs.codegen.target = 'numpy'
    if target == 'cpp_standalone' and threads:
        brian2.prefs.devices.cpp_standalone.openmp_threads = int(threads)
    if target == 'cpp_standalone':
        # A fresh folder each time, so that the time includes the whole build.
        build = tempfile.mkdtemp(prefix='brian2-standalone-')
        atexit.register(shutil.rmtree, build, ignore_errors=True)
        brian2.set_device('cpp_standalone', directory=build, build_on_run=True)
    return brian2, time.perf_counter()


def finish(brian2, args, began, monitor, dt, extra):
    """Writes OUT: the spikes as (unit, step) sorted by step then unit, the times and `extra`."""
    seconds = time.perf_counter() - began
    units = [int(i) for i in monitor.i[:]]
    steps = [int(round(float(t) / float(dt))) for t in monitor.t[:]]
    order = sorted(range(len(units)), key=lambda j: (steps[j], units[j]))
    out = {
        'brian2': brian2.__version__,
        'target': args.target,
        'method': args.method,
        'units': [units[j] for j in order],
        'steps': [steps[j] for j in order],
        'seconds': seconds,
        **extra,
    }
    tmp = args.out + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(out, f)
    os.replace(tmp, args.out)
