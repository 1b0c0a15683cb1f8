"""Graph comparison metrics against independent computations."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings

from rung.graph import (
    CausalGraph,
    GraphError,
    adjacency_matrix,
    edge_precision_recall_f1,
    normalized_hamming_distance,
    structural_hamming_distance,
)
from tests.graph.graph_strategies import causal_graphs

ARCTIC = Path(__file__).resolve().parents[3] / "shared" / "data" / "arcticsea" / "truth.json"


def _shd_reference(a: np.ndarray, b: np.ndarray) -> int:
    """SHD of two DAG adjacency matrices: pairs whose (i->j, j->i) cells differ."""
    n = len(a)
    return sum(
        (a[i, j], a[j, i]) != (b[i, j], b[j, i]) for i, j in combinations(range(n), 2)
    )


def test_hand_examples(chain: CausalGraph) -> None:
    reversed_one = CausalGraph.from_edges("X -> M; Y -> M")
    assert structural_hamming_distance(reversed_one, chain) == 1
    assert structural_hamming_distance([("X", "Y")], chain) == 3  # 2 missing + 1 extra
    assert structural_hamming_distance(chain, chain) == 0
    assert edge_precision_recall_f1(reversed_one, chain) == (0.5, 0.5, 0.5)
    assert edge_precision_recall_f1(reversed_one, chain, oriented=False) == (1.0, 1.0, 1.0)
    assert edge_precision_recall_f1([], chain) == (0.0, 0.0, 0.0)
    assert edge_precision_recall_f1([], []) == (1.0, 1.0, 1.0)
    # a reversal flips 2 of the 9 adjacency cells
    assert normalized_hamming_distance(reversed_one, chain) == pytest.approx(2 / 9)


def test_bidirected_edges_count_as_their_own_kind(frontdoor: CausalGraph) -> None:
    without = CausalGraph.from_edges("X -> M -> Y")
    assert structural_hamming_distance(without, frontdoor) == 1
    p, r, _ = edge_precision_recall_f1(without, frontdoor)
    assert (p, r) == (1.0, pytest.approx(2 / 3))
    # explicit latents are compared through the projection
    explicit = CausalGraph.from_edges("U [latent]; U -> X; U -> Y; X -> M -> Y")
    assert structural_hamming_distance(explicit, frontdoor) == 0


@settings(max_examples=150, deadline=None)
@given(a=causal_graphs(attributes=False), b=causal_graphs(attributes=False))
def test_metrics_agree_with_matrix_computations(a: CausalGraph, b: CausalGraph) -> None:
    a, b = a.projected(), b.projected()
    a = CausalGraph(directed=a.directed_edges, nodes=a.nodes)  # DAGs: no bidirected
    b = CausalGraph(directed=b.directed_edges, nodes=b.nodes)
    names = sorted(set(a.nodes) | set(b.nodes))
    assume(names)
    ma, mb = adjacency_matrix(a, names), adjacency_matrix(b, names)
    assert structural_hamming_distance(a, b) == _shd_reference(ma, mb)
    assert structural_hamming_distance(a, b) == structural_hamming_distance(b, a)
    assert normalized_hamming_distance(a, b) == pytest.approx(float(np.mean(ma != mb)))
    p, r, f1 = edge_precision_recall_f1(a, b)
    hit = int((ma & mb).sum())
    if ma.sum() and mb.sum():
        assert p == pytest.approx(hit / ma.sum()) and r == pytest.approx(hit / mb.sum())
    assert 0.0 <= f1 <= 1.0


def test_input_kinds_agree(napkin: CausalGraph) -> None:
    names = list(napkin.nodes)
    m = adjacency_matrix(napkin, names)
    pairs = [(names[i], names[j]) for i, j in zip(*m.nonzero(), strict=True)]
    for other in (m, m.tolist(), pairs):
        assert normalized_hamming_distance(other, napkin, nodes=names) == 0.0
    # dropping the two bidirected edges empties 4 of the 16 cells
    dag = list(napkin.directed_edges)
    assert normalized_hamming_distance(dag, napkin, nodes=names) == pytest.approx(4 / 16)
    with pytest.raises(GraphError, match="square"):
        normalized_hamming_distance(np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(GraphError, match=r"\['Q'\]"):
        structural_hamming_distance([("Q", "X")], napkin, nodes=names)


@pytest.mark.skipif(not ARCTIC.exists(), reason="shared data not present")
def test_arctic_truth_nhd() -> None:
    truth = json.loads(ARCTIC.read_text())
    names = [v.split(":")[0] for v in truth["variables"]]
    a = np.array(truth["adjacency"])
    assert normalized_hamming_distance(a, a, nodes=names) == 0.0
    # the empty graph misses all 48 literature edges out of 144 cells
    assert normalized_hamming_distance([], a, nodes=names) == pytest.approx(48 / 144)
