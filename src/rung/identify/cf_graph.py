"""Parallel-worlds graphs (make-pw) and counterfactual graphs (make-cg).

Reference
---------
Shpitser, I. & Pearl, J. (2008). Complete identification methods for the causal
hierarchy. JMLR 9, 1941-1979: Section 6 (parallel worlds), Lemmas 24-25 (merging), and
Figure 7 (make-cg). Also Shpitser & Pearl (2007), UAI, "What counterfactuals can be tested".

A world is one intervention set ``do(x)``. The parallel-worlds graph holds one copy
``V_x`` of every observed ``V`` per world (a *fixed* node when ``V ∈ x``), all copies
sharing the latents of ``G``: ``V_x <-> V_z`` (the same ``U_V``) and ``V_x <-> W_z``
whenever ``V <-> W`` in ``G``. make-cg then merges, in a topological order, the copies
of a variable whose parents are the same node or attain the same value (fixed by an
intervention or observed in the event): Lemma 24 says they are the same random variable,
and Lemma 25 that the merged model agrees with the original on the event. An event that
then gives one node two values is inconsistent (its probability is 0). Last, only the
ancestors of the event's nodes are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rung.graph import CausalGraph
from rung.identify.cf_estimand import Val, show_value

__all__ = ["Atom", "CfNode", "CounterfactualGraph", "Fixed", "ParallelWorlds", "World",
           "make_cg", "make_pw"]

World = frozenset[tuple[str, Val]]


def _world_text(world: World) -> str:
    return ", ".join(f"{v}={show_value(x)}" for v, x in sorted(world, key=lambda t: t[0]))


@dataclass(frozen=True)
class CfNode:
    """The counterfactual variable ``variable`` in ``world`` (a node of a cg)."""

    variable: str
    world: World

    def to_text(self) -> str:
        """``Y[X=1]`` or ``Y``."""
        return f"{self.variable}[{_world_text(self.world)}]" if self.world else self.variable


@dataclass(frozen=True)
class Fixed:
    """A node fixed by intervention: ``variable = value`` in some world."""

    variable: str
    value: Val

    def to_text(self) -> str:
        """``X=1``."""
        return f"{self.variable}={show_value(self.value)}"


@dataclass(frozen=True)
class Atom:
    """One event ``variable_world = value`` as ID* handles it (values may be symbols)."""

    variable: str
    world: World
    value: Val

    @property
    def node(self) -> CfNode:
        """The parallel-worlds node of the event."""
        return CfNode(self.variable, self.world)

    def own_value(self) -> Val | None:
        """The value the world sets for the event's own variable (``X_x``), or None."""
        return next((x for v, x in self.world if v == self.variable), None)

    def to_text(self) -> str:
        """``Y[X=1]=1``."""
        return f"{CfNode(self.variable, self.world).to_text()}={show_value(self.value)}"


@dataclass(frozen=True)
class ParallelWorlds:
    """The parallel-worlds graph: nodes per world, directed and bidirected edges."""

    worlds: tuple[World, ...]
    nodes: tuple[CfNode | Fixed, ...]
    directed: tuple[tuple[CfNode | Fixed, CfNode], ...]
    bidirected: tuple[tuple[CfNode, CfNode], ...]


def _sorted_worlds(worlds: set[World]) -> tuple[World, ...]:
    return tuple(sorted(worlds, key=lambda w: (len(w), _world_text(w))))


def _copy(v: str, world: World) -> CfNode | Fixed:
    x = next((val for name, val in world if name == v), None)
    return CfNode(v, world) if x is None else Fixed(v, x)


def make_pw(graph: CausalGraph, worlds: set[World]) -> ParallelWorlds:
    """The parallel-worlds graph of ``graph`` for ``worlds`` (Shpitser & Pearl 2008, §6).

    Examples
    --------
    >>> pw = make_pw(CausalGraph.from_edges("X -> Y"), {frozenset(), frozenset({("X", 1)})})
    >>> [n.to_text() for n in pw.nodes]
    ['X', 'Y', 'X=1', 'Y[X=1]']
    >>> [(a.to_text(), b.to_text()) for a, b in pw.bidirected]
    [('Y', 'Y[X=1]')]
    """
    g = graph.projected()
    order = _sorted_worlds(worlds)
    nodes = [_copy(v, w) for w in order for v in g.topological_order()]
    directed = [(_copy(a, w), CfNode(b, w)) for w in order for a, b in g.directed_edges
                if isinstance(_copy(b, w), CfNode)]
    random = [n for n in nodes if isinstance(n, CfNode)]
    bidirected = []
    for i, a in enumerate(random):
        for b in random[i + 1:]:
            if a.variable == b.variable or b.variable in g.spouses(a.variable):
                bidirected.append((a, b))
    return ParallelWorlds(order, tuple(nodes), tuple(directed), tuple(bidirected))


@dataclass(frozen=True)
class CounterfactualGraph:
    """A counterfactual graph ``G'`` with its relabelled event ``γ'``.

    ``parents[n]`` pairs each parent variable of ``n.variable`` in ``G`` with the node (or
    fixed value) it takes in ``G'``; ``node_of`` maps each atom of the input event to its
    node after merging. Two nodes are joined by a bidirected edge when they copy the same
    variable or two variables joined by one in ``G``.
    """

    graph: CausalGraph
    nodes: tuple[CfNode, ...]
    parents: dict[CfNode, tuple[tuple[str, CfNode | Fixed], ...]]
    event: dict[CfNode, Val]
    node_of: dict[Atom, CfNode | Fixed] = field(repr=False)

    def confounded(self, a: CfNode, b: CfNode) -> bool:
        """True when ``a`` and ``b`` share a latent parent."""
        return a.variable == b.variable or b.variable in self.graph.spouses(a.variable)

    def districts(self) -> list[tuple[CfNode, ...]]:
        """The districts (c-components) of ``G'``, in node order."""
        left = list(self.nodes)
        out: list[tuple[CfNode, ...]] = []
        while left:
            comp = [left.pop(0)]
            i = 0
            while i < len(comp):
                near = [m for m in left if self.confounded(comp[i], m)]
                comp.extend(near)
                left = [m for m in left if m not in near]
                i += 1
            out.append(tuple(n for n in self.nodes if n in comp))
        return out

    def ancestors(self, start: set[CfNode]) -> set[CfNode]:
        """``start`` and its ancestors among the random nodes of ``G'``."""
        seen = set(start)
        stack = list(start)
        while stack:
            for _, p in self.parents[stack.pop()]:
                if isinstance(p, CfNode) and p not in seen:
                    seen.add(p)
                    stack.append(p)
        return seen

    def fixed_ancestors(self, node: CfNode) -> set[tuple[str, Val]]:
        """``{(X, x)}`` for the fixed nodes that are ancestors of ``node``: its real subscript."""
        out: set[tuple[str, Val]] = set()
        for n in self.ancestors({node}):
            out.update((p.variable, p.value) for _, p in self.parents[n] if isinstance(p, Fixed))
        return out

    def to_json(self) -> dict[str, Any]:
        """Nodes, edges and the event, as text."""
        directed = [[p.to_text(), n.to_text()] for n in self.nodes for _, p in self.parents[n]]
        bidirected = [[a.to_text(), b.to_text()] for i, a in enumerate(self.nodes)
                      for b in self.nodes[i + 1:] if self.confounded(a, b)]
        return {"nodes": [n.to_text() for n in self.nodes], "directed": directed,
                "bidirected": bidirected,
                "event": {n.to_text(): show_value(v) for n, v in self.event.items()}}


class _Merger:
    """make-cg's state: node classes per (variable, world) and observed values per node."""

    def __init__(self, graph: CausalGraph, atoms: tuple[Atom, ...],
                 observed: tuple[Atom, ...]) -> None:
        self.g = graph.projected()
        self.atoms = atoms
        self.observed = set(observed)
        self.known: dict[CfNode, Val] = {}
        self.worlds = _sorted_worlds({a.world for a in atoms})
        self.cls: dict[tuple[str, World], CfNode | Fixed] = {}
        self.parents: dict[CfNode, tuple[tuple[str, CfNode | Fixed], ...]] = {}
        self.event: dict[CfNode, Val] = {}

    def ref(self, p: CfNode | Fixed) -> tuple[str, Any]:
        """A parent as Lemma 24 compares it: by value when known, else by identity."""
        if isinstance(p, Fixed):
            return ("value", p.value)
        if p in self.known:
            return ("value", self.known[p])
        return ("node", p)

    def merge_variable(self, v: str) -> bool:
        """Classes of the copies of ``v`` (Lemmas 24-25); False when an event is inconsistent."""
        pa = sorted(self.g.parents(v))
        groups: dict[tuple[tuple[str, Any], ...], CfNode] = {}
        for w in self.worlds:
            c = _copy(v, w)
            if isinstance(c, Fixed):
                self.cls[(v, w)] = c
                continue
            ps = tuple((p, self.cls[(p, w)]) for p in pa)
            key = tuple(self.ref(n) for _, n in ps)
            if key not in groups:
                groups[key] = c
                self.parents[c] = ps
            self.cls[(v, w)] = groups[key]
        for a in self.atoms:
            if a.variable != v:
                continue
            n = self.cls[(v, a.world)]
            if isinstance(n, Fixed):
                continue
            if self.event.setdefault(n, a.value) != a.value:
                return False  # line 5 of ID*: one node, two values
            if a in self.observed:
                self.known[n] = a.value
        return True


def make_cg(graph: CausalGraph, atoms: tuple[Atom, ...],
            merge_on: tuple[Atom, ...] | None = None) -> CounterfactualGraph | None:
    """The counterfactual graph of the event ``atoms``, or None when it is inconsistent.

    Copies are merged on the observed values of the atoms of ``merge_on`` (default: all of
    ``atoms``). IDC* merges on ``δ`` only: Lemma 25's merged model agrees with the original
    on events that contain the observations it merged on, and ``P(δ)`` must be one of them.

    Examples
    --------
    >>> g = CausalGraph.from_edges("X -> W -> Y; D -> Z -> Y; X <-> Y")
    >>> x1, d0 = frozenset({("X", 1)}), frozenset({("D", 0)})
    >>> cg = make_cg(g, (Atom("Y", x1, 1), Atom("X", frozenset(), 0), Atom("Z", d0, 1),
    ...                  Atom("D", frozenset(), 0)))
    >>> sorted(n.to_text() for n in cg.nodes)
    ['D', 'W[X=1]', 'X', 'Y[X=1]', 'Z']
    """
    m = _Merger(graph, atoms, atoms if merge_on is None else merge_on)
    for v in m.g.topological_order():
        if not m.merge_variable(v):
            return None
    event_nodes = {n for a in atoms if isinstance(n := m.cls[(a.variable, a.world)], CfNode)}
    keep: set[CfNode] = set()
    stack = list(event_nodes)
    while stack:
        n = stack.pop()
        if n in keep:
            continue
        keep.add(n)
        stack.extend(p for _, p in m.parents[n] if isinstance(p, CfNode))
    order = [m.cls[(v, w)] for w in m.worlds for v in m.g.topological_order()]
    nodes: list[CfNode] = []
    for n in order:
        if isinstance(n, CfNode) and n in keep and n not in nodes:
            nodes.append(n)
    node_of = {a: m.cls[(a.variable, a.world)] for a in atoms}
    return CounterfactualGraph(
        graph=m.g, nodes=tuple(nodes), parents={n: m.parents[n] for n in nodes},
        event={n: v for n, v in m.event.items() if n in keep}, node_of=node_of)
