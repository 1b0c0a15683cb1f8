"""Every adjustment answer for one query, as dagitty shows it: the minimal sets, the
canonical set, the optimal set (or why none exists) and the check of a drawn set.

:func:`adjustment_report` is what ``rung identify`` prints; each part is also a plain
finder (:func:`find_minimal_adjustment_sets`, :func:`find_canonical_adjustment_set`,
:func:`optimal_adjustment`, :func:`find_direct_effect_adjustment_sets`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from rung.graph import CausalGraph, NodeSet, as_node_set
from rung.identify._query import check_query
from rung.identify.adjustment import (
    AdjustmentSearchError,
    find_canonical_adjustment_set,
    find_minimal_adjustment_sets,
)
from rung.identify.direct import (
    find_direct_effect_adjustment_sets,
    is_valid_direct_effect_adjustment_set,
)
from rung.identify.optimal import OptimalAdjustment, optimal_adjustment
from rung.identify.validate import InvalidSetError, check_adjustment_set

__all__ = ["AdjustmentReport", "SetCheck", "adjustment_report", "check_graph_adjusted"]

Effect = Literal["total", "direct"]


def _fmt(names: frozenset[str]) -> str:
    return "{" + ", ".join(sorted(names)) + "}"


def _sorted(s: frozenset[str] | None) -> list[str] | None:
    return None if s is None else sorted(s)


@dataclass(frozen=True)
class SetCheck:
    """A set the user supplied (e.g. the graph's ``[adjusted]`` nodes) and its verdict.

    ``completions`` are the minimal valid sets that contain it (what dagitty lists for a
    graph with ``[adjusted]`` nodes); None when the search was capped.
    """

    nodes: frozenset[str]
    valid: bool
    reason: str
    completions: tuple[frozenset[str], ...] | None = ()

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        comp = None if self.completions is None else [sorted(c) for c in self.completions]
        return {"set": sorted(self.nodes), "valid": self.valid, "reason": self.reason,
                "minimal_sets_containing": comp}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SetCheck:
        """Inverse of :meth:`to_json`."""
        comp = data.get("minimal_sets_containing", [])
        return cls(frozenset(data["set"]), bool(data["valid"]), str(data["reason"]),
                   None if comp is None else tuple(frozenset(c) for c in comp))


@dataclass(frozen=True)
class AdjustmentReport:
    """The adjustment sets of one query.

    ``minimal_sets`` is None when the search was capped (``note`` says so); for
    ``effect="direct"`` the sets are single-door sets and ``canonical_set``/``optimal`` are
    None (dagitty defines them for total effects only).
    """

    effect: Effect
    include: frozenset[str]
    exclude: frozenset[str]
    minimal_sets: tuple[frozenset[str], ...] | None
    canonical_set: frozenset[str] | None
    optimal: OptimalAdjustment | None
    note: str = ""

    @property
    def optimal_set(self) -> frozenset[str] | None:
        """The optimal set when it exists and meets the constraints."""
        o = None if self.optimal is None else self.optimal.adjustment_set
        if o is None or not self.include <= o or o & self.exclude:
            return None
        return o

    def to_json(self) -> dict[str, Any]:
        """JSON form (the ``adjustment`` object of ``rung identify --json``)."""
        return {
            "effect": self.effect,
            "include": sorted(self.include),
            "exclude": sorted(self.exclude),
            "minimal_sets": None if self.minimal_sets is None else [
                sorted(s) for s in self.minimal_sets],
            "canonical_set": _sorted(self.canonical_set),
            "optimal_set": _sorted(self.optimal_set),
            "o_set": None if self.optimal is None else _sorted(self.optimal.o_set),
            "optimal_reason": None if self.optimal is None else self.optimal.reason,
            "note": self.note,
        }


def _minimal(graph: CausalGraph, x: frozenset[str], y: frozenset[str], effect: Effect,
             inc: frozenset[str], exc: frozenset[str]
             ) -> tuple[tuple[frozenset[str], ...] | None, str]:
    find = find_direct_effect_adjustment_sets if effect == "direct" else (
        find_minimal_adjustment_sets)
    try:
        return tuple(find(graph, x, y, include=inc, exclude=exc)), ""
    except AdjustmentSearchError as exc_:
        return None, f"minimal sets not listed: {exc_}"


def _unsatisfied(graph: CausalGraph, x: frozenset[str], y: frozenset[str],
                 inc: frozenset[str], exc: frozenset[str]) -> str:
    """Why no valid set contains ``inc`` and avoids ``exc``."""
    what = " and ".join(p for p in (f"contains {_fmt(inc)}" if inc else "",
                                    f"avoids {_fmt(exc)}" if exc else "") if p)
    base = f"no valid adjustment set {what}" if what else "no valid adjustment set exists"
    if not inc and not exc:
        return base
    unconstrained = find_canonical_adjustment_set(graph, x, y)
    if unconstrained is None:
        return base + " (none exists even without constraints)"
    candidate = (unconstrained | inc) - exc
    try:
        check_adjustment_set(graph, x, y, candidate)
    except InvalidSetError as err:
        return f"{base}: with them, {_fmt(candidate)} fails: {err.reason}"
    return base


def adjustment_report(
    graph: CausalGraph,
    treatment: NodeSet,
    outcome: NodeSet,
    *,
    include: NodeSet = (),
    exclude: NodeSet = (),
    effect: Effect = "total",
) -> AdjustmentReport:
    """Minimal, canonical and optimal adjustment sets of ``(treatment, outcome)``.

    Examples
    --------
    >>> g = CausalGraph.from_edges("A -> X -> Y; A -> Y; B -> X; B -> Y")
    >>> r = adjustment_report(g, "X", "Y")
    >>> [sorted(s) for s in r.minimal_sets], sorted(r.canonical_set), sorted(r.optimal_set)
    ([['A', 'B']], ['A', 'B'], ['A', 'B'])
    >>> adjustment_report(g, "X", "Y", exclude="A").note
    'no valid adjustment set avoids {A}: with them, {B} fails: X <- A -> Y is open'
    """
    x, y, _ = check_query(graph, treatment, outcome)
    inc, exc = as_node_set(include), as_node_set(exclude)
    sets, note = _minimal(graph, x, y, effect, inc, exc)
    if effect == "direct":
        if sets == ():
            note = "no set meets the single-door criterion (Pearl 2009, Theorem 5.3.1)" + (
                " with these constraints" if inc or exc else "")
        return AdjustmentReport(effect, inc, exc, sets, None, None, note)
    canonical = find_canonical_adjustment_set(graph, x, y, include=inc, exclude=exc)
    if canonical is None:
        note = _unsatisfied(graph, x, y, inc, exc)
    return AdjustmentReport(effect, inc, exc, sets, canonical, optimal_adjustment(graph, x, y),
                            note)


def _direct_check(graph: CausalGraph, x: frozenset[str], y: frozenset[str],
                  nodes: frozenset[str]) -> SetCheck:
    """The single-door verdict on ``nodes``, naming a descendant of Y or the open path."""
    from rung.identify.validate import find_open_path

    completions = _completions(find_direct_effect_adjustment_sets, graph, x, y, nodes)
    if is_valid_direct_effect_adjustment_set(graph, x, y, nodes):
        return SetCheck(nodes, True, "valid (single-door criterion)", completions)
    g = graph.projected()
    bad = sorted(nodes & g.descendants(y & g.descendants(x, include_self=False)))
    if bad:
        return SetCheck(nodes, False, f"{bad[0]} is a descendant of the outcome", completions)
    cut = CausalGraph(directed=[(a, b) for a, b in g.directed_edges if not (a in x and b in y)],
                      bidirected=g.bidirected_edges, nodes=g.nodes)
    path = find_open_path(cut, x, y, nodes)
    why = f"{path} is open" if path is not None else "a path other than X -> Y stays open"
    return SetCheck(nodes, False, why, completions)


def _completions(find: Any, graph: CausalGraph, x: frozenset[str], y: frozenset[str],
                 nodes: frozenset[str]) -> tuple[frozenset[str], ...] | None:
    try:
        return tuple(find(graph, x, y, include=nodes))
    except AdjustmentSearchError:
        return None


def check_graph_adjusted(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet, adjusted: NodeSet,
    effect: Effect = "total",
) -> SetCheck:
    """The verdict on a drawn adjustment set: valid, or the open path / forbidden node.

    ``effect="direct"`` checks the single-door criterion instead.

    Examples
    --------
    >>> g = CausalGraph.from_edges("Z -> X -> M -> Y; Z -> Y")
    >>> check_graph_adjusted(g, "X", "Y", {"M"}).reason
    'M is a mediator (X -> M); adjusting for it biases the effect'
    >>> check_graph_adjusted(g, "X", "Y", ()).reason
    'X <- Z -> Y is open'
    >>> check_graph_adjusted(g, "X", "Y", {"Z"}, effect="direct").reason
    'X -> M -> Y is open'
    >>> m = CausalGraph.from_edges("A -> Z <- B; A -> X -> Y; B -> Y")
    >>> [sorted(c) for c in check_graph_adjusted(m, "X", "Y", {"Z"}).completions]
    [['A', 'Z'], ['B', 'Z']]
    """
    nodes = as_node_set(adjusted)
    x, y, _ = check_query(graph, treatment, outcome)
    if effect == "direct":
        return _direct_check(graph, x, y, nodes)
    completions = _completions(find_minimal_adjustment_sets, graph, x, y, nodes)
    try:
        check_adjustment_set(graph, x, y, nodes)
    except InvalidSetError as err:
        return SetCheck(nodes, False, err.reason, completions)
    return SetCheck(nodes, True, "valid (generalised adjustment criterion)", completions)
