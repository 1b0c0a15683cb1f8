"""Embedded backend: a GGUF model run on the CPU by llama-cpp-python.

Option scoring is exact: the option tokens are evaluated and each log-probability is read
from the full logits row (no top-k truncation). All options of a prompt share one KV cache:
the prompt is decoded once on sequence 0, copied (by reference, unified KV cache) to one
sequence per option, and every option continuation goes into the same batched decode.

Tokenization boundary: for each option the text ``prompt + option`` is tokenized jointly and
split at its longest common token prefix with ``prompt`` alone. The option's score is the
log-probability of the joint tokens after the split, given those before it. When a token
straddles the boundary (``"is" + " yes"`` merging a trailing space), the straddling token is
scored as part of the option, so every option of one prompt is scored from the same text.

Numerics: llama.cpp's CPU kernels round differently for different batch shapes. On SmolLM2
batched and naive scoring are bit-identical; on Qwen2.5 Q4_K_M they differ by up to ~0.6 nat
per multi-token option, as much as naive scoring decoded in other chunk sizes differs from
itself (measurements in ``docs/lm.md``). The model is loaded with llama.cpp's own model
object (no ``llama_cpp.Llama`` wrapper, whose extra context is not needed).

Determinism: because those kernels round by batch shape, a prompt decoded on top of a kept
prefix (chunked differently) scores differently from the same prompt decoded fresh. Every
call therefore starts from an empty KV cache (``llama_memory_clear``: cells and allocator
reset) and decodes its prompt in ``n_batch`` chunks from position 0, so a prompt's scores do
not depend on what this process evaluated before (tests: equal to 1e-9, in fact bit-equal,
against a fresh process).

Length: a prompt (with its longest option) longer than ``n_ctx`` tokens is refused before
any decoding with :class:`rung.lm.base.PromptTooLongError` (bad input, exit 2).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rung.lm.backends._decoding import log_softmax_at
from rung.lm.backends._local import LocalBackend
from rung.lm.base import LMError, Message, PromptTooLongError
from rung.lm.chat import CHATML, render_chat

__all__ = ["LlamaCppBackend"]


@dataclass
class _Row:
    """One token of a batched decode whose logits row scores ``next_token`` of ``option``."""

    option: int
    next_token: int


class LlamaCppBackend(LocalBackend):
    """A GGUF model run by llama.cpp.

    Parameters
    ----------
    model_path : Path
        The GGUF file.
    n_threads : int
        CPU threads (default 2).
    n_ctx : int
        KV-cache cells shared by the prompt and all option sequences.
    n_seq_max : int
        Parallel sequences (options scored in one decode = ``n_seq_max - 1``).
    repack : bool
        Let llama.cpp repack quantized weights for its faster CPU kernels (default). Those
        kernels round differently for different batch shapes, so on Q4_K models scores from
        differently shaped decodes agree only to ~0.1 nat (see ``docs/lm.md``); ``False``
        makes batched and naive scoring agree to float precision.
    name : str
        Backend kind reported in ``name`` (``embedded``).
    flash_attention : bool, optional
        Force llama.cpp's flash attention on or off; None (default) lets llama.cpp choose
        (on for these CPU models). llama-cpp-python's ``Llama`` (and so its server) turns it
        off, which moves log-probabilities by up to ~0.2 nat on SmolLM2.
    """

    def __init__(
        self,
        model_path: Path,
        *,
        n_threads: int = 2,
        n_ctx: int = 4096,
        n_batch: int = 512,
        n_seq_max: int = 16,
        repack: bool = True,
        name: str = "embedded",
        seed: int = 0,
        flash_attention: bool | None = None,
    ) -> None:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before llama.cpp loads
        import llama_cpp
        from llama_cpp import _internals

        self._lib = llama_cpp
        self.model_path = Path(model_path)
        self.name = name
        self.model_id = self.model_path.name
        self._source = f"embedded {self.model_id}"
        self.n_batch = n_batch
        self.n_seq_max = n_seq_max
        quiet = logging.getLogger("llama-cpp-python")  # llama.cpp's C log goes through it
        if quiet.level == logging.NOTSET:  # as llama_cpp.Llama(verbose=False) does
            quiet.setLevel(logging.ERROR)
        model_params = llama_cpp.llama_model_default_params()
        model_params.use_extra_bufts = repack
        try:
            self._llm: Any = _internals.LlamaModel(
                path_model=str(self.model_path), params=model_params, verbose=False
            )
        except (ValueError, RuntimeError) as exc:
            raise LMError(
                f"llama.cpp cannot load {self.model_path} ({exc}): delete it and run "
                "`rung lm setup`, or choose another model (RUNG_LM)"
            ) from exc
        params = llama_cpp.llama_context_default_params()
        params.n_ctx, params.n_batch, params.n_ubatch = n_ctx, n_batch, n_batch
        params.n_seq_max, params.kv_unified = n_seq_max, True
        params.n_threads = params.n_threads_batch = n_threads
        if flash_attention is not None:  # llama_flash_attn_type: -1 auto, 0 off, 1 on
            params.flash_attn_type = 1 if flash_attention else 0
        self._ctx: Any = _internals.LlamaContext(model=self._llm, params=params, verbose=False)
        self._batch: Any = _internals.LlamaBatch(
            n_tokens=n_batch, embd=0, n_seq_max=1, verbose=False
        )
        self._vocab = self._llm.vocab
        self._n_vocab = self._llm.n_vocab()
        meta = self._llm.metadata()
        self.chat_template: str = meta.get("tokenizer.chat_template") or CHATML
        self._bos_text = self._piece(self._llm.token_bos()) if self._llm.token_bos() >= 0 else ""
        self._eos_text = self._piece(self._llm.token_eos()) if self._llm.token_eos() >= 0 else ""
        self._seq0: list[int] = []  # tokens in the KV cache on sequence 0
        self._last_row: np.ndarray | None = None  # logits after the last token of _seq0
        self._rng = np.random.default_rng(seed)

    # -- text <-> tokens ---------------------------------------------------------------
    def _piece(self, token: int) -> str:
        return bytes(self._llm.detokenize([token], special=True)).decode("utf-8", "replace")

    def render(self, messages: Sequence[Message], prefix: str = "") -> str:
        """The prompt text: messages in the model's chat template, assistant turn opened."""
        text = render_chat(
            self.chat_template, messages, bos_token=self._bos_text, eos_token=self._eos_text
        )
        return text + prefix

    def tokenize(self, text: str) -> list[int]:
        """Tokens of ``text`` (special tokens parsed; BOS added once if the model wants it)."""
        tokens = list(self._llm.tokenize(text.encode("utf-8"), add_bos=True, special=True))
        bos = self._llm.token_bos()
        if len(tokens) > 1 and tokens[0] == bos and tokens[1] == bos:
            tokens = tokens[1:]
        return tokens

    # -- decoding ----------------------------------------------------------------------
    def _decode(self, entries: list[tuple[int, int, int, bool]]) -> None:
        """Decode one batch of ``(token, position, sequence, want_logits)`` entries."""
        batch = self._batch.batch
        batch.n_tokens = len(entries)
        for i, (tok, pos, seq, logits) in enumerate(entries):
            batch.token[i], batch.pos[i] = tok, pos
            batch.seq_id[i][0], batch.n_seq_id[i] = seq, 1
            batch.logits[i] = logits
        try:
            self._ctx.decode(self._batch)
        except RuntimeError as exc:
            raise LMError(
                f"llama.cpp decode failed ({exc}): the prompt and options may exceed the "
                f"context of {self._ctx.n_ctx()} tokens"
            ) from exc

    def _row(self, index: int) -> np.ndarray:
        ptr = self._ctx.get_logits_ith(index)
        return np.ctypeslib.as_array(ptr, shape=(self._n_vocab,))

    def _check_length(self, n_tokens: int) -> None:
        """:class:`PromptTooLongError` if ``n_tokens`` do not fit the context."""
        n_ctx = int(self._ctx.n_ctx())
        if n_tokens > n_ctx:
            raise PromptTooLongError.of(n_tokens, n_ctx, "tokens", self._source)

    def _reset(self) -> None:
        """Empty the KV cache (all sequences, allocator reset): the state of a fresh process."""
        self._ctx.kv_cache_clear()
        self._seq0, self._last_row = [], None

    def _prefill(self, tokens: list[int]) -> np.ndarray:
        """Decode ``tokens`` on sequence 0 of an emptied KV cache, in ``n_batch`` chunks from
        position 0 (never on top of an earlier call's state); logits after the last."""
        self._reset()
        for start in range(0, len(tokens), self.n_batch):
            chunk = tokens[start : start + self.n_batch]
            last = start + len(chunk) == len(tokens)
            entries = [(t, start + j, 0, last and j == len(chunk) - 1) for j, t in enumerate(chunk)]
            self._decode(entries)
            self._seq0 = tokens[: start + len(chunk)]
        self._last_row = self._row(-1).copy()
        return self._last_row

    def _push(self, token: int) -> np.ndarray:
        """Append one token to sequence 0 and return the next logits row."""
        self._decode([(token, len(self._seq0), 0, True)])
        self._seq0 = [*self._seq0, token]
        self._last_row = self._row(-1).copy()
        return self._last_row

    # -- scoring (score_options: LocalBackend) ------------------------------------------
    def _prefill_shared(self, tokens: list[int]) -> tuple[Callable[[int], float], None]:
        """The shared prompt on sequence 0 (the KV cache stays in the context)."""
        first_row = self._prefill(tokens)
        return lambda token: log_softmax_at(first_row, token), None

    def _score_rest(
        self, todo: list[int], splits: list[tuple[list[int], int]], shared: int, state: None,
        scores: list[float],
    ) -> None:
        """The options' continuations, ``n_seq_max - 1`` options per batched decode."""
        group = self.n_seq_max - 1
        for g in range(0, len(todo), group):
            self._score_group(todo[g : g + group], splits, shared, scores)

    def _score_group(
        self,
        group: list[int],
        splits: list[tuple[list[int], int]],
        shared: int,
        scores: list[float],
    ) -> None:
        mem = self._ctx.memory
        entries: list[tuple[int, int, int, bool]] = []
        rows: list[_Row | None] = []
        for seq, i in enumerate(group, start=1):
            self._lib.llama_memory_seq_rm(mem, seq, -1, -1)
            self._lib.llama_memory_seq_cp(mem, 0, seq, -1, -1)
            joint, start = splits[i]
            for pos in range(shared, len(joint) - 1):
                want = pos + 1 >= start
                entries.append((joint[pos], pos, seq, want))
                rows.append(_Row(i, joint[pos + 1]) if want else None)
        for b in range(0, len(entries), self.n_batch):
            self._decode(entries[b : b + self.n_batch])
            for j, row in enumerate(rows[b : b + self.n_batch]):
                if row is not None:
                    scores[row.option] += log_softmax_at(self._row(j), row.next_token)
        for seq in range(1, len(group) + 1):
            self._lib.llama_memory_seq_rm(mem, seq, -1, -1)

    def score_options_naive(
        self,
        messages: Sequence[Message],
        options: Sequence[str],
        *,
        prefix: str = "",
        step: int | None = None,
    ) -> list[float]:
        """Reference scoring: one fresh forward pass of ``prompt + option`` per option,
        decoded ``step`` tokens at a time (default ``n_batch``: one decode)."""
        step = self.n_batch if step is None else step
        if not 0 < step <= self.n_batch:
            raise ValueError(f"step={step} must be in 1..n_batch={self.n_batch}")
        scores = []
        for joint, start in self.split_options(self.render(messages, prefix), options):
            self._check_length(len(joint))
            self._reset()
            total = 0.0
            for b in range(0, len(joint), step):
                chunk = joint[b : b + step]
                self._decode([(t, b + j, 0, b + j + 1 >= start) for j, t in enumerate(chunk)])
                for j in range(len(chunk)):
                    if start <= b + j + 1 < len(joint):
                        total += log_softmax_at(self._row(j), joint[b + j + 1])
            scores.append(total)
        self._reset()
        return scores

    # -- generation --------------------------------------------------------------------
    def _stream(self) -> _Stream:
        return _Stream(self)

    def close(self) -> None:
        """Free the llama.cpp context and model (idempotent)."""
        self._batch.close()
        self._ctx.close()
        self._llm.close()
        self._seq0, self._last_row = [], None


class _Stream:
    """One generation on sequence 0 of a :class:`LlamaCppBackend`
    (a :class:`~rung.lm.backends._decoding.TokenStream`). The text is the UTF-8 decoding of
    the generated tokens' bytes, incomplete characters left out."""

    def __init__(self, backend: LlamaCppBackend) -> None:
        self.backend = backend
        self.made: list[int] = []
        self.out = b""  # the bytes of ``made``

    def prefill(self, tokens: list[int]) -> np.ndarray:
        return self.backend._prefill(tokens)

    def push(self, token: int) -> np.ndarray:
        return self.backend._push(token)

    def _piece(self, token: int) -> bytes:
        return bytes(self.backend._llm.detokenize([token]))

    def _bytes(self, made: list[int]) -> bytes:
        if made[: len(self.made)] != self.made:  # not a continuation: start again
            self.made, self.out = [], b""
        for token in made[len(self.made) :]:
            self.out += self._piece(token)
        self.made = list(made)
        return self.out

    def text(self, made: list[int]) -> str:
        return self._bytes(made).decode("utf-8", "ignore")

    def grown(self, made: list[int], token: int) -> str | None:
        piece = self._piece(token)
        return (self._bytes(made) + piece).decode("utf-8", "ignore") if piece else None

    def is_end(self, token: int) -> bool:
        return bool(self.backend._lib.llama_vocab_is_eog(self.backend._vocab, token))
