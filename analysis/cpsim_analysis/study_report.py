"""A study file as plain text (the summary); its HTML report is the policy brief (brief.py).

Kept apart from the reader (study.py), which the plots use in turn.
"""
from __future__ import annotations

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


__all__ = ["study_summary_text"]
