"""Identification of natural direct/indirect effects (rung.identify.cf_mediation).

The reference is independent of the conditions: on random discrete SCMs (the response-
function models of ``cf_verify``), the mediation formula evaluated on the exact ``P(v)``
must equal the exact nested counterfactual ``E[Y_{x, M_{x'}}] = Σ_m P(Y_{x,m}=1, M_{x'}=m)``,
computed on the parallel-worlds network, whenever rung says the effects are identified.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rung.graph import CausalGraph
from rung.identify._query import QueryError
from rung.identify.cf_mediation import (
    MediationIdentification,
    find_recanting_witnesses,
    identify_mediation,
)
from rung.identify.cf_verify import ResponseSCM
from rung.identify.counterfactual import CfEvent, CfQuery


def nested_truth(scm: ResponseSCM, x: str, m: str, y: str, a: int, b: int) -> float:
    """E[Y_{a, M_b}] for binary Y and M, exactly."""
    return sum(scm.query(CfQuery((CfEvent(y, 1, ((x, a), (m, mv))), CfEvent(m, mv, ((x, b),)))))
               for mv in range(2))


def mediation_formula(scm: ResponseSCM, x: str, m: str, y: str, w: tuple[str, ...],
                      a: int, b: int) -> float:
    """Σ_w Σ_m P(y=1 | a, m, w) P(m | b, w) P(w) on the exact joint."""
    j = scm.joint()
    keep = [x, m, y, *w]
    axes = tuple(i for i, v in enumerate(scm.nodes) if v not in keep)
    marg = j.sum(axis=axes)
    order = [v for v in scm.nodes if v in keep]
    t = np.moveaxis(marg, [order.index(v) for v in keep], range(len(keep)))  # (x, m, y, *w)
    p_w = t.sum(axis=(0, 1, 2))
    p_m_given_bw = t[b].sum(axis=1) / t[b].sum(axis=(0, 1))  # (m, *w)
    p_y_given_amw = t[a, :, 1] / t[a].sum(axis=1)  # (m, *w)
    return float(((p_y_given_amw * p_m_given_bw).sum(axis=0) * p_w).sum())


@st.composite
def mediation_graph(draw: st.DrawFn) -> CausalGraph:
    """X -> M -> Y plus up to two other nodes and random directed/bidirected edges."""
    extra = draw(st.integers(0, 2))
    names = ["X", "M", "Y", *["C", "L"][:extra]]
    order = ["C", "X", "L", "M", "Y"]
    names.sort(key=order.index)
    edges = ["X -> M", "M -> Y"]
    for i, u in enumerate(names):
        for v in names[i + 1:]:
            if (u, v) in (("X", "M"), ("M", "Y")):
                continue
            if draw(st.integers(0, 2)) == 0:
                edges.append(f"{u} -> {v}")
            if draw(st.integers(0, 5)) == 0:
                edges.append(f"{u} <-> {v}")
    return CausalGraph.from_edges("; ".join(edges + names))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mediation_graph(), st.integers(0, 2**16))
def test_identified_means_the_formula_is_exact(g: CausalGraph, seed: int) -> None:
    r = identify_mediation(g, "X", "M", "Y")
    if not r.identified:
        assert r.covariates is None and r.reason
        return
    assert r.covariates is not None and r.counterfactual_status != "not_identifiable"
    rng = np.random.default_rng(seed)
    for _ in range(2):
        scm = ResponseSCM(g, 2, rng)
        for a, b in ((1, 0), (0, 1), (1, 1)):
            truth = nested_truth(scm, "X", "M", "Y", a, b)
            got = mediation_formula(scm, "X", "M", "Y", r.covariates, a, b)
            assert abs(got - truth) < 1e-9, (g.to_edge_string(), r.covariates, a, b)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mediation_graph())
def test_a_conflict_in_id_star_is_never_identified(g: CausalGraph) -> None:
    r = identify_mediation(g, "X", "M", "Y")
    if r.counterfactual_status == "not_identifiable":
        assert not r.identified


@pytest.mark.parametrize(("edges", "ok", "cov", "witnesses"), [
    ("X -> M -> Y; X -> Y", True, (), ()),
    ("C -> X; C -> M; C -> Y; X -> M -> Y; X -> Y", True, ("C",), ()),
    # exposure-induced confounder L (VanderWeele 2015, §5.3; Avin, Shpitser & Pearl 2005)
    ("X -> L -> M -> Y; L -> Y; X -> Y", False, None, ("L",)),
    ("X -> M -> Y; X -> Y; X -> L; L <-> M; L -> Y", False, None, ("L",)),
    ("X -> M -> Y; X -> Y; M <-> Y", False, None, ()),  # unmeasured M–Y confounding
    ("X -> M -> Y; X -> Y; X <-> M", False, None, ()),  # unmeasured X–M confounding
])
def test_named_graphs(edges: str, ok: bool, cov: tuple[str, ...] | None,
                      witnesses: tuple[str, ...]) -> None:
    g = CausalGraph.from_edges(edges)
    r = identify_mediation(g, "X", "M", "Y")
    assert (r.identified, r.covariates) == (ok, cov)
    assert find_recanting_witnesses(g, "X", "M", "Y") == witnesses
    if witnesses:
        assert "recanting witness" in r.reason
    assert MediationIdentification.from_json(r.to_json()) == r


def test_front_door_mediator_says_id_star_identifies_but_the_formula_does_not() -> None:
    r = identify_mediation(CausalGraph.from_edges("X -> M -> Y; X <-> Y"), "X", "M", "Y")
    assert not r.identified and r.counterfactual_status == "identified"
    assert "A1" in r.reason and "only the mediation formula" in r.reason


def test_given_covariates_are_checked() -> None:
    g = CausalGraph.from_edges("C -> X; C -> M; C -> Y; X -> M -> Y; X -> Y")
    assert not identify_mediation(g, "X", "M", "Y", covariates=()).identified
    assert identify_mediation(g, "X", "M", "Y", covariates=["C"]).covariates == ("C",)
    with pytest.raises(QueryError, match="drop them"):
        identify_mediation(g, "X", "M", "Y", covariates=["M"])


def test_a_mediator_off_the_path_is_refused() -> None:
    with pytest.raises(QueryError, match="nothing to mediate"):
        identify_mediation(CausalGraph.from_edges("M -> X -> Y"), "X", "M", "Y")
