"""Token choice shared by the local backends: greedy/sampled choice, stop strings, and
regex-constrained greedy decoding (the ``regex`` package's partial matching tells whether a
text can still grow into a full match)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import regex

from rung.lm.base import LMError

__all__ = [
    "RegexGuard",
    "check_finished",
    "choose_token",
    "cut_at_stop",
    "log_softmax_at",
    "optional_guard",
]

_TOP = 64  # candidates tried before scanning the whole vocabulary


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
