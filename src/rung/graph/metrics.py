"""Comparing a predicted graph with a true one: SHD, edge precision/recall/F1, NHD.

Every function accepts, for ``pred`` and ``true``:

* a :class:`CausalGraph` (its latent projection is compared: observed nodes only),
* an ``nx.DiGraph`` (edges read as in :func:`rung.graph.io.from_networkx`; cycles allowed),
* an iterable of directed ``(cause, effect)`` pairs of names (strings), or
* a square 0/1 adjacency matrix (``A[i][j] = 1`` means ``i -> j``) whose rows are named by
  ``nodes`` (or by ``"0"``, ``"1"``, ... when ``nodes`` is not given).

Each graph is reduced to its *edge marks*: directed pairs ``(a, b)`` and unordered bidirected
pairs ``{a, b}``. The node set compared is ``nodes`` when given, else the union of both
graphs' nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, NamedTuple, TypeAlias

import networkx as nx
import numpy as np

from rung.graph.core import CausalGraph
from rung.graph.errors import GraphError

__all__ = [
    "EdgeScores",
    "GraphLike",
    "adjacency_matrix",
    "edge_precision_recall_f1",
    "normalized_hamming_distance",
    "structural_hamming_distance",
]

GraphLike: TypeAlias = (
    CausalGraph | nx.DiGraph | Iterable[tuple[str, str]] | np.ndarray | Sequence[Any]
)


@dataclass(frozen=True)
class _Marks:
    nodes: tuple[str, ...]
    directed: frozenset[tuple[str, str]]
    bidirected: frozenset[frozenset[str]]


class EdgeScores(NamedTuple):
    """Precision, recall and F1 of predicted edges (plain floats)."""

    precision: float
    recall: float
    f1: float


def _from_matrix(matrix: Any, nodes: Sequence[str] | None) -> _Marks:
    a = np.asarray(matrix)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise GraphError(f"adjacency matrix must be square, got shape {a.shape}")
    names = tuple(nodes) if nodes is not None else tuple(str(i) for i in range(a.shape[0]))
    if len(names) != a.shape[0]:
        raise GraphError(f"{len(names)} node names given for a {a.shape[0]}x{a.shape[0]} matrix")
    edges = {(names[i], names[j]) for i, j in zip(*np.nonzero(a), strict=True) if i != j}
    return _Marks(names, frozenset(edges), frozenset())


def _is_matrix_rows(g: Any) -> bool:
    """A list of rows of numbers (an edge list holds pairs of names instead)."""
    if not isinstance(g, Sequence) or not g or not isinstance(g[0], Sequence):
        return False
    return all(isinstance(v, int | float | np.number) for v in g[0])


def _marks(g: Any, nodes: Sequence[str] | None) -> _Marks:
    if isinstance(g, CausalGraph):
        p = g.projected()
        bi = frozenset(frozenset(e) for e in p.bidirected_edges)
        return _Marks(p.nodes, frozenset(p.directed_edges), bi)
    if isinstance(g, nx.DiGraph):
        directed: set[tuple[str, str]] = set()
        bidirected: set[frozenset[str]] = set()
        for a, b, data in g.edges(data=True):
            is_bi = bool(data.get("bidirected", False))
            if is_bi:
                bidirected.add(frozenset((str(a), str(b))))
            if data.get("directed", not is_bi):
                directed.add((str(a), str(b)))
        return _Marks(tuple(map(str, g.nodes)), frozenset(directed), frozenset(bidirected))
    if isinstance(g, np.ndarray) or _is_matrix_rows(g):
        return _from_matrix(g, nodes)
    edges = frozenset((str(a), str(b)) for a, b in g)
    return _Marks(tuple(dict.fromkeys(n for e in edges for n in e)), edges, frozenset())


def _pair(pred: GraphLike, true: GraphLike, nodes: Sequence[str] | None) -> tuple[
    _Marks, _Marks, tuple[str, ...]
]:
    p, t = _marks(pred, nodes), _marks(true, nodes)
    universe = tuple(nodes) if nodes is not None else tuple(dict.fromkeys(t.nodes + p.nodes))
    known = set(universe)
    stray = sorted({n for m in (p, t) for e in m.directed | m.bidirected for n in e} - known)
    if stray:
        raise GraphError(f"edges mention nodes {stray} that are not in nodes={list(universe)}")
    return p, t, universe


def _state(m: _Marks, a: str, b: str) -> tuple[bool, bool, bool]:
    return ((a, b) in m.directed, (b, a) in m.directed, frozenset((a, b)) in m.bidirected)


def structural_hamming_distance(
    pred: GraphLike, true: GraphLike, *, nodes: Sequence[str] | None = None
) -> int:
    """Structural Hamming distance (Tsamardinos, Brown & Aliferis 2006).

    The number of unordered node pairs ``{a, b}`` whose edges differ between ``pred`` and
    ``true``, where the edges of a pair are the triple (``a -> b``, ``b -> a``, ``a <-> b``).
    A missing, an extra and a reversed edge each cost 1. (cdt's ``SHD`` with its default
    ``double_for_anticausal=True`` counts a reversal twice.)

    Examples
    --------
    >>> true = CausalGraph.from_edges("X -> M -> Y")
    >>> structural_hamming_distance(CausalGraph.from_edges("X -> M; Y -> M"), true)
    1
    >>> structural_hamming_distance([("X", "Y")], true)
    3
    """
    p, t, universe = _pair(pred, true, nodes)
    return sum(_state(p, a, b) != _state(t, a, b) for a, b in combinations(universe, 2))


def _items(m: _Marks, oriented: bool) -> set[Any]:
    if oriented:
        return set(m.directed) | {("<->", b) for b in m.bidirected}
    return {frozenset(e) for e in m.directed} | set(m.bidirected)


def edge_precision_recall_f1(
    pred: GraphLike,
    true: GraphLike,
    *,
    oriented: bool = True,
    nodes: Sequence[str] | None = None,
) -> EdgeScores:
    """Precision, recall and F1 of the predicted edges against the true ones.

    With ``oriented=True`` an item is a directed edge ``(a, b)`` or a bidirected pair, and a
    predicted edge counts only when its orientation matches. With ``oriented=False`` an item
    is an adjacency: the unordered pair ``{a, b}`` joined by any edge. Then
    ``precision = |pred ∩ true| / |pred|``, ``recall = |pred ∩ true| / |true|`` and
    ``f1 = 2 * precision * recall / (precision + recall)``. An empty denominator gives 0,
    except that two empty graphs score 1, 1, 1.

    Examples
    --------
    >>> true = CausalGraph.from_edges("X -> M -> Y")
    >>> edge_precision_recall_f1([("X", "M"), ("Y", "M")], true)
    EdgeScores(precision=0.5, recall=0.5, f1=0.5)
    >>> edge_precision_recall_f1([("X", "M"), ("Y", "M")], true, oriented=False)
    EdgeScores(precision=1.0, recall=1.0, f1=1.0)
    """
    p, t, _ = _pair(pred, true, nodes)
    pi, ti = _items(p, oriented), _items(t, oriented)
    if not pi and not ti:
        return EdgeScores(1.0, 1.0, 1.0)
    hit = len(pi & ti)
    precision = hit / len(pi) if pi else 0.0
    recall = hit / len(ti) if ti else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hit else 0.0
    return EdgeScores(precision, recall, f1)


def adjacency_matrix(g: GraphLike, nodes: Sequence[str] | None = None) -> np.ndarray:
    """The 0/1 matrix ``A[i, j] = 1`` iff ``nodes[i] -> nodes[j]`` or ``nodes[i] <-> nodes[j]``.

    Examples
    --------
    >>> adjacency_matrix(CausalGraph.from_edges("X -> Y; X <-> Z")).tolist()
    [[0, 1, 1], [0, 0, 0], [1, 0, 0]]
    """
    m = _marks(g, nodes)
    names = tuple(nodes) if nodes is not None else m.nodes
    index = {n: i for i, n in enumerate(names)}
    out = np.zeros((len(names), len(names)), dtype=np.int64)
    for a, b in m.directed:
        out[index[a], index[b]] = 1
    for pair in m.bidirected:
        a, b = sorted(pair)
        out[index[a], index[b]] = out[index[b], index[a]] = 1
    return out


def normalized_hamming_distance(
    pred: GraphLike, true: GraphLike, *, nodes: Sequence[str] | None = None
) -> float:
    """Normalised Hamming distance over all ``n²`` cells of the adjacency matrices.

    ``NHD = Σ_ij |A_pred[i, j] - A_true[i, j]| / n²`` with ``A`` from
    :func:`adjacency_matrix` (a bidirected edge fills both cells) and ``n`` the number of
    nodes compared — the metric Kiciman et al. (2023) report for the arctic sea-ice graph.
    A reversed edge therefore counts 2 cells; 0 is a perfect match.

    Examples
    --------
    >>> true = CausalGraph.from_edges("X -> M -> Y")
    >>> normalized_hamming_distance([("X", "M"), ("Y", "M")], true)
    0.2222222222222222
    """
    _, _, universe = _pair(pred, true, nodes)
    a_pred, a_true = adjacency_matrix(pred, universe), adjacency_matrix(true, universe)
    n = len(universe)
    return float(np.abs(a_pred - a_true).sum() / (n * n)) if n else 0.0
