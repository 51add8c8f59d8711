"""Small real studies for the policy brief's tests, written by the built `cpsim study`.

`make_pension_study` is scenarios/studies/pension-reform.yaml shortened (24 months, 2 replicates), so
its file holds the household comparison (/households) and the budget (/budget) as cpsim writes them
(docs/studies.md, "File layout"); `make_study` is a study without those blocks. The tests read the
expected numbers from the file with h5py, by the documented layout, not through the brief's reader.
"""
from __future__ import annotations

import re
from pathlib import Path

import h5py
import numpy as np
import pytest
import yaml

from conftest import ECONOMY_STEPS, SOURCE_DIR, run_cpsim, scenario

REPLICATES = 2
CONTRAST = "dibao_1100 - baseline"
CHOSEN = ["dibao_households", "dibao_poverty_rate", "gini_income", "urban_rural_ratio"]
PENSION_CONTRAST = "pension - baseline"
PENSION_CHOSEN = ["urban_rural_ratio", "gini_income", "relative_poverty_rate"]


def check_study_command() -> None:
    commands = run_cpsim("--help", check=False).stdout
    if not re.search(r"^\s+study\b", commands, re.M):
        pytest.skip("this cpsim build has no `study` command")


def make_study(directory: Path) -> Path:
    """`cpsim study` of xihu-small (1:100) for 24 months from 2021-07: baseline and a higher dibao,
    2 replicates, no `households:` or `budget:` block."""
    check_study_command()
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


def make_pension_study(directory: Path) -> Path:
    """scenarios/studies/pension-reform.yaml (the rural pension at 600 RMB a month from 2022-01, Xihu
    1:100 from 2021-01, with its `households:` and `budget:` blocks) for 24 months at 2 replicates."""
    check_study_command()
    study = yaml.safe_load((SOURCE_DIR / "scenarios" / "studies" / "pension-reform.yaml").read_text())
    study.update(name="pension-brief", replicates=REPLICATES, steps=ECONOMY_STEPS,
                 scenario=scenario("xihu-small.yaml"))
    assert study["metrics"] == PENSION_CHOSEN and "households" in study and "budget" in study
    (directory / "pension-brief.yaml").write_text(yaml.safe_dump(study, sort_keys=False))
    path = directory / "pension-brief.h5"
    run_cpsim("study", directory / "pension-brief.yaml", "-o", path, "--quiet")
    return path


def labels(group: h5py.Group, dim: str) -> list[str]:
    """The labels of dimension DIM of a /households or /budget group (`<dim>_label`)."""
    return [v.decode() if isinstance(v, bytes) else str(v) for v in group[f"{dim}_label"][()]]


def measure(path: Path, group_name: str, name: str, contrast: str, year: int, estimate: str = "mean") -> np.ndarray:
    """Measure NAME of /GROUP_NAME at CONTRAST, YEAR and ESTIMATE: its remaining dims, read with h5py."""
    with h5py.File(path, "r") as f:
        group = f[group_name]
        c = labels(group, "contrast").index(contrast)
        y = list(group["year"][()]).index(year)
        e = labels(group, "estimate").index(estimate)
        return np.asarray(group[name][c, y, ..., e], dtype=float)
