"""Pairwise direction: the ensemble arithmetic checked exactly against hand-computed values."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rung.copilot import direction_probabilities, load_templates, pairwise

# per-direction P(yes), by (question, presentation order of the answer words)
YES = {
    ("Does altitude cause temperature?", "Yes or No"): 0.9,
    ("Does temperature cause altitude?", "Yes or No"): 0.6,
    ("Does altitude cause temperature?", "No or Yes"): 0.7,
    ("Does temperature cause altitude?", "No or Yes"): 0.2,
}


def yes_no_rule(prompt: str, option: str) -> float | None:
    for (question, order), p_yes in YES.items():
        if question in prompt and order in prompt:
            return p_yes if option == "Yes" else 1.0 - p_yes
    return None


def test_yesno_arithmetic_exact(scripted):
    backend = scripted(yes_no_rule)
    r = pairwise("altitude", "temperature", backend=backend, variants=2)
    # forward: q1=.9, q2=.6 -> (.36, .06, .04)/.46 ; reverse: q1=.7, q2=.2 -> (.56, .06, .24)/.86
    fwd = (0.36 / 0.46, 0.06 / 0.46, 0.04 / 0.46)
    rev = (0.56 / 0.86, 0.06 / 0.86, 0.24 / 0.86)
    expected = {
        lab: (f + b) / 2 for lab, f, b in zip(("A->B", "B->A", "none"), fwd, rev, strict=True)
    }
    assert r.probabilities == pytest.approx(expected, abs=1e-12)
    assert r.answer == "A->B" and r.vote == "A->B"
    assert r.agreement == 1.0
    assert r.votes == {"A->B": 2, "B->A": 0, "none": 0}
    assert r.entropy == pytest.approx(-sum(p * math.log2(p) for p in expected.values()))
    assert r.calls == 4 == backend.calls
    assert [(v.prompt_id, v.order) for v in r.variants] == [
        ("does-cause", "forward"),
        ("does-cause", "reverse"),
    ]
    assert r.variants[0].p == pytest.approx(0.36 / 0.46)
    # raw picks: fwd Yes(first), fwd Yes(first), rev Yes(second), rev No(first) -> 3/4;
    # debiased: a->b mean yes .8 -> Yes (first), b->a mean yes .4 -> No -> 1/2; one flip of two
    pb = r.position_bias
    assert (pb.prompts, pb.first_share_raw) == (4, 0.75)
    assert (pb.questions, pb.first_share_debiased, pb.order_flip_rate) == (2, 0.5, 0.5)


def test_json_shape(scripted):
    r = pairwise("altitude", "temperature", backend=scripted(yes_no_rule), variants=2)
    js = r.to_json()
    assert {"answer", "probabilities", "agreement", "variants", "calls", "position_bias"} <= set(js)
    assert set(js["variants"][0]) >= {"prompt_id", "order", "answer", "p", "prompt", "persona"}
    assert "Does altitude cause temperature? Answer Yes or No." in js["variants"][0]["prompt"]
    assert set(js["position_bias"]) >= {"first_option_share_raw", "first_option_share_debiased"}


def _only(template_id: str):
    book = load_templates()
    return dataclasses.replace(book, templates=(book.get(template_id),))


def test_options_format_scores_statements(scripted):
    weights = {
        "altitude causes temperature.": 0.5,
        "temperature causes altitude.": 0.2,
        "Neither altitude nor temperature causes the other.": 0.3,
    }
    r = pairwise(
        "altitude",
        "temperature",
        backend=scripted(lambda p, o: weights.get(o)),
        variants=2,
        templates=_only("which-statement"),
    )
    assert r.probabilities == pytest.approx({"A->B": 0.5, "B->A": 0.2, "none": 0.3})
    assert r.calls == 2
    listing = r.variants[1].prompt.split("\n")
    assert listing[1].startswith("- Neither")  # reverse order lists 'none' first


def test_letter_format_position_bias_cancelled(scripted):
    # position-biased model: letter A scores .6, B .3, C .1, whatever the statement
    letters = {"A": 0.6, "B": 0.3, "C": 0.1}
    book = load_templates()
    letter = dataclasses.replace(book.get("letter-choice"), enabled=True)
    r = pairwise(
        "x",
        "y",
        backend=scripted(lambda p, o: letters[o]),
        variants=2,
        templates=dataclasses.replace(book, templates=(letter,)),
        allow_none=False,
    )
    # forward: A=A->B .6/.9, B=B->A .3/.9 ; reverse: A=B->A, B=A->B -> both means 0.5
    assert r.probabilities == pytest.approx({"A->B": 0.5, "B->A": 0.5})
    assert r.position_bias.first_share_raw == 1.0
    assert r.position_bias.order_flip_rate == 1.0
    assert r.agreement == 0.5


def test_descriptions_and_context_variants(scripted):
    r = pairwise(
        "altitude",
        "temperature",
        backend=scripted(yes_no_rule),
        variants=2,
        descriptions={"altitude": "height above sea level"},
        context="Weather stations.",
    )
    assert all(v.described for v in r.variants)  # described variants come first
    assert "- altitude: height above sea level" in r.variants[0].prompt
    assert r.variants[0].prompt.startswith("Context: Weather stations.")


@pytest.mark.parametrize("a,b", [("x", "x"), ("", "y"), ("x", "  ")])
def test_bad_pairs_raise(scripted, a, b):
    with pytest.raises(ValueError, match=r"variable|twice"):
        pairwise(a, b, backend=scripted(yes_no_rule))


def test_odd_or_tiny_variant_counts(scripted):
    with pytest.raises(ValueError, match="at least 2"):
        pairwise("x", "y", backend=scripted(lambda p, o: 0.5), variants=1)
    r = pairwise("x", "y", backend=scripted(lambda p, o: 0.5), variants=3)
    assert len(r.variants) == 4  # rounded up to both orders


probs = st.floats(min_value=0.0, max_value=1.0)


@given(probs, probs, st.booleans())
def test_direction_probabilities_is_a_distribution(q1, q2, allow_none):
    p = direction_probabilities(q1, q2, allow_none=allow_none)
    assert sum(p.values()) == pytest.approx(1.0)
    assert all(v >= 0 for v in p.values())
    swapped = direction_probabilities(q2, q1, allow_none=allow_none)
    assert swapped["A->B"] == pytest.approx(p["B->A"])


def test_content_free_correction_exact(scripted):
    # the model says P(yes)=.2 about "N/A" in both orders: answers are measured against it
    def rule(prompt: str, option: str) -> float | None:
        if "Does N/A cause N/A?" in prompt:
            return 0.2 if option == "Yes" else 0.8
        return yes_no_rule(prompt, option)

    r = pairwise("altitude", "temperature", backend=scripted(rule), variants=2, content_free=True)

    def corr(p: float) -> float:  # (p/.2) / (p/.2 + (1-p)/.8)
        return (p / 0.2) / (p / 0.2 + (1 - p) / 0.8)

    fwd = direction_probabilities(corr(0.9), corr(0.6))
    rev = direction_probabilities(corr(0.7), corr(0.2))
    assert r.probabilities == pytest.approx({k: (fwd[k] + rev[k]) / 2 for k in fwd})
    assert r.calls == 6  # one content-free prompt per variant
    assert r.position_bias.prompts == 4  # content-free prompts are not votes


def test_common_cause_answer_exact(scripted):
    def rule(prompt: str, option: str) -> float | None:
        if "share a common cause" in prompt:
            return 0.75 if option == "Yes" else 0.25
        p = 0.2  # no direct link either way
        return p if option == "Yes" else 1 - p

    r = pairwise(
        "ice cream sales", "drownings", backend=scripted(rule), variants=2, common_cause=True
    )
    # w = (.16, .16, .64 * .75, .64 * .25) over (A->B, B->A, common cause, none)
    total = 0.16 + 0.16 + 0.64
    assert r.probabilities == pytest.approx(
        {
            "A->B": 0.16 / total,
            "B->A": 0.16 / total,
            "common cause": 0.48 / total,
            "none": 0.16 / total,
        }
    )
    assert r.answer == "common cause"
    assert r.calls == 6


def test_zero_variants_is_refused_not_replaced_by_the_default() -> None:
    from rung.lm.backends.scripted import ScriptedBackend

    with pytest.raises(ValueError, match="variants=0"):
        pairwise("a", "b", backend=ScriptedBackend(), variants=0)
