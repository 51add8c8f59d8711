#!/usr/bin/env python3
"""Checks that a cpsim calibration file opens as documented with h5py and xarray.

Usage: test_calibration_layout.py CPSIM_BINARY SOURCE_DIR

Runs `CPSIM_BINARY calibrate` on a tiny kinetic-exchange calibration (lambda
from the Gini and the top-10 % share) and checks the layout of
docs/calibration.md: the /calibration attributes, parameters, moments,
covariance, sensitivity and trace, each group opening in xarray with the
h5netcdf engine, and the numbers against each other (the estimate is the
trace's best point, the simulated mean is the mean of the per-seed values,
the standard errors are the covariance's diagonal).

Exits 0 if every check passes, 1 otherwise (a list of failures on stderr).
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import xarray as xr

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def main():
    cpsim, source = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "c.yaml")
        with open(path, "w") as f:
            f.write(f"""name: tiny
scenario: {source}/scenarios/kinetic-exchange.yaml
steps: 30
set: {{parameters.agents: 200, output.snapshot_every: 0}}
seeds: {{count: 4, seed: 5}}
parameters:
  parameters.lambda: {{lower: 0.1, upper: 0.9, start: 0.3}}
moments:
  - {{metric: gini, steps: [21, 30], target: 0.3, standard_error: 0.01, source: made up}}
  - {{name: top, metric: top10_share, step: 30, statistic: end, target: 0.25, weight: 2500}}
method: {{algorithm: LN_BOBYQA, max_evaluations: 15}}
""")
        out = os.path.join(tmp, "c.h5")
        run = subprocess.run([cpsim, "calibrate", path, "-o", out, "--quiet"],
                             capture_output=True, text=True)
        if not check(run.returncode == 0, f"cpsim calibrate failed: {run.stderr}"):
            return
        with h5py.File(out, "r") as f:
            check(f.attrs["format"] == "cpsim-calibration", "root format")
            # Every file the process read, one absolute path a line: here
            # the calibration and the scenario it names.
            files = f.attrs["input_files"].splitlines()
            check(os.path.realpath(path) in map(os.path.realpath, files) and len(files) == 2,
                  f"input_files: {files}")
            c = f["calibration"]
            for name in ("scenario", "model", "method", "objective", "evaluations", "seeds",
                         "converged"):
                check(name in c.attrs, f"/calibration@{name} missing")
            check(c.attrs["model"] == "kinetic_exchange", "model")
            check(c.attrs["seeds"] == 4, "seeds")
            n_eval = int(c.attrs["evaluations"])
            p = c["parameters"]
            check([s.decode() if isinstance(s, bytes) else s for s in p["name"][()]] ==
                  ["parameters.lambda"], "parameter names")
            for name in ("estimate", "lower", "upper", "start", "standard_error"):
                check(p[name].dtype == np.float64 and p[name].shape == (1,), f"parameters/{name}")
            m = c["moments"]
            for name in ("target", "standard_error", "weight", "simulated_mean",
                         "simulated_lower", "simulated_upper"):
                check(m[name].shape == (2,), f"moments/{name}")
            check(m["source"][0].decode() == "made up", "moments/source")
            check(np.allclose(m["weight"][()], [1e4, 2500]), "weights")
            check(np.allclose(m["simulated"][()].mean(axis=1), m["simulated_mean"][()],
                              rtol=1e-12), "simulated_mean is the mean over seeds")
            check(np.all(m["simulated_lower"][()] <= m["simulated_mean"][()]) and
                  np.all(m["simulated_mean"][()] <= m["simulated_upper"][()]), "interval order")
            check(c["covariance"].shape == (1, 1), "covariance shape")
            check(c["sensitivity"].shape == (2, 1), "sensitivity shape")
            check(np.isclose(np.sqrt(c["covariance"][0, 0]), p["standard_error"][0]),
                  "standard error is sqrt(covariance)")
            t = c["trace"]
            check(t["objective"].shape == (n_eval,), "trace/objective")
            check(t["parameters"].shape == (n_eval, 1), "trace/parameters")
            best = int(np.argmin(t["objective"][()]))
            check(t["objective"][best] == c.attrs["objective"], "objective is the trace's best")
            check(t["parameters"][best, 0] == p["estimate"][0], "estimate is the trace's best")
        # xarray opens every group with its dimensions named.
        ds = xr.open_dataset(out, group="calibration", engine="h5netcdf")
        check(ds["sensitivity"].dims == ("moment", "parameter"), "sensitivity dims")
        check(ds["covariance"].dims == ("parameter", "parameter_j"), "covariance dims")
        check(list(ds["moment"].values) == ["gini", "top"], "moment coordinate")
        ds = xr.open_dataset(out, group="calibration/moments", engine="h5netcdf")
        check(ds["simulated"].dims == ("name", "seed"), "moments/simulated dims")
        check(float(ds["target"].sel(name="top")) == 0.25, "select a moment by name")
        ds = xr.open_dataset(out, group="calibration/trace", engine="h5netcdf")
        check(ds["parameters"].dims == ("evaluation", "parameter"), "trace dims")
        ds = xr.open_dataset(out, group="calibration/parameters", engine="h5netcdf")
        check(ds["estimate"].dims == ("name",), "parameters dims")


if __name__ == "__main__":
    main()
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    sys.exit(1 if failures else 0)
