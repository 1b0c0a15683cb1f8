"""An embedded backend that reuses the KV cache of a shared prompt prefix, exactly.

The ladder asks many prompts of one story: the two option orders of a direct answer differ
only in their last line ("Answer Yes or No." / "Answer No or Yes."), and every recipe step
is the story followed by one extraction question. The embedded backend
(:class:`rung.lm.backends.llamacpp.LlamaCppBackend`) decodes every prompt from an empty KV
cache, because llama.cpp's CPU kernels round differently for different batch shapes, so a
prompt decoded on top of a kept prefix (chunked differently) would score differently from
the same prompt decoded fresh. On two shared CPU cores prefilling the story dominates the
cost of an item (about 10 tokens a second for Qwen2.5-1.5B Q4_K_M, measured).

:class:`PrefixReuseBackend` keeps the reuse exact by making the chunking a function of the
prompt alone (content-defined chunking): a prompt is decoded in chunks that end after
every token containing a newline, after ``n_batch`` tokens without one, and at the prompt's
end. Only the last chunk asks for logits. A new prompt keeps the KV cells of the previous
prompt up to the last of its own chunk ends (before its final chunk) that lies inside the
token prefix the two share, and decodes the rest. Each chunk is then computed from the same
tokens on the same KV state as in a fresh decode, so the scores do not depend on what the
process evaluated before (tested bit-equal, ``tests/bench/test_ladder_lm.py``).

The chunking differs from the plain backend's (one ``n_batch`` decode), so its scores
differ from that backend's by llama.cpp's batch-shape rounding (see ``docs/lm.md``): the
model identity gets the suffix :data:`CHUNKING`, and the response cache keys its answers
apart from the plain backend's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from rung.lm.backends.llamacpp import LlamaCppBackend

__all__ = ["CHUNKING", "PrefixReuseBackend", "prefix_reuse_backend"]

CHUNKING = "newline-chunks"


class PrefixReuseBackend(LlamaCppBackend):
    """:class:`LlamaCppBackend` with exact reuse of a shared prompt prefix.

    Parameters
    ----------
    model_path : Path
        The GGUF file.
    **options
        Passed to :class:`LlamaCppBackend` (``n_threads``, ``n_batch``, ...).

    Attributes
    ----------
    decoded, reused : int
        Prompt tokens decoded, and prompt tokens whose KV cells were kept, so far.
    """

    def __init__(self, model_path: Path, **options: Any) -> None:
        super().__init__(model_path, **options)
        self.model_id = f"{self.model_path.name}#{CHUNKING}"
        self._canon: list[int] = []  # seq 0's tokens that were decoded in canonical chunks
        self._breaks: dict[int, bool] = {}
        self.decoded = 0
        self.reused = 0

    def _is_break(self, token: int) -> bool:
        if token not in self._breaks:
            self._breaks[token] = b"\n" in bytes(self._llm.detokenize([token], special=True))
        return self._breaks[token]

    def chunk_ends(self, tokens: list[int]) -> list[int]:
        """The end (exclusive) of each chunk of ``tokens``: after each token containing a
        newline, after ``n_batch`` tokens without one, and at the end."""
        ends: list[int] = []
        last = 0
        for i, tok in enumerate(tokens):
            if i + 1 - last == self.n_batch or self._is_break(tok):
                ends.append(i + 1)
                last = i + 1
        if not ends or ends[-1] != len(tokens):
            ends.append(len(tokens))
        return ends

    def _reset(self) -> None:
        super()._reset()
        self._canon = []

    def _keep(self, tokens: list[int], ends: list[int]) -> int:
        """How many leading tokens of ``tokens`` can keep the previous prompt's KV cells."""
        n = 0
        for x, y in zip(self._canon, tokens, strict=False):
            if x != y:
                break
            n += 1
        return max([0, *(e for e in ends[:-1] if e <= n)])

    def _prefill(self, tokens: list[int]) -> np.ndarray:
        """Decode ``tokens`` on sequence 0 in their canonical chunks, keeping the KV cells of
        the chunks shared with the previous prompt; logits after the last token."""
        ends = self.chunk_ends(tokens)
        keep = self._keep(tokens, ends)
        if keep == 0:
            self._reset()
        else:  # drop the previous prompt's tail (and any generated tokens) from every seq
            self._lib.llama_memory_seq_rm(self._ctx.memory, -1, keep, -1)
        start = keep
        for end in ends:
            if end <= keep:
                continue
            final = end == len(tokens)
            self._decode([(t, start + j, 0, final and start + j == end - 1)
                          for j, t in enumerate(tokens[start:end])])
            start = end
        self.reused += keep
        self.decoded += len(tokens) - keep
        self._seq0, self._canon = list(tokens), list(tokens)
        self._last_row = self._row(-1).copy()
        return self._last_row


def prefix_reuse_backend(spec: str | None = None, *, cache: bool = True) -> Any:
    """The embedded (or ``gguf:``) model of ``spec`` as a :class:`PrefixReuseBackend`,
    behind the response cache unless ``cache=False`` (settings as ``rung.lm.get_backend``).

    Raises
    ------
    ValueError
        ``spec`` is not a local GGUF model (``embedded``, ``tiny``, ``gguf:/path``).
    """
    from rung.lm.cache import CachedBackend, ResponseCache
    from rung.lm.models import resolve_model_path
    from rung.lm.settings import load_settings
    from rung.lm.spec import BackendKind, parse_spec

    settings = load_settings(spec)
    parsed = parse_spec(settings.spec)
    if parsed.kind is not BackendKind.EMBEDDED:
        raise ValueError(f"--reuse-prefix needs a local GGUF model (embedded, tiny, gguf:PATH), "
                         f"not {settings.spec!r}; drop --reuse-prefix for this model")
    path = resolve_model_path(parsed.model, settings.model_dir)
    backend = PrefixReuseBackend(path, n_threads=settings.threads)
    return CachedBackend(backend, ResponseCache(settings.cache_path)) if cache else backend
