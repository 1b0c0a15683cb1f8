"""The backend contract every language-model backend of rung fulfils.

Higher layers (``rung.copilot``, ``rung.bench``) talk to models only through
:class:`Backend`: score whole option continuations, or generate text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

__all__ = ["Backend", "LMError", "Message", "Role", "normalize_scores"]

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    """One chat turn."""

    role: Role
    content: str


class LMError(RuntimeError):
    """A backend failed (server unreachable, model file missing, malformed answer...).

    The message names the setting to change.
    """


@runtime_checkable
class Backend(Protocol):
    """A language model that can score options and generate text.

    ``messages`` are rendered with the model's own chat template; the assistant turn is
    opened and ``prefix`` (text the assistant has already said) is appended before the
    option or the generation starts.
    """

    name: str  # backend kind: "embedded", "openai", "transformers", "scripted", ...
    model_id: str  # the model's identity (file name + hash, or served model name)

    def score_options(
        self, messages: Sequence[Message], options: Sequence[str], *, prefix: str = ""
    ) -> list[float]:
        """Log-likelihood of each whole option as the continuation (sum over its tokens)."""
        ...

    def generate(
        self,
        messages: Sequence[Message],
        *,
        prefix: str = "",
        max_tokens: int = 64,
        stop: Sequence[str] = (),
        temperature: float = 0.0,
    ) -> str:
        """Greedy (or sampled) continuation text, without the stop string.

        rung's own backends also accept ``regex: str | None``: the text must fully match it
        (constrained decoding where possible, else retries, then :class:`LMError`).
        """
        ...


def normalize_scores(scores: Sequence[float]) -> list[float]:
    """Softmax of log-likelihoods: the normalised probability of each option.

    Examples
    --------
    >>> [round(p, 4) for p in normalize_scores([math.log(1), math.log(3)])]
    [0.25, 0.75]
    """
    finite = [s for s in scores if s != -math.inf]
    if not finite:
        raise LMError("every option has zero likelihood; cannot normalise")
    peak = max(finite)
    weights = [math.exp(s - peak) if s != -math.inf else 0.0 for s in scores]
    total = sum(weights)
    return [w / total for w in weights]
