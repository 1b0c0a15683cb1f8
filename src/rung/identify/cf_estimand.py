"""Estimands of counterfactual queries: rung's estimand expressions evaluated at values.

An ID* estimand (Shpitser & Pearl 2008) is a sum, over the values of some counterfactual
variables, of products of interventional terms ``P_x(s)`` at given values. rung writes each
term ``P_x(s)`` that ID identifies as its observational :class:`~rung.identify.expr.Expr`
(free variables ``x ∪ s``) bound to values (:class:`At`); a term that ID cannot identify
stays :class:`Do` (an experimental distribution). Values are integers or summation
symbols (:class:`Sym`), e.g. ``Σ_{w} P(W=w | X=1) ...``.

Examples
--------
>>> from rung.identify.expr import P
>>> e = CfSum((Sym("w", "W"),), CfProduct((At(P("W", given="X"), (("W", Sym("w", "W")), ("X", 1))),
...     Do((("W", Sym("w", "W")),), (("Y", 1),)))))
>>> e.to_text()
'Σ_{w} P(W=w|X=1) P_{W=w}(Y=1)'
>>> CfExpr.from_json(e.to_json()) == e
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rung.identify.expr import Expr, Fraction, P, Product, Sum, _latex_name
from rung.identify.expr import from_json as expr_from_json

__all__ = ["ONE_CF", "ZERO_CF", "At", "CfAdd", "CfConst", "CfExpr", "CfFraction", "CfProduct",
           "CfSum",
           "Do", "Sym", "Val", "cf_product", "cf_sum", "show_value"]


@dataclass(frozen=True, order=True)
class Sym:
    """A summation symbol ranging over the values of ``variable`` (e.g. ``w`` for ``W``)."""

    name: str
    variable: str


Val = int | Sym
Binding = tuple[tuple[str, Val], ...]


def show_value(v: Val, latex: bool = False) -> str:
    """``1`` or the symbol's name."""
    if isinstance(v, Sym):
        return _latex_name(v.name) if latex else v.name
    return str(v)


def _val_json(v: Val) -> Any:
    return {"symbol": v.name, "variable": v.variable} if isinstance(v, Sym) else v


def _val_from(data: Any) -> Val:
    if isinstance(data, dict):
        return Sym(str(data["symbol"]), str(data["variable"]))
    return int(data)


def _bind_json(b: Binding) -> list[dict[str, Any]]:
    return [{"variable": k, "value": _val_json(v)} for k, v in b]


def _bind_from(data: list[dict[str, Any]]) -> Binding:
    return tuple((str(d["variable"]), _val_from(d["value"])) for d in data)


class CfExpr:
    """Base of counterfactual estimands (frozen dataclasses)."""

    def to_text(self) -> str:
        """Readable text such as ``Σ_{w} P(W=w|X=1) P(Y=1|W=w)``."""
        return self._render(False)

    def to_latex(self) -> str:
        """LaTeX of the estimand."""
        return self._render(True)

    def _render(self, latex: bool) -> str:
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        """The JSON tree (``op`` = const | at | do | sum | add | product | fraction)."""
        raise NotImplementedError

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> CfExpr:
        """Rebuild an estimand from :meth:`to_json`."""
        op = data.get("op")
        if op == "const":
            return CfConst(int(data["value"]))
        if op == "at":
            return At(expr_from_json(data["expr"]), _bind_from(data["values"]))
        if op == "do":
            return Do(_bind_from(data["do"]), _bind_from(data["outcome"]))
        if op == "sum":
            syms = tuple(Sym(str(s["symbol"]), str(s["variable"])) for s in data["over"])
            return CfSum(syms, CfExpr.from_json(data["expr"]))
        if op == "product":
            return CfProduct(tuple(CfExpr.from_json(f) for f in data["factors"]))
        if op == "add":
            return CfAdd(tuple(CfExpr.from_json(t) for t in data["terms"]))
        if op == "fraction":
            return CfFraction(CfExpr.from_json(data["numerator"]),
                              CfExpr.from_json(data["denominator"]))
        raise ValueError(f"unknown counterfactual estimand op {op!r}: expected const, at, do, "
                         "sum, add, product or fraction")

    def __str__(self) -> str:
        return self.to_text()


@dataclass(frozen=True)
class CfConst(CfExpr):
    """The constant 0 or 1."""

    value: int

    def _render(self, latex: bool) -> str:
        return str(self.value)

    def to_json(self) -> dict[str, Any]:
        return {"op": "const", "value": self.value}


ONE_CF = CfConst(1)
ZERO_CF = CfConst(0)


def _assign(name: str, v: Val, latex: bool) -> str:
    shown = _latex_name(name) if latex else name
    return f"{shown}={show_value(v, latex)}"


def _render_bound(e: Expr, scope: Mapping[str, Val], bound: frozenset[str], latex: bool) -> str:
    """Render ``e`` with its free variables shown at their values."""

    def names(vs: frozenset[str], inner: frozenset[str]) -> str:
        out = [_assign(v, scope[v], latex) if v in scope and v not in inner
               else (_latex_name(v) if latex else v) for v in sorted(vs)]
        return ", ".join(out) if latex else ",".join(out)

    if isinstance(e, P):
        head = names(e.vars, bound)
        if not e.given:
            return f"P({head})"
        bar = r" \mid " if latex else "|"
        return f"P({head}{bar}{names(e.given, bound)})"
    if isinstance(e, Sum):
        inner = bound | e.over
        sub = ", ".join(_latex_name(v) for v in sorted(e.over)) if latex else ",".join(
            sorted(e.over))
        body = _render_bound(e.expr, scope, inner, latex)
        return rf"\sum_{{{sub}}} {body}" if latex else f"Σ_{sub} {body}"
    if isinstance(e, Product):
        parts = []
        for i, f in enumerate(e.factors):
            s = _render_bound(f, scope, bound, latex)
            if isinstance(f, Sum | Fraction) and i < len(e.factors) - 1:
                s = rf"\left({s}\right)" if latex else f"({s})"
            parts.append(s)
        return " ".join(parts) if parts else "1"
    if isinstance(e, Fraction):
        num = _render_bound(e.numerator, scope, bound, latex)
        den = _render_bound(e.denominator, scope, bound, latex)
        return rf"\frac{{{num}}}{{{den}}}" if latex else f"[{num}] / [{den}]"
    raise TypeError(f"cannot render {type(e).__name__}: not an estimand expression")


@dataclass(frozen=True)
class At(CfExpr):
    """An observational estimand ``expr`` with its free variables set to ``values``."""

    expr: Expr
    values: Binding

    def _render(self, latex: bool) -> str:
        return _render_bound(self.expr, dict(self.values), frozenset(), latex)

    def to_json(self) -> dict[str, Any]:
        return {"op": "at", "expr": self.expr.to_json(), "values": _bind_json(self.values)}


@dataclass(frozen=True)
class Do(CfExpr):
    """``P_x(s)``: an interventional probability that ID does not reduce to ``P(v)``."""

    do: Binding
    outcome: Binding

    def _render(self, latex: bool) -> str:
        sep = ", " if latex else ","
        head = sep.join(_assign(k, v, latex) for k, v in self.outcome)
        if not self.do:
            return f"P({head})"
        sub = sep.join(_assign(k, v, latex) for k, v in self.do)
        return f"P_{{{sub}}}({head})"

    def to_json(self) -> dict[str, Any]:
        return {"op": "do", "do": _bind_json(self.do), "outcome": _bind_json(self.outcome)}


@dataclass(frozen=True)
class CfSum(CfExpr):
    """``Σ_{symbols} expr`` over every value of each symbol's variable."""

    over: tuple[Sym, ...]
    expr: CfExpr

    def _render(self, latex: bool) -> str:
        sub = ", ".join(show_value(s, latex) for s in self.over)
        body = self.expr._render(latex)
        return rf"\sum_{{{sub}}} {body}" if latex else f"Σ_{{{sub}}} {body}"

    def to_json(self) -> dict[str, Any]:
        return {"op": "sum", "over": [_val_json(s) for s in self.over],
                "expr": self.expr.to_json()}


@dataclass(frozen=True)
class CfAdd(CfExpr):
    """``t_1 + t_2 + ...``: a sum written out over the values of a known finite domain."""

    terms: tuple[CfExpr, ...]

    def _render(self, latex: bool) -> str:
        return "(" + " + ".join(t._render(latex) for t in self.terms) + ")"

    def to_json(self) -> dict[str, Any]:
        return {"op": "add", "terms": [t.to_json() for t in self.terms]}


@dataclass(frozen=True)
class CfProduct(CfExpr):
    """Product of estimands."""

    factors: tuple[CfExpr, ...]

    def _render(self, latex: bool) -> str:
        parts = []
        for i, f in enumerate(self.factors):
            s = f._render(latex)
            if isinstance(f, CfSum | CfFraction) and i < len(self.factors) - 1:
                s = rf"\left({s}\right)" if latex else f"({s})"
            parts.append(s)
        return " ".join(parts) if parts else "1"

    def to_json(self) -> dict[str, Any]:
        return {"op": "product", "factors": [f.to_json() for f in self.factors]}


@dataclass(frozen=True)
class CfFraction(CfExpr):
    """``numerator / denominator``."""

    numerator: CfExpr
    denominator: CfExpr

    def _render(self, latex: bool) -> str:
        num, den = self.numerator._render(latex), self.denominator._render(latex)
        return rf"\frac{{{num}}}{{{den}}}" if latex else f"[{num}] / [{den}]"

    def to_json(self) -> dict[str, Any]:
        return {"op": "fraction", "numerator": self.numerator.to_json(),
                "denominator": self.denominator.to_json()}


def cf_product(factors: list[CfExpr]) -> CfExpr:
    """Product with ones dropped; zero when a factor is zero; the factor when alone."""
    kept: list[CfExpr] = []
    for f in factors:
        if f == ZERO_CF:
            return ZERO_CF
        if isinstance(f, CfProduct):
            kept.extend(f.factors)
        elif f != ONE_CF:
            kept.append(f)
    if not kept:
        return ONE_CF
    return kept[0] if len(kept) == 1 else CfProduct(tuple(kept))


def cf_sum(over: tuple[Sym, ...], body: CfExpr) -> CfExpr:
    """``Σ_over body``; zero stays zero, and no symbols leaves ``body``."""
    if not over or body == ZERO_CF:
        return body
    return CfSum(over, body)
