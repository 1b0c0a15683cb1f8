"""The entry point :func:`identify_counterfactual`: ID*/IDC*, then ID on each term.

The answer is one of:

* ``identified``: an estimand over ``P(v)`` (every term ``P_x(s)`` of ID* reduced by ID);
* ``zero``: the events are inconsistent (ID* lines 2 and 5, IDC* line 3), so the query is 0;
* ``experimental``: ID* succeeds but some term ``P_x(s)`` has a hedge, so the query is
  identified from experiments (``experimental_estimand``) but not from ``P(v)`` by this
  route; the term's hedge is given;
* ``not_identifiable``: ID* line 8 finds a conflict (the proof: the district and the
  conflicting values); the query is not identified even from every experiment, for some
  domain sizes (Shpitser & Pearl 2008, Theorem 29);
* ``undefined``: IDC* line 1, the conditioning event has probability 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from rung.graph import CausalGraph
from rung.identify._query import QueryError
from rung.identify.cf_estimand import ZERO_CF, CfExpr
from rung.identify.cf_graph import Atom
from rung.identify.counterfactual import CfEvent, CfQuery, parse_cf_query
from rung.identify.id_star import (
    CfFail,
    CfUndefined,
    Symbols,
    TermHedge,
    id_star,
    idc_star,
    reduce_terms,
)

__all__ = ["CounterfactualHedge", "CounterfactualIdentification", "counterfactual_json",
           "identify_counterfactual"]

Status = Literal["identified", "zero", "experimental", "not_identifiable", "undefined"]


@dataclass(frozen=True)
class CounterfactualHedge:
    """Why there is no estimand over ``P(v)``.

    ``kind="conflict"``: ID* line 8, ``district`` (nodes of the counterfactual graph) and
    ``conflicts`` ``(variable, value in a subscript, other value)``. ``kind="hedge"``: the
    interventional term ``term`` has the ID hedge ``F, F'``.
    """

    kind: Literal["conflict", "hedge"]
    district: tuple[str, ...] = ()
    conflicts: tuple[tuple[str, str, str], ...] = ()
    term: str = ""
    F: tuple[str, ...] = ()
    F_prime: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The hedge as JSON."""
        if self.kind == "conflict":
            return {"kind": "conflict", "district": list(self.district),
                    "conflicts": [{"variable": v, "subscript": a, "value": b}
                                  for v, a, b in self.conflicts]}
        return {"kind": "hedge", "term": self.term, "F": list(self.F),
                "F_prime": list(self.F_prime)}


@dataclass(frozen=True)
class CounterfactualIdentification:
    """The answer to a counterfactual query (see the module docstring for ``status``)."""

    query: CfQuery
    status: Status
    estimand: CfExpr | None
    experimental_estimand: CfExpr | None
    hedge: CounterfactualHedge | None
    reason: str

    @property
    def identifiable(self) -> bool:
        """True when an estimand over ``P(v)`` exists (``identified`` or ``zero``)."""
        return self.estimand is not None

    def to_json(self) -> dict[str, Any]:
        """``identifiable``, ``estimand``, ``hedge`` (as for causal effects) and ``query``."""
        def show(e: CfExpr | None) -> dict[str, Any] | None:
            return None if e is None else {"text": e.to_text(), "latex": e.to_latex(),
                                           "tree": e.to_json()}

        return {"identifiable": self.identifiable, "query": self.query.to_json(),
                "status": self.status, "estimand": show(self.estimand),
                "experimental_estimand": show(self.experimental_estimand),
                "hedge": None if self.hedge is None else self.hedge.to_json(),
                "reason": self.reason}


def _atoms(graph: CausalGraph, events: tuple[CfEvent, ...]) -> tuple[Atom, ...]:
    observed = graph.projected()
    for e in events:
        for name in (e.variable, *(v for v, _ in e.interventions)):
            if name in graph.latent:
                raise QueryError(f"{name} is latent: a counterfactual query may name observed "
                                 "nodes only")
            observed.check_nodes(name)
    return tuple(Atom(e.variable, frozenset(e.interventions), e.value) for e in events)


def _check_domains(q: CfQuery, domains: Mapping[str, int] | None) -> dict[str, int]:
    out = dict(domains or {})
    for name, k in out.items():
        if k < 1:
            raise QueryError(f"domain of {name} has {k} values; give each variable >= 1")
    for e in (*q.outcome, *q.given):
        for v, x in ((e.variable, e.value), *e.interventions):
            if v in out and not 0 <= x < out[v]:
                raise QueryError(f"{v}={x} is outside the domain 0..{out[v] - 1} of {v}; "
                                 "use a value in the domain or a larger domain")
    return out


def _hedge_of(exc: CfFail) -> CounterfactualHedge:
    from rung.identify.cf_estimand import show_value

    return CounterfactualHedge(
        kind="conflict", district=tuple(n.to_text() for n in exc.district),
        conflicts=tuple((v, show_value(a), show_value(b)) for v, a, b in exc.conflicts))


def identify_counterfactual(graph: CausalGraph, query: CfQuery | str,
                            domains: Mapping[str, int] | None = None
                            ) -> CounterfactualIdentification:
    """Identify ``P(γ | δ)`` by ID* / IDC* (Shpitser & Pearl 2008) and ID on each term.

    ``domains`` (number of values of each variable, values ``0..k-1``) is optional. Without
    it values are generic, as in the paper; with it, a sum that fails symbolically is
    written out value by value (e.g. a query that is 0 for every value of a binary cause).

    Examples
    --------
    >>> g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y")
    >>> r = identify_counterfactual(g, "P(Y[X=1]=1 | X=0)")
    >>> r.status, r.estimand.to_text()
    ('identified', '[Σ_{z} P(Z=z) P(X=0|Z=z) P(Y=1|X=1,Z=z)] / [P(X=0)]')
    >>> identify_counterfactual(CausalGraph.from_edges("X -> Y"),
    ...                         "P(Y[X=1]=1, Y[X=0]=0)").status
    'not_identifiable'
    """
    q = parse_cf_query(query) if isinstance(query, str) else query
    gamma, delta = _atoms(graph, q.outcome), _atoms(graph, q.given)
    try:
        names = Symbols(_check_domains(q, domains))
        raw = idc_star(graph, gamma, delta, names) if delta else id_star(graph, gamma, names)
    except CfUndefined:
        return CounterfactualIdentification(
            q, "undefined", None, None, None,
            "undefined: the conditioning event has probability 0 (IDC* line 1)")
    except CfFail as exc:
        h = _hedge_of(exc)
        return CounterfactualIdentification(
            q, "not_identifiable", None, None, h,
            "not identifiable: the counterfactual graph's district {" + ", ".join(h.district)
            + "} holds a conflict (ID* line 8, Shpitser & Pearl 2008): " + "; ".join(
                f"{v}={a} in a subscript and {v}={b}" for v, a, b in h.conflicts)
            + ". ID* compares values generically: the proof holds when each variable can "
            "take a value the query does not name; with fewer values (e.g. a binary "
            "treatment) the query may still be identified"
            + (f" (sums were also written out over the domains {dict(domains)})"
               if domains else ""))
    if raw == ZERO_CF:
        return CounterfactualIdentification(
            q, "zero", ZERO_CF, ZERO_CF, None,
            "the events are inconsistent, so the query is 0 (ID* lines 2/5, IDC* line 3)")
    reduced, failed = reduce_terms(graph, raw)
    if failed:
        return _experimental(q, raw, failed[0])
    return CounterfactualIdentification(
        q, "identified", reduced, raw, None,
        "ID*/IDC* (Shpitser & Pearl 2008), each interventional term by ID")


def _experimental(q: CfQuery, raw: CfExpr, t: TermHedge) -> CounterfactualIdentification:
    h = CounterfactualHedge(kind="hedge", term=t.term.to_text(), F=tuple(sorted(t.hedge.F)),
                            F_prime=tuple(sorted(t.hedge.F_prime)))
    return CounterfactualIdentification(
        q, "experimental", None, raw, h,
        f"identified from experiments only: the term {h.term} has the hedge F={{"
        + ", ".join(h.F) + "}, F'={" + ", ".join(h.F_prime)
        + "} (ID line 5), so this route gives no estimand over P(v)")


def counterfactual_json(graph: CausalGraph, query_text: str) -> dict[str, Any]:
    """The CLI JSON of ``rung identify GRAPH --query "..."``.

    Examples
    --------
    >>> out = counterfactual_json(CausalGraph.from_edges("X -> Y"), "P(Y[X=1]=1 | X=0)")
    >>> out["identifiable"], out["estimand"]["text"]
    (True, 'P(Y=1|X=1)')
    """
    return identify_counterfactual(graph, query_text).to_json()
