#!/usr/bin/python3
"""cpsim against Mesa on Mesa's Boltzmann wealth model: agent-steps per second.

    bench/mesa_compare.py [--cpsim build/app/cpsim] [--sizes 1000,100000] [--repeat 3]
    MESA_SRC=/path/to/mesa bench/mesa_compare.py     # also runs Mesa side by side

cpsim runs `scenarios/boltzmann.yaml` (Mesa's rule: every step every agent, in
a fresh random order, gives one unit to a random agent) with N agents, its
metrics (exact Gini, mean, top-10 % share, money check) every step and written
to an HDF5 file, no snapshots; and once more with `--no-output`. The rate is
N x steps over the process's whole wall time (start-up, set-up and closing the
file included), the best of --repeat runs, and the same over its CPU time
(user + system: steadier on a shared machine, and with --threads 1 the same
as wall time on an idle one); the per-step breakdown comes from `--profile`
(sweep, metrics, and the rest of the wall time: observer, writer, set-up).
The ratio is the wall-time rate over Mesa's.

Mesa: with MESA_SRC pointing to a Mesa checkout (its dependencies importable
by /usr/bin/python3), the script imports the Boltzmann wealth model shipped
in it (mesa/examples/basic/boltzmann_wealth_model, Mesa 3.x: agents move on
a grid and give to a cellmate; its DataCollector computes the Gini each step)
and times model.step(). Without MESA_SRC it prints the reference figure
measured before with Mesa 3.3.1 on this machine class (MESA_REFERENCE below).
Uses only the standard library (and Mesa's own dependencies when it runs).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Mesa 3.3.1's shipped Boltzmann wealth model on the project's 2-core machine
# (issue 13): agent-steps per second by N. Used when MESA_SRC is not given.
MESA_REFERENCE = {1000: 0.38e6}

# Steps per size: about 1e8 agent-steps for cpsim, a few seconds for Mesa.
CPSIM_STEPS = {1000: 100_000, 100_000: 1_000}
MESA_STEPS = {1000: 100, 100_000: 3}


def cpsim_run(cpsim, agents, steps, threads, output):
    """One run; returns (wall seconds, CPU seconds of the process, profile {phase: s})."""
    cmd = [cpsim, "run", os.path.join(ROOT, "scenarios", "boltzmann.yaml"),
           "--profile", "--format", "json", "--threads", str(threads), "--steps", str(steps),
           "--set", "parameters.agents=%d" % agents, "--set", "output.snapshot_every=0"]
    cmd += ["-o", output, "--force"] if output else ["--no-output"]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, check=True, stdout=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    report = json.loads(done.stdout)
    columns = report["profile"]["columns"]
    profile = dict(zip(columns["phase"]["values"], columns["seconds"]["values"]))
    return wall, cpu, profile


def mesa_rate(mesa_src, agents, steps):
    """Agent-steps per second of Mesa's shipped model, or None."""
    sys.path.insert(0, mesa_src)
    try:
        from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannWealth
    except ImportError as error:
        print("cannot import Mesa's Boltzmann model from %s: %s" % (mesa_src, error),
              file=sys.stderr)
        return None
    # The shipped grid is 10 x 10 for 100 agents: keep that density.
    side = max(10, int(round(agents**0.5)))
    model = BoltzmannWealth(n=agents, width=side, height=side, seed=42)
    start = time.perf_counter()
    for _ in range(steps):
        model.step()
    return agents * steps / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpsim", default=os.path.join(ROOT, "build", "app", "cpsim"))
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    mesa_src = os.environ.get("MESA_SRC")
    sizes = [int(n) for n in args.sizes.split(",")]

    print("%8s %9s %-6s %14s %14s %9s %9s %9s %12s %7s" %
          ("agents", "steps", "output", "agent-steps/s", "per CPU-s", "sweep us", "metric us",
           "other us", "Mesa a-s/s", "ratio"))
    with tempfile.TemporaryDirectory() as folder:
        for agents in sizes:
            steps = CPSIM_STEPS.get(agents, max(1, 10**8 // agents))
            if mesa_src:
                mesa = mesa_rate(mesa_src, agents, MESA_STEPS.get(agents, 10))
            else:
                mesa = MESA_REFERENCE.get(agents)
            for label, output in (("hdf5", os.path.join(folder, "run.h5")), ("none", None)):
                best = None
                for _ in range(args.repeat):
                    run = cpsim_run(args.cpsim, agents, steps, args.threads, output)
                    if best is None or run[0] < best[0]:
                        best = run
                wall, cpu, profile = best
                sweep = sum(s for p, s in profile.items() if p != "(metrics)")
                metrics = profile.get("(metrics)", 0.0)
                us = 1e6 / steps
                rate = agents * steps / wall
                print("%8d %9d %-6s %14.3e %14.3e %9.2f %9.2f %9.2f %12s %7s" %
                      (agents, steps, label, rate, agents * steps / cpu, sweep * us, metrics * us,
                       (wall - sweep - metrics) * us,
                       "%.3e" % mesa if mesa else "n/a",
                       "%.0fx" % (rate / mesa) if mesa else "-"))
                sys.stdout.flush()
    print("Mesa figures: %s" % ("measured now from " + mesa_src if mesa_src else
                                "Mesa 3.3.1 as measured before (set MESA_SRC to run Mesa)"))


if __name__ == "__main__":
    main()
