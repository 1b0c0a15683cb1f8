"""Pictures of causal graphs with matplotlib alone (no Graphviz binary).

Directed edges are solid arrows, bidirected edges dashed curved arcs with arrowheads at both
ends, latent nodes dashed. Nodes sit at their dagitty ``pos`` when every node has one, else
in layers (:mod:`rung.graph.layout`). The SVG is self-contained: text is drawn as paths, so
no font or URL is referenced, and the output is deterministic.
"""

from __future__ import annotations

import io
import os
from collections.abc import Collection, Mapping
from pathlib import Path

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from rung.graph.core import CausalGraph
from rung.graph.errors import GraphError
from rung.graph.layout import layered_layout, node_positions

__all__ = ["EdgeKey", "draw_graph", "to_svg"]

# (a, b) for the directed edge a -> b (or the bidirected a <-> b when there is no such
# directed edge); (a, "<->", b) for the bidirected edge explicitly.
EdgeKey = tuple[str, str] | tuple[str, str, str]

_FONT_PT = 11.0
_CHAR_IN = 0.095  # approximate width of one character at _FONT_PT, inches
_NODE_H = 0.36
_GAP_X, _GAP_Y, _MARGIN = 0.45, 0.95, 0.35
_COLORS = {"node": "#f7f7f7", "exposure": "#d9f2d9", "outcome": "#d6e6f7", "highlight": "#ffe08a"}


def _width(name: str) -> float:
    return 0.3 + _CHAR_IN * len(name)


def _positions(g: CausalGraph) -> dict[str, tuple[float, float]]:
    """Node centres in inches (y upward), from ``pos`` attributes or the layered layout."""
    given = node_positions(g)
    if given is not None:
        xs, ys = [p[0] for p in given.values()], [p[1] for p in given.values()]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
        scale = max(1.4 * len(given) ** 0.5, 2.0) / span
        return {n: (x * scale * 1.4, -y * scale) for n, (x, y) in given.items()}
    slots = layered_layout(g)
    layers: dict[int, list[str]] = {}
    for n, (_slot, depth) in sorted(slots.items(), key=lambda kv: kv[1]):
        layers.setdefault(depth, []).append(n)
    out: dict[str, tuple[float, float]] = {}
    for depth, names in layers.items():
        total = sum(_width(n) for n in names) + _GAP_X * (len(names) - 1)
        x = -total / 2
        for n in names:
            out[n] = (x + _width(n) / 2, -depth * (_NODE_H + _GAP_Y))
            x += _width(n) + _GAP_X
    return out


def _node_patch(g: CausalGraph, n: str, xy: tuple[float, float], highlight: Collection[str]) -> (
    FancyBboxPatch
):
    attrs = g.attributes.get(n, {})
    kind = "highlight" if n in highlight else "exposure" if "exposure" in attrs else (
        "outcome" if "outcome" in attrs else "node"
    )
    w = _width(n)
    return FancyBboxPatch(
        (xy[0] - w / 2, xy[1] - _NODE_H / 2),
        w,
        _NODE_H,
        boxstyle="round,pad=0,rounding_size=0.12",
        facecolor="white" if n in g.latent else _COLORS[kind],
        edgecolor="#333333",
        linestyle=(0, (3, 2)) if n in g.latent else "solid",
        linewidth=1.2,
        zorder=3,
    )


def _lookup(mapping: Mapping[EdgeKey, str] | None, a: str, b: str, bidirected: bool,
            has_directed: bool) -> str | None:
    if not mapping:
        return None
    if bidirected:
        for key in ((a, "<->", b), (b, "<->", a)):
            if key in mapping:
                return mapping[key]
        if has_directed:
            return None
        return mapping.get((a, b), mapping.get((b, a)))
    return mapping.get((a, b))


def _bend(pos: dict[str, tuple[float, float]], a: str, b: str, bidirected: bool) -> float:
    """arc3 curvature: bidirected arcs and straight drops past a layer bow away from the
    centre of the picture."""
    (xa, ya), (xb, yb) = pos[a], pos[b]
    skip = abs(ya - yb) > 1.5 * (_NODE_H + _GAP_Y) and abs(xa - xb) < 0.5
    rad = 0.35 if bidirected else (0.25 if skip else 0.0)
    centre = sum(x for x, _ in pos.values()) / len(pos)
    side = (xa + xb) / 2 - centre
    # arc3 shifts the midpoint by rad * (yb - ya, xa - xb): make its x follow ``side``
    if (yb - ya) * side < 0 or (yb == ya and (ya - centre) < 0):
        rad = -rad
    return rad


def _exit_point(centre: tuple[float, float], name: str, towards: tuple[float, float]) -> (
    tuple[float, float]
):
    """Where a line leaving ``centre`` in the direction ``towards`` crosses the node box."""
    ux, uy = towards
    half_w, half_h = _width(name) / 2, _NODE_H / 2
    t = min(half_w / abs(ux) if ux else float("inf"), half_h / abs(uy) if uy else float("inf"))
    if t == float("inf"):
        return centre
    return centre[0] + t * ux, centre[1] + t * uy


def _edge(ax: Axes, pos: dict[str, tuple[float, float]], a: str, b: str, bidirected: bool,
          color: str, label: str | None) -> None:
    (xa, ya), (xb, yb) = pos[a], pos[b]
    rad = _bend(pos, a, b, bidirected)
    # arc3's control point; the curve leaves each end towards it, so the ends are clipped to
    # the node boxes here (clipping against the patches in matplotlib costs ~0.1 s an edge)
    cx, cy = (xa + xb) / 2 + rad * (yb - ya), (ya + yb) / 2 - rad * (xb - xa)
    start = _exit_point(pos[a], a, (cx - xa, cy - ya))
    end = _exit_point(pos[b], b, (cx - xb, cy - yb))
    arrow = FancyArrowPatch(
        start, end,
        arrowstyle="<|-|>" if bidirected else "-|>",
        connectionstyle=f"arc3,rad={rad}",
        mutation_scale=12, linewidth=1.3, color=color,
        linestyle=(0, (4, 3)) if bidirected else "solid",
        shrinkA=1, shrinkB=1, zorder=2,
    )
    ax.add_artist(arrow)  # the axes limits are set by hand: no autoscaling pass
    if label:
        # the midpoint of an arc3 curve sits rad/2 of the chord length off the chord
        mx, my = (xa + xb) / 2 + rad / 2 * (yb - ya), (ya + yb) / 2 - rad / 2 * (xb - xa)
        ax.text(mx, my, label, fontsize=_FONT_PT - 2, color=color, ha="center", va="center",
                zorder=4, parse_math=False,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})


def _figure(g: CausalGraph, edge_labels: Mapping[EdgeKey, str] | None,
            edge_colors: Mapping[EdgeKey, str] | None, highlight: Collection[str],
            title: str | None) -> Figure:
    pos = _positions(g)
    xs = [x for x, _ in pos.values()] or [0.0]
    ys = [y for _, y in pos.values()] or [0.0]
    half_w = max((_width(n) / 2 for n in pos), default=0.5)
    x0, x1 = min(xs) - half_w - _MARGIN, max(xs) + half_w + _MARGIN
    y0, y1 = min(ys) - _NODE_H / 2 - _MARGIN, max(ys) + _NODE_H / 2 + _MARGIN
    top = 0.35 if title else 0.0
    fig = Figure(figsize=(x1 - x0, y1 - y0 + top))
    ax = fig.add_axes((0.0, 0.0, 1.0, (y1 - y0) / (y1 - y0 + top)))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_axis_off()
    if title:
        fig.suptitle(title, y=1 - 0.05 / (y1 - y0 + top), va="top", fontsize=_FONT_PT + 1,
                     parse_math=False)
    for n, xy in pos.items():
        ax.add_artist(_node_patch(g, n, xy, highlight))
        # names are text, never mathtext: "$x^$" must not fail, "$a$" must not turn italic
        ax.text(*xy, n, ha="center", va="center", fontsize=_FONT_PT, zorder=4, parse_math=False)
    directed = set(g.directed_edges)
    edges = [(a, b, False) for a, b in g.directed_edges]
    edges += [(a, b, True) for a, b in g.bidirected_edges]
    for a, b, bi in edges:
        has_dir = (a, b) in directed or (b, a) in directed
        color = _lookup(edge_colors, a, b, bi, has_dir) or ("#b03a2e" if bi else "#222222")
        _edge(ax, pos, a, b, bi, color, _lookup(edge_labels, a, b, bi, has_dir))
    return fig


def to_svg(
    g: CausalGraph,
    *,
    edge_labels: Mapping[EdgeKey, str] | None = None,
    edge_colors: Mapping[EdgeKey, str] | None = None,
    highlight: Collection[str] | None = None,
    title: str | None = None,
) -> str:
    """A self-contained SVG picture of ``g`` (text drawn as paths; no fonts, no URLs).

    Parameters
    ----------
    edge_labels, edge_colors : mapping, optional
        Text (e.g. a confidence) and a matplotlib colour per edge, keyed by ``(a, b)`` for
        ``a -> b`` (also ``a <-> b`` when no directed edge joins them) or ``(a, "<->", b)``.
    highlight : collection of str, optional
        Nodes to fill in gold. Exposures and outcomes are filled green and blue.
    title : str, optional
        A title above the graph.

    Examples
    --------
    >>> svg = to_svg(CausalGraph.from_edges("X -> M -> Y; X <-> Y"))
    >>> "<svg" in svg, "<text" in svg, "<image" in svg, 'href="http' in svg
    (True, False, False, False)
    """
    fig = _figure(g, edge_labels, edge_colors, frozenset(highlight or ()), title)
    buf = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "path", "svg.hashsalt": "rung"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


def draw_graph(
    g: CausalGraph,
    path: str | os.PathLike[str],
    *,
    edge_labels: Mapping[EdgeKey, str] | None = None,
    edge_colors: Mapping[EdgeKey, str] | None = None,
    highlight: Collection[str] | None = None,
    title: str | None = None,
    dpi: int = 150,
) -> Path:
    """Draw ``g`` to ``path``: SVG for ``.svg``, PNG for ``.png`` (options as :func:`to_svg`).

    Raises
    ------
    GraphError
        The suffix is neither ``.svg`` nor ``.png``.
    """
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix == ".svg":
        svg = to_svg(g, edge_labels=edge_labels, edge_colors=edge_colors,
                     highlight=highlight, title=title)
        out.write_text(svg, encoding="utf-8")
        return out
    if suffix != ".png":
        raise GraphError(f"cannot draw to {str(out)!r}: use a .svg or .png file name")
    fig = _figure(g, edge_labels, edge_colors, frozenset(highlight or ()), title)
    fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out
