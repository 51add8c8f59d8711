"""Key numbers of a run or a study, as tables shared by the text summary and the HTML report."""
from __future__ import annotations

import math

import pandas as pd

from .run import Run
from .timeseries import MONTHS_PER_YEAR, yearly

# Provenance shown first, in this order; the rest follows as stored.
PROVENANCE_ORDER = ["model", "scenario_name", "scenario_file", "seed", "steps_requested", "steps_completed",
                    "complete", "threads", "wall_seconds", "cpsim_version", "git_commit", "created", "hostname",
                    "command_line", "format", "format_version"]


def provenance(attrs: dict) -> list[tuple[str, object]]:
    """Root attributes as (name, value) pairs in a readable order, without the (long) scenario YAML."""
    shown = [name for name in PROVENANCE_ORDER if name in attrs]
    shown += [name for name in attrs if name not in shown and name != "scenario_yaml"]
    return [(name, attrs[name]) for name in shown]


def year_column(year: int, steps_per_year: int = MONTHS_PER_YEAR) -> str:
    """The key-metrics column of YEAR, e.g. "year 2 mean (steps 13-24)"."""
    return f"year {year} mean (steps {(year - 1) * steps_per_year + 1}-{year * steps_per_year})"


def key_metrics(run: Run) -> pd.DataFrame:
    """Each scalar metric at the start and the end of RUN, with its unit.

    For runs whose steps are calendar time (`run.steps_per_year` > 0) with
    at least one complete year: the means of the first and the last complete
    year (for monthly steps, steps 1-12 and the last 12 complete months);
    a year-to-date metric (name ending in `_ytd`: income so far this year)
    shows its value at the year's last month instead, the whole year's.
    Otherwise: the first defined value (step 0, the initial state, or step 1
    for a metric the file marks undefined at step 0: NaN there) and the value
    at the last step. Means skip undefined (NaN) values.
    Columns: units, the two periods (named after them), change (last - first).
    """
    frame = run.metrics_frame()
    steps_per_year = run.steps_per_year
    annual = yearly(frame, steps_per_year) if steps_per_year > 0 else None
    if annual is not None and len(annual) > 0:
        year_to_date = [name for name in frame.columns if name.endswith("_ytd")]
        year_end = frame.loc[annual.index * steps_per_year, year_to_date].astype(float)
        annual.loc[:, year_to_date] = year_end.to_numpy()
        first_year, last_year = int(annual.index[0]), int(annual.index[-1])
        first_name = year_column(first_year, steps_per_year)
        last_name = year_column(last_year, steps_per_year)
        first, last = annual.loc[first_year], annual.loc[last_year]
    else:
        values = frame.astype(float)
        first = values.bfill().iloc[0]  # each metric's first defined value
        first_name = f"step {frame.index[0]}" if values.iloc[0].notna().all() else "first defined step"
        last_name = f"step {frame.index[-1]}"
        last = values.iloc[-1]
    table = pd.DataFrame({"units": pd.Series(frame.attrs["units"]), first_name: first, last_name: last})
    table["change"] = table[last_name] - table[first_name]
    table.index.name = "metric"
    return table


def format_number(value: object) -> str:
    """Six significant digits for floats, exact for integers, as is for text; "n/a" for an undefined (NaN) value."""
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def run_summary_text(run: Run) -> str:
    """A compact plain-text summary: provenance, key metrics, snapshots and tables."""
    lines = [f"{run.path}: cpsim run, {'complete' if run.complete else 'INCOMPLETE (stopped early)'}"]
    for name, value in provenance(run.attrs):
        if name in ("model", "scenario_name", "seed", "steps_completed", "steps_requested", "git_commit",
                    "created", "wall_seconds"):
            lines.append(f"  {name:<16} {format_number(value)}")
    table = key_metrics(run)
    periods = [c for c in table.columns if c not in ("units", "change")]
    lines.append("")
    lines.append(f"  {'metric':<36} {'units':<18} {periods[0]:>28} {periods[1]:>28}")
    for metric, row in table.iterrows():
        lines.append(f"  {metric:<36} {row['units']:<18} {format_number(float(row[periods[0]])):>28} "
                     f"{format_number(float(row[periods[1]])):>28}")
    others = [name for name in run.metric_names if name not in table.index]
    if others:
        lines.append(f"  metrics over dimensions: {', '.join(others)}")
    lines.append("")
    for snapshot_table in run.snapshot_tables:
        steps = run.snapshot_steps(snapshot_table)
        lines.append(f"  snapshots {snapshot_table}: {len(steps)} at steps {', '.join(str(s) for s in steps)}")
    for name in run.table_names:
        lines.append(f"  table {name}: {len(run.table(name))} rows")
    return "\n".join(lines)
