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
import sys
import tempfile
import time


def network_options(script):
    """--export DIR and --import DIR of the scripts whose network travels as
    files, taken out of sys.argv before `parse` sees it (call it first)."""
    pre = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    pre.add_argument('--export', dest='export_dir', metavar='DIR')
    pre.add_argument('--import', dest='import_dir', metavar='DIR')
    known, rest = pre.parse_known_args()
    sys.argv[1:] = rest
    if known.export_dir and known.import_dir:
        sys.exit(f'{script}: give --export or --import, not both')
    return known


def network_source(brian2, args, options, began, export, read):
    """The network to simulate, as (source, network, began): with --export,
    `export(DIR)` writes what the seed made and the run reads it back (with
    cpp_standalone after a first build that only made it: the device starts
    anew and the times count from there); with --import, `read(DIR)`;
    otherwise ('generated', None)."""
    if options.export_dir:
        export(options.export_dir)
        if args.target == 'cpp_standalone':
            brian2.device.reinit()
            directory = tempfile.mkdtemp(prefix='brian2-standalone-')
            atexit.register(shutil.rmtree, directory, ignore_errors=True)
            brian2.device.activate(build_on_run=True, directory=directory)
        return 'exported', read(options.export_dir), time.perf_counter()
    if options.import_dir:
        return 'imported', read(options.import_dir), began
    return 'generated', None, began


def timed_run(brian2, args, net, duration):
    """Runs `net` for `duration` and returns its times: run_call_seconds (the
    whole call), run_seconds (cpp_standalone: the binary's CPU time of the
    run loop, device._last_run_time), run_wall_seconds (cpp_standalone: the
    wall time of the loop, measured in main.cpp), and for cpp_standalone
    build_seconds and binary_seconds (device.timers)."""
    standalone = args.target == 'cpp_standalone'
    if standalone:
        brian2.device.headers.append('<chrono>')
        brian2.device.insert_code('before_network_run',
                                  'const auto _bench_wall_start = std::chrono::steady_clock::now();')
        brian2.device.insert_code('after_network_run',
                                  'std::ofstream("results/bench_run_wall_seconds.txt") << '
                                  'std::chrono::duration<double>(std::chrono::steady_clock::now() - '
                                  '_bench_wall_start).count() << std::endl;')
    t0 = time.perf_counter()
    net.run(duration)
    call = time.perf_counter() - t0
    if not standalone:
        return {'run_call_seconds': call, 'run_seconds': call, 'run_wall_seconds': call}
    with open(os.path.join(brian2.device.project_dir, 'results', 'bench_run_wall_seconds.txt')) as f:
        wall = float(f.read())
    compile_timers = brian2.device.timers['compile']
    return {
        'run_call_seconds': call,
        'run_seconds': float(brian2.device._last_run_time),
        'run_wall_seconds': wall,
        'build_seconds': sum(x for x in compile_timers.values() if x is not None),
        'binary_seconds': brian2.device.timers['run_binary'],
    }


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
