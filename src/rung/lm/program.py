"""Guidance-style programs over any :class:`~rung.lm.base.Backend`.

A :class:`Program` is an immutable state: ``lm + x`` returns a new program, the old one is
unchanged (so one prefix can branch into many questions). Role blocks follow Microsoft
Guidance::

    lm = Program(get_backend())
    with system():
        lm += "You are a careful scientist."
    with user():
        lm += "Does smoking cause lung cancer?"
    with assistant():
        lm += select(["yes", "no"], name="answer")
    lm["answer"], lm.probabilities("answer")

``select`` scores the log-likelihood of each whole option as the continuation of the
assistant turn (one batched pass per prompt in the embedded backend) and keeps the
normalised probability of every option; ``gen`` generates text (``stop``, ``regex``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from rung.lm.base import Backend, Message, Role, check_log_likelihoods, normalize_scores

__all__ = [
    "Gen",
    "Program",
    "ProgramError",
    "Select",
    "assistant",
    "gen",
    "select",
    "system",
    "user",
]


class ProgramError(ValueError):
    """A program used wrongly (select outside an assistant block, unknown capture...)."""


_BLOCK: ContextVar[tuple[Role, int] | None] = ContextVar("rung_lm_block", default=None)
_IDS = itertools.count(1)


@contextmanager
def _role(role: Role) -> Iterator[None]:
    token = _BLOCK.set((role, next(_IDS)))
    try:
        yield
    finally:
        _BLOCK.reset(token)


def system() -> AbstractContextManager[None]:
    """Block whose text forms one system turn."""
    return _role("system")


def user() -> AbstractContextManager[None]:
    """Block whose text forms one user turn."""
    return _role("user")


def assistant() -> AbstractContextManager[None]:
    """Block whose text (literal, selected or generated) forms one assistant turn."""
    return _role("assistant")


@dataclass(frozen=True)
class Select:
    """Choose the most likely of ``options``; see :func:`select`."""

    options: tuple[str, ...]
    name: str | None = None

    def apply(self, lm: Program) -> Program:
        raw = lm.backend.score_options(lm.messages, self.options, prefix=lm.text)
        scores = check_log_likelihoods(raw, self.options, lm.backend.name)
        probs = normalize_scores(scores)
        best = max(range(len(scores)), key=scores.__getitem__)
        new = replace(lm, text=lm.text + self.options[best])
        if self.name is None:
            return new
        dist = dict(zip(self.options, probs, strict=True))
        lls = dict(zip(self.options, scores, strict=True))
        return new._capture(self.name, self.options[best], dist, lls)


@dataclass(frozen=True)
class Gen:
    """Generate text; see :func:`gen`."""

    name: str | None = None
    max_tokens: int = 64
    stop: tuple[str, ...] = ()
    regex: str | None = None
    temperature: float = 0.0

    def apply(self, lm: Program) -> Program:
        text = lm.backend.generate(
            lm.messages,
            prefix=lm.text,
            max_tokens=self.max_tokens,
            stop=self.stop,
            temperature=self.temperature,
            regex=self.regex,
        )
        new = replace(lm, text=lm.text + text)
        return new if self.name is None else new._capture(self.name, text, None, None)


def select(options: Sequence[str], name: str | None = None) -> Select:
    """Instruction: append the most likely of ``options`` (whole-option log-likelihood).

    Examples
    --------
    >>> from rung.lm.backends.scripted import ScriptedBackend
    >>> lm = Program(ScriptedBackend(scores={"yes": -1.0, "no": -3.0}))
    >>> with user():
    ...     lm += "Is water wet?"
    >>> with assistant():
    ...     lm += select(["yes", "no"], name="a")
    >>> lm["a"], round(lm.probabilities("a")["yes"], 3)
    ('yes', 0.881)
    """
    opts = tuple(str(o) for o in options)
    if not opts:
        raise ProgramError("select needs at least one option, got none")
    dupes = sorted({o for o in opts if opts.count(o) > 1})
    if dupes:
        raise ProgramError(f"select options must be distinct; repeated: {dupes}")
    return Select(opts, name)


def gen(
    name: str | None = None,
    *,
    max_tokens: int = 64,
    stop: str | Sequence[str] = (),
    regex: str | None = None,
    temperature: float = 0.0,
) -> Gen:
    """Instruction: append generated text (greedy unless ``temperature > 0``), cut before
    the first ``stop`` string; with ``regex`` the text fully matches it."""
    if max_tokens < 1:
        raise ProgramError(f"gen max_tokens={max_tokens} must be at least 1")
    stops = (stop,) if isinstance(stop, str) else tuple(stop)
    return Gen(name, max_tokens, stops, regex, temperature)


@dataclass(frozen=True)
class Program:
    """Immutable program state: finished turns, the open turn, and named captures."""

    backend: Backend
    messages: tuple[Message, ...] = ()
    role: Role | None = None
    text: str = ""
    block: int = 0
    captures: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    distributions: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    log_likelihoods: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def __add__(self, other: str | Select | Gen) -> Program:
        lm = self._enter_block()
        if isinstance(other, str):
            return replace(lm, text=lm.text + other)
        if isinstance(other, Select | Gen):
            if lm.role != "assistant":
                raise ProgramError(
                    f"{type(other).__name__.lower()} must run inside `with assistant():` "
                    f"(current role: {lm.role})"
                )
            return other.apply(lm)
        raise ProgramError(f"cannot add {type(other).__name__} {other!r} to a program")

    def _enter_block(self) -> Program:
        block = _BLOCK.get()
        if block is None:
            raise ProgramError("text must be added inside `with system()/user()/assistant():`")
        role, block_id = block
        if block_id == self.block:
            return self
        closed = self.messages
        if self.role is not None:
            closed = (*closed, Message(self.role, self.text))
        return replace(self, messages=closed, role=role, text="", block=block_id)

    def _capture(
        self,
        name: str,
        value: str,
        dist: dict[str, float] | None,
        scores: dict[str, float] | None,
    ) -> Program:
        new = replace(self, captures=MappingProxyType({**self.captures, name: value}))
        if dist is None or scores is None:
            return new
        return replace(
            new,
            distributions=MappingProxyType({**self.distributions, name: dist}),
            log_likelihoods=MappingProxyType({**self.log_likelihoods, name: scores}),
        )

    def __getitem__(self, name: str) -> str:
        if name not in self.captures:
            raise ProgramError(f"no capture named {name!r}; captured: {sorted(self.captures)}")
        return self.captures[name]

    def probabilities(self, name: str) -> dict[str, float]:
        """Normalised probability of every option of the ``select`` captured as ``name``."""
        if name not in self.distributions:
            raise ProgramError(
                f"no select captured as {name!r}; selects: {sorted(self.distributions)}"
            )
        return dict(self.distributions[name])

    def transcript(self) -> list[Message]:
        """All turns, the open one included."""
        if self.role is None:
            return list(self.messages)
        return [*self.messages, Message(self.role, self.text)]

    def __str__(self) -> str:
        return "\n".join(f"{m.role}: {m.content}" for m in self.transcript())
