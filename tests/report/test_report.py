"""The report layer: offline SVG pictures, rendered math, and the self-contained HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pytest

from rung.report import (
    DrawnEdge,
    effect_plot,
    graph_picture,
    interventional_plot,
    latex_to_svg,
    render_html,
)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)


def _result() -> dict:
    return {
        "title": "test <report>",
        "rung_version": "0.1.0",
        "query": {"treatment": "X", "outcome": "Y", "contrast": [1.0, 0.0]},
        "data": {"rows": 100, "columns": ["X", "Y", "Z"], "source": "unit test"},
        "headline": "Estimated effect — regression: 2",
        "final_graph": {"source": "rule", "rule": "data adjacencies", "decisions": [
            {"edge": "X -> Y", "reason": "data compelled direction"}]},
        "comparison": {"reference": "truth", "edges": 2, "final": {
            "shd": 0, "skeleton_precision": 1.0, "skeleton_recall": 1.0, "skeleton_f1": 1.0,
            "directed_precision": 1.0, "directed_recall": 1.0, "directed_f1": 1.0,
            "n_edges": 2}},
        "disagreements": [{"kind": "llm_only", "llm_edge": "Z -> Y", "llm_confidence": 0.9,
                           "data_edge": None, "p_value": 0.4, "sepset": ["X"],
                           "final_edge": None, "explanation": "LLM proposes Z -> Y"}],
        "identification": {"identifiable": True, "method": "backdoor", "adjustment_set": ["Z"],
                           "text": "sum_Z P(Y|X,Z) P(Z)", "latex": r"\sum_{Z} P(Y \mid X, Z)"},
        "estimates": [{"method": "regression", "ate": 2.0, "ci": [1.8, 2.2], "n": 100}],
        "refuters": [{"refuter": "placebo", "estimator": "regression", "original": 2.0,
                      "new_effect": 0.01, "expected": 0.0, "tolerance": 0.2, "passed": True,
                      "message": "effect vanishes"}],
        "caveats": ["the LLM is small"],
        "files": ["report.html"],
    }


def test_latex_renders_to_svg_paths_without_fonts() -> None:
    svg = latex_to_svg(r"\sum_{z} P(y \mid x, z) P(z)")
    assert svg is not None and svg.startswith("<svg")
    assert "<path" in svg and "<text" not in svg  # glyphs as paths: no font needed
    assert latex_to_svg(r"\frac{") is None


def test_graph_picture_draws_every_edge_and_node() -> None:
    edges = [DrawnEdge("A", "B", "->", "#c0392b"), DrawnEdge("B", "C", "<->"),
             DrawnEdge("A", "C", "--")]
    svg = graph_picture(["A", "B", "C"], edges, title="g", highlight={"A": "#fde3a7"})
    assert svg.startswith("<svg") and "<title>g</title>" in svg
    assert "#c0392b" in svg and "#fde3a7" in svg
    assert len(re.findall(r'id="patch_\d+"', svg)) >= 3 + 3  # edges + node boxes


def test_plots_are_svg() -> None:
    eff = effect_plot([{"method": "a", "ate": 1.0, "ci": [0.5, 1.5]},
                       {"method": "b", "ate": 1.2, "ci": None}], truth=1.1)
    dist = interventional_plot({"do(X=1)": np.arange(100.0), "do(X=0)": np.arange(50.0)},
                               outcome="Y")
    for svg in (eff, dist):
        assert svg.startswith("<svg") and "</svg>" in svg


def test_html_is_self_contained_and_escaped() -> None:
    html = render_html(_result(), graph_svgs={"final": graph_picture(["X", "Y"], [
        DrawnEdge("X", "Y", "->")], title="final")},
        estimand_svg=latex_to_svg(r"\sum_{Z} P(Y \mid X, Z)"),
        effect_svg=effect_plot(_result()["estimates"]))
    p = _Collector()
    p.feed(html)
    assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags
    urls = [v for k, v in p.attrs if k in ("src", "href") and v and not v.startswith("#")]
    assert urls == []
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
    assert "test &lt;report&gt;" in html
    for section in ("Disagreements", "Identification", "Estimates", "Refutation", "Caveats"):
        assert section in html
    assert html.count("<svg") >= 3


def test_html_reports_a_hedge() -> None:
    r = _result()
    r["identification"] = {"identifiable": False, "reason": "hedge found", "hedge": "F={X,Y}"}
    r["estimates"] = []
    html = render_html(r, graph_svgs={})
    assert "Not identifiable" in html and "hedge found" in html


@pytest.mark.parametrize("tex", [r"\frac{P(x, y)}{P(x)}", r"P(y \mid \mathrm{do}(x))",
                                 r"\sum_{m} P(m \mid x) \sum_{x'} P(y \mid m, x') P(x')"])
def test_estimand_shapes_render(tex: str) -> None:
    assert latex_to_svg(tex) is not None
