"""A self-contained HTML report of a run or a study file: inline PNG figures, no external assets."""
from __future__ import annotations

import base64
import html
import io
import os
import tempfile
import warnings
from typing import Iterable

import matplotlib

matplotlib.use("Agg")  # the report never needs a display; set before anything imports pyplot

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ._hdf5 import STUDY_FORMAT, file_format  # noqa: E402
from .errors import IncompleteRunWarning  # noqa: E402
from .plots import plot_lorenz, plot_timeseries, run_distribution  # noqa: E402
from .inequality import default_value_column, gini  # noqa: E402
from .run import Run  # noqa: E402
from .summary import format_number, key_metrics, provenance  # noqa: E402
from .timeseries import steps_are_months  # noqa: E402

METRICS_PER_FIGURE = 12
STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 1300px; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f0f0f0; }
.warning { background: #fff3cd; border: 1px solid #e0b000; padding: 0.6em; }
img { max-width: 100%; }
pre { background: #f6f6f6; padding: 0.6em; font-size: 0.8em; overflow-x: auto; }
"""


def figure_html(figure: Figure, alt: str) -> str:
    """FIGURE as an <img> with an inline base64 PNG."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{encoded}"></figure>'


def table_html(frame: pd.DataFrame, index: bool = True) -> str:
    """FRAME as an HTML table; numbers right-aligned with six significant digits, text escaped."""
    columns = ([frame.index.name or ""] if index else []) + [str(c) for c in frame.columns]
    rows = ["<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in columns) + "</tr>"]
    for key, row in frame.iterrows():
        cells = ([key] if index else []) + list(row)
        rendered = []
        for value in cells:
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            css = ' class="number"' if number else ""
            rendered.append(f"<td{css}>{html.escape(format_number(value))}</td>")
        rows.append("<tr>" + "".join(rendered) + "</tr>")
    return "<table>\n" + "\n".join(rows) + "\n</table>"


def pairs_html(pairs: Iterable[tuple[str, object]]) -> str:
    """(name, value) pairs as a two-column HTML table."""
    return table_html(pd.DataFrame([(n, v) for n, v in pairs], columns=["attribute", "value"]), index=False)


def page(title: str, sections: list[str]) -> str:
    """A complete HTML document: TITLE as heading, then SECTIONS (HTML), with the inline style sheet."""
    body = "\n".join(sections)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
            f"<style>{STYLE}</style>\n</head>\n<body>\n<h1>{html.escape(title)}</h1>\n{body}\n</body>\n</html>\n")


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
        from .study import open_study, study_report

        return study_report(open_study(path))
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
