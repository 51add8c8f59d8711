"""Fixtures: small real cpsim files written by the built `cpsim` binary (never hand-made HDF5).

CTest sets CPSIM_BINARY (the built cpsim) and CPSIM_SOURCE_DIR (the repository);
run by hand: CPSIM_BINARY=build/app/cpsim analysis/tests/run_pytest.py analysis/tests/test_run.py
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SOURCE_DIR = Path(os.environ.get("CPSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
ECONOMY_STEPS = 24  # two simulated years of the 1:100 district, yearly household panels at 0, 12, 24
BOLTZMANN_STEPS = 60


def cpsim_binary() -> str:
    binary = os.environ.get("CPSIM_BINARY", "")
    if not binary or not os.access(binary, os.X_OK):
        pytest.fail(f"set CPSIM_BINARY to the built cpsim program (got {binary!r})", pytrace=False)
    return binary


def run_cpsim(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Runs `cpsim ARGS...`; with CHECK a non-zero exit fails the test with cpsim's output."""
    command = [cpsim_binary(), *map(str, args)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}{result.stderr}", pytrace=False)
    return result


def scenario(name: str) -> str:
    return str(SOURCE_DIR / "scenarios" / name)


@pytest.fixture(scope="session")
def results_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cpsim-results")


@pytest.fixture(scope="session")
def economy_file(results_dir) -> Path:
    """xihu-small (1:100 district economy), 24 monthly steps, household panels at 0, 12 and 24."""
    path = results_dir / "baseline.h5"
    run_cpsim("run", scenario("xihu-small.yaml"), "--steps", ECONOMY_STEPS, "-o", path, "--quiet")
    return path


@pytest.fixture(scope="session")
def reform_file(results_dir) -> Path:
    """The same district with a higher dibao standard (1100 instead of 917 RMB/person/month)."""
    path = results_dir / "reform.h5"
    run_cpsim("run", scenario("xihu-small.yaml"), "--steps", ECONOMY_STEPS, "--set",
              "parameters.dibao.standard_per_person_month=1100", "--set", "name=dibao-1100", "-o", path, "--quiet")
    return path


@pytest.fixture(scope="session")
def boltzmann_file(results_dir) -> Path:
    """Mesa's Boltzmann model with 100 agents, snapshots every 20 steps."""
    path = results_dir / "boltzmann.h5"
    run_cpsim("run", scenario("boltzmann.yaml"), "--set", "parameters.agents=100", "--steps", BOLTZMANN_STEPS,
              "--set", "output.snapshot_every=20", "-o", path, "--quiet")
    return path


@pytest.fixture(scope="session")
def not_cpsim_file(results_dir) -> Path:
    """A valid HDF5 file that is not a cpsim file (hand-made on purpose)."""
    import h5py

    path = results_dir / "other.h5"
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "something-else"
        f["data"] = [1, 2, 3]
    return path
