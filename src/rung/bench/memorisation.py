"""The memorisation test (Kiciman et al. 2023): show the start of a dataset row, ask the
model to continue it, and count the rows whose continuation it reproduces.

A high share means the benchmark (or its source) may be in the model's training data, so
its score may be recall rather than reasoning.
"""

from __future__ import annotations

import re
from typing import Any

from rung.bench.probes import load_probe_data
from rung.lm.base import Backend, Message

__all__ = ["ask_memorisation", "first_line", "reproduced"]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def reproduced(generated: str, expected: str, match_words: int) -> bool:
    """Whether ``generated`` starts with the first ``match_words`` words of ``expected``
    (case and punctuation ignored).

    Examples
    --------
    >>> reproduced(" Temperature, R, 1", " Temperature", 4)
    True
    >>> reproduced("Pressure", "Temperature", 4)
    False
    """
    want = _words(expected)[:match_words]
    if not want:
        raise ValueError(f"expected continuation {expected!r} has no words to compare")
    return _words(generated)[: len(want)] == want


def first_line(text: str) -> str:
    r"""The first line of ``text`` that is not blank (leading spaces kept), or "".

    Examples
    --------
    >>> first_line("\n\n The chest stayed shut.\nNext row")
    ' The chest stayed shut.'
    """
    return next((line for line in text.splitlines() if line.strip()), "")


def ask_memorisation(backend: Backend, prefix: str, expected: str) -> dict[str, Any]:
    """Ask ``backend`` to continue ``prefix``; the ledger record of the attempt."""
    cfg = load_probe_data("memorisation")
    instruction = " ".join(str(cfg["instruction"]).split())
    messages = [Message("user", f"{instruction}\n\n{prefix}")]
    # No newline stop: a row cut after a question mark is often continued on a new line,
    # and stopping at that first newline returned an empty continuation (scored as "not
    # reproduced" without the model having tried). Keep the first non-empty line instead.
    raw = backend.generate(messages, prefix=prefix, max_tokens=int(cfg["max_tokens"]))
    text = first_line(raw)
    hit = reproduced(text, expected, int(cfg["match_words"]))
    return {"answer": text, "expected": expected, "correct": hit, "calls": 1,
            "probabilities": {}}
