"""The LLM's steps of the program-aided recipe: each reads one part of a story, constrained.

The recipe (:mod:`rung.bench.ladder_recipe` on generated items, :mod:`rung.bench.story_recipe`
on a user's story) lets the LLM only *state* the formal model; rung derives the answer. The
steps here are the only places where the model is asked anything:

* **graph** (:func:`extract_graph`): the story's own qualitative sentences (those without a
  digit: the numbers are read by the numbers step) are read one at a time. For each pair of
  variables a sentence names, one ``select`` among "A directly causes B", "B directly causes
  A", "an unobserved factor directly causes both A and B" and "neither", with the sentence
  quoted in the prompt. A pair no qualitative sentence names gets no edge and no shared
  cause (the story is taken to state every direct link). This replaced asking every pair of
  variables in the whole story, where the default model said "an unobserved factor causes
  both" for nearly every pair and never "no direct link" (0 of 9 graphs exact, docs/ladder.md).
* **query type** (:func:`query_type`): a ``select`` among the eight kinds' descriptions,
  after the question alone (the kind is the question's, not the story's), scored by
  domain-conditional PMI against the same select without the question, so that a short or
  common description is not favoured (a ``select`` scores the sum of token
  log-likelihoods: the plain argmax chose "the overall probability of one variable" for 3
  of 9 questions of other kinds, docs/ladder.md).
* **numbers** (:func:`number_of`): per stated probability, a ``gen`` constrained by the regex
  :data:`NUMBER`.

Nothing of an item's truth enters a prompt: the variable names are the story's, the
sentences are quoted from it, and the options are the same four for every pair.

Examples
--------
>>> story = ("Consider these yes/no variables (1 = yes, 0 = no): rain, wet grass. "
...          "rain directly causes wet grass. P(rain=1) = 0.30.")
>>> qualitative_sentences(story)
['rain directly causes wet grass.']
>>> mentions("rain directly causes wet grass.", ["wet grass", "rain", "grass"])
['rain', 'wet grass']
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence

from rung.lm.base import Backend
from rung.lm.program import Program, assistant, gen, select, system, user

__all__ = ["NUMBER", "QUERY_TEXT", "RELATIONS", "extract_graph", "mentions", "number_of",
           "qualitative_sentences", "query_type", "relation_in", "select_among"]

NUMBER = r"(0\.[0-9]{1,2}|1\.00|0)"
QUERY_TEXT: dict[str, str] = {
    "marginal": "the overall probability of one variable",
    "conditional": "how likely one variable is when another variable is observed to be 1 "
                   "versus 0",
    "ate": "what would happen if we intervened to set a variable",
    "adjustment": "whether it is valid to adjust for some variables",
    "ett": "for the cases with a given value, whether the outcome would have been less likely "
           "had a variable been different",
    "nde": "setting a variable while a middle variable stays at the value it would have had",
    "nie": "a middle variable taking the value it would have had, with the first variable held",
    "necessity": "for a case where both were 1, whether one would have been 0 had the other "
                 "been 0",
}
#: the relations one sentence can state between the variables ``a`` and ``b``
RELATIONS: dict[str, str] = {
    "a->b": "{a} directly causes {b}",
    "b->a": "{b} directly causes {a}",
    "both": "an unobserved factor directly causes both {a} and {b}",
    "none": "neither causes the other",
}
_SYSTEM = "You read short causal stories and state their formal model exactly."
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _program(backend: Backend, text: str) -> Program:
    """The system prompt, then ``text`` as the user turn."""
    lm = Program(backend)
    with system():
        lm += _SYSTEM
    with user():
        lm += text
    return lm


def _select(backend: Backend, text: str, options: Sequence[str], said: str = ""
            ) -> dict[str, float]:
    lm = _program(backend, text)
    with assistant():
        lm += said
        lm += select(options, name="a")
    return lm.probabilities("a")


def select_among(backend: Backend, story: str, question: str, options: Sequence[str],
                 said: str = "") -> dict[str, float]:
    """The normalised probability of each option as the answer (after ``said``) to
    ``question`` on ``story`` (the story first, so that every step on one story shares
    its prompt prefix)."""
    return _select(backend, f"{story}\n\n{question}", options, said)


def qualitative_sentences(story: str) -> list[str]:
    """The story's sentences that hold no digit (no number, no variable coding)."""
    return [s for s in _SENTENCE.split(story.strip()) if s and not re.search(r"\d", s)]


def mentions(sentence: str, names: Sequence[str]) -> list[str]:
    """The ``names`` found in ``sentence`` as whole words (case-insensitive), in the order
    they appear; a longer name is matched first, so a name inside it is not counted."""
    text, found = sentence.lower(), []
    for name in sorted(names, key=len, reverse=True):
        m = re.search(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", text)
        if m:
            found.append((m.start(), name))
            text = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    return [n for _, n in sorted(found)]


def relation_in(backend: Backend, story: str, sentence: str, a: str, b: str) -> str:
    """What ``sentence`` of ``story`` states between ``a`` and ``b``: a key of
    :data:`RELATIONS` (``select``)."""
    opts = {k: t.format(a=a, b=b) for k, t in RELATIONS.items()}
    p = select_among(backend, story, f'What does the sentence "{sentence}" state about '
                     f"{a} and {b}?", list(opts.values()), said="It states that ")
    return max(opts, key=lambda k: p[opts[k]])


def extract_graph(backend: Backend, story: str, names: Sequence[str]
                  ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Directed edges and pairs with a shared unobserved cause, by name, read sentence by
    sentence (:func:`relation_in` per pair of names a qualitative sentence mentions)."""
    edges: list[tuple[str, str]] = []
    conf: list[tuple[str, str]] = []
    for sentence in qualitative_sentences(story):
        for a, b in itertools.combinations(mentions(sentence, names), 2):
            rel = relation_in(backend, story, sentence, a, b)
            pair = {"a->b": (a, b), "b->a": (b, a)}.get(rel)
            if pair is not None and pair not in edges and pair[::-1] not in edges:
                edges.append(pair)
            elif rel == "both" and (a, b) not in conf and (b, a) not in conf:
                conf.append((a, b))
    return edges, conf


def query_type(backend: Backend, question: str) -> str:
    """The kind of ``question`` (a key of :data:`QUERY_TEXT`) by domain-conditional PMI
    (Holtzman et al. 2021, "Surface form competition"): each kind's description is scored
    as the answer to "What kind of question is this?" after the question and after that
    line alone, and the kind whose likelihood the question raises most is chosen. The
    description's own prior (its length, its common words) cancels; the second prompt is
    the same for every question (the response cache answers it)."""
    kinds = list(QUERY_TEXT)
    descs = [QUERY_TEXT[k] for k in kinds]
    ask, said = "What kind of question is this?", "It asks about "
    given = _select(backend, f"{question}\n\n{ask}", descs, said)
    prior = _select(backend, ask, descs, said)
    gain = {k: _log(given[d]) - _log(prior[d]) for k, d in zip(kinds, descs, strict=True)}
    return max(kinds, key=gain.__getitem__)


def _log(p: float) -> float:
    return math.log(p) if p > 0 else -math.inf


def number_of(backend: Backend, story: str, label: str) -> float:
    """The probability ``label`` (``P(b=1 | a=0)``) as stated in ``story``: ``gen``
    constrained by the regex :data:`NUMBER`, clipped to [0, 1]."""
    lm = _program(backend, f"{story}\n\nWhat is {label}? Answer with the number only.")
    with assistant():
        lm += f"{label} = "
        lm += gen("n", regex=NUMBER, max_tokens=6)
    try:
        return min(max(float(lm["n"]), 0.0), 1.0)
    except ValueError:
        return 0.5
