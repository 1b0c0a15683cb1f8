"""OpenAI-compatible HTTP backend (OpenAI, vLLM, llama.cpp's server, Ollama), on httpx.

Option scoring, best first:

* ``ECHO`` — exact. ``POST /completions`` with the rendered chat prompt plus the option,
  ``echo=true, logprobs=1, max_tokens=1``: the server returns the log-probability of every
  prompt token, and the option's score is the sum over the trailing tokens that spell it
  (a token straddling the boundary counts with the option, as in the embedded backend).
  The prompt is rendered on the client with ``chat_template`` (ChatML by default, the
  template of Qwen2.5 and SmolLM2): set it to the served model's template.
* ``PARSE`` — approximate, for chat-only APIs. The model is told to answer with one option
  verbatim; the answer is parsed (retried when malformed, then :class:`LMError`). The chosen
  option scores the sum of its token logprobs; other options score the logprob of their
  first token when it is among ``top_logprobs``, else ``-inf``.

``AUTO`` tries ``ECHO`` once and falls back to ``PARSE`` if the server refuses it.
Requests time out (``timeout``), 429/5xx and timeouts are retried with exponential
back-off, and :meth:`score_many` sends many prompts concurrently (bounded). The API key is
read from ``OPENAI_API_KEY``, sent only in the ``Authorization`` header, never stored in
``name``/``model_id`` (which the cache keys on) nor printed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import math
import os
import random
from collections.abc import Awaitable, Sequence
from enum import Enum
from typing import Any, TypeVar

import httpx

from rung.lm.backends._decoding import cut_at_stop, optional_guard
from rung.lm.base import LMError, Message
from rung.lm.chat import CHATML, render_chat

__all__ = ["OpenAIBackend", "ScoringMode"]

T = TypeVar("T")
_RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}


class ScoringMode(Enum):
    """How :meth:`OpenAIBackend.score_options` obtains option log-likelihoods."""

    AUTO = "auto"
    ECHO = "echo"
    PARSE = "parse"


def _run(coro: Awaitable[T]) -> T:
    """Run a coroutine from sync code, also when an event loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)  # type: ignore[arg-type]
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()  # type: ignore[arg-type]


class OpenAIBackend:
    """A model behind an OpenAI-compatible API.

    Parameters
    ----------
    base_url : str
        e.g. ``http://127.0.0.1:8000/v1`` or ``https://api.openai.com/v1``.
    model : str
        Served model name.
    api_key : str, optional
        Default: ``OPENAI_API_KEY`` (may be absent for local servers).
    timeout : float
        Seconds per request.
    max_retries : int
        Retries after a 429/5xx/timeout (exponential back-off from ``backoff`` seconds).
    concurrency : int
        Requests in flight at once in :meth:`score_many`.
    scoring : ScoringMode
        See the module docstring.
    chat_template : str
        Jinja template used to render prompts for ``ECHO`` scoring and completions.
    """

    name = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 3,
        backoff: float = 0.5,
        concurrency: int = 8,
        scoring: ScoringMode = ScoringMode.AUTO,
        chat_template: str = CHATML,
        parse_retries: int = 2,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.model_id = f"{model}@{self.base_url}"
        self._api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.concurrency = concurrency
        self.scoring = scoring
        self.chat_template = chat_template
        self.parse_retries = parse_retries

    def __repr__(self) -> str:  # never shows the key
        return f"OpenAIBackend(base_url={self.base_url!r}, model={self.model!r})"

    # -- transport ---------------------------------------------------------------------
    def _client(self) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        return httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=self.timeout)

    async def _post(self, client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> Any:
        """POST with retries on 429/5xx/timeouts; LMError naming the setting on failure."""
        for attempt in range(self.max_retries + 1):
            try:
                response = await client.post(path, json={"model": self.model, **body})
            except httpx.TimeoutException:
                problem = f"no answer within timeout={self.timeout:g} s (setting RUNG_LM_TIMEOUT)"
            except httpx.TransportError as exc:
                raise LMError(
                    f"cannot reach the LM server at {self.base_url} ({type(exc).__name__}): "
                    "start it or fix the URL (setting RUNG_LM / OPENAI_BASE_URL)"
                ) from None
            else:
                if response.status_code < 400:
                    return response.json()
                problem = f"HTTP {response.status_code}: {response.text[:200]}"
                if response.status_code not in _RETRY_STATUS:
                    raise LMError(f"{self.base_url}{path} refused the request ({problem})")
            if attempt < self.max_retries:
                await asyncio.sleep(self.backoff * 2**attempt * (1 + 0.1 * random.random()))
        raise LMError(
            f"{self.base_url}{path} failed after {self.max_retries + 1} attempts: {problem}"
        )

    # -- scoring -----------------------------------------------------------------------
    def score_options(
        self, messages: Sequence[Message], options: Sequence[str], *, prefix: str = ""
    ) -> list[float]:
        """Log-likelihood of each option (exact with ECHO, approximate with PARSE)."""
        return self.score_many([(messages, options, prefix)])[0]

    def score_many(
        self, requests: Sequence[tuple[Sequence[Message], Sequence[str], str]]
    ) -> list[list[float]]:
        """Score many ``(messages, options, prefix)`` prompts concurrently."""
        return _run(self._score_many(requests))

    async def _score_many(
        self, requests: Sequence[tuple[Sequence[Message], Sequence[str], str]]
    ) -> list[list[float]]:
        gate = asyncio.Semaphore(self.concurrency)
        async with self._client() as client:

            async def one(req: tuple[Sequence[Message], Sequence[str], str]) -> list[float]:
                async with gate:
                    return await self._score(client, *req)

            return list(await asyncio.gather(*(one(r) for r in requests)))

    async def _score(
        self, client: httpx.AsyncClient, messages: Sequence[Message], options: Sequence[str],
        prefix: str,
    ) -> list[float]:
        if self.scoring is not ScoringMode.PARSE:
            try:
                prompt = self._render(messages, prefix)
                return [await self._echo_score(client, prompt, o) for o in options]
            except LMError:
                if self.scoring is ScoringMode.ECHO:
                    raise
                self.scoring = ScoringMode.PARSE  # remember: this server cannot echo
        return await self._parse_score(client, messages, options, prefix)

    def _render(self, messages: Sequence[Message], prefix: str) -> str:
        return render_chat(self.chat_template, messages) + prefix

    async def _echo_score(self, client: httpx.AsyncClient, prompt: str, option: str) -> float:
        if not option:
            return 0.0
        body = {"prompt": prompt + option, "max_tokens": 1, "echo": True, "logprobs": 1}
        data = await self._post(client, "/completions", {**body, "temperature": 0.0})
        try:
            lp = data["choices"][0]["logprobs"]
            n_generated = int(data["usage"]["completion_tokens"])
            tokens, logprobs = lp["tokens"], lp["token_logprobs"]
        except (KeyError, IndexError, TypeError, ValueError):
            raise LMError(f"{self.base_url} gave no echoed logprobs") from None
        # the echoed prompt tokens come first, then the generated ones
        n_echoed = len(tokens) - n_generated
        tokens, logprobs = tokens[:n_echoed], logprobs[:n_echoed]
        total, spelled = 0.0, ""
        for tok, value in zip(reversed(tokens), reversed(logprobs), strict=True):
            if value is None:
                break
            total += float(value)
            spelled = tok + spelled
            if len(spelled) >= len(option):
                return total
        raise LMError(f"{self.base_url}: echoed tokens do not spell option {option!r}")

    async def _parse_score(
        self, client: httpx.AsyncClient, messages: Sequence[Message], options: Sequence[str],
        prefix: str,
    ) -> list[float]:
        listing = "\n".join(f"- {o}" for o in options)
        instruction = f"Answer with exactly one of these options, verbatim:\n{listing}"
        chat = [*self._payload(messages), {"role": "system", "content": instruction}]
        if prefix:
            chat.append({"role": "assistant", "content": prefix})
        for attempt in range(self.parse_retries + 1):
            body = {"messages": chat, "max_tokens": 32, "logprobs": True, "top_logprobs": 20}
            body["temperature"] = 0.0 if attempt == 0 else 0.7
            data = await self._post(client, "/chat/completions", body)
            text = str(data["choices"][0]["message"].get("content") or "")
            chosen = _match_option(text, options)
            if chosen is not None:
                return _parsed_scores(data["choices"][0].get("logprobs"), options, chosen)
        raise LMError(
            f"{self.model} answered {text!r}, none of {list(options)}, after "
            f"{self.parse_retries + 1} attempts"
        )

    @staticmethod
    def _payload(messages: Sequence[Message]) -> list[dict[str, str]]:
        return [{"role": m.role, "content": m.content} for m in messages]

    # -- generation --------------------------------------------------------------------
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
        """Generated text; with ``regex``, retried (warmer) until it fully matches."""
        guard = optional_guard(regex)
        for attempt in range(self.parse_retries + 1 if guard else 1):
            temp = temperature if attempt == 0 else max(temperature, 0.7)
            text = _run(self._generate(messages, prefix, max_tokens, list(stop), temp))
            text = cut_at_stop(text, stop)[0]
            if guard is None or guard.is_complete(text):
                return text
        raise LMError(f"{self.model} answered {text!r}, which does not match regex {regex!r}")

    async def _generate(
        self, messages: Sequence[Message], prefix: str, max_tokens: int, stop: list[str],
        temperature: float,
    ) -> str:
        body: dict[str, Any] = {"max_tokens": max_tokens, "temperature": temperature}
        if stop:
            body["stop"] = stop
        async with self._client() as client:
            if self.scoring is not ScoringMode.PARSE:
                body["prompt"] = self._render(messages, prefix)
                data = await self._post(client, "/completions", body)
                return str(data["choices"][0]["text"])
            chat = self._payload(messages)
            if prefix:
                chat.append({"role": "assistant", "content": prefix})
            data = await self._post(client, "/chat/completions", {**body, "messages": chat})
            return str(data["choices"][0]["message"].get("content") or "")


def _norm(text: str) -> str:
    return " ".join(text.strip().strip(".!\"'`-*: \n").split()).casefold()


def _match_option(text: str, options: Sequence[str]) -> str | None:
    """The option the answer names (exact after trimming case/punctuation), else None."""
    answer = _norm(text)
    hits = [o for o in options if _norm(o) == answer]
    if not hits:
        hits = [o for o in options if answer.startswith(_norm(o))]
    return max(hits, key=len) if hits else None


def _parsed_scores(logprobs: Any, options: Sequence[str], chosen: str) -> list[float]:
    content = (logprobs or {}).get("content") or []
    if not content:
        return [0.0 if o == chosen else -math.inf for o in options]
    chosen_score = sum(float(t["logprob"]) for t in content)
    first = {alt["token"]: float(alt["logprob"]) for alt in content[0].get("top_logprobs", [])}
    scores = []
    for option in options:
        if option == chosen:
            scores.append(chosen_score)
            continue
        starts = [lp for tok, lp in first.items() if tok.strip() and option.startswith(tok.strip())]
        scores.append(max(starts) if starts else -math.inf)
    return scores
