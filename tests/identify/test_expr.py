"""Expressions: rendering, JSON round trip, free variables, simplification."""

from __future__ import annotations

import pytest

from rung.identify import Fraction, P, Product, Sum, from_json, one, simplify


def test_text_latex_json() -> None:
    e = Sum("M", P("M", given="X") * Sum("X", P("Y", given={"M", "X"}) * P("X")))
    assert e.to_text() == "Σ_M P(M|X) Σ_X' P(Y|M,X') P(X')"
    assert e.to_latex() == r"\sum_{M} P(M \mid X) \sum_{X'} P(Y \mid M, X') P(X')"
    tree = e.to_json()
    assert tree["op"] == "sum" and tree["over"] == ["M"]
    assert tree["expr"]["factors"][1]["expr"]["factors"][0] == {
        "op": "P", "vars": ["Y"], "given": ["M", "X"]
    }
    assert from_json(tree) == e
    assert e.free_variables() == {"X", "Y"}


def test_fraction_and_one() -> None:
    e = Fraction(P({"X", "Y"}), Sum("Y", P({"X", "Y"})))
    assert e.to_text() == "[P(X,Y)] / [Σ_Y' P(X,Y')]"
    assert one().to_text() == "1"
    assert from_json(e.to_json()) == e


def test_bad_terms() -> None:
    with pytest.raises(ValueError, match="both in vars and given"):
        P("X", given="X")
    with pytest.raises(ValueError, match="at least one"):
        P(())
    with pytest.raises(ValueError, match="unknown expression op"):
        from_json({"op": "max"})


@pytest.mark.parametrize(
    ("expr", "text"),
    [
        (Sum("A", P("A", given="B")), "1"),
        (Sum("A", P({"A", "B"}, given="C")), "P(B|C)"),
        (Sum({"A", "B"}, P("A", given="B") * P("B")), "1"),
        (P("A", given={"B", "C"}) * P("B", given="C"), "P(A,B|C)"),
        (P({"A", "B"}, given="C") / P("B", given="C"), "P(A|B,C)"),
        (Product([P("A"), P("B")]) / P("B"), "P(A)"),
        (
            Sum({"V", "W"}, P("Y", given={"X", "W"}) * P("W") * P("V", given="W")),
            "Σ_W P(Y|W,X) P(W)",
        ),
    ],
)
def test_simplify(expr: Fraction, text: str) -> None:
    assert simplify(expr).to_text() == text
