"""The policy brief's figures: decile impact, winners and losers, the budget, metrics over time with bands.

Every function takes plain arrays or an xarray Dataset already read (brief.py
reads the study) and returns a matplotlib Figure built without pyplot.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from .study import WINNER_BANDS

# PolicyEngine's reading of the five bands: greens gain, grey unchanged, reds lose.
BAND_COLOURS = ("#1b7837", "#a6dba0", "#d9d9d9", "#f4a582", "#b2182b")
BAND_NAMES = ("gain more than 5 %", "gain less than 5 %", "no change (within 0.1 %)", "lose less than 5 %",
              "lose more than 5 %")
FIGURE_WIDTH = 11.0  # inches; at the report's 90 dpi about 1,000 px, inside a 1,280 px window


def thousands(value: float, _position=None) -> str:
    """An axis tick with thousands separators and no needless decimals."""
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def _style(ax, ylabel: str, xlabel: str = "") -> None:
    ax.set_ylabel(ylabel, fontsize=9)
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)


def plot_deciles(households: xr.Dataset, confidence: float) -> Figure:
    """Mean change of per-capita disposable income by baseline income decile, absolute and relative,
    with the interval over replicates as error bars. HOUSEHOLDS: one year of /households
    (income_change and income_change_relative on (decile, estimate))."""
    panels = [name for name in ("income_change", "income_change_relative") if name in households]
    figure = Figure(figsize=(FIGURE_WIDTH, 3.4), layout="constrained")
    axes = figure.subplots(1, len(panels), squeeze=False)[0]
    for ax, name in zip(axes, panels):
        data = households[name]
        deciles = [str(d) for d in data["decile"].values]
        mean = data.sel(estimate="mean").values.astype(float)
        lo, hi = (data.sel(estimate=e).values.astype(float) for e in ("ci_low", "ci_high"))
        relative = name.endswith("_relative")
        scale = 100.0 if relative else 1.0
        colours = ["#1b7837" if m >= 0 else "#b2182b" for m in mean]
        ax.bar(deciles, mean * scale, color=colours, width=0.7)
        # One pair gives no interval (NaN): the bars alone.
        if np.isfinite(lo).any():
            ax.errorbar(deciles, mean * scale, yerr=[np.nan_to_num(mean - lo) * scale, np.nan_to_num(hi - mean) * scale],
                        fmt="none", ecolor="#333333", elinewidth=1, capsize=3, label=f"{confidence:.0%} interval")
            ax.legend(fontsize=8, loc="upper right", frameon=False)
        ax.axhline(0, color="#555555", linewidth=0.8)
        unit = str(data.attrs.get("units", "RMB/person/year"))
        _style(ax, "change, % of baseline income" if relative else f"change, {unit}",
               "baseline income decile (d1 = poorest)")
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=1) if relative else FuncFormatter(thousands))
        ax.set_title("relative change" if relative else "absolute change", fontsize=10)
    return figure


def plot_winners_losers(shares: dict[str, dict[str, float]]) -> Figure:
    """Share of persons in each of the five bands, one stacked bar per row (all persons, then the
    baseline income deciles). SHARES: {row: {band: share 0..1}}."""
    rows = list(shares)
    figure = Figure(figsize=(FIGURE_WIDTH, 1.2 + 0.28 * len(rows)), layout="constrained")
    ax = figure.subplots()
    left = np.zeros(len(rows))
    for band, colour, name in zip(WINNER_BANDS, BAND_COLOURS, BAND_NAMES):
        share = np.array([shares[row].get(band, 0.0) for row in rows], dtype=float) * 100.0
        share = np.nan_to_num(share)
        ax.barh(rows, share, left=left, color=colour, label=name, height=0.7)
        for y, (x0, width) in enumerate(zip(left, share)):
            if width >= 8:
                ax.text(x0 + width / 2, y, f"{width:.0f} %", ha="center", va="center", fontsize=7,
                        color="white" if colour in (BAND_COLOURS[0], BAND_COLOURS[4]) else "#222222")
        left += share
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
    _style(ax, "baseline income decile", "share of persons")
    ax.grid(False)
    ax.legend(fontsize=8, ncols=5, loc="upper center", bbox_to_anchor=(0.5, -0.15), frameon=False)
    return figure


def plot_budget(years: Sequence[str], items: dict[str, np.ndarray], net: np.ndarray, unit: str) -> Figure:
    """Stacked bars per year: each spending item up, each revenue gain down (it lowers the cost), and
    the net cost as a line."""
    figure = Figure(figsize=(FIGURE_WIDTH, 3.6), layout="constrained")
    ax = figure.subplots()
    x = np.arange(len(years))
    up, down = np.zeros(len(years)), np.zeros(len(years))
    colours = iter(["#2166ac", "#67a9cf", "#d1e5f0", "#762a83", "#af8dc3", "#e7d4e8", "#8c510a", "#d8b365"])
    for label, values in items.items():
        values = np.asarray(values, dtype=float)
        base = np.where(values >= 0, up, down)
        ax.bar(x, values, bottom=base, color=next(colours, "#999999"), width=0.6, label=label)
        up += np.where(values >= 0, values, 0)
        down += np.where(values < 0, values, 0)
    ax.plot(x, net, color="#111111", marker="o", linewidth=1.5, label="net cost")
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.set_xticks(x, years)
    ax.yaxis.set_major_formatter(FuncFormatter(thousands))
    _style(ax, unit, "simulated year")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return figure


def plot_bands(panels: list[dict], confidence: float, ncols: int = 3) -> Figure:
    """One panel per metric: the mean difference (reform - baseline) over time with its confidence band.

    Each panel is a dict: title, unit (axis label), x (dates or years), mean, lo, hi (already scaled)
    and optionally `series` {contrast: (mean, lo, hi)} for several contrasts.
    """
    # One key for the whole figure, above the panels, where it covers no data.
    labels = list(panels[0]["series"]) + [f"{confidence:.0%} interval"]
    columns = min(len(labels), 4 if max(len(label) for label in labels) <= 30 else 2)
    key_rows = -(-len(labels) // columns)
    # Fixed margins in inches (as plots._grid): a layout engine costs more than the drawing on many panels.
    ncols = max(1, min(ncols, len(panels)))
    nrows = -(-len(panels) // ncols)
    height = 2.8 * nrows + 0.22 * key_rows + 0.2
    figure = Figure(figsize=(FIGURE_WIDTH, height))
    spacing = dict(left=0.75 / FIGURE_WIDTH, right=1 - 0.15 / FIGURE_WIDTH, bottom=0.55 / height,
                   top=1 - (0.5 + 0.22 * key_rows) / height, hspace=0.6, wspace=0.35)
    axes = figure.subplots(nrows, ncols, squeeze=False, gridspec_kw=spacing).ravel().tolist()
    for extra in axes[len(panels):]:
        extra.set_visible(False)
    for ax, panel in zip(axes, panels):
        for number, (label, (mean, lo, hi)) in enumerate(panel["series"].items()):
            line, = ax.plot(panel["x"], mean, linewidth=1.4, label=label)
            ax.fill_between(panel["x"], lo, hi, color=line.get_color(), alpha=0.25, linewidth=0,
                            label=f"{confidence:.0%} interval" if number == 0 else None)
        ax.axhline(0, color="#555555", linewidth=0.8)
        ax.set_title(panel["title"], fontsize=9)
        ax.yaxis.set_major_formatter(FuncFormatter(thousands))
        _style(ax, panel["unit"], panel.get("xlabel", ""))
        for tick in ax.get_xticklabels():
            tick.set_rotation(0)
        ax.xaxis.set_major_locator(_year_locator(panel["x"]))
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="upper center", ncols=columns, fontsize=8, frameon=False,
                  bbox_to_anchor=(0.5, 1 - 0.03 / height))
    return figure


def _year_locator(x):
    """Ticks at calendar years for dates, at whole years otherwise."""
    from matplotlib.dates import YearLocator
    from matplotlib.ticker import MaxNLocator

    if len(x) and isinstance(x[0], np.datetime64):
        return YearLocator()
    return MaxNLocator(integer=True, nbins=6)


__all__ = ["BAND_NAMES", "plot_bands", "plot_budget", "plot_deciles", "plot_winners_losers"]
