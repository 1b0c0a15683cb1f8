"""Node positions for drawing: dagitty ``pos`` attributes, else layers from the DAG.

The layered layout follows Sugiyama, Tagawa & Toda (1981) in miniature: each node's layer
is the length of the longest directed path into it (roots sit just above their highest
child), and nodes within a layer are ordered by
the barycentre of their neighbours in the layers above and below (a few sweeps).
"""

from __future__ import annotations

from rung.graph.core import CausalGraph

__all__ = ["layered_layout", "node_positions"]

_SWEEPS = 4


def _layers(g: CausalGraph) -> list[list[str]]:
    depth: dict[str, int] = {}
    for n in g.topological_order(observed_only=False):
        parents = g._parents[n]
        depth[n] = 1 + max((depth[p] for p in parents), default=-1)
    for n in reversed(g.topological_order(observed_only=False)):
        if not g._parents[n] and g._children[n]:  # pull roots down next to their children
            depth[n] = min(depth[c] for c in g._children[n]) - 1
    layers: list[list[str]] = [[] for _ in range(1 + max(depth.values(), default=-1))]
    for n in g.all_nodes:  # first-mention order as the starting order within a layer
        layers[depth[n]].append(n)
    return layers


def _neighbours(g: CausalGraph, n: str) -> frozenset[str]:
    return g._parents[n] | g._children[n] | g._spouses[n]


def _reorder(g: CausalGraph, layer: list[str], rank: dict[str, float]) -> list[str]:
    def key(n: str) -> float:
        ranks = [rank[m] for m in _neighbours(g, n) if m in rank and m not in layer]
        return sum(ranks) / len(ranks) if ranks else rank[n]

    return sorted(layer, key=key)


def layered_layout(g: CausalGraph) -> dict[str, tuple[float, int]]:
    """``node -> (slot, layer)``: a fractional slot within its layer (centred on 0) and the
    layer index (0 = roots), over all nodes including latents.

    Examples
    --------
    >>> layered_layout(CausalGraph.from_edges("X -> M -> Y"))
    {'X': (0.0, 0), 'M': (0.0, 1), 'Y': (0.0, 2)}
    """
    layers = _layers(g)
    rank: dict[str, float] = {}

    def assign(layer: list[str]) -> None:
        for i, n in enumerate(layer):
            rank[n] = i - (len(layer) - 1) / 2

    for layer in layers:
        assign(layer)
    for sweep in range(_SWEEPS):
        order = layers[1:] if sweep % 2 == 0 else layers[-2::-1]
        for layer in order:
            layer[:] = _reorder(g, layer, rank)
            assign(layer)
    return {n: (rank[n], d) for d, layer in enumerate(layers) for n in layer}


def _parse_pos(value: str) -> tuple[float, float] | None:
    parts = value.replace(" ", "").split(",")
    if len(parts) != 2:
        return None
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        return None


def node_positions(g: CausalGraph) -> dict[str, tuple[float, float]] | None:
    """Every node's ``pos="x,y"`` attribute (dagitty; y grows downward), or None when any
    node lacks a readable one."""
    out: dict[str, tuple[float, float]] = {}
    for n in g.all_nodes:
        pos = _parse_pos(g.attributes.get(n, {}).get("pos", ""))
        if pos is None:
            return None
        out[n] = pos
    return out
