"""Parse a backend spec string (``RUNG_LM``) into a typed :class:`BackendSpec`.

Accepted forms
--------------
``embedded``                      the default embedded model (Qwen2.5-Coder-1.5B-Instruct)
``tiny``                          the tiny embedded model (SmolLM2-135M-Instruct)
``gguf:/path/model.gguf``         any local GGUF file run by llama.cpp
``openai:MODEL``                  an OpenAI-compatible API at the configured base URL
``http(s)://HOST/v1|MODEL``       an OpenAI-compatible server at that URL
``transformers:/path``            a local Hugging Face checkpoint
``scripted``                      the test double (:mod:`rung.lm.backends.scripted`)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["BackendKind", "BackendSpec", "SpecError", "parse_spec"]


class SpecError(ValueError):
    """A backend spec that rung cannot parse."""


class BackendKind(Enum):
    """Which backend family a spec selects."""

    EMBEDDED = "embedded"
    OPENAI = "openai"
    TRANSFORMERS = "transformers"
    SCRIPTED = "scripted"


@dataclass(frozen=True)
class BackendSpec:
    """A parsed backend spec.

    ``model`` is the embedded model name (``default``/``tiny``) or a GGUF path for
    ``EMBEDDED``; the served model name for ``OPENAI``; a directory for ``TRANSFORMERS``.
    ``base_url`` is set for ``OPENAI`` specs that name a URL.
    """

    kind: BackendKind
    model: str
    base_url: str | None = None


_HELP = (
    "use 'embedded', 'tiny', 'gguf:/path.gguf', 'openai:MODEL', "
    "'http://HOST:PORT/v1|MODEL' or 'transformers:/path'"
)


def parse_spec(spec: str) -> BackendSpec:
    """Parse ``spec``.

    Examples
    --------
    >>> parse_spec("tiny")
    BackendSpec(kind=<BackendKind.EMBEDDED: 'embedded'>, model='tiny', base_url=None)
    >>> parse_spec("http://127.0.0.1:8000/v1|qwen").base_url
    'http://127.0.0.1:8000/v1'
    >>> parse_spec("openai:gpt-4o").model
    'gpt-4o'
    """
    text = spec.strip()
    if text in ("embedded", "default"):
        return BackendSpec(BackendKind.EMBEDDED, "default")
    if text == "tiny":
        return BackendSpec(BackendKind.EMBEDDED, "tiny")
    if text == "scripted":
        return BackendSpec(BackendKind.SCRIPTED, "scripted")
    if text.startswith(("http://", "https://")):
        url, sep, model = text.partition("|")
        if not sep or not model.strip():
            raise SpecError(f"backend spec {spec!r} names no model: write '{url}|MODEL'")
        return BackendSpec(BackendKind.OPENAI, model.strip(), url.rstrip("/"))
    head, sep, rest = text.partition(":")
    if sep and rest.strip():
        kinds = {
            "gguf": BackendKind.EMBEDDED,
            "openai": BackendKind.OPENAI,
            "transformers": BackendKind.TRANSFORMERS,
        }
        if head in kinds:
            return BackendSpec(kinds[head], rest.strip())
    raise SpecError(f"unknown backend spec {spec!r}: {_HELP} (setting RUNG_LM)")
