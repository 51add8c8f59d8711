"""HTML building blocks shared by the run and the study reports: tables, inline figures, the page."""
from __future__ import annotations

import base64
import html
import io
import os
from typing import Iterable

import pandas as pd
from matplotlib.figure import Figure

from .summary import format_number

METRICS_PER_FIGURE = 12


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


def render(template: str, **values) -> str:
    """TEMPLATE (a file in templates/) rendered with Debian's python3-jinja2; values are escaped unless
    marked |safe in the template (the HTML this module builds)."""
    import jinja2

    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.get_template(template).render(**values)


def page(title: str, sections: list[str]) -> str:
    """A complete HTML document (templates/page.html.j2): TITLE as heading, then SECTIONS (HTML)."""
    return render("page.html.j2", title=title, sections=sections)
