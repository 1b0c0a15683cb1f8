"""Third variables around a cause-effect pair: confounders, mediators, instruments.

Candidates are given, or proposed by the model (free-text lists, one generation per persona
variant); every candidate is then scored as a yes/no statement over K variants in both
answer orders, so its confidence is a likelihood, not a single generated token.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rung.copilot.aggregate import PositionBias, position_bias
from rung.copilot.scoring import CallCounter, ScoredPrompt, counted
from rung.copilot.statements import score_statement
from rung.copilot.templates import TemplateBook, load_templates
from rung.copilot.variants import expand_variants, render_preamble
from rung.lm.base import Backend, Message

__all__ = ["CandidateScore", "RoleResult", "confounders", "instruments", "mediators"]

DEFAULT_ROLE_VARIANTS = 4
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")


@dataclass(frozen=True)
class CandidateScore:
    """One candidate third variable and the model's confidence that it plays the role."""

    name: str
    confidence: float
    votes: int
    asked: int
    proposed: bool


@dataclass(frozen=True)
class RoleResult:
    """Candidates for a role (confounder / mediator / instrument) of ``x`` -> ``y``."""

    role: str
    x: str
    y: str
    candidates: list[CandidateScore]
    calls: int
    position_bias: PositionBias
    threshold: float = 0.5
    generated: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> list[str]:
        """Names whose confidence reaches the threshold, most confident first."""
        return [c.name for c in self.candidates if c.confidence >= self.threshold]

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "x": self.x,
            "y": self.y,
            "accepted": self.accepted,
            "candidates": [c.__dict__ for c in self.candidates],
            "calls": self.calls,
            "position_bias": self.position_bias.to_json(),
            "generated": self.generated,
        }


def _propose(
    counter: CallCounter, book: TemplateBook, role: str, fields: Mapping[str, str], n: int, k: int
) -> tuple[list[str], list[str]]:
    """Names proposed over ``k // 2`` persona variants (generation has no option order)."""
    variants = [
        v
        for v in expand_variants(book.select("roles", task=f"propose-{role}"), book.personas, k)
        if v.order == "forward"
    ]
    names: list[str] = []
    texts = []
    for v in variants:
        prompt = v.template.text.format(**fields, n=n)
        text = counter.generate(
            [Message("system", v.persona.system), Message("user", prompt)], max_tokens=12 * n
        )
        texts.append(text)
        for line in text.splitlines():
            name = _BULLET.sub("", line).strip().strip(".`*\"'")
            if name and len(name) < 60 and name.lower() not in {n.lower() for n in names}:
                names.append(name)
    return names[: 2 * n], texts


def _role(
    role: str,
    x: str,
    y: str,
    candidates: Sequence[str] | None,
    *,
    backend: Backend | None,
    descriptions: Mapping[str, str] | None,
    context: str | None,
    variants: int | None,
    threshold: float,
    n: int,
    templates: TemplateBook | None,
) -> RoleResult:
    if not x.strip() or not y.strip() or x == y:
        raise ValueError(f"need two different non-empty variables, got {x!r} and {y!r}")
    counter = counted(backend)
    book = templates or load_templates()
    k = DEFAULT_ROLE_VARIANTS if variants is None else variants
    names = [x, y, *(candidates or [])]
    preamble = render_preamble(
        book.snippets("roles"), context=context, descriptions=descriptions, names=names
    )
    fields = {"x": x, "y": y, "preamble": preamble}
    generated: list[str] = []
    if candidates is None:
        found, generated = _propose(counter, book, role, fields, n, k)
        pool = [(c, True) for c in found if c not in (x, y)]
    else:
        pool = [(str(c), False) for c in candidates if str(c) not in (x, y)]
    scores: list[CandidateScore] = []
    scored: list[ScoredPrompt] = []
    for name, proposed in pool:
        s = score_statement(counter, book, role, {**fields, "z": name}, k)
        scores.append(CandidateScore(name, s.p_yes, s.votes, s.asked, proposed))
        scored += s.scored
    scores.sort(key=lambda c: -c.confidence)
    return RoleResult(
        role, x, y, scores, counter.calls, position_bias(scored), threshold, generated
    )


def confounders(
    x: str,
    y: str,
    candidates: Sequence[str] | None = None,
    *,
    backend: Backend | None = None,
    descriptions: Mapping[str, str] | None = None,
    context: str | None = None,
    variants: int | None = None,
    threshold: float = 0.5,
    n: int = 5,
    templates: TemplateBook | None = None,
) -> RoleResult:
    """Common causes of ``x`` and ``y``: score ``candidates``, or let the model propose ``n``.

    Examples
    --------
    >>> r = confounders("ice cream sales", "drownings", ["summer heat", "shark size"])
    ... # doctest: +SKIP
    >>> r.accepted  # doctest: +SKIP
    ['summer heat']
    """
    return _role(
        "confounder",
        x,
        y,
        candidates,
        backend=backend,
        descriptions=descriptions,
        context=context,
        variants=variants,
        threshold=threshold,
        n=n,
        templates=templates,
    )


def mediators(
    x: str,
    y: str,
    candidates: Sequence[str] | None = None,
    *,
    backend: Backend | None = None,
    descriptions: Mapping[str, str] | None = None,
    context: str | None = None,
    variants: int | None = None,
    threshold: float = 0.5,
    n: int = 5,
    templates: TemplateBook | None = None,
) -> RoleResult:
    """Variables through which ``x`` affects ``y`` (given ``candidates`` or proposed)."""
    return _role(
        "mediator",
        x,
        y,
        candidates,
        backend=backend,
        descriptions=descriptions,
        context=context,
        variants=variants,
        threshold=threshold,
        n=n,
        templates=templates,
    )


def instruments(
    x: str,
    y: str,
    candidates: Sequence[str] | None = None,
    *,
    backend: Backend | None = None,
    descriptions: Mapping[str, str] | None = None,
    context: str | None = None,
    variants: int | None = None,
    threshold: float = 0.5,
    n: int = 5,
    templates: TemplateBook | None = None,
) -> RoleResult:
    """Instrumental variables for the effect of ``x`` on ``y`` (given or proposed)."""
    return _role(
        "instrument",
        x,
        y,
        candidates,
        backend=backend,
        descriptions=descriptions,
        context=context,
        variants=variants,
        threshold=threshold,
        n=n,
        templates=templates,
    )
