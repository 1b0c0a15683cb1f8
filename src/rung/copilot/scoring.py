"""Talking to the model: resolve the backend, count calls, turn option scores into probabilities."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Unpack

from rung.lm.base import (
    Backend,
    BackendWrapper,
    GenerateOptions,
    LMError,
    Message,
    normalize_scores,
)

if TYPE_CHECKING:
    from rung.copilot.variants import Variant

__all__ = [
    "CallCounter",
    "ScoredPrompt",
    "ask_variant",
    "counted",
    "resolve_backend",
    "score_prompt",
    "softmax",
]


def resolve_backend(backend: Backend | None) -> Backend:
    """``backend``, or the configured default (``rung.lm.get_backend()``) when None."""
    if backend is not None:
        return backend
    from rung import lm

    get_backend = getattr(lm, "get_backend", None)
    if get_backend is None:  # the LM layer is not installed in this build
        raise ValueError("no language-model backend configured: pass backend=... explicitly")
    resolved: Backend = get_backend()
    return resolved


class CallCounter(BackendWrapper):
    """A backend wrapper that counts the calls made through it (cache hits included).

    Examples
    --------
    >>> from rung.lm.base import Message
    >>> class One:
    ...     name, model_id = "demo", "demo"
    ...     def score_options(self, messages, options, *, prefix=""):
    ...         return [0.0 for _ in options]
    ...     def generate(self, messages, **kw):
    ...         return ""
    >>> c = CallCounter(One())
    >>> _ = c.score_options([Message("user", "hi")], ["a", "b"])
    >>> c.calls
    1
    """

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.calls = 0

    def score_options(
        self, messages: Sequence[Message], options: Sequence[str], *, prefix: str = ""
    ) -> list[float]:
        """One counted call of the inner backend's ``score_options``."""
        self.calls += 1
        return super().score_options(messages, options, prefix=prefix)

    def generate(self, messages: Sequence[Message], **options: Unpack[GenerateOptions]) -> str:
        """One counted call of the inner backend's ``generate`` (every option forwarded)."""
        self.calls += 1
        return super().generate(messages, **options)


def counted(backend: Backend | None) -> CallCounter:
    """Resolve ``backend`` and wrap it in a fresh :class:`CallCounter`."""
    resolved = resolve_backend(backend)
    if isinstance(resolved, CallCounter):
        return CallCounter(resolved.inner)
    return CallCounter(resolved)


def softmax(logps: Sequence[float]) -> list[float]:
    """Normalise log-likelihoods into probabilities (:func:`rung.lm.base.normalize_scores`,
    the one softmax), except that a prompt whose every option has likelihood zero counts as
    no preference (uniform) rather than an error: the ensemble then reads it as undecided.

    Examples
    --------
    >>> [round(p, 3) for p in softmax([0.0, 0.0, math.log(2.0)])]
    [0.25, 0.25, 0.5]
    >>> softmax([-math.inf, -math.inf])
    [0.5, 0.5]
    """
    if all(v == -math.inf for v in logps):
        return [1.0 / len(logps) for _ in logps]
    return normalize_scores(logps)


@dataclass(frozen=True)
class ScoredPrompt:
    """One scored prompt: options in presentation order and their normalised probabilities.

    ``group`` identifies the question independent of presentation order; ``order`` is
    ``"forward"`` or ``"reverse"``; ``contents`` says what each presented option means (the
    option itself, or the statement behind a letter). Position-bias statistics use these.
    """

    group: str
    order: str
    system: str
    prompt: str
    options: tuple[str, ...]
    probabilities: tuple[float, ...]
    contents: tuple[str, ...]

    @property
    def pick(self) -> str:
        """The content of the most probable presented option (ties: the earlier one)."""
        best = max(range(len(self.options)), key=lambda i: (self.probabilities[i], -i))
        return self.contents[best]

    def probability_of(self, content: str) -> float:
        """The probability of the option that means ``content``."""
        return self.probabilities[self.contents.index(content)]


def score_prompt(
    backend: Backend,
    *,
    system: str,
    prompt: str,
    options: Sequence[str],
    group: str,
    order: str,
    contents: Sequence[str] | None = None,
) -> ScoredPrompt:
    """Score ``options`` as continuations of one chat prompt and normalise them."""
    messages = (
        [Message("system", system), Message("user", prompt)]
        if system
        else [Message("user", prompt)]
    )
    logps = [float(v) for v in backend.score_options(messages, list(options))]
    if len(logps) != len(options):
        raise LMError(
            f"backend {backend.name!r} returned {len(logps)} scores for {len(options)} options"
        )
    bad = [v for v in logps if math.isnan(v) or v == math.inf]
    if bad:
        raise LMError(
            f"backend {backend.name!r} returned log-likelihoods {logps} (NaN or +inf) for "
            f"options {list(options)}: the model or server is broken; check it with `rung lm info`"
        )
    meaning = tuple(contents) if contents is not None else tuple(options)
    return ScoredPrompt(
        group, order, system, prompt, tuple(options), tuple(softmax(logps)), meaning
    )


def ask_variant(
    backend: Backend,
    v: Variant,
    text: str,
    fields: Mapping[str, str],
    options: Sequence[str],
    group: str,
) -> ScoredPrompt:
    """Score ``options``, shown in ``v``'s order, as answers to ``text`` filled with ``fields``.

    The first two shown options also fill the ``{first}`` and ``{second}`` placeholders, and
    the prompt goes out under ``v``'s persona.
    """
    shown = v.arrange(options)
    prompt = text.format(**fields, first=shown[0], second=shown[1])
    return score_prompt(
        backend, system=v.persona.system, prompt=prompt, options=shown, group=group, order=v.order
    )
