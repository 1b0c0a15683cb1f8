"""EquivalenceClass.members against a brute-force reference (networkx), for CPDAGs, PAGs
and caller-narrowed or widened edge options."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.graph import CausalGraph
from rung.identify.equivalence_class import (
    EdgeOptions,
    EquivalenceClass,
    TooManyMembersError,
)

KINDS = ("->", "--", "o->", "o-o", "<->")
# the orientations each mark allows, written out here independently of MEMBER_CHOICES
ALLOWED = {"->": ["->"], "--": ["->", "<-"], "o->": ["->", "<->"],
           "o-o": ["->", "<-", "<->"], "<->": ["<->"]}
Member = tuple[frozenset[tuple[str, str]], frozenset[frozenset[str]]]


def _key(g: CausalGraph) -> Member:
    return frozenset(g.directed_edges), frozenset(frozenset(e) for e in g.bidirected_edges)


def _heads(s: str, t: str, choice: str) -> set[str]:
    """The ends of s–t that get an arrowhead under ``choice``."""
    return {"->": {t}, "<-": {s}, "<->": {s, t}}[choice]


def brute_force(nodes: list[str], edges: list[tuple[str, str, str]],
                choices: list[list[str]], free: list[bool]) -> set[Member]:
    """Every assignment of ``choices`` that is acyclic, ancestral and adds no unshielded
    collider (a triple with a free edge exempt), by exhaustive search."""
    class_heads = {(frozenset((s, t)), n) for s, t, k in edges
                   for n in {"->": [t], "o->": [t], "<->": [s, t]}.get(k, [])}
    adjacent = {frozenset((s, t)) for s, t, _ in edges}
    out: set[Member] = set()
    for combo in itertools.product(*choices):
        d = nx.DiGraph()
        d.add_nodes_from(nodes)
        bi = []
        for (s, t, _), c in zip(edges, combo, strict=True):
            if c == "->":
                d.add_edge(s, t)
            elif c == "<-":
                d.add_edge(t, s)
            else:
                bi.append((s, t))
        if not nx.is_directed_acyclic_graph(d):
            continue
        if any(a in nx.ancestors(d, b) or b in nx.ancestors(d, a) for a, b in bi):
            continue
        if _new_collider(edges, combo, free, adjacent, class_heads):
            continue
        out.add((frozenset(d.edges), frozenset(frozenset(e) for e in bi)))
    return out


def _new_collider(edges: list[tuple[str, str, str]], combo: tuple[str, ...], free: list[bool],
                  adjacent: set[frozenset[str]],
                  class_heads: set[tuple[frozenset[str], str]]) -> bool:
    for (i, (s1, t1, _)), (j, (s2, t2, _)) in itertools.combinations(enumerate(edges), 2):
        common = {s1, t1} & {s2, t2}
        if len(common) != 1 or free[i] or free[j]:
            continue
        (mid,) = common
        (a,) = {s1, t1} - common
        (b,) = {s2, t2} - common
        if frozenset((a, b)) in adjacent:
            continue
        if mid in _heads(s1, t1, combo[i]) and mid in _heads(s2, t2, combo[j]) and not (
                (frozenset((s1, t1)), mid) in class_heads
                and (frozenset((s2, t2)), mid) in class_heads):
            return True
    return False


def random_class(rng: random.Random, n: int, kinds: tuple[str, ...]
                 ) -> tuple[list[str], list[tuple[str, str, str]]]:
    nodes = [f"V{i}" for i in range(n)]
    edges = [(a, b, rng.choice(kinds)) for a, b in itertools.combinations(nodes, 2)
             if rng.random() < 0.5]
    edges = [(b, a, k) if rng.random() < 0.5 else (a, b, k) for a, b, k in edges]
    return nodes, edges


class _E:
    def __init__(self, s: str, t: str, k: str) -> None:
        self.source, self.target, self.kind = s, t, k


def _cls(nodes: list[str], edges: list[tuple[str, str, str]], kind: str) -> EquivalenceClass:
    return EquivalenceClass.from_edges(nodes, [_E(*e) for e in edges], kind)  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(2, 5))
def test_cpdag_members_are_its_dags(seed: int, n: int) -> None:
    rng = random.Random(seed)
    names = [f"V{i}" for i in range(n)]
    dag = CausalGraph(directed=[(a, b) for a, b in itertools.combinations(names, 2)
                                if rng.random() < 0.6], nodes=names)
    cls = EquivalenceClass.from_dag(dag)
    found = [_key(g) for g in cls.members()]
    edges = [(a, b, "->") for a, b in cls.directed] + [(a, b, "--") for a, b in cls.undirected]
    ref = brute_force(names, edges, [ALLOWED[k] for _, _, k in edges], [False] * len(edges))
    assert len(found) == len(set(found)) and set(found) == ref
    assert _key(dag) in ref


@settings(max_examples=120, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(2, 5))
def test_pag_members_match_brute_force(seed: int, n: int) -> None:
    nodes, edges = random_class(random.Random(seed), n, KINDS)
    found = [_key(g) for g in _cls(nodes, edges, "pag").members()]
    ref = brute_force(nodes, edges, [ALLOWED[k] for _, _, k in edges], [False] * len(edges))
    assert len(found) == len(set(found)) and set(found) == ref


@settings(max_examples=120, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(2, 5))
def test_narrowed_and_free_options_match_brute_force(seed: int, n: int) -> None:
    """Options narrowed to a subset, widened on free edges, in any order."""
    rng = random.Random(seed)
    nodes, edges = random_class(rng, n, KINDS)
    rng.shuffle(edges)
    choices, free = [], []
    for _, _, k in edges:
        is_free = rng.random() < 0.2
        pool = ["->", "<-", "<->"] if is_free else ALLOWED[k]
        choices.append(sorted(rng.sample(pool, rng.randint(1, len(pool)))))
        free.append(is_free)
    options = [EdgeOptions(s, t, tuple(c), free=f)  # type: ignore[arg-type]
               for (s, t, _), c, f in zip(edges, choices, free, strict=True)]
    found = [_key(g) for g in _cls(nodes, edges, "pag").members(options=options)]
    assert len(found) == len(set(found))
    assert set(found) == brute_force(nodes, edges, choices, free)


def test_limits() -> None:
    nodes = ["A", "B", "C", "D"]
    chain = [("A", "B", "--"), ("B", "C", "--"), ("C", "D", "--")]  # 4 DAGs
    cls = _cls(nodes, chain, "cpdag")
    assert len(list(cls.members(limit=4))) == 4
    with pytest.raises(TooManyMembersError, match="limit=3"):
        list(cls.members(limit=3))
    with pytest.raises(TooManyMembersError, match="max_steps"):
        list(cls.members(max_steps=3))


def test_options_must_name_each_edge() -> None:
    cls = _cls(["A", "B", "C"], [("A", "B", "--"), ("B", "C", "--")], "cpdag")
    with pytest.raises(ValueError, match="missing"):
        list(cls.members(options=[EdgeOptions("A", "B", ("->",))]))
    with pytest.raises(ValueError, match="not in the class"):
        list(cls.members(options=[EdgeOptions("A", "B", ("->",)),
                                  EdgeOptions("B", "C", ("->",)),
                                  EdgeOptions("A", "C", ("->",))]))
