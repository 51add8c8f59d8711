#!/usr/bin/python3
"""Long-run health of the district economy: runs a scenario for some years at
several seeds and prints, for chosen years, the mean and range over seeds of
the indicators a researcher checks before trusting a ten- or twenty-year
comparison (unemployment, vacancies, inequality and its tail, the budget,
population and labour force).

    bench/long_run_table.py [--scenario scenarios/xihu-small.yaml] [--years 20]
                            [--seeds 1,2,3,4,5,6,7,8] [--show 1,2,5,10,20]
                            [--cpsim build/app/cpsim] [--threads 2] [--keep DIR]

Yearly indicators (year y = steps 12(y-1)+1 .. 12y):
  unemployment, vacancy rate, job finding: means of the monthly metrics;
  urban:rural ratio: urban_rural_ratio_ytd in December;
  Gini, Theil T, top 1 % share, largest household share: of the year's
    per-capita disposable income (household income_ytd / members, person
    weighted) from the December household snapshot; non-positive incomes
    add nothing to Theil T;
  balance / revenue: the year's sums of government_balance and
    government_revenue; debt / GDP: December debt over the year's GDP;
  net migration: the year's arriving minus departing persons over the
    population of the December before (NaN for files without the metrics);
  population, labour force: December.
The scenario must write yearly household snapshots (snapshot_every: 12 with
the households table; the Xihu scenarios do). Needs Debian's python3-h5py
and python3-numpy.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

COLUMNS = [  # (key, header, format)
    ("unemployment", "unempl.", "{:.3f}"),
    ("vacancy_rate", "vacancy", "{:.3f}"),
    ("job_finding", "finding", "{:.2f}"),
    ("urban_rural", "u:r", "{:.2f}"),
    ("gini", "Gini", "{:.3f}"),
    ("theil", "Theil T", "{:.3f}"),
    ("top1", "top 1%", "{:.3f}"),
    ("largest", "max hh", "{:.4f}"),
    ("balance_revenue", "bal/rev", "{:+.3f}"),
    ("debt_gdp", "debt/GDP", "{:.3f}"),
    ("net_migration", "net migr.", "{:+.3f}"),
    ("population", "population", "{:.0f}"),
    ("labour_force", "labour", "{:.0f}"),
]


def distribution(income_ytd: np.ndarray, members: np.ndarray) -> dict[str, float]:
    """Person-weighted statistics of per-capita income from one snapshot."""
    keep = members > 0
    income = income_ytd[keep].astype(np.float64)
    weight = members[keep].astype(np.float64)
    per_capita = income / weight
    order = np.argsort(per_capita, kind="stable")
    x, w, y = per_capita[order], weight[order], income[order]
    persons, total = w.sum(), y.sum()
    mean = total / persons
    # Gini of a weighted sample: 1 - sum w_i (S_{i-1} + S_i) / (N * Y).
    cumulative = np.cumsum(y)
    previous = np.concatenate(([0.0], cumulative[:-1]))
    gini = 1.0 - float(np.sum(w * (previous + cumulative)) / (persons * total))
    ratio = np.where(x > 0, x / mean, 1.0)
    theil = float(np.sum(w * np.where(x > 0, ratio * np.log(ratio), 0.0)) / persons)
    # Top 1 % of persons, splitting the household at the boundary.
    persons_above = np.cumsum(w[::-1])  # persons from the richest down
    taken = np.clip(0.01 * persons - (persons_above - w[::-1]), 0.0, w[::-1])
    top = float(np.sum(taken * x[::-1]))
    return {"gini": gini, "theil": theil, "top1": top / total, "largest": float(y.max() / total)}


def yearly(path: str, years: int) -> dict[int, dict[str, float]]:
    out: dict[int, dict[str, float]] = {}
    with h5py.File(path, "r") as f:
        m = f["metrics"]
        step = m["step"][()]
        snapshots = f["snapshots/households"] if "snapshots/households" in f else None
        for year in range(1, years + 1):
            months = (step >= 12 * (year - 1) + 1) & (step <= 12 * year)
            december = np.nonzero(step == 12 * year)[0]
            if not months.any() or len(december) != 1:
                break
            d = int(december[0])
            row = {
                "unemployment": float(np.mean(m["unemployment_rate"][months])),
                "vacancy_rate": float(np.mean(m["vacancy_rate"][months])),
                "job_finding": float(np.mean(m["job_finding_rate"][months])),
                "urban_rural": float(m["urban_rural_ratio_ytd"][d]),
                "balance_revenue": float(np.sum(m["government_balance"][months])
                                         / np.sum(m["government_revenue"][months])),
                "debt_gdp": float(m["government_debt"][d] / np.sum(m["gdp"][months])),
                "net_migration": float(
                    (np.sum(m["arriving_persons"][months]) - np.sum(m["departing_persons"][months]))
                    / m["population"][d - 12]) if "arriving_persons" in m else float("nan"),
                "population": float(m["population"][d]),
                "labour_force": float(m["labour_force"][d]),
            }
            name = f"step_{12 * year:06d}"
            if snapshots is not None and name in snapshots:
                h = snapshots[name]
                members = (h["workers"][()].astype(np.int64) + h["children"][()]
                           + h["elderly"][()])
                row.update(distribution(h["income_ytd"][()], members))
            out[year] = row
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpsim", default=os.path.join(ROOT, "build", "app", "cpsim"))
    parser.add_argument("--scenario", default=os.path.join(ROOT, "scenarios", "xihu-small.yaml"))
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--seeds", default="1,2,3,4,5,6,7,8")
    parser.add_argument("--show", default="1,2,5,10,20")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], help="passed to cpsim run --set")
    parser.add_argument("--keep", help="write the runs' files to this folder (default: temporary)")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    show = [int(y) for y in args.show.split(",") if int(y) <= args.years]

    folder = args.keep or tempfile.mkdtemp(prefix="cpsim-long-run-")
    os.makedirs(folder, exist_ok=True)
    runs = []
    for seed in seeds:
        out = os.path.join(folder, f"seed-{seed}.h5")
        command = [args.cpsim, "run", args.scenario, "-o", out, "--force", "--quiet",
                   "--threads", str(args.threads), "--seed", str(seed),
                   "--steps", str(12 * args.years)]
        for item in args.set:
            command += ["--set", item]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"long_run_table: seed {seed}: {done.stderr.strip()}")
        runs.append(yearly(out, args.years))

    print(f"{os.path.relpath(args.scenario, ROOT)}, {args.years} years, seeds {args.seeds}: "
          "mean [min, max] over seeds")
    header = "year  " + "  ".join(f"{h:>22}" for _, h, _ in COLUMNS)
    print(header)
    for year in show:
        cells = []
        for key, _, fmt in COLUMNS:
            values = [run[year][key] for run in runs if year in run and key in run[year]]
            if not values:
                cells.append(f"{'-':>22}")
                continue
            text = (fmt.format(np.mean(values)) + " [" + fmt.format(min(values)) + ", "
                    + fmt.format(max(values)) + "]")
            cells.append(f"{text:>22}")
        print(f"{year:>4}  " + "  ".join(cells))
    if not args.keep:
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))
        os.rmdir(folder)


if __name__ == "__main__":
    main()
