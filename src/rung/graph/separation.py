"""d-separation in DAGs and m-separation in ADMGs (latent nodes handled by projection).

The test is a reachability search over (node, direction) states — the "Bayes-ball" of
Shachter (1998) extended to bidirected edges, which act as ``<- U ->`` with ``U`` hidden
(Richardson 2003, m-separation).
"""

from __future__ import annotations

from itertools import combinations

from rung.graph.core import CausalGraph, NodeSet
from rung.graph.errors import GraphError

__all__ = [
    "implied_independencies",
    "is_d_separated",
    "is_m_separated",
    "parse_independence",
]

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


def implied_independencies(
    g: CausalGraph,
) -> list[tuple[str, str, frozenset[str]]]:
    """Pairwise conditional independencies among observed nodes that ``g`` implies.

    For every non-adjacent observed pair, the separating set tried first is the observed
    ancestors of the pair (which separates whenever any set does in a DAG without latents),
    then the smaller of the two nodes' observed parent sets.

    Examples
    --------
    >>> implied_independencies(CausalGraph.from_edges("X -> M -> Y"))
    [('X', 'Y', frozenset({'M'}))]
    """
    p = g.projected()
    order = p.topological_order()
    out: list[tuple[str, str, frozenset[str]]] = []
    for a, b in combinations(order, 2):
        if b in p._children[a] or a in p._children[b] or b in p._spouses[a]:
            continue
        candidates = [
            p.parents(b) - {a},
            p.parents(a) - {b},
            p.ancestors({a, b}) - {a, b},
        ]
        for z in sorted(candidates, key=len):
            if is_m_separated(p, a, b, z):
                out.append((a, b, frozenset(z)))
                break
    return out
