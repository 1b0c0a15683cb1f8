"""Compare a graph's edges with a reference edge list (e.g. the Sachs consensus graph).

Works on plain edge lists because reference graphs may be cyclic (the Sachs consensus has
the loop plcg -> PIP2 -> PIP3 -> plcg) and discovered graphs may hold undirected edges.

- skeleton precision / recall / F1: over unordered adjacent pairs;
- directed precision / recall / F1: over ordered edges, counting only definite directions;
- SHD (structural Hamming distance, Tsamardinos et al. 2006): missing + extra adjacencies,
  plus pairs adjacent in both whose marks differ (an undirected edge counts as one error
  against a directed reference edge).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["EdgeComparison", "compare_edges"]


@dataclass(frozen=True)
class EdgeComparison:
    """Scores of a graph against a reference."""

    shd: int
    skeleton_precision: float
    skeleton_recall: float
    skeleton_f1: float
    directed_precision: float
    directed_recall: float
    directed_f1: float
    n_edges: int
    n_reference: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _prf(found: set[Any], truth: set[Any]) -> tuple[float, float, float]:
    tp = len(found & truth)
    p = tp / len(found) if found else 0.0
    r = tp / len(truth) if truth else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def compare_edges(
    directed: Iterable[tuple[str, str]],
    reference: Iterable[tuple[str, str]],
    *,
    undirected: Iterable[tuple[str, str]] = (),
) -> EdgeComparison:
    """Score ``directed`` (+ ``undirected`` pairs: ``--``, ``<->``, ``o-o``) against
    ``reference`` (directed edges).

    Examples
    --------
    >>> c = compare_edges([("A", "B"), ("C", "B")], [("A", "B"), ("B", "C")])
    >>> c.shd, c.skeleton_f1, c.directed_f1
    (1, 1.0, 0.5)
    """
    d = set(directed)
    u = {frozenset(p) for p in undirected}
    ref = set(reference)
    skel = {frozenset(e) for e in d} | u
    ref_skel = {frozenset(e) for e in ref}
    sp, sr, sf = _prf(skel, ref_skel)
    dp, dr, df = _prf(d, ref)
    shd = len(skel ^ ref_skel)
    for pair in skel & ref_skel:
        a, b = sorted(pair)
        mine = {e for e in ((a, b), (b, a)) if e in d}
        theirs = {e for e in ((a, b), (b, a)) if e in ref}
        if mine != theirs:
            shd += 1
    return EdgeComparison(shd, sp, sr, sf, dp, dr, df, len(skel), len(ref_skel))
