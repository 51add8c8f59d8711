#!/usr/bin/python3
"""Runs one pytest file of the analysis package for CTest (label `python`).

Usage: run_pytest.py TEST_FILE [pytest options...]

Exits 77 (CTest's SKIP_RETURN_CODE) with a one-line reason when Debian's
/usr/bin/python3 lacks a module the package needs, or when every test in
the file was skipped; otherwise returns pytest's exit status. Sets
PYTHONPATH so that `import cpsim_analysis` finds analysis/, and writes no
bytecode or pytest cache into the source tree.
"""
import importlib
import os
import sys

SKIP = 77
REQUIRED = {"h5py": "python3-h5py", "numpy": "python3-numpy", "pandas": "python3-pandas",
            "xarray": "python3-xarray", "h5netcdf": "python3-h5netcdf", "matplotlib": "python3-matplotlib",
            "yaml": "python3-yaml", "pytest": "python3-pytest", "nbformat": "python3-nbformat",
            "nbclient": "python3-nbclient", "ipykernel": "python3-ipykernel"}


def missing_modules():
    missing = []
    for module, package in REQUIRED.items():
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(f"{module} ({package})")
    return missing


class SkipCounter:
    """Counts outcomes so that a file whose tests all skipped is reported as skipped, not passed."""

    def __init__(self):
        self.passed = self.failed = 0
        self.skip_reasons = []

    def pytest_runtest_logreport(self, report):
        if report.skipped:
            self.skip_reasons.append(str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else "skipped")
        elif report.failed:
            self.failed += 1
        elif report.when == "call":
            self.passed += 1


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    sys.dont_write_bytecode = True
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    missing = missing_modules()
    if missing:
        print(f"SKIPPED: {sys.executable} lacks {', '.join(missing)}; install with scripts/install-deps.sh")
        return SKIP
    analysis_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, analysis_dir)
    os.environ["PYTHONPATH"] = analysis_dir + os.pathsep + os.environ.get("PYTHONPATH", "")
    import pytest

    counter = SkipCounter()
    status = pytest.main([sys.argv[1], "-q", "-p", "no:cacheprovider", *sys.argv[2:]], plugins=[counter])
    if status == 0 and counter.passed == 0 and counter.failed == 0 and counter.skip_reasons:
        print("SKIPPED: " + "; ".join(sorted(set(counter.skip_reasons))))
        return SKIP
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
