"""open_run on real cpsim output: provenance, metrics as cpsim info reports them, labels, snapshots,
tables, yearly means, two-run comparison, and the errors a user sees."""
from __future__ import annotations

import os
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

import cpsim_analysis as ca
from conftest import BOLTZMANN_STEPS, ECONOMY_STEPS, cpsim_binary, run_cpsim, scenario


def info_metrics(path) -> dict[str, list[float]]:
    """The scalar-metric table of `cpsim info`: name -> [first, last, min, max, mean] (the rows
    METRIC[LABEL] of metrics over dimensions left out)."""
    output = run_cpsim("info", path).stdout
    table = output.split("metrics: over all recorded steps", 1)[1].splitlines()[2:]
    rows = {}
    for line in table:
        fields = line.split()
        if len(fields) >= 7 and not line.strip().endswith("per step") and "[" not in fields[0]:
            rows[fields[0]] = [float(value) for value in fields[-5:]]
    return rows


def test_provenance_and_scenario(economy_file):
    run = ca.open_run(economy_file)
    assert run.complete
    assert run.model == "district_economy"
    assert run.attrs["format"] == "cpsim-run" and run.attrs["format_version"] == 1
    assert run.attrs["steps_completed"] == ECONOMY_STEPS
    assert run.attrs["seed"] == 20210701
    assert run.scenario["model"] == "district_economy"
    assert run.scenario["steps"] == ECONOMY_STEPS  # --steps is applied to the resolved scenario
    assert run.scenario["parameters"]["dibao"]["standard_per_person_month"] == 917.0
    assert "xihu-small" in repr(run)


def test_metrics_equal_what_cpsim_info_reports(economy_file, boltzmann_file):
    for path in (economy_file, boltzmann_file):
        run = ca.open_run(path)
        frame = run.metrics_frame()
        reported = info_metrics(path)
        assert set(reported) == set(run.scalar_metric_names)
        for name, (first, last, low, high, mean) in reported.items():
            values = frame[name].to_numpy(dtype=np.float64)
            values = values[~np.isnan(values)]  # cpsim info skips a step where the metric is undefined
            expected = [values[0], values[-1], values.min(), values.max(), values.mean()]
            # The text table prints 5 significant digits: a relative error up to
            # 0.5e-4 (4486.149 prints as 4486.1).
            assert np.allclose(expected, [first, last, low, high, mean], rtol=5e-5, atol=1e-6), name


def test_metrics_dataset_keeps_types_dimensions_and_labels(economy_file):
    run = ca.open_run(economy_file)
    ds = run.metrics()
    assert list(ds["step"].values) == list(range(ECONOMY_STEPS + 1))
    with h5py.File(economy_file, "r") as f:
        sectors = [s.decode() for s in f["metrics/sector_label"][()]]
        raw = f["metrics/gdp_by_sector"][()]
        assert f["metrics/money_error"].dtype == np.int64
    assert ds["money_error"].dtype == np.int64  # money stays exact
    assert ds["gdp_by_sector"].dims == ("step", "sector")
    assert list(ds["sector"].values) == sectors
    np.testing.assert_array_equal(ds["gdp_by_sector"].sel(sector=sectors[2]).values, raw[:, 2])
    # Value added by sector adds up to GDP.
    np.testing.assert_allclose(ds["gdp_by_sector"].sum("sector").values, ds["gdp"].values, rtol=1e-12)
    assert ds["flow_matrix"].dims == ("step", "flow", "institution")
    assert ds["gdp"].attrs["units"] == "RMB/month"
    assert ds.attrs["model"] == "district_economy"


def test_metrics_frame_is_indexed_by_step_with_units(boltzmann_file):
    frame = ca.open_run(boltzmann_file).metrics_frame(["gini", "total_units"])
    assert frame.index.name == "step" and len(frame) == BOLTZMANN_STEPS + 1
    assert list(frame.columns) == ["gini", "total_units"]
    assert (frame["total_units"] == 100).all()  # 100 agents with one unit each, conserved
    assert frame.attrs["units"] == {"gini": "1", "total_units": "units"}


def test_missing_metric_names_the_available_ones(boltzmann_file):
    run = ca.open_run(boltzmann_file)
    with pytest.raises(ca.NotFoundError) as error:
        run.metric("ginni")
    message = str(error.value)
    assert "no metric 'ginni'" in message and "gini, mean_wealth" in message and str(boltzmann_file) in message
    with pytest.raises(KeyError, match="no metric 'nope'"):  # NotFoundError is a KeyError
        run.metrics_frame(["gini", "nope"])


def test_dimensioned_metric_is_refused_in_the_scalar_frame(economy_file):
    with pytest.raises(ValueError, match="gdp_by_sector.*extra dimensions"):
        ca.open_run(economy_file).metrics_frame(["gdp", "gdp_by_sector"])


def test_snapshots_and_columns(economy_file):
    run = ca.open_run(economy_file)
    assert run.snapshot_tables == ["households"]
    assert run.snapshot_steps("households") == [0, 12, 24]
    panel = run.snapshot("households", 12)
    with h5py.File(economy_file, "r") as f:
        group = f["snapshots/households/step_000012"]
        np.testing.assert_array_equal(panel.index.to_numpy(), group["agent"][()])
        np.testing.assert_array_equal(panel["income_ytd"].to_numpy(), group["income_ytd"][()])
        assert panel["workers"].dtype == group["workers"].dtype
    assert panel.index.name == "agent" and panel.attrs["step"] == 12
    assert panel.attrs["units"]["income_ytd"] == "fen"
    assert run.snapshot("households").attrs["step"] == 24  # default: the last snapshot
    few = run.snapshot("households", 12, columns=["income_ytd", "workers"])
    assert list(few.columns) == ["income_ytd", "workers"] and few.attrs["units"] == {"income_ytd": "fen",
                                                                                      "workers": "persons"}
    np.testing.assert_array_equal(few["income_ytd"].to_numpy(), panel["income_ytd"].to_numpy())
    with pytest.raises(ca.NotFoundError, match="no column of 'households' 'income'; available: region, flags"):
        run.snapshot("households", 12, columns=["income"])
    columns = run.columns("households")
    assert columns.loc["children", "units"] == "persons"
    assert "Disposable income" in columns.loc["income_ytd", "long_name"]
    with pytest.raises(ca.NotFoundError, match="at step 5.*available: 0, 12, 24"):
        run.snapshot("households", 5)
    with pytest.raises(ca.NotFoundError, match="no snapshot table 'firms'; available: households"):
        run.snapshot_steps("firms")


def test_calibration_table(economy_file):
    run = ca.open_run(economy_file)
    assert run.table_names == ["calibration"]
    table = run.table("calibration")
    assert {"target", "low", "high", "simulated", "source"} <= set(table.columns)
    ratio = table.set_index("target").loc["urban_rural_income_ratio", "simulated"]
    # The table's ratio is the first year's: income so far this year at step 12.
    assert ratio == pytest.approx(run.metric("urban_rural_ratio_ytd").sel(step=12).item(), rel=1e-12)
    assert "first simulated year" in table.attrs["description"]
    with pytest.raises(ca.NotFoundError, match="no table 'nope'; available: calibration"):
        run.table("nope")


def test_steps_per_year_comes_from_the_file(economy_file, boltzmann_file, tmp_path):
    with h5py.File(economy_file, "r") as f:
        assert f.attrs["steps_per_year"] == 12  # the district economy's steps are months
    economy = ca.open_run(economy_file)
    assert economy.steps_per_year == 12
    assert economy.metrics_frame(["gdp"]).attrs["steps_per_year"] == 12
    boltzmann = ca.open_run(boltzmann_file)
    assert boltzmann.steps_per_year == 0
    with pytest.raises(ValueError, match="not calendar time"):
        ca.yearly(boltzmann.metrics_frame(["gini"]))
    assert list(ca.yearly(boltzmann.metrics_frame(["gini"]), steps_per_year=20).index) == [1, 2, 3]
    # Files written before cpsim recorded it: the monthly units tell.
    for source, expected in ((economy_file, 12), (boltzmann_file, 0)):
        older = tmp_path / f"older-{expected}.h5"
        older.write_bytes(source.read_bytes())
        with h5py.File(older, "r+") as f:
            del f.attrs["steps_per_year"]
        assert ca.open_run(older).steps_per_year == expected


def test_yearly_means_are_means_over_months(economy_file):
    run = ca.open_run(economy_file)
    with h5py.File(economy_file, "r") as f:
        gdp = f["metrics/gdp"][()]
        sectors = f["metrics/gdp_by_sector"][()]
        employment = f["metrics/employment"][()]
    annual = ca.yearly(run.metrics())
    assert list(annual["year"].values) == [1, 2]
    assert list(annual["months"].values) == [12, 12]
    np.testing.assert_allclose(annual["gdp"].values, [gdp[1:13].mean(), gdp[13:25].mean()], rtol=1e-14)
    np.testing.assert_allclose(annual["gdp_by_sector"].values, [sectors[1:13].mean(0), sectors[13:25].mean(0)],
                               rtol=1e-14)
    assert annual["gdp"].attrs["units"] == "RMB/month"
    frame = ca.yearly(run.metrics_frame(["gdp", "employment"]))
    np.testing.assert_allclose(frame["employment"].to_numpy(), [employment[1:13].mean(), employment[13:25].mean()])
    # A partial year is dropped unless asked for, then averaged over its months.
    first_18 = run.metrics_frame(["gdp"]).loc[:18]
    assert list(ca.yearly(first_18).index) == [1]
    partial = ca.yearly(first_18, complete_years_only=False)
    assert partial.loc[2, "gdp"] == pytest.approx(gdp[13:19].mean(), rel=1e-14)
    assert partial.attrs["months"] == {1: 12, 2: 6}


def test_compare_runs_gives_reform_minus_baseline(economy_file, reform_file):
    comparison = ca.compare_runs(economy_file, reform_file, ["dibao_households", "gini_income"])
    baseline, reform = ca.open_run(economy_file), ca.open_run(reform_file)
    b = baseline.metrics_frame(["dibao_households"])["dibao_households"]
    r = reform.metrics_frame(["dibao_households"])["dibao_households"]
    np.testing.assert_array_equal(comparison[("dibao_households", "difference")].to_numpy(), (r - b).to_numpy())
    assert comparison.attrs["a"] == "xihu-small" and comparison.attrs["b"] == "dibao-1100"
    # A higher dibao standard makes more households eligible, every month.
    assert (comparison.loc[1:, ("dibao_households", "difference")] > 0).all()
    with pytest.raises(ca.NotFoundError, match="no metric 'gini'"):
        ca.compare_runs(economy_file, reform_file, ["gini"])


def test_not_a_cpsim_file(not_cpsim_file, tmp_path, economy_file):
    with pytest.raises(ca.CpsimFormatError, match=r"other.h5: not a cpsim-run file \(format 'something-else'\)"):
        ca.open_run(not_cpsim_file)
    text = tmp_path / "notes.h5"
    text.write_text("not hdf5\n")
    with pytest.raises(ca.CpsimFormatError, match="notes.h5: not an HDF5 file"):
        ca.open_run(text)
    with pytest.raises(FileNotFoundError, match="missing.h5: no such file"):
        ca.open_run(tmp_path / "missing.h5")
    with pytest.raises(ca.CpsimFormatError,
                       match=r"not a cpsim-study file \(format 'cpsim-run'\) \(a single run: use open_run\)"):
        ca.open_study(economy_file)
    # Any HDF5 file with a cpsim-run format attribute of another version is refused, not misread.
    newer = tmp_path / "newer.h5"
    with h5py.File(newer, "w") as f:
        f.attrs["format"] = "cpsim-run"
        f.attrs["format_version"] = np.int32(2)
    with pytest.raises(ca.CpsimFormatError, match="format_version 2 is not supported"):
        ca.open_run(newer)


def test_an_interrupted_run_warns_and_reads(tmp_path):
    path = tmp_path / "stopped.h5"
    process = subprocess.Popen([cpsim_binary(), "run", scenario("boltzmann.yaml"), "--steps", "100000000",
                                "--set", "output.snapshot_every=0", "-o", str(path), "--quiet"])
    deadline = time.monotonic() + 20
    while not os.path.exists(str(path) + ".partial") and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 130
    with pytest.warns(ca.IncompleteRunWarning, match=r"incomplete run: \d+ of 100000000 steps"):
        run = ca.open_run(path)
    assert not run.complete
    frame = run.metrics_frame(["total_units"])
    assert frame.index[-1] == run.attrs["steps_completed"] > 0
    assert (frame["total_units"] == 1000).all()  # what was computed before the stop is all there
    from cpsim_analysis.__main__ import summary_text

    assert summary_text(str(path)).splitlines()[0] == f"{path}: cpsim run, INCOMPLETE (stopped early)"
