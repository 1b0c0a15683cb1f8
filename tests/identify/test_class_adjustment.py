"""Adjustment on equivalence classes, checked against a brute-force enumeration of the class.

The reference orients every skeleton edge both ways (2^E graphs), keeps the acyclic ones with
the true DAG's v-structures (Verma & Pearl 1990: exactly the Markov equivalent DAGs), and
asks :func:`rung.identify.is_valid_adjustment_set` about every member.
"""

from __future__ import annotations

import random
from itertools import chain, combinations, product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.graph import CausalGraph, CycleError
from rung.identify import is_valid_adjustment_set
from rung.identify.class_adjustment import (
    ClassAdjustment,
    find_class_adjustment_set,
    forbidden_set,
    is_adjustment_amenable,
    is_class_adjustment_set,
)
from rung.identify.equivalence_class import (
    EquivalenceClass,
    OrientationConflict,
    v_structures,
)


def brute_force_members(dag: CausalGraph) -> set[frozenset[tuple[str, str]]]:
    edges = list(dag.directed_edges)
    target = v_structures(dag.nodes, set(edges))
    out = set()
    for flips in product((False, True), repeat=len(edges)):
        cand = {(b, a) if f else (a, b) for (a, b), f in zip(edges, flips, strict=True)}
        try:
            CausalGraph(directed=cand, nodes=dag.nodes)
        except CycleError:
            continue
        if v_structures(dag.nodes, cand) == target:
            out.add(frozenset(cand))
    return out


def random_dag(rng: random.Random, n: int, p: float) -> CausalGraph:
    names = [f"V{i}" for i in range(n)]
    rng.shuffle(names)
    edges = [(a, b) for i, a in enumerate(names) for b in names[i + 1:] if rng.random() < p]
    return CausalGraph(directed=edges, nodes=sorted(names))


def subsets(items: list[str]) -> list[frozenset[str]]:
    return [frozenset(c) for c in chain.from_iterable(combinations(items, k)
                                                      for k in range(len(items) + 1))]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 6))
def test_members_match_brute_force(seed: int, n: int) -> None:
    dag = random_dag(random.Random(seed), n, 0.5)
    cls = EquivalenceClass.from_dag(dag)
    found = {frozenset(m.directed_edges) for m in cls.members()}
    assert found == brute_force_members(dag)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 6), p=st.sampled_from([0.3, 0.5, 0.7]))
def test_gac_matches_every_member(seed: int, n: int, p: float) -> None:
    """is_class_adjustment_set(Z) iff Z is valid in every member, for every pair and Z."""
    rng = random.Random(seed)
    dag = random_dag(rng, n, p)
    members = [CausalGraph(directed=m, nodes=dag.nodes) for m in brute_force_members(dag)]
    cls = EquivalenceClass.from_dag(dag)
    x, y = rng.sample(list(dag.nodes), 2)
    rest = [v for v in dag.nodes if v not in (x, y)]
    any_valid = False
    for z in subsets(rest):
        truth = all(is_valid_adjustment_set(m, x, y, z) for m in members)
        any_valid |= truth
        assert is_class_adjustment_set(cls, x, y, z) == truth, (dag.to_edge_string(), x, y, z)
    res = find_class_adjustment_set(cls, x, y)
    assert res.found == any_valid
    if res.adjustment is not None:
        assert all(is_valid_adjustment_set(m, x, y, res.adjustment) for m in members)
    else:
        assert res.reason


def test_not_amenable_names_the_path() -> None:
    cls = EquivalenceClass.from_dag(CausalGraph.from_edges("A -> X -> Y; A -> Y"))
    res = find_class_adjustment_set(cls, "X", "Y")
    assert not res.amenable and res.adjustment is None
    assert res.path == ("X", "--", "Y")
    assert "not amenable" in res.reason and "X -- Y" in res.reason
    assert not is_adjustment_amenable(cls, "X", "Y")


def test_collider_compelled_edge_is_amenable() -> None:
    # A -> X <- B compels X's parents; X -> Y is then compelled by Meek R1
    cls = EquivalenceClass.from_dag(CausalGraph.from_edges("A -> X <- B; X -> Y; A -> Y"))
    assert ("X", "Y") in cls.directed
    res = find_class_adjustment_set(cls, "X", "Y")
    assert res.adjustment == frozenset({"A"})
    assert forbidden_set(cls, "X", "Y") == frozenset({"X", "Y"})


def test_json_round_trip() -> None:
    cls = EquivalenceClass.from_dag(CausalGraph.from_edges("A -> X <- B; X -> Y; A -- Y"
                                                           .replace("--", "->")))
    assert EquivalenceClass.from_json(cls.to_json()) == cls
    res = find_class_adjustment_set(cls, "X", "Y")
    assert ClassAdjustment.from_json(res.to_json()) == res


def test_orient_propagates_and_refuses_conflicts() -> None:
    cls = EquivalenceClass.from_dag(CausalGraph.from_edges("A -> B -> C"))
    assert cls.undirected == (("A", "B"), ("B", "C"))
    mp = cls.orient([("A", "B")])  # Meek R1 then orients B -> C
    assert mp.directed == (("A", "B"), ("B", "C")) and mp.is_dag
    with pytest.raises(OrientationConflict):
        cls.orient([("A", "B"), ("C", "B")])  # a new v-structure A -> B <- C
    assert find_class_adjustment_set(mp, "A", "C").adjustment == frozenset()


def test_unknown_node_is_named() -> None:
    cls = EquivalenceClass.from_dag(CausalGraph.from_edges("A -> B"))
    with pytest.raises(ValueError, match="'Q' is not a node"):
        find_class_adjustment_set(cls, "Q", "B")


def _true_pag_cases() -> list[tuple[str, str, str]]:
    return [
        ("U -> X; U -> Y; X -> Y; A -> X; B -> X", "X", "Y"),  # latent confounder: refuse
        ("A -> X -> Y; B -> X; C -> Y; A -> C", "X", "Y"),
        ("A -> X -> M -> Y; B -> X; A -> Y; B -> M", "X", "Y"),
        ("A -> X -> Y; B -> A; B -> Y; C -> X", "X", "Y"),
    ]


@pytest.mark.parametrize(("edges", "x", "y"), _true_pag_cases())
def test_pag_sets_are_valid_in_the_true_graph(edges: str, x: str, y: str) -> None:
    """FCI with a d-separation oracle gives the true PAG; any set found must be valid in
    the true graph (U latent), a member of the PAG's class."""
    import networkx as nx
    import numpy as np
    from causallearn.search.ConstraintBased.FCI import fci

    from rung.discover.result import edges_from_marks

    true = CausalGraph.from_edges(edges)
    observed = [v for v in true.nodes if v != "U"]
    index = {v: i for i, v in enumerate([*observed, "U"])}  # the latent U gets the last id
    nxg = nx.DiGraph([(index[a], index[b]) for a, b in true.directed_edges])
    nxg.add_nodes_from(range(len(observed)))
    g, _ = fci(np.zeros((10, len(observed))), "d_separation", 0.05, true_dag=nxg,
               show_progress=False, node_names=observed, verbose=False)
    edges_found = edges_from_marks(g.graph, observed)
    cls = EquivalenceClass.from_edges(observed, edges_found, "pag")
    res = find_class_adjustment_set(cls, x, y)
    latent = CausalGraph(directed=true.directed_edges, nodes=true.nodes,
                         latent=["U"] if "U" in true.nodes else [])
    if res.adjustment is not None:
        assert is_valid_adjustment_set(latent, x, y, res.adjustment)
    if "U" in true.nodes:
        assert res.adjustment is None
