"""Transformers backend: a local Hugging Face checkpoint, loaded only from local files.

Option scoring is exact, from the full logits: the prompt (the tokens every option shares) is
run once and its ``past_key_values`` are repeated across a batch that holds every option's
continuation, right-padded; the option's score is the sum of its tokens' log-probabilities.
The tokenization boundary is handled as in the embedded backend: ``prompt + option`` is
tokenized jointly and split at its longest common token prefix with the prompt alone.

Prompts use the tokenizer's own chat template when it has one, else a plain transcript
(``User: ...``) for base models. Generation is greedy (or sampled) token by token on the KV
cache, cut before the first stop string; ``regex`` constrains it like the other backends.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rung.lm.backends._local import LocalBackend
from rung.lm.base import LMError, Message, PromptTooLongError
from rung.lm.chat import render_chat

__all__ = ["PLAIN_TEMPLATE", "TransformersBackend"]

# The transcript used when the tokenizer has no chat template (base models).
PLAIN_TEMPLATE = (
    "{% for m in messages %}{{ m['role'] | capitalize }}: {{ m['content'] }}\n\n{% endfor %}"
    "{% if add_generation_prompt %}Assistant:{% endif %}"
)


class TransformersBackend(LocalBackend):
    """A local Hugging Face causal LM (``transformers:/path``), on the CPU.

    Parameters
    ----------
    path : Path
        Checkpoint directory (``config.json``, weights, tokenizer files).
    n_threads : int, optional
        ``torch.set_num_threads`` while this backend computes (default: unchanged).
    seed : int
        Seed of sampled generation.
    """

    name = "transformers"

    def __init__(self, path: Path, *, n_threads: int | None = None, seed: int = 0) -> None:
        self.path = Path(path)
        if not (self.path / "config.json").is_file():
            raise LMError(
                f"no Hugging Face checkpoint at {self.path} (config.json missing): "
                "point RUNG_LM=transformers:/path at a local model directory"
            )
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as exc:
            raise LMError(
                f"the transformers backend needs torch and transformers ({exc}): "
                "install rung's `transformers` extra"
            ) from None
        self._torch = torch
        try:
            self.tokenizer: Any = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
            self.model: Any = AutoModelForCausalLM.from_pretrained(
                self.path, local_files_only=True
            )
        except (OSError, ValueError) as exc:
            raise LMError(f"transformers cannot load {self.path} ({exc})") from exc
        self.model.train(False)  # inference mode: no dropout
        # transformers 5.24 renamed forward's ``past_key_values`` to ``cache``
        forward = inspect.signature(self.model.forward).parameters
        self._cache_arg = "cache" if "cache" in forward else "past_key_values"
        self.model_id = f"{self.path.name}@{self.path}"
        self._source = f"transformers {self.path}"
        self.n_threads = n_threads
        self.chat_template: str | None = getattr(self.tokenizer, "chat_template", None)
        self._rng = np.random.default_rng(seed)

    # -- text <-> tokens ---------------------------------------------------------------
    def render(self, messages: Sequence[Message], prefix: str = "") -> str:
        """The prompt text: the chat template (or plain transcript), assistant turn opened."""
        tok = self.tokenizer
        text = render_chat(
            self.chat_template or PLAIN_TEMPLATE,
            messages,
            bos_token=tok.bos_token or "",
            eos_token=tok.eos_token or "",
        )
        return text + prefix

    def tokenize(self, text: str) -> list[int]:
        """Tokens of ``text``; special tokens are added only when no chat template wrote them."""
        specials = self.chat_template is None
        return list(self.tokenizer(text, add_special_tokens=specials)["input_ids"])

    def _check_length(self, n_tokens: int) -> None:
        """:class:`PromptTooLongError` if ``n_tokens`` exceed the model's positions."""
        n_ctx = getattr(self.model.config, "max_position_embeddings", None)
        if isinstance(n_ctx, int) and n_tokens > n_ctx:
            raise PromptTooLongError.of(n_tokens, n_ctx, "tokens", self._source)

    # -- forward passes ----------------------------------------------------------------
    def _forward(self, ids: Any, past: Any = None, mask: Any = None) -> Any:
        torch = self._torch
        threads = torch.get_num_threads()
        if self.n_threads:
            torch.set_num_threads(self.n_threads)
        try:
            with torch.inference_mode():
                kwargs = {self._cache_arg: past, "attention_mask": mask, "use_cache": True}
                return self.model(input_ids=ids, **kwargs)
        finally:
            torch.set_num_threads(threads)

    @staticmethod
    def _past(out: Any) -> Any:
        """The KV cache of a forward output (``cache`` or, before 5.24, ``past_key_values``)."""
        cache = getattr(out, "cache", None)
        return cache if cache is not None else out.past_key_values

    def _log_probs(self, logits: Any) -> Any:
        return self._torch.log_softmax(logits.double(), dim=-1)  # (..., vocab) float64

    # -- scoring (score_options: LocalBackend) ------------------------------------------
    def _prefill_shared(self, tokens: list[int]) -> tuple[Callable[[int], float], Any]:
        """One forward of the shared prompt: next-token log-probabilities and its cache."""
        out = self._forward(self._torch.tensor([tokens]))
        first = self._log_probs(out.logits[0, -1])  # (vocab,)
        return lambda token: float(first[token]), self._past(out)

    def _score_rest(
        self, todo: list[int], splits: list[tuple[list[int], int]], shared: int, past: Any,
        scores: list[float],
    ) -> None:
        """One batched forward of every option's continuation on the repeated prompt cache."""
        torch = self._torch
        tails = [splits[i][0][shared:] for i in todo]
        width = max(len(t) for t in tails)
        pad = self.tokenizer.pad_token_id or 0
        ids = torch.full((len(todo), width), pad, dtype=torch.long)  # (K, width)
        mask = torch.zeros((len(todo), shared + width), dtype=torch.long)  # (K, prompt+width)
        mask[:, :shared] = 1
        for row, tail in enumerate(tails):
            ids[row, : len(tail)] = torch.tensor(tail)
            mask[row, shared : shared + len(tail)] = 1
        past.batch_repeat_interleave(len(todo))
        logp = self._log_probs(self._forward(ids, past, mask).logits)  # (K, width, vocab)
        for row, i in enumerate(todo):
            joint, start = splits[i]
            for pos in range(shared, len(joint) - 1):  # logits at pos score token pos + 1
                if pos + 1 >= start:
                    scores[i] += float(logp[row, pos - shared, joint[pos + 1]])

    def score_options_naive(
        self, messages: Sequence[Message], options: Sequence[str], *, prefix: str = ""
    ) -> list[float]:
        """Reference scoring: one fresh forward pass of ``prompt + option`` per option."""
        torch = self._torch
        scores = []
        for joint, start in self.split_options(self.render(messages, prefix), options):
            logp = self._log_probs(self._forward(torch.tensor([joint])).logits[0])
            scores.append(sum(float(logp[k - 1, joint[k]]) for k in range(start, len(joint))))
        return scores

    # -- generation --------------------------------------------------------------------
    def _stream(self) -> _Stream:
        return _Stream(self)

    def _text(self, tokens: list[int]) -> str:
        return str(self.tokenizer.decode(tokens, skip_special_tokens=True))

    def _is_end(self, token: int) -> bool:
        """End of turn: the tokenizer's EOS or any of the generation config's EOS ids."""
        config_eos = getattr(self.model.generation_config, "eos_token_id", None)
        ends = config_eos if isinstance(config_eos, list) else [config_eos]
        return token in {self.tokenizer.eos_token_id, *ends} - {None}

    def close(self) -> None:
        """Drop the model (freed when unreferenced)."""
        self.model = None


class _Stream:
    """One generation on the KV cache of a :class:`TransformersBackend`
    (a :class:`~rung.lm.backends._decoding.TokenStream`)."""

    def __init__(self, backend: TransformersBackend) -> None:
        self.backend = backend
        self.past: Any = None

    def _step(self, ids: list[list[int]]) -> np.ndarray:
        out = self.backend._forward(self.backend._torch.tensor(ids), self.past)
        self.past = self.backend._past(out)
        return np.asarray(out.logits[0, -1].double().numpy())

    def prefill(self, tokens: list[int]) -> np.ndarray:
        return self._step([tokens])

    def push(self, token: int) -> np.ndarray:
        return self._step([[token]])

    def text(self, made: list[int]) -> str:
        return self.backend._text(made)

    def grown(self, made: list[int], token: int) -> str | None:
        after = self.backend._text([*made, token])
        return after if after != self.backend._text(made) else None

    def is_end(self, token: int) -> bool:
        return self.backend._is_end(token)
