"""Reading an option's log-likelihood out of an echoed ``/completions`` answer.

The request is ``prompt + option`` with ``echo=true, logprobs=1, max_tokens=1``. Servers
disagree on what they list, so the listing is read from its text, never from ``usage``:

* OpenAI, vLLM, and llama-cpp-python's server when the prompt starts with the model's BOS
  token (SmolLM2's ChatML ``<|im_start|>``): the prompt's tokens, then the generated token
  (``usage.completion_tokens`` of them; an end-of-turn token may be listed with empty text).
* llama-cpp-python's server 0.3.36 when the prompt does **not** start with the BOS token
  (Qwen2.5, whose BOS is ``<|endoftext|>``; any model whose template adds no BOS): the
  prompt's tokens only, although it reports ``completion_tokens: 1``, and each listed
  log-probability is read from the logits row *after* its token, i.e. it is the
  probability of the token repeating itself, not of the token. rung used to subtract the
  reported count, dropped the option's own token, and every option scored the same text
  (exactly 1/k each). Those numbers cannot be repaired on the client: such a listing is
  recognised (a generated token is reported but not listed) and refused with
  :class:`EchoUnsupported`, never turned into an answer.

:class:`EchoLayout` remembers per server which kind it is, once an answer that generated a
token has shown it.
"""

from __future__ import annotations

from typing import Any

from rung.lm.base import LMError

__all__ = ["EchoLayout", "EchoUnsupported", "echoed_option_logprob"]


class EchoUnsupported(LMError):
    """The server's answer has no usable echoed prompt logprobs."""


class EchoLayout:
    """What one server lists after an echoed prompt: ``aligned`` is True (the generated
    token follows the prompt's), False (llama-cpp-python's misaligned listing) or None."""

    def __init__(self) -> None:
        self.aligned: bool | None = None

    def observe(self, generated_listed: bool, reported: Any) -> None:
        """Learn from one answer that reported ``reported`` generated tokens."""
        if isinstance(reported, int) and not isinstance(reported, bool) and reported >= 1:
            self.aligned = generated_listed


_MISALIGNED = (
    "lists the echoed prompt's tokens without the generated one and with shifted "
    "log-probabilities (llama-cpp-python's server does this when the prompt does not start "
    "with the model's BOS token), so it cannot score options exactly; use a chat template "
    "that starts with the BOS token, another server, or approximate scoring "
    "(ScoringMode.PARSE)"
)


def _listing(choice: dict[str, Any], where: str) -> tuple[list[str], list[Any]]:
    lp = choice.get("logprobs")
    tokens = lp.get("tokens") if isinstance(lp, dict) else None
    values = lp.get("token_logprobs") if isinstance(lp, dict) else None
    if (
        not isinstance(tokens, list)
        or not isinstance(values, list)
        or len(tokens) != len(values)
        or not tokens
        or not all(isinstance(t, str) for t in tokens)
    ):
        raise EchoUnsupported(
            f"{where} gave no echoed prompt logprobs (echo=true, logprobs=1): the server "
            "cannot score options exactly"
        )
    return tokens, values


def _generated_count(
    tokens: list[str], option: str, gen_text: str | None, reported: Any
) -> int | None:
    """How many trailing listed tokens were generated (0 or 1), None if neither reading
    spells the option. A tie (the option's last token equals the generated text) goes to
    what the server reported."""
    fits0 = "".join(tokens).endswith(option)
    fits1 = len(tokens) > 1 and "".join(tokens[:-1]).endswith(option)
    if fits1 and gen_text is not None and gen_text != tokens[-1]:
        fits1 = False  # the last token is not the generated text
    if fits0 != fits1:
        return 0 if fits0 else 1
    if not fits0:
        return None
    return 1 if isinstance(reported, int) and reported >= 1 else 0


def _option_sum(tokens: list[str], values: list[Any], option: str, where: str) -> float:
    """Sum of the trailing logprobs whose tokens spell ``option`` (a straddling token
    included, as in the embedded backend)."""
    total, spelled = 0.0, ""
    for tok, value in zip(reversed(tokens), reversed(values), strict=True):
        if value is None or isinstance(value, bool) or not isinstance(value, int | float):
            raise EchoUnsupported(
                f"{where} gave logprob {value!r} for echoed token {tok!r} of option "
                f"{option!r}: cannot score it (is the prompt empty?)"
            )
        total += float(value)
        spelled = tok + spelled
        if len(spelled) >= len(option):
            break
    return total


def echoed_option_logprob(
    choice: dict[str, Any], prompt: str, option: str, where: str, layout: EchoLayout,
    reported: Any = None,
) -> float:
    """Log-likelihood of ``option`` after ``prompt`` from one echoed ``choice``.

    ``reported`` is ``usage.completion_tokens``; ``layout`` learns the server's listing.

    Examples
    --------
    >>> listed = {"text": "Q: yes!", "logprobs": {"tokens": ["Q", ":", " yes", "!"],
    ...           "token_logprobs": [None, -1.0, -0.5, -2.0]}}
    >>> echoed_option_logprob(listed, "Q:", " yes", "demo", EchoLayout(), reported=1)
    -0.5
    >>> prompt_only = {"text": "Q: yes!", "logprobs": {"tokens": ["Q", ":", " yes"],
    ...                "token_logprobs": [None, -1.0, -0.5]}}
    >>> echoed_option_logprob(prompt_only, "Q:", " yes", "demo", EchoLayout(), reported=1)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.lm.backends._echo.EchoUnsupported: demo lists the echoed prompt's tokens without...
    """
    tokens, values = _listing(choice, where)
    sent = prompt + option
    text = choice.get("text")
    gen_text = text[len(sent):] if isinstance(text, str) and text.startswith(sent) else None
    stripped = 0
    while len(tokens) > 1 and tokens[-1] == "":  # an empty (end-of-turn) token: generated
        tokens, values, stripped = tokens[:-1], values[:-1], stripped + 1
        gen_text = None if gen_text is None else ""
    count = _generated_count(tokens, option, gen_text, reported)
    if count is None:
        raise EchoUnsupported(f"{where}: the echoed tokens do not spell option {option!r}")
    layout.observe(stripped + count >= 1, reported)
    if layout.aligned is False:
        raise EchoUnsupported(f"{where} {_MISALIGNED}")
    end = len(tokens) - count
    return _option_sum(tokens[:end], values[:end], option, where)
