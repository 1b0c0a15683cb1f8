from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.abstraction.causal_model import CausalModel, UnknownVariableError
from rung.abstraction.tasks.arithmetic import sum_xy_model, sum_yz_model
from rung.abstraction.tasks.equality import equality_model
from rung.abstraction.tasks.pvr import pvr_model

digits = st.lists(st.integers(0, 9), min_size=3, max_size=3)


@settings(max_examples=50, deadline=None)
@given(base=digits, src=digits)
def test_arithmetic_counterfactuals(base: list[int], src: list[int]) -> None:
    b = {k: torch.tensor([v]) for k, v in zip("xyz", base, strict=True)}
    s = {k: torch.tensor([v]) for k, v in zip("xyz", src, strict=True)}
    assert int(sum_xy_model().interchange(b, {"S": s})) == src[0] + src[1] + base[2]
    assert int(sum_yz_model().interchange(b, {"S": s})) == base[0] + src[1] + src[2]
    assert int(sum_xy_model().run(b)["O"]) == sum(base)


def test_equality_interchange_of_both_variables() -> None:
    m = equality_model()
    base = {"w": torch.tensor([0]), "x": torch.tensor([0]), "y": torch.tensor([1]),
            "z": torch.tensor([2])}
    assert int(m.run(base)["O"]) == 0
    same = {k: torch.tensor([3]) for k in "wxyz"}
    assert int(m.interchange(base, {"YZ": same})) == 1
    assert int(m.interchange(base, {"WX": base, "YZ": base})) == 0


@pytest.mark.parametrize(("tl", "quadrant"), [(0, 0), (3, 0), (4, 1), (6, 1), (7, 2), (9, 2)])
def test_pvr_pointer(tl: int, quadrant: int) -> None:
    v = {"tl": torch.tensor([tl]), "tr": torch.tensor([5]), "bl": torch.tensor([6]),
         "br": torch.tensor([8])}
    out = pvr_model().run(v)
    assert int(out["P"]) == quadrant
    assert int(out["O"]) == (5, 6, 8)[quadrant]


def test_graph_and_variables() -> None:
    m = sum_xy_model()
    assert m.inputs == ("x", "y", "z")
    assert m.graph.parents("O") == {"S", "z"}
    assert m.variables.index("S") < m.variables.index("O")


def test_errors_name_the_bad_values() -> None:
    with pytest.raises(UnknownVariableError, match="'Q'"):
        sum_xy_model().run({"x": torch.zeros(1), "y": torch.zeros(1), "z": torch.zeros(1)},
                           do={"Q": torch.zeros(1)})
    with pytest.raises(UnknownVariableError, match="'z'"):
        sum_xy_model().run({"x": torch.zeros(1), "y": torch.zeros(1)})
    with pytest.raises(ValueError, match="'T'"):
        CausalModel(mechanisms={"T": lambda a: a}, parents={}, output="T")
    with pytest.raises(UnknownVariableError, match="'a'"):
        CausalModel(mechanisms={"T": lambda a: a}, parents={"T": ("a",)}, output="a")
