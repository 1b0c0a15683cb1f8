"""Equivalence classes of causal graphs: CPDAGs, MPDAGs and PAGs with their edge marks.

A CPDAG (PC, GES) stands for every DAG with its skeleton and v-structures (Verma & Pearl
1990; Chickering 1995); a maximally oriented PDAG (MPDAG) for those of them that also keep
some background-knowledge orientations (Meek 1995); a PAG (FCI) for a class of MAGs
(Richardson & Spirtes 2002; Zhang 2008). Marks follow causal-learn: ``-`` tail, ``>``
arrowhead, ``o`` circle. Orientation propagation uses Meek's rules R1-R4; a PDAG's
consistent extension is found with the algorithm of Dor & Tarsi (1992). The members of any
class (DAGs of a CPDAG, mark-keeping ancestral graphs of a PAG) are enumerated by
:meth:`EquivalenceClass.members`, whose edge options a caller may narrow.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations
from typing import Any, Literal, Protocol

from rung.graph import CausalGraph, CycleError
from rung.identify._member_search import (
    EdgeChoice,
    EdgeOptions,
    TooManyMembersError,
    search_members,
)

__all__ = [
    "MEMBER_CHOICES",
    "ClassKind",
    "EdgeChoice",
    "EdgeOptions",
    "EquivalenceClass",
    "Mark",
    "OrientationConflict",
    "TooManyMembersError",
    "meek_closure",
    "v_structures",
]

Mark = Literal["-", ">", "o"]
ClassKind = Literal["cpdag", "pag"]
_EDGE_MARKS: dict[str, tuple[Mark, Mark]] = {
    "->": ("-", ">"), "--": ("-", "-"), "<->": (">", ">"), "o->": ("o", ">"),
    "o-o": ("o", "o"),
}
#: the orientations a member may give an edge of each kind (``a o-> b``: the arrowhead at
#: ``b`` stays, the circle is a tail or an arrowhead)
MEMBER_CHOICES: Mapping[str, tuple[EdgeChoice, ...]] = {
    "->": ("->",), "--": ("->", "<-"), "o->": ("->", "<->"), "o-o": ("->", "<-", "<->"),
    "<->": ("<->",),
}


class OrientationConflict(ValueError):
    """Requested orientations contradict the class (a cycle or a new v-structure)."""


class _EdgeLike(Protocol):
    @property
    def source(self) -> str: ...

    @property
    def target(self) -> str: ...

    @property
    def kind(self) -> str: ...


class _DiscoveryLike(Protocol):
    method: str
    nodes: tuple[str, ...]
    edges: list[Any]


Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class EquivalenceClass:
    """A CPDAG/MPDAG (``kind="cpdag"``) or a PAG (``kind="pag"``) over ``nodes``.

    Attributes
    ----------
    nodes : tuple of str
    directed : pairs ``(a, b)`` for ``a -> b``
    undirected : pairs for ``a -- b`` (direction unknown, CPDAG)
    bidirected : pairs for ``a <-> b`` (PAG: a latent confounder)
    partially_directed : pairs for ``a o-> b`` (PAG)
    nondirected : pairs for ``a o-o b`` (PAG)
    kind : ``"cpdag"`` (a class of DAGs) or ``"pag"`` (a class of MAGs)

    Examples
    --------
    >>> c = EquivalenceClass.from_dag(CausalGraph.from_edges("A -> B -> C; D -> B"))
    >>> c.directed, c.undirected
    ((('A', 'B'), ('B', 'C'), ('D', 'B')), ())
    >>> EquivalenceClass.from_dag(CausalGraph.from_edges("A -> B -> C")).undirected
    (('A', 'B'), ('B', 'C'))
    """

    nodes: tuple[str, ...]
    directed: Pairs = ()
    undirected: Pairs = ()
    bidirected: Pairs = ()
    partially_directed: Pairs = ()
    nondirected: Pairs = ()
    kind: ClassKind = "cpdag"
    _marks: dict[str, dict[str, Mark]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        known = set(self.nodes)
        marks: dict[str, dict[str, Mark]] = {n: {} for n in self.nodes}
        for kind, pairs in self._groups():
            for a, b in pairs:
                for n in (a, b):
                    if n not in known:
                        raise ValueError(f"edge {a} {kind} {b} names {n!r}, not one of the "
                                         f"nodes {list(self.nodes)}; add it to nodes")
                if a == b or b in marks[a]:
                    raise ValueError(f"edge {a} {kind} {b} is a self-loop or a second edge "
                                     "between the same pair; keep one edge per pair")
                marks[a][b], marks[b][a] = _EDGE_MARKS[kind][1], _EDGE_MARKS[kind][0]
        if self.kind == "cpdag" and (self.bidirected or self.partially_directed
                                     or self.nondirected):
            raise ValueError("a CPDAG has only -> and -- edges; use kind='pag' for <->, o->, o-o")
        object.__setattr__(self, "_marks", marks)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_edges(cls, nodes: Iterable[str], edges: Iterable[_EdgeLike],
                   kind: ClassKind | None = None) -> EquivalenceClass:
        """Build from edges with ``source``, ``target`` and ``kind`` (``->``, ``--``, ...),
        e.g. :class:`rung.discover.DiscoveredEdge`. ``kind`` defaults to ``"pag"`` when a
        ``<->`` or circle mark is present."""
        groups: dict[str, list[tuple[str, str]]] = {k: [] for k in _EDGE_MARKS}
        for e in edges:
            if e.kind not in groups:
                raise ValueError(f"unknown edge kind {e.kind!r}; use one of {list(groups)}")
            groups[e.kind].append((e.source, e.target))
        mixed = bool(groups["<->"] or groups["o->"] or groups["o-o"])
        return cls(tuple(nodes), tuple(groups["->"]), tuple(groups["--"]), tuple(groups["<->"]),
                   tuple(groups["o->"]), tuple(groups["o-o"]),
                   kind or ("pag" if mixed else "cpdag"))

    @classmethod
    def from_discovery(cls, result: _DiscoveryLike) -> EquivalenceClass:
        """The class a :class:`rung.discover.DiscoveryResult` describes: a PAG for FCI, and
        for PC/GES a CPDAG, or a PAG when conflicting v-structures left ``<->`` edges (then
        ``--`` edges are read as ``o-o``: the direction is open and confounding possible)."""
        edges = list(result.edges)
        if result.method != "fci" and any(e.kind == "<->" for e in edges):
            return cls.from_edges(result.nodes, [_Edge(e.source, e.target,
                                                       "o-o" if e.kind == "--" else e.kind)
                                                 for e in edges], "pag")
        return cls.from_edges(result.nodes, edges, "pag" if result.method == "fci" else "cpdag")

    @classmethod
    def from_dag(cls, dag: CausalGraph) -> EquivalenceClass:
        """The CPDAG of a DAG: its skeleton, v-structures, and Meek's rules R1-R3."""
        if dag.projected().bidirected_edges:
            raise ValueError("from_dag needs a DAG; the graph has bidirected edges")
        nodes = dag.projected().nodes
        edges = set(dag.projected().directed_edges)
        parents = {n: {a for a, b in edges if b == n} for n in nodes}
        adj = {frozenset(e) for e in edges}
        compelled: set[tuple[str, str]] = set()
        for c in nodes:
            for p, q in combinations(sorted(parents[c]), 2):
                if frozenset((p, q)) not in adj:
                    compelled |= {(p, c), (q, c)}
        undirected = {frozenset(e) for e in edges} - {frozenset(e) for e in compelled}
        return cls._closed(nodes, compelled, undirected)

    @classmethod
    def _closed(cls, nodes: tuple[str, ...], directed: set[tuple[str, str]],
                undirected: set[frozenset[str]]) -> EquivalenceClass:
        d, u = meek_closure(nodes, directed, undirected)
        return cls(nodes, tuple(sorted(d)), tuple(sorted(_ordered(e) for e in u)))

    # ------------------------------------------------------------------ views
    def mark(self, u: str, v: str) -> Mark | None:
        """The mark at ``v`` on the edge between ``u`` and ``v`` (None: not adjacent)."""
        return self._marks[u].get(v)

    def neighbors(self, v: str) -> tuple[str, ...]:
        """Nodes adjacent to ``v``."""
        return tuple(self._marks[v])

    def adjacent(self, a: str, b: str) -> bool:
        """True when ``a`` and ``b`` share an edge of any kind."""
        return b in self._marks[a]

    def parents(self, v: str) -> frozenset[str]:
        """Definite parents: ``p -> v``."""
        return frozenset(p for p, m in self._marks[v].items()
                         if m == "-" and self._marks[p][v] == ">")

    def siblings(self, v: str) -> frozenset[str]:
        """Undirected neighbours: ``s -- v``."""
        return frozenset(s for s, m in self._marks[v].items()
                         if m == "-" and self._marks[s][v] == "-")

    def check_node(self, v: str) -> str:
        """Return ``v`` or raise ValueError naming it and the nodes."""
        if v not in self._marks:
            raise ValueError(f"{v!r} is not a node of the class; nodes are {list(self.nodes)}")
        return v

    @cached_property
    def is_dag(self) -> bool:
        """True when every edge is directed (the class has one member)."""
        return self.kind == "cpdag" and not self.undirected

    def to_graph(self) -> CausalGraph:
        """The class as a :class:`CausalGraph` when it is a single DAG."""
        if not self.is_dag:
            raise ValueError("the class still has undirected edges; use members() instead")
        return CausalGraph(directed=self.directed, nodes=self.nodes)

    def edge_strings(self) -> list[str]:
        """Every edge as text, e.g. ``['A -> B', 'B -- C']``."""
        return [f"{a} {k} {b}" for k, pairs in self._groups() for a, b in pairs]

    # ------------------------------------------------------------------ operations
    def orient(self, orientations: Iterable[tuple[str, str]]) -> EquivalenceClass:
        """The MPDAG after orienting undirected edges ``a -- b`` as ``a -> b`` (Meek R1-R4).

        Raises
        ------
        OrientationConflict
            An orientation reverses a directed edge, names a non-adjacent pair, or the
            result has a cycle or a new v-structure.
        """
        if self.kind != "cpdag":
            raise ValueError("orient() works on a CPDAG/MPDAG; this class is a PAG")
        directed = set(self.directed)
        undirected = {frozenset(e) for e in self.undirected}
        for a, b in orientations:
            if (a, b) in directed:
                continue
            if frozenset((a, b)) not in undirected:
                raise OrientationConflict(f"{a} -> {b} is not an undirected edge of the class; "
                                          "orient only -- edges")
            undirected.discard(frozenset((a, b)))
            directed.add((a, b))
        d, u = meek_closure(self.nodes, directed, undirected)
        out = EquivalenceClass(self.nodes, tuple(sorted(d)),
                               tuple(sorted(_ordered(e) for e in u)))
        before = v_structures(self.nodes, self.directed, self.undirected)
        if v_structures(self.nodes, d, u) != before or not out.is_extendable():
            raise OrientationConflict("the orientations create a cycle or a new v-structure")
        return out

    def is_extendable(self) -> bool:
        """True when some DAG keeps every directed edge and adds no v-structure (Dor &
        Tarsi 1992)."""
        return self.consistent_extension() is not None

    def consistent_extension(self) -> CausalGraph | None:
        """A DAG extending this PDAG without new v-structures (Dor & Tarsi 1992), or None."""
        if self.kind != "cpdag":
            raise ValueError("consistent_extension() works on a CPDAG/MPDAG, not on a PAG")
        left = set(self.nodes)
        directed = set(self.directed)
        undirected = {frozenset(e) for e in self.undirected}
        out: list[tuple[str, str]] = list(directed)
        while left:
            sink = next((v for v in sorted(left) if _removable(v, left, directed, undirected)),
                        None)
            if sink is None:
                return None
            for e in [e for e in undirected if sink in e]:
                (other,) = e - {sink}
                out.append((other, sink))
                undirected.discard(e)
            directed = {(a, b) for a, b in directed if sink not in (a, b)}
            left.discard(sink)
        try:
            return CausalGraph(directed=out, nodes=self.nodes)
        except CycleError:  # pragma: no cover - Dor-Tarsi never closes a cycle
            return None

    def _groups(self) -> tuple[tuple[str, Pairs], ...]:
        return (("->", self.directed), ("--", self.undirected), ("<->", self.bidirected),
                ("o->", self.partially_directed), ("o-o", self.nondirected))

    def edge_options(self) -> tuple[EdgeOptions, ...]:
        """Every edge with the orientations its marks allow a member (:data:`MEMBER_CHOICES`).

        Examples
        --------
        >>> c = EquivalenceClass(("A", "B", "C"), directed=(("A", "B"),),
        ...                      partially_directed=(("C", "B"),), kind="pag")
        >>> [(e.source, e.target, e.choices) for e in c.edge_options()]
        [('A', 'B', ('->',)), ('C', 'B', ('->', '<->'))]
        """
        return tuple(EdgeOptions(a, b, MEMBER_CHOICES[k]) for k, pairs in self._groups()
                     for a, b in pairs)

    def members(self, limit: int = 10_000, *, options: Sequence[EdgeOptions] | None = None,
                max_steps: int | None = None) -> Iterator[CausalGraph]:
        """Every member of the class: acyclic, ancestral, with the class's marks and no
        unshielded collider the class lacks.

        For a CPDAG/MPDAG these are its DAGs (Verma & Pearl 1990; Meek 1995). For a PAG
        they are the ancestral graphs (``->`` and ``<->``, no selection) that keep every
        arrowhead and tail of the PAG and add no unshielded collider: its MAGs and possibly
        a few more, since maximality and discriminating-path colliders are not checked
        (Zhang 2008). Depth-first, one edge at a time (:mod:`rung.identify._member_search`).

        Parameters
        ----------
        limit : int
            The most members to list.
        options : sequence of EdgeOptions or None
            One entry per edge of the class, in the order to orient them; ``None``:
            :meth:`edge_options`. A caller narrows an edge (background knowledge) or, with
            ``free=True``, widens it beyond its marks (an edge whose evidence is contested;
            it is then exempt from the collider rule).
        max_steps : int or None
            The most orientations to try (``None``: no bound).

        Raises
        ------
        TooManyMembersError
            More than ``limit`` members, or more than ``max_steps`` orientations tried.

        Examples
        --------
        >>> tri = EquivalenceClass(("A", "B", "C"), undirected=(("A", "B"), ("B", "C"),
        ...                                                     ("A", "C")))
        >>> len(list(tri.members()))
        6
        >>> pag = EquivalenceClass(("A", "B", "C"), partially_directed=(("A", "B"),),
        ...                        directed=(("B", "C"),), kind="pag")
        >>> sorted(g.to_edge_string() for g in pag.members())
        ['B -> C; A -> B', 'B -> C; A <-> B']
        """
        edges = self.edge_options() if options is None else self._checked_options(options)
        found = search_members(self.nodes, edges, self._collider_checks(edges), max_steps)
        for count, g in enumerate(found, start=1):
            if count > limit:
                raise TooManyMembersError(f"the class has more than limit={limit} members; "
                                          "raise the limit or use local IDA")
            yield g

    def _checked_options(self, options: Sequence[EdgeOptions]) -> list[EdgeOptions]:
        """``options`` when they name each edge of the class once."""
        edges = [frozenset((o.source, o.target)) for o in options]
        mine = {frozenset(p) for _, pairs in self._groups() for p in pairs}
        if len(set(edges)) != len(edges) or set(edges) != mine:
            extra = sorted(sorted(e) for e in set(edges) - mine)
            missing = sorted(sorted(e) for e in mine - set(edges))
            raise ValueError(f"options must name every edge of the class once (not in the "
                             f"class: {extra}; missing: {missing}; or an edge twice)")
        return list(options)

    def _collider_checks(self, edges: Sequence[EdgeOptions]) -> list[list[tuple[int, str]]]:
        """Per edge j: the ``(i < j, middle)`` whose unshielded triple must stay a
        non-collider (neither edge free, and the class has no collider there)."""
        at: dict[str, list[int]] = {n: [] for n in self.nodes}
        for i, e in enumerate(edges):
            at[e.source].append(i)
            at[e.target].append(i)
        checks: list[list[tuple[int, str]]] = [[] for _ in edges]
        for mid, incident in at.items():
            for i, j in combinations(incident, 2):
                a, b = (next(v for v in (edges[k].source, edges[k].target) if v != mid)
                        for k in (i, j))
                if self.adjacent(a, b) or edges[i].free or edges[j].free:
                    continue
                if self.mark(a, mid) == ">" and self.mark(b, mid) == ">":
                    continue  # the class's own collider
                checks[j].append((i, mid))
        return checks

    # ------------------------------------------------------------------ JSON
    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "nodes": list(self.nodes),
                "directed": [list(e) for e in self.directed],
                "undirected": [list(e) for e in self.undirected],
                "bidirected": [list(e) for e in self.bidirected],
                "partially_directed": [list(e) for e in self.partially_directed],
                "nondirected": [list(e) for e in self.nondirected]}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> EquivalenceClass:
        """Rebuild a class saved by :meth:`to_json`."""
        def pairs(key: str) -> Pairs:
            return tuple((str(a), str(b)) for a, b in obj.get(key, []))
        return cls(tuple(obj["nodes"]), pairs("directed"), pairs("undirected"),
                   pairs("bidirected"), pairs("partially_directed"), pairs("nondirected"),
                   obj.get("kind", "cpdag"))


def _ordered(pair: Iterable[str]) -> tuple[str, str]:
    a, b = sorted(pair)
    return a, b


@dataclass(frozen=True)
class _Edge:
    source: str
    target: str
    kind: str


def _removable(v: str, left: set[str], directed: set[tuple[str, str]],
               undirected: set[frozenset[str]]) -> bool:
    """Dor-Tarsi: ``v`` is a sink and each undirected neighbour is adjacent to all of v's
    other neighbours."""
    if any(a == v for a, _ in directed):
        return False
    adj = {a if b == v else b for a, b in directed if v in (a, b)}
    und = {next(iter(e - {v})) for e in undirected if v in e}
    adj |= und
    adjacent = {frozenset(e) for e in directed} | undirected
    return all(frozenset((s, t)) in adjacent for s in und for t in adj if t != s)


def v_structures(nodes: Iterable[str], directed: Iterable[tuple[str, str]],
                 undirected: Iterable[Iterable[str]] = ()) -> frozenset[tuple[str, str, str]]:
    """Unshielded colliders ``a -> c <- b`` (``a < b``): ``a`` and ``b`` joined by neither a
    directed nor an undirected edge.

    Examples
    --------
    >>> sorted(v_structures("ABC", {("A", "C"), ("B", "C")}))
    [('A', 'C', 'B')]
    """
    directed = set(directed)
    parents: dict[str, set[str]] = {n: set() for n in nodes}
    for a, b in directed:
        parents[b].add(a)
    adj = {frozenset(e) for e in directed} | {frozenset(e) for e in undirected}
    return frozenset((a, c, b) for c, ps in parents.items() for a, b in combinations(sorted(ps), 2)
                     if frozenset((a, b)) not in adj)


def meek_closure(nodes: Iterable[str], directed: set[tuple[str, str]],
                 undirected: set[frozenset[str]]) -> tuple[set[tuple[str, str]],
                                                            set[frozenset[str]]]:
    """Apply Meek's (1995) rules R1-R4 until nothing changes."""
    d, u = set(directed), set(undirected)
    nodes = tuple(nodes)

    def adj(a: str, b: str) -> bool:
        return (a, b) in d or (b, a) in d or frozenset((a, b)) in u

    changed = True
    while changed:
        changed = False
        for e in sorted(u, key=sorted):
            a, b = sorted(e)
            for s, t in ((a, b), (b, a)):
                if _meek_orients(s, t, nodes, d, u, adj):
                    u.discard(e)
                    d.add((s, t))
                    changed = True
                    break
    return d, u


def _meek_orients(a: str, b: str, nodes: tuple[str, ...], d: set[tuple[str, str]],
                  u: set[frozenset[str]], adj: Any) -> bool:
    """True when one of Meek's rules orients the undirected edge ``a -- b`` as ``a -> b``."""
    into_a = [c for c in nodes if (c, a) in d]
    if any(not adj(c, b) for c in into_a):  # R1: c -> a -- b
        return True
    if any((a, c) in d and (c, b) in d for c in nodes):  # R2: a -> c -> b
        return True
    und_a = [c for c in nodes if frozenset((a, c)) in u and c != b]
    into_b = [c for c in und_a if (c, b) in d]
    if any(not adj(c1, c2) for c1, c2 in combinations(into_b, 2)):  # R3
        return True
    # R4: a -- c -> e -> b with c not adjacent to b, and a adjacent to e
    return any((c, e) in d and (e, b) in d and not adj(c, b) and adj(a, e)
               for c in und_a for e in nodes)
