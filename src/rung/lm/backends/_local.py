"""What the local backends (embedded llama.cpp, transformers) share: the option split at
the tokenization boundary, option scoring on a shared prompt, and generation token by token
from the full logits.

A local backend renders and tokenizes prompts, checks their length against its context, runs
the shared prompt and scores the options' further tokens on its KV cache, and opens a
:class:`~rung.lm.backends._decoding.TokenStream` for one generation; this class turns those
into :meth:`split_options`, :meth:`score_options` and :meth:`generate`, written once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, Unpack

import numpy as np

from rung.lm.backends._decoding import TokenStream, decode_tokens, split_options
from rung.lm.base import GenerateOptions, Generation, Message, check_log_likelihoods

__all__ = ["LocalBackend"]


class LocalBackend(ABC):
    """The shared half of a local backend; subclasses give the model-specific half."""

    _rng: np.random.Generator  # of sampled generation
    _source: str  # the backend as its errors name it, e.g. "embedded model.gguf"

    @abstractmethod
    def render(self, messages: Sequence[Message], prefix: str = "") -> str:
        """The prompt text: messages in the model's chat template, assistant turn opened."""

    @abstractmethod
    def tokenize(self, text: str) -> list[int]:
        """The tokens of ``text``."""

    @abstractmethod
    def _check_length(self, n_tokens: int) -> None:
        """:class:`~rung.lm.base.PromptTooLongError` if ``n_tokens`` do not fit the model."""

    @abstractmethod
    def _stream(self) -> TokenStream:
        """A fresh token stream for one generation."""

    @abstractmethod
    def _prefill_shared(self, tokens: list[int]) -> tuple[Callable[[int], float], Any]:
        """Run the prompt tokens every option shares on a fresh cache: the log-probability of
        each next token after them, and the state :meth:`_score_rest` continues from (a KV
        cache, or None where the backend holds it)."""

    @abstractmethod
    def _score_rest(
        self, todo: list[int], splits: list[tuple[list[int], int]], shared: int, state: Any,
        scores: list[float],
    ) -> None:
        """Add to ``scores[i]``, for each option ``i`` in ``todo``, the log-probabilities of
        its scored tokens after position ``shared``, on the shared prompt's ``state``."""

    def split_options(self, prompt: str, options: Sequence[str]) -> list[tuple[list[int], int]]:
        """Per option: its joint tokens and the index where its scored tokens start."""
        return split_options(self.tokenize, prompt, options)

    def score_options(
        self, messages: Sequence[Message], options: Sequence[str], *, prefix: str = ""
    ) -> list[float]:
        """Log-likelihood of each whole option, all options sharing the prompt's KV cache: the
        shared tokens are run once, the first scored token of each option that starts right
        after them is read from that run, and the further tokens from :meth:`_score_rest`."""
        splits = self.split_options(self.render(messages, prefix), options)
        shared = min(start for _, start in splits)
        self._check_length(max(len(joint) for joint, _ in splits))
        first, state = self._prefill_shared(splits[0][0][:shared])
        scores = [0.0] * len(options)
        for i, (joint, start) in enumerate(splits):
            if start == shared and len(joint) > shared:
                scores[i] += first(joint[shared])
        todo = [i for i, (joint, _) in enumerate(splits) if len(joint) > shared + 1]
        if todo:
            self._score_rest(todo, splits, shared, state, scores)
        return check_log_likelihoods(scores, options, self._source)

    def generate(self, messages: Sequence[Message], **options: Unpack[GenerateOptions]) -> str:
        """Greedy (or sampled) continuation, cut before the first stop string; with
        ``regex`` the text is constrained to be a full match of it."""
        call = Generation(**options)
        tokens = self.tokenize(self.render(messages, call.prefix))
        self._check_length(len(tokens) + 1)
        return decode_tokens(self._stream(), tokens, call, self._rng)
