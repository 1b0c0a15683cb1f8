"""Pairwise causal direction by a multi-prompt ensemble (Kiciman, Ness, Sharma & Tan 2023,
"Causal Reasoning and Large Language Models: Opening a New Frontier for Causality").

Each variant is scored in one of three formats (see ``templates/pairwise.toml``):

* ``yesno`` — "Does x cause y?" asked for both directions; with ``q1 = P(yes | a->b?)`` and
  ``q2 = P(yes | b->a?)`` the variant's distribution treats the two answers as independent
  beliefs conditioned on "not both" (a cycle): ``A->B ∝ q1(1-q2)``, ``B->A ∝ q2(1-q1)``,
  ``none ∝ (1-q1)(1-q2)``;
* ``options`` — the three statements scored as whole continuations;
* ``letter`` — lettered statements (position-biased on every model we measured; off by
  default).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypedDict

from rung.copilot.aggregate import VariantRecord
from rung.copilot.calibration import content_free_correction
from rung.copilot.results import PairwiseResult, build_result_fields
from rung.copilot.scoring import CallCounter, ScoredPrompt, ask_variant, score_prompt
from rung.copilot.templates import TemplateBook
from rung.copilot.variants import Variant, expand_variants, render_preamble

if TYPE_CHECKING:
    from rung.copilot.session import Copilot

__all__ = [
    "COMMON_CAUSE",
    "DEFAULT_PAIRWISE_VARIANTS",
    "PAIRWISE_LABELS",
    "PairwiseOptions",
    "ask_pairwise",
    "check_pair",
    "direction_probabilities",
]

PAIRWISE_LABELS = ("A->B", "B->A", "none")
COMMON_CAUSE = "common cause"
DEFAULT_PAIRWISE_VARIANTS = 8
_YES_NO = ("Yes", "No")


class PairwiseOptions(TypedDict, total=False):
    """The keywords of a pairwise question, documented at :func:`rung.copilot.pairwise`
    (defaults at :func:`ask_pairwise`); :meth:`rung.copilot.Copilot.pairwise` forwards them."""

    allow_none: bool
    common_cause: bool
    content_free: bool


def direction_probabilities(
    q_ab: float, q_ba: float, *, allow_none: bool = True, q_common: float | None = None
) -> dict[str, float]:
    """Direction distribution from the two per-direction yes probabilities.

    With ``q_common`` (P(yes) to "do they share a common cause?") the no-edge mass is split
    into "common cause" (``× q_common``) and "none" (``× (1 - q_common)``).

    Examples
    --------
    >>> p = direction_probabilities(0.9, 0.2)
    >>> round(p["A->B"], 4), round(p["B->A"], 4), round(p["none"], 4)
    (0.878, 0.0244, 0.0976)
    """
    w = {"A->B": q_ab * (1 - q_ba), "B->A": q_ba * (1 - q_ab)}
    neither = (1 - q_ab) * (1 - q_ba)
    if q_common is not None:
        w["common cause"] = neither * q_common
        neither *= 1 - q_common
    if allow_none:
        w["none"] = neither
    total = sum(w.values())
    if total <= 0.0:  # both directions certain: no information about which
        return {k: (0.5 if k in ("A->B", "B->A") else 0.0) for k in w}
    return {k: v / total for k, v in w.items()}


class _Pair:
    """Everything one variant needs to render and score the pair question."""

    def __init__(
        self,
        a: str,
        b: str,
        book: TemplateBook,
        preamble: str,
        labels: Sequence[str],
        content_free: bool = False,
    ) -> None:
        self.a, self.b, self.book, self.preamble, self.labels = a, b, book, preamble, labels
        self.content_free = content_free

    def group(self, v: Variant, tail: str) -> str:
        return f"pairwise|{self.a}|{self.b}|{v.base_key}|{tail}"

    def statements(self) -> dict[str, str]:
        return {lab: self.book.statements[lab].format(a=self.a, b=self.b) for lab in self.labels}


def _ask_yesno(counter: CallCounter, v: Variant, q: _Pair) -> VariantRecord:
    scored: list[ScoredPrompt] = [
        ask_variant(
            counter,
            v,
            v.template.text,
            {"preamble": q.preamble, "x": x, "y": y, "a": q.a, "b": q.b},
            _YES_NO,
            q.group(v, f"{x}->{y}"),
        )
        for x, y in ((q.a, q.b), (q.b, q.a))
    ]
    yes = [s.probability_of("Yes") for s in scored]
    if "common cause" in q.labels:
        scored.append(_common_cause_prompt(counter, v, q))
        yes.append(scored[-1].probability_of("Yes"))
    if q.content_free:
        base = _baseline_yes(counter, v, q.preamble)
        yes = [content_free_correction(p, base) for p in yes]
    probs = direction_probabilities(
        yes[0], yes[1], allow_none="none" in q.labels, q_common=yes[2] if len(yes) > 2 else None
    )
    prompt_text = "\n\n".join(s.prompt for s in scored)
    return VariantRecord(
        v.template.id,
        v.order,
        v.persona.id,
        v.described,
        prompt_text,
        probs,
        tuple(q.labels),
        tuple(scored),
    )


def _common_cause_prompt(counter: CallCounter, v: Variant, q: _Pair) -> ScoredPrompt:
    """The variant's persona and answer order, asking whether a and b share a cause."""
    template = q.book.select("roles", task="common-cause")[0]
    fields = {"preamble": q.preamble, "x": q.a, "y": q.b}
    return ask_variant(counter, v, template.text, fields, _YES_NO, q.group(v, "common"))


def _baseline_yes(counter: CallCounter, v: Variant, preamble: str) -> float:
    """P(yes) of the variant's prompt with the content replaced by "N/A" (not a vote)."""
    fields = {"preamble": preamble, "x": "N/A", "y": "N/A", "a": "N/A", "b": "N/A"}
    return ask_variant(counter, v, v.template.text, fields, _YES_NO, "").probability_of("Yes")


def _ask_listed(counter: CallCounter, v: Variant, q: _Pair, *, letters: bool) -> VariantRecord:
    statements = q.statements()
    shown = v.arrange(q.labels)
    if letters:
        tags = [chr(ord("A") + i) for i in range(len(shown))]
        listing = "\n".join(f"{t}. {statements[lab]}" for t, lab in zip(tags, shown, strict=True))
        options = tags
    else:
        listing = "\n".join(f"- {statements[lab]}" for lab in shown)
        options = [statements[lab] for lab in shown]
    prompt = v.template.text.format(preamble=q.preamble, a=q.a, b=q.b, listing=listing)
    s = score_prompt(
        counter,
        system=v.persona.system,
        prompt=prompt,
        options=options,
        group=q.group(v, "listed"),
        order=v.order,
        contents=shown,
    )
    probs = {lab: s.probability_of(lab) for lab in shown}
    return VariantRecord(
        v.template.id, v.order, v.persona.id, v.described, prompt, probs, tuple(q.labels), (s,)
    )


_FORMATS: dict[str, Callable[[CallCounter, Variant, _Pair], VariantRecord]] = {
    "yesno": _ask_yesno,
    "options": lambda c, v, q: _ask_listed(c, v, q, letters=False),
    "letter": lambda c, v, q: _ask_listed(c, v, q, letters=True),
}


def ask_pairwise(
    cp: Copilot,
    a: str,
    b: str,
    *,
    allow_none: bool = True,
    common_cause: bool = False,
    content_free: bool = False,
    k: int | None = None,
) -> PairwiseResult:
    """The pairwise ensemble of session ``cp`` (``k`` overrides its number of variants);
    the documented entry points are :func:`rung.copilot.pairwise` and
    :meth:`rung.copilot.Copilot.pairwise`."""
    check_pair(a, b)
    counter = cp.counter()
    book = cp.book
    labels = list(PAIRWISE_LABELS if allow_none else PAIRWISE_LABELS[:2])
    if common_cause:
        labels.insert(2, COMMON_CAUSE)
    preamble = render_preamble(
        book.snippets("pairwise"), context=cp.context, descriptions=cp.descriptions, names=(a, b)
    )
    bare = render_preamble(
        book.snippets("pairwise"), context=cp.context, descriptions=None, names=()
    )
    vs = expand_variants(
        book.select("pairwise"),
        book.personas,
        k if k is not None else cp.k(DEFAULT_PAIRWISE_VARIANTS),
        described=preamble != bare,
    )
    records = [
        _FORMATS[v.template.format](
            counter, v, _Pair(a, b, book, preamble if v.described else bare, labels, content_free)
        )
        for v in vs
    ]
    fields = build_result_fields(
        records, labels, calls=counter.calls, model=counter.model_id, calibration=cp.calibration
    )
    return PairwiseResult(**fields, a=a, b=b)


def check_pair(a: str, b: str) -> None:
    """Refuse an empty name or a pair of one variable with itself (ValueError)."""
    for name in (a, b):
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"variable name {name!r} is empty; give two non-empty names")
    if a == b:
        raise ValueError(f"pairwise needs two different variables, got {a!r} twice")
