"""Low-level reading shared by run and study files: format checks and decoding.

Only the layouts documented in docs/output-format.md and docs/studies.md are
read; nothing here knows about the C++ sources.
"""
from __future__ import annotations

import os
from typing import Any, Mapping

import h5py
import numpy as np

from .errors import CpsimFormatError

RUN_FORMAT = "cpsim-run"
STUDY_FORMAT = "cpsim-study"
SUPPORTED_VERSIONS = {RUN_FORMAT: {1}, STUDY_FORMAT: {1}}


def decode(value: Any) -> Any:
    """An HDF5 attribute or element as a plain Python value (UTF-8 bytes -> str, numpy scalars -> int/float)."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        if value.dtype.kind in ("O", "S"):
            return [decode(v) for v in value.tolist()]
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def decode_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """All attributes of an HDF5 object, decoded; HDF5 bookkeeping attributes (dimension scales) are left out."""
    hidden = {"CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates"}
    return {name: decode(attrs[name]) for name in attrs if name not in hidden}


def read_column(dataset: h5py.Dataset) -> np.ndarray:
    """A 1-D dataset as numpy; UTF-8 string datasets become arrays of str."""
    if h5py.check_string_dtype(dataset.dtype) is not None:
        return np.array(dataset.asstr()[()], dtype=object)
    return dataset[()]


def open_checked(path: str | os.PathLike, expected_format: str) -> h5py.File:
    """Opens PATH read-only and checks its `format` and `format_version` root attributes.

    Raises FileNotFoundError for a missing file and CpsimFormatError (one line,
    naming the file) for anything that is not a cpsim file of the expected kind.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    if os.path.isdir(path):
        raise CpsimFormatError(f"{path}: is a directory, not a cpsim HDF5 file")
    try:
        f = h5py.File(path, "r")
    except OSError as error:
        raise CpsimFormatError(f"{path}: not an HDF5 file ({error.__class__.__name__}: {error})") from None
    try:
        found = decode(f.attrs.get("format"))
        if found != expected_format:
            hint = ""
            if found == STUDY_FORMAT:
                hint = " (a study file: use open_study)"
            elif found == RUN_FORMAT:
                hint = " (a single run: use open_run)"
            described = "no format attribute" if found is None else f"format {found!r}"
            raise CpsimFormatError(f"{path}: not a {expected_format} file ({described}){hint}")
        version = decode(f.attrs.get("format_version"))
        if version not in SUPPORTED_VERSIONS[expected_format]:
            supported = ", ".join(str(v) for v in sorted(SUPPORTED_VERSIONS[expected_format]))
            raise CpsimFormatError(
                f"{path}: {expected_format} format_version {version!r} is not supported "
                f"(this reader knows {supported})")
    except BaseException:
        f.close()
        raise
    return f


def file_format(path: str | os.PathLike) -> str:
    """The `format` root attribute of a cpsim file ("cpsim-run" or "cpsim-study").

    Raises FileNotFoundError or CpsimFormatError like open_run/open_study.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    try:
        with h5py.File(path, "r") as f:
            found = decode(f.attrs.get("format"))
    except OSError as error:
        raise CpsimFormatError(f"{path}: not an HDF5 file ({error.__class__.__name__}: {error})") from None
    if found not in SUPPORTED_VERSIONS:
        described = "no format attribute" if found is None else f"format {found!r}"
        raise CpsimFormatError(f"{path}: not a cpsim file ({described}; expected cpsim-run or cpsim-study)")
    return found
