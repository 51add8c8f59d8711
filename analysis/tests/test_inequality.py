"""Lorenz curves and Gini coefficients: known cases, and the engine's stored metrics recomputed from panels."""
from __future__ import annotations

import h5py
import numpy as np
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
