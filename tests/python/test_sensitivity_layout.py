#!/usr/bin/env python3
"""Checks that a study's /sensitivity and /parameter_draws groups open in
xarray as docs/studies.md describes them.

Usage: test_sensitivity_layout.py CPSIM_BINARY SOURCE_DIR

Runs the Morris example on the Ishigami function and the parameter
uncertainty example, opens each group with the h5netcdf engine, selects by
label, and checks the indices against the responses and the draws against
the runs.

Exits 0 if every check passes, 1 otherwise (a list of failures on stderr).
"""
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import xarray as xr

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def run(cpsim, study, out):
    result = subprocess.run([cpsim, "study", study, "-o", out, "--quiet"],
                            capture_output=True, text=True)
    return check(result.returncode == 0, f"cpsim study {study}: {result.stdout}{result.stderr}")


def main():
    cpsim, source = sys.argv[1], sys.argv[2]
    studies = os.path.join(source, "scenarios", "studies")
    with tempfile.TemporaryDirectory() as tmp:
        morris = os.path.join(tmp, "morris.h5")
        if run(cpsim, os.path.join(studies, "ishigami-morris.yaml"), morris):
            s = xr.open_dataset(morris, group="sensitivity", engine="h5netcdf")
            check(s.attrs.get("method") == "morris", f"method {s.attrs.get('method')}")
            check(dict(s.sizes) == {"parameter": 3, "outcome": 1, "point": 400},
                  f"sizes {dict(s.sizes)}")
            check(s.mu_star.dims == ("parameter", "outcome"), f"mu_star dims {s.mu_star.dims}")
            mu_star = s.mu_star.sel(parameter="parameters.x1", outcome="y").item()
            low = s.mu_star_lower.sel(parameter="parameters.x1", outcome="y").item()
            high = s.mu_star_upper.sel(parameter="parameters.x1", outcome="y").item()
            check(low <= mu_star <= high, f"x1 mu* {mu_star} outside [{low}, {high}]")
            # mu* from the responses: in each trajectory of 4 points exactly
            # one coordinate changes per step; its effect is the change in y
            # over the change in the unit cube (+-2/3 at 4 levels).
            sample = s["sample"].values
            response = s.response.sel(outcome="y").values
            span = s.range_high.values - s.range_low.values
            effects = {0: [], 1: [], 2: []}
            for t in range(100):
                for m in range(3):
                    a, b = 4 * t + m, 4 * t + m + 1
                    moved = np.flatnonzero(sample[b] != sample[a])
                    check(len(moved) == 1, f"trajectory {t} step {m} moves {moved}")
                    i = int(moved[0])
                    step = (sample[b, i] - sample[a, i]) / span[i]
                    check(math.isclose(abs(step), 2 / 3, rel_tol=1e-12), f"step {step}")
                    effects[i].append((response[b] - response[a]) / step)
            for i, name in enumerate(s.parameter.values):
                expected = np.mean(np.abs(effects[i]))
                got = s.mu_star.sel(parameter=name, outcome="y").item()
                check(math.isclose(got, expected, rel_tol=1e-9), f"{name} mu* {got} != {expected}")
        draws = os.path.join(tmp, "draws.h5")
        if run(cpsim, os.path.join(studies, "ishigami-uncertainty.yaml"), draws):
            p = xr.open_dataset(draws, group="parameter_draws", engine="h5netcdf")
            check(p.value.dims == ("replicate", "parameter"), f"value dims {p.value.dims}")
            check(list(p.parameter.values) == ["parameters.x2", "parameters.x3"],
                  f"parameters {list(p.parameter.values)}")
            m = xr.open_dataset(draws, group="metrics", engine="h5netcdf")
            # y(higher_a) - y(baseline) = sin^2 x2 of the replicate's draw.
            y = m.y.isel(step=1).values
            x2 = p.value.sel(parameter="parameters.x2").values
            check(np.allclose(y[1] - y[0], np.sin(x2) ** 2, atol=1e-9),
                  "contrast != sin^2 of the drawn x2")
            check(bool(((p.value >= p.lower) & (p.value <= p.upper)).all()), "draw outside bounds")
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
