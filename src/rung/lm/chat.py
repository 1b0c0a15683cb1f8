"""Render chat messages with a model's own Jinja chat template."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from rung.lm.base import LMError, Message

__all__ = ["CHATML", "render_chat"]

# The ChatML template (used by Qwen2.5 and SmolLM2); the fallback for servers whose own
# template cannot be fetched.
CHATML = (
    "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\n' + m['content'] + "
    "'<|im_end|>\n' }}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def _raise(message: str) -> None:
    raise LMError(f"chat template refused the messages: {message}")


@lru_cache(maxsize=8)
def _compile(template: str) -> Any:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = _raise
    return env.from_string(template)


def render_chat(
    template: str, messages: Sequence[Message], *, bos_token: str = "", eos_token: str = ""
) -> str:
    """Render ``messages`` and open the assistant turn (``add_generation_prompt=True``).

    Examples
    --------
    >>> render_chat(CHATML, [Message("user", "Hi")])
    '<|im_start|>user\\nHi<|im_end|>\\n<|im_start|>assistant\\n'
    """
    payload = [{"role": m.role, "content": m.content} for m in messages]
    return str(
        _compile(template).render(
            messages=payload,
            add_generation_prompt=True,
            bos_token=bos_token,
            eos_token=eos_token,
        )
    )
