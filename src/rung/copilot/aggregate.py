"""Ensemble arithmetic: per-variant answers -> mean probability, vote, agreement, entropy;
the decision rule ("undecided is an answer"); position-bias statistics from the individual
scored prompts.

Every variant is asked in both presentation orders, so the plain mean of the variants'
probabilities is the order-debiased estimate (each order has equal weight).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rung.copilot.scoring import ScoredPrompt
from rung.lm.base import LMError

__all__ = [
    "DECISION_MARGIN",
    "MIN_AGREEMENT",
    "UNDECIDED",
    "Aggregate",
    "Decision",
    "PositionBias",
    "VariantRecord",
    "aggregate",
    "argmax_label",
    "decide",
    "entropy_bits",
    "position_bias",
]

#: An answer whose probability beats the runner-up's by less than this is "undecided".
DECISION_MARGIN = 0.05
#: An answer that fewer than this share of the variants give themselves is "undecided".
MIN_AGREEMENT = 0.5
#: The label reported in place of an answer that the rule above does not let stand.
UNDECIDED = "undecided"


def argmax_label(probabilities: Mapping[str, float], labels: Sequence[str]) -> str:
    """The label with the highest probability; ties go to the earlier label in ``labels``."""
    return max(labels, key=lambda lab: (probabilities.get(lab, 0.0), -labels.index(lab)))


def entropy_bits(probabilities: Sequence[float]) -> float:
    """Shannon entropy in bits.

    Examples
    --------
    >>> entropy_bits([0.5, 0.5])
    1.0
    >>> entropy_bits([1.0, 0.0])
    0.0
    """
    return float(-sum(p * math.log2(p) for p in probabilities if p > 0.0)) + 0.0


@dataclass(frozen=True)
class VariantRecord:
    """One variant of a query: which wording, order, persona; its prompt(s) and answer."""

    prompt_id: str
    order: str
    persona: str
    described: bool
    prompt: str
    probabilities: Mapping[str, float]
    labels: tuple[str, ...]
    scored: tuple[ScoredPrompt, ...] = ()

    @property
    def answer(self) -> str:
        """The variant's own answer (argmax of its probabilities)."""
        return argmax_label(self.probabilities, self.labels)

    @property
    def p(self) -> float:
        """The probability the variant gives its own answer."""
        return float(self.probabilities[self.answer])

    def to_json(self) -> dict[str, Any]:
        return {
            "prompt_id": self.prompt_id,
            "order": self.order,
            "persona": self.persona,
            "described": self.described,
            "answer": self.answer,
            "p": self.p,
            "probabilities": dict(self.probabilities),
            "prompt": self.prompt,
        }


@dataclass(frozen=True)
class Aggregate:
    """Aggregated answer of an ensemble of variants."""

    answer: str
    probabilities: dict[str, float]
    vote: str
    votes: dict[str, int]
    agreement: float
    entropy: float


def aggregate(records: Sequence[VariantRecord], labels: Sequence[str]) -> Aggregate:
    """Mean probability per label; majority vote; agreement; entropy (bits).

    ``answer`` is the argmax of the mean probabilities; ``agreement`` is the share of
    variants whose own answer equals it.

    Examples
    --------
    >>> r1 = VariantRecord("t", "forward", "p", False, "", {"Yes": 0.9, "No": 0.1}, ("Yes", "No"))
    >>> r2 = VariantRecord("t", "reverse", "p", False, "", {"Yes": 0.3, "No": 0.7}, ("Yes", "No"))
    >>> a = aggregate([r1, r2], ["Yes", "No"])
    >>> a.answer, round(a.probabilities["Yes"], 3), a.agreement
    ('Yes', 0.6, 0.5)
    """
    if not records:
        raise ValueError("cannot aggregate zero variants; ask for at least 2 variants")
    for r in records:
        bad = {lab: p for lab, p in r.probabilities.items() if not math.isfinite(float(p))}
        if bad:
            raise LMError(
                f"the model gave non-finite probabilities {bad} in variant {r.prompt_id!r} "
                f"({r.order} order): the backend is broken; check the model file or server"
            )
    n = len(records)
    probs = {lab: sum(float(r.probabilities.get(lab, 0.0)) for r in records) / n for lab in labels}
    answer = argmax_label(probs, labels)
    counts = Counter(r.answer for r in records)
    votes = {lab: counts.get(lab, 0) for lab in labels}
    vote = max(labels, key=lambda lab: (votes[lab], probs[lab], -list(labels).index(lab)))
    agreement = votes[answer] / n
    return Aggregate(answer, probs, vote, votes, agreement, entropy_bits(list(probs.values())))


@dataclass(frozen=True)
class Decision:
    """Whether an ensemble's answer stands, or is reported as :data:`UNDECIDED`.

    ``margin`` is the answer's probability minus the runner-up's; ``reason`` says why an
    undecided answer is undecided (empty when decided).
    """

    label: str
    decided: bool
    margin: float
    runner_up: str
    reason: str = ""


def decide(
    probabilities: Mapping[str, float],
    labels: Sequence[str],
    agreement: float,
    *,
    margin: float = DECISION_MARGIN,
    min_agreement: float = MIN_AGREEMENT,
) -> Decision:
    """The decision rule: the argmax stands only when it beats the runner-up by at least
    ``margin`` and at least ``min_agreement`` of the variants give it themselves.

    Examples
    --------
    >>> decide({"A->B": 0.383, "B->A": 0.237, "none": 0.380}, ["A->B", "B->A", "none"], 1.0)
    ... # doctest: +NORMALIZE_WHITESPACE +ELLIPSIS
    Decision(label='undecided', decided=False, margin=0.003..., runner_up='none',
             reason='A->B 0.383 vs none 0.380: margin 0.003 < 0.05')
    >>> decide({"Yes": 0.7, "No": 0.3}, ["Yes", "No"], 0.75).label
    'Yes'
    """
    if len(labels) < 2:
        raise ValueError(f"a decision needs at least two labels, got {list(labels)!r}")
    ranked = sorted(labels, key=lambda lab: (-probabilities.get(lab, 0.0), list(labels).index(lab)))
    top, second = ranked[0], ranked[1]
    gap = float(probabilities.get(top, 0.0) - probabilities.get(second, 0.0))
    reasons = []
    if gap < margin:
        reasons.append(
            f"{top} {probabilities.get(top, 0.0):.3f} vs {second} "
            f"{probabilities.get(second, 0.0):.3f}: margin {gap:.3f} < {margin:g}"
        )
    if agreement < min_agreement:
        reasons.append(f"only {agreement:.0%} of the variants answer {top} (< {min_agreement:.0%})")
    decided = not reasons
    return Decision(top if decided else UNDECIDED, decided, gap, second, "; ".join(reasons))


@dataclass(frozen=True)
class PositionBias:
    """How often the first-presented option wins, before and after order debiasing.

    ``first_share_raw``: share of single prompts whose pick is the option presented first
    (0.5 means no position preference when content is balanced, 1.0 means always first).
    ``first_share_debiased``: after averaging each question over both orders, share of
    questions whose pick is the option the forward order presented first.
    ``order_flip_rate``: share of questions whose pick changes when the order is reversed.
    """

    prompts: int
    first_share_raw: float | None
    questions: int
    first_share_debiased: float | None
    order_flip_rate: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "prompts": self.prompts,
            "first_option_share_raw": self.first_share_raw,
            "questions": self.questions,
            "first_option_share_debiased": self.first_share_debiased,
            "order_flip_rate": self.order_flip_rate,
        }


def _debiased_pick(pair: Mapping[str, ScoredPrompt]) -> tuple[str, str, bool]:
    fwd, rev = pair["forward"], pair["reverse"]
    mean = {c: (fwd.probability_of(c) + rev.probability_of(c)) / 2 for c in fwd.contents}
    pick = argmax_label(mean, list(fwd.contents))
    return pick, fwd.contents[0], fwd.pick != rev.pick


def position_bias(scored: Sequence[ScoredPrompt]) -> PositionBias:
    """Position-bias statistics of a set of scored prompts (see :class:`PositionBias`)."""
    raw = [s.pick == s.contents[0] for s in scored]
    groups: dict[str, dict[str, ScoredPrompt]] = defaultdict(dict)
    for s in scored:
        groups[s.group][s.order] = s
    pairs = [g for g in groups.values() if {"forward", "reverse"} <= set(g)]
    deb = [_debiased_pick(g) for g in pairs]
    return PositionBias(
        prompts=len(raw),
        first_share_raw=sum(raw) / len(raw) if raw else None,
        questions=len(deb),
        first_share_debiased=sum(p == f for p, f, _ in deb) / len(deb) if deb else None,
        order_flip_rate=sum(flip for *_, flip in deb) / len(deb) if deb else None,
    )
