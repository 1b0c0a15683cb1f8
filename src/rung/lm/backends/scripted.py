"""``ScriptedBackend`` — a TEST DOUBLE, not a model.

It returns log-likelihoods and texts programmed by the test, so that higher layers (the
co-pilot's aggregation, benchmark metrics) can be checked by exact arithmetic. It never
stands in for a model on a user-facing path; ``get_backend("scripted")`` exists only so that
CLI plumbing can be exercised without model files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Unpack

from rung.lm.base import GenerateOptions, Generation, LMError, Message

__all__ = ["ScriptedBackend"]

ScoreRule = Callable[[Sequence[Message], str, str], float | None]


@dataclass
class ScriptedBackend:
    """Programmed answers, matched on the last user message (or any message) text.

    Parameters
    ----------
    scores : mapping of option text -> log-likelihood
        Used for an option when no ``rule`` answers; options missing here score ``default``.
    texts : mapping of substring -> generated text
        ``generate`` returns the text of the first key found in the prompt.
    rule : callable ``(messages, prefix, option) -> float | None``, optional
        Computes a log-likelihood from the full prompt; ``None`` falls back to ``scores``.
    default : float
        Log-likelihood of unlisted options.

    Examples
    --------
    >>> from rung.lm.base import Message
    >>> b = ScriptedBackend(scores={"yes": -0.1, "no": -2.3})
    >>> b.score_options([Message("user", "Does X cause Y?")], ["yes", "no"])
    [-0.1, -2.3]
    >>> b.calls
    1
    """

    scores: Mapping[str, float] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    rule: ScoreRule | None = None
    default: float = -10.0
    name: str = "scripted"
    model_id: str = "scripted"
    calls: int = 0

    def score_options(
        self, messages: Sequence[Message], options: Sequence[str], *, prefix: str = ""
    ) -> list[float]:
        """Programmed log-likelihood of each option."""
        self.calls += 1
        out = []
        for option in options:
            value = self.rule(messages, prefix, option) if self.rule is not None else None
            out.append(float(value) if value is not None else self.scores.get(option, self.default))
        return out

    def generate(self, messages: Sequence[Message], **options: Unpack[GenerateOptions]) -> str:
        """The programmed text of the first ``texts`` key found in the prompt."""
        self.calls += 1
        prompt = "\n".join(m.content for m in messages) + Generation(**options).prefix
        for key, text in self.texts.items():
            if key in prompt:
                return text
        raise LMError(f"ScriptedBackend has no text for this prompt: {prompt[-80:]!r}")
