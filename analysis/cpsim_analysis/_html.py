"""HTML building blocks shared by the run and the study reports: tables, inline figures, the page."""
from __future__ import annotations

import base64
import html
import io
from typing import Iterable

import pandas as pd
from matplotlib.figure import Figure

from .summary import format_number

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
