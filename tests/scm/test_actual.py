"""Halpern–Pearl actual causation and responsibility on the textbook examples.

Each expected answer is the published one; the source is cited at each test. "Book" is
J. Y. Halpern (2016), *Actual Causality*, MIT Press. "HP 2005" is Halpern & Pearl (2005),
"Causes and explanations: a structural-model approach. Part I: Causes", BJPS 56.
"Halpern 2015" is "A modification of the Halpern-Pearl definition of causality", IJCAI.
"CH 2004" is Chockler & Halpern (2004), "Responsibility and blame: a structural-model
approach", JAIR 22.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from rung.scm import Definition, ModelError, SearchLimitExceeded, is_actual_cause, load_model

MODELS = Path(__file__).parent / "models"
ALL = list(Definition)
M, U, ORIG = Definition.MODIFIED, Definition.UPDATED, Definition.ORIGINAL


def verdict(model: str, cause: str, effect: str, definition: Definition):  # type: ignore[no-untyped-def]
    from rung.scm import parse_setting

    m = load_model(MODELS / f"{model}.toml")
    return is_actual_cause(m, parse_setting(cause), parse_setting(effect), definition)


# Book Ch. 2 (§2.2-2.3), HP 2005 §3: in the conjunctive forest fire, L=1 and MD=1 are each
# causes (but-for causes) under every definition.
@pytest.mark.parametrize("definition", ALL)
@pytest.mark.parametrize("cause", ["L=1", "MD=1"])
def test_forest_fire_conjunctive(definition: Definition, cause: str) -> None:
    r = verdict("forest_fire_conjunctive", cause, "FF=1", definition)
    assert r.is_cause and r.witness is not None and r.witness.contingency == ()
    assert r.responsibility == 1


# Book §2.2-2.3 and Halpern 2015 §3: in the disjunctive forest fire, each of L=1 and MD=1 is a
# cause under the original and updated definitions (witness MD=0 resp. L=0) ...
@pytest.mark.parametrize("definition", [ORIG, U])
@pytest.mark.parametrize(("cause", "other"), [("L=1", "MD"), ("MD=1", "L")])
def test_forest_fire_disjunctive_original_updated(definition: Definition, cause: str,
                                                  other: str) -> None:
    r = verdict("forest_fire_disjunctive", cause, "FF=1", definition)
    assert r.is_cause
    assert r.witness is not None and r.witness.contingency == ((other, 0),)
    assert r.responsibility == Fraction(1, 2)  # CH 2004: one change needed, 1/(1+1)


# ... while under the modified definition neither alone is a cause, but L=1 ∧ MD=1 is.
def test_forest_fire_disjunctive_modified() -> None:
    for cause in ("L=1", "MD=1"):
        r = verdict("forest_fire_disjunctive", cause, "FF=1", M)
        assert not r.is_cause and not r.ac2
        assert r.responsibility == Fraction(1, 2)  # part of the two-conjunct cause (Book §6.1)
    both = verdict("forest_fire_disjunctive", "L=1, MD=1", "FF=1", M)
    assert both.is_cause and both.ac3
    assert both.witness is not None and dict(both.witness.alternative) == {"L": 0, "MD": 0}


# Under the original and updated definitions the conjunction is not minimal (AC3 fails).
@pytest.mark.parametrize("definition", [ORIG, U])
def test_forest_fire_conjunction_not_minimal_for_original(definition: Definition) -> None:
    r = verdict("forest_fire_disjunctive", "L=1 & MD=1", "FF=1", definition)
    assert r.ac2 and not r.ac3 and not r.is_cause
    assert r.smaller_cause in ((("L", 1),), (("MD", 1),))


# Book §2.3, HP 2005 §3 (preemption): Suzy's throw is a cause of the bottle shattering and
# Billy's is not, under every definition; the witness fixes BH at its actual value 0.
@pytest.mark.parametrize("definition", ALL)
def test_rock_throwing(definition: Definition) -> None:
    suzy = verdict("rock_throwing", "ST=1", "BS=1", definition)
    assert suzy.is_cause
    assert suzy.witness is not None and ("BH", 0) in suzy.witness.contingency
    assert suzy.responsibility == 1
    billy = verdict("rock_throwing", "BT=1", "BS=1", definition)
    assert not billy.is_cause and billy.responsibility == 0
    assert verdict("rock_throwing", "SH=1", "BS=1", definition).is_cause
    assert not verdict("rock_throwing", "BH=0", "BS=1", definition).is_cause


# CH 2004 §3 and Book §6.1: with 11 voters and majority rule, a voter for the winner has
# degree of responsibility 1 in a 6-5 vote (each is critical), 1/2 in a 7-4 vote and 1/6 in
# an 11-0 vote (five other votes must change first).
@pytest.mark.parametrize(("model", "expected"),
                         [("voting_6_5", Fraction(1)), ("voting_7_4", Fraction(1, 2)),
                          ("voting_11_0", Fraction(1, 6))])
@pytest.mark.parametrize("definition", ALL)
def test_voting_responsibility(model: str, expected: Fraction, definition: Definition) -> None:
    r = verdict(model, "V1=1", "WIN=1", definition)
    assert r.responsibility == expected
    if definition is M:  # Book §6.1: under the modified definition V1=1 is only part of a
        assert r.is_cause == (expected == 1)  # cause unless it is critical
    else:
        assert r.is_cause
        assert r.witness is not None and r.witness.changes(
            load_model(MODELS / f"{model}.toml").solve()) == expected.denominator - 1


@pytest.mark.parametrize("definition", [ORIG, M])
def test_voting_loser_not_a_cause(definition: Definition) -> None:
    # a vote for the loser is no cause of the winner's victory (CH 2004 §3): exhaustive search
    r = verdict("voting_6_5", "V7=0", "WIN=1", definition)
    assert not r.is_cause and r.responsibility == 0


# Book §2.3 (Hall 2000's double prevention): Billy pulling the trigger is a cause of the
# target's destruction (a but-for cause) under every definition.
@pytest.mark.parametrize("definition", ALL)
def test_double_prevention(definition: Definition) -> None:
    r = verdict("double_prevention", "BPT=1", "TD=1", definition)
    assert r.is_cause and r.witness is not None and r.witness.contingency == ()


# Halpern 2015 (§3) and Book §2.3/Ch. 3 (bogus prevention, Hitchcock 2007): under the original
# and updated definitions B=1 is a cause of VS=1 (witness A=1); under the modified definition
# it is not, while A=0 ∧ B=1 is.
@pytest.mark.parametrize("definition", [ORIG, U])
def test_bogus_prevention_original_updated(definition: Definition) -> None:
    r = verdict("bogus_prevention", "B=1", "VS=1", definition)
    assert r.is_cause and r.witness is not None and r.witness.contingency == (("A", 1),)


def test_bogus_prevention_modified() -> None:
    assert not verdict("bogus_prevention", "B=1", "VS=1", M).is_cause
    assert not verdict("bogus_prevention", "A=0", "VS=1", M).is_cause
    assert verdict("bogus_prevention", "A=0, B=1", "VS=1", M).is_cause


# Book Ch. 2 and §4.1 (Hall's switch): with the track variables, flipping the switch is a cause
# of the arrival (freeze LT at its actual value 0); in the model with F and T only it is not.
@pytest.mark.parametrize("definition", ALL)
def test_switch(definition: Definition) -> None:
    fine = verdict("switch", "F=1", "T=1", definition)
    assert fine.is_cause and fine.witness is not None and ("LT", 0) in fine.witness.contingency
    assert not verdict("switch_coarse", "F=1", "T=1", definition).is_cause


def test_ac1_fails_when_cause_did_not_happen() -> None:
    r = verdict("rock_throwing", "ST=0", "BS=1", M)
    assert not r.ac1 and not r.is_cause


def test_bad_cause_is_refused() -> None:
    m = load_model(MODELS / "rock_throwing.toml")
    with pytest.raises(ModelError, match="unknown variable 'Q'"):
        is_actual_cause(m, (("Q", 1),), (("BS", 1),))
    with pytest.raises(ModelError, match="exogenous"):
        is_actual_cause(m, (("U_ST", 1),), (("BS", 1),))
    with pytest.raises(ModelError, match="outside"):
        is_actual_cause(m, (("ST", 3),), (("BS", 1),))


def test_search_bound_is_reported() -> None:
    m = load_model(MODELS / "voting_11_0.toml")
    with pytest.raises(SearchLimitExceeded, match="more than 100 model evaluations"):
        is_actual_cause(m, (("V1", 1),), (("WIN", 1),), ORIG, max_evaluations=100)


def test_result_json_round_trip() -> None:
    from rung.scm import ActualCauseResult

    r = verdict("forest_fire_disjunctive", "L=1", "FF=1", U)
    data = r.to_json()
    assert {"is_cause", "definition", "witness", "responsibility", "cause", "effect"} <= set(data)
    assert ActualCauseResult.from_json(data) == r
