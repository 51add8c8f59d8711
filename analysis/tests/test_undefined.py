"""Metrics undefined at step 0 (no month lived: incomes, their distribution, the month's flows) are NaN
there in the file, with the file's reason; the package's summaries, yearly means and reports skip them and
never show one as a number."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

import cpsim_analysis as ca
from cpsim_analysis.__main__ import main as cli_main
from cpsim_analysis.summary import format_number, key_metrics
from conftest import run_cpsim, scenario

MONTH_NOT_LIVED = "NaN at step 0: no month has been lived"


@pytest.fixture(scope="module")
def short_economy_file(tmp_path_factory):
    """xihu-small for 3 months: less than a year, so summaries use steps, not years."""
    path = tmp_path_factory.mktemp("undefined") / "short.h5"
    run_cpsim("run", scenario("xihu-small.yaml"), "--steps", 3, "-o", path, "--quiet")
    return path


def test_undefined_values_are_nan_at_step_0_with_the_reason(economy_file):
    run = ca.open_run(economy_file)
    ds = run.metrics()
    for name in ("gini_income", "palma", "dibao_poverty_rate", "urban_rural_ratio", "quintile_share"):
        values = ds[name]
        assert np.isnan(values.sel(step=0)).all(), name
        assert np.isfinite(values.sel(step=slice(1, None))).all(), name
        assert values.attrs["undefined"] == MONTH_NOT_LIVED
    assert np.isfinite(ds["gini_wealth"]).all() and "undefined" not in ds["gini_wealth"].attrs
    frame = run.metrics_frame(["gini_income", "gini_wealth"])
    assert frame.attrs["undefined"] == {"gini_income": MONTH_NOT_LIVED}


def test_yearly_means_and_key_metrics_are_numbers(economy_file):
    run = ca.open_run(economy_file)
    annual = ca.yearly(run.metrics_frame())
    assert np.isfinite(annual.to_numpy(dtype=float)).all()
    table = key_metrics(run)
    periods = [c for c in table.columns if c != "units"]
    assert np.isfinite(table[periods].to_numpy(dtype=float)).all()


def test_key_metrics_of_a_short_run_start_at_the_first_defined_step(short_economy_file):
    run = ca.open_run(short_economy_file)
    frame = run.metrics_frame(["gini_income", "gini_wealth"])
    table = key_metrics(run)
    assert list(table.columns) == ["units", "first defined step", "step 3", "change"]
    assert table.loc["gini_income", "first defined step"] == frame.loc[1, "gini_income"]
    assert table.loc["gini_wealth", "first defined step"] == frame.loc[0, "gini_wealth"]
    # Three months hold no labour-market entry: the entrants' statistics are
    # undefined at every step (the file says where), every other metric is a number.
    notes = run.metrics_frame().attrs["undefined"]
    never = [m for m in table.index if "NaN where" in notes.get(m, "")
             and table.loc[m, ["first defined step", "step 3"]].isna().all()]
    assert "entrant_parent_skill_correlation" in never
    defined = table.drop(index=never)
    assert np.isfinite(defined[["first defined step", "step 3", "change"]].to_numpy(dtype=float)).all()


def test_text_summary_and_report_show_no_nan(short_economy_file, tmp_path, capsys):
    assert format_number(math.nan) == "n/a"
    assert cli_main(["summary", str(short_economy_file)]) == 0
    text = capsys.readouterr().out
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)
    gini = ca.open_run(short_economy_file).metrics_frame(["gini_income"])["gini_income"]
    assert format_number(float(gini.loc[1])) in text
    output = tmp_path / "short.html"
    assert cli_main(["report", str(short_economy_file), "-o", str(output)]) == 0
    page = output.read_text(encoding="utf-8")
    assert not re.search(r">\s*nan\s*<", page, re.IGNORECASE)
