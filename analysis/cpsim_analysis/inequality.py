"""Lorenz curves and Gini coefficients from agent panels (snapshots).

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
