"""The threshold structural model of binary tables, against independent references."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.bench.ladder_scm import Factor, ett, natural_direct, natural_indirect, necessity
from rung.scm import ModelError, counterfactual_probability, parse_query
from rung.scm.threshold import BinaryTable, identifier, threshold_model, threshold_model_toml

_P = st.floats(0.0, 1.0).map(lambda p: round(p, 2))


def _prob(model: object, text: str) -> float:
    return counterfactual_probability(model, parse_query(text)).probability  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(pz=_P, px=st.tuples(_P, _P), py=st.tuples(_P, _P, _P, _P))
def test_confounded_ett_matches_the_back_door_formula(pz: float, px: tuple[float, float],
                                                      py: tuple[float, ...]) -> None:
    """Z -> X, Z -> Y, X -> Y: the ETT is identified by back-door, so the file's
    counterfactual must equal sum_z P(Y=1 | X=0, z) P(z | X=1)."""
    tables = [BinaryTable("Z", (), (pz,)), BinaryTable("X", ("Z",), px),
              BinaryTable("Y", ("X", "Z"), py)]
    p_x1 = pz * px[1] + (1 - pz) * px[0]
    if p_x1 < 1e-6:
        return
    pz1_given_x1 = pz * px[1] / p_x1
    backdoor = (1 - pz1_given_x1) * py[0] + pz1_given_x1 * py[1]  # rows (X=0, Z=0), (X=0, Z=1)
    model = threshold_model(tables)
    assert _prob(model, "P(Y[X=0]=1 | X=1)") == pytest.approx(backdoor, abs=1e-9)
    assert _prob(model, "P(Y[X=1]=1)") == pytest.approx(
        (1 - pz) * py[2] + pz * py[3], abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(py=st.tuples(_P, _P), pm=st.tuples(_P, _P), px=_P)
def test_mediation_counterfactuals_match_the_ladders_own_enumeration(
        py: tuple[float, float], pm: tuple[float, float], px: float) -> None:
    """X -> M -> Y and X -> Y: the file agrees with rung.bench.ladder_scm's separate
    enumeration of the same threshold model (midpoints of the continuous U) on the ETT, the
    natural effects and the probability of necessity."""
    mech = (Factor("X", (), (px,)), Factor("M", ("X",), pm),
            Factor("Y", ("X", "M"), (py[0], py[1], 1 - py[0], 1 - py[1])))
    model = threshold_model(mech)
    if not 0.01 < px < 0.99:
        return
    y0 = _prob(model, "P(Y[X=0]=1)")
    assert _prob(model, "P(Y=1 | X=1)") - _prob(model, "P(Y[X=0]=1 | X=1)") == \
        pytest.approx(ett(mech), abs=1e-9)
    assert _prob(model, "P(Y[X=1, M=M[X=0]]=1)") - y0 == \
        pytest.approx(natural_direct(mech, ["M"]), abs=1e-9)
    assert _prob(model, "P(Y[X=0, M=M[X=1]]=1)") - y0 == \
        pytest.approx(natural_indirect(mech, ["M"]), abs=1e-9)
    if _prob(model, "P(X=1, Y=1)") > 1e-9:
        assert _prob(model, "P(Y[X=0]=0 | X=1, Y=1)") == pytest.approx(necessity(mech),
                                                                       abs=1e-9)


def test_the_file_is_readable_and_names_are_made_safe() -> None:
    tables = [BinaryTable("lung cancer", (), (0.3,)),
              BinaryTable("if", ("lung cancer",), (0.1, 0.9))]
    text = threshold_model_toml(tables, name='a "quoted" model')
    assert text.startswith("# The threshold structural model")
    model = threshold_model(tables)
    assert set(model.endogenous) == {"lung_cancer", "if_"}
    assert _prob(model, "P(if_=1)") == pytest.approx(0.7 * 0.1 + 0.3 * 0.9)
    for bits in itertools.product((0, 1), repeat=1):
        assert model.solve({"lung_cancer": bits[0]})["lung_cancer"] == bits[0]


def test_identifiers_are_distinct() -> None:
    taken: set[str] = set()
    names = [identifier(n, taken) for n in ("a b", "a-b", "a_b", "9", "")]
    assert len(set(names)) == 5
    assert all(n[0].isalpha() for n in names)


def test_bad_tables_are_refused_by_name() -> None:
    with pytest.raises(ModelError, match="'Y' has 1 rows; 1 binary parents need 2"):
        BinaryTable("Y", ("X",), (0.5,))
    with pytest.raises(ModelError, match=r"1\.5"):
        BinaryTable("X", (), (1.5,))
    with pytest.raises(ModelError, match="parent 'X', which has no table"):
        threshold_model_toml([BinaryTable("Y", ("X",), (0.1, 0.2))])
    with pytest.raises(ModelError, match="two tables for 'X'"):
        threshold_model_toml([BinaryTable("X", (), (0.1,)), BinaryTable("X", (), (0.2,))])


def test_table_round_trips_through_json() -> None:
    t = BinaryTable("Y", ("X",), (0.2, 0.7))
    assert BinaryTable.from_json(t.to_json()) == t
