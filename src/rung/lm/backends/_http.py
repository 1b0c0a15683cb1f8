"""HTTP transport of the OpenAI-compatible backend: bounded time, bounded retries, redacted
errors, and checked JSON.

Time bound
----------
Each attempt of a request is limited to ``timeout`` seconds of wall-clock time, the whole
response body included (a server that trickles one byte a second fails like one that never
answers; httpx's own timeouts only bound the gap between two bytes). Timeouts, connection
resets and HTTP 408/409/429/5xx are retried ``max_retries`` times, after a back-off of
``backoff · 2^k`` seconds (+10% jitter). A request therefore takes at most
:attr:`Transport.budget` ``= (max_retries + 1) · timeout + backoff · (2^max_retries − 1) · 1.1
+ 1`` seconds (the last second is slack for connecting and scheduling; 8.7 s for
``timeout=2`` and the defaults ``max_retries=2, backoff=0.5``), and the backend wraps every
whole call in that budget as well.

Every error message goes through :func:`rung.lm.redaction.redact` (via :class:`LMError`), so a
server that echoes the ``Authorization`` header or a URL password leaks nothing.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import httpx

from rung.lm.base import LMError, PromptTooLongError
from rung.lm.redaction import redact, register_secret, url_password

__all__ = ["HTTPRefused", "MalformedAnswer", "Transport", "first_choice"]

_SLACK = 1.0  # seconds for connecting and scheduling, on top of the attempts and waits
RETRY_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
_CONTEXT_WORDS = ("context", "too long", "maximum length", "max_tokens", "exceed")


class HTTPRefused(LMError):
    """The server answered with a non-retryable HTTP error (400, 404, 422, 501...)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class MalformedAnswer(LMError):
    """The server answered 200 with a body that is not the OpenAI shape rung needs."""


def _snippet(response: httpx.Response) -> str:
    text = " ".join(response.text[:200].split())
    return redact(text)


def _is_context_error(status: int, body: str) -> bool:
    low = body.lower()
    return status in (400, 413, 422) and "context" in low and any(w in low for w in _CONTEXT_WORDS)


class Transport:
    """POSTs JSON to an OpenAI-compatible API within a time budget (see module docstring)."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None,
        timeout: float,
        max_retries: int,
        backoff: float,
    ) -> None:
        if timeout <= 0 or max_retries < 0 or backoff < 0:
            raise ValueError(
                f"timeout={timeout} must be > 0, max_retries={max_retries} and "
                f"backoff={backoff} >= 0"
            )
        register_secret(api_key)
        register_secret(url_password(base_url))
        self._url = base_url.rstrip("/")  # may hold user-info: never shown, only used
        self.shown_url = redact(self._url)
        self._api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff

    @property
    def budget(self) -> float:
        """The most seconds one request (all its attempts and back-offs) may take."""
        waits = self.backoff * float(2**self.max_retries - 1) * 1.1
        return (self.max_retries + 1) * self.timeout + waits + _SLACK

    def client(self) -> httpx.AsyncClient:
        """A client for one call (its connection pool is closed with it)."""
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        return httpx.AsyncClient(base_url=self._url, headers=headers, timeout=self.timeout)

    async def post(
        self, client: httpx.AsyncClient, path: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        """The JSON object answered to ``POST path``; :class:`LMError` naming the setting."""
        where = f"{self.shown_url}{path}"
        problem = ""
        for attempt in range(self.max_retries + 1):
            try:
                async with asyncio.timeout(self.timeout):
                    response = await client.post(path, json=body)
            except (TimeoutError, httpx.TimeoutException):
                problem = (
                    f"no complete answer within timeout={self.timeout:g} s "
                    "(setting RUNG_LM_TIMEOUT)"
                )
            except (httpx.InvalidURL, httpx.UnsupportedProtocol, OverflowError) as exc:
                raise LMError(
                    f"the LM server URL {self.shown_url} is unusable ({type(exc).__name__}): "
                    "fix it (setting RUNG_LM / OPENAI_BASE_URL)"
                ) from None
            except httpx.TransportError as exc:
                if not isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
                    raise LMError(
                        f"cannot reach the LM server at {self.shown_url} "
                        f"({type(exc).__name__}): start it or fix the URL "
                        "(setting RUNG_LM / OPENAI_BASE_URL)"
                    ) from None
                problem = f"the connection broke ({type(exc).__name__})"
            else:
                if response.status_code < 400:
                    return _json_object(response, where)
                problem = f"HTTP {response.status_code}: {_snippet(response)}"
                if _is_context_error(response.status_code, response.text[:400]):
                    raise PromptTooLongError(
                        f"{where} refused the prompt as longer than the model's context "
                        f"({problem}); shorten the question or descriptions"
                    )
                if response.status_code not in RETRY_STATUS:
                    raise HTTPRefused(
                        f"{where} refused the request ({problem})", response.status_code
                    )
            if attempt < self.max_retries:
                await asyncio.sleep(self.backoff * 2**attempt * (1 + 0.1 * random.random()))
        raise LMError(f"{where} failed after {self.max_retries + 1} attempts: {problem}")


def _json_object(response: httpx.Response, where: str) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        raise MalformedAnswer(
            f"{where} answered HTTP {response.status_code} with a body that is not JSON "
            f"({_snippet(response)!r}): is it an OpenAI-compatible API? (setting RUNG_LM)"
        ) from None
    if not isinstance(data, dict):
        raise MalformedAnswer(
            f"{where} answered JSON that is not an object ({_snippet(response)!r}): "
            "is it an OpenAI-compatible API? (setting RUNG_LM)"
        )
    return data


def first_choice(data: dict[str, Any], where: str) -> dict[str, Any]:
    """``data["choices"][0]``, or :class:`MalformedAnswer` when it is missing, null or empty.

    Examples
    --------
    >>> first_choice({"choices": [{"text": "hi"}]}, "http://h/v1/completions")
    {'text': 'hi'}
    >>> first_choice({"choices": None}, "http://h/v1/completions")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.lm.backends._http.MalformedAnswer: http://h/v1/completions answered without choices...
    """
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        shown = redact(repr(choices))[:80]
        raise MalformedAnswer(
            f"{where} answered without choices (choices={shown}): the server is not "
            "OpenAI-compatible or failed; check it (setting RUNG_LM)"
        )
    return choices[0]
