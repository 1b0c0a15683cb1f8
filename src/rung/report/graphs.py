"""Pictures of causal graphs for the report, with edge kinds and differences in colour.

All pictures of one report share a circular layout over the same node order, so the LLM,
data and final graphs can be compared at a glance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.patches import FancyArrowPatch

from rung.report.svg import figure_to_svg, new_figure

__all__ = ["DrawnEdge", "circular_layout", "graph_picture"]


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


def _style(kind: str) -> tuple[str, str]:
    """(arrowstyle, linestyle) of an edge kind."""
    return {
        "->": ("-|>", "solid"),
        "<->": ("<|-|>", "dashed"),
        "--": ("-", "solid"),
        "o->": ("-|>", "dotted"),
        "o-o": ("-", "dotted"),
    }.get(kind, ("-", "solid"))


def _draw_edge(ax: object, pos: Mapping[str, tuple[float, float]], e: DrawnEdge) -> None:
    arrow, ls = _style(e.kind)
    rad = 0.25 if e.kind == "<->" else 0.0
    patch = FancyArrowPatch(
        pos[e.source], pos[e.target], arrowstyle=arrow, mutation_scale=13, color=e.colour,
        lw=1.6, linestyle=ls, shrinkA=17, shrinkB=17, connectionstyle=f"arc3,rad={rad}",
    )
    ax.add_patch(patch)  # type: ignore[attr-defined]


def graph_picture(
    nodes: Sequence[str],
    edges: Sequence[DrawnEdge],
    *,
    title: str,
    highlight: Mapping[str, str] | None = None,
    legend: Mapping[str, str] | None = None,
) -> str:
    """An SVG picture of a graph.

    Parameters
    ----------
    nodes : sequence of str
        Nodes in layout order.
    edges : sequence of DrawnEdge
        Edges with kind and colour.
    title : str
        Caption drawn above the picture (also the SVG <title>).
    highlight : mapping, optional
        Node -> fill colour (e.g. treatment and outcome).
    legend : mapping, optional
        Colour -> meaning, drawn below the graph.
    """
    pos = circular_layout(nodes)
    fig = new_figure(4.6, 4.9)
    ax = fig.add_axes((0.0, 0.08, 1.0, 0.86))
    ax.set_xlim(-1.35, 1.35)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    for e in edges:
        _draw_edge(ax, pos, e)
    fills = dict(highlight or {})
    for v, (x, y) in pos.items():
        ax.text(x, y, v, ha="center", va="center", fontsize=10, zorder=3,
                bbox={"boxstyle": "round,pad=0.45", "fc": fills.get(v, "#f4f6f8"),
                      "ec": "#555555", "lw": 0.8})
    fig.suptitle(title, fontsize=11, y=0.99)
    for k, (colour, meaning) in enumerate((legend or {}).items()):
        x, y = 0.04 + (k % 2) * 0.5, 0.045 - (k // 2) * 0.035  # two columns
        fig.text(x, y, "\u25a0", color=colour, fontsize=9)
        fig.text(x + 0.04, y, meaning, fontsize=8)
    return figure_to_svg(fig, title=title)
