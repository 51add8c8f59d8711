#!/usr/bin/env python3
"""Checks that a file written with `output.codec: lz4` opens as it is with
Debian's h5py and xarray, without HDF5_PLUGIN_PATH, and holds the values of
the same run written with deflate.

Usage: test_lz4_output.py CPSIM_BINARY SOURCE_DIR

Runs `scenarios/boltzmann.yaml` twice (deflate, the default, and lz4), with a
snapshot every 10 steps, then compares every dataset of the two files and
opens a snapshot group and /metrics with xarray's h5netcdf engine. HDF5 finds
the LZ4 filter in its own plugin folder (Debian's hdf5-filter-plugin).

Exits 0 if every check passes, 1 otherwise, 77 (skipped) when this HDF5
cannot load the LZ4 filter: lz4 is an optional codec, refused by cpsim with
exit 3 in that case (tests/integration/test_interrupts.cpp).
"""
import os
import subprocess
import sys
import tempfile

os.environ.pop("HDF5_PLUGIN_PATH", None)  # the point: no extra set-up

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

LZ4 = 32004


def datasets(f):
    found = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            found[name] = obj
        # None: visititems goes on

    f.visititems(visit)
    return found


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, source_dir = sys.argv[1], sys.argv[2]
    if not h5py.h5z.filter_avail(LZ4):
        print("skipped: HDF5 cannot load the LZ4 filter plugin (Debian: hdf5-filter-plugin)")
        return 77
    failures = []
    with tempfile.TemporaryDirectory(prefix="cpsim-lz4-") as tmp:
        files = {}
        for codec in ("deflate", "lz4"):
            path = os.path.join(tmp, codec + ".h5")
            command = [binary, "run", os.path.join(source_dir, "scenarios", "boltzmann.yaml"),
                       "-o", path, "--quiet", "--steps", "30", "--set", "output.snapshot_every=10",
                       "--set", "output.codec=" + codec]
            result = subprocess.run(command, capture_output=True, text=True, timeout=600)
            if result.returncode != 0:
                print(f"FAIL: {' '.join(command)} exited {result.returncode}\n{result.stderr}",
                      file=sys.stderr)
                return 1
            files[codec] = path
        with h5py.File(files["deflate"], "r") as deflated, h5py.File(files["lz4"], "r") as lz4:
            expected, written = datasets(deflated), datasets(lz4)
            if sorted(expected) != sorted(written):
                failures.append(f"different datasets: {sorted(set(expected) ^ set(written))}")
            compressed = 0
            for name, dataset in expected.items():
                other = written.get(name)
                if other is None:
                    continue
                if other.chunks is not None:
                    compressed += 1
                    if str(LZ4) not in other._filters:
                        failures.append(f"{name}: chunked without the LZ4 filter ({other._filters})")
                a, b = dataset[()], other[()]
                if a.dtype != b.dtype or a.shape != b.shape or not np.array_equal(
                        a, b, equal_nan=a.dtype.kind == "f"):
                    failures.append(f"{name}: values differ from the deflated file")
            if compressed == 0:
                failures.append("no chunked dataset in the lz4 file")
            snapshot = sorted(lz4["snapshots/agents"])[-1]
        with xr.open_dataset(files["lz4"], group="snapshots/agents/" + snapshot,
                             engine="h5netcdf") as panel, \
                xr.open_dataset(files["deflate"], group="snapshots/agents/" + snapshot,
                                engine="h5netcdf") as reference:
            if not panel.equals(reference):
                failures.append("xarray: the lz4 panel differs from the deflated one")
        with xr.open_dataset(files["lz4"], group="metrics", engine="h5netcdf") as metrics:
            if metrics.sizes.get("step") != 31:
                failures.append(f"xarray: /metrics has {metrics.sizes.get('step')} steps, not 31")
    for failure in failures:
        print("FAIL: " + failure, file=sys.stderr)
    if failures:
        return 1
    print(f"ok: {len(expected)} datasets, {compressed} of them LZ4, equal to the deflated file's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
