"""What a discovery algorithm returns: marked edges, a :class:`CausalGraph`, and evidence.

Edge marks follow causal-learn's endpoint matrices: ``M[a, b]`` is the mark at ``a`` on the
edge between ``a`` and ``b`` (``-1`` tail, ``1`` arrowhead, ``2`` circle, ``0`` no edge).
A CPDAG (PC, GES) uses tails and arrowheads; a PAG (FCI) also uses circles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from rung.graph import CausalGraph, CycleError

__all__ = [
    "DiscoveredEdge",
    "DiscoveryResult",
    "EdgeEvidence",
    "EdgeKind",
    "edges_from_marks",
]

EdgeKind = Literal["->", "--", "<->", "o->", "o-o"]

_TAIL, _ARROW, _CIRCLE = -1, 1, 2


@dataclass(frozen=True)
class EdgeEvidence:
    """The data's strongest evidence of independence between two variables.

    ``p_value`` is the largest CI-test p-value found over the conditioning sets tried
    (``sepset`` is the set that gave it); a value above ``alpha`` says the data can make
    the pair independent, so the data argues against a direct edge.
    """

    p_value: float
    sepset: tuple[str, ...]
    tests: int

    def to_json(self) -> dict[str, Any]:
        return {"p_value": self.p_value, "sepset": list(self.sepset), "tests": self.tests}


@dataclass(frozen=True)
class DiscoveredEdge:
    """One edge of a CPDAG or PAG: ``source kind target`` (e.g. ``PKC -> praf``)."""

    source: str
    target: str
    kind: EdgeKind

    @property
    def is_oriented(self) -> bool:
        """True for a definite direct cause (``->``) or a definite confounding (``<->``)."""
        return self.kind in ("->", "<->")

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "kind": self.kind}

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.target}"


def _kind(mark_a: int, mark_b: int) -> tuple[EdgeKind, bool] | None:
    """Kind of the edge a?b from the mark at a and at b; the bool says "swap ends"."""
    marks = (mark_a, mark_b)
    table: dict[tuple[int, int], tuple[EdgeKind, bool]] = {
        (_TAIL, _ARROW): ("->", False),
        (_ARROW, _TAIL): ("->", True),
        (_TAIL, _TAIL): ("--", False),
        (_ARROW, _ARROW): ("<->", False),
        (_CIRCLE, _ARROW): ("o->", False),
        (_ARROW, _CIRCLE): ("o->", True),
        (_CIRCLE, _CIRCLE): ("o-o", False),
        (_CIRCLE, _TAIL): ("o-o", False),  # tail-circle: treat as undetermined
        (_TAIL, _CIRCLE): ("o-o", False),
    }
    return table.get(marks)


def edges_from_marks(marks: np.ndarray, names: Sequence[str]) -> list[DiscoveredEdge]:
    """Read causal-learn's endpoint matrix into a list of :class:`DiscoveredEdge`.

    Examples
    --------
    >>> m = np.array([[0, -1], [1, 0]])   # mark at 0 is a tail, at 1 an arrowhead
    >>> [str(e) for e in edges_from_marks(m, ["X", "Y"])]
    ['X -> Y']
    """
    out: list[DiscoveredEdge] = []
    d = len(names)
    for i in range(d):
        for j in range(i + 1, d):
            if marks[i, j] == 0 and marks[j, i] == 0:
                continue
            found = _kind(int(marks[i, j]), int(marks[j, i]))
            if found is None:
                raise ValueError(f"unknown edge marks {marks[i, j]}, {marks[j, i]} "
                                 f"between {names[i]!r} and {names[j]!r}")
            kind, swap = found
            a, b = (names[j], names[i]) if swap else (names[i], names[j])
            out.append(DiscoveredEdge(a, b, kind))
    return out


@dataclass
class DiscoveryResult:
    """The output of :func:`rung.discover.find_pc` / ``find_fci`` / ``find_ges``.

    Attributes
    ----------
    method : str
        ``"pc"``, ``"fci"`` or ``"ges"``.
    nodes : tuple of str
        Variables, in data-column order.
    edges : list of DiscoveredEdge
        Every edge of the CPDAG / PAG with its marks.
    evidence : dict
        ``(a, b)`` (sorted pair) -> :class:`EdgeEvidence` for *every* pair of variables.
    settings : dict
        CI test, alpha, background knowledge and other settings used.
    """

    method: str
    nodes: tuple[str, ...]
    edges: list[DiscoveredEdge]
    evidence: dict[tuple[str, str], EdgeEvidence] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def uncertain_edges(self) -> list[DiscoveredEdge]:
        """Edges whose direction the data leave open (``--``, ``o->``, ``o-o``), plus
        directed edges demoted because they would close a cycle."""
        oriented = self._split()[0]
        return [e for e in self.edges if e not in oriented]

    def adjacent(self, a: str, b: str) -> bool:
        """True when the data keep an edge (of any kind) between ``a`` and ``b``."""
        return any({e.source, e.target} == {a, b} for e in self.edges)

    def edge_between(self, a: str, b: str) -> DiscoveredEdge | None:
        """The edge between ``a`` and ``b`` (either order), or None."""
        for e in self.edges:
            if {e.source, e.target} == {a, b}:
                return e
        return None

    def _split(self) -> tuple[list[DiscoveredEdge], CausalGraph]:
        kept: list[DiscoveredEdge] = []
        directed: list[tuple[str, str]] = []
        bidirected = [(e.source, e.target) for e in self.edges if e.kind == "<->"]
        kept.extend(e for e in self.edges if e.kind == "<->")
        for e in self.edges:
            if e.kind != "->":
                continue
            try:
                CausalGraph(directed=[*directed, (e.source, e.target)], nodes=self.nodes)
            except CycleError:
                continue  # conflicting orientations: leave it uncertain
            directed.append((e.source, e.target))
            kept.append(e)
        return kept, CausalGraph(directed=directed, bidirected=bidirected, nodes=self.nodes)

    @property
    def graph(self) -> CausalGraph:
        """The definite part as a :class:`CausalGraph` (``->`` and ``<->`` edges only)."""
        return self._split()[1]

    def evidence_for(self, a: str, b: str) -> EdgeEvidence | None:
        """Evidence for the pair ``{a, b}`` (order does not matter)."""
        return self.evidence.get((a, b) if a <= b else (b, a))

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "nodes": list(self.nodes),
            "edges": [e.to_json() for e in self.edges],
            "graph": self.graph.to_edge_string(),
            "uncertain_edges": [str(e) for e in self.uncertain_edges],
            "evidence": [
                {"a": a, "b": b, **ev.to_json()} for (a, b), ev in sorted(self.evidence.items())
            ],
            "settings": dict(self.settings),
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> DiscoveryResult:
        """Rebuild a result saved by :meth:`to_json`."""
        return cls(
            method=str(obj["method"]),
            nodes=tuple(obj["nodes"]),
            edges=[DiscoveredEdge(e["source"], e["target"], e["kind"]) for e in obj["edges"]],
            evidence={
                (r["a"], r["b"]): EdgeEvidence(float(r["p_value"]), tuple(r["sepset"]),
                                               int(r["tests"]))
                for r in obj.get("evidence", [])
            },
            settings=dict(obj.get("settings", {})),
        )
