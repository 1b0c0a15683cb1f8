"""ID*/IDC* (Shpitser & Pearl 2008) line by line, and y0's counterfactual examples.

y0's expected answers are from y0-causal-inference/y0, ``tests/test_algorithm/
test_id_star.py`` (``test_id_star``, ``test_idc_star``, ``test_id_star_line_*``), with
their graphs from ``y0.examples`` (``figure_9a`` = Shpitser & Pearl 2008, Fig. 9a;
``tikka_figure_2`` = Tikka 2022, Fig. 2). y0 writes ``-x`` / ``+x`` for two values of X;
here they are 0 / 1. Each expected estimand is also checked numerically on random SCMs,
which decides any disagreement (none was found: the differences are in form only).
"""

from __future__ import annotations

import pytest

from rung.graph import CausalGraph
from rung.identify.cf_api import counterfactual_json, identify_counterfactual
from rung.identify.cf_estimand import ONE_CF, ZERO_CF, CfExpr, CfFraction, CfProduct, CfSum, Do, Sym
from rung.identify.cf_graph import Atom, Fixed, make_cg, make_pw
from rung.identify.cf_verify import ResponseSCM, evaluate_cf, verify_counterfactual
from rung.identify.counterfactual import CfEvent, CfQuery, parse_cf_query
from rung.identify.id_star import CfFail, CfUndefined, id_star, idc_star

FIG_9A = "X -> W -> Y; D -> Z -> Y; X <-> Y"  # Shpitser & Pearl 2008, Figure 9(a)
TIKKA_2 = "X -> Z; X -> Y; Z -> Y; X <-> Z"  # Tikka 2022 (cfid), Figure 2
E: frozenset[tuple[str, int]] = frozenset()


def atoms(text: str) -> tuple[Atom, ...]:
    return tuple(Atom(e.variable, frozenset(e.interventions), e.value)
                 for e in parse_cf_query(f"P({text})").outcome)


def w(**kv: int) -> frozenset[tuple[str, int | Sym]]:
    return frozenset(kv.items())


def test_query_objects_round_trip() -> None:
    q = parse_cf_query("P(Y[X=1]=1 | X=0, Y=0)")
    assert q == CfQuery((CfEvent("Y", 1, (("X", 1),)),), (CfEvent("X", 0), CfEvent("Y", 0)))
    assert q.to_text() == "P(Y[X=1]=1 | X=0, Y=0)"
    assert q.to_latex() == r"P(Y_{X=1}=1 \mid X=0, Y=0)"
    assert CfQuery.from_json(q.to_json()) == q
    joint = parse_cf_query("P(Y[X=1]=1, Y[X=0]=0)")
    assert [e.to_text() for e in joint.outcome] == ["Y[X=1]=1", "Y[X=0]=0"]


def test_nested_counterfactuals_are_refused_with_the_fix() -> None:
    from rung.identify.counterfactual import NestedCounterfactualError

    with pytest.raises(NestedCounterfactualError, match="un-nested"):
        parse_cf_query("P(Y[X=1, M=M[X=0]]=1)")


def test_make_pw_shares_latents_across_worlds() -> None:
    pw = make_pw(CausalGraph.from_edges("X -> Y; X <-> Y"), {E, w(X=1)})
    texts = {(a.to_text(), b.to_text()) for a, b in pw.bidirected}
    assert texts == {("X", "Y"), ("X", "Y[X=1]"), ("Y", "Y[X=1]")}
    assert Fixed("X", 1) in pw.nodes


def test_make_cg_figure_9() -> None:
    """Shpitser & Pearl 2008, Fig. 9(c)/Tikka Fig. 5 (y0 ``tikka_figure_5``): for
    y_x ∧ x' ∧ z_d ∧ d, Z_d merges with Z (D = d observed) and only An(γ') stays."""
    cg = make_cg(CausalGraph.from_edges(FIG_9A), atoms("Y[X=1]=1, X=0, Z[D=0]=1, D=0"))
    assert cg is not None
    assert sorted(n.to_text() for n in cg.nodes) == ["D", "W[X=1]", "X", "Y[X=1]", "Z"]
    js = cg.to_json()
    assert sorted(map(tuple, js["directed"])) == [
        ("D", "Z"), ("W[X=1]", "Y[X=1]"), ("X=1", "W[X=1]"), ("Z", "Y[X=1]")]
    assert js["bidirected"] == [["X", "Y[X=1]"]]


def test_make_cg_inconsistent() -> None:
    """y0 ``test_id_star`` line 5: Z_d = 0, Z = 1, D = d in D -> Z -> Y is inconsistent."""
    assert make_cg(CausalGraph.from_edges("D -> Z -> Y"), atoms("Z[D=0]=0, Z=1, D=0")) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("", ONE_CF),  # line 1
    ("X[X=1]=0", ZERO_CF),  # line 2 (y0 test_id_star_line_2)
    ("D[D=1]=1", ONE_CF),  # line 3 (y0 test_id_star: {D @ +d: +d} -> One)
    ("Z[D=0]=0, Z=1, D=0", ZERO_CF),  # line 5
])
def test_lines_1_to_5(text: str, expected: CfExpr) -> None:
    g = CausalGraph.from_edges(FIG_9A + "; D -> Z")
    assert id_star(g, atoms(text) if text else ()) == expected


def test_line_8_conflict_is_the_hedge() -> None:
    """y0 ``test_id_star``: {Y_x = y, Y_x' = y'} in X -> Y raises (ConflictUnidentifiable)."""
    with pytest.raises(CfFail) as exc:
        id_star(CausalGraph.from_edges("X -> Y"), atoms("Y[X=0]=0, Y[X=1]=1"))
    assert {n.to_text() for n in exc.value.district} == {"Y[X=0]", "Y[X=1]"}
    assert ("X", 0, 1) in exc.value.conflicts


def _fig9_expected(z_sub: bool) -> CfExpr:
    """y0: Σ_W P(Y @ (-z,-w), X @ (-z,-w)) [P(Z @ -d)] P(W @ -x) [P(D)]."""
    ww = Sym("w", "W")
    factors: list[CfExpr] = [Do((("W", ww), ("Z", 1)), (("X", 0), ("Y", 1)))]
    if z_sub:
        factors += [Do((), (("D", 0),)), Do((("D", 0),), (("Z", 1),))]
    factors.append(Do((("X", 1),), (("W", ww),)))
    return CfSum((ww,), CfProduct(tuple(factors)))


def _same_value(g: CausalGraph, a: CfExpr, b: CfExpr, trials: int = 4) -> float:
    import numpy as np

    rng = np.random.default_rng(7)
    err = 0.0
    for _ in range(trials):
        scm = ResponseSCM(g, 2, rng)
        err = max(err, abs(evaluate_cf(a, scm) - evaluate_cf(b, scm)))
    return err


def test_id_star_figure_9_matches_y0() -> None:
    """y0 ``test_id_star`` expected2: P(y_x, x', z_d, d) = Σ_w P_{z,w}(y, x') P_d(z) P_x(w)
    P(d) (Shpitser & Pearl 2008, Section 6 example)."""
    g = CausalGraph.from_edges(FIG_9A)
    got = id_star(g, atoms("Y[X=1]=1, X=0, Z[D=0]=1, D=0"))
    assert isinstance(got, CfSum)
    expected = _fig9_expected(z_sub=True)
    assert isinstance(got.expr, CfProduct) and isinstance(expected, CfSum)
    assert isinstance(expected.expr, CfProduct)
    assert set(got.expr.factors) == set(expected.expr.factors)
    assert _same_value(g, got, expected) < 1e-12
    r = identify_counterfactual(g, "P(Y[X=1]=1, X=0, Z[D=0]=1, D=0)")
    assert r.status == "identified" and verify_counterfactual(g, r).ok


def test_id_star_y0_first_case() -> None:
    """y0 ``test_id_star``: {Y @ (+x,-z): +y, X: -x} -> Σ_W P(Y @ (-z,-w), X @ (-z,-w))
    P(W @ -x). y0 writes the subscript of W as -x although the query sets +x; the value
    that is right is the query's (the numerical check below)."""
    g = CausalGraph.from_edges(FIG_9A)
    r = identify_counterfactual(g, "P(Y[X=1, Z=0]=1, X=0)")
    ww = Sym("w", "W")
    expected = CfSum((ww,), CfProduct((Do((("W", ww), ("Z", 0)), (("X", 0), ("Y", 1))),
                                       Do((("X", 1),), (("W", ww),)))))
    assert r.experimental_estimand is not None
    assert _same_value(g, r.experimental_estimand, expected) < 1e-12
    y0_literal = CfSum((ww,), CfProduct((Do((("W", ww), ("Z", 0)), (("X", 0), ("Y", 1))),
                                         Do((("X", 0),), (("W", ww),)))))
    assert _same_value(g, r.experimental_estimand, y0_literal) > 1e-3
    assert verify_counterfactual(g, r).ok


def test_idc_star_y0_cases() -> None:
    chain = CausalGraph.from_edges("D -> Z -> Y")
    with pytest.raises(CfUndefined):  # y0: ValueError (line 1, P(δ) = 0)
        idc_star(chain, atoms("Y[D=0]=0"), atoms("Z[D=0]=0, Z=1, D=0"))
    assert idc_star(chain, atoms("Z[D=0]=0"), atoms("Z=1, D=0")) == ZERO_CF  # y0 line 3
    tikka = CausalGraph.from_edges(TIKKA_2)  # y0: P(y_x | z_x, x') = P(Y @ (-x, -z))
    r = identify_counterfactual(tikka, "P(Y[X=0]=0 | Z[X=0]=0, X=1)")
    assert r.experimental_estimand == Do((("X", 0), ("Z", 0)), (("Y", 0),))
    assert verify_counterfactual(tikka, r).ok


def test_idc_star_figure_9_matches_y0() -> None:
    """y0 ``test_idc_star``: P(y_x | x', z_d, d) in Fig. 9(a); y0's estimand
    Σ_{D,W} P_D(z) P_{w,z}(x', y) P_x(w) P(d) / Σ_{D,W,Y} (...) and rung's
    Σ_w P_{w,z}(x', y) P_x(w) / P(x') agree numerically with each other and the truth."""
    g = CausalGraph.from_edges(FIG_9A)
    r = identify_counterfactual(g, "P(Y[X=1]=1 | X=0, Z[D=0]=1, D=0)")
    assert r.status == "identified" and r.experimental_estimand is not None
    d, ww, yy = Sym("d", "D"), Sym("w", "W"), Sym("y", "Y")

    def body(y: int | Sym) -> CfExpr:
        return CfProduct((Do((("D", d),), (("Z", 1),)), Do((("W", ww), ("Z", 1)),
                          (("X", 0), ("Y", y))), Do((("X", 1),), (("W", ww),)),
                          Do((), (("D", d),))))

    y0_expr = CfFraction(CfSum((d, ww), body(1)), CfSum((d, ww, yy), body(yy)))
    assert _same_value(g, r.experimental_estimand, y0_expr) < 1e-12
    assert verify_counterfactual(g, r).ok


def test_ett_backdoor_is_the_known_formula() -> None:
    """ETT P(Y_x | x') = Σ_z P(y | x, z) P(z | x') under back-door (Pearl 2009, eq. 11.46;
    Shpitser & Pearl 2009)."""
    g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y")
    r = identify_counterfactual(g, "P(Y[X=1]=1 | X=0)")
    assert r.status == "identified" and r.estimand is not None
    from rung.identify.cf_estimand import At
    from rung.identify.expr import P

    zz = Sym("z", "Z")
    formula = CfSum((zz,), CfProduct((At(P("Y", given={"X", "Z"}), (("X", 1), ("Y", 1),
                                                                    ("Z", zz))),
                                      At(P("Z", given="X"), (("X", 0), ("Z", zz))))))
    assert _same_value(g, r.estimand, formula) < 1e-12
    assert verify_counterfactual(g, r, trials=6).ok


def test_ett_frontdoor_is_identified() -> None:
    """Front-door ETT: Σ_m P(m | x) P(y | m, x') (Shpitser & Pearl 2009, Section 4)."""
    from rung.identify.cf_estimand import At
    from rung.identify.expr import P

    g = CausalGraph.from_edges("X -> M -> Y; X <-> Y")
    r = identify_counterfactual(g, "P(Y[X=1]=1 | X=0)")
    assert r.status == "identified" and r.estimand is not None
    mm = Sym("m", "M")
    formula = CfSum((mm,), CfProduct((At(P("M", given="X"), (("M", mm), ("X", 1))),
                                      At(P("Y", given={"M", "X"}), (("M", mm), ("X", 0),
                                                                   ("Y", 1))))))
    assert _same_value(g, r.estimand, formula) < 1e-12
    assert verify_counterfactual(g, r, trials=6).ok


@pytest.mark.parametrize(("edges", "query", "status"), [
    ("X -> Y", "P(Y[X=1]=1, Y[X=0]=0)", "not_identifiable"),  # PNS (Tian & Pearl 2000)
    ("X -> Y; X <-> Y", "P(Y[X=1]=1 | X=0)", "not_identifiable"),  # ETT in the bow
    ("X -> Y; X <-> Y", "P(Y[X=1]=1)", "experimental"),  # the bow: P_x(y) has a hedge
    ("X -> Y", "P(Y[X=1]=1 | X=0)", "identified"),
    ("D -> Z -> Y", "P(Z[D=0]=0 | Z=1, D=0)", "zero"),
    ("D -> Z -> Y", "P(Y[D=0]=0 | Z[D=0]=0, Z=1, D=0)", "undefined"),
])
def test_verdicts(edges: str, query: str, status: str) -> None:
    assert identify_counterfactual(CausalGraph.from_edges(edges), query).status == status


def test_json_contract() -> None:
    out = counterfactual_json(CausalGraph.from_edges("X -> Y; X <-> Y"), "P(Y[X=1]=1 | X=0)")
    assert {"identifiable", "estimand", "hedge", "query"} <= set(out)
    assert out["identifiable"] is False and out["estimand"] is None
    assert out["hedge"]["kind"] == "conflict"
    assert out["query"]["text"] == "P(Y[X=1]=1 | X=0)"
    ok = counterfactual_json(CausalGraph.from_edges("Z -> X -> Y; Z -> Y"), "P(Y[X=1]=1 | X=0)")
    tree = ok["estimand"]["tree"]
    assert CfExpr.from_json(tree).to_text() == ok["estimand"]["text"]
    assert ok["estimand"]["latex"].startswith(r"\frac{\sum_{z}")


def test_unknown_and_latent_nodes_are_refused() -> None:
    from rung.graph.errors import UnknownNodeError

    with pytest.raises(UnknownNodeError):
        identify_counterfactual(CausalGraph.from_edges("X -> Y"), "P(Q[X=1]=1)")


def test_known_domains_write_a_failing_sum_out() -> None:
    """P(C=0, C[A=0]=1 | C[A=1]=1) in A -> C <- B: generic values FAIL (a third value of A
    would leave C_a free); with binary A every term is inconsistent, so the query is 0."""
    g = CausalGraph.from_edges("A -> C; B -> C")
    q = "P(C=0, C[A=0]=1 | C[A=1]=1)"
    assert identify_counterfactual(g, q).status == "not_identifiable"
    r = identify_counterfactual(g, q, domains={"A": 2, "B": 2, "C": 2})
    assert r.status == "zero" and verify_counterfactual(g, r, trials=4).ok
    from rung.identify._query import QueryError

    with pytest.raises(QueryError, match="outside the domain"):
        identify_counterfactual(g, "P(C[A=2]=1)", domains={"A": 2})


def test_known_domains_keep_sums_symbolic_when_they_succeed() -> None:
    g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y")
    a = identify_counterfactual(g, "P(Y[X=1]=1 | X=0)")
    b = identify_counterfactual(g, "P(Y[X=1]=1 | X=0)", domains={"X": 2, "Y": 2, "Z": 2})
    assert a.estimand == b.estimand
