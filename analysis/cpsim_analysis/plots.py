"""Matplotlib figures of runs and studies.

Figures are built with matplotlib.figure.Figure (no pyplot state), so they
work with any backend, Agg included; in a notebook a returned Figure shows
itself. Every function returns the Figure it drew on.
"""
from __future__ import annotations

import math
import os
from typing import Mapping, Sequence, Union

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .inequality import PERSONS_UNIT, Distribution, default_value_column, gini, lorenz_curve, panel_distribution
from .run import Run, open_run
from .study import Study, open_study
from .timeseries import yearly as yearly_means

RunLike = Union[Run, str, os.PathLike]
Runs = Union[RunLike, Sequence[RunLike], Mapping[str, RunLike]]


def _labelled_runs(runs: Runs) -> dict[str, Run]:
    """RUNS as {label: Run}; labels are scenario names, made unique with the file name when two collide."""
    if isinstance(runs, Mapping):
        return {str(label): run if isinstance(run, Run) else open_run(run) for label, run in runs.items()}
    if isinstance(runs, (Run, str, os.PathLike)):
        runs = [runs]
    opened = [run if isinstance(run, Run) else open_run(run) for run in runs]
    names = [run.name for run in opened]
    labels = [name if names.count(name) == 1 else f"{name} ({os.path.basename(run.path)})"
              for name, run in zip(names, opened)]
    labels = [label if labels.count(label) == 1 else f"{label} #{i + 1}" for i, label in enumerate(labels)]
    return dict(zip(labels, opened))


def _grid(count: int, ncols: int, panel_size: tuple[float, float]) -> tuple[Figure, list[Axes]]:
    ncols = max(1, min(ncols, count))
    nrows = math.ceil(count / ncols)
    width, height = panel_size[0] * ncols, panel_size[1] * nrows
    figure = Figure(figsize=(width, height))
    # Fixed margins in inches: a layout engine costs more than the drawing on a dozen panels.
    spacing = dict(left=0.75 / width, right=1 - 0.15 / width, bottom=0.5 / height, top=1 - 0.3 / height,
                   hspace=0.6, wspace=0.35)
    axes = figure.subplots(nrows, ncols, squeeze=False, gridspec_kw=spacing).ravel().tolist()
    for extra in axes[count:]:
        extra.set_visible(False)
    return figure, axes[:count]


def plot_timeseries(runs: Runs, metrics: Sequence[str] | str, yearly: bool = False, ncols: int = 3,
                    panel_size: tuple[float, float] = (4.2, 2.8)) -> Figure:
    """One panel per scalar metric, one line per run, against the step (or the year with YEARLY).

    RUNS is a Run or path, a list of them, or a {label: run} mapping. Step 0
    (the initial state, where the metrics of a month are undefined: NaN) is
    left out so the scale shows the simulated months; any other NaN is a gap
    in the line. Axis labels carry the units.
    """
    labelled = _labelled_runs(runs)
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    figure, axes = _grid(len(names), ncols, panel_size)
    frames = {label: run.metrics_frame(names) for label, run in labelled.items()}
    for ax, name in zip(axes, names):
        for label, frame in frames.items():
            series = frame[name]
            if yearly:
                series = yearly_means(frame[[name]])[name]
            else:
                series = series[series.index > 0]
            ax.plot(series.index, series.to_numpy(), marker="o" if yearly else None, markersize=3, label=label)
        unit = next(iter(frames.values())).attrs["units"].get(name, "")
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("year" if yearly else "step")
        ax.set_ylabel(unit if unit != "1" else "", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    if len(frames) > 1:
        axes[0].legend(fontsize=7)
    return figure


def run_distribution(run: RunLike, table: str | None = None, step: int | None = None,
                     value: str | None = None) -> tuple[Distribution, int]:
    """The distribution a Lorenz curve of RUN shows, and its step.

    TABLE defaults to the run's first snapshot table, STEP to the last
    snapshot, VALUE to `income_ytd` (per person, person-weighted) or `wealth`.
    """
    run = run if isinstance(run, Run) else open_run(run)
    tables = run.snapshot_tables
    if not tables:
        raise ValueError(f"{run.path}: no snapshots, so no Lorenz curve (set output.snapshot_every)")
    table = table or tables[0]
    described = run.columns(table)
    column = value or default_value_column(described.index)
    if column is None:
        raise ValueError(f"{run.path}: choose a column for the Lorenz curve: {', '.join(described.index)}")
    # Read only what the curve needs: a full-scale panel has hundreds of thousands of rows and ~30 columns.
    persons = [name for name in described.index if described.loc[name, "units"] == PERSONS_UNIT]
    panel = run.snapshot(table, step, columns=list(dict.fromkeys([column, *persons])))
    return panel_distribution(panel, column), panel.attrs["step"]


def plot_lorenz(data: RunLike | Distribution | Mapping[str, Distribution], table: str | None = None,
                step: int | None = None, value: str | None = None, ax: Axes | None = None) -> Figure:
    """Lorenz curve(s) with the equality line; the legend gives each curve's Gini.

    DATA is a run (its snapshot TABLE at STEP, column VALUE: see
    run_distribution), one Distribution, or {label: Distribution} to overlay
    several. Draws on AX when given.
    """
    if isinstance(data, Distribution):
        curves = {f"{data.value_name}": data}
    elif isinstance(data, Mapping):
        curves = dict(data)
    else:
        distribution, at = run_distribution(data, table, step, value)
        curves = {f"{distribution.value_name}, step {at}": distribution}
    if ax is None:
        figure = Figure(figsize=(4.6, 4.2), layout="constrained")
        ax = figure.subplots()
    else:
        figure = ax.figure
    for label, distribution in curves.items():
        population, share = lorenz_curve(distribution.values, distribution.weights)
        coefficient = gini(distribution.values, distribution.weights)
        ax.plot(population, share, label=f"{label} (Gini {coefficient:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=0.8, label="equality")
    per_person = any(d.per_person for d in curves.values())
    ax.set_xlabel("cumulative share of persons" if per_person else "cumulative share of agents")
    ax.set_ylabel("cumulative share of " + ", ".join(sorted({d.value_name for d in curves.values()})))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    return figure


def plot_contrasts(study, metrics: Sequence[str] | str, ncols: int = 2,
                   panel_size: tuple[float, float] = (4.6, 3.0)) -> Figure:
    """Per scalar metric, each contrast's mean difference (reform - baseline) over the steps,
    with its confidence band (ci_low..ci_high) and the zero line.

    STUDY is a Study (open_study) or a path to a study file.
    """
    study = study if isinstance(study, Study) else open_study(study)
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    figure, axes = _grid(len(names), ncols, panel_size)
    level = f"{study.confidence:.0%}"
    for ax, name in zip(axes, names):
        stats = study.comparison(name)
        if stats["mean_difference"].ndim != 2:
            raise ValueError(f"{study.path}: metric {name!r} has extra dimensions; plot a selection of it")
        steps = stats["step"].values
        for number, contrast in enumerate(study.contrast_labels):
            chosen = stats.sel(contrast=contrast)
            line, = ax.plot(steps, chosen["mean_difference"].values, label=contrast)
            ax.fill_between(steps, chosen["ci_low"].values, chosen["ci_high"].values, color=line.get_color(),
                            alpha=0.25, linewidth=0, label=f"{level} CI" if number == 0 else None)
        ax.axhline(0.0, color="grey", linewidth=0.8)
        unit = study.units(name)
        ax.set_title(f"{name}: reform - baseline", fontsize=9)
        ax.set_xlabel("step")
        ax.set_ylabel(unit if unit != "1" else "", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    return figure
