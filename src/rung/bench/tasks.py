"""Asking one benchmark item: each item kind goes to its co-pilot task.

The answer comes back as a plain JSON-ready record (what the ledger stores): the ensemble's
answer and probabilities, its agreement, model calls, position-bias statistics and a short
summary of every variant (order, answer, probability).
"""

from __future__ import annotations

from functools import singledispatch
from typing import Any

from rung.bench.items import (
    ActualCauseItem,
    BenchItem,
    CounterfactualItem,
    JudgmentItem,
    LadderQuestion,
    PairItem,
)
from rung.lm.base import Backend

__all__ = ["ask_item", "outcome_record", "truth_of"]


def outcome_record(result: Any) -> dict[str, Any]:
    """The ledger fields of a co-pilot result (``PairwiseResult`` or ``ChoiceResult``)."""
    data = result.to_json()
    return {
        "answer": data["answer"],
        "probabilities": data["probabilities"],
        "agreement": data.get("agreement"),
        "entropy": data.get("entropy"),
        "calls": data.get("calls", 0),
        "position_bias": data.get("position_bias", {}),
        "variants": [
            {"order": v.get("order"), "answer": v.get("answer"), "p": v.get("p"),
             "prompt_id": v.get("prompt_id")}
            for v in data.get("variants", [])
        ],
    }


@singledispatch
def ask_item(item: object, backend: Backend, variants: int | None) -> dict[str, Any]:
    """Ask ``item`` with ``variants`` prompt variants; return its outcome record."""
    raise TypeError(f"no task answers items of type {type(item).__name__}")


@ask_item.register
def _(item: PairItem, backend: Backend, variants: int | None) -> dict[str, Any]:
    from rung.copilot import pairwise

    result = pairwise(item.a, item.b, backend=backend, context=item.context,
                      variants=variants, allow_none=item.allow_none)
    return outcome_record(result)


@ask_item.register
def _(item: JudgmentItem, backend: Backend, variants: int | None) -> dict[str, Any]:
    from rung.copilot import judgment

    return outcome_record(judgment(item.vignette, item.question, backend=backend,
                                   variants=variants))


@ask_item.register
def _(item: ActualCauseItem, backend: Backend, variants: int | None) -> dict[str, Any]:
    from rung.copilot import actual_cause

    # Kiciman et al. ask "Is {action} a necessary cause of {event}?"; the co-pilot's
    # templates name the candidate cause and refer to "the outcome", so the story names it.
    story = f"{item.vignette}\n\nThe outcome: {item.event}."
    return outcome_record(actual_cause(story, item.action, kind=item.kind, backend=backend,
                                       variants=variants))


@ask_item.register
def _(item: CounterfactualItem, backend: Backend, variants: int | None) -> dict[str, Any]:
    from rung.copilot import counterfactual

    return outcome_record(counterfactual(item.premise, item.question, list(item.options),
                                         backend=backend, variants=variants))


@ask_item.register
def _(item: LadderQuestion, backend: Backend, variants: int | None) -> dict[str, Any]:
    from rung.bench.ladder_recipe import ladder_record

    return ladder_record(item.item, backend, item.mode, variants)


def truth_of(item: BenchItem) -> str:
    """The expected answer label of ``item``."""
    return item.truth if isinstance(item, PairItem) else item.answer
