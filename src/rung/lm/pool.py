"""A pool of OpenAI-compatible endpoints serving one model, used as one :class:`Backend`.

Spec: ``http://h1:8000/v1,http://h2:8000/v1|MODEL`` (``RUNG_LM`` or ``--model``; see
:mod:`rung.lm.spec`). Every endpoint must serve the same model: answers are cached under
``MODEL@pool`` whichever endpoint gave them, so a pool, a smaller pool and a resumed run
share one response cache.

How requests are spread
-----------------------
* Each endpoint takes at most ``concurrency`` requests at once (one request = one prompt:
  all options of a scoring call, or one generation). A request goes to the live endpoint
  with the lowest load (in flight / concurrency); with none free it waits. The bound holds
  across threads and across the event loops of concurrent calls.
* A request that fails on an endpoint (connection refused or dropped, timeout, 5xx) is
  retried at once on another one; the failing endpoint is taken out of rotation. After
  ``probe_after`` seconds (doubling on each failed probe, at most 60 s) it is probed with
  ``GET /models`` and returns to rotation when that answers 200. When every endpoint is
  out, requests wait for the next probe; a request fails with :class:`LMError` (naming each
  endpoint's last error) after ``attempts`` tries, or after ``down_wait`` seconds with
  every endpoint out (at once when no endpoint has ever answered: a misconfigured pool).
* A refusal (HTTP 4xx, a prompt longer than the context) is the same on every endpoint and
  is raised, not retried.

Each endpoint is an :class:`~rung.lm.backends.openai.OpenAIBackend` with no retries of its
own (the pool retries elsewhere). Scoring settles once for the whole pool (ECHO, or PARSE
when the first endpoint to answer refuses echo), so answers never mix exact and
approximate scores. :meth:`EndpointPool.stats` gives per-endpoint counts and latencies;
:func:`rung.lm.registry.get_backend` prints them on stderr at the end of the process.

Credentials: every description, ``repr`` and error is passed through
:func:`rung.lm.redaction.redact`.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, Unpack

import httpx

from rung.lm.backends._decoding import retry_until_match
from rung.lm.backends._http import HTTPRefused
from rung.lm.backends.openai import OpenAIBackend, ScoringMode, _run
from rung.lm.base import (
    GenerateOptions,
    Generation,
    LMError,
    Message,
    PromptTooLongError,
    check_log_likelihoods,
)
from rung.lm.redaction import redact

__all__ = ["EndpointPool", "EndpointStats", "format_stats"]

T = TypeVar("T")
Request = tuple[Sequence[Message], Sequence[str], str]
_MAX_PROBE_WAIT = 60.0
_POLL = 0.01  # seconds between looks for a free endpoint


@dataclass(frozen=True)
class EndpointStats:
    """What one endpoint did: answered requests, failures, latency of the answered ones."""

    url: str
    alive: bool
    ok: int
    failed: int
    mean_s: float
    p50_s: float
    p95_s: float

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "alive": self.alive, "ok": self.ok, "failed": self.failed,
                "mean_s": self.mean_s, "p50_s": self.p50_s, "p95_s": self.p95_s}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EndpointStats:
        return cls(str(data["url"]), bool(data["alive"]), int(data["ok"]),
                   int(data["failed"]), float(data["mean_s"]), float(data["p50_s"]),
                   float(data["p95_s"]))


def _quantile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


class _Endpoint:
    """One member: its backend, load, health and counts (guarded by the pool's lock)."""

    def __init__(self, backend: OpenAIBackend, concurrency: int) -> None:
        self.backend = backend
        self.limit = concurrency
        self.in_flight = 0
        self.down_until: float | None = None  # None: in rotation
        self.down_for = 0.0
        self.probing = False
        self.last_error = ""
        self.ok = 0
        self.failed = 0
        self.latencies: list[float] = []

    @property
    def url(self) -> str:
        return self.backend.base_url  # redacted

    def stats(self) -> EndpointStats:
        lat = self.latencies
        mean = sum(lat) / len(lat) if lat else 0.0
        return EndpointStats(self.url, self.down_until is None, self.ok, self.failed,
                             round(mean, 4), round(_quantile(lat, 0.5), 4),
                             round(_quantile(lat, 0.95), 4))


class EndpointPool:
    """Several OpenAI-compatible endpoints of one model, as one backend.

    Parameters
    ----------
    urls : sequence of str
        Base URLs (``http://HOST:PORT/v1``), at least one, no repeats.
    model : str
        The served model name (the same on every endpoint).
    concurrency : int
        Requests in flight at once per endpoint.
    timeout : float
        Seconds one attempt on one endpoint may take.
    attempts : int, optional
        Tries of one request over the pool (default: twice the number of endpoints, at
        least 3).
    probe_after : float
        Seconds before a failed endpoint is first probed again.
    down_wait : float
        Seconds a request waits for an endpoint to come back when every one is out of
        rotation (none while no endpoint has ever answered: a misconfigured pool fails at
        once).
    scoring : ScoringMode
        As :class:`~rung.lm.backends.openai.OpenAIBackend`; settled once for the pool.
    api_key : str, optional
        Default ``OPENAI_API_KEY``.

    Examples
    --------
    >>> pool = EndpointPool(["http://u:pw-9@127.0.0.1:9/v1", "http://127.0.0.2:9/v1"], "m")
    >>> pool.model_id, pool.urls
    ('m@pool', ('http://***@127.0.0.1:9/v1', 'http://127.0.0.2:9/v1'))
    """

    name = "openai-pool"

    def __init__(
        self, urls: Sequence[str], model: str, *, concurrency: int = 4, timeout: float = 60.0,
        attempts: int | None = None, probe_after: float = 1.0, down_wait: float = 30.0,
        scoring: ScoringMode = ScoringMode.AUTO, api_key: str | None = None,
    ) -> None:
        shown = [redact(u) for u in urls]
        if not urls or len(set(u.rstrip("/") for u in urls)) != len(urls):
            raise ValueError(f"endpoints {shown}: give one or more distinct URLs")
        if concurrency < 1 or min(probe_after, down_wait) <= 0 or (attempts or 1) < 1:
            raise ValueError(f"concurrency={concurrency} and attempts={attempts} must be >= 1, "
                             f"probe_after={probe_after} and down_wait={down_wait} > 0")
        members = [OpenAIBackend(u, model, api_key=api_key, timeout=timeout, max_retries=0,
                                 concurrency=concurrency, scoring=scoring) for u in urls]
        self._members = [_Endpoint(b, concurrency) for b in members]
        self.model = model
        self.attempts = attempts if attempts is not None else max(3, 2 * len(urls))
        self.probe_after = probe_after
        self.down_wait = down_wait
        self._settled: ScoringMode | None = None if scoring is ScoringMode.AUTO else scoring
        self._lock = threading.Lock()

    # -- identity ----------------------------------------------------------------------
    @property
    def urls(self) -> tuple[str, ...]:
        """The endpoints' base URLs, redacted."""
        return tuple(m.url for m in self._members)

    @property
    def model_id(self) -> str:
        """``MODEL@pool`` (``#parse`` once scoring is approximate): independent of which
        endpoints serve, so the cache and resumed runs are shared."""
        suffix = "#parse" if self._settled is ScoringMode.PARSE else ""
        return f"{self.model}@pool{suffix}"

    @property
    def call_budget(self) -> float:
        """The most seconds one request may take over all its attempts and waits."""
        one = self._members[0].backend.call_budget
        return self.attempts * (one + self.down_wait)

    def __repr__(self) -> str:
        return f"EndpointPool(urls={list(self.urls)!r}, model={self.model!r})"

    def describe(self) -> str:
        """``url1,url2|MODEL`` with credentials masked."""
        return redact(",".join(self.urls) + f"|{self.model}")

    def stats(self) -> list[EndpointStats]:
        """Per-endpoint counts and latencies so far."""
        with self._lock:
            return [m.stats() for m in self._members]

    # -- choosing an endpoint ----------------------------------------------------------
    def _take(self, avoid: set[int]) -> int | None:
        """Reserve a slot on the least-loaded live endpoint (others before ``avoid``)."""
        with self._lock:
            live = [i for i, m in enumerate(self._members)
                    if m.down_until is None and m.in_flight < m.limit]
            fresh = [i for i in live if i not in avoid] or live
            if not fresh:
                return None
            best = min(fresh, key=lambda i: self._members[i].in_flight / self._members[i].limit)
            self._members[best].in_flight += 1
            return best

    def _due_probes(self) -> list[int]:
        now = time.monotonic()
        with self._lock:
            due = [i for i, m in enumerate(self._members) if m.down_until is not None
                   and m.down_until <= now and not m.probing]
            for i in due:
                self._members[i].probing = True
            return due

    async def _probe(self, index: int) -> None:
        member = self._members[index]
        try:
            async with member.backend._http.client() as client:
                response = await client.get("/models", timeout=min(5.0, member.backend.timeout))
            healthy = response.status_code == 200
        except (httpx.HTTPError, OSError):
            healthy = False
        with self._lock:
            member.probing = False
            if healthy:
                member.down_until, member.down_for = None, 0.0
            else:
                member.down_for = min(_MAX_PROBE_WAIT, 2 * member.down_for)
                member.down_until = time.monotonic() + member.down_for

    async def _acquire(self, avoid: set[int]) -> int:
        """A reserved endpoint; waits while all are busy (each request in flight is time
        bounded), and at most ``down_wait`` seconds while all are out of rotation."""
        down_since: float | None = None
        while True:
            for due in self._due_probes():
                await self._probe(due)
            index = self._take(avoid)
            if index is not None:
                return index
            with self._lock:
                down = all(m.down_until is not None for m in self._members)
                never = all(m.ok == 0 for m in self._members)
            if down and never:  # no endpoint has ever answered: misconfigured, say so now
                raise LMError(self._exhausted("none has answered yet"))
            now = time.monotonic()
            down_since = (down_since or now) if down else None
            if down_since is not None and now - down_since > self.down_wait:
                raise LMError(self._exhausted(f"none came back within {self.down_wait:g} s"))
            await asyncio.sleep(_POLL)

    def _release(self, index: int, seconds: float, error: str | None) -> None:
        with self._lock:
            member = self._members[index]
            member.in_flight -= 1
            if error is None:
                member.ok += 1
                member.latencies.append(seconds)
                return
            member.failed += 1
            member.last_error = redact(error)
            if member.down_until is None:
                member.down_for = self.probe_after
                member.down_until = time.monotonic() + self.probe_after

    def _exhausted(self, why: str) -> str:
        with self._lock:
            lines = "; ".join(f"{m.url}: {m.last_error or 'no error'}" for m in self._members)
        return (f"every endpoint of the pool for {self.model!r} failed ({why}): {lines}; "
                "start the servers or fix the URLs (setting RUNG_LM)")

    # -- running one request -----------------------------------------------------------
    async def _on_pool(self, work: Callable[[OpenAIBackend], Awaitable[T]]) -> T:
        """``work`` on one endpoint after another until it succeeds (see module docstring)."""
        tried: set[int] = set()
        for _ in range(self.attempts):
            index = await self._acquire(tried)
            tried.add(index)
            member = self._members[index].backend
            start = time.perf_counter()
            try:
                result = await member._bounded(work(member))
            except (HTTPRefused, PromptTooLongError):
                self._release(index, 0.0, None)  # the server is fine; the request is not
                raise
            except LMError as exc:
                self._release(index, 0.0, str(exc))
                continue
            except BaseException:  # cancelled or interrupted: free the slot, blame no one
                with self._lock:
                    self._members[index].in_flight -= 1
                raise
            self._release(index, time.perf_counter() - start, None)
            self._settle(member)
            return result
        raise LMError(self._exhausted(f"{self.attempts} attempts"))

    def _settle(self, member: OpenAIBackend) -> None:
        """Adopt the first member's scoring decision for every member."""
        mode = member.scoring_used
        if self._settled is None and mode is not None:
            self._settled = mode
            for other in self._members:
                other.backend._settled = mode

    # -- the Backend protocol ----------------------------------------------------------
    def score_options(
        self, messages: Sequence[Message], options: Sequence[str], *, prefix: str = ""
    ) -> list[float]:
        """Log-likelihood of each option, from one endpoint of the pool."""
        return self.score_many([(messages, options, prefix)])[0]

    def score_many(self, requests: Sequence[Request]) -> list[list[float]]:
        """Score many ``(messages, options, prefix)`` prompts spread over the pool."""
        return _run(self._score_many(requests))

    async def _score_many(self, requests: Sequence[Request]) -> list[list[float]]:
        async def one(req: Request) -> list[float]:
            async def work(member: OpenAIBackend) -> list[float]:
                async with member._http.client() as client:
                    return await member._score(client, *req)

            scores = await self._on_pool(work)
            return check_log_likelihoods(scores, req[1], self.model_id)

        return list(await asyncio.gather(*(one(r) for r in requests)))

    def generate(self, messages: Sequence[Message], **options: Unpack[GenerateOptions]) -> str:
        """Generated text from one endpoint; with ``regex``, retried (warmer) until it
        fully matches, as :meth:`OpenAIBackend.generate`."""
        call = Generation(**options)

        def sample(temperature: float) -> str:
            def work(member: OpenAIBackend) -> Awaitable[str]:
                return member._generate(
                    messages, call.prefix, call.max_tokens, list(call.stop), temperature
                )

            return _run(self._on_pool(work))

        return retry_until_match(sample, call, 3, self.model)


def format_stats(stats: Sequence[EndpointStats]) -> str:
    """A plain-text table of per-endpoint counts and latencies.

    Examples
    --------
    >>> print(format_stats([EndpointStats("http://h:1/v1", True, 3, 1, 0.2, 0.2, 0.3)]))
    endpoint       state      ok  failed    mean s     p50 s     p95 s
    http://h:1/v1  up          3       1     0.200     0.200     0.300
    """
    width = max([len("endpoint"), *(len(s.url) for s in stats)]) + 2
    lines = [f"{'endpoint':<{width}}state      ok  failed    mean s     p50 s     p95 s"]
    for s in stats:
        state = "up" if s.alive else "down"
        lines.append(f"{s.url:<{width}}{state:<5}{s.ok:>8}{s.failed:>8}{s.mean_s:>10.3f}"
                     f"{s.p50_s:>10.3f}{s.p95_s:>10.3f}")
    return "\n".join(lines)
