"""Lorenz curves and Gini coefficients: known cases, and the engine's stored metrics recomputed from panels."""
from __future__ import annotations

import json

import h5py
import numpy as np
import pandas as pd
import pytest

import cpsim_analysis as ca


def numpy_weighted_gini(values, weights):
    """Independent check: the Gini as the weighted mean absolute difference over twice the mean."""
    x, w = np.asarray(values, float), np.asarray(weights, float)
    difference = np.abs(x[:, None] - x[None, :])
    return float((w[:, None] * w[None, :] * difference).sum() / (2 * w.sum() ** 2 * np.average(x, weights=w)))


def test_known_cases():
    assert ca.gini([1, 1, 1, 1]) == pytest.approx(0.0, abs=1e-15)
    assert ca.gini([0, 1]) == pytest.approx(0.5)  # one of two holds everything: 1 - 1/N
    assert ca.gini([0, 0, 0, 5]) == pytest.approx(0.75)
    # A weight is the same as repeating the value.
    assert ca.gini([3, 7, 1], [2, 1, 3]) == pytest.approx(ca.gini([3, 3, 7, 1, 1, 1]), rel=1e-14)
    population, share = ca.lorenz_curve([0, 0, 0, 5])
    np.testing.assert_allclose(population, [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(share, [0, 0, 0, 0, 1])
    with pytest.raises(ValueError, match="total value is not positive"):
        ca.lorenz_curve([0, 0])
    with pytest.raises(ValueError, match="3 values but 2 weights"):
        ca.lorenz_curve([1, 2, 3], [1, 1])


def test_random_values_agree_with_the_mean_difference_formula():
    generator = np.random.default_rng(7)
    values = generator.lognormal(0, 0.8, 400)
    weights = generator.integers(1, 5, 400)
    assert ca.gini(values, weights) == pytest.approx(numpy_weighted_gini(values, weights), rel=1e-12)


@pytest.mark.parametrize("step", [12, 24])
def test_household_panel_gives_the_stored_person_weighted_gini(economy_file, step):
    run = ca.open_run(economy_file)
    panel = run.snapshot("households", step)
    distribution = ca.panel_distribution(panel, "income_ytd")
    # Persons are the columns documented with units "persons": workers, children, elderly.
    assert sorted(ca.inequality.persons_columns(panel)) == ["children", "elderly", "workers"]
    with h5py.File(economy_file, "r") as f:
        group = f[f"snapshots/households/step_{step:06d}"]
        members = group["workers"][()].astype(float) + group["children"][()] + group["elderly"][()]
        per_capita = group["income_ytd"][()] / 100.0 / members
        stored = f["metrics/gini_income_ytd"][step]
        population = f["metrics/population"][step]
    np.testing.assert_allclose(distribution.values, per_capita, rtol=1e-15)
    assert distribution.units == "RMB/person" and distribution.per_person
    assert distribution.weights.sum() == population
    assert ca.gini(distribution.values, distribution.weights) == pytest.approx(stored, abs=1e-9)
    assert numpy_weighted_gini(per_capita, members) == pytest.approx(stored, abs=1e-9)


def test_boltzmann_snapshots_give_the_stored_wealth_gini(boltzmann_file):
    run = ca.open_run(boltzmann_file)
    gini = run.metric("gini")
    for step in run.snapshot_steps("agents")[1:]:  # at step 0 everyone has one unit: Gini 0
        panel = run.snapshot("agents", step)
        distribution = ca.panel_distribution(panel, "wealth")
        assert (distribution.weights == 1).all() and not distribution.per_person  # no "persons" columns
        assert ca.gini(distribution.values) == pytest.approx(gini.sel(step=step).item(), abs=1e-12)


def test_panel_errors(boltzmann_file):
    panel = ca.open_run(boltzmann_file).snapshot("agents", 0)
    with pytest.raises(KeyError, match="no column 'income'; columns: wealth"):
        ca.panel_distribution(panel, "income")
    with pytest.raises(ValueError, match="no column has units 'persons'"):
        ca.panel_distribution(panel, "wealth", per_person=True)


# The hand-computed vector of tests/engine/test_inequality.cpp: per-capita incomes held by 2, 1, 1 and 4
# persons (eight persons {10k, 10k, 20k, 40k, 80k x 4}, mean 50k); groups A (the two poorest households), B.
HAND_INCOMES = [10000.0, 20000.0, 40000.0, 80000.0]
HAND_PERSONS = [2.0, 1.0, 1.0, 4.0]
HAND_GROUPS = ["A", "A", "B", "B"]
LN2 = np.log(2.0)
HAND = {  # worked out by hand (see the C++ test for the steps)
    "gini": 2 * 233 / 320 - 9 / 8,
    "theil_t": 106 / 40 * LN2 - np.log(5.0),
    "theil_within": 0.1 * (0.5 * LN2 - np.log(4 / 3)) + 0.9 * (104 / 36 * LN2 - np.log(7.2)),
    "theil_between": 0.1 * np.log(4 / 15) + 0.9 * np.log(7.2 / 5),
    "mean_log_deviation": np.log(5.0) - 15 / 8 * LN2,
    "palma": 0.16 / 0.12,
    "top10_share": 0.16,
    "bottom40_share": 0.12,
    "quintile_share_q1_poorest": 0.04, "quintile_share_q2": 0.08, "quintile_share_q3": 0.24,
    "quintile_share_q4": 0.32, "quintile_share_q5_richest": 0.32,
    "median": 40000.0,
    "relative_poverty_rate": 0.25,
    "middle_income_share": 0.625,
    "group_mean_ratio": 5.4,
}


def python_metrics(values, weights, groups):
    t = ca.theil(values, weights, groups)
    quintiles = ca.quintile_shares(values, weights)
    means = [np.average(np.asarray(values)[np.asarray(groups) == g], weights=np.asarray(weights)[np.asarray(groups) == g])
             for g in t.groups]
    return {
        "gini": ca.gini(values, weights), "theil_t": t.total, "theil_within": t.within, "theil_between": t.between,
        "mean_log_deviation": ca.mean_log_deviation(values, weights), "palma": ca.palma(values, weights),
        "top10_share": ca.top_share(values, weights, 0.1), "bottom40_share": ca.lorenz_share(values, weights, 0.4),
        **{name: quintiles[q] for q, name in enumerate(["quintile_share_q1_poorest", "quintile_share_q2",
                                                        "quintile_share_q3", "quintile_share_q4",
                                                        "quintile_share_q5_richest"])},
        "median": ca.weighted_median(values, weights),
        "relative_poverty_rate": ca.relative_poverty_rate(values, weights),
        "middle_income_share": ca.middle_income_share(values, weights),
        "group_mean_ratio": max(means) / min(means),
    }


def cpsim_inequality(source, *extra):
    from conftest import run_cpsim

    result = run_cpsim("inequality", source, "--income", "income", "--weight", "persons", "--group", "residence",
                       "--format", "json", *extra)
    return json.loads(result.stdout)


def test_cpp_and_python_agree_on_the_hand_computed_vector(tmp_path):
    csv = tmp_path / "hand.csv"
    pd.DataFrame({"income": HAND_INCOMES, "persons": HAND_PERSONS, "residence": HAND_GROUPS}).to_csv(csv, index=False)
    printed = cpsim_inequality(csv)
    cpp = {**printed["metrics"]}
    python = python_metrics(HAND_INCOMES, HAND_PERSONS, HAND_GROUPS)
    for name, expected in HAND.items():
        assert python[name] == pytest.approx(expected, rel=1e-12, abs=1e-12), name
        assert cpp[name] == pytest.approx(expected, rel=1e-12, abs=1e-12), name
        assert cpp[name] == pytest.approx(python[name], rel=1e-12, abs=1e-12), name
    t = ca.theil(HAND_INCOMES, HAND_PERSONS, HAND_GROUPS)
    for g, label in enumerate(t.groups):
        assert printed["groups"][label]["theil_t"] == pytest.approx(t.group_theil[g], rel=1e-12)
        assert printed["groups"][label]["income_share"] == pytest.approx(t.group_share[g], rel=1e-12)


def test_cpp_and_python_agree_on_random_survey_like_data(tmp_path):
    generator = np.random.default_rng(11)
    n = 2000
    income = np.round(generator.lognormal(10.5, 0.7, n), 2)
    persons = generator.integers(1, 6, n).astype(float)
    residence = np.where(generator.random(n) < 0.4, "rural", "urban")
    csv = tmp_path / "survey.csv"
    pd.DataFrame({"income": income, "persons": persons, "residence": residence}).to_csv(csv, index=False)
    cpp = cpsim_inequality(csv)["metrics"]
    python = python_metrics(income, persons, residence)
    for name, value in python.items():
        assert cpp[name] == pytest.approx(value, rel=1e-12, abs=1e-12), name


def test_hdf5_tables_read_as_the_csv(tmp_path):
    """A group of 1-D datasets and a compound dataset give the numbers of the same CSV."""
    csv = tmp_path / "hand.csv"
    pd.DataFrame({"income": HAND_INCOMES, "persons": HAND_PERSONS, "residence": HAND_GROUPS}).to_csv(csv, index=False)
    path = tmp_path / "tables.h5"
    with h5py.File(path, "w") as f:
        group = f.create_group("survey/2019")
        group["income"] = np.array(HAND_INCOMES)
        group["persons"] = np.array(HAND_PERSONS, dtype=np.int32)
        group["residence"] = np.array(HAND_GROUPS, dtype=h5py.string_dtype())
        records = np.array(list(zip(HAND_INCOMES, HAND_PERSONS, [g.encode() for g in HAND_GROUPS])),
                           dtype=[("income", "f8"), ("persons", "i2"), ("residence", "S8")])
        f["records"] = records
        bad = f.create_group("bad")
        bad["income"] = np.array(HAND_INCOMES)
        bad["persons"] = np.array([2.0, -1.0, 1.0, 4.0])
        bad["residence"] = np.array(HAND_GROUPS, dtype=h5py.string_dtype())
        short = f.create_group("short")
        short["income"] = np.array(HAND_INCOMES)
        short["persons"] = np.array(HAND_PERSONS[:3])
    expected = cpsim_inequality(csv)
    for source in (f"{path}:/survey/2019", f"{path}:/records"):
        got = cpsim_inequality(source)
        assert got["metrics"] == expected["metrics"], source
        assert got["groups"] == expected["groups"], source
    # Bad tables: one located line, exit 2 (a row of an HDF5 table is located by its index).
    from conftest import run_cpsim

    for where, message in ((f"{path}:/bad", f"{path}:/bad[row 1]: persons: expected a number >= 0, found '-1'"),
                           (f"{path}:/short", f"{path}:/short: columns differ in length (income: 4, persons: 3)"),
                           (f"{path}:/nothing", f"{path}:/nothing: no such group or dataset in the file")):
        result = run_cpsim("inequality", where, "--income", "income", "--weight", "persons", check=False)
        assert (result.returncode, result.stderr) == (2, message + "\n"), where


def test_a_cpsim_household_panel_is_a_table(economy_file):
    """`cpsim inequality` reads the run's own snapshot group; the Gini of income_ytd per household matches numpy."""
    from conftest import run_cpsim

    result = run_cpsim("inequality", f"{economy_file}:/snapshots/households/step_000012", "--income", "income_ytd",
                       "--format", "json")
    printed = json.loads(result.stdout)
    with h5py.File(economy_file, "r") as f:
        income = f["snapshots/households/step_000012/income_ytd"][()].astype(float)
    assert printed["rows"] == income.size
    assert printed["metrics"]["gini"] == pytest.approx(ca.gini(income), rel=1e-12)
    bad = run_cpsim("inequality", f"{economy_file}:/snapshots/households/step_000012", "--income", "incme",
                    check=False)
    assert bad.returncode == 2
    assert bad.stderr.startswith(f"{economy_file}:/snapshots/households/step_000012: incme: no such column")
