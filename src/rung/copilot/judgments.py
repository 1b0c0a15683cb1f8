"""Multiple-choice causal questions by a multi-prompt ensemble: causal judgment (BIG-Bench
``causal_judgment``), actual causation (necessary / sufficient cause; Kiciman et al. 2023,
section 4) and counterfactuals (CRASS, Frohberg & Binder 2022).

Options are scored as whole continuations, presented in both orders; the answer words of
Yes/No questions are swapped in the prompt text too ("Answer Yes or No" / "No or Yes").
The tasks are methods of :class:`~rung.copilot.Copilot` (``judgment``, ``actual_cause``,
``counterfactual``) and one-call functions in :mod:`rung.copilot.functions`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from rung.copilot.aggregate import VariantRecord
from rung.copilot.results import ChoiceResult, build_result_fields
from rung.copilot.scoring import CallCounter, ask_variant
from rung.copilot.variants import Variant, expand_variants

if TYPE_CHECKING:
    from rung.copilot.session import Copilot

__all__ = ["DEFAULT_CHOICE_VARIANTS", "CauseKind", "ask_choice"]

DEFAULT_CHOICE_VARIANTS = 4


class CauseKind(StrEnum):
    """Which kind of actual cause is asked about; the value names the templates' task."""

    NECESSARY = "necessary"
    SUFFICIENT = "sufficient"

    @classmethod
    def parse(cls, kind: CauseKind | str) -> CauseKind:
        """``kind`` as a :class:`CauseKind`, or a ValueError naming the choices.

        Examples
        --------
        >>> CauseKind.parse("sufficient")
        <CauseKind.SUFFICIENT: 'sufficient'>
        """
        try:
            return cls(kind)
        except ValueError:
            raise ValueError(f"kind={kind!r}: use 'necessary' or 'sufficient'") from None


def _ask(
    counter: CallCounter, v: Variant, fields: Mapping[str, str], options: Sequence[str], key: str
) -> VariantRecord:
    shown = v.arrange(options)
    listed = {**fields, "listing": "\n".join(f"- {o}" for o in shown)}
    s = ask_variant(counter, v, v.template.text, listed, options, f"{key}|{v.base_key}")
    probs = {o: s.probabilities[i] for i, o in enumerate(shown)}
    return VariantRecord(
        v.template.id, v.order, v.persona.id, False, s.prompt, probs, tuple(options), (s,)
    )


def ask_choice(
    cp: Copilot, task: str, fields: Mapping[str, str], options: Sequence[str]
) -> ChoiceResult:
    """Ask a multiple-choice question with the ``choice`` templates of ``task``.

    ``fields`` fill the templates' placeholders; ``options`` are scored as continuations.
    """
    options = [str(o) for o in options]
    if len(options) < 2 or len(set(options)) != len(options):
        raise ValueError(f"need at least two distinct options, got {options!r}")
    counter = cp.counter()
    book = cp.book
    vs = expand_variants(
        book.select("choice", task=task), book.personas, cp.k(DEFAULT_CHOICE_VARIANTS)
    )
    digest = hashlib.sha1(repr((sorted(fields.items()), options)).encode()).hexdigest()[:12]
    key = f"{task}|{digest}"
    records = [_ask(counter, v, fields, options, key) for v in vs]
    result = build_result_fields(
        records, options, calls=counter.calls, model=counter.model_id, calibration=cp.calibration
    )
    return ChoiceResult(**result, options=tuple(options))
