"""The entry point :func:`identify`: the simplest valid estimand first, with its method.

Order tried for ``P(y | do(x))``: back-door adjustment (the O-set), front-door (all the
mediators on the causal paths, else the smallest minimal front-door set of
:func:`~rung.identify.frontdoor.find_frontdoor_sets`), then the complete ID algorithm.
With ``given`` the query ``P(y | do(x), z)`` goes to IDC. Instrumental variables do not
identify ``P(y | do(x))`` non-parametrically, so :func:`identify` never answers ``"iv"``; see
:func:`rung.identify.find_instruments` for linear-model estimands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from typing import Any

from rung.graph import CausalGraph, NodeSet
from rung.identify._bits import BitGraph, bit_graph
from rung.identify._ir import Node, marg, prod, term
from rung.identify._query import check_query
from rung.identify.adjustment import AdjustmentSearchError
from rung.identify.expr import Expr, _latex_name
from rung.identify.expr import from_json as expr_from_json
from rung.identify.frontdoor import (
    candidate_mask,
    find_frontdoor_sets,
    frontdoor_estimand,
    frontdoor_ok,
)
from rung.identify.hedge import Hedge, NotIdentifiable
from rung.identify.id_algorithm import id_effect, idc_effect
from rung.identify.optimal import o_set_mask
from rung.identify.simplify import raise_ir

__all__ = ["Identification", "identify", "identify_with_adjustment"]


@dataclass(frozen=True, eq=False)
class Identification:
    """The answer to a causal query: an estimand and its method, or a hedge.

    The estimand is built from a compact internal form on first access. Two
    identifications are equal when they answer the same query with the same method, sets,
    estimand (or hedge) and reason.

    Examples
    --------
    >>> ident = identify(CausalGraph.from_edges("Z -> X -> Y; Z -> Y"), "X", "Y")
    >>> Identification.from_json(ident.to_json()) == ident
    True
    """

    treatment: frozenset[str]
    outcome: frozenset[str]
    given: frozenset[str]
    identifiable: bool
    method: str | None
    reason: str
    adjustment_set: frozenset[str] | None = None
    mediators: frozenset[str] | None = None
    hedge: Hedge | None = None
    _ir: Node | None = field(default=None, repr=False)
    _names: tuple[str, ...] = field(default=(), repr=False)
    _estimand: Expr | None = field(default=None, repr=False)  # as read by from_json

    @cached_property
    def estimand(self) -> Expr | None:
        """The estimand (observational probabilities only), or None when not identifiable."""
        if self._ir is None:
            return self._estimand
        return raise_ir(self._ir, self._names)

    def _key(self) -> tuple[Any, ...]:
        return (self.treatment, self.outcome, self.given, self.identifiable, self.method,
                self.reason, self.adjustment_set, self.mediators, self.hedge)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Identification):
            return NotImplemented
        return self._key() == other._key() and self.estimand == other.estimand

    def __hash__(self) -> int:
        return hash(self._key())

    def to_json(self) -> dict[str, Any]:
        """The CLI JSON contract."""
        out: dict[str, Any] = {
            "identifiable": self.identifiable,
            "treatment": sorted(self.treatment),
            "outcome": sorted(self.outcome),
            "given": sorted(self.given),
        }
        if self.identifiable:
            e = self.estimand
            out["method"] = self.method
            out["adjustment_set"] = (
                None if self.adjustment_set is None else sorted(self.adjustment_set)
            )
            if self.mediators is not None:
                out["mediators"] = sorted(self.mediators)
            out["estimand"] = None if e is None else {
                "text": e.to_text(), "latex": e.to_latex(), "tree": e.to_json()
            }
        else:
            out["hedge"] = None if self.hedge is None else self.hedge.to_json()
        out["reason"] = self.reason
        return out

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Identification:
        """Rebuild an identification saved by :meth:`to_json` (the estimand from its tree)."""
        def names(key: str) -> frozenset[str] | None:
            return None if obj.get(key) is None else frozenset(map(str, obj[key]))

        estimand, hedge = obj.get("estimand"), obj.get("hedge")
        return cls(
            treatment=frozenset(obj["treatment"]), outcome=frozenset(obj["outcome"]),
            given=frozenset(obj.get("given", ())), identifiable=bool(obj["identifiable"]),
            method=obj.get("method"), reason=str(obj["reason"]),
            adjustment_set=names("adjustment_set"), mediators=names("mediators"),
            hedge=None if hedge is None else Hedge.from_json(hedge),
            _estimand=None if estimand is None else expr_from_json(estimand["tree"]),
        )

    def query_text(self, latex: bool = False) -> str:
        """The query, ``P(Y | do(X), Z)``; with ``latex`` as LaTeX (names as in estimands).

        Examples
        --------
        >>> ident = identify(CausalGraph.from_edges("Z -> X -> Y; Z -> Y"), "X", "Y")
        >>> ident.query_text()
        'P(Y | do(X))'
        >>> print(ident.query_text(latex=True))
        P(Y \\mid \\mathrm{do}(X))
        """
        def names(vs: frozenset[str]) -> str:
            return ", ".join(_latex_name(v) if latex else v for v in sorted(vs))

        bar = r" \mid " if latex else " | "
        do = r"\mathrm{do}" if latex else "do"
        given = f", {names(self.given)}" if self.given else ""
        return f"P({names(self.outcome)}{bar}{do}({names(self.treatment)}){given})"

    def _repr_latex_(self) -> str:
        """Jupyter: the query and its estimand as one equation (or "not identifiable").

        >>> print(identify(CausalGraph.from_edges("X -> Y; X <-> Y"), "X", "Y")._repr_latex_())
        $P(Y \\mid \\mathrm{do}(X)) = \\text{not identifiable}$
        """
        e = self.estimand
        rhs = e.to_latex() if e is not None else r"\text{not identifiable}"
        return f"${self.query_text(latex=True)} = {rhs}$"

    def _repr_html_(self) -> str:
        """Jupyter: a small table of the query, method, sets, estimand and reason.

        >>> page = identify(CausalGraph.from_edges("Z -> X -> Y; Z -> Y"), "X", "Y")._repr_html_()
        >>> "<td style='text-align:left'>{Z}</td>" in page
        True
        """
        rows = [("query", self.query_text()),
                ("identifiable", "yes" if self.identifiable else "no")]
        if self.identifiable:
            rows.append(("method", self.method or "–"))
            if self.adjustment_set is not None:
                rows.append(("adjustment set", _fmt(self.adjustment_set)))
            if self.mediators is not None:
                rows.append(("mediators", _fmt(self.mediators)))
            e = self.estimand
            rows.append(("estimand", "–" if e is None else e.to_text()))
        elif self.hedge is not None:
            rows.append(("hedge", f"F = {_fmt(self.hedge.F)}, F' = {_fmt(self.hedge.F_prime)}"))
        rows.append(("reason", self.reason))
        body = "".join(f"<tr><th style='text-align:left'>{escape(k)}</th>"
                       f"<td style='text-align:left'>{escape(v)}</td></tr>" for k, v in rows)
        return f"<table class='rung-identification'>{body}</table>"


def _fmt(names: frozenset[str]) -> str:
    return "{" + ", ".join(sorted(names)) + "}"


def _backdoor(bg: BitGraph, x: int, y: int) -> tuple[Node, int, str] | None:
    z = o_set_mask(bg, x, y)
    if z is None:
        return None
    # Σ_z P(y | x, z) P(z); with latents the O-set need not be optimal (Runge 2021), and
    # deciding it costs more than identification, so the claim is left to optimal_adjustment
    label = ("optimal O-set" if not any(bg.sp) else
             "O-set of Runge 2021, optimal only when an optimal set exists")
    return marg(z, prod([term(y, x | z), term(z)])), z, label


def _frontdoor(graph: CausalGraph, bg: BitGraph, x: int, y: int) -> int:
    """A front-door set's mask (0 when none): every node between X and Y when that set
    satisfies the criterion, else the smallest minimal set (e.g. {Ras} in the IGF graph of
    Mohammad-Taheri et al. 2022, where PI3K shares latents with SOS)."""
    m = candidate_mask(bg, x, y)
    if frontdoor_ok(bg, x, y, m):
        return m
    try:
        sets = find_frontdoor_sets(graph, bg.names_of(x), bg.names_of(y))
    except AdjustmentSearchError:  # too many candidates to search: ID decides
        return 0
    return bg.mask(sets[0]) if sets else 0


def identify(
    graph: CausalGraph,
    treatment: NodeSet,
    outcome: NodeSet,
    given: NodeSet = (),
) -> Identification:
    """Identify ``P(outcome | do(treatment), given)`` from the observational distribution.

    Parameters
    ----------
    graph : CausalGraph
        A DAG or ADMG; explicit latent nodes are projected away.
    treatment, outcome, given : str or iterable of str
        Disjoint sets of observed nodes (``given`` may be empty).

    Returns
    -------
    Identification
        ``identifiable`` with ``method`` in ``"backdoor" | "frontdoor" | "id" | "idc"`` and
        the estimand, or a :class:`Hedge` proving that no estimand exists.

    Examples
    --------
    >>> g = CausalGraph.from_edges("X -> M -> Y; X <-> Y")
    >>> res = identify(g, "X", "Y")
    >>> res.method, res.estimand.to_text()
    ('frontdoor', "Σ_M P(M|X) Σ_X' P(Y|M,X') P(X')")
    >>> hedge = identify(CausalGraph.from_edges("X -> Y; X <-> Y"), "X", "Y").hedge
    >>> sorted(hedge.F), sorted(hedge.F_prime)
    (['X', 'Y'], ['Y'])
    """
    xs, ys, zs = check_query(graph, treatment, outcome, given)
    bg = bit_graph(graph)
    x, y, z = bg.mask(xs), bg.mask(ys), bg.mask(zs)
    base = {"treatment": xs, "outcome": ys, "given": zs, "_names": bg.names}
    if not z:
        found = _backdoor(bg, x, y)
        if found is not None:
            ir, adj, label = found
            names = bg.names_of(adj)
            return Identification(
                identifiable=True, method="backdoor", _ir=ir, adjustment_set=names,
                reason=f"back-door adjustment for {_fmt(names)} (generalised adjustment "
                f"criterion; {label})", **base,  # type: ignore[arg-type]
            )
        m = _frontdoor(graph, bg, x, y)
        if m:
            names = bg.names_of(m)
            return Identification(
                identifiable=True, method="frontdoor", _ir=frontdoor_estimand(x, y, m),
                mediators=names, reason=f"front-door criterion with mediators {_fmt(names)}",
                **base,  # type: ignore[arg-type]
            )
    try:
        ir = idc_effect(bg, y, x, z) if z else id_effect(bg, y, x)
    except NotIdentifiable as exc:
        hedge = Hedge(F=bg.names_of(exc.f), F_prime=bg.names_of(exc.f_prime))
        return Identification(
            identifiable=False, method=None, hedge=hedge,
            reason=f"not identifiable: hedge F={_fmt(hedge.F)}, F'={_fmt(hedge.F_prime)} "
            "(Shpitser & Pearl 2006, ID line 5)", **base,  # type: ignore[arg-type]
        )
    extra = ir.free & ~(x | y | z)
    if extra:
        # the estimand holds for every value of these (e.g. W2 in the napkin); average them
        # over their observed distribution so that the query's values are all it needs
        ir = marg(extra, prod([term(extra), ir]))
    method = "idc" if z else "id"
    return Identification(
        identifiable=True, method=method, _ir=ir,
        reason=f"{method.upper()} algorithm (Shpitser & Pearl 2006)",
        **base,  # type: ignore[arg-type]
    )


def identify_with_adjustment(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet, adjustment: NodeSet
) -> Identification:
    """``P(outcome | do(treatment))`` by adjustment for a set the user chose, once checked.

    Raises
    ------
    rung.identify.validate.InvalidSetError
        The set fails the generalised adjustment criterion; the message names the open path
        or the forbidden node, and the valid minimal sets.

    Examples
    --------
    >>> g = CausalGraph.from_edges("A -> X -> Y; A -> B -> Y")
    >>> identify_with_adjustment(g, "X", "Y", {"B"}).estimand.to_text()
    'Σ_B P(Y|B,X) P(B)'
    """
    from rung.identify.validate import check_adjustment_set

    xs, ys, _ = check_query(graph, treatment, outcome)
    zs = check_adjustment_set(graph, xs, ys, adjustment)
    bg = bit_graph(graph)
    x, y, z = bg.mask(xs), bg.mask(ys), bg.mask(zs)
    return Identification(
        treatment=xs, outcome=ys, given=frozenset(), identifiable=True, method="backdoor",
        _ir=marg(z, prod([term(y, x | z), term(z)])), _names=bg.names, adjustment_set=zs,
        reason=f"back-door adjustment for the chosen set {_fmt(zs)} (checked: generalised "
        "adjustment criterion)",
    )
