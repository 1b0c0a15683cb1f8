"""Third variables around a cause-effect pair: confounders, mediators, instruments.

Candidates are given, or proposed by the model (free-text lists, one generation per persona
variant); every candidate is then scored as a yes/no statement over K variants in both
answer orders, so its confidence is a likelihood, not a single generated token.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypedDict, Unpack, overload

from rung.copilot.aggregate import PositionBias, position_bias
from rung.copilot.display import frame, html_block, html_table
from rung.copilot.scoring import CallCounter, ScoredPrompt
from rung.copilot.statements import score_statement
from rung.copilot.templates import TemplateBook
from rung.copilot.variants import expand_variants, render_preamble
from rung.lm.base import Message

if TYPE_CHECKING:
    import pandas as pd

    from rung.copilot.session import Copilot

__all__ = [
    "DEFAULT_ROLE_VARIANTS",
    "CandidateScore",
    "FixedRole",
    "Role",
    "RoleMethod",
    "RoleOptions",
    "RoleResult",
    "ask_role",
]

DEFAULT_ROLE_VARIANTS = 4
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")


class Role(StrEnum):
    """The role a third variable plays for ``x -> y``; its value names the templates'
    task (``roles.toml``: ``task = "confounder"`` scores, ``"propose-confounder"`` lists)."""

    CONFOUNDER = "confounder"
    MEDIATOR = "mediator"
    INSTRUMENT = "instrument"


class RoleOptions(TypedDict, total=False):
    """The keywords of a role question (defaults at :func:`ask_role`): ``threshold``, the
    confidence a candidate needs to be accepted, and ``n``, how many names the model
    proposes when no candidates are given."""

    threshold: float
    n: int


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

    role: Role
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
            "role": str(self.role),
            "x": self.x,
            "y": self.y,
            "accepted": self.accepted,
            "candidates": [asdict(c) for c in self.candidates],
            "calls": self.calls,
            "position_bias": self.position_bias.to_json(),
            "generated": self.generated,
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per candidate, with ``accepted`` marking those at or above the threshold."""
        rows = [{**asdict(c), "accepted": c.confidence >= self.threshold}
                for c in self.candidates]
        return frame(rows, ["name", "confidence", "votes", "asked", "proposed", "accepted"])

    def _repr_html_(self) -> str:
        lines = [f"accepted (confidence >= {self.threshold:g}): "
                 f"{', '.join(self.accepted) or 'none'} · {self.calls} model calls"]
        table = html_table([asdict(c) for c in self.candidates], caption="candidates")
        return html_block(f"{self.role}s of {self.x} -> {self.y}", lines, [table])


def _propose(
    counter: CallCounter, book: TemplateBook, role: Role, fields: Mapping[str, str], n: int, k: int
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


def ask_role(
    cp: Copilot,
    role: Role,
    x: str,
    y: str,
    candidates: Sequence[str] | None = None,
    *,
    threshold: float = 0.5,
    n: int = 5,
) -> RoleResult:
    """Score ``candidates`` for ``role`` (or let the model propose ``n``, then score them);
    documented at :meth:`rung.copilot.Copilot.role`."""
    if not x.strip() or not y.strip() or x == y:
        raise ValueError(f"need two different non-empty variables, got {x!r} and {y!r}")
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold={threshold}: use a confidence in (0, 1]")
    counter = cp.counter()
    book = cp.book
    k = cp.k(DEFAULT_ROLE_VARIANTS)
    names = [x, y, *(candidates or [])]
    preamble = render_preamble(
        book.snippets("roles"), context=cp.context, descriptions=cp.descriptions, names=names
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
        s = score_statement(counter, book, role.value, {**fields, "z": name}, k)
        scores.append(CandidateScore(name, s.p_yes, s.votes, s.asked, proposed))
        scored += s.scored
    scores.sort(key=lambda c: -c.confidence)
    return RoleResult(
        role, x, y, scores, counter.calls, position_bias(scored), threshold, generated
    )


class RoleMethod(Protocol):
    """:meth:`rung.copilot.Copilot.role` with the role fixed (``cp.confounders``, ...)."""

    def __call__(
        self, x: str, y: str, candidates: Sequence[str] | None = None,
        **options: Unpack[RoleOptions],
    ) -> RoleResult: ...


class FixedRole:
    """A :class:`~rung.copilot.Copilot` attribute that is its ``role`` method with ``role``
    fixed: ``Copilot.mediators = FixedRole(Role.MEDIATOR, doc)``, so the three role tasks
    are one implementation.

    Examples
    --------
    >>> from rung.copilot import Copilot
    >>> Copilot.mediators.role, Copilot().mediators.func.__name__
    (<Role.MEDIATOR: 'mediator'>, 'role')
    """

    def __init__(self, role: Role, doc: str) -> None:
        self.role = role
        self.__doc__ = doc

    @overload
    def __get__(self, cp: None, owner: type[Any]) -> FixedRole: ...

    @overload
    def __get__(self, cp: Copilot, owner: type[Any] | None = None) -> RoleMethod: ...

    def __get__(self, cp: Copilot | None, owner: type[Any] | None = None) -> Any:
        if cp is None:
            return self
        method = functools.partial(cp.role, self.role)
        method.__doc__ = self.__doc__
        return method
