"""A self-contained HTML report of a run or a study file: inline PNG figures, no external assets."""
from __future__ import annotations

import html
import os
import tempfile
import warnings

import matplotlib

matplotlib.use("Agg")  # the report never needs a display; set before anything imports pyplot

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ._hdf5 import STUDY_FORMAT, file_format  # noqa: E402
from ._html import METRICS_PER_FIGURE, figure_html, page, pairs_html, table_html  # noqa: E402
from .errors import IncompleteRunWarning  # noqa: E402
from .inequality import default_value_column, gini  # noqa: E402
from .plots import plot_lorenz, plot_timeseries, run_distribution  # noqa: E402
from .run import Run  # noqa: E402
from .study import open_study  # noqa: E402
from .brief import render_brief  # noqa: E402
from .summary import key_metrics, provenance  # noqa: E402
from .timeseries import steps_are_months  # noqa: E402


def run_report(run: Run) -> str:
    """The HTML report of one run: provenance, key metrics, time series, result tables, Lorenz curves."""
    sections = [f"<p>File <code>{html.escape(os.path.abspath(run.path))}</code></p>"]
    if not run.complete:
        sections.append(f'<p class="warning">Incomplete run: {run.attrs.get("steps_completed")} of '
                        f'{run.attrs.get("steps_requested")} steps (stopped early).</p>')
    sections.append("<h2>Provenance</h2>" + pairs_html(provenance(run.attrs)))
    sections.append("<details><summary>Resolved scenario (YAML)</summary><pre>"
                    + html.escape(str(run.attrs.get("scenario_yaml", ""))) + "</pre></details>")

    sections.append('<h2 id="key-metrics">Key metrics</h2>' + table_html(key_metrics(run)))

    scalars = run.scalar_metric_names
    sections.append('<h2 id="time-series">Time series</h2>')
    unit = "month" if steps_are_months(run) else "step"
    sections.append(f"<p>One panel per scalar metric, one point per {unit} (step 0, the initial state, left out).</p>")
    for start in range(0, len(scalars), METRICS_PER_FIGURE):
        chosen = scalars[start:start + METRICS_PER_FIGURE]
        sections.append(figure_html(plot_timeseries(run, chosen, ncols=4), "time series of " + ", ".join(chosen)))

    for name in run.table_names:
        table = run.table(name)
        sections.append(f'<h2 id="table-{html.escape(name)}">Table: {html.escape(name)}</h2>')
        if table.attrs.get("description"):
            sections.append(f"<p>{html.escape(table.attrs['description'])}</p>")
        sections.append(table_html(table))

    lorenz = lorenz_section(run)
    if lorenz:
        sections.append(lorenz)
    return page(f"cpsim run: {run.name}", sections)


def lorenz_section(run: Run) -> str:
    """Lorenz curves at the first and last snapshot with a positive total, for each snapshot table
    that has a default value column (`income_ytd` or `wealth`)."""
    parts = []
    for table in run.snapshot_tables:
        if default_value_column(run.columns(table).index) is None:
            continue
        curves = {}
        for step in run.snapshot_steps(table):
            distribution, _ = run_distribution(run, table, step)
            if distribution.values.size and (distribution.values * distribution.weights).sum() > 0:
                curves[f"step {step}"] = distribution
        if not curves:
            continue
        shown = dict([next(iter(curves.items())), list(curves.items())[-1]])
        first = next(iter(shown.values()))
        weighting = "per person, person-weighted" if first.per_person else "per agent"
        parts.append(f'<h2 id="lorenz-{html.escape(table)}">Lorenz curve: {html.escape(table)}</h2>'
                     f"<p>{html.escape(first.value_name)} ({html.escape(first.units)}), {weighting}, "
                     f"from the snapshots at {', '.join(shown)}.</p>")
        parts.append(figure_html(plot_lorenz(shown), f"Lorenz curve of {table}"))
        rows = [(label, gini(d.values, d.weights), d.weights.sum(), np.average(d.values, weights=d.weights))
                for label, d in curves.items()]
        counted = "persons" if first.per_person else "agents"
        parts.append(table_html(pd.DataFrame(rows, columns=["snapshot", "Gini", counted, f"mean ({first.units})"]),
                                index=False))
    return "\n".join(parts)


def build_report(path: str | os.PathLike) -> str:
    """The HTML report of the cpsim file at PATH (a run or a study)."""
    if file_format(path) == STUDY_FORMAT:
        return render_brief(open_study(path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IncompleteRunWarning)  # the report says so itself
        run = Run(path)
    return run_report(run)


def write_report(path: str | os.PathLike, output: str | os.PathLike) -> None:
    """Writes the report of PATH to OUTPUT atomically: a failure never leaves a partial OUTPUT."""
    output = os.fspath(output)
    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        raise FileNotFoundError(2, f"folder {folder} does not exist", output)
    text = build_report(path)
    handle, temporary = tempfile.mkstemp(prefix=".report-", suffix=".html.partial", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary file
        os.replace(temporary, output)
    except BaseException:
        os.unlink(temporary)
        raise
