"""What the local backends (embedded llama.cpp, transformers) share: the option split at
the tokenization boundary, and generation token by token from the full logits.

A local backend renders and tokenizes prompts, checks their length against its context and
opens a :class:`~rung.lm.backends._decoding.TokenStream` for one generation; this class turns
those into :meth:`split_options` and :meth:`generate`, written once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Unpack

import numpy as np

from rung.lm.backends._decoding import TokenStream, decode_tokens, split_options
from rung.lm.base import GenerateOptions, Generation, Message

__all__ = ["LocalBackend"]


class LocalBackend(ABC):
    """The shared half of a local backend; subclasses give the model-specific half."""

    _rng: np.random.Generator  # of sampled generation

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

    def split_options(self, prompt: str, options: Sequence[str]) -> list[tuple[list[int], int]]:
        """Per option: its joint tokens and the index where its scored tokens start."""
        return split_options(self.tokenize, prompt, options)

    def generate(self, messages: Sequence[Message], **options: Unpack[GenerateOptions]) -> str:
        """Greedy (or sampled) continuation, cut before the first stop string; with
        ``regex`` the text is constrained to be a full match of it."""
        call = Generation(**options)
        tokens = self.tokenize(self.render(messages, call.prefix))
        self._check_length(len(tokens) + 1)
        return decode_tokens(self._stream(), tokens, call, self._rng)
