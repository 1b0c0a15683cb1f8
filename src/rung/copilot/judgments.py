"""Multiple-choice causal questions by a multi-prompt ensemble: causal judgment (BIG-Bench
``causal_judgment``), actual causation (necessary / sufficient cause; Kiciman et al. 2023,
section 4) and counterfactuals (CRASS, Frohberg & Binder 2022).

Options are scored as whole continuations, presented in both orders; the answer words of
Yes/No questions are swapped in the prompt text too ("Answer Yes or No" / "No or Yes").
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from rung.copilot.aggregate import VariantRecord
from rung.copilot.calibration import TemperatureCalibration
from rung.copilot.results import ChoiceResult, build_result_fields
from rung.copilot.scoring import CallCounter, ask_variant, counted
from rung.copilot.templates import TemplateBook, load_templates
from rung.copilot.variants import Variant, expand_variants
from rung.lm.base import Backend

__all__ = ["DEFAULT_CHOICE_VARIANTS", "actual_cause", "ask_choice", "counterfactual", "judgment"]

DEFAULT_CHOICE_VARIANTS = 4
_YES_NO = ("Yes", "No")
_KINDS = ("necessary", "sufficient")


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
    task: str,
    fields: Mapping[str, str],
    options: Sequence[str],
    *,
    backend: Backend | None = None,
    variants: int | None = None,
    templates: TemplateBook | None = None,
    calibration: TemperatureCalibration | None = None,
) -> ChoiceResult:
    """Ask a multiple-choice question with the ``choice`` templates of ``task``.

    ``fields`` fill the templates' placeholders; ``options`` are scored as continuations.
    """
    options = [str(o) for o in options]
    if len(options) < 2 or len(set(options)) != len(options):
        raise ValueError(f"need at least two distinct options, got {options!r}")
    counter = counted(backend)
    book = templates or load_templates()
    vs = expand_variants(
        book.select("choice", task=task),
        book.personas,
        DEFAULT_CHOICE_VARIANTS if variants is None else variants,
    )
    digest = hashlib.sha1(repr((sorted(fields.items()), options)).encode()).hexdigest()[:12]
    key = f"{task}|{digest}"
    records = [_ask(counter, v, fields, options, key) for v in vs]
    result = build_result_fields(
        records, options, calls=counter.calls, model=counter.model_id, calibration=calibration
    )
    return ChoiceResult(**result, options=tuple(options))


def judgment(
    vignette: str,
    question: str = "Did the event cause the outcome?",
    *,
    backend: Backend | None = None,
    variants: int | None = None,
    templates: TemplateBook | None = None,
    calibration: TemperatureCalibration | None = None,
) -> ChoiceResult:
    """How would a typical person answer this causal question about the story? Yes/No.

    Examples
    --------
    >>> r = judgment("Alice pushed the vase; it fell.", "Did Alice cause the vase to fall?")
    ... # doctest: +SKIP
    >>> r.answer in ("Yes", "No")  # doctest: +SKIP
    True
    """
    _nonempty(vignette=vignette, question=question)
    return ask_choice(
        "judgment",
        {"vignette": vignette.strip(), "question": question.strip()},
        _YES_NO,
        backend=backend,
        variants=variants,
        templates=templates,
        calibration=calibration,
    )


def actual_cause(
    vignette: str,
    event: str,
    kind: str = "necessary",
    *,
    backend: Backend | None = None,
    variants: int | None = None,
    templates: TemplateBook | None = None,
    calibration: TemperatureCalibration | None = None,
) -> ChoiceResult:
    """Is ``event`` a necessary (or sufficient) cause of the story's outcome? Yes/No."""
    if kind not in _KINDS:
        raise ValueError(f"kind={kind!r}: use 'necessary' or 'sufficient'")
    _nonempty(vignette=vignette, event=event)
    return ask_choice(
        kind,
        {"vignette": vignette.strip(), "event": event.strip()},
        _YES_NO,
        backend=backend,
        variants=variants,
        templates=templates,
        calibration=calibration,
    )


def counterfactual(
    premise: str,
    question: str,
    options: Sequence[str],
    *,
    backend: Backend | None = None,
    variants: int | None = None,
    templates: TemplateBook | None = None,
    calibration: TemperatureCalibration | None = None,
) -> ChoiceResult:
    """Which option answers the counterfactual ``question`` about ``premise`` (CRASS style)?

    Examples
    --------
    >>> r = counterfactual("A man drinks water.", "What would have happened if the man had "
    ...                    "drunk sand?", ["He would have choked.", "He would have been "
    ...                    "refreshed."])  # doctest: +SKIP
    """
    _nonempty(premise=premise, question=question)
    return ask_choice(
        "counterfactual",
        {"premise": premise.strip(), "question": question.strip()},
        options,
        backend=backend,
        variants=variants,
        templates=templates,
        calibration=calibration,
    )


def _nonempty(**texts: str) -> None:
    for name, text in texts.items():
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{name} is empty; give the text of the {name}")
