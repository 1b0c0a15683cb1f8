"""Notebook display: every co-pilot answer has an escaped ``_repr_html_`` and a ``to_frame()``
whose rows are the answer's own numbers."""

from __future__ import annotations

import pytest

from rung.copilot import Copilot
from rung.graph import CausalGraph

NAME = "<b>x&y</b>"


def yes(p: float):
    return lambda prompt, option: p if option == "Yes" else 1 - p


@pytest.fixture
def cp(scripted) -> Copilot:
    return Copilot(scripted(yes(0.8), texts={"In one sentence": "Because."}), variants=2)


def test_pairwise_frame_and_html(cp):
    r = cp.pairwise(NAME, "z")
    df = r.to_frame()
    assert list(df.columns) == ["prompt_id", "order", "persona", "described", "answer", "p",
                                "p[A->B]", "p[B->A]", "p[none]"]
    assert len(df) == len(r.variants)
    assert df["p[A->B]"].tolist() == pytest.approx([v.probabilities["A->B"] for v in r.variants])
    html = r._repr_html_()
    assert NAME not in html and "&lt;b&gt;x&amp;y&lt;/b&gt;" in html
    assert "undecided" in html  # A->B and B->A tie under this model


def test_choice_role_critique_graph_frames(cp):
    j = cp.judgment("A story.", "Did it?")
    assert len(j.to_frame()) == 2 and "answer:" in j._repr_html_()
    roles = cp.confounders("x", "y", [NAME, "w"])
    df = roles.to_frame()
    assert df["name"].tolist() == [c.name for c in roles.candidates]
    assert df["accepted"].tolist() == [True, True]
    assert "&lt;b&gt;" in roles._repr_html_()
    crit = cp.critique(CausalGraph.from_edges("a -> b"))
    assert list(crit.to_frame().columns) == ["source", "target", "kind", "confidence", "reason"]
    assert len(crit.to_frame()) == len(crit.notes)
    prop = cp.graph(["a", "b", "c"], top_k=1)
    frame = prop.to_frame()
    assert len(frame) == 6 and frame["kept"].sum() == 1  # 3 pairs x 2 directions
    assert "graph proposal" in prop._repr_html_()


def test_empty_frames_keep_their_columns(cp):
    # the model agrees with the only edge (P(yes) .8 >= .5): nothing is flagged
    empty = cp.critique(CausalGraph.from_edges("a -> b"))
    assert empty.notes == [] and empty.to_frame().empty
    assert list(empty.to_frame().columns) == ["source", "target", "kind", "confidence",
                                              "reason"]
    assert "<i>none</i>" in empty._repr_html_()
