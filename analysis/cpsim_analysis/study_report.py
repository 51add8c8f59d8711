"""A study file presented: the plain-text summary and the HTML report (contrasts, confidence bands).

Kept apart from the reader (study.py), which the plots use in turn.
"""
from __future__ import annotations

import html
import os

from ._html import METRICS_PER_FIGURE, figure_html, page, pairs_html, table_html
from .plots import plot_contrasts
from .study import Study
from .summary import format_number, provenance


def study_summary_text(study: Study) -> str:
    """A compact plain-text summary: provenance, scenarios, and each contrast at the final step."""
    lines = [f"{study.path}: cpsim study, {len(study.scenario_names)} scenarios x {study.replicates} replicates"]
    for name, value in provenance(study.attrs):
        if name in ("study_name", "model", "seed", "replicates", "steps", "confidence", "git_commit", "created",
                    "wall_seconds"):
            lines.append(f"  {name:<16} {format_number(value)}")
    lines.append("  scenarios: " + ", ".join(study.scenario_names))
    table = study.contrast_table()
    level = f"{study.confidence:.0%}"
    lines.append("")
    lines.append(f"  {'contrast':<34} {'metric':<34} {'mean difference':>16}  {level + ' CI':<30}")
    for (contrast, metric), row in table.iterrows():
        interval = f"[{format_number(row['ci_low'])}, {format_number(row['ci_high'])}]"
        lines.append(f"  {contrast:<34} {metric:<34} {format_number(row['mean_difference']):>16}  {interval:<30}")
    return "\n".join(lines)


def study_report(study: Study) -> str:
    """The HTML report of a study: provenance, scenarios, contrasts at the final step, confidence bands."""
    sections = [f"<p>File <code>{html.escape(os.path.abspath(study.path))}</code></p>",
                "<h2>Provenance</h2>" + pairs_html(provenance(study.attrs)),
                "<details><summary>Resolved study (YAML)</summary><pre>"
                + html.escape(str(study.attrs.get("study_yaml", ""))) + "</pre></details>"]
    scenarios = study.scenarios()
    shown = [c for c in scenarios.columns if c != "scenario_yaml"]
    sections.append('<h2 id="scenarios">Scenarios</h2>' + table_html(scenarios[shown]))
    level = f"{study.confidence:.0%}"
    table = study.contrast_table().reset_index()
    sections.append(f'<h2 id="contrasts">Contrasts at the final step</h2><p>Mean over {study.replicates} '
                    f"replicates of reform - baseline (common random numbers: replicate r of every scenario "
                    f"shares its seed), with its {level} confidence interval.</p>" + table_html(table, index=False))
    sections.append(f'<h2 id="bands">Mean difference over time with {level} confidence bands</h2>')
    names = study.comparison_metrics
    for start in range(0, len(names), METRICS_PER_FIGURE):
        chosen = names[start:start + METRICS_PER_FIGURE]
        sections.append(figure_html(plot_contrasts(study, chosen, ncols=4), "confidence bands of " + ", ".join(chosen)))
    return page(f"cpsim study: {study.name}", sections)


__all__ = ["study_report", "study_summary_text"]
