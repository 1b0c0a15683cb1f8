"""Latent projection and c-components (districts).

References
----------
Verma, T. & Pearl, J. (1990). Equivalence and synthesis of causal models. (latent projection)
Tian, J. & Pearl, J. (2002). A general identification condition for causal effects. (c-components)
"""

from __future__ import annotations

from itertools import combinations

from rung.graph.core import CausalGraph, NodeSet

__all__ = ["c_component_of", "c_components", "latent_projection", "to_explicit_latents"]


def _observed_reach(g: CausalGraph, start: str) -> set[str]:
    """Observed nodes reached from ``start`` along directed paths whose inner nodes are latent."""
    latent = g.latent
    out: set[str] = set()
    seen = {start}
    stack = [start]
    while stack:
        for c in g._children[stack.pop()]:
            if c in seen:
                continue
            seen.add(c)
            if c in latent:
                stack.append(c)
            else:
                out.add(c)
    return out


def latent_projection(g: CausalGraph) -> CausalGraph:
    """Project explicit latent nodes away, leaving an ADMG over the observed nodes.

    ``A -> B`` is kept when a directed path from ``A`` to ``B`` passes only through
    latents; ``A <-> B`` is added when ``A`` and ``B`` share a latent ancestor reached
    through latents only (or were already bidirected). A bidirected edge touching a latent
    is read as one more latent common cause of its two ends.

    Examples
    --------
    >>> g = CausalGraph(directed=[("U", "X"), ("U", "Y"), ("X", "Y")], latent=["U"])
    >>> p = latent_projection(g)
    >>> p.bidirected_edges, p.directed_edges
    ((('X', 'Y'),), (('X', 'Y'),))
    """
    latent = g.latent
    if not latent:
        return g
    reach = {n: _observed_reach(g, n) for n in g.all_nodes}

    def ends(n: str) -> set[str]:
        return reach[n] if n in latent else {n}

    directed = [(a, b) for a in g.nodes for b in sorted(reach[a], key=g._index.__getitem__)]
    bidirected: set[tuple[str, str]] = set()
    for lat in sorted(latent):
        bidirected.update(combinations(sorted(reach[lat]), 2))
    for a, b in g.bidirected_edges:
        group = sorted(ends(a) | ends(b))
        bidirected.update(combinations(group, 2))
    return CausalGraph(
        directed=directed,
        bidirected=sorted(bidirected),
        nodes=g.nodes,
        attributes={n: v for n, v in g.attributes.items() if n not in latent},
        graph_attributes=g.graph_attributes,
    )


def c_components(g: CausalGraph) -> list[frozenset[str]]:
    """The districts of ``g``: classes of observed nodes joined by bidirected paths.

    Listed in topological order of their first node.

    Examples
    --------
    >>> g = CausalGraph.from_edges("X -> M -> Y; X <-> Y")
    >>> [sorted(c) for c in c_components(g)]
    [['X', 'Y'], ['M']]
    """
    p = g.projected()
    seen: set[str] = set()
    out: list[frozenset[str]] = []
    for n in p.topological_order():
        if n in seen:
            continue
        comp = p._reach(frozenset((n,)), p._spouses)
        seen |= comp
        out.append(frozenset(comp))
    return out


def c_component_of(g: CausalGraph, nodes: NodeSet) -> frozenset[str]:
    """The union of the districts containing ``nodes``."""
    p = g.projected()
    s = p.check_nodes(nodes)
    return frozenset(p._reach(s, p._spouses))


def to_explicit_latents(g: CausalGraph, prefix: str = "U_") -> CausalGraph:
    """Replace every bidirected edge ``a <-> b`` by an explicit latent ``U_a_b -> a, b``.

    The result is a DAG whose latent projection is ``g.projected()`` (up to the names of the
    latents); new names get a numeric suffix when they would clash with a node.

    Examples
    --------
    >>> h = to_explicit_latents(CausalGraph.from_edges("X -> Y; X <-> Y"))
    >>> h.directed_edges, sorted(h.latent)
    ((('X', 'Y'), ('U_X_Y', 'X'), ('U_X_Y', 'Y')), ['U_X_Y'])
    """
    taken = set(g.all_nodes)
    directed = list(g.directed_edges)
    latent = set(g.latent)
    for a, b in g.bidirected_edges:
        name, k = f"{prefix}{a}_{b}", 1
        while name in taken:
            name, k = f"{prefix}{a}_{b}_{k}", k + 1
        taken.add(name)
        latent.add(name)
        directed += [(name, a), (name, b)]
    return CausalGraph(
        directed=directed,
        nodes=g.all_nodes,
        latent=latent,
        attributes=g.attributes,
        graph_attributes=g.graph_attributes,
        edge_attributes={k: v for k, v in g.edge_attributes.items() if k[1] == "->"},
    )
