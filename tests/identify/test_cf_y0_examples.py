"""The counterfactual examples of y0's documentation (``y0.examples``) that
``test_id_star.py`` does not already cover: their counterfactual graphs and verdicts.

Graphs: ``tikka_unidentifiable_graph``/``tikka_unidentifiable_cfgraph`` (Tikka 2022, cfid,
the unidentifiable example), ``figure_9d`` (Shpitser & Pearl 2008, the graph of
``P(y_{x,z}, x')`` in Fig. 9a), ``tikka_figure_6a``/``tikka_figure_6b`` (Tikka 2022,
Fig. 6). y0 draws Figure 6 before the last step of make-cg keeps only ``An(γ')``; rung's
graphs are compared on that part. Every verdict is checked numerically.
"""

from __future__ import annotations

from rung.graph import CausalGraph
from rung.identify.cf_api import identify_counterfactual
from rung.identify.cf_graph import Atom, make_cg
from rung.identify.cf_verify import find_counterexample, verify_counterfactual
from rung.identify.counterfactual import parse_cf_query

FIG_9A = CausalGraph.from_edges("X -> W -> Y; D -> Z -> Y; X <-> Y")
TIKKA_UNID = CausalGraph.from_edges("X -> W -> Y; D -> Z -> Y; X -> Y; X <-> Y")
TIKKA_2 = CausalGraph.from_edges("X -> Z; X -> Y; Z -> Y; X <-> Z")


def cg_json(g: CausalGraph, text: str) -> dict[str, object]:
    atoms = tuple(Atom(e.variable, frozenset(e.interventions), e.value)
                  for e in parse_cf_query(f"P({text})").outcome)
    cg = make_cg(g, atoms)
    assert cg is not None
    js = cg.to_json()
    return {"nodes": sorted(js["nodes"]), "directed": sorted(map(tuple, js["directed"])),
            "bidirected": sorted(map(tuple, js["bidirected"]))}


def test_tikka_unidentifiable_counterfactual_graph() -> None:
    """y0 ``tikka_unidentifiable_cfgraph``: X_x -> W_x -> Y_x, D -> Z -> Y_x, X <-> Y_x and
    the edge X -> Y of G, which in world x is X=x -> Y_x (y0 writes it (X, Y), a factual Y
    that is no ancestor of the event)."""
    assert cg_json(TIKKA_UNID, "Y[X=1]=1, X=0, Z[D=0]=1, D=0") == {
        "nodes": ["D", "W[X=1]", "X", "Y[X=1]", "Z"],
        "directed": [("D", "Z"), ("W[X=1]", "Y[X=1]"), ("X=1", "W[X=1]"),
                     ("X=1", "Y[X=1]"), ("Z", "Y[X=1]")],
        "bidirected": [("X", "Y[X=1]")]}


def test_tikka_unidentifiable_query_is_not_identified() -> None:
    """Tikka 2022: adding X -> Y to Fig. 9a makes P(y_x | x', z_d, d) unidentifiable (ID*
    line 8: the district {X, Y_x} holds X=x' and X=x in a subscript); two SCMs agree on P(v)
    and differ on it. (The search found no pair agreeing on every P_x(v), binary or with a
    third value of X, so only the observational claim is tested here.)"""
    q = parse_cf_query("P(Y[X=1]=1 | X=0, Z[D=0]=1, D=0)")
    assert identify_counterfactual(TIKKA_UNID, q).status == "not_identifiable"
    ce = find_counterexample(TIKKA_UNID, q)
    assert ce is not None and ce.agreement < 1e-12 and ce.gap > 1e-3


def test_figure_9d_counterfactual_graph_and_estimand() -> None:
    """y0 ``figure_9d``: the graph of P(y_{x,z}, x') in Fig. 9a."""
    assert cg_json(FIG_9A, "Y[X=1, Z=1]=1, X=0") == {
        "nodes": ["W[X=1, Z=1]", "X", "Y[X=1, Z=1]"],
        "directed": [("W[X=1, Z=1]", "Y[X=1, Z=1]"), ("X=1", "W[X=1, Z=1]"),
                     ("Z=1", "Y[X=1, Z=1]")],
        "bidirected": [("X", "Y[X=1, Z=1]")]}
    r = identify_counterfactual(FIG_9A, "P(Y[X=1, Z=1]=1 | X=0)")
    assert r.status == "identified"
    assert verify_counterfactual(FIG_9A, r, trials=4).ok
    assert verify_counterfactual(FIG_9A, r, trials=4, experimental=True).ok


def test_tikka_figure_6() -> None:
    """y0 ``tikka_figure_6a`` (y_x ∧ z_x ∧ x') and ``tikka_figure_6b`` (y_{x,z} ∧ x'),
    restricted to An(γ'); P(y_{x,z} | x') = P(y | x, z) there (Tikka 2022, Section 4)."""
    assert cg_json(TIKKA_2, "Y[X=1]=1, Z[X=1]=1, X=0") == {
        "nodes": ["X", "Y[X=1]", "Z[X=1]"],
        "directed": [("X=1", "Y[X=1]"), ("X=1", "Z[X=1]"), ("Z[X=1]", "Y[X=1]")],
        "bidirected": [("X", "Z[X=1]")]}
    assert cg_json(TIKKA_2, "Y[X=1, Z=1]=1, X=0") == {
        "nodes": ["X", "Y[X=1, Z=1]"],
        "directed": [("X=1", "Y[X=1, Z=1]"), ("Z=1", "Y[X=1, Z=1]")], "bidirected": []}
    r = identify_counterfactual(TIKKA_2, "P(Y[X=1, Z=1]=1 | X=0)")
    assert r.estimand is not None and r.estimand.to_text() == "P(Y=1|X=1,Z=1)"
    assert verify_counterfactual(TIKKA_2, r, trials=4).ok
