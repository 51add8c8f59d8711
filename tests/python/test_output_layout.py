#!/usr/bin/env python3
"""Checks that a cpsim output file opens as it is with h5py, pandas and xarray.

Usage: test_output_layout.py CPSIM_BINARY SOURCE_DIR

Runs `CPSIM_BINARY run SOURCE_DIR/scenarios/boltzmann.yaml -o TMP/out.h5
--quiet`, then checks the layout documented in docs/output-format.md: root
attributes, /metrics with its `step` dimension, snapshot and table groups,
a dimension scale on every axis of every dataset (xarray's h5netcdf engine
refuses a group otherwise), and runs the Python example of the docs.

With CPSIM_TEST_H5=FILE set, checks FILE instead of running cpsim (to check
a file written by some other means, e.g. the engine tests' sample file).

Exits 0 if every check passes, 1 otherwise (a list of failures on stderr).
"""
import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile
import traceback
import warnings

import h5py
import numpy as np
import pandas as pd
import xarray as xr

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def is_scale(ds):
    return bool(h5py.h5ds.is_scale(ds.id))


def string_attr(obj, name):
    value = obj.attrs.get(name)
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    return value


ROOT_STRINGS = ["format", "cpsim_version", "git_commit", "model", "scenario_name",
                "scenario_file", "scenario_yaml", "command_line", "created", "hostname"]
ROOT_NUMBERS = {"format_version": np.int32, "seed": np.uint64, "steps_requested": np.int64,
                "threads": np.int32, "ranks": np.int32, "steps_per_year": np.int64, "complete": np.int8,
                "steps_completed": np.int64, "wall_seconds": np.float64}


def check_root(f, expect_run):
    for name in ROOT_STRINGS:
        value = string_attr(f, name)
        if check(isinstance(value, str), f"root attribute {name}: missing or not a string ({value!r})"):
            info = h5py.check_string_dtype(f.attrs.get_id(name).dtype)
            check(info is not None and info.encoding == "utf-8", f"root attribute {name}: not UTF-8")
    for name, dtype in ROOT_NUMBERS.items():
        check(name in f.attrs, f"root attribute {name} missing")
        if name in f.attrs:
            stored = f.attrs.get_id(name).dtype
            check(stored == np.dtype(dtype), f"root attribute {name}: {stored}, expected {np.dtype(dtype)}")
    check(string_attr(f, "format") == "cpsim-run", "format is not cpsim-run")
    check(int(f.attrs.get("format_version", -1)) == 1, "format_version is not 1")
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", string_attr(f, "created") or "") is not None,
          f"created is not ISO-8601 UTC: {string_attr(f, 'created')!r}")
    if expect_run:
        check(string_attr(f, "model") == "boltzmann", f"model: {string_attr(f, 'model')!r}")
        check(int(f.attrs["complete"]) == 1, "complete is not 1")
        check(int(f.attrs["steps_completed"]) == int(f.attrs["steps_requested"]),
              "steps_completed != steps_requested for a complete run")
        check(int(f.attrs["seed"]) == 42, f"seed: {f.attrs['seed']}")
        check(int(f.attrs["steps_per_year"]) == 0, "steps_per_year of the Boltzmann model is not 0")
        check("boltzmann" in string_attr(f, "scenario_yaml"), "scenario_yaml does not name the model")


def check_every_axis_has_a_scale(f):
    """Every dataset that is not itself a dimension scale has one on each axis."""
    seen = []

    def visit(name, obj):
        if not isinstance(obj, h5py.Dataset):
            return
        seen.append(name)
        if is_scale(obj):
            return
        for axis in range(obj.ndim):
            check(len(obj.dims[axis]) >= 1, f"/{name}: axis {axis} has no dimension scale")

    f.visititems(visit)
    return seen


def check_metrics(f, path):
    g = f["metrics"]
    step = g["step"]
    check(is_scale(step), "/metrics/step is not a dimension scale")
    check(step.dtype == np.int64 and step.ndim == 1, "/metrics/step is not 1-D int64")
    check(step.maxshape == (None,), f"/metrics/step is not unlimited: {step.maxshape}")
    check(step.chunks is not None, "/metrics/step is not chunked")
    steps = step[:]
    check(len(steps) > 0 and steps[0] == 0, "/metrics/step does not start at 0")
    check(bool(np.all(np.diff(steps) > 0)), "/metrics/step does not increase")
    if int(f.attrs.get("complete", 0)) == 1:
        check(steps[-1] == int(f.attrs["steps_completed"]), "last step != steps_completed")

    metrics = []
    for name, ds in g.items():
        if is_scale(ds) or ds.ndim == 0 or len(ds.dims[0]) == 0 or ds.dims[0][0].name != step.name:
            continue
        metrics.append(name)
        check(ds.dtype in (np.float64, np.int64), f"/metrics/{name}: dtype {ds.dtype}")
        check(ds.shape[0] == len(steps), f"/metrics/{name}: {ds.shape[0]} rows, step has {len(steps)}")
        check(ds.maxshape[0] is None, f"/metrics/{name}: not extendible along step")
        check(ds.chunks is not None, f"/metrics/{name}: not chunked")
        check(isinstance(string_attr(ds, "units"), str), f"/metrics/{name}: no units")
        check(isinstance(string_attr(ds, "long_name"), str), f"/metrics/{name}: no long_name")
        for axis in range(1, ds.ndim):
            dim = ds.dims[axis][0].name.rsplit("/", 1)[-1]
            check(dim in g and is_scale(g[dim]), f"/metrics/{name}: axis {axis} scale {dim} not in /metrics")
            # The dimension scale holds the labels (UTF-8), so they are xarray's index.
            check(h5py.check_string_dtype(g[dim].dtype) is not None,
                  f"/metrics/{dim}: the dimension scale does not hold the labels (dtype {g[dim].dtype})")
            check(f"{dim}_label" in g, f"/metrics/{name}: no {dim}_label dataset")
            check(list(g[dim].asstr()[()]) == list(g[f"{dim}_label"].asstr()[()]),
                  f"/metrics/{dim}_label differs from /metrics/{dim}")
            check(f"{dim}_label" in (string_attr(ds, "coordinates") or ""),
                  f"/metrics/{name}: coordinates attribute does not list {dim}_label")
    check(len(metrics) > 0, "/metrics holds no metric")

    # xarray: step is the index, every metric is on it, labels are coordinates.
    ds = xr.open_dataset(path, group="metrics", engine="h5netcdf")
    check("step" in ds.dims and "step" in ds.indexes, f"xarray /metrics: no step index ({ds.dims})")
    check(ds.sizes.get("step") == len(steps), "xarray /metrics: wrong step length")
    check(bool(np.array_equal(ds["step"].values, steps)), "xarray /metrics: step values differ")
    for name in metrics:
        check(name in ds.data_vars, f"xarray /metrics: {name} is not a data variable")
        if name in ds.data_vars:
            check(ds[name].dims[0] == "step", f"xarray /metrics/{name}: dims {ds[name].dims}")
            check("units" in ds[name].attrs, f"xarray /metrics/{name}: no units")
            check(bool(np.array_equal(ds[name].values, g[name][:], equal_nan=True)),
                  f"xarray /metrics/{name}: values differ from h5py")
    for name in g:
        if name.endswith("_label"):
            check(name in ds.coords, f"xarray /metrics: {name} is not a coordinate")
            # Plain xarray selects by label: ds.sel(sector="services").
            dim = name[: -len("_label")]
            first = str(g[name].asstr()[0])
            check(dim in ds.indexes and str(ds[dim].values[0]) == first,
                  f"xarray /metrics: {dim} is not indexed by its labels")
            for metric in metrics:
                if dim in ds[metric].dims:
                    selected = ds[metric].sel({dim: first})
                    check(bool(np.array_equal(selected.values, ds[metric].isel({dim: 0}).values, equal_nan=True)),
                          f"xarray /metrics/{metric}: .sel({dim}={first!r}) is not the first label's values")
                    break
    scalars = [name for name in metrics if g[name].ndim == 1]
    if scalars:
        frame = ds[scalars].to_dataframe()
        check(isinstance(frame, pd.DataFrame) and frame.index.name == "step" and len(frame) == len(steps),
              "pandas: scalar metrics do not make a DataFrame indexed by step")
    ds.close()
    return metrics


def check_snapshots(f, path, expect_run):
    groups = []
    if "snapshots" not in f:
        check(False, "no /snapshots group")
        return groups
    for table, table_group in f["snapshots"].items():
        for step_name, group in table_group.items():
            groups.append(f"snapshots/{table}/{step_name}")
            check(re.fullmatch(r"step_\d{6,}", step_name) is not None, f"bad snapshot name {step_name}")
            check(int(group.attrs.get("step", -1)) == int(step_name[5:]),
                  f"/snapshots/{table}/{step_name}: step attribute {group.attrs.get('step')}")
            check("agent" in group and is_scale(group["agent"]) and group["agent"].dtype == np.uint64,
                  f"/snapshots/{table}/{step_name}: no uint64 agent dimension scale")
    if expect_run:
        check(len(groups) >= 2, f"expected several snapshots (snapshot_every: 50), found {groups}")
    for group in groups:
        ds = xr.open_dataset(path, group=group, engine="h5netcdf")
        h5 = f[group]
        check(list(ds.dims) == ["agent"], f"xarray /{group}: dims {dict(ds.sizes)}")
        check(bool(np.array_equal(ds["agent"].values, h5["agent"][:])), f"xarray /{group}: agent ids differ")
        for name, column in h5.items():
            if name == "agent":
                continue
            check(name in ds.data_vars and ds[name].dims == ("agent",), f"xarray /{group}/{name}: not on agent")
            check(isinstance(string_attr(column, "units"), str), f"/{group}/{name}: no units")
            check(isinstance(string_attr(column, "long_name"), str), f"/{group}/{name}: no long_name")
            if name in ds.data_vars:
                check(ds[name].dtype == column.dtype, f"xarray /{group}/{name}: dtype changed")
        frame = ds.to_dataframe()
        check(frame.index.name == "agent" and len(frame) == h5["agent"].shape[0],
              f"pandas /{group}: not one row per agent")
        ds.close()
    return groups


def check_tables(f, path):
    names = list(f["tables"]) if "tables" in f else []
    check("tables" in f, "no /tables group")
    for name in names:
        group = f"tables/{name}"
        check("row" in f[group] and is_scale(f[group]["row"]), f"/{group}: no row dimension scale")
        check(isinstance(string_attr(f[group], "description"), str), f"/{group}: no description")
        ds = xr.open_dataset(path, group=group, engine="h5netcdf")
        check(list(ds.dims) in (["row"], []), f"xarray /{group}: dims {dict(ds.sizes)}")
        ds.close()
    return names


def run_docs_example(source_dir, path):
    """Runs the first Python block under "Open it in Python" in the docs."""
    doc = os.path.join(source_dir, "docs", "output-format.md")
    with open(doc, encoding="utf-8") as stream:
        text = stream.read()
    section = text.split("## Open it in Python", 1)
    if not check(len(section) == 2, "docs/output-format.md: no 'Open it in Python' section"):
        return
    match = re.search(r"```python\n(.*?)```", section[1], re.S)
    if not check(match is not None, "docs/output-format.md: no python block"):
        return
    code = match.group(1).replace('path = "run.h5"', f"path = {path!r}")
    check(f"path = {path!r}" in code, "docs example does not start from path = \"run.h5\"")
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, doc, "exec"), {})
    except Exception:  # noqa: BLE001 - report any failure of the example
        check(False, "docs/output-format.md example failed:\n" + traceback.format_exc())


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, source_dir = sys.argv[1], sys.argv[2]
    warnings.simplefilter("error", category=UserWarning)  # e.g. h5netcdf phony dimensions
    with tempfile.TemporaryDirectory(prefix="cpsim-layout-") as tmp:
        path = os.environ.get("CPSIM_TEST_H5", "")
        expect_run = not path
        if expect_run:
            path = os.path.join(tmp, "out.h5")
            scenario = os.path.join(source_dir, "scenarios", "boltzmann.yaml")
            command = [binary, "run", scenario, "-o", path, "--quiet"]
            result = subprocess.run(command, capture_output=True, text=True, timeout=600)
            if result.returncode != 0:
                print(f"FAIL: {' '.join(command)} exited {result.returncode}\n{result.stdout}{result.stderr}",
                      file=sys.stderr)
                return 1
            check(os.path.exists(path), "no output file under the final name")
            check(not os.path.exists(path + ".partial"), ".partial file left after the run")

        def guarded(function, *args):
            try:
                return function(*args)
            except Exception:  # noqa: BLE001 - any exception is a failed check
                failures.append(f"{function.__name__}: " + traceback.format_exc())
                return []

        with h5py.File(path, "r") as f:
            guarded(check_root, f, expect_run)
            datasets = guarded(check_every_axis_has_a_scale, f)
            metrics = guarded(check_metrics, f, path)
            groups = guarded(check_snapshots, f, path, expect_run)
            tables = guarded(check_tables, f, path)
        if expect_run:
            guarded(run_docs_example, source_dir, path)

    if failures:
        for failure in failures:
            print(f"FAIL: {failure}", file=sys.stderr)
        return 1
    print(f"ok: {len(datasets)} datasets, {len(metrics)} metrics, {len(groups)} snapshot groups, "
          f"{len(tables)} tables")
    return 0


if __name__ == "__main__":
    sys.exit(main())
