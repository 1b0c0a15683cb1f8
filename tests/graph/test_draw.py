"""Drawing: self-contained SVG, PNG files, options change the picture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rung.graph import CausalGraph, GraphError, draw_graph, to_svg


def test_svg_is_self_contained_and_deterministic(napkin: CausalGraph) -> None:
    svg = to_svg(napkin)
    assert svg.lstrip().startswith("<?xml") and svg.rstrip().endswith("</svg>")
    assert "<text" not in svg and "@font-face" not in svg and "<image" not in svg
    assert not re.search(r'href="(?!#)', svg)  # only internal references
    assert to_svg(napkin) == svg


def test_dashes_for_bidirected_and_latent() -> None:
    plain = to_svg(CausalGraph.from_edges("X -> Y"))
    assert "stroke-dasharray" not in plain
    bow = to_svg(CausalGraph.from_edges("X -> Y; X <-> Y"))
    latent = to_svg(CausalGraph.from_edges("U [latent]; U -> X"))
    assert "stroke-dasharray" in bow and "stroke-dasharray" in latent


def test_options_change_the_picture(frontdoor: CausalGraph) -> None:
    base = to_svg(frontdoor)
    assert to_svg(frontdoor, edge_labels={("X", "M"): "0.91"}) != base
    colored = to_svg(frontdoor, edge_colors={("X", "<->", "Y"): "#00aa00"})
    assert "#00aa00" in colored and "#00aa00" not in base
    assert "#ffe08a" in to_svg(frontdoor, highlight={"M"})
    assert to_svg(frontdoor, title="front door") != base


def test_pos_attributes_are_used() -> None:
    g = CausalGraph.from_edges("A -> B").with_attributes("A", pos="0,0")
    g = g.with_attributes("B", pos="3,0")
    svg = to_svg(g)
    width, height = (float(v) for v in re.findall(r'(?:width|height)="([\d.]+)pt"', svg)[:2])
    assert width > height  # side by side, as positioned, not stacked in layers


def test_draw_files(tmp_path: Path, napkin: CausalGraph) -> None:
    png = draw_graph(napkin, tmp_path / "g.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = draw_graph(napkin, tmp_path / "g.svg", title="napkin")
    assert "<svg" in svg.read_text()
    with pytest.raises(GraphError, match=r"\.svg or \.png"):
        draw_graph(napkin, tmp_path / "g.pdf")


def test_repr_svg(canonical_graph: CausalGraph) -> None:
    assert "<svg" in canonical_graph._repr_svg_()


def test_long_names_and_many_nodes() -> None:
    names = ["p44/42", "pakts473", "PIP3", "Plcg", "PKC", "PKA", "Raf", "Mek", "Erk", "Akt", "JNK"]
    edges = [(a, b) for i, a in enumerate(names) for b in names[i + 1 : i + 3]]
    svg = to_svg(CausalGraph(directed=edges, bidirected=[("PKC", "JNK")]))
    assert svg.count("<path") > len(names)


def test_names_are_text_not_mathtext(tmp_path: Path) -> None:
    """Issue 21: "$x^$" failed to draw and "$a$" drew as an italic a."""
    g = CausalGraph.from_edges('"$x^$" -> "$a$"')
    draw_graph(g, tmp_path / "math.png", title="$t$", edge_labels={("$x^$", "$a$"): "$p$"})
    assert "<svg" in to_svg(g)
