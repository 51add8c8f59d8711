#!/usr/bin/env python3
"""Checks that a cpsim study file opens as it is with h5py and xarray.

Usage: test_study_layout.py CPSIM_BINARY SOURCE_DIR

Runs `CPSIM_BINARY study` on a tiny kinetic-exchange study (a lambda sweep
against lambda = 0, 3 replicates) and checks the layout of docs/studies.md:
root attributes, /metrics on (scenario, replicate, step) with labels and
seeds, /scenarios, /comparison and each statistic's sub-group opening in
xarray with the h5netcdf engine, and the statistics against the runs.

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

    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    print("study layout: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
