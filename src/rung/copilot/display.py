"""Notebook display of co-pilot answers: small escaped HTML tables and pandas frames.

Every result type of the co-pilot has ``_repr_html_`` (Jupyter shows it) and ``to_frame()``
(a :class:`pandas.DataFrame` of its rows); both are built from the plain rows produced here,
so the HTML and the frame always show the same numbers.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["frame", "html_block", "html_table"]


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if value is None:
        return "–"
    return html.escape(str(value))


def html_table(rows: Sequence[Mapping[str, Any]], *, caption: str = "") -> str:
    """An HTML table of ``rows`` (one dict per row, the first row's keys as columns).

    Examples
    --------
    >>> html_table([{"name": "<b>", "p": 0.5}], caption="demo")
    '<table><caption>demo</caption><tr><th>name</th><th>p</th></tr><tr><td>&lt;b&gt;</td><td>0.500</td></tr></table>'
    """
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    if not rows:
        return f"<table>{cap}<tr><td><i>none</i></td></tr></table>"
    cols = list(rows[0])
    head = "<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in cols) + "</tr>"
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(r.get(c))}</td>" for c in cols) + "</tr>" for r in rows
    )
    return f"<table>{cap}{head}{body}</table>"


def html_block(title: str, lines: Sequence[str], tables: Sequence[str] = ()) -> str:
    """A titled block: escaped summary lines, then pre-rendered tables.

    Examples
    --------
    >>> html_block("answer", ["A->B & more"])
    '<div><b>answer</b><br>A-&gt;B &amp; more</div>'
    """
    text = "<br>".join(html.escape(line) for line in lines)
    sep = "<br>" if text else ""
    return f"<div><b>{html.escape(title)}</b>{sep}{text}{''.join(tables)}</div>"


def frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A DataFrame of ``rows`` with exactly ``columns`` (also when there are no rows)."""
    import pandas as pd

    return pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=list(columns))
