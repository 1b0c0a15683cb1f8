"""d-separation in DAGs and m-separation in ADMGs (latent nodes handled by projection),
minimal separators, and the basis of conditional independencies a graph implies.

The test is a reachability search over (node, direction) states — the "Bayes-ball" of
Shachter (1998) extended to bidirected edges, which act as ``<- U ->`` with ``U`` hidden
(Richardson 2003, m-separation). Minimal separators follow van der Zander, Liśkiewicz &
Textor (2019) on a bitset copy of the graph (:mod:`rung.graph._bitgraph`).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

from rung.graph._bitgraph import BitDAG
from rung.graph.core import CausalGraph, NodeSet
from rung.graph.errors import GraphError

__all__ = [
    "Independence",
    "count_candidate_pairs",
    "find_minimal_separator",
    "implied_independencies",
    "is_d_separated",
    "is_m_separated",
    "iter_implied_independencies",
    "parse_independence",
]

#: ``(x, y, z)``: the graph implies ``x ⊥ y | z``
Independence = tuple[str, str, frozenset[str]]

# Direction of arrival at a node: UP = came from a child (edge tail at the node),
# DOWN = came with an arrowhead at the node (from a parent or across a bidirected edge).
_UP, _DOWN = 0, 1


def _reachable(g: CausalGraph, xs: frozenset[str], zs: frozenset[str]) -> set[str]:
    """Nodes with an m-connecting path from ``xs`` given ``zs`` (g has no explicit latents)."""
    anc_z = g.ancestors(zs) if zs else frozenset()
    seen: set[tuple[str, int]] = set()
    stack = [(x, _UP) for x in xs]
    reached: set[str] = set()
    while stack:
        node, d = stack.pop()
        if (node, d) in seen:
            continue
        seen.add((node, d))
        if node not in zs:
            reached.add(node)
        if d == _UP and node not in zs:
            # non-collider through a tail at node: go anywhere
            stack.extend((p, _UP) for p in g._parents[node])
            stack.extend((c, _DOWN) for c in g._children[node])
            stack.extend((s, _DOWN) for s in g._spouses[node])
        elif d == _DOWN:
            if node not in zs:  # arrowhead in, continue as a chain: only out along tails
                stack.extend((c, _DOWN) for c in g._children[node])
            if node in anc_z:  # collider opened by conditioning on it or a descendant
                stack.extend((p, _UP) for p in g._parents[node])
                stack.extend((s, _DOWN) for s in g._spouses[node])
    return reached


def is_m_separated(g: CausalGraph, x: NodeSet, y: NodeSet, z: NodeSet = ()) -> bool:
    """True when ``x`` and ``y`` are m-separated given ``z`` (a node or a set each).

    Explicit latent nodes may appear in the query; the test then runs on the graph with
    latents kept as ordinary (unconditioned) nodes, which is equivalent.

    Raises
    ------
    UnknownNodeError
        A name is not a node of ``g``.
    GraphError
        The three sets overlap.

    Examples
    --------
    >>> g = CausalGraph.from_edges("X -> Z -> Y")
    >>> is_d_separated(g, "X", "Y", "Z"), is_d_separated(g, "X", "Y")
    (True, False)
    >>> collider = CausalGraph.from_edges("X -> C <- Y")
    >>> is_d_separated(collider, "X", "Y"), is_d_separated(collider, "X", "Y", "C")
    (True, False)
    """
    xs, ys, zs = g.check_nodes(x), g.check_nodes(y), g.check_nodes(z)
    overlap = (xs & ys) | (xs & zs) | (ys & zs)
    if overlap:
        raise GraphError(
            f"nodes {sorted(overlap)} appear in more than one of x, y and z; "
            "the three sets must be disjoint"
        )
    if not xs or not ys:
        return True
    return not (_reachable(g, xs, zs) & ys)


is_d_separated = is_m_separated


def parse_independence(text: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Parse ``"X _||_ Y | Z, W"`` (dagitty style; ``⊥`` also accepted).

    Examples
    --------
    >>> [sorted(s) for s in parse_independence("A _||_ B | C, D")]
    [['A'], ['B'], ['C', 'D']]
    """
    body = text.replace("⊥⊥", "_||_").replace("⊥", "_||_")
    if "_||_" not in body:
        raise GraphError(
            f"cannot read independence {text!r}: write it as 'X _||_ Y | Z1, Z2'"
        )
    left, right = body.split("_||_", 1)
    given = ""
    if "|" in right:
        right, given = right.split("|", 1)
        if not given.strip():
            raise GraphError(
                f"independence {text!r} has nothing after '|': list the conditioning "
                "variables or drop the '|'"
            )

    def names(part: str) -> frozenset[str]:
        items = part.replace(" ", ",").split(",")
        return frozenset(n.strip().strip('"') for n in items if n.strip())

    xs, ys, zs = names(left), names(right), names(given)
    if not xs or not ys:
        raise GraphError(f"independence {text!r} needs a variable on both sides of '_||_'")
    return xs, ys, zs


def find_minimal_separator(
    g: CausalGraph, x: str, y: str, *, include: NodeSet = (), restrict: NodeSet | None = None
) -> frozenset[str] | None:
    """An inclusion-minimal set of observed nodes that m-separates ``x`` and ``y``, or None.

    ``include`` must be in the set; the rest is drawn from ``restrict`` (default: every
    observed node). No proper subset of the answer that keeps ``include`` separates.
    Algorithm FindMinSep of van der Zander, Liśkiewicz & Textor (2019), after Tian, Paz &
    Pearl (1998); ``None`` means no such set exists (e.g. ``x`` and ``y`` are adjacent).

    Examples
    --------
    >>> g = CausalGraph.from_edges("Z2 -> Z4 <- Z5; Z4 -> Y; Z2 -> Y")
    >>> find_minimal_separator(g, "Z2", "Z5")
    frozenset()
    >>> sorted(find_minimal_separator(g, "Z5", "Y"))
    ['Z2', 'Z4']
    >>> find_minimal_separator(CausalGraph.from_edges("X -> Y"), "X", "Y") is None
    True
    """
    bg = BitDAG(g)
    inc = g.check_nodes(include)
    allowed = bg.mask(g.check_nodes(restrict) | inc) if restrict is not None else -1
    xs, ys = g.check_nodes(x), g.check_nodes(y)
    if (xs | ys) & (inc | g.latent):
        raise GraphError(
            f"x={x!r} and y={y!r} must be observed nodes outside include={sorted(inc)}"
        )
    found = bg.minimal_separator(bg.index[x], bg.index[y], bg.mask(inc), allowed)
    if found is None or (found & ~bg.observed):
        return None
    return bg.unmask(found)


def _nonadjacent_pairs(p: CausalGraph) -> Iterator[tuple[str, str]]:
    for a, b in combinations(p.topological_order(), 2):
        if not (b in p._children[a] or a in p._children[b] or b in p._spouses[a]):
            yield a, b


def count_candidate_pairs(g: CausalGraph) -> int:
    """How many observed pairs are non-adjacent (each may give one independence).

    Examples
    --------
    >>> count_candidate_pairs(CausalGraph.from_edges("X -> M -> Y; X <-> Y"))
    0
    """
    p = g.projected()
    n = len(p.nodes)
    adjacent = {frozenset(e) for e in (*p.directed_edges, *p.bidirected_edges)}
    return n * (n - 1) // 2 - len(adjacent)


def iter_implied_independencies(g: CausalGraph) -> Iterator[Independence]:
    """Yield :func:`implied_independencies` one at a time (for progress and limits)."""
    p = g.projected()
    bg = BitDAG(g)
    for a, b in _nonadjacent_pairs(p):
        # start the search at b, the later node: b has no children among the ancestors of
        # {a, b}, so in a DAG the separator found is a minimal subset of b's parents
        found = bg.minimal_separator(bg.index[b], bg.index[a])
        if found is not None:
            yield a, b, bg.unmask(found)


def implied_independencies(g: CausalGraph) -> list[Independence]:
    """A basis of the conditional independencies among observed nodes that ``g`` implies,
    each with an inclusion-minimal conditioning set.

    For every non-adjacent observed pair ``(a, b)`` (``a`` first in topological order)
    that some set of observed nodes m-separates, one minimal separator is listed (found by
    :func:`find_minimal_separator` from ``b``'s side). In a DAG this is the local Markov
    basis ``b ⊥ a | pa(b)`` with each parent set cut down to a minimal separator, so
    ``Z2 ⊥ Z5`` is listed rather than ``Z2 ⊥ Z5 | Z4`` when both hold; every listed set is
    a separator and no proper subset of it is. The napkin and front-door graphs list none:
    their constraints are not conditional independencies.

    Examples
    --------
    >>> implied_independencies(CausalGraph.from_edges("X -> M -> Y"))
    [('X', 'Y', frozenset({'M'}))]
    >>> implied_independencies(CausalGraph.from_edges("A -> C <- B; C -> D"))
    [('A', 'B', frozenset()), ('A', 'D', frozenset({'C'})), ('B', 'D', frozenset({'C'}))]
    """
    return list(iter_implied_independencies(g))
