"""Compares two cpsim study (or run) files object by object (docs/studies.md, "Parts on a cluster").

Used by test_study_parts.py and tests/slurm/test_slurm.sh. Every group, every
dataset (shape, type and bytes) and every attribute (value and type) must be
equal, except the root attributes that describe how the study was executed,
which differ between any two runs of the same study: the list EXECUTION
(docs/studies.md and docs/mpi.md name the same). Dimension-scale bookkeeping
attributes (DIMENSION_LIST, REFERENCE_LIST) hold object references, compared by
the names they point to.

    python3 study_files.py A.h5 B.h5     # exits 0 if equal, 1 listing the differences
"""
import sys

import h5py
import numpy as np

EXECUTION = ("created", "hostname", "command_line", "wall_seconds", "threads", "jobs", "ranks")


def _reference_names(f, value):
    """An attribute of HDF5 references as the names of what they point to."""
    names = []
    for item in np.asarray(value, dtype=object).ravel():
        if isinstance(item, h5py.Reference):
            names.append(f[item].name if item else None)
        elif isinstance(item, (tuple, np.void)):  # REFERENCE_LIST: (dataset, axis)
            names.append((f[item[0]].name, int(item[1])))
        else:
            names.append(_reference_names(f, item))
    return names


def _attribute(f, obj, name):
    value = obj.attrs[name]
    if name in ("DIMENSION_LIST", "REFERENCE_LIST"):
        return _reference_names(f, value)
    dtype = obj.attrs.get_id(name).dtype
    if isinstance(value, np.ndarray):
        return (str(dtype), value.shape, value.tobytes() if value.dtype != object else list(value))
    return (str(dtype), value)


def differences(path_a, path_b, skip_root=EXECUTION):
    """The list of differences between two study files (empty: equal)."""
    found = []
    with h5py.File(path_a, "r") as a, h5py.File(path_b, "r") as b:
        def names(f):
            listed = [""]
            f.visit(listed.append)
            return listed
        names_a, names_b = names(a), names(b)
        if names_a != names_b:
            found.append(f"objects differ: only in A {sorted(set(names_a) - set(names_b))[:10]}, "
                         f"only in B {sorted(set(names_b) - set(names_a))[:10]}, or in another order")
            return found
        for name in names_a:
            obj_a, obj_b = (a[name], b[name]) if name else (a, b)
            where = "/" + name
            if type(obj_a) is not type(obj_b):
                found.append(f"{where}: a {type(obj_a).__name__} and a {type(obj_b).__name__}")
                continue
            skip = skip_root if name == "" else ()
            attrs_a = [k for k in obj_a.attrs.keys() if k not in skip]
            attrs_b = [k for k in obj_b.attrs.keys() if k not in skip]
            if attrs_a != attrs_b:
                found.append(f"{where}: attributes {attrs_a} against {attrs_b}")
            for key in attrs_a:
                if key in attrs_b and _attribute(a, obj_a, key) != _attribute(b, obj_b, key):
                    found.append(f"{where}@{key}: {obj_a.attrs[key]!r} against {obj_b.attrs[key]!r}")
            if isinstance(obj_a, h5py.Dataset):
                if obj_a.dtype != obj_b.dtype or obj_a.shape != obj_b.shape:
                    found.append(f"{where}: {obj_a.dtype}{obj_a.shape} against "
                                 f"{obj_b.dtype}{obj_b.shape}")
                    continue
                va, vb = obj_a[()], obj_b[()]
                if obj_a.dtype.kind == "O":
                    same = list(np.asarray(va).ravel()) == list(np.asarray(vb).ravel())
                else:
                    same = np.asarray(va).tobytes() == np.asarray(vb).tobytes()
                if not same:
                    found.append(f"{where}: values differ")
        for key in skip_root:
            if (key in a.attrs) != (key in b.attrs):
                found.append(f"/@{key}: in one file only")
    return found


if __name__ == "__main__":
    diffs = differences(sys.argv[1], sys.argv[2])
    for line in diffs:
        print(line, file=sys.stderr)
    sys.exit(1 if diffs else 0)
