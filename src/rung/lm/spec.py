"""Parse a backend spec string (``RUNG_LM``) into a typed :class:`BackendSpec`.

Accepted forms
--------------
``embedded``                      the default embedded model (Qwen2.5-Coder-1.5B-Instruct)
``tiny``                          the tiny embedded model (SmolLM2-135M-Instruct)
``gguf:/path/model.gguf``         any local GGUF file run by llama.cpp
``openai:MODEL``                  an OpenAI-compatible API at the configured base URL
``http(s)://HOST/v1|MODEL``       an OpenAI-compatible server at that URL
``http://H1/v1,http://H2/v1|MODEL`` a pool of servers of one model (:mod:`rung.lm.pool`):
                                  comma-separated base URLs, then ``|MODEL`` (only a comma
                                  before ``SCHEME://`` separates two URLs)
``transformers:/path``            a local Hugging Face checkpoint
``scripted``                      the test double (:mod:`rung.lm.backends.scripted`)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

from rung.lm.redaction import redact, register_secret, url_password

__all__ = [
    "SPEC_HELP", "BackendKind", "BackendSpec", "SpecError", "check_base_url", "is_endpoint_list",
    "parse_endpoints", "parse_spec",
]


_NEXT_URL = re.compile(r"(?i),\s*(?=[a-z][a-z0-9+.\-]*://)")  # a comma before the next URL


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
    ``base_url`` is set for ``OPENAI`` specs that name a URL; ``endpoints`` holds every URL
    of a pool spec (two or more; ``base_url`` is the first), else it is empty.
    """

    kind: BackendKind
    model: str
    base_url: str | None = None
    endpoints: tuple[str, ...] = ()

    @property
    def is_pool(self) -> bool:
        """Whether the spec names a pool of endpoints (:mod:`rung.lm.pool`)."""
        return len(self.endpoints) > 1

    def __repr__(self) -> str:  # the URL's user-info (a password) never shows
        url = None if self.base_url is None else redact(self.base_url)
        pool = f", endpoints={[redact(u) for u in self.endpoints]!r}" if self.is_pool else ""
        return (f"BackendSpec(kind={self.kind!r}, model={self.model!r}, base_url={url!r}"
                f"{pool})")

    def describe(self) -> str:
        """The spec as text with credentials masked: what run records and ``--json`` show.

        Examples
        --------
        >>> parse_spec("http://me:pw-123@127.0.0.1:8000/v1|qwen").describe()
        'http://***@127.0.0.1:8000/v1|qwen'
        >>> parse_spec("tiny").describe()
        'tiny'
        >>> parse_spec("http://127.0.0.1:1/v1,http://k:pw-7@127.0.0.1:2/v1|m").describe()
        'http://127.0.0.1:1/v1,http://***@127.0.0.1:2/v1|m'
        """
        if self.is_pool:
            return redact(",".join(self.endpoints) + f"|{self.model}")
        if self.kind is BackendKind.OPENAI and self.base_url is not None:
            return redact(f"{self.base_url}|{self.model}")
        if self.kind is BackendKind.EMBEDDED and self.model in ("default", "tiny"):
            return "embedded" if self.model == "default" else "tiny"
        prefix = {BackendKind.EMBEDDED: "gguf", BackendKind.OPENAI: "openai"}
        head = prefix.get(self.kind, self.kind.value)
        return self.model if self.kind is BackendKind.SCRIPTED else redact(f"{head}:{self.model}")


SPEC_HELP = (
    "use 'embedded', 'tiny', 'gguf:/path.gguf', 'openai:MODEL', "
    "'http://HOST:PORT/v1|MODEL', 'http://H1:P/v1,http://H2:P/v1|MODEL' (a pool) or "
    "'transformers:/path'"
)


def check_base_url(url: str, setting: str) -> str:
    """``url`` without a trailing ``/`` if it is a usable ``http(s)`` URL, else
    :class:`SpecError` naming the (redacted) value, what is wrong and ``setting``.

    Examples
    --------
    >>> check_base_url("http://127.0.0.1:8000/v1/", "RUNG_LM")
    'http://127.0.0.1:8000/v1'
    >>> check_base_url("http://127.0.0.1:99999999/v1", "RUNG_LM")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.lm.spec.SpecError: server URL 'http://127.0.0.1:99999999/v1' has port 99999999...
    """
    register_secret(url_password(url))  # first, so that every message below masks it
    shown = redact(url)
    fix = f"write it as http://HOST:PORT/v1 (setting {setting})"
    if any(c.isspace() or not c.isprintable() for c in url):
        raise SpecError(f"server URL {shown!r} contains spaces or control characters; {fix}")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        netloc = url.partition("://")[2].partition("/")[0]
        raw = netloc.rpartition("@")[2].rpartition(":")[2]
        if raw.isdigit() and not 0 < int(raw) < 65536:
            raise SpecError(
                f"server URL {shown!r} has port {raw}, outside 1..65535; {fix}"
            ) from None
        raise SpecError(f"server URL {shown!r} is malformed ({exc}); {fix}") from None
    if parts.scheme not in ("http", "https"):
        raise SpecError(f"server URL {shown!r} is not http(s); {fix}")
    if not parts.hostname:
        raise SpecError(f"server URL {shown!r} names no host; {fix}")
    if port is not None and not 0 < port < 65536:
        raise SpecError(f"server URL {shown!r} has port {port}, outside 1..65535; {fix}")
    try:
        import httpx

        httpx.URL(url)
    except (httpx.InvalidURL, ValueError, OverflowError) as exc:
        raise SpecError(f"server URL {shown!r} is malformed ({redact(str(exc))}); {fix}") from None
    return url.rstrip("/")


def is_endpoint_list(text: str) -> bool:
    """Whether ``text`` lists several URLs (a comma followed by ``SCHEME://``, or a
    trailing comma); a comma elsewhere, as in a URL password, does not split.

    Examples
    --------
    >>> is_endpoint_list("http://a:1/v1,http://b:1/v1"), is_endpoint_list("http://u:p,w@a/v1")
    (True, False)
    """
    return bool(_NEXT_URL.search(text)) or text.rstrip().endswith(",")


def parse_endpoints(text: str, setting: str) -> tuple[str, ...]:
    """The checked base URLs of a comma-separated pool list: at least two, no repeats.

    Examples
    --------
    >>> parse_endpoints("http://127.0.0.1:1/v1,http://127.0.0.1:2/v1", "RUNG_LM")
    ('http://127.0.0.1:1/v1', 'http://127.0.0.1:2/v1')
    >>> parse_endpoints("http://127.0.0.1:1/v1,", "RUNG_LM")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.lm.spec.SpecError: endpoint list 'http://127.0.0.1:1/v1,' has an empty entry...
    """
    parts = [p.strip() for p in _NEXT_URL.split(text.strip())]
    if any(not p or p.endswith(",") for p in parts):
        raise SpecError(redact(
            f"endpoint list {text!r} has an empty entry; write 'http://H1:P/v1,http://H2:P/v1"
            f"|MODEL' (setting {setting})"))
    urls = tuple(check_base_url(p, setting) for p in parts)
    if len(set(urls)) != len(urls):
        raise SpecError(redact(
            f"endpoint list {text!r} names an endpoint twice; list each server once "
            f"(setting {setting})"))
    return urls


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
    >>> parse_spec("http://127.0.0.1:1/v1, http://127.0.0.1:2/v1/|qwen").endpoints
    ('http://127.0.0.1:1/v1', 'http://127.0.0.1:2/v1')
    >>> parse_spec("http://u:pw-123@h:1/v1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.lm.spec.SpecError: backend spec 'http://***@h:1/v1' names no model: ...
    """
    text = spec.strip()
    if text in ("embedded", "default"):
        return BackendSpec(BackendKind.EMBEDDED, "default")
    if text == "tiny":
        return BackendSpec(BackendKind.EMBEDDED, "tiny")
    if text == "scripted":
        return BackendSpec(BackendKind.SCRIPTED, "scripted")
    if text.startswith(("http://", "https://")):
        url, sep, model = text.rpartition("|")  # a URL password may hold "|"
        if not sep or not model.strip():
            url = url if sep else text
            raise SpecError(redact(f"backend spec {spec!r} names no model: write '{url}|MODEL'"))
        if is_endpoint_list(url):
            urls = parse_endpoints(url, "RUNG_LM")
            return BackendSpec(BackendKind.OPENAI, model.strip(), urls[0], urls)
        return BackendSpec(BackendKind.OPENAI, model.strip(), check_base_url(url, "RUNG_LM"))
    head, sep, rest = text.partition(":")
    if sep and rest.strip():
        kinds = {
            "gguf": BackendKind.EMBEDDED,
            "openai": BackendKind.OPENAI,
            "transformers": BackendKind.TRANSFORMERS,
        }
        if head in kinds:
            return BackendSpec(kinds[head], rest.strip())
    raise SpecError(redact(f"unknown backend spec {spec!r}: {SPEC_HELP} (setting RUNG_LM)"))
