"""Scoring one yes/no statement over its variants (templates × persona, both answer orders)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rung.copilot.scoring import CallCounter, ScoredPrompt, ask_variant
from rung.copilot.templates import TemplateBook
from rung.copilot.variants import expand_variants

__all__ = ["StatementScore", "score_statement"]

_YES_NO = ("Yes", "No")


@dataclass(frozen=True)
class StatementScore:
    """Mean probability of "Yes" over the variants (order-debiased) and the Yes votes."""

    p_yes: float
    votes: int
    asked: int
    scored: tuple[ScoredPrompt, ...]


def score_statement(
    counter: CallCounter,
    book: TemplateBook,
    task: str,
    fields: Mapping[str, str],
    k: int,
) -> StatementScore:
    """Ask the ``roles`` templates of ``task`` with ``fields`` as yes/no, K variants.

    Examples
    --------
    >>> from rung.copilot.scoring import CallCounter
    >>> from rung.copilot.templates import load_templates
    >>> from rung.lm.backends.scripted import ScriptedBackend
    >>> lm = CallCounter(ScriptedBackend(scores={"Yes": -0.1, "No": -2.0}))
    >>> s = score_statement(lm, load_templates(), "edge", {"x": "a", "y": "b", "preamble": ""}, 2)
    >>> s.asked, s.votes, round(s.p_yes, 3)
    (2, 2, 0.87)
    """
    variants = expand_variants(book.select("roles", task=task), book.personas, k)
    key = "|".join(f"{name}={fields[name]}" for name in sorted(fields) if name != "preamble")
    scored = [
        ask_variant(counter, v, v.template.text, fields, _YES_NO, f"{task}|{key}|{v.base_key}")
        for v in variants
    ]
    yes = [s.probability_of("Yes") for s in scored]
    return StatementScore(sum(yes) / len(yes), sum(p > 0.5 for p in yes), len(yes), tuple(scored))
