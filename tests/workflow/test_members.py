"""The plausible graphs of a class, checked against a brute-force Markov-equivalence class,
and the LLM threshold: beliefs narrow the class only from the stated probability."""

from __future__ import annotations

from itertools import combinations, pairwise, product

from hypothesis import given, settings
from hypothesis import strategies as st

from rung.discover import DiscoveredEdge, DiscoveryResult
from rung.graph import CausalGraph
from rung.workflow import LLMEdge
from rung.workflow.members import ORIENTATION_THRESHOLD, find_plausible_graphs

NODES = ("A", "B", "C", "D", "E")


def _v_structures(edges: set[tuple[str, str]]) -> set[tuple[frozenset[str], str]]:
    adj = {frozenset(e) for e in edges}
    out = set()
    for (a, c), (b, c2) in combinations(sorted(edges), 2):
        if c == c2 and a != b and frozenset((a, b)) not in adj:
            out.add((frozenset((a, b)), c))
    return out


def _acyclic(edges: set[tuple[str, str]]) -> bool:
    try:
        CausalGraph(directed=sorted(edges), nodes=NODES)
    except ValueError:
        return False
    return True


def _brute_class(dag: set[tuple[str, str]]) -> set[frozenset[tuple[str, str]]]:
    """Every DAG with the skeleton and v-structures of ``dag`` (Verma & Pearl 1990)."""
    skeleton = sorted(tuple(sorted(e)) for e in dag)
    target = _v_structures(dag)
    members = set()
    for flips in product((False, True), repeat=len(skeleton)):
        edges = {(b, a) if f else (a, b) for (a, b), f in zip(skeleton, flips, strict=True)}
        if _acyclic(edges) and _v_structures(edges) == target:
            members.add(frozenset(edges))
    return members


def _cpdag(members: set[frozenset[tuple[str, str]]]) -> DiscoveryResult:
    """The CPDAG: an edge is directed when every member agrees on its direction."""
    first = next(iter(members))
    edges = []
    for a, b in sorted(first):
        if all((a, b) in m for m in members):
            edges.append(DiscoveredEdge(a, b, "->"))
        else:
            edges.append(DiscoveredEdge(*sorted((a, b)), "--"))
    return DiscoveryResult("pc", NODES, edges)


pairs = st.lists(st.tuples(st.sampled_from(range(5)), st.sampled_from(range(5)))
                 .filter(lambda p: p[0] < p[1]), max_size=7, unique=True)


@settings(max_examples=60, deadline=None)
@given(pairs)
def test_members_equal_the_markov_equivalence_class(order_pairs: list) -> None:
    dag = {(NODES[i], NODES[j]) for i, j in order_pairs}  # i < j: acyclic by construction
    truth = _brute_class(dag)
    found = find_plausible_graphs(_cpdag(truth))
    assert found.complete
    got = {frozenset(g.directed_edges) for g in found.graphs}
    assert got == truth


def _triangle() -> DiscoveryResult:
    return DiscoveryResult("pc", ("Z", "X", "Y"), [
        DiscoveredEdge("Z", "X", "--"), DiscoveredEdge("X", "Y", "--"),
        DiscoveredEdge("Z", "Y", "--")])


def test_low_confidence_llm_narrows_nothing() -> None:
    # the linear_backdoor case: the tiny model's 0.12-0.31 orientations must not count
    weak = [LLMEdge("X", "Z", 0.31), LLMEdge("Y", "Z", 0.12), LLMEdge("X", "Y", 0.3)]
    assert len(find_plausible_graphs(_triangle(), weak).graphs) == 6
    strong = [LLMEdge("Z", "X", ORIENTATION_THRESHOLD), LLMEdge("Z", "Y", 0.95)]
    members = find_plausible_graphs(_triangle(), strong)
    assert {("Z", "X"), ("Z", "Y")} <= set(members.graphs[0].directed_edges)
    assert len(members.graphs) == 2  # X -- Y still open


def test_confident_llm_against_a_data_mark_is_contested_not_overridden() -> None:
    # data: statin o-> age (an arrowhead at age); the LLM is sure age -> statin
    data = DiscoveryResult("fci", ("age", "statin", "cvd"), [
        DiscoveredEdge("statin", "age", "o->"), DiscoveredEdge("statin", "cvd", "->")])
    members = find_plausible_graphs(data, [LLMEdge("age", "statin", 0.9)])
    (o,) = [o for o in members.orientations if o.data_kind == "o->"]
    assert o.status == "contested" and members.conflicts == (o,)
    kinds = set()
    for g in members.graphs:
        if ("age", "statin") in g.directed_edges:
            kinds.add("llm")
        elif ("statin", "age") in g.directed_edges:
            kinds.add("data tail")
        else:
            kinds.add("confounded")
    assert kinds == {"llm", "data tail", "confounded"}  # the data's options stay in
    weak = find_plausible_graphs(data, [LLMEdge("age", "statin", 0.3)])
    assert weak.conflicts == () and all(("age", "statin") not in g.directed_edges
                                        for g in weak.graphs)


def test_pag_members_are_ancestral_and_keep_unshielded_non_colliders() -> None:
    # A o-o B o-o C with A, C non-adjacent: B must not become a collider
    data = DiscoveryResult("fci", ("A", "B", "C"), [DiscoveredEdge("A", "B", "o-o"),
                                                    DiscoveredEdge("B", "C", "o-o")])
    graphs = find_plausible_graphs(data).graphs
    assert graphs
    for g in graphs:
        heads = [e for e in g.directed_edges if e[1] == "B"] + [
            e for e in g.bidirected_edges if "B" in e]
        assert len(heads) < 2
        for a, b in g.bidirected_edges:
            assert b not in g.descendants(a) and a not in g.descendants(b)


def test_limit_is_reported() -> None:
    chain = DiscoveryResult("pc", NODES, [DiscoveredEdge(a, b, "--")
                                          for a, b in pairwise(NODES)])
    full = find_plausible_graphs(chain)
    assert full.complete and len(full.graphs) == 5  # a chain of 5: one root each
    cut = find_plausible_graphs(chain, limit=3)
    assert not cut.complete and len(cut.graphs) == 3
