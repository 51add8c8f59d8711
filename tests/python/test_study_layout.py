#!/usr/bin/env python3
"""Checks that a cpsim study file opens as it is with h5py and xarray.

Usage: test_study_layout.py CPSIM_BINARY SOURCE_DIR

Runs `CPSIM_BINARY study` on a tiny kinetic-exchange study (a lambda sweep
against lambda = 0, 3 replicates) and checks the layout of docs/studies.md:
root attributes, /metrics on (scenario, replicate, step) with labels and
seeds, /scenarios, /comparison and each statistic's sub-group opening in
xarray with the h5netcdf engine, and the statistics against the runs; then a sensitivity design's
/sensitivity and a parameter-uncertainty study's /parameter_draws.

Exits 0 if every check passes, 1 otherwise (a list of failures on stderr).
"""
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import xarray as xr

failures = []
STATISTICS = ("mean_difference", "sd", "ci_low", "ci_high", "baseline_mean", "reform_mean")
T_975_2 = 4.3026527297494618  # Student's t(0.975; 2 degrees of freedom)


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def run_study(cpsim, study, out):
    result = subprocess.run([cpsim, "study", study, "-o", out, "--quiet"],
                            capture_output=True, text=True)
    return check(result.returncode == 0, f"cpsim study {study}: {result.stdout}{result.stderr}")


def check_designs(cpsim, source):
    """/sensitivity and /parameter_draws (docs/studies.md): the Morris
    example on the Ishigami function and the parameter uncertainty example,
    each group opened with the h5netcdf engine and selected by label; mu*
    recomputed from the stored responses, the draws against the runs."""
    studies = os.path.join(source, "scenarios", "studies")
    with tempfile.TemporaryDirectory() as tmp:
        morris = os.path.join(tmp, "morris.h5")
        if run_study(cpsim, os.path.join(studies, "ishigami-morris.yaml"), morris):
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
        if run_study(cpsim, os.path.join(studies, "ishigami-uncertainty.yaml"), draws):
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


def main():
    cpsim, source = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        study = os.path.join(tmp, "study.yaml")
        with open(study, "w") as f:
            f.write(f"""name: tiny
seed: 3
replicates: 3
steps: 8
scenario: {source}/tests/data/bad-studies/helpers/kinetic.yaml
scenarios:
  base: {{set: {{parameters.lambda: 0.0}}}}
  saving: {{}}
sweeps:
  - {{scenario: saving, parameter: parameters.lambda, values: [0.3, 0.6]}}
compare:
  - {{reform: saving, baseline: base}}
""")
        path = os.path.join(tmp, "study.h5")
        subprocess.run([cpsim, "study", study, "-o", path, "--quiet"], check=True)

        with h5py.File(path, "r") as f:
            attrs = f.attrs
            check(attrs["format"] == "cpsim-study", "format attribute")
            check(attrs["format_version"] == 1, "format_version")
            for key in ("cpsim_version", "git_commit", "created", "hostname", "command_line",
                        "study_name", "study_file", "study_yaml", "seed", "replicates",
                        "confidence", "threads", "wall_seconds", "complete"):
                check(key in attrs, f"root attribute {key} missing")
            check(attrs["complete"] == 1, "complete = 1")
            for group in ("metrics", "scenarios", "comparison"):
                check(group in f, f"/{group} missing")

        labels = ["base", "saving[lambda=0.3]", "saving[lambda=0.6]"]
        metrics = xr.open_dataset(path, group="metrics", engine="h5netcdf")
        check(metrics["gini"].dims == ("scenario", "replicate", "step"), "gini dims")
        check(dict(metrics.sizes) == {"scenario": 3, "replicate": 3, "step": 9}, f"sizes {dict(metrics.sizes)}")
        check(list(metrics["scenario_label"].values) == labels, "scenario labels")
        check(metrics["seed"].dims == ("replicate",) and metrics["seed"].dtype == np.uint64, "seed on replicate")
        check(len(set(metrics["seed"].values.tolist())) == 3, "distinct replicate seeds")
        check(metrics["money_error"].dtype == np.int64, "integer metrics stay int64")

        scenarios = xr.open_dataset(path, group="scenarios", engine="h5netcdf")
        check("parameters.lambda=0.6" in str(scenarios["overrides"].values[2]), "overrides text")

        comparison = xr.open_dataset(path, group="comparison", engine="h5netcdf")
        check(list(comparison["contrast_label"].values) == [f"{label} - base" for label in labels[1:]],
              "contrast labels")
        check(list(comparison["n"].values) == [3, 3], "n per contrast")
        gini = metrics["gini"].values.astype(np.float64)
        for c, reform in enumerate((1, 2)):
            difference = gini[reform] - gini[0]  # replicate, step
            stats = {s: xr.open_dataset(path, group=f"comparison/{s}", engine="h5netcdf") for s in STATISTICS}
            for s, ds in stats.items():
                check(ds["gini"].dims == ("contrast", "step"), f"{s} dims")
            mean = stats["mean_difference"]["gini"].values[c]
            sd = stats["sd"]["gini"].values[c]
            check(np.allclose(mean, difference.mean(axis=0), rtol=1e-12, atol=1e-15), "mean difference")
            check(np.allclose(sd, difference.std(axis=0, ddof=1), rtol=1e-9, atol=1e-15), "sd")
            half = T_975_2 * sd / math.sqrt(3)
            check(np.allclose(stats["ci_high"]["gini"].values[c] - mean, half, rtol=1e-12, atol=1e-15), "ci_high")
            check(np.allclose(mean - stats["ci_low"]["gini"].values[c], half, rtol=1e-12, atol=1e-15), "ci_low")
            check(np.allclose(stats["baseline_mean"]["gini"].values[c], gini[0].mean(axis=0), rtol=1e-12),
                  "baseline mean")
            check(stats["mean_difference"]["gini"].values[c][0] == 0, "step 0 identical (common initial state)")

    check_designs(cpsim, source)
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    print("study layout: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
