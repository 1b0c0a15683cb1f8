"""Guidance-style programs: roles, immutability, select arithmetic, captures."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rung.lm import Program, ProgramError, assistant, gen, select, system, user
from rung.lm.backends.llamacpp import LlamaCppBackend
from rung.lm.backends.scripted import ScriptedBackend
from rung.lm.base import Message, normalize_scores


def _ask(lm: Program, question: str) -> Program:
    with system():
        lm += "Be brief."
    with user():
        lm += question
    return lm


def test_roles_become_messages_and_state_is_immutable() -> None:
    base = Program(ScriptedBackend(scores={"yes": -1.0, "no": -2.0}))
    lm = _ask(base, "Q1?")
    with user():
        lm += "Part 2."
    with assistant():
        lm += "Answer: "
        after = lm + select(["yes", "no"], name="a")
    assert base.messages == () and base.role is None  # untouched
    assert after.messages == (
        Message("system", "Be brief."),
        Message("user", "Q1?"),
        Message("user", "Part 2."),
    )
    assert after.text == "Answer: yes" and after["a"] == "yes"
    assert lm.text == "Answer: "  # the program before the select is unchanged


@given(st.lists(st.floats(-50, 0), min_size=2, max_size=5))
def test_select_probabilities_are_softmax_of_scores(scores: list[float]) -> None:
    options = [f"opt{i}" for i in range(len(scores))]
    lm = _ask(Program(ScriptedBackend(scores=dict(zip(options, scores, strict=True)))), "Q?")
    with assistant():
        lm += select(options, name="x")
    probs = lm.probabilities("x")
    z = sum(math.exp(s) for s in scores)
    for option, s in zip(options, scores, strict=True):
        assert probs[option] == pytest.approx(math.exp(s) / z, rel=1e-9, abs=1e-12)
    assert lm["x"] == options[max(range(len(scores)), key=scores.__getitem__)]
    assert lm.log_likelihoods["x"] == dict(zip(options, scores, strict=True))


def test_select_uses_the_open_assistant_text_as_prefix() -> None:
    seen: list[tuple[str, str]] = []

    def rule(messages: object, prefix: str, option: str) -> float:
        seen.append((prefix, option))
        return -1.0

    lm = _ask(Program(ScriptedBackend(rule=rule)), "Q?")
    with assistant():
        lm += "I think "
        lm += select(["a", "b"], name="x")
    assert seen == [("I think ", "a"), ("I think ", "b")]


def test_gen_capture_and_errors() -> None:
    lm = _ask(Program(ScriptedBackend(texts={"Name": "Ada"})), "Name a scientist.")
    with assistant():
        lm += gen("who", max_tokens=5)
    assert lm["who"] == "Ada" and str(lm).endswith("assistant: Ada")
    with pytest.raises(ProgramError, match="assistant"), user():
        lm += select(["a", "b"])
    with pytest.raises(ProgramError, match="inside"):
        lm += "text outside any role"
    with pytest.raises(ProgramError, match="repeated"):
        select(["a", "a"])
    with pytest.raises(ProgramError, match="no capture named 'nope'"):
        lm["nope"]
    with pytest.raises(ProgramError, match="no select"):
        lm.probabilities("who")


def test_select_on_real_model_equals_naive_scoring(tiny: LlamaCppBackend) -> None:
    options = ["yes", "no", "It depends."]
    lm = _ask(Program(tiny), "Does smoking cause lung cancer? Answer yes or no.")
    with assistant():
        lm += select(options, name="answer")
    naive = normalize_scores(
        tiny.score_options_naive(
            [Message("system", "Be brief."), Message("user", lm.messages[1].content)], options
        )
    )
    got = lm.probabilities("answer")
    assert [got[o] for o in options] == pytest.approx(naive, abs=1e-4)
    assert sum(got.values()) == pytest.approx(1.0)


def test_gen_regex_on_real_model(tiny: LlamaCppBackend) -> None:
    lm = _ask(Program(tiny), "How many legs does a spider have?")
    with assistant():
        lm += "Answer: "
        lm += gen("n", regex=r"[0-9]+", max_tokens=4)
    assert lm["n"].isdigit() and lm.text == "Answer: " + lm["n"]
