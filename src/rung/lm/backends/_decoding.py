"""Decoding shared by the backends: greedy/sampled token choice, stop strings,
regex-constrained greedy decoding (the ``regex`` package's partial matching tells whether a
text can still grow into a full match), the one token loop of the local backends
(:func:`decode_tokens`) and the regex retries of the remote ones (:func:`retry_until_match`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
import regex

from rung.lm.base import Generation, LMError

__all__ = [
    "RegexGuard",
    "TokenStream",
    "check_finished",
    "choose_token",
    "cut_at_stop",
    "decode_tokens",
    "log_softmax_at",
    "optional_guard",
    "retry_until_match",
    "split_options",
]

_TOP = 64  # candidates tried before scanning the whole vocabulary


def split_options(
    tokenize: Callable[[str], list[int]], prompt: str, options: Sequence[str]
) -> list[tuple[list[int], int]]:
    """Per option: the tokens of ``prompt + option`` and the index where its scored tokens
    start, the end of their longest common prefix with the prompt's own tokens (a token
    straddling the boundary counts with the option).

    Examples
    --------
    >>> split_options(lambda text: [ord(c) for c in text.replace("s y", "#")], "is", [" yes"])
    [([105, 35, 101, 115], 1)]
    """
    prompt_tokens = tokenize(prompt)
    out = []
    for option in options:
        joint = tokenize(prompt + option)
        start = 0
        while start < min(len(joint), len(prompt_tokens)) and joint[start] == prompt_tokens[start]:
            start += 1
        if start == 0:
            raise LMError("cannot score an option with an empty prompt: add a message")
        out.append((joint, start))
    return out


def log_softmax_at(row: np.ndarray, token: int) -> float:
    """``log softmax(row)[token]`` in float64."""
    x = row.astype(np.float64, copy=False)
    peak = float(x.max())
    return float(x[token] - peak - np.log(np.exp(x - peak).sum()))


class RegexGuard:
    """Which continuations keep the generated text a prefix of a full ``pattern`` match."""

    def __init__(self, pattern: str) -> None:
        try:
            self.compiled = regex.compile(pattern)
        except regex.error as exc:
            raise ValueError(f"gen regex {pattern!r} does not compile: {exc}") from None
        self.pattern = pattern

    def can_grow(self, text: str) -> bool:
        """True if ``text`` is a prefix of some full match."""
        return self.compiled.fullmatch(text, partial=True) is not None

    def is_complete(self, text: str) -> bool:
        """True if ``text`` fully matches."""
        return self.compiled.fullmatch(text) is not None


def optional_guard(pattern: str | None) -> RegexGuard | None:
    """A :class:`RegexGuard` for ``pattern``, or ``None`` when there is no pattern."""
    return RegexGuard(pattern) if pattern is not None else None


def check_finished(guard: RegexGuard | None, text: str, max_tokens: int) -> str:
    """``text`` cut off at ``max_tokens``; :class:`LMError` if it does not match ``guard``."""
    if guard is not None and not guard.is_complete(text):
        raise LMError(
            f"generation hit max_tokens={max_tokens} before matching regex "
            f"{guard.pattern!r} (got {text!r}): raise max_tokens"
        )
    return text


def choose_token(
    row: np.ndarray,
    *,
    temperature: float,
    rng: np.random.Generator,
    allowed: Callable[[int], bool] | None = None,
) -> int:
    """Greedy (``temperature == 0``) or sampled token from a logits row; with ``allowed``,
    the best (or sampled) token among those it accepts."""
    if temperature < 0:
        raise ValueError(f"temperature={temperature} must be >= 0")
    if temperature > 0:
        x = row.astype(np.float64) / temperature
        p = np.exp(x - x.max())
        order = rng.choice(len(p), size=min(_TOP, len(p)), replace=False, p=p / p.sum())
    else:
        order = np.argpartition(-row, _TOP)[:_TOP]
        order = order[np.argsort(-row[order], kind="stable")]
    if allowed is None:
        return int(order[0])
    for tok in order:
        if allowed(int(tok)):
            return int(tok)
    for tok in np.argsort(-row, kind="stable"):
        if allowed(int(tok)):
            return int(tok)
    raise LMError("no token can continue the constrained generation (regex unsatisfiable)")


def cut_at_stop(text: str, stop: Sequence[str]) -> tuple[str, bool]:
    """``text`` up to the first stop string, and whether one was found."""
    cuts = [i for i in (text.find(s) for s in stop if s) if i >= 0]
    if not cuts:
        return text, False
    return text[: min(cuts)], True


class TokenStream(Protocol):
    """The model side of one generation on a local backend (:func:`decode_tokens`)."""

    def prefill(self, tokens: list[int]) -> np.ndarray:
        """Run the prompt ``tokens``; the logits row after the last one."""
        ...

    def push(self, token: int) -> np.ndarray:
        """Feed one generated ``token``; the next logits row."""
        ...

    def text(self, made: list[int]) -> str:
        """The text of the tokens generated so far."""
        ...

    def grown(self, made: list[int], token: int) -> str | None:
        """The text of ``made`` + ``token``, or ``None`` when ``token`` adds no text."""
        ...

    def is_end(self, token: int) -> bool:
        """Whether ``token`` ends the assistant's turn."""
        ...


def decode_tokens(
    stream: TokenStream, prompt: list[int], call: Generation, rng: np.random.Generator
) -> str:
    """Greedy (or sampled) continuation of ``prompt``, cut before the first stop string and
    at the end of the turn; with ``call.regex`` each token is the best one that keeps the
    text a prefix of a full match, the end of turn is allowed only on a full match, and
    :class:`LMError` if ``max_tokens`` runs out first."""
    guard = optional_guard(call.regex)
    row = stream.prefill(prompt)
    made: list[int] = []
    for _ in range(call.max_tokens):
        allowed = None if guard is None else _regex_filter(stream, guard, made)
        tok = choose_token(row, temperature=call.temperature, rng=rng, allowed=allowed)
        if stream.is_end(tok):
            return stream.text(made)
        made.append(tok)
        text, stopped = cut_at_stop(stream.text(made), call.stop)
        if stopped:
            return text
        row = stream.push(tok)
    return check_finished(guard, stream.text(made), call.max_tokens)


def _regex_filter(
    stream: TokenStream, guard: RegexGuard, made: list[int]
) -> Callable[[int], bool]:
    """Which next tokens keep the generated text on its way to a full match of ``guard``."""

    def allowed(tok: int) -> bool:
        if stream.is_end(tok):
            return guard.is_complete(stream.text(made))
        after = stream.grown(made, tok)
        return after is not None and guard.can_grow(after)

    return allowed


def retry_until_match(
    sample: Callable[[float], str], call: Generation, attempts: int, model: str
) -> str:
    """The text ``sample(temperature)`` returns, cut at the stop strings; with
    ``call.regex``, asked again (warmer, 0.7 at least) up to ``attempts`` times until it
    fully matches, then :class:`LMError` (for backends that cannot constrain decoding).

    Examples
    --------
    >>> answers = iter(["maybe", "42"])
    >>> retry_until_match(lambda t: next(answers), Generation(regex="[0-9]+"), 3, "m")
    '42'
    """
    guard = optional_guard(call.regex)
    text = ""
    for attempt in range(attempts if guard else 1):
        temperature = call.temperature if attempt == 0 else max(call.temperature, 0.7)
        text = cut_at_stop(sample(temperature), call.stop)[0]
        if guard is None or guard.is_complete(text):
            return text
    raise LMError(f"{model} answered {text!r}, which does not match regex {call.regex!r}")
