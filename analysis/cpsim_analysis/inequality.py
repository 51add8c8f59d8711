"""Lorenz curves, Gini, Theil, mean log deviation, Palma and shares, from agent panels or any data.

The statistics follow the engine's definitions (engine/include/cpsim/engine/
inequality.hpp, the same numbers `cpsim inequality` prints): population
weights, the Lorenz curve interpolated within the entry that straddles a
cut, the median as the smallest value reached by half the weight.

A household panel documents its columns in HDF5 attributes: the columns
whose `units` is "persons" count a household's members (in the district
economy: workers, children, elderly), and money columns are in "fen". The
person-weighted distribution gives each household's per-capita value the
weight of its members, as the engine's `gini_income*` metrics do.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

PERSONS_UNIT = "persons"
FEN_PER_RMB = 100.0
# The NBS middle-income band, 100,000-500,000 RMB a year for a family of three, per person.
NBS_MIDDLE_INCOME_BAND = (100000.0 / 3.0, 500000.0 / 3.0)


@dataclass(frozen=True)
class Distribution:
    """Values with weights, e.g. per-capita income (RMB) and persons per household."""

    values: np.ndarray
    weights: np.ndarray
    value_name: str
    units: str
    per_person: bool = False  # values are per person, weights count persons


def lorenz_curve(values: Sequence[float], weights: Sequence[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The Lorenz curve: cumulative population share and cumulative value share, both from 0 to 1.

    Points are sorted by value; WEIGHTS (default 1 each) are population
    weights. The first point is (0, 0). Raises ValueError when the total
    value is not positive (the curve is undefined).
    """
    x = np.asarray(values, dtype=np.float64)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64)
    if x.shape != w.shape:
        raise ValueError(f"lorenz_curve: {x.size} values but {w.size} weights")
    if np.any(w < 0) or not np.all(np.isfinite(x)):
        raise ValueError("lorenz_curve: weights must be >= 0 and values finite")
    order = np.argsort(x, kind="stable")
    weighted = (w * x)[order]
    total = weighted.sum()
    if not total > 0:
        raise ValueError("lorenz_curve: total value is not positive (e.g. income at step 0 of an economy run)")
    population = np.concatenate([[0.0], np.cumsum(w[order]) / w.sum()])
    share = np.concatenate([[0.0], np.cumsum(weighted) / total])
    return population, share


def gini(values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """The (weighted) Gini coefficient: 1 - twice the area under the Lorenz curve (trapezoids)."""
    population, share = lorenz_curve(values, weights)
    area = np.sum(np.diff(population) * (share[1:] + share[:-1])) / 2.0
    return float(1.0 - 2.0 * area)


def persons_columns(panel: pd.DataFrame) -> list[str]:
    """Columns of PANEL whose unit (panel.attrs["units"], from the HDF5 attributes) is "persons"."""
    units = panel.attrs.get("units", {})
    return [column for column in panel.columns if units.get(column) == PERSONS_UNIT]


def panel_distribution(panel: pd.DataFrame, value: str, per_person: bool | None = None) -> Distribution:
    """The person-weighted distribution of VALUE per person from a snapshot (`Run.snapshot`).

    With PER_PERSON (default: when the panel has "persons" columns) each row's
    VALUE is divided by its members (the sum of the "persons" columns) and
    weighted by them; rows with no members are left out. Otherwise every row
    has weight 1. Money in fen is converted to RMB.
    """
    if value not in panel.columns:
        raise KeyError(f"panel has no column {value!r}; columns: {', '.join(panel.columns)}")
    units = panel.attrs.get("units", {}).get(value, "")
    amounts = panel[value].to_numpy(dtype=np.float64)
    if units == "fen" or units.startswith("fen/"):
        amounts = amounts / FEN_PER_RMB
        units = "RMB" + units[3:]
    members = persons_columns(panel)
    if per_person is None:
        per_person = bool(members)
    if per_person:
        if not members:
            raise ValueError("panel_distribution: per_person requested but no column has units 'persons'")
        persons = panel[members].to_numpy(dtype=np.float64).sum(axis=1)
        keep = persons > 0
        return Distribution(amounts[keep] / persons[keep], persons[keep], value, f"{units}/person", per_person=True)
    return Distribution(amounts, np.ones_like(amounts), value, units)


def default_value_column(columns: Iterable[str]) -> str | None:
    """The column a Lorenz curve shows by default among COLUMNS (a panel's): the year's disposable
    income (`income_ytd`) of a household panel, else `wealth`, else None."""
    columns = list(columns)
    for column in ("income_ytd", "wealth"):
        if column in columns:
            return column
    return None


def _weighted(values, weights) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(values, dtype=np.float64)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64)
    if x.shape != w.shape or x.ndim != 1:
        raise ValueError(f"{x.size} values but {w.size} weights")
    if not np.all(w >= 0) or not np.all(np.isfinite(x)):
        raise ValueError("weights must be >= 0 and values finite")
    return x, w


class _Sorted:
    """Values sorted (stable), with cumulative weight and weighted total, as the engine's Distribution."""

    def __init__(self, values, weights=None):
        x, w = _weighted(values, weights)
        order = np.argsort(x, kind="stable")
        self.values, self.weights = x[order], w[order]
        self.cumulative_weight = np.cumsum(self.weights)
        self.cumulative_total = np.cumsum(self.weights * self.values)
        self.total_weight = float(self.cumulative_weight[-1]) if x.size else 0.0
        self.total = float(self.cumulative_total[-1]) if x.size else 0.0

    def lorenz(self, population_share: float) -> float:
        if self.total_weight <= 0 or self.total == 0:
            return population_share
        if population_share <= 0:
            return 0.0
        if population_share >= 1:
            return 1.0
        cut = population_share * self.total_weight
        i = int(np.searchsorted(self.cumulative_weight, cut, side="left"))
        if i >= self.values.size:
            return 1.0
        weight_before = self.cumulative_weight[i - 1] if i > 0 else 0.0
        total_before = self.cumulative_total[i - 1] if i > 0 else 0.0
        return float((total_before + (cut - weight_before) * self.values[i]) / self.total)

    def quantile(self, q: float) -> float:
        if self.values.size == 0:
            return 0.0
        i = int(np.searchsorted(self.cumulative_weight, min(max(q, 0.0), 1.0) * self.total_weight, side="left"))
        return float(self.values[min(i, self.values.size - 1)])

    def share_below(self, threshold: float) -> float:
        if self.total_weight <= 0:
            return 0.0
        i = int(np.searchsorted(self.values, threshold, side="left"))
        return float(self.cumulative_weight[i - 1] / self.total_weight) if i > 0 else 0.0


def lorenz_share(values, weights=None, population_share: float = 0.4) -> float:
    """Share of the total held by the poorest POPULATION_SHARE of the weight (interpolated within an entry)."""
    return _Sorted(values, weights).lorenz(population_share)


def top_share(values, weights=None, population_share: float = 0.1) -> float:
    """Share of the total held by the richest POPULATION_SHARE of the weight (top 10 % by default)."""
    return 1.0 - _Sorted(values, weights).lorenz(1.0 - population_share)


def quintile_shares(values, weights=None) -> np.ndarray:
    """Shares of the total held by each fifth of the weight, poorest first (they sum to 1)."""
    d = _Sorted(values, weights)
    cuts = [d.lorenz(0.2 * q) for q in range(6)]
    return np.diff(cuts)


def palma(values, weights=None) -> float:
    """Top 10 % share over bottom 40 % share (inf when the bottom 40 % hold nothing)."""
    d = _Sorted(values, weights)
    bottom = d.lorenz(0.4)
    return (1.0 - d.lorenz(0.9)) / bottom if bottom > 0 else float("inf")


def weighted_median(values, weights=None) -> float:
    """The smallest value whose cumulative weight reaches half the total weight."""
    return _Sorted(values, weights).quantile(0.5)


def relative_poverty_rate(values, weights=None, fraction: float = 0.5) -> float:
    """Weight share strictly below FRACTION of the weighted median."""
    d = _Sorted(values, weights)
    return d.share_below(fraction * d.quantile(0.5))


def middle_income_share(values, weights=None, band: tuple[float, float] = NBS_MIDDLE_INCOME_BAND) -> float:
    """Weight share with values in [low, high) (default: the NBS band per person and year)."""
    d = _Sorted(values, weights)
    return d.share_below(band[1]) - d.share_below(band[0])


def mean_log_deviation(values, weights=None) -> float:
    """Mean log deviation (Theil L, GE(0)): sum w ln(mu / x) / sum w; inf if a weighted value is <= 0."""
    x, w = _weighted(values, weights)
    keep = w > 0
    x, w = x[keep], w[keep]
    if w.sum() <= 0:
        return 0.0
    if np.any(x <= 0):
        return float("inf")
    return float(np.log(np.sum(w * x) / np.sum(w)) - np.sum(w * np.log(x)) / np.sum(w))


@dataclass(frozen=True)
class TheilDecomposition:
    """Theil T = within + between, with each group's T_g and income share s_g (in sorted label order)."""

    total: float
    within: float
    between: float
    groups: list
    group_theil: np.ndarray
    group_share: np.ndarray


def theil(values, weights=None, groups=None) -> TheilDecomposition:
    """Theil T (GE(1)) and its exact decomposition by GROUPS (labels, one per value; default: one group).

    T = sum_g s_g T_g (within) + sum_g s_g ln(mu_g / mu) (between); values <= 0 count as 0
    (x ln x -> 0), as in the engine.
    """
    x, w = _weighted(values, weights)
    x = np.maximum(x, 0.0)
    labels = np.zeros(x.size, dtype=np.int64) if groups is None else np.asarray(groups)
    names, index = np.unique(labels, return_inverse=True)
    k = names.size
    weight = np.bincount(index, weights=w, minlength=k)
    total = np.bincount(index, weights=w * x, minlength=k)
    positive = x > 0
    xlogx = np.bincount(index[positive], weights=(w * x * np.log(np.where(positive, x, 1.0)))[positive], minlength=k)
    group_theil, group_share = np.zeros(k), np.zeros(k)
    if weight.sum() <= 0 or total.sum() <= 0:
        return TheilDecomposition(0.0, 0.0, 0.0, list(names), group_theil, group_share)
    mu = total.sum() / weight.sum()
    within = between = 0.0
    for g in range(k):
        if total[g] <= 0:
            continue
        mu_g = total[g] / weight[g]
        group_theil[g] = xlogx[g] / total[g] - np.log(mu_g)
        group_share[g] = total[g] / total.sum()
        within += group_share[g] * group_theil[g]
        between += group_share[g] * np.log(mu_g / mu)
    return TheilDecomposition(float(within + between), float(within), float(between), list(names), group_theil,
                              group_share)
