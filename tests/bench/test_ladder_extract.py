"""The recipe's LLM steps (``rung.bench.ladder_extract``): what each asks and how answers
combine. The scripted backend is a test double for the *prompting logic* only (which pairs
are asked, how both orders average); the measurement uses the real model
(docs/ladder.md), and the tiny-model test runs the steps on a real one."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.bench.ladder import LadderItem, generate
from rung.bench.ladder_extract import (
    QUERY_TEXT,
    RELATIONS,
    extract_graph,
    mentions,
    qualitative_sentences,
    query_type,
)
from rung.bench.ladder_recipe import answer_recipe
from rung.lm.backends.scripted import ScriptedBackend
from rung.lm.base import Message


def _named_truth(item: LadderItem) -> tuple[set[tuple[str, str]], set[frozenset[str]]]:
    names = dict(item.names)
    edges = {(names[a], names[b]) for a, b in item.edges if a in names}
    conf = set()
    for u in item.latent:
        kids = [names[b] for a, b in item.edges if a == u]
        conf |= {frozenset(p) for p in itertools.combinations(kids, 2)}
    return edges, conf


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000))
def test_each_qualitative_sentence_names_one_true_pair(seed: int) -> None:
    """The pairs the graph step asks about are exactly the pairs of the item's graph."""
    for item in generate(9, seed):
        names = [item.name(v) for v in item.observed]
        asked = {frozenset(mentions(s, names)) for s in qualitative_sentences(item.story)}
        edges, conf = _named_truth(item)
        assert all(len(p) == 2 for p in asked)
        assert asked == {frozenset(e) for e in edges} | conf


def test_mentions_match_whole_words_longest_first() -> None:
    assert mentions("fep directly causes fepzo.", ["fep", "fepzo"]) == ["fep", "fepzo"]
    assert mentions("good health directly causes health.", ["health", "good health"]) == [
        "good health", "health"]
    assert mentions("nothing here.", ["a b"]) == []
    assert qualitative_sentences("P(a=1) = 0.2. a directly causes b.") == [
        "a directly causes b."]


def _sentence_reader(reverse: bool = False) -> ScriptedBackend:
    """Answers each relation question by the words of the quoted sentence (optionally
    always the reversed direction): a double that reads only what the prompt shows."""

    def rule(messages: Sequence[Message], prefix: str, option: str) -> float:
        ask = messages[-1].content.rsplit("\n\n", 1)[-1]
        quoted = ask.split('"')[1].rstrip(".")
        a, b = ask.rsplit(" state about ", 1)[1].rstrip("?").split(" and ", 1)
        if quoted.startswith("An unobserved factor"):
            want = RELATIONS["both"].format(a=a, b=b)
        else:
            cause, effect = quoted.split(" directly causes ")
            want = f"{effect} directly causes {cause}" if reverse else quoted
        return 0.0 if option == want else -5.0

    return ScriptedBackend(rule=rule)


def test_graph_read_sentence_by_sentence_is_the_true_graph() -> None:
    for item in generate(18, 4):
        names = [item.name(v) for v in item.observed]
        lm = _sentence_reader()
        edges, conf = extract_graph(lm, item.story, names)
        true_edges, true_conf = _named_truth(item)
        assert set(edges) == true_edges and {frozenset(p) for p in conf} == true_conf
        assert lm.calls == len(qualitative_sentences(item.story))  # one call a sentence


def test_a_reversing_reader_gives_reversed_edges() -> None:
    item = next(i for i in generate(9, 0) if i.family == "chain")
    names = [item.name(v) for v in item.observed]
    edges, conf = extract_graph(_sentence_reader(reverse=True), item.story, names)
    assert set(edges) == {(b, a) for a, b in _named_truth(item)[0]} and conf == []


def test_query_type_prefers_what_the_question_raises_over_a_short_option() -> None:
    """The shortest description is likeliest everywhere (a sum of fewer token
    log-likelihoods); the question raises the conditional's. The plain argmax picks the
    short one, the PMI the conditional."""
    short = min(QUERY_TEXT.values(), key=len)

    def rule(messages: Sequence[Message], prefix: str, option: str) -> float:
        base = -1.0 if option == short else -4.0
        asked = messages[-1].content != "What kind of question is this?"
        return base + (2.0 if asked and option == QUERY_TEXT["conditional"] else 0.0)

    lm = ScriptedBackend(rule=rule)
    assert query_type(lm, "Is b=1 more likely when a=1 than when a=0?") == "conditional"
    assert lm.calls == 2
    assert short != QUERY_TEXT["conditional"]


def test_recipe_calls_one_per_sentence_two_for_the_kind_one_per_number() -> None:
    item = generate(1, 0)[0]
    lm = ScriptedBackend(default=math.log(0.5), texts={"What is P(": "0.50"})
    res = answer_recipe(item, lm)
    n_numbers = sum(len(f.p_one) for f in item.given)
    assert lm.calls == len(qualitative_sentences(item.story)) + 2 + n_numbers
    assert len(res.numbers) == n_numbers


@pytest.mark.llm
def test_graph_step_on_the_tiny_model_keeps_to_the_named_pairs(tiny) -> None:  # type: ignore[no-untyped-def]
    item = next(i for i in generate(18, 0) if i.latent)
    names = [item.name(v) for v in item.observed]
    edges, conf = extract_graph(tiny, item.story, names)
    asked = {frozenset(mentions(s, names)) for s in qualitative_sentences(item.story)}
    assert all(frozenset(p) in asked for p in [*edges, *conf])
    assert query_type(tiny, item.question) in QUERY_TEXT
