"""Pictures of causal graphs for the report, with edge kinds and differences in colour.

All pictures of one report share one set of node positions, so the LLM, data and final
graphs can be compared at a glance. The positions come from :mod:`rung.graph.layout`'s
layered layout of the final graph (Sugiyama-style layers, the same layout as
``rung graph draw``), so causes sit above their effects.

Edges end on the node boxes (the arrowheads are clipped to the box outline, so short
horizontal edges keep theirs), and an edge whose straight line would cross another node's
box is bent around it. A legend explains the line styles (solid ``->``, dashed ``<->``,
dotted for an open mark ``o->`` / ``o-o``, plain for ``--``) as well as the colours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Required, TypedDict, Unpack

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from rung.graph import CausalGraph
from rung.graph.layout import layered_layout
from rung.report.svg import figure_to_svg, new_figure, plain

__all__ = [
    "Drawing",
    "DrawnEdge",
    "circular_layout",
    "graph_figure",
    "graph_picture",
    "shared_layout",
]

Positions = Mapping[str, tuple[float, float]]

LineStyle = Literal["solid", "dashed", "dotted"]
_STYLES: dict[str, tuple[str, LineStyle, str]] = {  # kind -> (arrow, line style, legend)
    "->": ("-|>", "solid", "A -> B: A causes B"),
    "<->": ("<|-|>", "dashed", "A <-> B: hidden common cause"),
    "--": ("-", "solid", "A -- B: direction open (CPDAG)"),
    "o->": ("-|>", "dotted", "A o-> B: B not a cause of A (PAG)"),
    "o-o": ("-", "dotted", "A o-o B: marks open (PAG)"),
}
_BOX_H = 0.18
_CHAR_W = 0.045


@dataclass(frozen=True)
class DrawnEdge:
    """An edge to draw: ``kind`` is ``->``, ``<->``, ``--``, ``o->`` or ``o-o``."""

    source: str
    target: str
    kind: str
    colour: str = "#333333"
    label: str = ""


def circular_layout(nodes: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Nodes on a circle, first node at the top, clockwise."""
    n = max(len(nodes), 1)
    return {v: (float(np.sin(2 * np.pi * k / n)), float(np.cos(2 * np.pi * k / n)))
            for k, v in enumerate(nodes)}


def shared_layout(nodes: Sequence[str], graph: CausalGraph | None = None
                  ) -> dict[str, tuple[float, float]]:
    """Positions in [-1, 1]² for ``nodes``: the layered layout of ``graph`` (causes above
    effects), nodes missing from it on a bottom row; the circle without a graph.

    Examples
    --------
    >>> pos = shared_layout(["X", "M", "Y"], CausalGraph.from_edges("X -> M -> Y"))
    >>> pos["X"][1] > pos["M"][1] > pos["Y"][1]
    True
    """
    if graph is None or (not graph.directed_edges and not graph.bidirected_edges):
        return circular_layout(nodes)
    slots = layered_layout(graph)
    rows = [(slot, depth) for n, (slot, depth) in slots.items() if n in nodes]
    depth_max = max((d for _, d in rows), default=0)
    extra = [n for n in nodes if n not in slots]
    out: dict[str, tuple[float, float]] = {}
    n_rows = depth_max + 1 + (1 if extra else 0)
    width = max([abs(s) for s, _ in rows] + [(len(extra) - 1) / 2, 0.5])
    for n in nodes:
        if n in slots:
            slot, depth = slots[n]
        else:
            slot, depth = extra.index(n) - (len(extra) - 1) / 2, depth_max + 1
        y = 1.0 - 2.0 * depth / max(n_rows - 1, 1) if n_rows > 1 else 0.0
        out[n] = (float(slot / width), float(y))
    return out


def _box(ax: Axes, name: str, xy: tuple[float, float], fill: str) -> FancyBboxPatch:
    w = 0.08 + _CHAR_W * len(name)
    patch = FancyBboxPatch((xy[0] - w / 2, xy[1] - _BOX_H / 2), w, _BOX_H,
                           boxstyle="round,pad=0,rounding_size=0.04", fc=fill, ec="#555555",
                           lw=0.8, zorder=3)
    ax.add_patch(patch)
    ax.text(*xy, plain(name), ha="center", va="center", fontsize=9, zorder=4)
    return patch


def _crosses(p: np.ndarray, q: np.ndarray, centre: tuple[float, float], half: float,
             rad: float) -> bool:
    """Whether the arc3 curve from p to q (curvature ``rad``) passes through a box."""
    d = q - p
    ctrl = (p + q) / 2 + rad * np.array([d[1], -d[0]])
    for t in np.linspace(0.12, 0.88, 25):
        pt = (1 - t) ** 2 * p + 2 * (1 - t) * t * ctrl + t ** 2 * q
        if abs(pt[0] - centre[0]) < half and abs(pt[1] - centre[1]) < _BOX_H / 2 + 0.02:
            return True
    return False


def _bend(e: DrawnEdge, pos: Positions) -> float:
    """The first curvature among 0, ±0.25, ±0.45 whose curve misses every other box."""
    p, q = np.array(pos[e.source]), np.array(pos[e.target])
    others = [(pos[n], 0.04 + _CHAR_W * len(n) / 2 + 0.02) for n in pos
              if n not in (e.source, e.target)]
    first = 0.25 if e.kind == "<->" else 0.0
    for rad in (first, -first, 0.25, -0.25, 0.45, -0.45):
        if not any(_crosses(p, q, c, h, rad) for c, h in others):
            return rad
    return first


def _draw_edge(ax: Axes, pos: Positions, boxes: Mapping[str, FancyBboxPatch],
               e: DrawnEdge) -> None:
    arrow, ls, _ = _STYLES.get(e.kind, ("-", "solid", ""))
    ax.add_patch(FancyArrowPatch(
        pos[e.source], pos[e.target], arrowstyle=arrow, mutation_scale=12, color=e.colour,
        lw=1.5, linestyle=ls, patchA=boxes[e.source], patchB=boxes[e.target], shrinkA=2,
        shrinkB=2, connectionstyle=f"arc3,rad={_bend(e, pos)}", zorder=2))


def _legend(ax: Axes, kinds: Sequence[str], colours: Mapping[str, str]) -> None:
    handles = [Line2D([], [], color="#333333", lw=1.5, linestyle=_STYLES[k][1],
                      label=_STYLES[k][2]) for k in _STYLES if k in kinds]
    handles += [Line2D([], [], color=c, lw=4, label=plain(m)) for c, m in colours.items()]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2,
              fontsize=7, frameon=False, handlelength=2.2)


class Drawing(TypedDict, total=False):
    """The keywords of :func:`graph_figure` (documented there), forwarded by
    :func:`graph_picture`."""

    title: Required[str]
    highlight: Mapping[str, str] | None
    legend: Mapping[str, str] | None
    positions: Positions | None


def graph_picture(
    nodes: Sequence[str], edges: Sequence[DrawnEdge], **drawing: Unpack[Drawing]
) -> str:
    """An SVG picture of a graph (see :func:`graph_figure` for the parameters)."""
    return figure_to_svg(graph_figure(nodes, edges, **drawing), title=drawing["title"])


def graph_figure(
    nodes: Sequence[str],
    edges: Sequence[DrawnEdge],
    *,
    title: str,
    highlight: Mapping[str, str] | None = None,
    legend: Mapping[str, str] | None = None,
    positions: Positions | None = None,
) -> Figure:
    """A matplotlib figure of a graph.

    Parameters
    ----------
    nodes : sequence of str
        Every node (drawn even when no edge touches it).
    edges : sequence of DrawnEdge
        Edges with kind and colour.
    title : str
        Caption drawn above the picture (also the SVG <title>).
    highlight : mapping, optional
        Node -> fill colour (e.g. treatment and outcome).
    legend : mapping, optional
        Colour -> meaning; drawn below the graph with the line styles that occur.
    positions : mapping, optional
        Node -> (x, y) in [-1, 1]², shared by the pictures of one report (default:
        :func:`circular_layout`).
    """
    pos = dict(positions) if positions is not None else circular_layout(nodes)
    for n in nodes:
        pos.setdefault(n, (0.0, -1.0))
    fig = new_figure(4.6, 4.9)
    ax = fig.add_axes((0.02, 0.2, 0.96, 0.72))
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.2, 1.2)
    ax.axis("off")
    fills = dict(highlight or {})
    boxes = {v: _box(ax, v, pos[v], fills.get(v, "#f4f6f8")) for v in nodes}
    for e in edges:
        _draw_edge(ax, pos, boxes, e)
    fig.suptitle(plain(title), fontsize=11, y=0.99)
    _legend(ax, sorted({e.kind for e in edges}), legend or {})
    return fig
