#!/usr/bin/python3
"""Whole-run throughput: runs complete simulations with the cpsim command line
and prints agent-steps per second for each thread count.

    bench/run_scaling.py [--cpsim build/app/cpsim] [--threads 1,2] [--quick]

Each run is `cpsim run SCENARIO --no-output --quiet` (metrics included, no
file); the best of --repeat runs is kept. Uses only the standard library.
"""
import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (label, scenario, agents parameter, agents, steps)
CASES = [
    ("boltzmann mesa (sequential)", "scenarios/boltzmann.yaml", "agents", 1_000_000, 20),
    ("boltzmann random pairs (sequential)", "scenarios/boltzmann-random-pair.yaml", "agents", 1_000_000, 20),
    ("boltzmann synchronous (parallel)", "scenarios/boltzmann-synchronous.yaml", "agents", 1_000_000, 20),
    ("kinetic exchange (parallel)", "scenarios/kinetic-exchange.yaml", "agents", 1_000_000, 20),
]


def run_once(cpsim, scenario, key, agents, steps, threads):
    cmd = [cpsim, "run", os.path.join(ROOT, scenario), "--no-output", "--quiet",
           "--threads", str(threads), "--steps", str(steps),
           "--set", "parameters.%s=%d" % (key, agents)]
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpsim", default=os.path.join(ROOT, "build", "app", "cpsim"))
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="N = 1e5 instead of 1e6")
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    print("%-38s %9s %6s %8s %9s %16s %8s" % ("case", "agents", "steps", "threads", "wall s",
                                            "agent-steps/s", "speedup"))
    for label, scenario, key, agents, steps in CASES:
        if args.quick:
            agents //= 10
        base = None
        for t in threads:
            wall = min(run_once(args.cpsim, scenario, key, agents, steps, t)
                       for _ in range(args.repeat))
            rate = agents * steps / wall
            base = base or rate
            print("%-38s %9d %6d %8d %9.3f %16.3e %7.2fx" % (label, agents, steps, t, wall, rate,
                                                          rate / base))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
