"""OpenAI-compatible HTTP backend (OpenAI, vLLM, llama.cpp's server, Ollama), on httpx.

Option scoring, best first:

* ``ECHO`` — exact. ``POST /completions`` with the rendered chat prompt plus the option,
  ``echo=true, logprobs=1, max_tokens=1``: the server returns the log-probability of every
  prompt token, and the option's score is the sum over the trailing tokens that spell it
  (a token straddling the boundary counts with the option, as in the embedded backend).
  Which echoed tokens are the prompt's and which were generated is read from the answer
  itself (:mod:`rung.lm.backends._echo`), not from ``usage.completion_tokens``;
  llama-cpp-python's server lists misaligned log-probabilities for prompts that do not
  start with the model's BOS token, which is recognised and refused (checked once per
  server with a probe of the prompt alone when no answer has shown the listing yet).
  The prompt is rendered on the client with ``chat_template`` (ChatML by default, the
  template of Qwen2.5 and SmolLM2): set it to the served model's template. The options of
  one prompt are sent at once.
* ``PARSE`` — approximate, for chat-only APIs. The model is told to answer with one option
  verbatim; the answer is parsed (retried when malformed, then :class:`LMError`). The chosen
  option scores the sum of its token logprobs; other options score the logprob of their
  first token when it is among ``top_logprobs``, else ``-inf``.

``AUTO`` decides once, at the first scoring call: ECHO, unless the server refuses it (an HTTP
4xx answer, or no echoed logprobs). Only then does it switch to PARSE, for the rest of the
process; the switch is logged (logger ``rung.lm``, WARNING) and shows in :attr:`model_id`
(``...#parse``), which the cache keys on and the co-pilot's answers record. A timeout, a
stall, a dropped connection or a 5xx never switches the method: the call fails with
:class:`LMError` and the next call tries ECHO again. Once an ECHO call has succeeded, the
backend never switches.

Time: every call is bounded, see :mod:`rung.lm.backends._http` (per attempt ``timeout``
seconds, body included; ``max_retries`` retries; one call at most :attr:`call_budget`
seconds). Scores are checked (:func:`rung.lm.base.check_log_likelihoods`): NaN or positive
log-probabilities from a server are an :class:`LMError`, never an answer.

Credentials: the API key is read from ``OPENAI_API_KEY`` and sent only in the
``Authorization`` header; a password in the URL (``http://user:KEY@host/v1``) is used for the
connection only. Neither appears in ``base_url``, ``model_id``, ``repr``, the cache or any
error message (:func:`rung.lm.redaction.redact`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import math
import os
from collections.abc import Awaitable, Sequence
from enum import Enum
from typing import Any, TypeVar, Unpack

import httpx

from rung.lm.backends._decoding import retry_until_match
from rung.lm.backends._echo import EchoLayout, EchoUnsupported, echoed_option_logprob
from rung.lm.backends._http import HTTPRefused, MalformedAnswer, Transport, first_choice
from rung.lm.base import GenerateOptions, Generation, LMError, Message, check_log_likelihoods
from rung.lm.chat import CHATML, render_chat

__all__ = ["OpenAIBackend", "ScoringMode"]

T = TypeVar("T")
_LOG = logging.getLogger("rung.lm")


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
        Seconds one attempt of one request may take, whole answer included.
    max_retries : int
        Retries after a 408/409/429/5xx, a timeout or a dropped connection (exponential
        back-off from ``backoff`` seconds).
    concurrency : int
        Prompts in flight at once in :meth:`score_many`.
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
        max_retries: int = 2,
        backoff: float = 0.5,
        concurrency: int = 8,
        scoring: ScoringMode = ScoringMode.AUTO,
        chat_template: str = CHATML,
        parse_retries: int = 2,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        self._http = Transport(
            base_url, api_key=key, timeout=timeout, max_retries=max_retries, backoff=backoff
        )
        self.base_url = self._http.shown_url  # redacted: no user-info
        self.model = model
        self.concurrency = concurrency
        self.scoring = scoring
        self.chat_template = chat_template
        self.parse_retries = parse_retries
        self._settled: ScoringMode | None = None if scoring is ScoringMode.AUTO else scoring
        self._layout = EchoLayout()  # what this server lists after an echoed prompt

    @property
    def model_id(self) -> str:
        """``model@base_url`` (redacted), with ``#parse`` once scoring is approximate."""
        suffix = "#parse" if self._settled is ScoringMode.PARSE else ""
        return f"{self.model}@{self.base_url}{suffix}"

    @property
    def scoring_used(self) -> ScoringMode | None:
        """The method scoring uses: ECHO or PARSE, or None while AUTO has not decided."""
        return self._settled

    @property
    def timeout(self) -> float:
        """Seconds per attempt (setting ``RUNG_LM_TIMEOUT``)."""
        return self._http.timeout

    @property
    def call_budget(self) -> float:
        """The most seconds one call (one prompt, every option and retry) may take."""
        return self._http.budget

    def __repr__(self) -> str:  # never shows the key
        return f"OpenAIBackend(base_url={self.base_url!r}, model={self.model!r})"

    async def _bounded(self, coro: Awaitable[T]) -> T:
        """``coro`` within :attr:`call_budget` seconds, else :class:`LMError`."""
        try:
            async with asyncio.timeout(self.call_budget):
                return await coro
        except TimeoutError:
            raise LMError(
                f"{self.base_url} gave no complete answer within {self.call_budget:.1f} s "
                f"(timeout={self.timeout:g} s per attempt, setting RUNG_LM_TIMEOUT, "
                f"× {self._http.max_retries + 1} attempts + back-off)"
            ) from None

    # -- scoring -----------------------------------------------------------------------
    def score_options(
        self, messages: Sequence[Message], options: Sequence[str], *, prefix: str = ""
    ) -> list[float]:
        """Log-likelihood of each option (exact with ECHO, approximate with PARSE)."""
        return self.score_many([(messages, options, prefix)])[0]

    def score_many(
        self, requests: Sequence[tuple[Sequence[Message], Sequence[str], str]]
    ) -> list[list[float]]:
        """Score many ``(messages, options, prefix)`` prompts concurrently; each prompt is
        bounded by :attr:`call_budget` from the moment it is sent."""
        return _run(self._score_many(requests))

    async def _score_many(
        self, requests: Sequence[tuple[Sequence[Message], Sequence[str], str]]
    ) -> list[list[float]]:
        gate = asyncio.Semaphore(self.concurrency)
        async with self._http.client() as client:

            async def one(req: tuple[Sequence[Message], Sequence[str], str]) -> list[float]:
                async with gate:
                    scores = await self._bounded(self._score(client, *req))
                return check_log_likelihoods(scores, req[1], f"{self.model}@{self.base_url}")

            return list(await asyncio.gather(*(one(r) for r in requests)))

    async def _score(
        self, client: httpx.AsyncClient, messages: Sequence[Message], options: Sequence[str],
        prefix: str,
    ) -> list[float]:
        if self._settled is ScoringMode.PARSE:
            return await self._parse_score(client, messages, options, prefix)
        prompt = self._render(messages, prefix)
        try:
            scores = await asyncio.gather(*(self._echo_score(client, prompt, o) for o in options))
            if self._layout.aligned is None:  # no answer has shown the listing yet
                await self._echo_score(client, prompt[:-1], prompt[-1:])
        except (HTTPRefused, EchoUnsupported) as exc:
            if self._settled is ScoringMode.ECHO:
                raise  # explicit ECHO, or AUTO after an ECHO success: never switch
            self._fall_back(exc)
            return await self._parse_score(client, messages, options, prefix)
        self._settled = ScoringMode.ECHO
        return list(scores)

    def _fall_back(self, reason: LMError) -> None:
        """AUTO found a server that refuses echo scoring: PARSE from now on, said aloud."""
        self._settled = ScoringMode.PARSE
        _LOG.warning(
            "rung.lm: %s cannot score by echo (%s); option scores are APPROXIMATE from now "
            "on (PARSE scoring, model id %s)", self.base_url, reason, self.model_id,
        )

    def _render(self, messages: Sequence[Message], prefix: str) -> str:
        return render_chat(self.chat_template, messages) + prefix

    async def _echo_score(self, client: httpx.AsyncClient, prompt: str, option: str) -> float:
        if not option:
            return 0.0
        body = {"model": self.model, "prompt": prompt + option, "max_tokens": 1, "echo": True}
        body.update(logprobs=1, temperature=0.0)
        where = f"{self.base_url}/completions"
        data = await self._http.post(client, "/completions", body)
        usage = data.get("usage")
        reported = usage.get("completion_tokens") if isinstance(usage, dict) else None
        choice = first_choice(data, where)
        return echoed_option_logprob(choice, prompt, option, where, self._layout, reported)

    async def _parse_score(
        self, client: httpx.AsyncClient, messages: Sequence[Message], options: Sequence[str],
        prefix: str,
    ) -> list[float]:
        listing = "\n".join(f"- {o}" for o in options)
        instruction = f"Answer with exactly one of these options, verbatim:\n{listing}"
        chat = [*self._payload(messages), {"role": "system", "content": instruction}]
        if prefix:
            chat.append({"role": "assistant", "content": prefix})
        text = ""
        for attempt in range(self.parse_retries + 1):
            body = {"model": self.model, "messages": chat, "max_tokens": 32, "logprobs": True}
            body.update(top_logprobs=20, temperature=0.0 if attempt == 0 else 0.7)
            choice = await self._chat(client, body)
            text = _message_text(choice, f"{self.base_url}/chat/completions")
            chosen = _match_option(text, options)
            if chosen is not None:
                try:
                    return _parsed_scores(choice.get("logprobs"), options, chosen)
                except (AttributeError, KeyError, TypeError, ValueError):
                    raise MalformedAnswer(
                        f"{self.base_url}/chat/completions answered malformed logprobs "
                        f"({choice.get('logprobs')!r:.80}): check the server (setting RUNG_LM)"
                    ) from None
        raise LMError(
            f"{self.model} answered {text!r}, none of {list(options)}, after "
            f"{self.parse_retries + 1} attempts"
        )

    async def _chat(self, client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
        data = await self._http.post(client, "/chat/completions", body)
        return first_choice(data, f"{self.base_url}/chat/completions")

    @staticmethod
    def _payload(messages: Sequence[Message]) -> list[dict[str, str]]:
        return [{"role": m.role, "content": m.content} for m in messages]

    # -- generation --------------------------------------------------------------------
    def generate(self, messages: Sequence[Message], **options: Unpack[GenerateOptions]) -> str:
        """Generated text; with ``regex``, retried (warmer) until it fully matches. Each
        request is bounded by :attr:`call_budget`."""
        call = Generation(**options)

        def sample(temperature: float) -> str:
            coro = self._generate(
                messages, call.prefix, call.max_tokens, list(call.stop), temperature
            )
            return _run(self._bounded(coro))

        return retry_until_match(sample, call, self.parse_retries + 1, self.model)

    async def _generate(
        self, messages: Sequence[Message], prefix: str, max_tokens: int, stop: list[str],
        temperature: float,
    ) -> str:
        body: dict[str, Any] = {"model": self.model, "max_tokens": max_tokens}
        body["temperature"] = temperature
        if stop:
            body["stop"] = stop
        async with self._http.client() as client:
            if self._settled is not ScoringMode.PARSE:
                body["prompt"] = self._render(messages, prefix)
                where = f"{self.base_url}/completions"
                choice = first_choice(await self._http.post(client, "/completions", body), where)
                return _choice_text(choice, where)
            chat = self._payload(messages)
            if prefix:
                chat.append({"role": "assistant", "content": prefix})
            choice = await self._chat(client, {**body, "messages": chat})
            return _message_text(choice, f"{self.base_url}/chat/completions")


def _choice_text(choice: dict[str, Any], where: str) -> str:
    text = choice.get("text")
    if not isinstance(text, str):
        raise MalformedAnswer(f"{where} answered a choice without text ({choice!r:.80}): "
                              "check the server (setting RUNG_LM)")
    return text


def _message_text(choice: dict[str, Any], where: str) -> str:
    message = choice.get("message")
    if not isinstance(message, dict):
        raise MalformedAnswer(f"{where} answered a choice without a message ({choice!r:.80}): "
                              "check the server (setting RUNG_LM)")
    return str(message.get("content") or "")


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
