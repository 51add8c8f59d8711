"""Time aggregation and two-run comparisons of metric series."""
from __future__ import annotations

import os
from typing import Sequence, TypeVar

import numpy as np
import pandas as pd
import xarray as xr

from .run import Run, open_run

MONTHS_PER_YEAR = 12
Series = TypeVar("Series", xr.Dataset, xr.DataArray, pd.DataFrame)


def year_of_step(step: np.ndarray | Sequence[int], steps_per_year: int = MONTHS_PER_YEAR) -> np.ndarray:
    """The simulated year (1, 2, ...) of each step; step 0, the initial state, is year 0.

    Steps are months in the district economy: steps 1-12 are year 1, 13-24 year 2.
    """
    step = np.asarray(step, dtype=np.int64)
    return np.where(step > 0, (step - 1) // steps_per_year + 1, 0)


def steps_are_months(run: Run) -> bool:
    """True when RUN's steps are months (`run.steps_per_year` is 12)."""
    return run.steps_per_year == MONTHS_PER_YEAR


def _steps_per_year_of(data: Series) -> int:
    """DATA's `steps_per_year` attribute (set by Run and Study readers), else 12; refuses 0."""
    steps = int(data.attrs.get("steps_per_year", MONTHS_PER_YEAR))
    if steps <= 0:
        raise ValueError("yearly: this model's steps are not calendar time (steps_per_year = 0); "
                         "pass steps_per_year= to group steps anyway")
    return steps


def yearly(data: Series, steps_per_year: int | None = None, complete_years_only: bool = True) -> Series:
    """Annual means of monthly series (months = steps).

    DATA is an xarray Dataset or DataArray with a `step` dimension (e.g.
    `run.metrics()`) or a DataFrame indexed by step (`run.metrics_frame()`).
    STEPS_PER_YEAR defaults to DATA's `steps_per_year` attribute (the file's,
    which run.metrics() and run.metrics_frame() carry), else 12.
    Step 0, the initial state, belongs to no year and is left out. The result
    is indexed by `year` (1, 2, ...) and carries a `months` count per year;
    with COMPLETE_YEARS_ONLY (the default) a trailing partial year (an
    interrupted run) is dropped instead of averaged over fewer months.
    Integer metrics (fen, counts) become float64 means.
    """
    if steps_per_year is None:
        steps_per_year = _steps_per_year_of(data)
    if isinstance(data, pd.DataFrame):
        steps = data.index.to_numpy()
        kept = data[steps > 0]
        years = pd.Index(year_of_step(kept.index.to_numpy(), steps_per_year), name="year")
        grouped = kept.groupby(years)
        result = grouped.mean()
        months = grouped.size()
        if complete_years_only:
            result = result[months.reindex(result.index) == steps_per_year]
        result.attrs = dict(data.attrs)
        result.attrs["months"] = months.reindex(result.index).to_dict()
        return result
    if "step" not in data.dims:
        raise ValueError("yearly: data has no 'step' dimension")
    kept = data.sel(step=data["step"] > 0)
    year = xr.DataArray(year_of_step(kept["step"].values, steps_per_year), dims="step", name="year")
    kept = kept.assign_coords(year=year)
    result = kept.groupby("year").mean("step", keep_attrs=True)
    months = kept["year"].groupby("year").count().rename("months")
    result = result.assign_coords(months=("year", months.values))
    if complete_years_only:
        result = result.sel(year=result["months"] == steps_per_year)
    return result


def compare_runs(a: Run | str | os.PathLike, b: Run | str | os.PathLike, metrics: Sequence[str] | str) -> pd.DataFrame:
    """Two runs side by side: for each scalar metric, A's value, B's value and B - A per step.

    A and B are Run objects or paths. The result is indexed by the steps
    both runs recorded; columns are a MultiIndex (metric, "a" | "b" |
    "difference"). `frame.attrs` holds the runs' names (`a`, `b`) and each
    metric's `units`. A metric missing from either run raises NotFoundError
    naming the metrics that run does hold; runs with no step in common
    raise ValueError.
    """
    run_a = a if isinstance(a, Run) else open_run(a)
    run_b = b if isinstance(b, Run) else open_run(b)
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    frame_a = run_a.metrics_frame(names)
    frame_b = run_b.metrics_frame(names)
    common = frame_a.index.intersection(frame_b.index)
    if len(common) == 0:
        raise ValueError(f"compare_runs: {run_a.path} and {run_b.path} have no step in common")
    parts = {}
    for name in names:
        left = frame_a.loc[common, name].astype(np.float64)
        right = frame_b.loc[common, name].astype(np.float64)
        parts[(name, "a")] = left
        parts[(name, "b")] = right
        parts[(name, "difference")] = right - left
    result = pd.DataFrame(parts, index=common)
    result.columns = pd.MultiIndex.from_tuples(result.columns, names=["metric", "quantity"])
    result.attrs.update(a=run_a.name, b=run_b.name, a_path=run_a.path, b_path=run_b.path,
                        units=frame_a.attrs["units"], steps_per_year=run_a.steps_per_year)
    return result
