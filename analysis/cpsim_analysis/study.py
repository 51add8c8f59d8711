"""Reading `cpsim study` files (format `cpsim-study`, docs/studies.md): scenario variants x replicates,
and each contrast's reform - baseline statistics with confidence intervals."""
from __future__ import annotations

import os
from functools import cached_property
from typing import Any, Sequence

import h5py
import pandas as pd
import xarray as xr

from ._hdf5 import STUDY_FORMAT, decode, decode_attrs, open_checked, read_column
from .errors import NotFoundError
from .run import label_dimensions, read_metrics_group, steps_per_year_of

# The sub-groups of /comparison, one statistic each, on (contrast, step[, metric dims]).
STATISTICS = ("mean_difference", "sd", "ci_low", "ci_high", "baseline_mean", "reform_mean")


class Study:
    """One cpsim study file. Cheap to create: data are read on each call, the file is not kept open.

    Attributes:
        path: the file's path.
        attrs: the root attributes, decoded (`study_name`, `model`, `seed`,
            `replicates`, `steps`, `confidence`, `git_commit`, ...).
    """

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)
        with open_checked(self.path, STUDY_FORMAT) as f:
            self.attrs: dict[str, Any] = decode_attrs(f.attrs)
            metrics = f["metrics"]
            self.scenario_names: list[str] = [str(v) for v in read_column(metrics["scenario_label"])]
            comparison = f["comparison"]
            self.contrast_labels: list[str] = [str(v) for v in read_column(comparison["contrast_label"])]
            first = comparison[STATISTICS[0]]
            self._metric_units = {name: str(decode(ds.attrs.get("units", ""))) for name, ds in metrics.items()
                                  if isinstance(ds, h5py.Dataset) and name in first}
            # Scalar metrics are (contrast, step) in /comparison.
            self.comparison_metrics: list[str] = [name for name, ds in first.items()
                                                  if name in self._metric_units and ds.ndim == 2]
        self._metrics_cache: xr.Dataset | None = None  # a finished file does not change
        self._comparison_cache: dict[str, xr.Dataset] | None = None

    def __repr__(self) -> str:
        return (f"<cpsim Study {self.path!r}: {self.name}, {self.attrs.get('model')}, "
                f"{len(self.scenario_names)} scenarios x {self.replicates} replicates, "
                f"{len(self.contrast_labels)} contrasts, {self.attrs.get('steps')} steps>")

    @property
    def name(self) -> str:
        """The study's name (root attribute `study_name`)."""
        return str(self.attrs.get("study_name", os.path.basename(self.path)))

    @property
    def replicates(self) -> int:
        """Replicates per scenario (root attribute `replicates`)."""
        return int(self.attrs.get("replicates", 0))

    @property
    def steps_per_year(self) -> int:
        """Steps in a simulated year (12: monthly), 0 when steps are not calendar time (as Run's)."""
        return steps_per_year_of(self.attrs, self._metric_units.values())

    @property
    def confidence(self) -> float:
        """Level of the confidence intervals, e.g. 0.95."""
        return float(self.attrs.get("confidence", float("nan")))

    @cached_property
    def study(self) -> dict[str, Any]:
        """The resolved study (root attribute `study_yaml`) parsed into dicts and lists."""
        import yaml  # python3-yaml; only needed here

        return yaml.safe_load(self.attrs.get("study_yaml", "")) or {}

    @property
    def metric_names(self) -> list[str]:
        """Every metric of the study's runs."""
        return list(self._metric_units)

    def units(self, metric: str) -> str:
        """The `units` attribute of METRIC."""
        self._check_metrics([metric])
        return self._metric_units[metric]

    def _check_metrics(self, names: Sequence[str]) -> None:
        for name in names:
            if name not in self._metric_units:
                raise NotFoundError("metric", name, self.path, list(self._metric_units))

    def scenarios(self) -> pd.DataFrame:
        """The scenario variants (/scenarios): base name, file, overrides and resolved YAML, indexed by name."""
        with h5py.File(self.path, "r") as f:
            group = f["scenarios"]
            columns = {name: read_column(ds) for name, ds in group.items()
                       if isinstance(ds, h5py.Dataset) and not h5py.h5ds.is_scale(ds.id)
                       and name != "scenario_label"}
        return pd.DataFrame(columns, index=pd.Index(self.scenario_names, name="scenario"))

    def contrasts(self) -> pd.DataFrame:
        """The contrasts: reform and baseline scenario and the number of paired replicates, indexed by label."""
        with h5py.File(self.path, "r") as f:
            group = f["comparison"]
            frame = pd.DataFrame({"reform": read_column(group["reform"]), "baseline": read_column(group["baseline"]),
                                  "n": group["n"][()]}, index=pd.Index(self.contrast_labels, name="contrast"))
        return frame

    def metrics(self, names: Sequence[str] | None = None) -> xr.Dataset:
        """Every run's metrics: an xarray Dataset on (scenario, replicate, step[, metric dims]).

        `scenario` and the metric dimensions are labelled; `seed` (each
        replicate's seed, the same in every scenario) is a coordinate on
        `replicate`.
        """
        if self._metrics_cache is None:
            with h5py.File(self.path, "r") as f:
                ds = label_dimensions(read_metrics_group(f["metrics"]))
            self._metrics_cache = ds.set_coords([c for c in ("seed",) if c in ds.data_vars])
        ds = self._metrics_cache.copy(deep=True)  # callers may change values in place
        if names is not None:
            names = [names] if isinstance(names, str) else list(names)
            self._check_metrics(names)
            ds = ds[names]
        ds.attrs = {k: v for k, v in self.attrs.items() if k != "study_yaml"}
        ds.attrs["steps_per_year"] = self.steps_per_year  # so that yearly() needs no argument
        return ds

    def comparison(self, metric: str) -> xr.Dataset:
        """METRIC's contrast statistics: variables mean_difference, sd, ci_low, ci_high, baseline_mean and
        reform_mean on (contrast, step[, metric dims]), with the contrast labels as coordinate."""
        self._check_metrics([metric])
        if self._comparison_cache is None:
            # Read once: a report asks for every metric, and each group repeats the axes.
            with h5py.File(self.path, "r") as f:
                self._comparison_cache = {statistic: label_dimensions(read_metrics_group(f["comparison"][statistic]))
                                          for statistic in STATISTICS}
        arrays = {}
        for statistic, group in self._comparison_cache.items():
            if metric not in group.data_vars:
                raise NotFoundError(f"metric in /comparison/{statistic}", metric, self.path, list(group.data_vars))
            arrays[statistic] = group[metric].copy(deep=True)
        ds = xr.Dataset(arrays)
        ds.attrs.update(metric=metric, units=self._metric_units[metric], confidence=self.confidence)
        return ds

    def contrast_table(self, metrics: Sequence[str] | None = None, step: int | None = None) -> pd.DataFrame:
        """One row per (contrast, scalar metric) at STEP (default: the final step).

        Columns: units, baseline_mean, reform_mean, mean_difference, ci_low,
        ci_high, sd, n. The interval is the file's (`confidence` level,
        paired over replicates).
        """
        names = self.comparison_metrics if metrics is None else list(metrics)
        self._check_metrics(names)
        pairs = self.contrasts()
        rows = []
        for name in names:
            stats = self.comparison(name)
            at = int(stats["step"].values[-1]) if step is None else int(step)
            chosen = stats.sel(step=at)
            for contrast in self.contrast_labels:
                values = chosen.sel(contrast=contrast)
                row = {"contrast": contrast, "metric": name, "step": at, "units": self._metric_units[name]}
                for statistic in ("baseline_mean", "reform_mean", "mean_difference", "ci_low", "ci_high", "sd"):
                    row[statistic] = float(values[statistic])
                row["n"] = int(pairs.loc[contrast, "n"])
                rows.append(row)
        return pd.DataFrame(rows).set_index(["contrast", "metric"])


# The household comparison and the budget a study stores when it asks for them (`households:` and
# `budget:` in the study file; docs/studies.md, "File layout"): groups /households and /budget, each
# measure on (contrast, year[, its dims], estimate).
ESTIMATES = ("mean", "ci_low", "ci_high", "sd")
WINNER_BANDS = ("gain_more_than_5pct", "gain_less_than_5pct", "no_change", "lose_less_than_5pct",
                "lose_more_than_5pct")


def _contrast_group(study: Study, name: str, contrast: str) -> xr.Dataset | None:
    """Group /NAME of STUDY with CONTRAST selected, its dimensions labelled; None when the file has none."""
    if contrast not in study.contrast_labels:
        raise NotFoundError("contrast", contrast, study.path, study.contrast_labels)
    with h5py.File(study.path, "r") as f:
        group = f.get(name)
        if not isinstance(group, h5py.Group):
            return None
        ds = label_dimensions(read_metrics_group(group))
        ds.attrs.update(decode_attrs(group.attrs))
    for dim in ds.dims:  # labels as plain str, so .sel(estimate="mean") works whatever the file stored
        if ds[dim].dtype == object:
            ds = ds.assign_coords({dim: [str(v) for v in ds[dim].values]})
    if "year_step" in ds.data_vars:
        ds = ds.set_coords("year_step")
    if "contrast" not in ds.dims or contrast not in [str(c) for c in ds["contrast"].values]:
        return None
    return ds.sel(contrast=contrast)


def household_comparison(study: Study, contrast: str) -> xr.Dataset | None:
    """The household comparison (/households) of CONTRAST (a label of study.contrast_labels), or None.

    A Dataset of the documented measures with the contrast selected: income_change,
    income_change_relative and baseline_income on (year, decile, estimate), winners_losers on
    (year, decile, band, estimate), the same over all persons (`..._all`) and by each group, the
    poverty and inequality measures; `estimate` is mean, ci_low, ci_high, sd; `year` the compared
    simulated years (1 = the first). The group's attributes (table, income, confidence, ...) as attrs.
    """
    return _contrast_group(study, "households", contrast)


def budget_comparison(study: Study, contrast: str) -> xr.Dataset | None:
    """The budget (/budget) of CONTRAST, or None: spending_change (year, instance, estimate),
    revenue_change (year, tax, estimate), net_cost, net_cost_cumulative and net_cost_discounted
    (year, estimate), RMB at full scale; attrs `scale` and `discount_rate` among the group's."""
    return _contrast_group(study, "budget", contrast)


def open_study(path: str | os.PathLike) -> Study:
    """Opens a `cpsim study` output file.

    Raises FileNotFoundError for a missing file and CpsimFormatError for a
    file that is not a cpsim study (not HDF5, a single run, an unknown
    format_version).
    """
    return Study(path)


__all__ = ["ESTIMATES", "STATISTICS", "Study", "WINNER_BANDS", "budget_comparison", "household_comparison",
           "open_study"]
