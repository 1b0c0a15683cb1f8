"""Identification of natural direct and indirect effects by the mediation formula.

The natural direct effect of ``X`` on ``Y`` (``x' → x``, mediator ``M``) is
``NDE = E[Y_{x, M_{x'}}] − E[Y_{x'}]``, the natural indirect effect
``NIE = E[Y_{x', M_x}] − E[Y_{x'}]`` (Pearl 2001, *Direct and indirect effects*, UAI,
Definitions 6 and 7). Both are identified by the mediation formula

    E[Y_{x, M_{x'}}] = Σ_w Σ_m E[Y | x, m, w] P(m | x', w) P(w)

(Pearl 2001, Theorem 2; Pearl 2014, *Interpretation and identification of causal
mediation*, Psychological Methods 19) when a set ``W`` of observed covariates satisfies,
in the graph:

* ``W0``: no member of ``W`` is a descendant of ``X``;
* ``A1``: ``(Y ⊥ X | W)`` in ``G`` without the edges into ``M`` and out of ``X``
  (``Y_{x,m} ⊥ X | W``: no unblocked treatment–outcome confounding);
* ``A2``: ``(Y ⊥ M | X, W)`` in ``G`` without the edges out of ``M``
  (``Y_{x,m} ⊥ M | X, W``: no unblocked mediator–outcome confounding, in particular none
  through a descendant of ``X``: an *exposure-induced* confounder, the recanting witness of
  Avin, Shpitser & Pearl 2005);
* ``A3``: ``(M ⊥ X | W)`` in ``G`` without the edges out of ``X`` (``M_x ⊥ X | W``).

Every answer is cross-checked with ID* (Shpitser & Pearl 2008) on the cross-world term
``P(Y[X=1, M=0]=1, M[X=0]=0)`` that the nested counterfactual sums over: when ID* finds a
conflict, no covariate set can identify the effects, and rung says so even if the
conditions above were to hold.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rung.graph import CausalGraph, is_m_separated
from rung.identify._query import QueryError
from rung.identify.cf_api import identify_counterfactual

__all__ = ["MediationCondition", "MediationIdentification", "find_recanting_witnesses",
           "identify_mediation"]

#: the largest number of candidate covariates whose subsets are searched
MAX_SEARCH = 12


@dataclass(frozen=True)
class MediationCondition:
    """One condition of the mediation formula with covariates ``W``."""

    name: str
    statement: str
    holds: bool

    def to_json(self) -> dict[str, Any]:
        """The condition as JSON."""
        return {"name": self.name, "statement": self.statement, "holds": self.holds}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MediationCondition:
        """Invert :meth:`to_json`."""
        return cls(str(data["name"]), str(data["statement"]), bool(data["holds"]))


@dataclass(frozen=True)
class MediationIdentification:
    """Whether NDE and NIE of ``treatment`` on ``outcome`` via ``mediator`` are identified.

    ``covariates`` is the set ``W`` of the mediation formula (``None`` when no set works),
    ``conditions`` its checks, ``recanting_witnesses`` the exposure-induced
    mediator–outcome confounders, ``counterfactual_status`` the ID* verdict on the
    cross-world term and ``reason`` the explanation.
    """

    treatment: str
    mediator: str
    outcome: str
    identified: bool
    covariates: tuple[str, ...] | None
    conditions: tuple[MediationCondition, ...]
    recanting_witnesses: tuple[str, ...]
    counterfactual_status: str
    reason: str

    def estimand_text(self) -> str:
        """The mediation formula for ``E[Y_{x, M_{x'}}]`` (empty when not identified)."""
        if not self.identified or self.covariates is None:
            return ""
        x, m, y = self.treatment, self.mediator, self.outcome
        w = ",".join(self.covariates)
        if not w:
            return f"Σ_{m.lower()} E[{y}|{x}=x,{m}={m.lower()}] P({m}={m.lower()}|{x}=x')"
        return (f"Σ_{{{w.lower()}}} Σ_{m.lower()} E[{y}|{x}=x,{m}={m.lower()},{w}] "
                f"P({m}={m.lower()}|{x}=x',{w}) P({w})")

    def to_json(self) -> dict[str, Any]:
        """The identification as JSON (``from_json`` inverts it)."""
        return {"treatment": self.treatment, "mediator": self.mediator,
                "outcome": self.outcome, "identified": self.identified,
                "covariates": None if self.covariates is None else list(self.covariates),
                "conditions": [c.to_json() for c in self.conditions],
                "recanting_witnesses": list(self.recanting_witnesses),
                "counterfactual_status": self.counterfactual_status,
                "estimand": self.estimand_text(), "reason": self.reason}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MediationIdentification:
        """Invert :meth:`to_json`."""
        cov = data["covariates"]
        return cls(str(data["treatment"]), str(data["mediator"]), str(data["outcome"]),
                   bool(data["identified"]), None if cov is None else tuple(cov),
                   tuple(MediationCondition.from_json(c) for c in data["conditions"]),
                   tuple(data["recanting_witnesses"]), str(data["counterfactual_status"]),
                   str(data["reason"]))


def find_recanting_witnesses(graph: CausalGraph, treatment: str, mediator: str,
                             outcome: str) -> tuple[str, ...]:
    """Descendants ``L`` of ``treatment`` that confound ``mediator`` and ``outcome``.

    ``L ∉ {X, M, Y}`` is a recanting witness for the natural direct effect (Avin,
    Shpitser & Pearl 2005, Theorem 4) when it reaches ``Y`` by a directed path avoiding
    ``M`` and reaches ``M`` by a directed path or shares a latent (bidirected edge) with an
    ancestor of ``M`` other than ``X``.

    Examples
    --------
    >>> g = CausalGraph.from_edges("X -> L -> M -> Y; L -> Y; X -> Y")
    >>> find_recanting_witnesses(g, "X", "M", "Y")
    ('L',)
    """
    g = graph.projected()
    without_m = g.subgraph([v for v in g.nodes if v != mediator])
    to_y = without_m.ancestors(outcome)
    an_m = g.ancestors(mediator) - {treatment}
    near_m = an_m | g.spouses(an_m)
    out = [v for v in g.topological_order()
           if v not in (treatment, mediator, outcome)
           and v in g.descendants(treatment) and v in to_y and v in near_m]
    return tuple(out)


def _fmt(w: frozenset[str]) -> str:
    return "{" + ", ".join(sorted(w)) + "}" if w else "∅"


def _conditions(g: CausalGraph, x: str, m: str, y: str,
                w: frozenset[str]) -> tuple[MediationCondition, ...]:
    ws = _fmt(w)
    de_x = g.descendants(x)
    return (
        MediationCondition("W0", f"no member of W = {ws} descends from {x}",
                           not (w & de_x)),
        MediationCondition("A1", f"({y} ⊥ {x} | W) with the edges into {m} and out of {x} "
                           f"removed: no unblocked {x}–{y} confounding",
                           is_m_separated(g.do(m).remove_outgoing(x), x, y, w)),
        MediationCondition("A2", f"({y} ⊥ {m} | {x}, W) with the edges out of {m} removed: "
                           f"no unblocked {m}–{y} confounding",
                           is_m_separated(g.remove_outgoing(m), m, y, w | {x})),
        MediationCondition("A3", f"({m} ⊥ {x} | W) with the edges out of {x} removed: "
                           f"no unblocked {x}–{m} confounding",
                           is_m_separated(g.remove_outgoing(x), x, m, w)),
    )


def _check_query(g: CausalGraph, x: str, m: str, y: str) -> None:
    g.check_nodes({x, m, y})
    if len({x, m, y}) < 3:
        raise QueryError(f"treatment {x!r}, mediator {m!r} and outcome {y!r} must be three "
                         "different nodes")
    if m not in g.descendants(x, include_self=False):
        raise QueryError(f"the mediator {m!r} does not descend from the treatment {x!r}: "
                         "there is nothing to mediate; pick a node on a path "
                         f"{x} -> ... -> {y}")
    if y not in g.descendants(m, include_self=False):
        raise QueryError(f"the outcome {y!r} does not descend from the mediator {m!r}; "
                         f"pick a mediator on a path {x} -> ... -> {y}")


def _candidates(g: CausalGraph, x: str, m: str, y: str) -> list[str]:
    anc = g.ancestors({x, m, y}) - g.descendants(x) - {m, y}
    return [v for v in g.topological_order() if v in anc]


def _search(g: CausalGraph, x: str, m: str, y: str
            ) -> tuple[frozenset[str] | None, tuple[MediationCondition, ...]]:
    """The full candidate set if it works, else the smallest subset that does."""
    cand = _candidates(g, x, m, y)
    full = _conditions(g, x, m, y, frozenset(cand))
    if all(c.holds for c in full):
        return frozenset(cand), full
    if len(cand) > MAX_SEARCH:
        return None, full
    for k in range(len(cand)):
        for sub in itertools.combinations(cand, k):
            conds = _conditions(g, x, m, y, frozenset(sub))
            if all(c.holds for c in conds):
                return frozenset(sub), conds
    return None, full


def identify_mediation(graph: CausalGraph, treatment: str, mediator: str, outcome: str,
                       covariates: Iterable[str] | None = None) -> MediationIdentification:
    """Whether the natural direct and indirect effects are identified by the mediation
    formula, with which covariates ``W`` (searched when ``covariates`` is ``None``).

    Raises
    ------
    QueryError
        The three names are not distinct, or the mediator is not between them.

    Examples
    --------
    >>> g = CausalGraph.from_edges("C -> X; C -> M; C -> Y; X -> M -> Y; X -> Y")
    >>> r = identify_mediation(g, "X", "M", "Y")
    >>> r.identified, r.covariates
    (True, ('C',))
    >>> bad = identify_mediation(CausalGraph.from_edges("X -> L -> M -> Y; L -> Y; X -> Y"),
    ...                          "X", "M", "Y")
    >>> bad.identified, bad.recanting_witnesses
    (False, ('L',))
    """
    g = graph.projected()
    x, m, y = treatment, mediator, outcome
    _check_query(g, x, m, y)
    if covariates is not None:
        given = g.check_nodes(frozenset(covariates))
        if given & {x, m, y}:
            raise QueryError(f"covariates {sorted(given & {x, m, y})} include the treatment, "
                             "mediator or outcome; drop them from the covariates")
        conds = _conditions(g, x, m, y, given)
        w: frozenset[str] | None = given if all(c.holds for c in conds) else None
    else:
        w, conds = _search(g, x, m, y)
    witnesses = find_recanting_witnesses(g, x, m, y)
    status = identify_counterfactual(g, f"P({y}[{x}=1, {m}=0]=1, {m}[{x}=0]=0)").status
    ok = w is not None and status != "not_identifiable"
    return MediationIdentification(x, m, y, ok, tuple(sorted(w, key=g.nodes.index))
                                   if ok and w is not None else None, conds, witnesses,
                                   status, _reason(x, m, y, w, conds, witnesses, status,
                                                   covariates is not None))


def _reason(x: str, m: str, y: str, w: frozenset[str] | None,
            conds: tuple[MediationCondition, ...], witnesses: tuple[str, ...], status: str,
            given: bool) -> str:
    if w is not None and status != "not_identifiable":
        return (f"identified by the mediation formula with W = {_fmt(w)} (Pearl 2001, "
                "Theorem 2): W0, A1, A2 and A3 hold")
    parts: list[str] = []
    if witnesses:
        parts.append(f"{', '.join(witnesses)} descends from {x} and confounds {m} and {y} "
                     "(an exposure-induced mediator–outcome confounder, a recanting witness: "
                     "Avin, Shpitser & Pearl 2005); NDE and NIE are not identified, though "
                     "the path-specific or interventional effects may be")
    if status == "not_identifiable":
        parts.append(f"ID* finds a conflict for P({y}[{x}=1, {m}=0]=1, {m}[{x}=0]=0): no "
                     "covariate set identifies the natural effects")
    elif w is None:
        failed = ", ".join(f"{c.name} ({c.statement})" for c in conds if not c.holds)
        scope = ("the covariates given" if given else
                 f"the covariate sets searched (every subset of at most {MAX_SEARCH} "
                 "candidates, else the full set)")
        parts.append(f"the mediation formula fails with {scope}: {failed}")
        if status in ("identified", "experimental"):
            parts.append(f"ID* does identify the cross-world term ({status}); rung's "
                         "mediation estimator covers only the mediation formula")
    return "; ".join(parts)
