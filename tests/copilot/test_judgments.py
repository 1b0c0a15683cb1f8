"""Judgment, actual causation and counterfactual questions: exact arithmetic, validation."""

from __future__ import annotations

import pytest

from rung.copilot import actual_cause, counterfactual, judgment

STORY = "The lamp fell because the cat jumped on the table."


def test_judgment_debiases_yes_no_order(scripted):
    # the model prefers the first-listed word by a factor 3, and "Yes" on content by 2
    def rule(prompt: str, option: str) -> float:
        first = "Answer Yes or No" in prompt or "Reply Yes or No" in prompt
        pos = 3.0 if (option == "Yes") == first else 1.0
        return pos * (2.0 if option == "Yes" else 1.0)

    r = judgment(STORY, "Did the cat cause the lamp to fall?", backend=scripted(rule), variants=4)
    # forward: Yes 6, No 1 -> 6/7 ; reverse: Yes 2, No 3 -> 2/5 ; two templates alike
    assert r.probabilities["Yes"] == pytest.approx((6 / 7 + 2 / 5) / 2)
    assert r.answer == "Yes"
    assert r.agreement == 0.5
    assert r.calls == 4
    assert [v.prompt_id for v in r.variants] == ["judgment-plain"] * 2 + ["judgment-typical"] * 2
    assert r.position_bias.first_share_raw == 1.0
    assert r.position_bias.first_share_debiased == 1.0  # Yes is first in the forward order
    assert r.position_bias.order_flip_rate == 1.0


def test_actual_cause_kinds(scripted):
    seen: list[str] = []

    def rule(prompt: str, option: str) -> float:
        seen.append(prompt)
        return 0.5

    actual_cause(STORY, "the cat jumped", kind="sufficient", backend=scripted(rule), variants=2)
    assert "sufficient cause" in seen[0] and "the cat jumped" in seen[0]
    with pytest.raises(ValueError, match="necessary"):
        actual_cause(STORY, "the cat jumped", kind="proximate", backend=scripted(rule))


def test_counterfactual_options_in_both_orders(scripted):
    options = ["He would have choked.", "He would have been refreshed.", "Nothing."]
    weights = dict(zip(options, (0.7, 0.2, 0.1), strict=True))
    r = counterfactual(
        "A man drinks water.",
        "What if he had drunk sand?",
        options,
        backend=scripted(lambda p, o: weights[o]),
        variants=2,
    )
    assert r.answer == options[0]
    assert r.probabilities == pytest.approx(weights)
    assert r.options == tuple(options)
    fwd, rev = (v.prompt for v in r.variants)
    assert fwd.index("choked") < fwd.index("Nothing") and rev.index("Nothing") < rev.index("choked")


def test_choice_validation(scripted):
    b = scripted(lambda p, o: 0.5)
    with pytest.raises(ValueError, match="two distinct options"):
        counterfactual("p", "q", ["same", "same"], backend=b)
    with pytest.raises(ValueError, match="vignette is empty"):
        judgment("  ", "q?", backend=b)
