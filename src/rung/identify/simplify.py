"""Conversion between public expressions and the bitmask IR, and :func:`simplify`."""

from __future__ import annotations

from collections.abc import Sequence

from rung.identify._bits import bits
from rung.identify._ir import Frac, Marg, Node, Prod, Term, frac, marg, prod, term
from rung.identify.expr import Expr, Fraction, P, Product, Sum

__all__ = ["lower", "raise_ir", "simplify"]


def raise_ir(node: Node, names: Sequence[str]) -> Expr:
    """The public expression of an IR node (bit ``i`` is ``names[i]``)."""

    def nm(mask: int) -> list[str]:
        return [names[i] for i in bits(mask)]

    if isinstance(node, Term):
        return P(nm(node.vars), nm(node.given))
    if isinstance(node, Marg):
        return Sum(nm(node.over), raise_ir(node.body, names))
    if isinstance(node, Prod):
        return Product(raise_ir(f, names) for f in node.factors)
    if isinstance(node, Frac):
        return Fraction(raise_ir(node.num, names), raise_ir(node.den, names))
    raise TypeError(f"not an IR node: {node!r}")


def _all_names(e: Expr, out: set[str]) -> None:
    if isinstance(e, P):
        out |= e.vars | e.given
    elif isinstance(e, Sum):
        out |= e.over
        _all_names(e.expr, out)
    elif isinstance(e, Product):
        for f in e.factors:
            _all_names(f, out)
    elif isinstance(e, Fraction):
        _all_names(e.numerator, out)
        _all_names(e.denominator, out)


def lower(e: Expr, index: dict[str, int]) -> Node:
    """The IR of a public expression, simplified while it is built."""

    def m(names: frozenset[str]) -> int:
        return sum(1 << index[n] for n in names)

    if isinstance(e, P):
        return term(m(e.vars), m(e.given))
    if isinstance(e, Sum):
        return marg(m(e.over), lower(e.expr, index))
    if isinstance(e, Product):
        return prod([lower(f, index) for f in e.factors])
    if isinstance(e, Fraction):
        return frac(lower(e.numerator, index), lower(e.denominator, index))
    raise TypeError(f"cannot simplify {type(e).__name__}: not an estimand expression")


def simplify(expr: Expr) -> Expr:
    """Drop sums that marginalise a term to 1, merge marginals and cancel common factors.

    Examples
    --------
    >>> e = Sum({"M", "Z"}, P("Y", given={"X", "Z"}) * P("Z") * P("M", given="Y"))
    >>> simplify(e).to_text()
    'Σ_Z P(Y|X,Z) P(Z)'
    >>> simplify(P({"A", "B"}, given="C") / P("B", given="C")).to_text()
    'P(A|B,C)'
    """
    names_set: set[str] = set()
    _all_names(expr, names_set)
    names = sorted(names_set)
    return raise_ir(lower(expr, {n: i for i, n in enumerate(names)}), names)
