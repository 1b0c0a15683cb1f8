"""The plausible graphs: every member of the data's equivalence class that the evidence allows.

Discovery returns an equivalence class, not a graph: a CPDAG (PC, GES) whose ``--`` edges
can point either way, or a PAG (FCI) whose circles can be tails or arrowheads. The final
graph of the workflow picks one orientation for each of them; this module instead lists
every orientation the data did not rule out, so that the verdict can report the effect
over all of them (the IDA idea of Maathuis, Kalisch & Bühlmann 2009, "Estimating
high-dimensional intervention effects from observational data", Ann. Statist. 37(6A),
applied here by enumerating the members; for PAGs a member is a maximal ancestral graph,
Zhang 2008, "On the completeness of orientation rules for causal discovery in the
presence of latent confounders and selection bias", AIJ 172).

Options per edge of the class (``s``, ``t`` its ends):

====================  ============================================  ====================
data mark             members may hold                              narrowed by the LLM
====================  ============================================  ====================
``s -> t``            ``s -> t`` (compelled)                        never
``s -- t``            ``s -> t``, ``t -> s``                        to its direction
``s o-> t``           ``s -> t``, ``s <-> t`` (arrowhead at ``t``)  to ``s -> t``
``s o-o t``           ``s -> t``, ``t -> s``, ``s <-> t``           to its direction
``s <-> t``           ``s <-> t``                                   never
====================  ============================================  ====================

An LLM belief narrows an edge only when its probability reaches
:data:`ORIENTATION_THRESHOLD`. An LLM belief of at least that probability *against* a
data mark (the reverse of a compelled ``->``, a tail or reversal against an ``o->``
arrowhead, a direction on a ``<->``) is a *conflict*: the edge is contested, and the
members hold the data's options and the LLM's direction. A data mark is never overridden
without such a record (and a row in the disagreement table and a flag in the verdict).

A member must be acyclic, ancestral (no ``a <-> b`` with ``a`` an ancestor of ``b``) and
create no unshielded collider the data did not find (Meek 1995; Zhang 2008), except at a
contested edge. Enumeration is a depth-first search that stops at ``limit`` members; the
result says whether it was complete.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Literal

from rung.discover import DiscoveredEdge, DiscoveryResult
from rung.graph import CausalGraph
from rung.workflow.disagreements import LLMEdge

__all__ = [
    "ORIENTATION_THRESHOLD",
    "ClassMembers",
    "Orientation",
    "find_plausible_graphs",
]

ORIENTATION_THRESHOLD = 0.8
"""The probability an LLM direction needs before it counts as knowledge about an edge.

The ensemble's probability of "A causes B" among {A causes B, B causes A, no direct link},
averaged over both answer orders. 0.8 is the probability at which ``--use-knowledge``
already turns an LLM edge into background knowledge; on the Sachs pairs the embedded
model never reaches it, so by default its beliefs orient nothing here (they still appear
in the final graph and the disagreement table)."""

Mark = Literal["->", "<-", "<->"]
_ALL: tuple[Mark, ...] = ("->", "<-", "<->")


@dataclass(frozen=True)
class Orientation:
    """How the evidence treats one edge of the class: its options and why."""

    source: str
    target: str
    data_kind: str
    options: tuple[Mark, ...]
    llm: str | None
    llm_confidence: float | None
    status: Literal["compelled", "undecided", "llm", "contested"]

    def describe(self) -> str:
        """The edge, its data mark and what the LLM said, in words."""
        what = f"{self.source} {self.data_kind} {self.target}"
        if self.llm is None:
            return what
        return f"{what} (LLM: {self.llm}, probability {self.llm_confidence:.2f})"

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "data_kind": self.data_kind,
                "options": list(self.options), "llm": self.llm,
                "llm_confidence": self.llm_confidence, "status": self.status}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Orientation:
        return cls(str(obj["source"]), str(obj["target"]), str(obj["data_kind"]),
                   tuple(obj["options"]), obj.get("llm"), obj.get("llm_confidence"),
                   obj["status"])


@dataclass(frozen=True)
class ClassMembers:
    """The plausible graphs and how each edge of the class was treated."""

    graphs: tuple[CausalGraph, ...]
    orientations: tuple[Orientation, ...]
    complete: bool
    limit: int
    threshold: float

    @property
    def conflicts(self) -> tuple[Orientation, ...]:
        """Edges where an LLM belief above the threshold contradicts a data mark."""
        return tuple(o for o in self.orientations if o.status == "contested")


def _best_beliefs(llm: Sequence[LLMEdge]) -> dict[frozenset[str], LLMEdge]:
    best: dict[frozenset[str], LLMEdge] = {}
    for e in llm:
        key = frozenset((e.source, e.target))
        if key not in best or e.confidence > best[key].confidence:
            best[key] = e
    return best


_DATA_OPTIONS: dict[str, tuple[Mark, ...]] = {
    "->": ("->",), "--": ("->", "<-"), "o->": ("->", "<->"), "o-o": _ALL, "<->": ("<->",)}


def _data_options(kind: str) -> tuple[Mark, ...]:
    return _DATA_OPTIONS[kind]


def _orientation(e: DiscoveredEdge, belief: LLMEdge | None, threshold: float,
                 demoted: bool) -> Orientation:
    data = ("->", "<-") if demoted else _data_options(e.kind)
    status: Literal["compelled", "undecided", "llm", "contested"] = (
        "undecided" if len(data) > 1 else "compelled")
    options = data
    llm_txt = None if belief is None else f"{belief.source} -> {belief.target}"
    conf = None if belief is None else belief.confidence
    if belief is not None and belief.confidence >= threshold:
        said: Mark = "->" if belief.source == e.source else "<-"
        if said in data and len(data) > 1:
            options, status = (said,), "llm"
        elif said not in data:
            options, status = (*data, said), "contested"
    return Orientation(e.source, e.target, e.kind, options, llm_txt, conf, status)


def _arrow_at(mark: Mark, end: Literal["s", "t"]) -> bool:
    return mark == "<->" or (mark == "->" and end == "t") or (mark == "<-" and end == "s")


def _data_colliders(data: DiscoveryResult) -> set[tuple[frozenset[str], str]]:
    """Unshielded triples (pair, middle) the data marked as colliders (both arrowheads)."""
    heads: dict[tuple[str, str], bool] = {}  # (edge key, node) -> arrowhead at node
    for e in data.edges:
        heads[(e.source + "\x1f" + e.target, e.target)] = e.kind in ("->", "o->", "<->")
        heads[(e.source + "\x1f" + e.target, e.source)] = e.kind == "<->"
    out = set()
    for key_a, key_b, mid in _unshielded(data):
        if heads[(key_a, mid)] and heads[(key_b, mid)]:
            out.add((frozenset((key_a, key_b)), mid))
    return out


def _unshielded(data: DiscoveryResult) -> Iterator[tuple[str, str, str]]:
    """(edge key, edge key, middle node) of every unshielded triple a - mid - b."""
    by_node: dict[str, list[DiscoveredEdge]] = {}
    for e in data.edges:
        by_node.setdefault(e.source, []).append(e)
        by_node.setdefault(e.target, []).append(e)
    for mid, edges in by_node.items():
        for e1, e2 in combinations(edges, 2):
            a = e1.target if e1.source == mid else e1.source
            b = e2.target if e2.source == mid else e2.source
            if not data.adjacent(a, b):
                yield e1.source + "\x1f" + e1.target, e2.source + "\x1f" + e2.target, mid


class _Search:
    """Depth-first enumeration of the members (see the module docstring), checking the
    unshielded non-colliders and acyclicity as each edge is oriented."""

    def __init__(self, data: DiscoveryResult, orients: Sequence[Orientation], budget: int):
        self.nodes = data.nodes
        self.orients = list(orients)
        keys = [o.source + "\x1f" + o.target for o in orients]
        index = {k: i for i, k in enumerate(keys)}
        colliders = _data_colliders(data)
        contested = {k for k, o in zip(keys, orients, strict=True) if o.status == "contested"}
        # per edge i: the triples (other edge j < i, middle node) that must stay non-colliders
        self.checks: list[list[tuple[int, str]]] = [[] for _ in orients]
        for ka, kb, mid in _unshielded(data):
            if (frozenset((ka, kb)), mid) in colliders or ka in contested or kb in contested:
                continue
            i, j = sorted((index[ka], index[kb]))
            self.checks[j].append((i, mid))
        self.budget = budget
        self.exhausted = False
        self.children: dict[str, set[str]] = {n: set() for n in data.nodes}

    def _head(self, i: int, mark: Mark, node: str) -> bool:
        return _arrow_at(mark, "s" if node == self.orients[i].source else "t")

    def _reaches(self, a: str, b: str) -> bool:
        stack, seen = [a], {a}
        while stack:
            for c in self.children[stack.pop()]:
                if c == b:
                    return True
                if c not in seen:
                    seen.add(c)
                    stack.append(c)
        return False

    def _ok(self, choice: Sequence[Mark], i: int, mark: Mark) -> bool:
        for j, mid in self.checks[i]:
            if self._head(i, mark, mid) and self._head(j, choice[j], mid):
                return False
        if mark == "<->":
            return True
        o = self.orients[i]
        a, b = (o.source, o.target) if mark == "->" else (o.target, o.source)
        return not self._reaches(b, a)

    def _graph(self, choice: Sequence[Mark]) -> CausalGraph | None:
        directed, bidirected = [], []
        for o, m in zip(self.orients, choice, strict=True):
            if m == "<->":
                bidirected.append((o.source, o.target))
            else:
                directed.append((o.source, o.target) if m == "->" else (o.target, o.source))
        g = CausalGraph(directed=directed, bidirected=bidirected, nodes=self.nodes)
        for a, b in bidirected:
            if b in g.descendants(a) or a in g.descendants(b):
                return None  # not ancestral
        return g

    def run(self, choice: list[Mark]) -> Iterator[CausalGraph]:
        if len(choice) == len(self.orients):
            g = self._graph(choice)
            if g is not None:
                yield g
            return
        i = len(choice)
        o = self.orients[i]
        for m in o.options:
            self.budget -= 1
            if self.budget < 0:
                self.exhausted = True
                return
            if not self._ok(choice, i, m):
                continue
            edge = None if m == "<->" else (
                (o.source, o.target) if m == "->" else (o.target, o.source))
            if edge is not None:
                self.children[edge[0]].add(edge[1])
            yield from self.run([*choice, m])
            if edge is not None:
                self.children[edge[0]].discard(edge[1])
            if self.exhausted:
                return


def find_plausible_graphs(
    data: DiscoveryResult,
    llm: Sequence[LLMEdge] = (),
    *,
    threshold: float = ORIENTATION_THRESHOLD,
    limit: int = 256,
) -> ClassMembers:
    """Every member of the data's class that the LLM's confident beliefs leave possible.

    Parameters
    ----------
    data : DiscoveryResult
        The CPDAG or PAG found by discovery.
    llm : sequence of LLMEdge
        The LLM's beliefs (every scored direction); per pair the most probable counts, and
        only when its probability reaches ``threshold``.
    threshold : float
        See :data:`ORIENTATION_THRESHOLD`.
    limit : int
        Stop after this many members (``complete`` is then False).

    Examples
    --------
    >>> from rung.discover import DiscoveredEdge, DiscoveryResult
    >>> tri = DiscoveryResult("pc", ("Z", "X", "Y"), [DiscoveredEdge("Z", "X", "--"),
    ...     DiscoveredEdge("X", "Y", "--"), DiscoveredEdge("Z", "Y", "--")])
    >>> len(find_plausible_graphs(tri).graphs)   # the 3! orderings of a triangle
    6
    >>> len(find_plausible_graphs(tri, [LLMEdge("Z", "X", 0.9)]).graphs)
    3
    >>> len(find_plausible_graphs(tri, [LLMEdge("Z", "X", 0.3)]).graphs)  # below 0.8
    6
    """
    if limit < 1:
        raise ValueError(f"limit={limit}: give at least 1 member")
    beliefs = _best_beliefs(llm)
    kept = set(data.graph.directed_edges)  # compelled marks that close no cycle
    orients = tuple(
        _orientation(e, beliefs.get(frozenset((e.source, e.target))), threshold,
                     demoted=e.kind == "->" and (e.source, e.target) not in kept)
        for e in data.edges)
    search = _Search(data, orients, budget=200 * limit)
    graphs: list[CausalGraph] = []
    complete = True
    for g in search.run([]):
        if len(graphs) == limit:
            complete = False
            break
        graphs.append(g)
    complete = complete and not search.exhausted
    return ClassMembers(tuple(graphs), orients, complete, limit, threshold)
