"""A small real study for the policy brief's tests, and a household comparison added to it by hand.

The household comparison (/comparison/<contrast>/, docs/analysis.md) is written here with h5py from
fixed numbers, so the brief's decile, winners/losers and budget sections are checked against values
known in advance, whatever the study writer computes.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import ECONOMY_STEPS, run_cpsim, scenario

REPLICATES = 3
CONTRAST = "dibao_1100 - baseline"
CHOSEN = ["dibao_households", "dibao_poverty_rate", "gini_income", "urban_rural_ratio"]
DECILE_ABS = np.array([1800.0, 600, 150, 40, 10, 0, 0, 0, 0, 0])  # RMB/person/year
BASELINE_INCOME = np.array([9000, 20000, 30000, 40000, 50000, 60000, 75000, 90000, 120000, 200000.0])
SHARES = np.array([[0.18, 0.05, 0.77, 0, 0], [0.08, 0.04, 0.88, 0, 0]] + [[0.0, 0.02, 0.98, 0, 0]] * 8)
BUDGET = np.array([[2.1e6, 0.0], [2.4e6, 0.1e6]])  # (year, item): dibao spending, income-tax revenue gain
DISCOUNT_RATE = 0.03


def make_study(directory: Path) -> Path:
    """`cpsim study` of xihu-small (1:100) for 24 months from 2021-07: baseline and a higher dibao, 3 replicates."""
    commands = run_cpsim("--help", check=False).stdout
    if not re.search(r"^\s+study\b", commands, re.M):
        pytest.skip("this cpsim build has no `study` command")
    base = scenario("xihu-small.yaml")
    text = f"""name: dibao-study
description: A higher dibao standard (1,100 instead of 917 RMB per person a month) against the baseline
seed: 20210701
replicates: {REPLICATES}
steps: {ECONOMY_STEPS}
scenarios:
  baseline: {{file: {base}, set: {{start_date: 2021-07}}}}
  dibao_1100: {{file: {base}, set: {{start_date: 2021-07, parameters.dibao.standard_per_person_month: 1100}}}}
compare:
  - {{reform: dibao_1100, baseline: baseline}}
metrics: [{", ".join(CHOSEN)}]
"""
    (directory / "dibao-study.yaml").write_text(text)
    path = directory / "dibao-study.h5"
    run_cpsim("study", directory / "dibao-study.yaml", "-o", path, "--quiet")
    return path


def add_household_comparison(study: Path, output: Path) -> Path:
    """A copy of STUDY with /comparison/<CONTRAST>/ holding the documented datasets."""
    shutil.copyfile(study, output)
    with h5py.File(output, "a") as f:
        g = f["comparison"].create_group(CONTRAST)
        g.attrs.update(year=2, scale_factor=100.0, discount_rate=DISCOUNT_RATE)

        def scale(name, values):
            data = np.array(values, dtype=h5py.string_dtype()) if isinstance(values[0], str) else np.array(values)
            dataset = g.create_dataset(name, data=data)
            dataset.make_scale(name)
            return dataset

        decile = scale("decile", [str(d) for d in range(1, 11)])
        stat = scale("stat", ["mean", "lo", "hi"])
        band = scale("band", ["gain_more_5pct", "gain_less_5pct", "no_change", "lose_less_5pct", "lose_more_5pct"])
        year = scale("year", [1, 2])
        item = scale("item", ["dibao", "income_tax"])
        kind = g.create_dataset("item_kind", data=np.array(["spending", "revenue"], dtype=h5py.string_dtype()))
        kind.dims[0].attach_scale(item)

        def write(name, data, scales, units):
            dataset = g.create_dataset(name, data=data)
            for axis, s in enumerate(scales):
                dataset.dims[axis].attach_scale(s)
            dataset.attrs["units"] = units

        relative = DECILE_ABS / BASELINE_INCOME
        write("decile_change_abs", np.stack([DECILE_ABS, DECILE_ABS * 0.8, DECILE_ABS * 1.2], axis=1), (decile, stat),
              "RMB/person/year")
        write("decile_change_rel", np.stack([relative, relative * 0.8, relative * 1.2], axis=1), (decile, stat), "1")
        write("winners_losers", np.stack([SHARES, SHARES * 0.8, np.minimum(1, SHARES * 1.2)], axis=2),
              (decile, band, stat), "1")
        write("budget", BUDGET, (year, item), "RMB/year")
    return output
