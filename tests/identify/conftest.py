"""Named identification problems with known verdicts, and a random-ADMG generator.

Graph facts (edges, verdicts) come from the cited papers; y0's ``examples`` module uses
the same graphs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from rung.graph import CausalGraph


@dataclass(frozen=True)
class Case:
    edges: str
    treatment: frozenset[str]
    outcome: frozenset[str]
    given: frozenset[str]
    identifiable: bool
    method: str | None

    @property
    def graph(self) -> CausalGraph:
        return CausalGraph.from_edges(self.edges)


def _case(edges: str, x: str, y: str, ok: bool, method: str | None, z: str = "") -> Case:
    def s(t: str) -> frozenset[str]:
        return frozenset(t.split()) if t else frozenset()

    return Case(edges, s(x), s(y), s(z), ok, method)


CASES: dict[str, Case] = {
    "backdoor": _case("Z -> X -> Y; Z -> Y", "X", "Y", True, "backdoor"),
    "frontdoor": _case("X -> M -> Y; X <-> Y", "X", "Y", True, "frontdoor"),
    "frontdoor_explicit_latent": _case(
        "U [latent]; U -> X; U -> Y; X -> M -> Y", "X", "Y", True, "frontdoor"
    ),
    # Pearl & Mackenzie (2018): identifiable only by ID
    "napkin": _case("W1 -> W2 -> X -> Y; W1 <-> X; W1 <-> Y", "X", "Y", True, "id"),
    "bow_arc": _case("X -> Y; X <-> Y", "X", "Y", False, None),
    "iv_graph": _case("Z -> X -> Y; X <-> Y", "X", "Y", False, None),
    # Verma & Pearl (1990)
    "verma": _case("V1 -> V2 -> V3 -> V4; V2 <-> V4", "V3", "V4", True, "backdoor"),
    # Tian (2002) p.70 and p.59 (Verma 2 and 3 in y0)
    "tian_verma2": _case(
        "V1 -> V2 -> V3 -> V4 -> V5; V1 <-> V3; V2 <-> V4; V3 <-> V5", "V1", "V5", True, "id"
    ),
    "tian_verma3": _case(
        "V1 -> V2 -> V3 -> V4 -> V5; V1 <-> V5; V1 <-> V3; V2 <-> V4", "V1", "V5", True, "id"
    ),
    # Tian (2002) p.90
    "tian_p90": _case(
        "W1 -> W2 -> X -> Y; W3 -> W4 -> X; W1 <-> X; W1 <-> Y; W1 <-> W3; W3 <-> W2; "
        "W3 <-> W5; W5 <-> W4",
        "X", "Y", True, "id",
    ),
    # Tian & Pearl (2002): the bow arc X -> Z, X <-> Z blocks P(y | do(x))
    "tian_pearl_xz": _case("X -> Z -> Y; X <-> Z", "X", "Y", False, None),
    # Shpitser & Pearl (2006/2008) Figure 5 / line 7: S inside a bigger district
    "shpitser_line7": _case("W1 -> X -> Y1; W1 <-> Y1", "X W1", "Y1", True, "id"),
    "shpitser_line6": _case("X -> Y; X -> Z -> Y; X <-> Z", "X Z", "Y", True, "backdoor"),
    # Shpitser & Pearl (2006) Figure 6a: conditional effect P(y | do(x), z)
    "shpitser_fig6a": _case("X -> Z -> Y; X <-> Z", "X", "Y", True, "idc", "Z"),
    # Pearl (2009) pp. 92, 119, 125 (Causality, identifiability examples)
    "pearl_p92a": _case(
        "Z2 -> X; Z2 -> Z1; Z2 -> Z3; X -> Z1; Z3 -> Y; Z1 -> Y; Z2 <-> X; Z2 <-> Y; "
        "X <-> Z3; X <-> Y",
        "X", "Y", True, "id",
    ),
    "pearl_p92b": _case(
        "X -> Z1; X -> Y; Z1 -> Z2; Z1 -> Y; Z2 -> Y; X <-> Z2; Z1 <-> Y", "X", "Y", True, "id"
    ),
    "pearl_p119": _case(
        "X1 -> Z; X1 -> Y; X1 -> X2; Z -> X2; X2 -> Y; X1 <-> Z; Z <-> Y", "X1 X2", "Y", True,
        "id",
    ),
    "pearl_p125": _case(
        "Z1 -> X1 -> X2 -> Y; Z2 -> Y; Z1 <-> Z2; Z1 <-> X2; Z2 <-> X2", "X1 X2", "Y", True,
        "backdoor",
    ),
    # multiple outcomes, not identifiable through a shared hedge
    "two_outcomes_bow": _case("X -> Y1; X -> Y2; X <-> Y2", "X", "Y1 Y2", False, None),
}


def random_admg(
    rng: np.random.Generator, n: int, p_directed: float = 0.4, p_bidirected: float = 0.3
) -> CausalGraph:
    """A random ADMG over V0..V{n-1} (directed edges follow the index order)."""
    names = [f"V{i}" for i in range(n)]
    pairs = [(names[i], names[j]) for i in range(n) for j in range(i + 1, n)]
    directed = [p for p in pairs if rng.random() < p_directed]
    bidirected = [p for p in pairs if rng.random() < p_bidirected]
    return CausalGraph(directed=directed, bidirected=bidirected, nodes=names)


def random_query(
    rng: np.random.Generator, g: CausalGraph, max_given: int = 1
) -> tuple[set[str], set[str], set[str]]:
    """Random disjoint treatment (1-2), outcome (1-2) and given (0..max_given) sets."""
    nodes = list(g.nodes)
    rng.shuffle(nodes)
    nx = int(rng.integers(1, 3))
    ny = int(rng.integers(1, 3))
    nz = int(rng.integers(0, max_given + 1))
    x = set(nodes[:nx])
    y = set(nodes[nx : nx + ny]) or {nodes[-1]}
    z = set(nodes[nx + ny : nx + ny + nz]) - y
    return x, y, z


@pytest.fixture(params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    """Each named identification problem."""
    return CASES[request.param]
