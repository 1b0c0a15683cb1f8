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
from rung.workflow.artifacts import RunResult


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
    final = graph_picture(["X", "Y"], [DrawnEdge("X", "Y", "->")], title="final")
    html = render_html(RunResult.from_json(_result()), graph_svgs={"final": final},
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
    html = render_html(RunResult.from_json(r), graph_svgs={})
    assert "Not identifiable" in html and "hedge found" in html


@pytest.mark.parametrize("tex", [r"\frac{P(x, y)}{P(x)}", r"P(y \mid \mathrm{do}(x))",
                                 r"\sum_{m} P(m \mid x) \sum_{x'} P(y \mid m, x') P(x')"])
def test_estimand_shapes_render(tex: str) -> None:
    assert latex_to_svg(tex) is not None


# ----------------------------------------------------------------- issue 15 report defects
def _svg_width(svg: str) -> float:
    m = re.search(r'width="([\d.]+)pt"', svg)
    assert m is not None
    return float(m.group(1))


def test_estimand_keeps_spaces_and_digits_in_names() -> None:
    from rung.report import estimand_mathtext, name_mathtext

    assert name_mathtext("P38") == r"\mathrm{P38}"  # not P with subscript 38
    spaced = latex_to_svg(name_mathtext("smoking status"))
    joined = latex_to_svg(name_mathtext("smokingstatus"))
    assert spaced is not None and joined is not None
    assert _svg_width(spaced) > _svg_width(joined)  # the space is drawn
    tree = {"op": "sum", "over": ["smoking status"], "expr": {"op": "product", "factors": [
        {"op": "P", "vars": ["P38"], "given": ["PKC", "smoking status"]},
        {"op": "P", "vars": ["smoking status"], "given": []}]}}
    tex = estimand_mathtext(tree)
    assert "_{38}" not in tex and latex_to_svg(tex) is not None


@pytest.mark.parametrize("name", ["$x^$", "$a$", "a_b", "50%", "x{1}", "#1", "a&b", "~"])
def test_names_with_mathtext_characters_are_text(name: str) -> None:
    from rung.report import estimand_mathtext

    edges = [DrawnEdge(name, "Y", "->")]
    svg = graph_picture([name, "Y"], edges, title=f"graph of {name}")
    assert svg.startswith("<svg") and "Oblique" not in svg  # no mathtext italics
    if "$" in name:
        assert "DejaVuSans-24" in svg  # the dollar glyph itself is drawn
    effect_plot([{"method": name, "ate": 1.0, "ci": [0.5, 1.5]}], label=f"E[{name}]")
    interventional_plot({f"do({name}=1)": np.arange(10.0)}, outcome=name)
    tree = {"op": "P", "vars": [name], "given": ["Y"]}
    rendered = latex_to_svg(estimand_mathtext(tree))
    if "#" not in name:  # mathtext has no "#": the report shows the text form alone
        assert rendered is not None


def _arrow_geometry(fig: object) -> list[np.ndarray]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.patches import FancyArrowPatch

    FigureCanvasAgg(fig).draw()  # type: ignore[arg-type]
    ax = fig.axes[0]  # type: ignore[attr-defined]
    return [ax.transData.transform(np.asarray(p.get_path().vertices)) for p in ax.patches
            if isinstance(p, FancyArrowPatch)]  # in display pixels, like the boxes


def _box_extent(fig: object, name: str) -> object:
    from matplotlib.patches import FancyBboxPatch

    ax = fig.axes[0]  # type: ignore[attr-defined]
    texts = {t.get_text(): t for t in ax.texts}
    box = [p for p in ax.patches if isinstance(p, FancyBboxPatch)
           and p.contains_point(ax.transData.transform(texts[name].get_position()))]
    return box[0].get_window_extent()


def test_horizontal_edges_keep_arrowheads_and_avoid_other_boxes() -> None:
    from rung.report.graphs import graph_figure

    pos = {"left_long_name": (-0.8, 0.0), "middle": (0.0, 0.0), "right_long_name": (0.8, 0.0)}
    fig = graph_figure(list(pos), [DrawnEdge("left_long_name", "middle", "->"),
                                   DrawnEdge("left_long_name", "right_long_name", "->")],
                       title="row", positions=pos)
    short, long_ = _arrow_geometry(fig)
    assert len(short) > 4  # a line plus a filled head ("-|>")
    mid = _box_extent(fig, "middle")
    xs = short[:, 0]
    assert xs.max() <= mid.x0 + 2 and xs.max() >= mid.x0 - 6  # head ends on the box
    inside = [(x, y) for x, y in long_ if mid.x0 < x < mid.x1 and mid.y0 < y < mid.y1]
    assert not inside  # the long edge bends around "middle"


def test_legend_explains_line_styles() -> None:
    from rung.report.graphs import graph_figure

    fig = graph_figure(["A", "B", "C"], [DrawnEdge("A", "B", "o->"), DrawnEdge("B", "C", "<->")],
                       title="g", legend={"#222222": "agree"})
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("o->" in t for t in texts) and any("<->" in t for t in texts)
    assert "agree" in texts


def test_histogram_tails_do_not_pile_up_at_the_ends() -> None:
    from rung.report.plots import interventional_figure

    rng = np.random.default_rng(0)
    heavy = rng.standard_t(1.5, size=20000)
    fig = interventional_figure({"do(X=1)": heavy}, outcome="Y", bins=40)
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert heights[0] <= 2 * heights[1] + 1e-9 and heights[-1] <= 2 * heights[-2] + 1e-9
    assert "outside the shown range" in fig.axes[0].get_xlabel()


def test_forest_plot_axis_names_the_contrast() -> None:
    from rung.report.plots import effect_figure

    fig = effect_figure([{"method": "regression", "ate": 2.0, "ci": [1.8, 2.2]}],
                        label="E[Y | do(X=1)] − E[Y | do(X=0)]")
    assert fig.axes[0].get_xlabel() == "E[Y | do(X=1)] − E[Y | do(X=0)]"


def test_caveat_names_the_ci_test_that_ran() -> None:
    from rung.workflow.assemble import caveats_for

    assert "KCI" in caveats_for("kci")[1] and "Fisher" not in caveats_for("kci")[1]
    assert "Fisher z" in caveats_for("fisherz")[1]
    assert caveats_for("fisherz", ("example note",))[-1] == "example note"


def test_html_leads_with_the_verdict_and_its_flags() -> None:
    r = _result()
    r["verdict"] = {"status": "check", "effect": None, "interval": None, "range": [0.0, 3.7],
                    "flags": ["refuter 'graph' failed: p = 4e-23"],
                    "summary": "Effect between 0 and 3.7"}
    html = render_html(RunResult.from_json(r), graph_svgs={})
    assert html.index("CHECK") < html.index("Disagreements")
    assert html.index("4e-23") < html.index("Disagreements")


def test_run_result_round_trips_and_keeps_the_result_json_keys() -> None:
    r = _result()
    r["verdict"] = {"status": "ok", "effect": 2.0, "interval": [1.8, 2.2], "range": None,
                    "flags": [], "summary": "Effect 2"}
    typed = RunResult.from_json(r)
    assert typed.verdict is not None and typed.verdict.interval == (1.8, 2.2)
    out = typed.to_json()
    assert RunResult.from_json(out) == typed
    assert {k: out[k] for k in r} == r  # every key given comes back unchanged
    assert list(out)[:2] == ["verdict", "rung_version"] and list(out)[-1] == "files"


def test_terminal_summary_leads_with_the_verdict() -> None:
    import io

    from rich.console import Console

    from rung.report import print_summary

    r = _result()
    r["verdict"] = {"status": "check", "effect": None, "interval": None, "range": [0.0, 3.7],
                    "flags": ["refuter 'graph' failed"], "summary": "Effect between 0 and 3.7"}
    buf = io.StringIO()
    print_summary(RunResult.from_json(r), "OUT", Console(file=buf, width=200))
    text = buf.getvalue()
    assert text.index("CHECK") < text.index("identified by backdoor")
    assert "refuter 'graph' failed" in text and "OUT/report.html" in text


def _over_six_graphs() -> RunResult:
    """A result whose class holds six plausible graphs, with the fused path's effect sets."""
    from dataclasses import replace

    from rung.estimate.estimators.ida import EffectSet, PossibleEffect
    from rung.workflow.class_effects import ClassEffects, MemberEffect
    from rung.workflow.effect_sets import EffectSets

    fx = ClassEffects("class", 6, True, 0.8, (
        MemberEffect("backdoor", 4, "X -> Y", ("Z",), None, 2.0, (1.8, 2.2)),
        MemberEffect("no_path", 2, "Y -> X", None, None, 0.0, (0.0, 0.0))))
    alone = EffectSet("X", "Y", (1.0, 0.0), "local", "linear", "cpdag",
                      (PossibleEffect(("Z",), 2.0, (1.8, 2.2), 0.1),
                       PossibleEffect(("Y",), 0.0, (0.0, 0.0), 0.0)), True)
    fused = replace(alone, effects=alone.effects[:1])
    sets = EffectSets(alone, fused, 3, 1, ("data alone: X -- Z; with the LLM: Z -> X",))
    return replace(RunResult.from_json(_result()), class_effects=fx, effect_sets=sets)


def test_the_estimate_table_says_it_is_the_chosen_graphs() -> None:
    import io

    from rich.console import Console

    from rung.report import print_summary

    r = _over_six_graphs()
    heading = "Estimates on the chosen final graph (one of 6 plausible graphs"
    html = render_html(r, graph_svgs={})
    assert heading in html
    buf = io.StringIO()
    print_summary(r, "NO-SUCH-DIR", Console(file=buf, width=200))
    assert heading in buf.getvalue()
    one = render_html(RunResult.from_json(_result()), graph_svgs={})
    assert "Estimates on the final graph" in one and "plausible graphs; see" not in one


def test_the_effect_sets_are_rendered_from_their_type() -> None:
    import io

    from rich.console import Console

    from rung.report import print_summary

    r = _over_six_graphs()
    assert RunResult.from_json(r.to_json()).effect_sets == r.effect_sets
    html = render_html(r, graph_svgs={})
    assert "Data alone, and data + LLM" in html and "with the LLM: Z -&gt; X" in html
    buf = io.StringIO()
    print_summary(r, "NO-SUCH-DIR", Console(file=buf, width=200))  # no file is read
    text = buf.getvalue()
    assert "data alone: range [0, 2.2] over 3 plausible class(es), 2 adjustment set(s)" in text
    assert "data + LLM: range [1.8, 2.2] over 1 plausible class(es)" in text
    assert "moved by data alone: X -- Z" in text
