#!/usr/bin/python3
"""A household table given as HDF5 (`FILE.h5:/group`, one 1-D dataset per
column, docs/scenarios.md) starts the same district as the same table in
CSV: the shipped sample converted column by column runs to a bit-identical
metrics group. A column of the wrong length is refused with one line, exit 2.

    test_household_table_hdf5.py CPSIM SOURCE_DIR
"""
import csv
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np


def main():
    cpsim, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    sample_csv = os.path.join(source, "scenarios/xihu/households-sample.csv")
    scenario = os.path.join(source, "scenarios/xihu/households-sample.yaml")
    with open(sample_csv, newline="") as f:
        rows = list(csv.DictReader(f))
    text_columns = {"residence", "hukou"}
    with tempfile.TemporaryDirectory() as tmp:
        table = os.path.join(tmp, "homes.h5")
        with h5py.File(table, "w") as f:
            g = f.create_group("households")
            for name in rows[0]:
                values = [r[name] for r in rows]
                if name in text_columns:
                    g[name] = np.array(values, dtype=h5py.string_dtype())
                else:
                    g[name] = np.array([float(v) for v in values])

        def run(table_arg, out):
            return subprocess.run(
                [cpsim, "run", scenario, "--steps", "3", "--quiet", "--set",
                 f"parameters.household_table.file={table_arg}", "-o", out],
                capture_output=True, text=True, check=False)

        from_csv, from_h5 = os.path.join(tmp, "csv.h5"), os.path.join(tmp, "h5.h5")
        done = run(sample_csv, from_csv)
        assert done.returncode == 0, done.stderr
        done = run(table + ":/households", from_h5)
        assert done.returncode == 0, done.stderr
        with h5py.File(from_csv, "r") as a, h5py.File(from_h5, "r") as b:
            for name, dataset in a["metrics"].items():
                x, y = dataset[...], b["metrics"][name][...]
                assert x.dtype == y.dtype and x.shape == y.shape, name
                assert x.tobytes() == y.tobytes() or x.dtype.kind == "O" and list(x) == list(y), \
                    f"metrics/{name} differs between the CSV and the HDF5 table"

        # A short column: one located line, exit 2, no output file.
        with h5py.File(table, "a") as f:
            del f["households/weight"]
            f["households/weight"] = np.ones(len(rows) - 1)
        out = os.path.join(tmp, "bad.h5")
        done = run(table + ":/households", out)
        assert done.returncode == 2, (done.returncode, done.stderr)
        lines = (done.stdout + done.stderr).strip().split("\n")
        assert len(lines) == 1 and "homes.h5" in lines[0], lines
        assert not os.path.exists(out) and not os.path.exists(out + ".partial")
    print("household table from HDF5: same district as from CSV; a short column refused")


if __name__ == "__main__":
    main()
