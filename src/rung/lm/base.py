"""The backend contract every language-model backend of rung fulfils.

Higher layers (``rung.copilot``, ``rung.bench``) talk to models only through
:class:`Backend`: score whole option continuations, or generate text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

__all__ = ["Backend", "LMError", "Message", "Role"]

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
        """Greedy (or sampled) continuation text, without the stop string."""
        ...
