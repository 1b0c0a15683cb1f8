"""rung against the examples in dagitty's, pgmpy's, DoWhy's, y0's, Ananke's and networkx's own
docs and tests, with each peer's expected answer kept as data (source file in the comment).

Where a peer is wrong the row records the peer's answer, rung's answer and a numerical check
(:func:`rung.identify.verify` on random discrete SCMs) that decides between them; the cases
are explained in docs/identify.md ("Disagreements with peers").
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from rung.graph import CausalGraph, is_d_separated
from rung.graph.separation import find_minimal_separator
from rung.identify import (
    find_canonical_adjustment_set,
    find_direct_effect_adjustment_sets,
    find_minimal_adjustment_sets,
    find_optimal_adjustment_set,
    identify,
    is_valid_adjustment_set,
    is_valid_direct_effect_adjustment_set,
    verify,
)
from rung.identify._ir import Node, marg, prod, term
from rung.identify.api import Identification
from tests.identify.test_optimal import reference_valid

Sets = list[set[str]]


def _graph(text: str, latent: tuple[str, ...] = ()) -> CausalGraph:
    return CausalGraph.parse("dag { " + text + "".join(f"; {u} [latent]" for u in latent) + " }")


def _sets(found: list[frozenset[str]]) -> list[set[str]]:
    return sorted((set(s) for s in found), key=sorted)


def _estimand(g: CausalGraph, x: set[str], y: set[str], build: str,
              z: frozenset[str] | set[str] = frozenset()) -> Identification:
    """An Identification carrying ``Σ_z P(y | x, z) P(z)`` (``build="adjust"``) or ``P(y|x)``."""
    names = g.projected().topological_order()
    idx = {v: i for i, v in enumerate(names)}

    def m(s: set[str] | frozenset[str]) -> int:
        return sum(1 << idx[v] for v in s)

    ir: Node = (marg(m(z), prod([term(m(y), m(x) | m(z)), term(m(z))])) if build == "adjust"
                else term(m(y), m(x)))
    return Identification(treatment=frozenset(x), outcome=frozenset(y), given=frozenset(),
                          identifiable=True, method="backdoor", reason="peer's answer", _ir=ir,
                          _names=names)


# ------------------------------------------------------------------------------- dagitty
# jtextor/dagitty: test/test/adjustment-dags.js, r/tests/testthat/testAdjustments.R,
# r/man/adjustmentSets.Rd, gui/js/example-dags.js ("Thoemmes, 2013", "Small model with
# mediator"). Latent nodes of the examples ("U" in the old format) are declared [latent].
THOEMMES = ("e0 -> x; e1 -> s1; e2 -> s2; e2 -> y; e3 -> s3; e4 -> y; s1 -> s2; s1 -> z; "
            "s2 -> s3; s2 -> z2; s3 -> y; x -> y; x -> s1; y -> z3")
THOEMMES_LATENT = ("e0", "e1", "e3", "e4")
MULTI = ("C -> Y1; C -> m; X1 -> X2; X1 -> Y2 -> Y1; X2 -> Y1; X1 -> m2 -> m -> X2")
DAGITTY_TOTAL = [
    # graph, latent, exposure, outcome, must include (dagitty's [adjusted]), expected sets
    ("x <- a -> m <- b -> y", (), "x", "y", (), [set()]),
    ("x <- a -> m <- b -> y", (), "x", "y", ("m",), [{"a", "m"}, {"b", "m"}]),
    ("A -> B; U1 -> A; U1 -> M; U2 -> M; U2 -> B", (), "A", "B", ("A",), None),  # see below
    ("A -> B; U1 -> A; U1 -> M; U2 -> M; U2 -> B", (), "A", "B", ("M",),
     [{"M", "U1"}, {"M", "U2"}]),
    (MULTI, (), ("X1", "X2"), ("Y1", "Y2"), (), [{"C"}, {"m", "m2"}]),
    (THOEMMES, THOEMMES_LATENT, "x", "y", ("s2",), []),
    (THOEMMES, THOEMMES_LATENT, "x", "y", (), [set()]),
    ("x <-> m <-> y; x -> y", (), "x", "y", (), [set()]),  # adjustmentSets.Rd: "empty set"
    ("X <- A -> Z <- B -> Y; X -> Y", (), "X", "Y", ("A",), [{"A"}]),  # testAdjustments.R
    ("X <- A -> Z <- B -> Y; X -> Y", (), "X", "Y", ("Z",), [{"A", "Z"}, {"B", "Z"}]),
]
DAGITTY_DIRECT = [
    ("X1 -> Y; X1 -> M1; Y -> M2; M1 -> M2; M2 -> X2", ("X1", "X2"), "Y", (), []),
    ("X1 -> M1; Y -> M2; M1 -> M2; M2 -> X2", ("X1", "X2"), "Y", (), [{"M1", "M2"}]),
    (THOEMMES, "x", "y", ("s2",), [{"e2", "s2"}, {"s1", "s2"}]),
    ("Z -> X; Z -> I; X -> I; X -> Y; I -> Y", "X", "Y", (), [{"I"}]),
]
# Z -> {{a[e]} -> {b -> {c[o]}}}: Z -> a, b, c; a -> b, c; b -> c
ZABC = "Z -> a; Z -> b; Z -> c; a -> b; a -> c; b -> c"
DAGITTY_VALIDITY = [
    # graph, exposure, outcome, set, total-effect valid, direct-effect valid (None: untested)
    ("x <- z -> y", "x", "y", {"z"}, True, None),
    ("x <-> m <-> y; x -> y", "x", "y", {"m"}, False, None),
    (ZABC, "a", "c", {"Z"}, True, False),
    (ZABC, "a", "c", {"Z", "b"}, None, True),
    ("x -> m -> y; y -> S", "x", "y", set(), True, None),  # testAdjustments.R "mediation"
    ("x -> m -> y; y -> S", "x", "y", {"m"}, False, None),
]


@pytest.mark.parametrize("text, latent, x, y, must, expected", DAGITTY_TOTAL)
def test_dagitty_minimal_sets(text: str, latent: tuple[str, ...], x: str, y: str,
                              must: tuple[str, ...], expected: Sets | None) -> None:
    g = _graph(text, latent)
    if expected is None:  # m_bias_graph with A adjusted: dagitty lists {A}; A is the exposure
        with pytest.raises(ValueError, match="treatment or outcome"):
            find_minimal_adjustment_sets(g, x, y, include=must)
        return
    assert _sets(find_minimal_adjustment_sets(g, x, y, include=must)) == expected


@pytest.mark.parametrize("text, x, y, must, expected", DAGITTY_DIRECT)
def test_dagitty_direct_effect_sets(text: str, x: str | tuple[str, ...], y: str,
                                    must: tuple[str, ...], expected: Sets) -> None:
    g = _graph(text, THOEMMES_LATENT if text == THOEMMES else ())
    assert _sets(find_direct_effect_adjustment_sets(g, x, y, include=must)) == expected


@pytest.mark.parametrize("text, x, y, z, total, direct", DAGITTY_VALIDITY)
def test_dagitty_validity(text: str, x: str, y: str, z: set[str], total: bool | None,
                          direct: bool | None) -> None:
    g = _graph(text)
    if total is not None:
        assert is_valid_adjustment_set(g, x, y, z) is total
    if direct is not None:
        assert is_valid_direct_effect_adjustment_set(g, x, y, z) is direct


# "Polzer et al., 2012" (gui/js/example-dags.js): adjacency matrix, row -> column
POLZER_NAMES = ["ToothLoss", "Mortality", "Periodontitis", "Caries", "Diabetes", "Obesity",
                "Hypertension", "Psychosocial", "Age", "Sex", "Alcohol", "Smoking", "Sport",
                "Lipids"]
POLZER_MATRIX = """
0 1 0 0 0 0 0 0 0 0 0 0 0 0
0 0 0 0 0 0 0 0 0 0 0 0 0 0
1 0 0 0 0 0 0 0 0 0 0 0 0 0
1 0 0 0 0 0 0 0 0 0 0 0 0 0
0 1 1 0 0 0 1 0 0 0 0 0 0 1
0 1 1 0 1 0 1 0 0 0 0 0 0 1
0 1 0 0 0 0 0 0 0 0 0 0 0 0
1 1 1 1 1 1 1 0 0 0 1 1 1 1
1 1 1 1 1 1 1 1 0 0 1 1 1 1
1 1 1 1 1 1 1 1 0 0 1 1 1 1
1 1 0 0 1 1 1 0 0 0 0 1 0 1
1 1 1 0 1 1 1 0 0 0 0 0 1 0
0 1 1 0 1 1 1 0 0 0 0 0 0 1
0 1 0 0 0 0 0 0 0 0 0 0 0 0
"""


def test_dagitty_polzer_example() -> None:
    rows = [r.split() for r in POLZER_MATRIX.strip().splitlines()]
    g = CausalGraph(directed=[(a, b) for a, row in zip(POLZER_NAMES, rows, strict=True)
                              for b, e in zip(POLZER_NAMES, row, strict=True) if e == "1"],
                    nodes=POLZER_NAMES)
    assert _sets(find_minimal_adjustment_sets(g, "ToothLoss", "Mortality")) == [
        {"Age", "Alcohol", "Diabetes", "Obesity", "Psychosocial", "Sex", "Smoking", "Sport"},
        {"Age", "Alcohol", "Periodontitis", "Psychosocial", "Sex", "Smoking"},
    ]


def test_dagitty_all_sets_with_three_exposures() -> None:
    # testAdjustments.R "pags": adjustmentSets(type = "all") has 2 sets
    g = _graph("X1 -> V1 -> X2 -> Y; V1 -> X3")
    valid = [z for k in range(2) for z in combinations(["V1"], k)
             if is_valid_adjustment_set(g, ["X1", "X2", "X3"], "Y", z)]
    assert len(valid) == 2


# ------------------------------------------------------------------------------- pgmpy
# pgmpy/pgmpy: pgmpy/tests/test_inference/test_CausalInference.py (TestBackdoorPaths: The
# Book of Why games; pgmpy returns frozenset() when the empty set suffices, i.e. [{}] here)
PGMPY_GAMES = [
    ("X -> A; A -> Y; A -> B", [set()]),
    ("X -> E; E -> Y; A -> B; A -> X; B -> C; D -> B; D -> E", [set()]),
    ("X -> Y; X -> A; B -> A; B -> Y; B -> X", [{"B"}]),
    ("A -> X; A -> B; C -> B; C -> Y", [set()]),
    ("A -> X; A -> B; C -> B; C -> Y; X -> Y; B -> X", [{"A", "B"}, {"C"}]),
    ("X -> F; C -> X; A -> C; A -> D; B -> D; B -> E; D -> X; D -> Y; E -> Y; F -> Y",
     [{"A", "D"}, {"B", "D"}, {"C", "D"}, {"D", "E"}]),
]
PGMPY_MINIMAL = [
    # graph, latent, one of these is pgmpy's get_minimal_adjustment_set (None: no set)
    ("X -> Y; Z -> X; Z -> Y", (), [{"Z"}]),
    ("X -> Y; Z1 -> X; Z1 -> Z3; Z2 -> Z3; Z2 -> Y", (), [set()]),
    ("X -> Y; Z -> X; Z -> Y", ("Z",), None),
    ("X -> Y; Z1 -> U; U -> X; Z1 -> Z3; Z3 -> Y; U -> Z2; Z3 -> Z2", ("U",), [{"Z1"}, {"Z3"}]),
]
UAI2014 = "x1 -> y1; x1 -> z1; z1 -> z2; z2 -> x2; y2 -> z2"  # TestAdjustmentSet
PGMPY_VALIDITY = [
    # graph, treatment, outcome, set, pgmpy's verdict, rung's verdict
    ("A -> X; A -> B; C -> B; C -> Y; X -> Y; B -> X", "X", "Y", {"C"}, True, True),
    ("X -> Y; Z1 -> X; Z1 -> Y", "X", "Y", {"Z1"}, True, True),
    ("X -> Y; Z1 -> X; Z1 -> Z2; Z2 -> Y", "X", "Y", {"Z1", "Z2"}, True, True),
    (UAI2014, ("x1", "x2"), ("y1", "y2"), {"z1", "z2"}, True, True),
    (UAI2014, ("x1", "x2"), ("y1", "y2"), {"z1"}, False, False),
    # pgmpy accepts the collider z2 alone; it opens x1 -> z1 -> z2 <- y2
    (UAI2014, ("x1", "x2"), ("y1", "y2"), {"z2"}, True, False),
]


@pytest.mark.parametrize("text, expected", PGMPY_GAMES)
def test_pgmpy_book_of_why_games(text: str, expected: Sets) -> None:
    assert _sets(find_minimal_adjustment_sets(_graph(text), "X", "Y")) == expected


@pytest.mark.parametrize("text, latent, expected", PGMPY_MINIMAL)
def test_pgmpy_minimal_set(text: str, latent: tuple[str, ...], expected: Sets | None) -> None:
    found = _sets(find_minimal_adjustment_sets(_graph(text, latent), "X", "Y"))
    assert found == ([] if expected is None else expected)


@pytest.mark.parametrize("text, x, y, z, theirs, ours", PGMPY_VALIDITY)
def test_pgmpy_validity(text: str, x: str | tuple[str, ...], y: str | tuple[str, ...],
                        z: set[str], theirs: bool, ours: bool) -> None:
    g = _graph(text)
    assert is_valid_adjustment_set(g, x, y, z) is ours
    # the numbers decide: adjustment for a valid set reproduces P(y | do(x)) exactly
    err = verify(g, _estimand(g, set(x) if isinstance(x, tuple) else {x},
                              set(y) if isinstance(y, tuple) else {y}, "adjust", z),
                 trials=10, seed=3).max_abs_error
    assert (err < 1e-9) is ours, err


# ------------------------------------------------------------------------------- DoWhy
# py-why/dowhy: tests/causal_identifiers/example_graphs.py (TEST_GRAPH_SOLUTIONS; nodes
# missing from observed_variables are latent). DoWhy's tests check that each expected set
# is among its answers; minimal sets are compared as a subset, maximal sets as valid sets.
DOWHY = [
    # name, graph, latent, biased, minimal, maximal, direct maximal
    ("pearl_backdoor_example_graph",
     "Z1 -> Z3; Z1 -> Z4; Z2 -> Z4; Z2 -> Z5; Z3 -> X; Z4 -> X; Z4 -> Y; Z5 -> Y; Z6 -> Y; "
     "X -> Z6", (),
     [{"Z4"}, {"Z6"}, {"Z5"}, {"Z2"}, {"Z1"}, {"Z3"}, {"Z1", "Z3"}, {"Z2", "Z5"}, {"Z1", "Z2"}],
     [{"Z1", "Z4"}, {"Z2", "Z4"}, {"Z3", "Z4"}, {"Z5", "Z4"}], [{"Z1", "Z2", "Z3", "Z4", "Z5"}],
     [{"Z1", "Z2", "Z3", "Z4", "Z5", "Z6"}]),
    ("simple_selection_bias_graph", "X -> Y; X -> Z1; Y -> Z1", (), [{"Z1"}], [set()], [set()],
     None),
    ("simple_no_confounder_graph", "X -> Y; Z1 -> X", (), [], [set()], [{"Z1"}], None),
    ("pearl_simpsons_paradox_1c", "X -> Y; L1 -> X; L1 -> Z; L2 -> Z; L2 -> Y", ("L1", "L2"),
     [{"Z"}], [set()], [set()], None),
    ("pearl_simpsons_paradox_1d", "X -> Y; L1 -> X; L1 -> Z; Z -> Y", ("L1",), [], [{"Z"}],
     [{"Z"}], None),
    ("pearl_simpsons_paradox_2a", "X -> Y; X -> Z; L -> Z; L -> Y", ("L",), [{"Z"}], [set()],
     [set()], None),
    ("pearl_simpsons_paradox_2b", "X -> Y; Z -> X; L -> X; L -> Y", ("L",), [], [], [], None),
    ("pearl_simpsons_paradox_2b_L_observed", "X -> Y; Z -> X; L -> X; L -> Y", (), [],
     [{"L"}], [{"L", "Z"}], None),
    ("pearl_simpsons_machine_lvl1", "X -> Y; Z1 -> L; L -> Z2; Z3 -> Z2; L -> X; Z3 -> Y",
     ("L",), [{"Z2"}, {"Z1", "Z2"}], [set()], [{"Z1", "Z2", "Z3"}], None),
    ("book_of_why_game2", "A -> X; A -> B; B -> C; D -> B; D -> E; X -> E; E -> Y", (),
     [{"B"}, {"C"}, {"B", "C"}], [set()], [{"A", "B", "C", "D"}], [{"A", "B", "C", "D", "E"}]),
    ("book_of_why_game5", "A -> X; A -> B; B -> X; C -> B; C -> Y; X -> Y", (), [{"B"}],
     [{"C"}], [{"A", "B", "C"}], None),
    ("book_of_why_game5_C_is_unobserved", "A -> X; A -> B; B -> X; C -> B; C -> Y; X -> Y",
     ("C",), [{"B"}], [{"A", "B"}], [{"A", "B"}], None),
    ("no_treatment_but_valid_maximal_set", "X -> Y; X -> Z1; Z1 -> Y; Z2 -> Z1", (), [],
     [set()], [{"Z2"}], [{"Z2", "Z1"}]),
    ("common_cause_of_mediator1", "X -> M; M -> Y; U -> X; U -> Z; Z -> M", ("U",), [],
     [{"Z"}], [{"Z"}], [{"Z", "M"}]),
    ("common_cause_of_mediator2", "X -> M; M -> Y; U -> Z; U -> M; Z -> X", ("U",), [],
     [{"Z"}], [{"Z"}], [{"Z", "M"}]),
    ("mbias_with_unobserved", "X -> Y; U1 -> X; U1 -> M; U2 -> M; U2 -> Y; Z -> X",
     ("U1", "U2"), [{"Z", "M"}, {"M"}], [set()], [{"Z"}], None),
    ("iv", "X -> Y; U -> X; U -> Y; Z -> X", ("U",), [{"Z"}], [], [], None),
    ("mediator", "X -> Y; W -> X; W -> Y; X -> M; M -> Y", (), [{"M"}], [{"W"}], [{"W"}],
     [{"W", "M"}]),
    ("mediator-with-conf", "X -> Y; W1 -> X; W1 -> Y; W2 -> M; W2 -> Y; X -> M; M -> Y", (),
     [{"M"}, {"M", "W1"}], [{"W1"}], [{"W1", "W2"}], [{"W1", "M", "W2"}]),
]


@pytest.mark.parametrize("name, text, latent, biased, minimal, maximal, direct",
                         DOWHY, ids=[row[0] for row in DOWHY])
def test_dowhy_example_graphs(name: str, text: str, latent: tuple[str, ...], biased: Sets,
                              minimal: Sets, maximal: Sets, direct: Sets | None) -> None:
    g = _graph(text, latent)
    found = _sets(find_minimal_adjustment_sets(g, "X", "Y"))
    assert all(s in found for s in minimal) and (found == [] if minimal == [] else True)
    assert not any(is_valid_adjustment_set(g, "X", "Y", s) for s in biased)
    assert all(is_valid_adjustment_set(g, "X", "Y", s) for s in maximal)
    if not maximal:
        assert find_canonical_adjustment_set(g, "X", "Y") is None
    for s in direct or []:
        assert is_valid_direct_effect_adjustment_set(g, "X", "Y", s)


# tests/causal_identifiers/example_graphs_efficient.py (unconditional examples only; those
# with conditional_node_names concern individualised treatment rules)
DOWHY_EFFICIENT = [
    ("ssr21_fig5", "X -> Y; Z1 -> X; Z1 -> Z2; U -> Z2; U -> Y", ("U",), None),
    ("sr22_fig3", "B -> X; Q -> X; B -> T; Q -> R; T -> Y; R -> Y; X -> Y", (), {"R", "T"}),
    ("alldiff", "K -> X; X -> Y; W1 -> K; W2 -> K; W3 -> K; W1 -> W4; W2 -> W5; W3 -> W6; "
     "W4 -> W7; W5 -> W8; W6 -> W9; W7 -> Y; W8 -> Y; W9 -> Y; O -> Y", (),
     {"O", "W7", "W8", "W9"}),
    ("taheri_graph1", "Z1 -> Z2; Z2 -> Z3; Z3 -> Y; Z1 -> X; X -> M1; M1 -> M2; M2 -> Y", (),
     {"Z3"}),
]


@pytest.mark.parametrize("name, text, latent, expected", DOWHY_EFFICIENT,
                         ids=[row[0] for row in DOWHY_EFFICIENT])
def test_dowhy_efficient_adjustment(name: str, text: str, latent: tuple[str, ...],
                                    expected: set[str] | None) -> None:
    assert find_optimal_adjustment_set(_graph(text, latent), "X", "Y") == expected


def test_dowhy_small_dag_oracle_with_u_observed_and_hidden() -> None:
    """test_optimized_backdoor_validity.py::test_small_dags_against_path_oracle: every DAG
    on the order U, X, Z, Y with a directed X -> ... -> Y path. With ``hidden=False`` the
    node named U is observed (a valid set may use it); with ``hidden=True`` it is latent.
    rung's verdict (a valid set exists) must match the linear-Gaussian reference both ways."""
    nodes = ["U", "X", "Z", "Y"]
    pairs = list(combinations(nodes, 2))
    rng = np.random.default_rng(5)
    disagree_with_latent_reading = 0
    for mask in range(1 << len(pairs)):
        edges = "; ".join(f"{a} -> {b}" for k, (a, b) in enumerate(pairs) if mask >> k & 1)
        for hidden in (False, True):
            g = CausalGraph(directed=[p for k, p in enumerate(pairs) if mask >> k & 1],
                            nodes=nodes, latent=["U"] if hidden else [])
            if "Y" not in g.descendants("X", include_self=False):
                continue
            exists = find_canonical_adjustment_set(g, "X", "Y") is not None
            assert exists == bool(reference_valid(g, "X", "Y", rng)), (edges, hidden)
        observed = CausalGraph(directed=[p for k, p in enumerate(pairs) if mask >> k & 1],
                               nodes=nodes)
        latent = CausalGraph(directed=list(observed.directed_edges), nodes=nodes,
                             latent=["U"])
        if "Y" in observed.descendants("X", include_self=False):
            disagree_with_latent_reading += (
                (find_canonical_adjustment_set(observed, "X", "Y") is None)
                != (find_canonical_adjustment_set(latent, "X", "Y") is None))
    assert disagree_with_latent_reading > 0  # reading U as latent changes some verdicts


# ------------------------------------------------------------------------------- y0
def test_y0_napkin_answer_is_wrong() -> None:
    """y0 0.2.11 answers P(Y | do(X)) = P(Y | X) on the napkin graph; the numbers refute it."""
    g = CausalGraph.from_edges("W1 -> W2 -> X -> Y; W1 <-> X; W1 <-> Y")
    ours = identify(g, "X", "Y")
    assert ours.method == "id"
    assert verify(g, ours, trials=20, seed=1).max_abs_error < 1e-9
    theirs = verify(g, _estimand(g, {"X"}, {"Y"}, "p_y_given_x"), trials=20, seed=1)
    assert theirs.max_abs_error > 1e-3


# ------------------------------------------------------------------------------- Ananke
# ananke (gitlab.com/causal/ananke): tests/identification/test_one_line.py
ANANKE = [
    # vertices' directed edges; bidirected edges; treatments; outcomes; identified
    ("A -> B; A -> D; B -> C; C -> Y; B -> D; D -> Y; A <-> C; B <-> Y; B <-> D", "A", "Y",
     True),
    ("A -> B; A -> D; B -> C; C -> Y; B -> D; D -> Y; A <-> C; B <-> Y; B <-> D", ("A", "B"),
     "Y", False),
    ("B -> M; M -> A; A -> Y; B <-> A; B <-> Y", "A", "Y", True),
    ("D -> Y; D -> A; A -> Y; C -> A; C -> Y", "A", ("Y", "D"), True),
    ("A -> M; M -> Y; A <-> Y", "A", "Y", True),
]


@pytest.mark.parametrize("text, x, y, expected", ANANKE)
def test_ananke_one_line_id_verdicts(text: str, x: str | tuple[str, ...],
                                     y: str | tuple[str, ...], expected: bool) -> None:
    g = CausalGraph.from_edges(text)
    res = identify(g, x, y)
    assert res.identifiable is expected
    if expected:
        assert verify(g, res, trials=3, seed=0).max_abs_error < 1e-9


# ------------------------------------------------------------------------------- networkx
# networkx: algorithms/d_separation.py (docstring) and algorithms/tests/test_d_separation.py
HMM = ("H1 -> H2; H2 -> H3; H3 -> H4; H4 -> H5; H1 -> O1; H2 -> O2; H3 -> O3; H4 -> O4; "
       "H5 -> O5")
ASIA = ("asia -> tuberculosis; smoking -> cancer; smoking -> bronchitis; tuberculosis -> "
        "either; cancer -> either; either -> xray; either -> dyspnea; bronchitis -> dyspnea")
NX_SEPARATION = [
    ("0 -> 1 -> 2", {"0"}, {"2"}, {"1"}, True),
    ("0 -> 1 -> 2", {"0"}, {"2"}, set(), False),
    ("0 -> 1; 0 -> 2", {"1"}, {"2"}, {"0"}, True),
    ("0 -> 2; 1 -> 2", {"0"}, {"1"}, set(), True),
    ("0 -> 2; 1 -> 2", {"0"}, {"1"}, {"2"}, False),
    (HMM, {"H1", "O1"}, {"H5", "O5"}, {"H3"}, True),
    (ASIA, {"asia", "smoking"}, {"dyspnea", "xray"}, {"bronchitis", "either"}, True),
    (ASIA, {"tuberculosis", "cancer"}, {"bronchitis"}, {"smoking", "xray"}, True),
    ("A -> B; A -> E; B -> C; B -> D; D -> C; D -> F; E -> D; E -> F", {"C"}, {"F"}, {"D"},
     False),
]
NX_MINIMAL = [
    # graph, x, y, include, restrict, expected minimal separator (None: none exists)
    ("A -> B; C -> B; B -> D; D -> E; B -> F; G -> E", "B", "E", (), None, {"D"}),
    ("A -> B; B -> C; B -> D; D -> C", "A", "C", (), None, {"B"}),
    ("A -> B", "A", "B", (), None, None),
    ("A -> B; C -> A; C -> B", "A", "B", (), None, None),
    ("A -> B; C -> B; C -> D", "A", "D", ("B",), None, {"B", "C"}),
    ("A -> B; C -> B; C -> D", "A", "D", ("B",), ("B",), None),
]


@pytest.mark.parametrize("text, x, y, z, expected", NX_SEPARATION)
def test_networkx_d_separation(text: str, x: set[str], y: set[str], z: set[str],
                               expected: bool) -> None:
    assert is_d_separated(CausalGraph.from_edges(text), x, y, z) is expected


@pytest.mark.parametrize("text, x, y, include, restrict, expected", NX_MINIMAL)
def test_networkx_minimal_d_separator(text: str, x: str, y: str, include: tuple[str, ...],
                                      restrict: tuple[str, ...] | None,
                                      expected: set[str] | None) -> None:
    found = find_minimal_separator(CausalGraph.from_edges(text), x, y, include=include,
                                   restrict=restrict)
    assert found == expected
