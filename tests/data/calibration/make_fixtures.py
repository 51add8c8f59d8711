#!/usr/bin/python3
"""Writes the calibration files the parameter-uncertainty tests and the
example study read, in the layout `cpsim calibrate` writes
(docs/studies.md, "Parameter uncertainty"):

    /calibration/parameters/name (strings), estimate, lower, upper, start,
                           standard_error (float64)
    /calibration/covariance (n x n float64)

Run it with Debian's interpreter (h5py) from anywhere; it rewrites the files
next to it and scenarios/calibrations/ishigami-demo.h5.
"""
import pathlib

import h5py
import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]


def write(path, names, estimate, lower, upper, covariance, start=None):
    names = list(names)
    estimate = np.asarray(estimate, dtype="f8")
    covariance = np.asarray(covariance, dtype="f8")
    with h5py.File(path, "w") as f:
        g = f.create_group("calibration/parameters")
        g.create_dataset("name", data=names, dtype=h5py.string_dtype("utf-8"))
        g["estimate"] = estimate
        g["lower"] = np.asarray(lower, dtype="f8")
        g["upper"] = np.asarray(upper, dtype="f8")
        g["start"] = np.asarray(start if start is not None else estimate, dtype="f8")
        diagonal = np.diag(covariance) if covariance.ndim == 2 and covariance.shape[0] == covariance.shape[1] else np.full(len(names), np.nan)
        g["standard_error"] = np.sqrt(diagonal)
        f["calibration/covariance"] = covariance


# x2 (which the a-reform's effect sin^2 x2 depends on) and x3 (which it does
# not), correlated 0.5.
ISHIGAMI = dict(names=["parameters.x2", "parameters.x3"], estimate=[1.0, 0.5],
                lower=[0.0, -1.0], upper=[2.0, 2.0],
                covariance=[[0.09, 0.075], [0.075, 0.25]])

write(HERE / "ishigami.h5", **ISHIGAMI)
write(ROOT / "scenarios/calibrations/ishigami-demo.h5", **ISHIGAMI)
write(HERE / "ishigami-x3-only.h5", names=["parameters.x3"], estimate=[0.5], lower=[-1.0],
      upper=[2.0], covariance=[[0.25]])
write(HERE / "unknown-parameter.h5", names=["parameters.x2", "parameters.x9"],
      estimate=[1.0, 0.5], lower=[0.0, -1.0], upper=[2.0, 2.0],
      covariance=[[0.09, 0.0], [0.0, 0.25]])
write(HERE / "covariance-shape.h5", names=["parameters.x2", "parameters.x3"],
      estimate=[1.0, 0.5], lower=[0.0, -1.0], upper=[2.0, 2.0],
      covariance=[[0.09, 0.0, 0.0], [0.0, 0.25, 0.0]])
write(HERE / "not-positive-definite.h5", names=["parameters.x2", "parameters.x3"],
      estimate=[1.0, 0.5], lower=[0.0, -1.0], upper=[2.0, 2.0],
      covariance=[[0.09, 0.3], [0.3, 0.25]])
(HERE / "not-hdf5.h5").write_text("this is not an HDF5 file\n")
