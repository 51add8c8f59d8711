"""The policy brief of a study: what the reform changed, by how much, with intervals, at what cost.

One self-contained HTML page from templates/brief.html.j2 (Debian's python3-jinja2), its sections in
the order a reader needs them (docs/analysis.md, "The policy brief"): the headline, the change by
income decile, winners and losers by decile, the budget over time, the key metrics over the years with
their bands, then every table and the provenance, collapsed. Decile, winners/losers and budget come
from the household comparison and the budget a study stores under /households and /budget
(`households:` and `budget:` in the study file, docs/studies.md); a study that did not ask for them
gets a line saying so and the rest of the brief.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._html import figure_html, render, table_html
from .brief_plots import BAND_NAMES, plot_bands, plot_budget, plot_deciles, plot_winners_losers
from .study import WINNER_BANDS, Study, budget_comparison, household_comparison
from .summary import provenance

# Shown first when the study chose no metrics (`metrics:` in the study file), if the model has them.
DEFAULT_HEADLINE = ("urban_rural_ratio", "gini_income", "relative_poverty_rate", "dibao_poverty_rate",
                    "median_income_annualised", "government_balance")
HEADLINE_COUNT = 4
PANELS_PER_FIGURE = 9


def readable(value: float, digits: int = 3) -> str:
    """VALUE for reading: thousands separators, DIGITS significant digits, millions and billions in words."""
    if value is None or not math.isfinite(value):
        return "n/a"
    magnitude = abs(value)
    if magnitude >= 1e9:
        return f"{value / 1e9:,.{digits}g} billion"
    if magnitude >= 1e6:
        return f"{value / 1e6:,.{digits}g} million"
    if magnitude >= 10 ** digits:
        return f"{round(value, digits - 1 - int(math.floor(math.log10(magnitude)))):,.0f}"
    if magnitude == 0:
        return "0"
    decimals = max(0, digits - 1 - int(math.floor(math.log10(magnitude))))
    text = f"{value:,.{decimals}f}"
    return text


def signed(value: float, digits: int = 3) -> str:
    text = readable(value, digits)
    return text if text.startswith("-") or text == "n/a" or value == 0 else "+" + text


def is_share(metric: str, unit: str) -> bool:
    """Dimensionless rates and shares are shown in percent (and their differences in percentage points)."""
    return unit == "1" and any(word in metric for word in ("rate", "share", "poverty"))


def display(metric: str, unit: str) -> tuple[float, str, str]:
    """(factor, unit of a level, unit of a difference) for showing METRIC."""
    if is_share(metric, unit):
        return 100.0, "%", "percentage points"
    if unit == "1":
        return 1.0, "", ""
    return 1.0, unit, unit


@dataclass
class Effect:
    """One metric's change under one contrast over the brief's window."""

    metric: str
    description: str
    unit: str
    baseline: float
    reform: float
    mean: float
    lo: float
    hi: float
    n: int

    def texts(self) -> dict:
        factor, level_unit, change_unit = display(self.metric, self.unit)
        space = "" if level_unit == "%" else " "
        level = (lambda v: readable(v * factor) + (space + level_unit if level_unit else ""))
        return {"metric": self.metric, "description": self.description,
                "change": signed(self.mean * factor), "change_unit": change_unit,
                "interval": f"{signed(self.lo * factor)} to {signed(self.hi * factor)}",
                "baseline": level(self.baseline), "reform": level(self.reform),
                "significant": bool(self.lo > 0 or self.hi < 0)}


@dataclass
class Window:
    first: int
    last: int
    label: str


@dataclass
class Brief:
    """What the template shows; every number already formatted."""

    title: str
    description: str
    window: str = ""
    time_unit: str = "step"  # what one step is: "month" for monthly models
    facts: list = field(default_factory=list)
    contrasts: list = field(default_factory=list)  # one dict per contrast
    bands_figures: list = field(default_factory=list)
    other_figures: list = field(default_factory=list)
    flat: list = field(default_factory=list)
    full_tables: list = field(default_factory=list)
    provenance: str = ""
    study_yaml: str = ""
    scenarios: str = ""


def start_month(study: Study) -> np.datetime64 | None:
    """The calendar month of step 1 (`start_date` of the first variant's resolved scenario), or None."""
    import yaml

    try:
        resolved = yaml.safe_load(str(study.scenarios()["scenario_yaml"].iloc[0])) or {}
    except (KeyError, IndexError, yaml.YAMLError):
        return None
    start = resolved.get("start_date")
    if start is None:
        return None
    return np.datetime64(str(start)[:7], "M")


def step_axis(study: Study, steps: np.ndarray) -> tuple[np.ndarray, str]:
    """The x values of STEPS: calendar months from the scenario's start, else years, else steps."""
    start = start_month(study)
    per_year = study.steps_per_year
    if start is not None and per_year == 12:
        return np.array([start + np.timedelta64(int(s) - 1, "M") for s in steps]).astype("datetime64[D]"), "date"
    if per_year > 0:
        return steps / per_year, "simulated years"
    return steps, "step"


def window_of(study: Study, steps: np.ndarray) -> Window:
    """The brief's window: the study's summary window (default: the last simulated year) at the end."""
    last = int(steps[-1])
    size = int(study.attrs.get("summary_window") or study.steps_per_year or 1)
    first = max(1, last - size + 1)
    start = start_month(study)
    if start is not None and study.steps_per_year == 12:
        months = f"{start + np.timedelta64(first - 1, 'M')} to {start + np.timedelta64(last - 1, 'M')}"
        return Window(first, last, f"the last {last - first + 1} months ({months})")
    if first == last:
        return Window(first, last, f"step {last}")
    if study.steps_per_year == 12:
        return Window(first, last, f"the last {last - first + 1} months (steps {first}-{last})")
    return Window(first, last, f"steps {first}-{last}")


def t_quantile(study: Study, metric: str) -> float:
    """The t quantile of the study's own intervals: (ci_high - mean) / (sd / sqrt(n)) where sd > 0."""
    stats = study.comparison(metric)
    n = study.contrasts()["n"].to_numpy()[:, None]
    sd = stats["sd"].values
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (stats["ci_high"].values - stats["mean_difference"].values) * np.sqrt(n) / sd
    ratio = ratio[np.isfinite(ratio) & (sd > 0)]
    return float(np.median(ratio)) if ratio.size else float("nan")


def effects(study: Study, metrics: list[str], window: Window) -> dict[str, list[Effect]]:
    """Per contrast, each metric's mean difference over WINDOW: each replicate's window mean of
    reform - baseline, then their mean and the study's t interval (paired over replicates)."""
    data = study.metrics(metrics)
    chosen = data.sel(step=slice(window.first, window.last))
    result: dict[str, list[Effect]] = {}
    for label, row in study.contrasts().iterrows():
        result[label] = []
        for metric in metrics:
            values = chosen[metric].astype(float)
            reform = values.sel(scenario=row["reform"]).mean("step", skipna=True).values
            baseline = values.sel(scenario=row["baseline"]).mean("step", skipna=True).values
            difference = reform - baseline
            n = int(np.isfinite(difference).sum())
            mean = float(np.nanmean(difference)) if n else float("nan")
            sd = float(np.nanstd(difference, ddof=1)) if n > 1 else float("nan")
            half = t_quantile(study, metric) * sd / math.sqrt(n) if n > 1 and sd > 0 else 0.0 if n > 1 else math.nan
            description = str(data[metric].attrs.get("long_name", ""))
            result[label].append(Effect(metric, description, study.units(metric), float(np.nanmean(baseline)),
                                        float(np.nanmean(reform)), mean, mean - half, mean + half, n))
    return result


def is_flat(study: Study, metric: str) -> bool:
    """True when no contrast moves METRIC at any step (difference and interval all zero or undefined)."""
    stats = study.comparison(metric)
    values = np.concatenate([stats[s].values.ravel() for s in ("mean_difference", "ci_low", "ci_high")])
    values = values[np.isfinite(values)]
    return values.size == 0 or bool(np.all(values == 0))


def band_panels(study: Study, metrics: list[str]) -> list[dict]:
    """The panels of plot_bands for METRICS: each contrast's mean difference with its band over time."""
    panels = []
    for metric in metrics:
        stats = study.comparison(metric)
        steps = stats["step"].values
        keep = steps > 0
        x, xlabel = step_axis(study, steps[keep])
        factor, _, change_unit = display(metric, study.units(metric))
        series = {}
        for contrast in study.contrast_labels:
            chosen = stats.sel(contrast=contrast)
            series[contrast] = tuple(chosen[s].values[keep] * factor for s in ("mean_difference", "ci_low", "ci_high"))
        unit = change_unit or "difference"
        panels.append({"title": f"{metric}: reform - baseline", "unit": unit, "x": x, "series": series,
                       "xlabel": "" if xlabel == "date" else xlabel})
    return panels


def headline_metrics(study: Study, movable: list[str]) -> list[str]:
    """The study's chosen metrics (`metrics:` in the study file) first, then the defaults the model has."""
    chosen = [m for m in (study.study.get("metrics") or []) if m in study.comparison_metrics]
    if chosen:
        return chosen
    defaults = [m for m in DEFAULT_HEADLINE if m in movable]
    return (defaults or movable)[:HEADLINE_COUNT]


# The model's own fiscal metrics, for a cost when the study stored no budget (simulated scale).
FISCAL_METRICS = ("government_spending", "government_revenue")


def simulated_cost(study: Study, window: Window) -> dict[str, dict]:
    """Per contrast, the change of the fiscal metrics over WINDOW, a year's worth at the simulated scale."""
    present = [m for m in FISCAL_METRICS if m in study.comparison_metrics and study.units(m).endswith("/month")]
    if not present or study.steps_per_year != 12:
        return {}
    found = effects(study, present, window)
    costs = {}
    for contrast, changes in found.items():
        parts = []
        for effect in changes:
            name = effect.metric.replace("government_", "")
            parts.append(f"{name} {signed(effect.mean * 12)} RMB/year ({confidence_label(study)} interval "
                         f"{signed(effect.lo * 12)} to {signed(effect.hi * 12)})")
        costs[contrast] = "; ".join(parts)
    return costs


def interval_text(data, factor: float = 1.0) -> str:
    """"LOW to HIGH" of an estimate's ci_low and ci_high, or "n/a" (one replicate pair has none)."""
    low, high = (float(data.sel(estimate=e)) * factor for e in ("ci_low", "ci_high"))
    return f"{signed(low)} to {signed(high)}" if math.isfinite(low) and math.isfinite(high) else "n/a"


def budget_section(budget, year: int | None) -> dict | None:
    """The budget figure, table and headline figures of a contrast's /budget, or None without one.

    Spending changes by instance count up, revenue changes by tax down (a revenue gain lowers the
    cost); the net cost and its interval are the file's (mean over replicate pairs). The annual cost
    is the one of YEAR (the household comparison's) when the budget has it, else of its last year."""
    if budget is None or "net_cost" not in budget:
        return None
    mean = budget.sel(estimate="mean")
    years = [int(y) for y in budget["year"].values]
    items: dict[str, np.ndarray] = {}
    columns: dict[str, np.ndarray] = {}
    for name, dim, kind in (("spending_change", "instance", "spending"), ("revenue_change", "tax", "revenue")):
        if name not in mean or dim not in mean[name].dims:
            continue
        for label in mean[dim].values:
            values = mean[name].sel({dim: label}).values.astype(float)
            columns[f"{label} ({kind})"] = values
            if np.any(np.nan_to_num(values) != 0):  # items the reform does not touch stay out of the figure
                items[f"{label} ({'revenue gain' if kind == 'revenue' else 'spending'})"] = (
                    -values if kind == "revenue" else values)
    net = mean["net_cost"].values.astype(float)
    scale = float(budget.attrs.get("scale", 1) or 1)
    rate = float(budget.attrs.get("discount_rate", 0.0) or 0.0)
    unit = "RMB/year" + (f" at full scale (x {readable(scale)})" if scale != 1 else "")
    largest = np.nanmax(np.abs(np.concatenate([net] + list(items.values()))), initial=0)
    divisor, shown = (1e6, "million RMB/year") if largest >= 1e6 else (1.0, "RMB/year")
    figure = figure_html(plot_budget([f"year {y}" for y in years], {k: v / divisor for k, v in items.items()},
                                     net / divisor, shown + (" (full scale)" if scale != 1 else "")),
                         "budget over time")
    table = pd.DataFrame(columns, index=pd.Index([f"year {y}" for y in years], name="year"))
    table["net cost"] = net
    for name, label in (("net_cost_cumulative", "cumulative (RMB)"), ("net_cost_discounted", "discounted (RMB)")):
        if name in mean:
            table[label] = mean[name].values.astype(float)
    formatted = table.map(readable) if hasattr(table, "map") else table.applymap(readable)
    at = years.index(year) if year in years else len(years) - 1
    last = budget.isel(year=-1)
    total = (lambda name: readable(float(last[name].sel(estimate="mean"))) if name in last else "n/a")
    return {"figure": figure, "table": table_html(formatted), "unit": unit,
            "annual": readable(net[at]), "annual_interval": interval_text(budget["net_cost"].isel(year=at)),
            "annual_year": str(years[at]), "cumulative": total("net_cost_cumulative"),
            "discounted": total("net_cost_discounted"), "discount_rate": f"{rate:.1%}",
            "scale": readable(scale) if scale != 1 else None}


def household_section(study: Study, contrast: str) -> dict:
    """Decile, winners/losers and budget parts of one contrast (None where the study did not ask), from
    /households at its last compared year and /budget (docs/studies.md, "File layout")."""
    households = household_comparison(study, contrast)
    part: dict = {"deciles": None, "winners": None, "year": None}
    if households is not None and households.sizes.get("year", 0) > 0:
        year = int(households["year"].values[-1])
        part["year"] = year
        at = households.sel(year=year)
        if "income_change" in at or "income_change_relative" in at:
            rows = {}
            if "baseline_income" in at:
                rows["baseline (RMB/person/year)"] = [readable(float(v)) for v in
                                                      at["baseline_income"].sel(estimate="mean").values]
            for name, label, factor in (("income_change", "change (RMB/person/year)", 1.0),
                                        ("income_change_relative", "change (%)", 100.0)):
                if name in at:
                    data = at[name]
                    rows[label] = [signed(float(v) * factor) for v in data.sel(estimate="mean").values]
                    rows[f"{label}: {confidence_label(study)} interval"] = [
                        interval_text(data.sel(decile=d), factor) for d in data["decile"].values]
            deciles = [str(d) for d in at["decile"].values]
            part["deciles"] = {"figure": figure_html(plot_deciles(at, study.confidence), "change of income by decile"),
                               "table": table_html(pd.DataFrame(rows, index=pd.Index(deciles, name="decile")))}
        if "winners_losers" in at:
            sources = [("winners_losers_all", "all"), ("winners_losers", "decile")]
            shares: dict[str, dict[str, float]] = {}
            rows: dict[str, list[str]] = {}
            for name, dim in sources:
                if name not in at:
                    continue
                data = at[name]
                for label in data[dim].values:
                    row = "all persons" if dim == "all" else str(label)
                    chosen = data.sel({dim: label})
                    shares[row] = {str(b): float(chosen.sel(band=b, estimate="mean")) for b in data["band"].values}
            for band, band_name in zip(WINNER_BANDS, BAND_NAMES):
                cells = []
                for name, dim in sources:
                    if name not in at or band not in at[name]["band"].values:
                        continue
                    data = at[name].sel(band=band)
                    for label in data[dim].values:
                        m, lo, hi = (float(data.sel({dim: label, "estimate": e})) * 100 for e in ("mean", "ci_low", "ci_high"))
                        cells.append(f"{m:.1f} %" + (f" ({lo:.1f} to {hi:.1f})" if math.isfinite(lo) else ""))
                if cells:
                    rows[band_name] = cells
            part["winners"] = {"figure": figure_html(plot_winners_losers(shares), "winners and losers by decile"),
                               "table": table_html(pd.DataFrame(rows, index=pd.Index(list(shares), name="decile")))}
    part["budget"] = budget_section(budget_comparison(study, contrast), part["year"])
    return part


def confidence_label(study: Study) -> str:
    return f"{study.confidence:.0%}"


def build_brief(study: Study) -> Brief:
    """Everything the brief shows, computed and formatted."""
    brief = Brief(title=f"Policy brief: {study.name}", description=str(study.study.get("description", "")))
    steps = study.comparison(study.comparison_metrics[0])["step"].values if study.comparison_metrics else np.array([0])
    window = window_of(study, steps)
    brief.window = window.label
    brief.time_unit = "month" if study.steps_per_year == 12 else "step"
    movable = [m for m in study.comparison_metrics if not is_flat(study, m)]
    brief.flat = [m for m in study.comparison_metrics if m not in movable]
    headline = headline_metrics(study, movable)
    found = effects(study, headline, window) if headline else {}
    per_year = study.steps_per_year
    brief.facts = [("model", study.attrs.get("model")),
                   ("replicates", f"{study.replicates} paired replicates per scenario (common random numbers)"),
                   ("horizon", f"{int(steps[-1])} steps" + (f" ({int(steps[-1]) // per_year} years)" if per_year else "")),
                   ("intervals", f"{confidence_label(study)} t intervals over replicates"),
                   ("window", window.label)]
    fiscal = simulated_cost(study, window)
    for label, row in study.contrasts().iterrows():
        household = household_section(study, label)
        household["simulated_cost"] = fiscal.get(label)
        brief.contrasts.append({"label": label, "reform": row["reform"], "baseline": row["baseline"],
                                "n": int(row["n"]), "effects": [e.texts() for e in found.get(label, [])],
                                **household})
    # Metrics over time: the headline's first, then every other one that moves.
    ordered = headline + [m for m in movable if m not in headline]
    panels = band_panels(study, ordered)
    first, rest = panels[:PANELS_PER_FIGURE], panels[PANELS_PER_FIGURE:]
    if first:
        brief.bands_figures.append(figure_html(plot_bands(first, study.confidence), "metrics over time"))
    for start in range(0, len(rest), PANELS_PER_FIGURE):
        chunk = rest[start:start + PANELS_PER_FIGURE]
        brief.other_figures.append(figure_html(plot_bands(chunk, study.confidence),
                                               "more metrics: " + ", ".join(p["title"] for p in chunk)))
    table = study.contrast_table().reset_index()
    brief.full_tables.append(("Every metric at the final step", table_html(table, index=False)))
    brief.provenance = table_html(pd.DataFrame(provenance(study.attrs), columns=["attribute", "value"])
                                  .query("attribute != 'study_yaml'"), index=False)
    brief.study_yaml = str(study.attrs.get("study_yaml", ""))
    scenarios = study.scenarios()
    brief.scenarios = table_html(scenarios[[c for c in scenarios.columns if c != "scenario_yaml"]])
    return brief


def render_brief(study: Study) -> str:
    """The brief of STUDY as one self-contained HTML page (templates/brief.html.j2)."""
    return render("brief.html.j2", brief=build_brief(study), confidence=confidence_label(study))


__all__ = ["build_brief", "readable", "render_brief"]
