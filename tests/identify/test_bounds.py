"""Probabilities of causation (Tian & Pearl 2000): the worked example, sharpness against an
independent linear program over response types, and containment of the true values on random
structural models computed exactly by rung.scm's counterfactual enumeration."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from rung.identify.bounds import (
    CausationBounds,
    ExperimentalData,
    ObservationalData,
    probabilities_of_causation,
)
from rung.scm import counterfactual_probability, parse_model, parse_query

# response types (x, y0, y1): X = x, Y_{x'} = y0, Y_x = y1
TYPES = list(itertools.product((0, 1), repeat=3))


def data_of(q: np.ndarray) -> tuple[ObservationalData, ExperimentalData]:
    def mass(pred) -> float:  # type: ignore[no-untyped-def]
        return float(sum(p for t, p in zip(TYPES, q, strict=True) if pred(*t)))

    obs = ObservationalData(mass(lambda x, a, b: x == 1 and b == 1),
                            mass(lambda x, a, b: x == 1 and b == 0),
                            mass(lambda x, a, b: x == 0 and a == 1),
                            mass(lambda x, a, b: x == 0 and a == 0))
    exp = ExperimentalData(mass(lambda x, a, b: b == 1), mass(lambda x, a, b: a == 1))
    return obs, exp


def truth(q: np.ndarray) -> tuple[float | None, float | None, float]:
    """PN, PS, PNS computed exactly through rung.scm (a model with one response-type U)."""
    in_y1 = " or ".join(f"R == {i}" for i, t in enumerate(TYPES) if t[2] == 1) or "False"
    in_y0 = " or ".join(f"R == {i}" for i, t in enumerate(TYPES) if t[1] == 1) or "False"
    probs = ", ".join(repr(float(p)) for p in q)
    model = parse_model(
        f'[exogenous]\nR = {{ domain = [0, 7], value = 0, distribution = [{probs}] }}\n'
        '[endogenous]\nX = { domain = "bool", equation = "R >= 4" }\n'
        f'Y = {{ domain = "bool", equation = "if X then ({in_y1}) else ({in_y0})" }}\n')

    def p(text: str) -> float | None:
        try:
            return counterfactual_probability(model, parse_query(text)).probability
        except ValueError:  # the conditioning event has probability 0
            return None

    pns = p("P(Y[X=1]=1, Y[X=0]=0)")
    assert pns is not None
    return p("P(Y[X=0]=0 | X=1, Y=1)"), p("P(Y[X=1]=1 | X=0, Y=0)"), pns


weights = st.lists(st.integers(0, 12), min_size=8, max_size=8).filter(lambda w: sum(w) > 0)


def normalise(w: list[int]) -> np.ndarray:
    q = np.array(w, dtype=float)
    return q / q.sum()


# Tian & Pearl (2000), Section 4.1 (the same example as Pearl 2009, Causality, §9.3.4): deaths
# of 16/1000 with the drug and 14/1000 without in the experiment; 2/1000 among users and
# 28/1000 among non-users in the observational study. Combining both gives PN = 1 exactly
# ("the defendant was, with certainty, responsible"), while the experiment alone gives only
# 0.002 <= PNS <= 0.016 (Theorem 2: max(0, P(y_x)-P(y_x')) <= PNS <= min(P(y_x), P(y'_x'))).
def test_tian_pearl_worked_example() -> None:
    obs = ObservationalData.from_counts(2, 998, 28, 972)
    exp = ExperimentalData(0.016, 0.014)
    both = probabilities_of_causation(obs, exp)
    assert both.pn is not None
    assert both.pn.lower == pytest.approx(1.0) and both.pn.upper == pytest.approx(1.0)
    only = probabilities_of_causation(experimental=exp)
    assert only.pns.lower == pytest.approx(0.002) and only.pns.upper == pytest.approx(0.016)
    # the closed forms of Theorem 4, written out by hand for this example
    py = 0.015
    assert both.pns.lower == pytest.approx(max(0, 0.016 - 0.014, py - 0.014, 0.016 - py))
    assert both.pns.upper == pytest.approx(min(0.016, 0.986, 0.001 + 0.486,
                                               0.016 - 0.014 + 0.499 + 0.014))
    assert both.ps is not None
    assert both.ps.lower == pytest.approx(max(0, (0.016 - py) / 0.486))
    assert both.ps.upper == pytest.approx(min(1, (0.016 - 0.001) / 0.486))
    # under exogeneity the experiment alone bounds PN below by the excess risk ratio
    exo = probabilities_of_causation(ObservationalData(0.016 / 2, 0.984 / 2, 0.014 / 2,
                                                       0.986 / 2), exogenous=True)
    assert exo.pn is not None and exo.pn.lower == pytest.approx(1 - 0.014 / 0.016)
    assert exo.assumptions and "exogeneity" in exo.assumptions[0]


def lp_range(q: np.ndarray, target: str, use_obs: bool, use_exp: bool) -> tuple[float, float]:
    """min and max of PN/PS/PNS over all response-type distributions matching the data."""
    obs, exp = data_of(q)
    rows, rhs = [np.ones(8)], [1.0]
    if use_obs:
        for cell, pred in ((obs.p_x_y, lambda x, a, b: x == 1 and b == 1),
                           (obs.p_x_ny, lambda x, a, b: x == 1 and b == 0),
                           (obs.p_nx_y, lambda x, a, b: x == 0 and a == 1)):
            rows.append(np.array([float(pred(*t)) for t in TYPES]))
            rhs.append(cell)
    if use_exp:
        rows.append(np.array([float(t[2] == 1) for t in TYPES]))
        rhs.append(exp.p_y_do_x)
        rows.append(np.array([float(t[1] == 1) for t in TYPES]))
        rhs.append(exp.p_y_do_nx)
    if target == "pns":
        c, scale = np.array([float(t[1] == 0 and t[2] == 1) for t in TYPES]), 1.0
    elif target == "pn":
        c, scale = np.array([float(t == (1, 0, 1)) for t in TYPES]), obs.p_x_y
    else:
        c, scale = np.array([float(t == (0, 0, 1)) for t in TYPES]), obs.p_nx_ny
    out = []
    for sign in (1.0, -1.0):
        res = linprog(sign * c, A_eq=np.array(rows), b_eq=np.array(rhs), bounds=(0, 1))
        assert res.status == 0
        out.append(sign * res.fun / scale)
    return out[0], out[1]


# The bounds of Theorems 1-4 are sharp: they equal the exact range of the quantity over every
# response-type distribution compatible with the data (solved here by linear programming).
@settings(max_examples=40, deadline=None)
@given(weights)
def test_bounds_are_sharp(w: list[int]) -> None:
    q = normalise(w)
    obs, exp = data_of(q)
    both = probabilities_of_causation(obs, exp)
    lo, hi = lp_range(q, "pns", True, True)
    assert both.pns.lower == pytest.approx(lo, abs=1e-7)
    assert both.pns.upper == pytest.approx(hi, abs=1e-7)
    if obs.p_x_y > 1e-9 and both.pn is not None:
        lo, hi = lp_range(q, "pn", True, True)
        assert (both.pn.lower, both.pn.upper) == pytest.approx((lo, hi), abs=1e-7)
    if obs.p_nx_ny > 1e-9 and both.ps is not None:
        lo, hi = lp_range(q, "ps", True, True)
        assert (both.ps.lower, both.ps.upper) == pytest.approx((lo, hi), abs=1e-7)
    for use_obs, use_exp, result in (
            (True, False, probabilities_of_causation(observational=obs)),
            (False, True, probabilities_of_causation(experimental=exp))):
        lo, hi = lp_range(q, "pns", use_obs, use_exp)
        assert (result.pns.lower, result.pns.upper) == pytest.approx((lo, hi), abs=1e-7)


# The true PN, PS, PNS of random structural models lie inside every bound; under monotonicity
# the point values equal them.
@settings(max_examples=30, deadline=None)
@given(weights, st.booleans())
def test_bounds_contain_truth(w: list[int], monotone: bool) -> None:
    if monotone:  # no unit harmed: remove the types with y0 = 1, y1 = 0
        w = [0 if t[1] == 1 and t[2] == 0 else v for t, v in zip(TYPES, w, strict=True)]
        if sum(w) == 0:
            w = [1] * 8
            w[2] = w[6] = 0
    q = normalise(w)
    obs, exp = data_of(q)
    pn, ps, pns = truth(q)
    results = [probabilities_of_causation(obs, exp), probabilities_of_causation(obs),
               probabilities_of_causation(experimental=exp)]
    if monotone:
        results += [probabilities_of_causation(obs, exp, monotonic=True),
                    probabilities_of_causation(experimental=exp, monotonic=True)]
    for r in results:
        assert r.pns.contains(pns, 1e-9)
        if pn is not None and r.pn is not None:
            assert r.pn.contains(pn, 1e-9)
        if ps is not None and r.ps is not None:
            assert r.ps.contains(ps, 1e-9)
    if monotone:
        point = probabilities_of_causation(obs, exp, monotonic=True)
        assert point.pns.is_point and point.pns.lower == pytest.approx(pns, abs=1e-9)
        if pn is not None and point.pn is not None:
            assert point.pn.is_point and point.pn.lower == pytest.approx(pn, abs=1e-9)
        if ps is not None and point.ps is not None:
            assert point.ps.lower == pytest.approx(ps, abs=1e-9)
        assert any("monotonicity" in a for a in point.assumptions)


def test_exogenous_monotone_identifies() -> None:
    # X independent of the response types (exogeneity) and no harmed units: Theorem 3 gives
    # PN = (P(y|x) - P(y|x')) / P(y|x), the excess risk ratio, which equals the truth.
    resp = np.array([0.3, 0.5, 0.0, 0.2])  # (y0, y1) = 00 never, 01 helped, 10 harmed, 11 always
    q = np.array([(0.6 if t[0] else 0.4) * resp[2 * t[1] + t[2]] for t in TYPES])
    obs, _ = data_of(q)
    b = probabilities_of_causation(obs, monotonic=True, exogenous=True)
    pn, ps, pns = truth(q)
    assert b.identified and b.pn is not None and pn is not None
    assert b.pn.lower == pytest.approx(pn) and b.pns.lower == pytest.approx(pns)
    assert b.ps is not None and ps is not None and b.ps.lower == pytest.approx(ps)
    assert len(b.assumptions) == 2


def test_bad_data_are_refused() -> None:
    with pytest.raises(ValueError, match="sum to"):
        ObservationalData(0.5, 0.5, 0.5, 0.5)
    with pytest.raises(ValueError, match="not a probability"):
        ExperimentalData(1.5, 0.1)
    with pytest.raises(ValueError, match="no data"):
        probabilities_of_causation()
    with pytest.raises(ValueError, match="contradict monotonicity"):
        probabilities_of_causation(experimental=ExperimentalData(0.1, 0.3), monotonic=True)
    with pytest.raises(ValueError, match="contradict each other"):
        probabilities_of_causation(ObservationalData(0.4, 0.1, 0.1, 0.4),
                                   ExperimentalData(0.1, 0.5))


def test_json_round_trip() -> None:
    b = probabilities_of_causation(ObservationalData.from_counts(2, 998, 28, 972),
                                   ExperimentalData(0.016, 0.014), monotonic=True)
    assert CausationBounds.from_json(b.to_json()) == b
    assert b.to_json()["identified"] is True
