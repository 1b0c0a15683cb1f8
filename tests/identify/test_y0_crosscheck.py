"""Verdicts agree with y0 (skipped when y0 is not installed)."""

from __future__ import annotations

import numpy as np
import pytest

from rung.identify import identify
from tests.identify.conftest import random_admg

y0_identify = pytest.importorskip("y0.algorithm.identify")
y0_graph = pytest.importorskip("y0.graph")
y0_dsl = pytest.importorskip("y0.dsl")


def test_random_verdicts_match_y0() -> None:
    rng = np.random.default_rng(11)
    for _ in range(150):
        g = random_admg(rng, int(rng.integers(3, 8)))
        nodes = list(g.nodes)
        x, y = nodes[int(rng.integers(0, len(nodes) - 1))], nodes[-1]
        yg = y0_graph.NxMixedGraph.from_str_edges(
            nodes=nodes, directed=list(g.directed_edges), undirected=list(g.bidirected_edges)
        )
        theirs = y0_identify.identify_outcomes(yg, y0_dsl.Variable(x), y0_dsl.Variable(y))
        assert identify(g, x, y).identifiable == (theirs is not None), (g, x, y)
