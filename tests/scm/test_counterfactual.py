"""Counterfactual values and probabilities, against a hand-written enumeration."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rung.scm import (
    CounterfactualAnswer,
    CounterfactualQuery,
    ModelError,
    counterfactual_probability,
    counterfactual_value,
    load_model,
    parse_query,
    parse_term,
)

MODELS = Path(__file__).parent / "models"


def _world(u: int, ux: int, uy: int, do_x: int | None = None) -> tuple[int, int]:
    """treatment.toml's equations written out in Python (the independent reference)."""
    x = int(u or ux) if do_x is None else do_x
    y = int(x and u) if uy == 0 else (x if uy == 1 else int(not x))
    return x, y


def _reference(event, given) -> float:  # type: ignore[no-untyped-def]
    pu, pux, puy = (0.6, 0.4), (0.7, 0.3), (0.5, 0.3, 0.2)
    joint = ev = 0.0
    for u, ux, uy in itertools.product(range(2), range(2), range(3)):
        p = pu[u] * pux[ux] * puy[uy]
        if given(u, ux, uy):
            ev += p
            joint += p * event(u, ux, uy)
    return joint / ev


def test_conditional_counterfactual_matches_enumeration() -> None:
    m = load_model(MODELS / "treatment.toml")
    got = counterfactual_probability(m, parse_query("P(Y[X=1]=1 | X=0, Y=0)"))
    want = _reference(lambda *u: _world(*u, do_x=1)[1] == 1,
                      lambda *u: _world(*u) == (0, 0))
    assert got.probability == pytest.approx(want, abs=1e-12)
    assert got.contexts == 12


def test_joint_counterfactual_matches_enumeration() -> None:
    m = load_model(MODELS / "treatment.toml")
    got = counterfactual_probability(m, parse_query("P(Y[X=1]=1, Y[X=0]=0)"))
    want = _reference(lambda *u: _world(*u, do_x=1)[1] == 1 and _world(*u, do_x=0)[1] == 0,
                      lambda *u: True)
    assert got.probability == pytest.approx(want, abs=1e-12)
    assert CounterfactualAnswer.from_json(got.to_json()) == got


def test_values_in_the_actual_context() -> None:
    m = load_model(MODELS / "treatment.toml")  # u: U=1, UX=0, UY=1 so Y follows X
    assert counterfactual_value(m, parse_term("Y")) == 1
    assert counterfactual_value(m, parse_term("Y[X=0]")) == 0
    rocks = load_model(MODELS / "rock_throwing.toml")
    assert counterfactual_value(rocks, parse_term("BS[ST=0]")) == 1  # Billy's rock would hit
    assert counterfactual_value(rocks, parse_term("BS[ST=0, BT=0]")) == 0
    # a nested counterfactual: Billy's hit as it would be without Suzy, with Suzy throwing
    assert counterfactual_value(rocks, parse_term("BH[SH=SH[ST=0]]")) == 1


def test_bad_counterfactual_queries() -> None:
    m = load_model(MODELS / "treatment.toml")
    with pytest.raises(ModelError, match="probability 0"):
        counterfactual_probability(m, parse_query("P(Y=1 | X=0, U=1)"))
    with pytest.raises(ModelError, match="unknown variable 'Q'"):
        counterfactual_value(m, parse_term("Q[X=1]"))
    with pytest.raises(ModelError, match="exogenous"):
        counterfactual_value(m, parse_term("Y[U=0]"))
    with pytest.raises(ModelError, match="no distribution"):
        counterfactual_probability(load_model(MODELS / "rock_throwing.toml"),
                                   parse_query("P(BS=1)"))


names = st.sampled_from(["X", "Y", "M", "Z1"])
values = st.integers(-2, 3)


@st.composite
def terms(draw: st.DrawFn, depth: int = 0) -> str:
    name = draw(names)
    k = draw(st.integers(0, 2))
    if k == 0:
        return name
    items = []
    for _ in range(k):
        nested = depth < 2 and draw(st.booleans())
        items.append(f"{draw(names)}={draw(terms(depth + 1)) if nested else draw(values)}")
    return f"{name}[{', '.join(items)}]"


@given(st.lists(st.tuples(terms(), values), min_size=1, max_size=3),
       st.lists(st.tuples(terms(), values), max_size=2))
def test_query_text_and_json_round_trip(events, given_) -> None:  # type: ignore[no-untyped-def]
    body = ", ".join(f"{t}={v}" for t, v in events)
    cond = " | " + ", ".join(f"{t}={v}" for t, v in given_) if given_ else ""
    text = f"P({body}{cond})"
    q = parse_query(text)
    assert q.to_text() == text
    assert CounterfactualQuery.from_json(q.to_json()) == q
    assert parse_query(q.to_text()) == q


@pytest.mark.parametrize("bad", ["P(Y[X=1]=1 | )", "P(Y[X=1])", "Y[X=1]=1", "P(Y[X=]=1)",
                                 "P(Y[X=1]=1", "P(Y[X=1]=1) extra", "P(__import__('os'))"])
def test_bad_query_syntax_names_the_token(bad: str) -> None:
    from rung.scm import ExpressionError

    with pytest.raises(ExpressionError, match="at column"):
        parse_query(bad)
