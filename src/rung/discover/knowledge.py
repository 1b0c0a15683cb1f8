"""Background knowledge for discovery: required and forbidden directed edges.

The co-pilot's confident edges become knowledge: an edge ``X -> Y`` the LLM ensemble holds
with confidence at least ``required_at`` is required, and its reverse ``Y -> X`` forbidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Knowledge", "knowledge_from_confidences", "to_causallearn"]


@dataclass(frozen=True)
class Knowledge:
    """Directed edges the discovery must keep (``required``) or must not add (``forbidden``)."""

    required: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    forbidden: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.required or self.forbidden)

    def check(self, names: Sequence[str]) -> None:
        """Raise ValueError naming any edge whose ends are not variables of the data."""
        known = set(names)
        for a, b in (*self.required, *self.forbidden):
            for n in (a, b):
                if n not in known:
                    raise ValueError(
                        f"background-knowledge edge {a} -> {b} names {n!r}, which is not a "
                        f"column of the data; columns are {sorted(known)}"
                    )
        clash = set(self.required) & set(self.forbidden)
        if clash:
            raise ValueError(f"edges both required and forbidden: {sorted(clash)}")

    def to_json(self) -> dict[str, Any]:
        return {
            "required": [list(e) for e in self.required],
            "forbidden": [list(e) for e in self.forbidden],
        }


def knowledge_from_confidences(
    edges: Iterable[tuple[str, str, float]], *, required_at: float = 0.8
) -> Knowledge:
    """Required edges (and their forbidden reverses) from ``(source, target, confidence)``.

    Examples
    --------
    >>> k = knowledge_from_confidences([("A", "B", 0.9), ("B", "C", 0.6)])
    >>> k.required, k.forbidden
    ((('A', 'B'),), (('B', 'A'),))
    """
    if not 0.0 <= required_at <= 1.0:
        raise ValueError(f"required_at={required_at} must lie in [0, 1]")
    req = [(a, b) for a, b, c in edges if c >= required_at]
    req_set = set(req)
    # a pair held confidently both ways is contradictory: drop it
    req = [(a, b) for a, b in req if (b, a) not in req_set]
    return Knowledge(required=tuple(req), forbidden=tuple((b, a) for a, b in req))


def to_causallearn(knowledge: Knowledge, names: Sequence[str]) -> Any:
    """A causal-learn ``BackgroundKnowledge`` for the variables ``names``.

    causal-learn compares graph nodes by name, so fresh ``GraphNode`` objects match the
    nodes its algorithms build from ``node_names``.
    """
    from causallearn.graph.GraphNode import GraphNode
    from causallearn.utils.PCUtils.BackgroundKnowledge import BackgroundKnowledge

    knowledge.check(names)
    by_name = {n: GraphNode(n) for n in names}
    bk = BackgroundKnowledge()
    for a, b in knowledge.required:
        bk.add_required_by_node(by_name[a], by_name[b])
    for a, b in knowledge.forbidden:
        bk.add_forbidden_by_node(by_name[a], by_name[b])
    return bk
