"""rung.discover.settled: the joint probability of the belief-decided marks at a node,
checked against the classes' marks directly."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from rung.discover.settled import decided_marks, orientation_support
from rung.graph import CausalGraph
from rung.identify.equivalence_class import EquivalenceClass

STAR = EquivalenceClass.from_dag(CausalGraph.from_edges("A -> X; B -> X; X -> C; A -> B"))


def test_a_class_oriented_nowhere_is_fully_supported() -> None:
    assert decided_marks(STAR, STAR, ["X"]) == ()
    support, lines = orientation_support(STAR, STAR, [], lambda s, t: 0.5, ["X"])
    assert (support, lines) == (1.0, ()) and isinstance(support, float)  # JSON round-trip


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.5, 1.0), min_size=3, max_size=3))
def test_support_is_the_product_over_the_marks_at_the_focus(ps: list[float]) -> None:
    cls = EquivalenceClass("AXYZ", undirected=(("A", "X"), ("X", "Y"), ("Y", "Z")))
    # orient A -> X and X -> Y directly and Y -> Z (not at X)
    oriented = [("A", "X"), ("X", "Y"), ("Y", "Z")]
    shut = EquivalenceClass("AXYZ", directed=tuple(oriented))
    p = dict(zip(oriented, ps, strict=True))
    support, lines = orientation_support(cls, shut, oriented, lambda s, t: p[s, t], ["X"])
    assert math.isclose(support, ps[0] * ps[1])
    assert len(lines) == 2 and all("Meek" not in line for line in lines)


def test_a_meek_implied_mark_takes_the_weakest_oriented_belief() -> None:
    cls = EquivalenceClass("AXY", undirected=(("A", "X"), ("X", "Y")))
    shut = EquivalenceClass("AXY", directed=(("A", "X"), ("X", "Y")))
    support, lines = orientation_support(cls, shut, [("A", "X")],
                                         lambda s, t: 0.9, ["Y"])
    assert math.isclose(support, 0.9) and lines == ("X -> Y (P = 0.90, Meek)",)
