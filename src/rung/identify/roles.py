"""Treatment and outcome of a query from flags or from the graph's own tags.

dagitty marks the query in the graph: ``X [exposure]``, ``Y [outcome]`` and ``Z [adjusted]``.
A name given explicitly wins over a tag, and the override is reported, never silent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rung.graph import CausalGraph
from rung.identify._query import QueryError

__all__ = ["QueryRoles", "graph_tagged", "resolve_roles"]

Source = Literal["flag", "graph"]


def graph_tagged(graph: CausalGraph, tag: str) -> tuple[str, ...]:
    """Nodes carrying the node attribute ``tag`` (``exposure``, ``outcome``, ``adjusted``).

    Uses the graph layer's property when it has one, else reads the node attributes.

    Examples
    --------
    >>> graph_tagged(CausalGraph.parse("dag { X [exposure]; X -> Y }"), "exposure")
    ('X',)
    """
    names = {"exposure": "exposures", "outcome": "outcomes", "adjusted": "adjusted"}
    prop = getattr(graph, names.get(tag, tag), None)
    if isinstance(prop, tuple):
        return prop
    attrs = graph.attributes
    return tuple(n for n in graph.all_nodes if tag in attrs.get(n, {}))


@dataclass(frozen=True)
class QueryRoles:
    """Who named the treatment and the outcome, with a note for every override."""

    treatment: tuple[str, ...]
    outcome: tuple[str, ...]
    treatment_from: Source
    outcome_from: Source
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"treatment": list(self.treatment), "outcome": list(self.outcome),
                "treatment_from": self.treatment_from, "outcome_from": self.outcome_from,
                "notes": list(self.notes)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QueryRoles:
        """Inverse of :meth:`to_json`."""
        return cls(tuple(data["treatment"]), tuple(data["outcome"]), data["treatment_from"],
                   data["outcome_from"], tuple(data["notes"]))


def _one_role(graph: CausalGraph, given: Sequence[str], tag: str, flag: str
              ) -> tuple[tuple[str, ...], Source, str | None]:
    tagged = graph_tagged(graph, tag)
    if given:
        names = tuple(dict.fromkeys(given))
        note = None
        if tagged and set(tagged) != set(names):
            note = (f"{flag} {', '.join(names)} overrides the graph's [{tag}] "
                    f"{', '.join(tagged)}")
        return names, "flag", note
    if not tagged:
        raise QueryError(f"no {tag} given: pass {flag} NAME or mark a node [{tag}] in the graph")
    return tagged, "graph", None


def resolve_roles(
    graph: CausalGraph, treatment: Sequence[str] = (), outcome: Sequence[str] = ()
) -> QueryRoles:
    """Treatment and outcome from the arguments, else from ``[exposure]``/``[outcome]``.

    Raises
    ------
    QueryError
        Neither an argument nor a tag names the role.

    Examples
    --------
    >>> g = CausalGraph.parse("dag { X [exposure]; Y [outcome]; A -> X -> Y; A -> Y }")
    >>> r = resolve_roles(g)
    >>> r.treatment, r.outcome, r.treatment_from
    (('X',), ('Y',), 'graph')
    >>> resolve_roles(g, ["A"]).notes
    ("--treatment A overrides the graph's [exposure] X",)
    """
    x, x_from, x_note = _one_role(graph, treatment, "exposure", "--treatment")
    y, y_from, y_note = _one_role(graph, outcome, "outcome", "--outcome")
    notes = tuple(n for n in (x_note, y_note) if n is not None)
    return QueryRoles(x, y, x_from, y_from, notes)
