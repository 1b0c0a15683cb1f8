"""Credential redaction: the one function through which every text that rung stores or
prints about a language-model backend passes.

What it removes
---------------
* the user-info part of URLs: ``http://user:SECRET@host/v1`` → ``http://***@host/v1``;
* ``Authorization`` header values and ``Bearer``/``Basic`` tokens (a server that echoes the
  request headers in an error body must not leak the key);
* secret-looking query parameters (``?api_key=...``, ``key``, ``token``, ``access_token``);
* every known secret, verbatim and URL-encoded: the value of ``OPENAI_API_KEY``, and the keys
  and URL passwords that backends register with :func:`register_secret` when they are built.

Backend identities (``model_id``), backend specs recorded by callers, cache rows, ``repr``
and every :class:`rung.lm.base.LMError` message go through :func:`redact`.
"""

from __future__ import annotations

import os
import re
import threading
from urllib.parse import quote, unquote, urlsplit

__all__ = ["MASK", "redact", "register_secret", "url_password"]

MASK = "***"
_MIN_SECRET = 4  # shorter values are not treated as secrets (they would mask ordinary text)
_SECRETS: set[str] = set()
_LOCK = threading.Lock()

_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@]+@")
_AUTH_HEADER = re.compile(
    r"(?i)(\bauthorization\b[\"']?\s*[:=]\s*[\"']?)(?:(bearer|basic|token)\s+)?[^\s\"',;}]+"
)
_TOKEN = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/\-]+=*")
_QUERY = re.compile(r"(?i)([?&](?:api[_-]?key|key|token|access_token|auth)=)[^&\s'\"#]+")


def register_secret(value: str | None) -> None:
    """Remember ``value`` as a secret of this process, so :func:`redact` masks it anywhere.

    Examples
    --------
    >>> register_secret("sk-doc-canary-1")
    >>> redact("server said: sk-doc-canary-1")
    'server said: ***'
    """
    if value and len(value) >= _MIN_SECRET:
        with _LOCK:
            _SECRETS.update({value, quote(value, safe=""), unquote(value)})


def url_password(url: str) -> str | None:
    """The password (or lone user token) in the user-info part of ``url``, if any.

    Examples
    --------
    >>> url_password("http://user:pw99@127.0.0.1:8000/v1")
    'pw99'
    >>> url_password("http://127.0.0.1:8000/v1") is None
    True
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.password:
        return unquote(parts.password)
    return unquote(parts.username) if parts.username else None


def _known_secrets() -> list[str]:
    with _LOCK:
        found = set(_SECRETS)
    env = os.environ.get("OPENAI_API_KEY")
    if env and len(env) >= _MIN_SECRET:
        found.update({env, quote(env, safe="")})
    return sorted((s for s in found if len(s) >= _MIN_SECRET), key=len, reverse=True)


def redact(text: str) -> str:
    """``text`` with URL user-info, authorization values, secret query parameters and every
    known secret replaced by ``***``.

    Examples
    --------
    >>> redact("http://user:SECRET@127.0.0.1:8000/v1|qwen")
    'http://***@127.0.0.1:8000/v1|qwen'
    >>> redact('{"authorization": "Bearer sk-abc123"}')
    '{"authorization": "***"}'
    >>> redact("GET /v1?api_key=abc123&x=1")
    'GET /v1?api_key=***&x=1'
    >>> redact("nothing secret here")
    'nothing secret here'
    """
    out = str(text)
    for secret in _known_secrets():
        out = out.replace(secret, MASK)
    out = _USERINFO.sub(lambda m: f"{m.group(1)}{MASK}@", out)
    out = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{MASK}", out)
    out = _TOKEN.sub(lambda m: f"{m.group(1)} {MASK}", out)
    return _QUERY.sub(lambda m: f"{m.group(1)}{MASK}", out)
