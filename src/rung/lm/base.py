"""The backend contract every language-model backend of rung fulfils.

Higher layers (``rung.copilot``, ``rung.bench``) talk to models only through
:class:`Backend`: score whole option continuations, or generate text.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypedDict, Unpack, cast, runtime_checkable

from rung.lm.redaction import redact

__all__ = [
    "GENERATE_DEFAULTS",
    "Backend",
    "BackendWrapper",
    "GenerateOptions",
    "Generation",
    "LMError",
    "Message",
    "PromptTooLongError",
    "Role",
    "check_log_likelihoods",
    "normalize_scores",
]

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    """One chat turn."""

    role: Role
    content: str


class LMError(RuntimeError):
    """A backend failed (server unreachable, model file missing, malformed answer...).

    The message names the setting to change. It is passed through
    :func:`rung.lm.redaction.redact`, so no credential survives in it.

    Examples
    --------
    >>> str(LMError("cannot reach http://u:pw1234@host/v1"))
    'cannot reach http://***@host/v1'
    """

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))


class PromptTooLongError(ValueError):
    """A prompt longer than the model's context: bad input (exit 2 in the CLI), refused
    before any model work. The message names the prompt's length and the context size.

    Examples
    --------
    >>> raise PromptTooLongError.of(9000, 4096, "tokens", "x.gguf")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.lm.base.PromptTooLongError: the prompt is 9000 tokens long, more than the 4096-token...
    """

    @classmethod
    def of(cls, length: int, context: int, unit: str, model: str) -> PromptTooLongError:
        """The error for a prompt of ``length`` ``unit`` against a ``context``-token model."""
        return cls(
            f"the prompt is {length} {unit} long, more than the {context}-token context of "
            f"{redact(model)}; shorten the question or descriptions"
        )


class GenerateOptions(TypedDict, total=False):
    """The keyword arguments of :meth:`Backend.generate`, written once: wrappers forward
    ``**options: Unpack[GenerateOptions]`` instead of restating (and dropping) them."""

    prefix: str
    max_tokens: int
    stop: Sequence[str]
    temperature: float
    regex: str | None


@dataclass(frozen=True)
class Generation:
    """The keywords of one :meth:`Backend.generate` call, with the defaults filled in.

    A backend implements ``generate(messages, **options: Unpack[GenerateOptions])`` and
    reads ``Generation(**options)``, so the signature and its defaults are written here
    once (a test checks that the protocol's signature agrees).

    Examples
    --------
    >>> Generation(max_tokens=8)
    Generation(prefix='', max_tokens=8, stop=(), temperature=0.0, regex=None)
    """

    prefix: str = ""
    max_tokens: int = 64
    stop: Sequence[str] = ()
    temperature: float = 0.0
    regex: str | None = None


# The defaults of Backend.generate, as keywords.
GENERATE_DEFAULTS: GenerateOptions = cast(GenerateOptions, dataclasses.asdict(Generation()))


@runtime_checkable
class Backend(Protocol):
    """A language model that can score options and generate text.

    ``messages`` are rendered with the model's own chat template; the assistant turn is
    opened and ``prefix`` (text the assistant has already said) is appended before the
    option or the generation starts.
    """

    @property
    def name(self) -> str:
        """Backend kind: ``embedded``, ``openai``, ``transformers``, ``scripted``..."""
        ...

    @property
    def model_id(self) -> str:
        """The model's identity (file name, or ``model@url``), free of credentials."""
        ...

    def score_options(
        self, messages: Sequence[Message], options: Sequence[str], *, prefix: str = ""
    ) -> list[float]:
        """Log-likelihood of each whole option as the continuation (sum over its tokens)."""
        ...

    def generate(
        self,
        messages: Sequence[Message],
        *,
        prefix: str = "",
        max_tokens: int = 64,
        stop: Sequence[str] = (),
        temperature: float = 0.0,
        regex: str | None = None,
    ) -> str:
        """Greedy (or sampled) continuation text, without the stop string. With ``regex``
        the text must fully match it (constrained decoding where possible, else retries,
        then :class:`LMError`)."""
        ...


class BackendWrapper:
    """A backend around another one, ``inner``, that forwards every call to it.

    ``name`` and ``model_id`` are read from ``inner`` at every call, so an identity that
    changes (an HTTP backend that settled on approximate scoring) shows through. Wrappers
    (the co-pilot's call counter, the response cache) subclass it and override only the
    calls they change.

    Examples
    --------
    >>> from rung.lm.backends.scripted import ScriptedBackend
    >>> lm = BackendWrapper(ScriptedBackend(scores={"yes": -0.5}))
    >>> lm.name, isinstance(lm, Backend), lm.score_options([Message("user", "Q?")], ["yes"])
    ('scripted', True, [-0.5])
    """

    def __init__(self, inner: Backend) -> None:
        self.inner = inner

    @property
    def name(self) -> str:
        """The inner backend's kind."""
        return self.inner.name

    @property
    def model_id(self) -> str:
        """The inner backend's model identity, read live."""
        return self.inner.model_id

    def score_options(
        self, messages: Sequence[Message], options: Sequence[str], *, prefix: str = ""
    ) -> list[float]:
        """The inner backend's :meth:`Backend.score_options`."""
        return list(self.inner.score_options(messages, options, prefix=prefix))

    def generate(self, messages: Sequence[Message], **options: Unpack[GenerateOptions]) -> str:
        """The inner backend's ``generate``, with every option forwarded (``regex`` too)."""
        return self.inner.generate(messages, **options)


def check_log_likelihoods(
    scores: Sequence[float], options: Sequence[str], source: str
) -> list[float]:
    """``scores`` as floats, or :class:`LMError` if one is NaN, ``+inf`` or positive (a
    log-probability is at most 0; ``-inf``, probability zero, is allowed).

    Every backend's scores pass through here before they reach a program, the cache or a
    co-pilot answer, so a broken backend fails loudly instead of answering.

    Examples
    --------
    >>> check_log_likelihoods([-0.5, -math.inf], ["a", "b"], "demo")
    [-0.5, -inf]
    >>> check_log_likelihoods([math.nan, -1.0], ["a", "b"], "demo")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.lm.base.LMError: backend demo returned log-likelihood nan for option 'a' (...
    """
    if len(scores) != len(options):
        raise LMError(
            f"backend {source} returned {len(scores)} scores for {len(options)} options: "
            "the backend is broken (RUNG_LM)"
        )
    out = []
    for option, value in zip(options, scores, strict=True):
        number = float(value)
        if math.isnan(number) or number > 1e-4:
            raise LMError(
                f"backend {source} returned log-likelihood {number} for option {option!r} "
                "(a log-probability must be a number <= 0): the backend or its server is "
                "broken; check the model file or server (RUNG_LM)"
            )
        out.append(number)
    return out


def normalize_scores(scores: Sequence[float]) -> list[float]:
    """Softmax of log-likelihoods: the normalised probability of each option.

    Examples
    --------
    >>> [round(p, 4) for p in normalize_scores([math.log(1), math.log(3)])]
    [0.25, 0.75]
    """
    if any(math.isnan(s) or s == math.inf for s in scores):
        raise LMError(f"log-likelihoods {list(scores)} contain NaN or +inf; cannot normalise")
    finite = [s for s in scores if s != -math.inf]
    if not finite:
        raise LMError("every option has zero likelihood; cannot normalise")
    peak = max(finite)
    weights = [math.exp(s - peak) if s != -math.inf else 0.0 for s in scores]
    total = sum(weights)
    return [w / total for w in weights]
