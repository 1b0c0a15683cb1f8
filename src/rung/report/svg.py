"""Inline SVG from matplotlib, with text drawn as paths so the report needs no fonts or CDN.

Uses the object-oriented ``Figure`` API (no pyplot state, no display backend).
"""

from __future__ import annotations

import io
import re
from typing import Any

import matplotlib
from matplotlib.figure import Figure

__all__ = ["figure_to_svg", "latex_to_svg", "new_figure", "plain"]

_RC: dict[str, Any] = {"svg.fonttype": "path", "font.size": 10, "svg.hashsalt": "rung"}


def plain(text: object) -> str:
    r"""``text`` for a matplotlib label, shown literally: a ``$`` never starts mathtext.

    Variable names are text everywhere: ``$a$`` must not turn italic and ``$x^$`` must
    not fail to parse.

    Examples
    --------
    >>> print(plain("$x^$"))
    \$x^\$
    """
    return str(text).replace("$", r"\$")


def new_figure(width: float, height: float) -> Figure:
    """A figure of ``width`` x ``height`` inches."""
    return Figure(figsize=(width, height))


def _strip_header(svg: str) -> str:
    """Drop the XML declaration, DOCTYPE and RDF metadata so the SVG can sit inside HTML."""
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    return re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)


def figure_to_svg(fig: Figure, *, title: str | None = None) -> str:
    """Render ``fig`` to an SVG string for inline use (with an optional <title>)."""
    buf = io.StringIO()
    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = _strip_header(buf.getvalue())
    if title:
        svg = re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + f"<title>{_esc(title)}</title>",
                     svg, count=1)
    return svg


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def latex_to_svg(tex: str, *, fontsize: float = 14) -> str | None:
    """Render a LaTeX formula with matplotlib's mathtext; None when mathtext cannot parse it.

    Examples
    --------
    >>> svg = latex_to_svg(r"\\sum_{z} P(y \\mid x, z) P(z)")
    >>> svg is not None and svg.startswith("<svg")
    True
    """
    fig = new_figure(0.01, 0.01)
    fig.text(0, 0, f"${_mathtext_compatible(tex)}$", fontsize=fontsize)
    try:
        return figure_to_svg(fig)
    except ValueError:  # mathtext parse error
        return None


def _mathtext_compatible(tex: str) -> str:
    """Rewrite the few LaTeX commands mathtext lacks."""
    out = tex.strip().strip("$")
    for old, new in ((r"\left", ""), (r"\right", ""), (r"\!", ""), (r"\displaystyle", ""),
                     (r"\operatorname", r"\mathrm"), (r"\text", r"\mathrm")):
        out = out.replace(old, new)
    return out
