#!/usr/bin/python3
"""Regenerates tests/golden/trajectories.yaml: runs every case of
tests/golden/cases.yaml with a built cpsim and keeps each metric at the case's
steps.

    scripts/regenerate-golden.py [--cpsim build/app/cpsim]

A change that moves any kept value must regenerate the file in the same
commit and say in the commit message why the model moved (docs/testing.md,
"Golden trajectories"). Values are written with round-trip precision, so a
build that reproduces the run reproduces the file exactly.
Needs Debian's python3-h5py, python3-numpy and python3-yaml.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = os.path.join(ROOT, "tests", "golden", "cases.yaml")
OUTPUT = os.path.join(ROOT, "tests", "golden", "trajectories.yaml")

HEADER = """\
# Golden trajectories: metrics of the runs in cases.yaml at selected steps,
# written by scripts/regenerate-golden.py from {commit}. Checked by
# tests/integration/test_golden.cpp: integer metrics (counts, money in fen)
# exactly, real metrics to a relative {relative:g} (the values are written with
# round-trip precision; the tolerance only absorbs a different libm). NaN
# (.nan) marks a value the model reports as undefined at that step.
# A change that moves any value regenerates this file in the same commit and
# says why in the commit message.
"""

RELATIVE_TOLERANCE = 1e-12


def metric_names(metrics: h5py.Group, steps: int) -> list[str]:
    """Every numeric per-step metric (not coordinates or labels)."""
    names = []
    for name, item in metrics.items():
        if not isinstance(item, h5py.Dataset) or item.attrs.get("CLASS") == b"DIMENSION_SCALE":
            continue
        if item.dtype.kind not in "iuf" or item.ndim == 0 or item.shape[0] != steps:
            continue
        names.append(name)
    return sorted(names)


def plain(value):
    """numpy values as YAML scalars: ints as int, floats with round-trip repr."""
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    return float(value)


def run_case(cpsim: str, name: str, case: dict, folder: str) -> dict:
    out = os.path.join(folder, name + ".h5")
    command = [cpsim, "run", os.path.join(ROOT, case["scenario"]), "-o", out, "--quiet",
               "--threads", "2", *case.get("arguments", [])]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"regenerate-golden: {' '.join(command)} failed ({done.returncode}): "
                 f"{done.stderr.strip()}")
    with h5py.File(out, "r") as f:
        metrics = f["metrics"]
        recorded = metrics["step"][()]
        wanted = case["steps"]
        rows = []
        for step in wanted:
            hits = np.nonzero(recorded == step)[0]
            if len(hits) != 1:
                sys.exit(f"regenerate-golden: case {name}: step {step} not in the run")
            rows.append(int(hits[0]))
        values = {}
        for metric in metric_names(metrics, len(recorded)):
            data = metrics[metric][()]
            values[metric] = [plain(data[row]) for row in rows]
        return {"model": f.attrs["model"].decode() if isinstance(f.attrs["model"], bytes)
                else str(f.attrs["model"]), "steps": wanted, "metrics": values}


class Dumper(yaml.SafeDumper):
    pass


def represent_list(dumper, data):
    # Lists of scalars on one line; lists of lists (vector metrics) one step a line.
    flow = all(not isinstance(v, (list, dict)) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


Dumper.add_representer(list, represent_list)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpsim", default=os.path.join(ROOT, "build", "app", "cpsim"))
    args = parser.parse_args()
    if not os.access(args.cpsim, os.X_OK):
        sys.exit(f"regenerate-golden: {args.cpsim}: no cpsim binary (build first, or --cpsim)")
    with open(CASES, encoding="utf-8") as f:
        cases = yaml.safe_load(f)
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "an unknown commit"
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    if dirty:
        commit += " with uncommitted changes"
    result = {"tolerance": {"integer": 0, "real_relative": RELATIVE_TOLERANCE}, "cases": {}}
    with tempfile.TemporaryDirectory() as folder:
        for name, case in cases.items():
            result["cases"][name] = run_case(args.cpsim, name, case, folder)
            print(f"  {name}: {len(result['cases'][name]['metrics'])} metrics at "
                  f"{len(case['steps'])} steps")
    text = HEADER.format(commit=commit, relative=RELATIVE_TOLERANCE)
    text += yaml.dump(result, Dumper=Dumper, sort_keys=False, width=100)
    temporary = OUTPUT + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, OUTPUT)
    print(f"wrote {os.path.relpath(OUTPUT, ROOT)}")


if __name__ == "__main__":
    main()
