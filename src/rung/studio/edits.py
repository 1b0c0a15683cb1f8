"""Edits of the current graph, edge by edge, and the record of who decided each edge.

An edit sets the edge between two nodes to one of four states (``a -> b``, ``b -> a``,
``a <-> b`` or no edge); nothing here judges whether the edit is right: identification,
disagreements and the verdict come from the library (:mod:`rung.studio.views`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

from rung.graph import CausalGraph

__all__ = [
    "Action",
    "Author",
    "Decision",
    "EdgeState",
    "author_of_reason",
    "edge_key",
    "edge_text",
    "set_edge",
]

Author = Literal["llm", "data", "rule", "analyst"]
Action = Literal["accept", "reverse", "remove", "add"]
EdgeState = Literal["forward", "backward", "bidirected", "none"]
ACTIONS: tuple[str, ...] = get_args(Action)
EDGE_STATES: tuple[str, ...] = get_args(EdgeState)


def edge_key(a: str, b: str) -> str:
    """A key of the unordered pair (tab-joined, sorted: names may hold any other character).

    Examples
    --------
    >>> edge_key("Y", "X") == edge_key("X", "Y")
    True
    """
    lo, hi = sorted((a, b))
    return f"{lo}\t{hi}"


def edge_text(g: CausalGraph, a: str, b: str) -> str | None:
    """The edge between ``a`` and ``b`` as text (``"a -> b"``, ``"a <-> b"``), or None.

    Examples
    --------
    >>> g = CausalGraph.from_edges("X -> Y; X <-> Z")
    >>> edge_text(g, "Y", "X"), edge_text(g, "Z", "X"), edge_text(g, "Y", "Z")
    ('X -> Y', 'X <-> Z', None)
    """
    if (a, b) in g.directed_edges:
        return f"{a} -> {b}"
    if (b, a) in g.directed_edges:
        return f"{b} -> {a}"
    lo, hi = sorted((a, b))
    if (lo, hi) in g.bidirected_edges:
        return f"{lo} <-> {hi}"
    return None


def set_edge(g: CausalGraph, a: str, b: str, state: EdgeState) -> CausalGraph:
    """``g`` with the pair ``a``, ``b`` joined as ``state`` says (``"forward"``: a -> b).

    Raises
    ------
    ValueError
        ``a`` or ``b`` is not a node, they are equal, or ``state`` is unknown.
    rung.graph.CycleError
        The edit would close a directed cycle (the message names it).

    Examples
    --------
    >>> g = CausalGraph.from_edges("X -> Y; Z -> Y")
    >>> set_edge(g, "X", "Y", "backward").directed_edges
    (('Z', 'Y'), ('Y', 'X'))
    >>> set_edge(g, "Z", "Y", "none").directed_edges
    (('X', 'Y'),)
    """
    if state not in EDGE_STATES:
        raise ValueError(f"edge state {state!r} is unknown; use one of {list(EDGE_STATES)}")
    for n in (a, b):
        if n not in g.nodes:
            raise ValueError(f"{n!r} is not a node of the graph; nodes are {list(g.nodes)}")
    if a == b:
        raise ValueError(f"an edge needs two different nodes, got {a!r} twice")
    pair = {a, b}
    directed = [e for e in g.directed_edges if set(e) != pair]
    bidirected = [e for e in g.bidirected_edges if set(e) != pair]
    if state == "forward":
        directed.append((a, b))
    elif state == "backward":
        directed.append((b, a))
    elif state == "bidirected":
        bidirected.append((a, b))
    attrs = {n: dict(v) for n, v in g.attributes.items()}
    return CausalGraph(directed=directed, bidirected=bidirected, nodes=g.nodes,
                       latent=g.latent, attributes=attrs)


def state_of(g: CausalGraph, a: str, b: str) -> EdgeState:
    """The state of the pair as :func:`set_edge` takes it.

    Examples
    --------
    >>> state_of(CausalGraph.from_edges("X -> Y"), "Y", "X")
    'backward'
    """
    if (a, b) in g.directed_edges:
        return "forward"
    if (b, a) in g.directed_edges:
        return "backward"
    return "bidirected" if tuple(sorted((a, b))) in g.bidirected_edges else "none"


def author_of_reason(reason: str) -> Author:
    """Who decided an edge of the workflow's final graph, from its recorded reason.

    Examples
    --------
    >>> author_of_reason("data compelled direction")
    'data'
    >>> author_of_reason("LLM orientation (confidence 0.91)")
    'llm'
    >>> author_of_reason("analyst (--graph)")
    'analyst'
    >>> author_of_reason("arbitrary: column order")
    'rule'
    """
    low = reason.lower()
    if low.startswith("analyst"):
        return "analyst"
    if "llm orientation" in low or "llm's preferred" in low:
        return "llm"
    if low.startswith("data"):
        return "data"
    return "rule"


@dataclass(frozen=True)
class Decision:
    """One analyst edit: the pair, the edge before and after, who made it, and when.

    ``version`` is the session version the edit produced; ``tab`` names the browser tab
    that sent it; ``undone`` marks an edit taken back by *undo*.
    """

    a: str
    b: str
    action: Action
    before: str | None
    after: str | None
    before_state: EdgeState
    author: Author
    version: int
    tab: str
    undone: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Decision:
        return cls(a=str(obj["a"]), b=str(obj["b"]), action=obj["action"],
                   before=obj.get("before"), after=obj.get("after"),
                   before_state=obj.get("before_state", "none"),
                   author=obj.get("author", "analyst"), version=int(obj["version"]),
                   tab=str(obj.get("tab", "")), undone=bool(obj.get("undone", False)))


def initial_authors(decisions: Sequence[Mapping[str, Any]]) -> dict[str, Author]:
    """Pair key -> author of the workflow's final-graph decisions (``final_graph.json``).

    Examples
    --------
    >>> initial_authors([{"edge": "A -> B", "reason": "data compelled direction"}])
    {'A\\tB': 'data'}
    """
    out: dict[str, Author] = {}
    for d in decisions:
        text = str(d.get("edge", ""))
        for sep in (" <-> ", " -> "):
            if sep in text:
                a, b = text.split(sep, 1)
                out[edge_key(a.strip(), b.strip())] = author_of_reason(str(d.get("reason", "")))
                break
    return out
