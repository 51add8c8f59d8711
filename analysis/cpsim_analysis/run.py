"""Reading one `cpsim run` output file (format `cpsim-run`, docs/output-format.md)."""
from __future__ import annotations

import os
import warnings
from functools import cached_property
from typing import Any, Iterable, Sequence

import h5py
import numpy as np
import pandas as pd
import xarray as xr

from ._hdf5 import RUN_FORMAT, decode, decode_attrs, open_checked, read_column
from .errors import CpsimFormatError, IncompleteRunWarning, NotFoundError


def label_dimensions(ds: xr.Dataset) -> xr.Dataset:
    """Indexes each metric dimension by its labels from `<dim>_label`.

    Metrics files index a dimension by its labels already (the `<dim>` scale
    holds them); files written before had a 0..n-1 index. After this, `ds.gdp_by_sector.sel(sector="services")` works. A dimension
    whose labels are not unique keeps its integer index (and `<dim>_label`
    stays a coordinate) so that selection stays unambiguous.
    """
    for dim in list(ds.dims):
        label = f"{dim}_label"
        if dim == "step" or label not in ds.variables:
            continue
        labels = [str(v) for v in ds[label].values]
        if len(set(labels)) == len(labels):
            ds = ds.drop_vars(label).assign_coords({dim: (dim, np.array(labels, dtype=object), {"long_name": dim})})
    return ds


def _axis_name(dataset: h5py.Dataset, axis: int) -> str:
    """The name of the dimension scale attached to AXIS (the last path component)."""
    scales = dataset.dims[axis]
    if len(scales) == 0:
        raise CpsimFormatError(f"{dataset.file.filename}: {dataset.name} axis {axis} has no dimension scale")
    return scales[0].name.rsplit("/", 1)[-1]


def read_metrics_group(group: h5py.Group, only: Sequence[str] | None = None) -> xr.Dataset:
    """A /metrics-like group as an xarray Dataset, read with h5py.

    Follows the documented layout: every metric on `step` (plus its own
    dimensions, found through the HDF5 dimension scales), each dimension with
    a scale of its labels (0..n-1 in older files) and `<dim>_label` strings. Equivalent to xarray's h5netcdf
    engine (numbers are not CF-decoded: a unit of "days" stays a number) and
    much faster on files with many metrics. ONLY limits the data variables read.
    """
    coords: dict[str, Any] = {}
    data: dict[str, Any] = {}
    for name, dataset in group.items():
        if not isinstance(dataset, h5py.Dataset):
            continue
        attrs = {k: v for k, v in decode_attrs(dataset.attrs).items() if k != "coordinates"}
        if h5py.h5ds.is_scale(dataset.id):
            coords[name] = (name, read_column(dataset), attrs)
        elif name.endswith("_label") and dataset.ndim == 1:
            coords[name] = (_axis_name(dataset, 0), read_column(dataset), attrs)
        elif only is None or name in only:
            dims = tuple(_axis_name(dataset, axis) for axis in range(dataset.ndim))
            data[name] = (dims, dataset[()], attrs)
    return xr.Dataset(data, coords=coords)


def steps_per_year_of(attrs: dict[str, Any], units: Iterable[str]) -> int:
    """The root attribute `steps_per_year`, or for older files 12 if some unit is per month, else 0."""
    if "steps_per_year" in attrs:
        return int(attrs["steps_per_year"])
    return 12 if any("/month" in unit for unit in units) else 0


class Run:
    """One cpsim run file. Cheap to create: data are read on each call, the file is not kept open.

    Attributes:
        path: the file's path.
        attrs: the root attributes (provenance), decoded: `model`, `seed`,
            `scenario_name`, `git_commit`, `complete`, `steps_completed`, ...
    """

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)
        self._metrics_cache: xr.Dataset | None = None  # a finished file does not change
        with open_checked(self.path, RUN_FORMAT) as f:
            self.attrs: dict[str, Any] = decode_attrs(f.attrs)
            metrics = {name: obj for name, obj in f.get("metrics", {}).items()
                       if isinstance(obj, h5py.Dataset) and obj.ndim >= 1
                       and not h5py.h5ds.is_scale(obj.id) and not name.endswith("_label")}
            self._metric_names = list(metrics)
            self._metric_units = {name: str(decode(obj.attrs.get("units", ""))) for name, obj in metrics.items()}
            self._scalar_names = [name for name, obj in metrics.items() if obj.ndim == 1]
        if not self.complete:
            warnings.warn(
                f"{self.path}: incomplete run: {self.attrs.get('steps_completed')} of "
                f"{self.attrs.get('steps_requested')} steps (stopped early); metrics end at the last computed step",
                IncompleteRunWarning, stacklevel=3)

    def __repr__(self) -> str:
        state = "complete" if self.complete else "INCOMPLETE"
        return (f"<cpsim Run {self.path!r}: {self.attrs.get('model')} / {self.name}, seed {self.attrs.get('seed')}, "
                f"{self.attrs.get('steps_completed')} steps, {state}>")

    # -- provenance -------------------------------------------------------

    @property
    def complete(self) -> bool:
        """True when every requested step ran (root attribute `complete` = 1)."""
        return int(self.attrs.get("complete", 0)) == 1

    @property
    def name(self) -> str:
        """The scenario's name (root attribute `scenario_name`)."""
        return str(self.attrs.get("scenario_name", os.path.basename(self.path)))

    @property
    def model(self) -> str:
        """The model's name (root attribute `model`)."""
        return str(self.attrs.get("model", ""))

    @property
    def steps_per_year(self) -> int:
        """Steps in a simulated year (12: monthly), 0 when steps are not calendar time.

        Root attribute `steps_per_year`, set by the model. Files written before
        cpsim recorded it are guessed from the units: 12 when some metric is
        per month ("RMB/month", the district economy), else 0.
        """
        return steps_per_year_of(self.attrs, self._metric_units.values())

    @cached_property
    def scenario(self) -> dict[str, Any]:
        """The fully resolved scenario (root attribute `scenario_yaml`) parsed into dicts and lists."""
        import yaml  # python3-yaml; only needed here

        return yaml.safe_load(self.attrs.get("scenario_yaml", "")) or {}

    # -- metrics ----------------------------------------------------------

    @property
    def metric_names(self) -> list[str]:
        """Names of all metrics in /metrics (scalar and over dimensions), in file order."""
        return list(self._metric_names)

    def _check_metrics(self, names: Sequence[str]) -> None:
        for name in names:
            if name not in self._metric_names:
                raise NotFoundError("metric", name, self.path, self._metric_names)

    def metrics(self, names: Sequence[str] | None = None) -> xr.Dataset:
        """All metrics (or NAMES) as an xarray Dataset on the `step` coordinate.

        Metrics over extra dimensions keep them; the dimension's coordinate holds
        the labels from `<dim>_label` (see label_dimensions). Attributes `units`
        and `long_name` stay on each variable; the root attributes are the
        Dataset's attrs.
        """
        if self._metrics_cache is None:
            with h5py.File(self.path, "r") as f:
                self._metrics_cache = label_dimensions(read_metrics_group(f["metrics"]))
        ds = self._metrics_cache.copy(deep=True)  # callers may change values in place
        if names is not None:
            names = [names] if isinstance(names, str) else list(names)
            self._check_metrics(names)
            ds = ds[names]
        ds.attrs = {k: v for k, v in self.attrs.items() if k != "scenario_yaml"}
        ds.attrs["steps_per_year"] = self.steps_per_year  # so that yearly() needs no argument
        return ds

    def metric(self, name: str) -> xr.DataArray:
        """One metric as a DataArray (on `step`, plus its own dimensions)."""
        self._check_metrics([name])
        return self.metrics([name])[name]

    @property
    def scalar_metric_names(self) -> list[str]:
        """Names of the metrics that have one value per step."""
        return list(self._scalar_names)

    def metrics_frame(self, names: Sequence[str] | None = None) -> pd.DataFrame:
        """The scalar metrics (or NAMES, which must be scalar) as a DataFrame indexed by step.

        `frame.attrs["units"]` maps each column to its unit; `frame.attrs["undefined"]`
        maps each metric the file marks undefined at some step (NaN there, e.g. an income
        at step 0, before any month was lived) to the file's reason.
        """
        scalars = self.scalar_metric_names
        if names is None:
            names = scalars
        else:
            names = [names] if isinstance(names, str) else list(names)
            self._check_metrics(names)
            for name in names:
                if name not in scalars:
                    raise ValueError(f"{self.path}: metric {name!r} has extra dimensions; use metrics()[{name!r}]")
        ds = self.metrics(names)
        frame = ds.to_dataframe()[list(names)]
        frame.attrs["units"] = {name: ds[name].attrs.get("units", "") for name in names}
        frame.attrs["long_name"] = {name: ds[name].attrs.get("long_name", "") for name in names}
        frame.attrs["undefined"] = {name: ds[name].attrs["undefined"] for name in names
                                    if "undefined" in ds[name].attrs}
        frame.attrs["steps_per_year"] = self.steps_per_year
        return frame

    def units(self, metric: str) -> str:
        """The `units` attribute of METRIC."""
        self._check_metrics([metric])
        return self._metric_units[metric]

    # -- snapshots ----------------------------------------------------------

    @property
    def snapshot_tables(self) -> list[str]:
        """Agent tables with snapshots (groups under /snapshots)."""
        with h5py.File(self.path, "r") as f:
            return list(f["snapshots"]) if "snapshots" in f else []

    def _table_group(self, f: h5py.File, table: str) -> h5py.Group:
        if "snapshots" not in f or table not in f["snapshots"]:
            raise NotFoundError("snapshot table", table, self.path, list(f.get("snapshots", {})))
        return f["snapshots"][table]

    def snapshot_steps(self, table: str) -> list[int]:
        """The steps at which TABLE was written, ascending."""
        with h5py.File(self.path, "r") as f:
            group = self._table_group(f, table)
            return sorted(int(g.attrs["step"]) for g in group.values())

    def _snapshot_group(self, f: h5py.File, table: str, step: int) -> h5py.Group:
        group = self._table_group(f, table)
        for snapshot in group.values():
            if int(snapshot.attrs["step"]) == int(step):
                return snapshot
        raise NotFoundError(f"snapshot of {table!r} at step", step, self.path,
                            sorted(int(g.attrs["step"]) for g in group.values()))

    def snapshot(self, table: str, step: int | None = None, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """One snapshot of TABLE as a DataFrame: one row per agent, indexed by the global agent id.

        STEP defaults to the last snapshot; COLUMNS (default: all) limits what
        is read, which matters for large panels. Columns keep their stored
        types; `frame.attrs` holds `step`, `units` and `long_name` (per column read).
        """
        if step is None:
            steps = self.snapshot_steps(table)
            if not steps:
                raise NotFoundError(f"snapshot of {table!r} at step", None, self.path, [])
            step = steps[-1]
        with h5py.File(self.path, "r") as f:
            group = self._snapshot_group(f, table, step)
            available = [name for name in group if name != "agent"]
            chosen = available if columns is None else list(columns)
            for name in chosen:
                if name not in available:
                    raise NotFoundError(f"column of {table!r}", name, self.path, available)
            index = pd.Index(group["agent"][()], name="agent")
            data = {name: read_column(group[name]) for name in chosen}
            units = {name: str(decode(group[name].attrs.get("units", ""))) for name in chosen}
            long_names = {name: str(decode(group[name].attrs.get("long_name", ""))) for name in chosen}
        frame = pd.DataFrame(data, index=index)
        frame.attrs.update(step=int(step), table=table, units=units, long_name=long_names)
        return frame

    def columns(self, table: str) -> pd.DataFrame:
        """The columns of TABLE's snapshots with their dtype, `units` and `long_name` (from the first snapshot)."""
        with h5py.File(self.path, "r") as f:
            group = self._table_group(f, table)
            first = next(iter(group.values()))
            rows = [(name, str(ds.dtype), decode(ds.attrs.get("units", "")), decode(ds.attrs.get("long_name", "")))
                    for name, ds in first.items() if name != "agent"]
        return pd.DataFrame(rows, columns=["column", "dtype", "units", "long_name"]).set_index("column")

    # -- result tables ------------------------------------------------------

    @property
    def table_names(self) -> list[str]:
        """Result tables under /tables (e.g. `calibration`)."""
        with h5py.File(self.path, "r") as f:
            return list(f["tables"]) if "tables" in f else []

    def table(self, name: str) -> pd.DataFrame:
        """Result table NAME (e.g. "calibration") as a DataFrame indexed by row.

        `frame.attrs` holds the table's `description` and each column's `units`.
        """
        with h5py.File(self.path, "r") as f:
            if "tables" not in f or name not in f["tables"]:
                raise NotFoundError("table", name, self.path, list(f.get("tables", {})))
            group = f["tables"][name]
            index = pd.Index(group["row"][()], name="row")
            columns = {column: read_column(ds) for column, ds in group.items() if column != "row"}
            units = {column: str(decode(ds.attrs.get("units", ""))) for column, ds in group.items()
                     if column != "row"}
            description = str(decode(group.attrs.get("description", "")))
        frame = pd.DataFrame(columns, index=index)
        frame.attrs.update(description=description, units=units)
        return frame


def open_run(path: str | os.PathLike) -> Run:
    """Opens a `cpsim run` output file.

    Raises FileNotFoundError for a missing file and CpsimFormatError for a
    file that is not a cpsim run (not HDF5, a study file, an unknown
    format_version). Warns with IncompleteRunWarning when the run stopped early.
    """
    return Run(path)
