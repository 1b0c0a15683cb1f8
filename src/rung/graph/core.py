"""The immutable :class:`CausalGraph`: a DAG or ADMG with optional explicit latent nodes.

A bidirected edge ``X <-> Y`` stands for an unobserved common cause of ``X`` and ``Y``.
Explicit latent nodes (``U [latent]`` in dagitty) are kept as written and projected to
bidirected edges on demand (latent projection, Verma & Pearl 1990; Tian & Pearl 2002).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from types import MappingProxyType
from typing import Any

from rung.graph.errors import CycleError, GraphError, SelfLoopError, UnknownNodeError
from rung.graph.names import check_node_name

__all__ = ["CausalGraph", "EdgeAttrKey", "NodeSet", "as_node_set"]

NodeSet = str | Iterable[str]
#: ``(a, "->", b)`` for the directed edge ``a -> b``; ``(a, "<->", b)`` (``a <= b``) for ``a <-> b``
EdgeAttrKey = tuple[str, str, str]


def as_node_set(nodes: NodeSet) -> frozenset[str]:
    """Turn a node name or an iterable of names into a frozenset.

    Examples
    --------
    >>> sorted(as_node_set("X"))
    ['X']
    >>> sorted(as_node_set(["X", "Y"]))
    ['X', 'Y']
    """
    if isinstance(nodes, str):
        return frozenset((nodes,))
    return frozenset(nodes)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _read_edges(pairs: Iterable[tuple[str, str]], mark: str, order: dict[str, None]
                ) -> dict[tuple[str, str], None]:
    """The ``mark`` edges (``->`` or ``<->``, the latter as sorted pairs) in first-seen order,
    without repeats; their ends join ``order``. A self-loop raises :class:`SelfLoopError`."""
    out: dict[tuple[str, str], None] = {}
    for a, b in pairs:
        a, b = str(a), str(b)
        if a == b:
            raise SelfLoopError(a, mark)
        order.setdefault(a, None)
        order.setdefault(b, None)
        out.setdefault(_pair(a, b) if mark == "<->" else (a, b), None)
    return out


class CausalGraph:
    """An immutable causal graph with directed, bidirected and latent structure.

    Parameters
    ----------
    directed : iterable of (str, str)
        Directed edges ``(cause, effect)``.
    bidirected : iterable of (str, str)
        Bidirected edges: each is an unobserved common cause of its two ends.
    nodes : iterable of str, optional
        Extra (possibly isolated) nodes; order is kept for display.
    latent : iterable of str, optional
        Explicit latent (unobserved) nodes among the nodes.
    attributes : mapping, optional
        Per-node attributes (e.g. dagitty's ``exposure``/``outcome``/``adjusted``/``pos``),
        kept for round trips. Values are strings; a flag attribute has the value ``""``.
    graph_attributes : mapping, optional
        Attributes of the whole graph (e.g. dagitty.net's bounding box ``bb``).
    edge_attributes : mapping, optional
        Per-edge attributes (e.g. dagitty.net's curve control point ``pos``), keyed by
        ``(a, "->", b)`` or ``(a, "<->", b)``; bidirected keys may name the ends in any order.

    Raises
    ------
    SelfLoopError
        An edge ``X -> X`` or ``X <-> X``.
    InvalidNameError
        A node name is empty or holds a control or invisible character (it is named).
    GraphError
        An edge attribute names an edge that is not in the graph.
    CycleError
        The directed edges contain a cycle (the cycle is named).

    Examples
    --------
    >>> g = CausalGraph(directed=[("X", "M"), ("M", "Y")], bidirected=[("X", "Y")])
    >>> g.nodes
    ('X', 'M', 'Y')
    >>> sorted(g.parents("Y"))
    ['M']
    >>> [sorted(c) for c in g.c_components()]
    [['X', 'Y'], ['M']]
    """

    __slots__ = (
        "__dict__",
        "_attrs",
        "_bidirected",
        "_directed",
        "_edge_attrs",
        "_graph_attrs",
        "_latent",
        "_order",
    )

    def __init__(
        self,
        directed: Iterable[tuple[str, str]] = (),
        bidirected: Iterable[tuple[str, str]] = (),
        nodes: Iterable[str] = (),
        latent: Iterable[str] = (),
        attributes: Mapping[str, Mapping[str, str]] | None = None,
        graph_attributes: Mapping[str, str] | None = None,
        edge_attributes: Mapping[EdgeAttrKey, Mapping[str, str]] | None = None,
    ) -> None:
        order: dict[str, None] = {}
        for n in nodes:
            order.setdefault(str(n), None)
        dir_edges = _read_edges(directed, "->", order)
        bi_edges = _read_edges(bidirected, "<->", order)
        lat = frozenset(str(n) for n in latent)
        for n in sorted(lat):
            order.setdefault(n, None)
        attrs = {str(k): dict(v) for k, v in (attributes or {}).items()}
        for n in attrs:
            order.setdefault(n, None)
        for n in order:
            check_node_name(n)
        self._order: tuple[str, ...] = tuple(order)
        self._directed: tuple[tuple[str, str], ...] = tuple(dir_edges)
        self._bidirected: tuple[tuple[str, str], ...] = tuple(bi_edges)
        self._latent = lat
        self._attrs: Mapping[str, Mapping[str, str]] = MappingProxyType(
            {k: MappingProxyType(v) for k, v in attrs.items()}
        )
        self._graph_attrs: Mapping[str, str] = MappingProxyType(
            {str(k): str(v) for k, v in (graph_attributes or {}).items()}
        )
        self._edge_attrs = self._edge_attr_map(edge_attributes or {}, dir_edges, bi_edges)
        self._check_acyclic()

    @staticmethod
    def _edge_attr_map(
        given: Mapping[EdgeAttrKey, Mapping[str, str]],
        directed: Mapping[tuple[str, str], None],
        bidirected: Mapping[tuple[str, str], None],
    ) -> Mapping[EdgeAttrKey, Mapping[str, str]]:
        out: dict[EdgeAttrKey, Mapping[str, str]] = {}
        for (a, kind, b), attrs in given.items():
            if kind == "<->":
                a, b = _pair(a, b)
            known = (a, b) in (directed if kind == "->" else bidirected)
            if kind not in ("->", "<->") or not known:
                raise GraphError(
                    f"edge attributes {dict(attrs)} are given for {a} {kind} {b}, which is not "
                    "an edge of the graph; attach them to an existing '->' or '<->' edge"
                )
            if attrs:
                out[(a, kind, b)] = MappingProxyType({str(k): str(v) for k, v in attrs.items()})
        return MappingProxyType(out)

    # ------------------------------------------------------------------ basic views
    @property
    def nodes(self) -> tuple[str, ...]:
        """Observed nodes, in the order they were first mentioned."""
        return tuple(n for n in self._order if n not in self._latent)

    @property
    def all_nodes(self) -> tuple[str, ...]:
        """Observed and explicit latent nodes."""
        return self._order

    @property
    def latent(self) -> frozenset[str]:
        """Explicit latent nodes."""
        return self._latent

    @property
    def directed_edges(self) -> tuple[tuple[str, str], ...]:
        """Directed edges ``(cause, effect)`` as written (latent nodes included)."""
        return self._directed

    @property
    def bidirected_edges(self) -> tuple[tuple[str, str], ...]:
        """Bidirected edges as written, each pair in sorted order."""
        return self._bidirected

    @property
    def attributes(self) -> Mapping[str, Mapping[str, str]]:
        """Per-node attributes kept from the source text (read-only)."""
        return self._attrs

    @property
    def graph_attributes(self) -> Mapping[str, str]:
        """Attributes of the whole graph (e.g. dagitty.net's ``bb``), read-only."""
        return self._graph_attrs

    @property
    def edge_attributes(self) -> Mapping[EdgeAttrKey, Mapping[str, str]]:
        """Per-edge attributes keyed by ``(a, "->", b)`` / ``(a, "<->", b)`` (read-only)."""
        return self._edge_attrs

    def _flagged(self, flag: str) -> tuple[str, ...]:
        return tuple(n for n in self._order if flag in self._attrs.get(n, {}))

    @property
    def exposures(self) -> tuple[str, ...]:
        """Nodes marked ``exposure`` in their attributes."""
        return self._flagged("exposure")

    @property
    def outcomes(self) -> tuple[str, ...]:
        """Nodes marked ``outcome`` in their attributes."""
        return self._flagged("outcome")

    @property
    def adjusted(self) -> tuple[str, ...]:
        """Nodes marked ``adjusted`` (dagitty's adjustment set as drawn; not yet checked).

        Examples
        --------
        >>> CausalGraph.parse("dag { Z [adjusted]; Z -> X -> Y; Z -> Y }").adjusted
        ('Z',)
        """
        return self._flagged("adjusted")

    @property
    def selected(self) -> tuple[str, ...]:
        """Nodes marked ``selected`` (dagitty: the sample is conditioned on them)."""
        return self._flagged("selected")

    @property
    def has_latent(self) -> bool:
        """True when the graph has explicit latents or bidirected edges."""
        return bool(self._latent or self._bidirected)

    def __contains__(self, node: object) -> bool:
        return node in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CausalGraph):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        return f"CausalGraph({self.to_edge_string()!r})"

    @cached_property
    def _key(self) -> tuple[Any, ...]:
        return (
            frozenset(self._order),
            frozenset(self._directed),
            frozenset(self._bidirected),
            self._latent,
        )

    @cached_property
    def _index(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self._order)}

    # ------------------------------------------------------------------ adjacency
    def _neighbours(self, pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
        """Per node, the second ends of the ``pairs`` that start at it."""
        out: dict[str, set[str]] = {n: set() for n in self._order}
        for a, b in pairs:
            out[a].add(b)
        return {n: frozenset(s) for n, s in out.items()}

    @cached_property
    def _parents(self) -> dict[str, frozenset[str]]:
        return self._neighbours((b, a) for a, b in self._directed)

    @cached_property
    def _children(self) -> dict[str, frozenset[str]]:
        return self._neighbours(self._directed)

    @cached_property
    def _spouses(self) -> dict[str, frozenset[str]]:
        return self._neighbours([*self._bidirected, *((b, a) for a, b in self._bidirected)])

    def check_nodes(self, nodes: NodeSet) -> frozenset[str]:
        """Return ``nodes`` as a set, raising :class:`UnknownNodeError` for unknown names."""
        s = as_node_set(nodes)
        missing = [n for n in s if n not in self._index]
        if missing:
            raise UnknownNodeError(missing, list(self._order))
        return s

    def parents(self, nodes: NodeSet) -> frozenset[str]:
        """Union of the parents of ``nodes`` (a node or a set), excluding ``nodes``."""
        s = self.check_nodes(nodes)
        return frozenset().union(*(self._parents[n] for n in s)) - s

    def children(self, nodes: NodeSet) -> frozenset[str]:
        """Union of the children of ``nodes``, excluding ``nodes``."""
        s = self.check_nodes(nodes)
        return frozenset().union(*(self._children[n] for n in s)) - s

    def spouses(self, nodes: NodeSet) -> frozenset[str]:
        """Nodes joined to ``nodes`` by a bidirected edge, excluding ``nodes``."""
        s = self.check_nodes(nodes)
        return frozenset().union(*(self._spouses[n] for n in s)) - s

    def _reach(self, start: frozenset[str], step: dict[str, frozenset[str]]) -> set[str]:
        seen = set(start)
        stack = list(start)
        while stack:
            for m in step[stack.pop()]:
                if m not in seen:
                    seen.add(m)
                    stack.append(m)
        return seen

    def ancestors(self, nodes: NodeSet, *, include_self: bool = True) -> frozenset[str]:
        """Ancestors of ``nodes``; by default the set itself is included (An(Y) ∋ Y).

        Examples
        --------
        >>> g = CausalGraph.from_edges("A -> B -> C")
        >>> sorted(g.ancestors("C"))
        ['A', 'B', 'C']
        >>> sorted(g.ancestors("C", include_self=False))
        ['A', 'B']
        """
        s = self.check_nodes(nodes)
        if include_self:
            return frozenset(self._reach(s, self._parents))
        start = frozenset().union(*(self._parents[n] for n in s))
        return frozenset(self._reach(start, self._parents))

    def descendants(self, nodes: NodeSet, *, include_self: bool = True) -> frozenset[str]:
        """Descendants of ``nodes``; by default the set itself is included."""
        s = self.check_nodes(nodes)
        if include_self:
            return frozenset(self._reach(s, self._children))
        start = frozenset().union(*(self._children[n] for n in s))
        return frozenset(self._reach(start, self._children))

    @cached_property
    def _topo(self) -> tuple[str, ...]:
        indeg = {n: len(self._parents[n]) for n in self._order}
        ready = deque(n for n in self._order if indeg[n] == 0)
        out: list[str] = []
        while ready:
            n = ready.popleft()
            out.append(n)
            for c in sorted(self._children[n], key=self._index.__getitem__):
                indeg[c] -= 1
                if indeg[c] == 0:
                    ready.append(c)
        return tuple(out)

    def topological_order(self, *, observed_only: bool = True) -> tuple[str, ...]:
        """Nodes in a topological order (ties broken by first mention)."""
        if observed_only and self._latent:
            return tuple(n for n in self._topo if n not in self._latent)
        return self._topo

    def _check_acyclic(self) -> None:
        if len(self._topo) == len(self._order):
            return
        # Every node left over by Kahn's algorithm keeps a parent that is also left over,
        # so walking up through left-over parents must revisit a node: that loop is a cycle.
        left = set(self._order) - set(self._topo)
        node = min(left, key=self._index.__getitem__)
        path: list[str] = []
        pos: dict[str, int] = {}
        while node not in pos:
            pos[node] = len(path)
            path.append(node)
            node = min((p for p in self._parents[node] if p in left), key=self._index.__getitem__)
        path = path[pos[node] :]
        path.reverse()  # walked against the arrows; report the cycle along them
        first = path.index(min(path, key=self._index.__getitem__))
        path = path[first:] + path[:first]  # start at the node mentioned first
        raise CycleError(path)

    # ------------------------------------------------------------------ structure
    @cached_property
    def _projection(self) -> CausalGraph:
        from rung.graph.components import latent_projection

        return latent_projection(self)

    def projected(self) -> CausalGraph:
        """The latent projection: an ADMG over the observed nodes only."""
        return self._projection if self._latent else self

    def c_components(self) -> list[frozenset[str]]:
        """Districts (c-components) of the projected graph, in topological order."""
        from rung.graph.components import c_components

        return c_components(self)

    def do(self, nodes: NodeSet) -> CausalGraph:
        """G[do(X)]: the graph with every edge *into* ``nodes`` removed (incl. bidirected)."""
        s = self.check_nodes(nodes)
        return self._replace(
            directed=[(a, b) for a, b in self._directed if b not in s],
            bidirected=[(a, b) for a, b in self._bidirected if a not in s and b not in s],
        )

    def remove_outgoing(self, nodes: NodeSet) -> CausalGraph:
        """G with every directed edge *out of* ``nodes`` removed (the back-door graph)."""
        s = self.check_nodes(nodes)
        return self._replace(directed=[(a, b) for a, b in self._directed if a not in s])

    def subgraph(self, nodes: NodeSet) -> CausalGraph:
        """The subgraph induced by ``nodes`` (on the projected graph when latents exist)."""
        g = self.projected()
        s = g.check_nodes(nodes)
        return g._replace(
            directed=[(a, b) for a, b in g._directed if a in s and b in s],
            bidirected=[(a, b) for a, b in g._bidirected if a in s and b in s],
            nodes=[n for n in g._order if n in s],
            attributes={n: v for n, v in g._attrs.items() if n in s},
        )

    def _replace(self, **changes: Any) -> CausalGraph:
        kw: dict[str, Any] = {
            "directed": self._directed,
            "bidirected": self._bidirected,
            "nodes": self._order,
            "latent": self._latent,
            "attributes": self._attrs,
            "graph_attributes": self._graph_attrs,
        }
        kw.update(changes)
        if "edge_attributes" not in kw:
            kept = set(kw["directed"]), {_pair(a, b) for a, b in kw["bidirected"]}
            kw["edge_attributes"] = {
                k: v for k, v in self._edge_attrs.items()
                if (k[0], k[2]) in kept[0 if k[1] == "->" else 1]
            }
        return CausalGraph(**kw)

    def with_attributes(self, node: str, **attrs: str) -> CausalGraph:
        """A copy with ``attrs`` merged into ``node``'s attributes."""
        self.check_nodes(node)
        new = {k: dict(v) for k, v in self._attrs.items()}
        new.setdefault(node, {}).update(attrs)
        return self._replace(attributes=new)

    # ------------------------------------------------------------------ I/O shortcuts
    @classmethod
    def from_edges(cls, text: str) -> CausalGraph:
        """Parse a compact edge string such as ``"X -> M -> Y; X <-> Y"``."""
        from rung.graph.parse_edges import parse_edges

        return parse_edges(text)

    @classmethod
    def parse(cls, text: str) -> CausalGraph:
        """Parse dagitty, DOT, GML or an edge string (the syntax is detected)."""
        from rung.graph.io import parse_graph

        return parse_graph(text)

    @classmethod
    def from_any(cls, obj: Any) -> CausalGraph:
        """A graph from text, a file path, networkx, pgmpy or DoWhy (see
        :func:`rung.graph.interop.from_any`)."""
        from rung.graph.interop import from_any

        return from_any(obj)

    def to_edge_string(self) -> str:
        """The compact edge-string form (round-trips through :meth:`from_edges`)."""
        from rung.graph.parse_edges import to_edge_string

        return to_edge_string(self)

    def _repr_svg_(self) -> str:
        from rung.graph.draw import to_svg

        return to_svg(self)
