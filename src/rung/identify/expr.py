"""Estimand expressions: ``P(vars | given)``, sums, products and fractions.

Scoping is lexical: ``Sum(over, expr)`` binds ``over`` inside ``expr`` (shadowing an outer
variable of the same name); free variables take the values of the query. Text and LaTeX
rendering prime a bound variable that shadows one in scope (``Σ_X' P(Y|M,X') P(X')``).

Examples
--------
>>> e = Sum({"Z"}, P("Y", given={"X", "Z"}) * P("Z"))
>>> e.to_text()
'Σ_Z P(Y|X,Z) P(Z)'
>>> sorted(e.free_variables())
['X', 'Y']
>>> e.to_json()["op"]
'sum'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["Expr", "Fraction", "P", "Product", "Sum", "from_json", "one"]


def _names(nodes: str | Iterable[str]) -> frozenset[str]:
    if isinstance(nodes, str):
        return frozenset((nodes,))
    return frozenset(str(n) for n in nodes)


class Expr:
    """Base class of estimand expressions (immutable, hashable).

    A subclass gives :meth:`_key` (a tag and its parts); equality and the hash follow it.
    """

    __slots__ = ()

    def _key(self) -> tuple[object, ...]:
        raise NotImplementedError

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("expressions are immutable")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def free_variables(self) -> frozenset[str]:
        """Variables not bound by a sum: they take the query's values."""
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        """The JSON tree of the CLI contract (``op`` = P | sum | product | fraction)."""
        raise NotImplementedError

    def _render(self, scope: Mapping[str, str], latex: bool) -> str:
        raise NotImplementedError

    def to_text(self) -> str:
        """Readable text such as ``Σ_M P(M|X) Σ_X' P(Y|M,X') P(X')``."""
        return self._render({v: v for v in self.free_variables()}, latex=False)

    def _repr_latex_(self) -> str:
        """The estimand as LaTeX math, for notebooks."""
        return f"${self.to_latex()}$"

    def to_latex(self) -> str:
        """LaTeX, e.g. ``\\sum_{M} P(M \\mid X) ...``."""
        return self._render({v: v for v in self.free_variables()}, latex=True)

    def __mul__(self, other: Expr) -> Product:
        return Product([*_flat(self), *_flat(other)])

    def __truediv__(self, other: Expr) -> Fraction:
        return Fraction(self, other)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_text()}>"


def _flat(e: Expr) -> tuple[Expr, ...]:
    return e.factors if isinstance(e, Product) else (e,)


def _fmt_vars(names: Iterable[str], scope: Mapping[str, str], latex: bool) -> str:
    shown = [scope.get(n, n) for n in sorted(names)]
    if latex:
        shown = [_latex_name(s) for s in shown]
    return ",".join(shown) if not latex else ", ".join(shown)


_LATEX_SPECIAL = {
    "\\": r"\backslash{}",
    "_": r"\_",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "{": r"\{",
    "}": r"\}",
    "^": r"\^{}",
    "~": r"\sim{}",
    " ": r"\ ",
}


def _latex_name(name: str) -> str:
    """``X`` -> ``X``; ``X1`` -> ``X_{1}``; any other name upright, spaces kept:
    ``\\mathrm{p44/42}``, ``\\mathrm{P38}``, ``\\mathrm{smoking\\ status}``."""
    base = name.rstrip("'")
    primes = len(name) - len(base)
    head = base.rstrip("0123456789")
    if len(head) == 1 and head.isalpha() and len(base) == 2:
        base = f"{head}_{{{base[1:]}}}"
    elif len(base) > 1:
        base = r"\mathrm{" + "".join(_LATEX_SPECIAL.get(c, c) for c in base) + "}"
    return base + "'" * primes


class P(Expr):
    """``P(vars | given)``: an observational (conditional) probability.

    Parameters
    ----------
    vars : str or iterable of str
        The variables whose probability is taken (non-empty).
    given : str or iterable of str, optional
        The conditioning variables (disjoint from ``vars``).
    """

    __slots__ = ("given", "vars")

    def __init__(self, vars: str | Iterable[str], given: str | Iterable[str] = ()) -> None:
        v, g = _names(vars), _names(given)
        if not v:
            raise ValueError("P() needs at least one variable; use one() for the constant 1")
        if v & g:
            raise ValueError(f"variables {sorted(v & g)} are both in vars and given of P()")
        object.__setattr__(self, "vars", v)
        object.__setattr__(self, "given", g)

    vars: frozenset[str]
    given: frozenset[str]

    def _key(self) -> tuple[object, ...]:
        return "P", self.vars, self.given

    def free_variables(self) -> frozenset[str]:
        return self.vars | self.given

    def to_json(self) -> dict[str, Any]:
        return {"op": "P", "vars": sorted(self.vars), "given": sorted(self.given)}

    def _render(self, scope: Mapping[str, str], latex: bool) -> str:
        head = _fmt_vars(self.vars, scope, latex)
        if not self.given:
            return f"P({head})"
        bar = r" \mid " if latex else "|"
        return f"P({head}{bar}{_fmt_vars(self.given, scope, latex)})"


class Sum(Expr):
    """``Σ_over expr``: sums ``expr`` over every value of the variables ``over``."""

    __slots__ = ("expr", "over")

    over: frozenset[str]
    expr: Expr

    def __init__(self, over: str | Iterable[str], expr: Expr) -> None:
        o = _names(over)
        if not o:
            raise ValueError("Sum() needs at least one variable to sum over")
        object.__setattr__(self, "over", o)
        object.__setattr__(self, "expr", expr)

    def _key(self) -> tuple[object, ...]:
        return "sum", self.over, self.expr

    def free_variables(self) -> frozenset[str]:
        return self.expr.free_variables() - self.over

    def to_json(self) -> dict[str, Any]:
        return {"op": "sum", "over": sorted(self.over), "expr": self.expr.to_json()}

    def _render(self, scope: Mapping[str, str], latex: bool) -> str:
        taken = set(scope.values())
        inner = dict(scope)
        for v in sorted(self.over):
            shown = v
            while shown in taken:
                shown += "'"
            taken.add(shown)
            inner[v] = shown
        body = self.expr._render(inner, latex)
        sub = _fmt_vars(self.over, inner, latex)
        return rf"\sum_{{{sub}}} {body}" if latex else f"Σ_{sub} {body}"


class Product(Expr):
    """Product of expressions; the empty product is the constant 1 (see :func:`one`)."""

    __slots__ = ("factors",)

    factors: tuple[Expr, ...]

    def __init__(self, factors: Iterable[Expr]) -> None:
        object.__setattr__(self, "factors", tuple(factors))

    def _key(self) -> tuple[object, ...]:
        return "product", self.factors

    def free_variables(self) -> frozenset[str]:
        return frozenset().union(*(f.free_variables() for f in self.factors))

    def to_json(self) -> dict[str, Any]:
        return {"op": "product", "factors": [f.to_json() for f in self.factors]}

    def _render(self, scope: Mapping[str, str], latex: bool) -> str:
        if not self.factors:
            return "1"
        parts = []
        for i, f in enumerate(self.factors):
            s = f._render(scope, latex)
            # a sum swallows everything to its right, so only the last factor may be bare
            if isinstance(f, Sum | Fraction) and i < len(self.factors) - 1:
                s = rf"\left({s}\right)" if latex else f"({s})"
            parts.append(s)
        return " ".join(parts)


class Fraction(Expr):
    """``numerator / denominator``."""

    __slots__ = ("denominator", "numerator")

    numerator: Expr
    denominator: Expr

    def __init__(self, numerator: Expr, denominator: Expr) -> None:
        object.__setattr__(self, "numerator", numerator)
        object.__setattr__(self, "denominator", denominator)

    def _key(self) -> tuple[object, ...]:
        return "fraction", self.numerator, self.denominator

    def free_variables(self) -> frozenset[str]:
        return self.numerator.free_variables() | self.denominator.free_variables()

    def to_json(self) -> dict[str, Any]:
        return {
            "op": "fraction",
            "numerator": self.numerator.to_json(),
            "denominator": self.denominator.to_json(),
        }

    def _render(self, scope: Mapping[str, str], latex: bool) -> str:
        num = self.numerator._render(scope, latex)
        den = self.denominator._render(scope, latex)
        if latex:
            return rf"\frac{{{num}}}{{{den}}}"
        return f"[{num}] / [{den}]"


def one() -> Product:
    """The constant 1 (an empty product)."""
    return Product(())


def from_json(tree: Mapping[str, Any]) -> Expr:
    """Rebuild an expression from its JSON tree (inverse of :meth:`Expr.to_json`)."""
    op = tree.get("op")
    if op == "P":
        return P(tree["vars"], tree.get("given", ()))
    if op == "sum":
        return Sum(tree["over"], from_json(tree["expr"]))
    if op == "product":
        return Product(from_json(f) for f in tree["factors"])
    if op == "fraction":
        return Fraction(from_json(tree["numerator"]), from_json(tree["denominator"]))
    raise ValueError(f"unknown expression op {op!r}: expected P, sum, product or fraction")
