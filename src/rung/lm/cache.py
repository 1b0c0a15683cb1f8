"""Persistent response cache: a SQLite file wrapping any backend.

The key is a sha256 of the backend kind, the model identity, the call kind, the full
messages, the assistant prefix, the options and the decoding parameters. Only deterministic
calls are cached (``temperature == 0``); log-likelihoods are checked before they are stored,
so no NaN ever enters the file. The database runs in WAL mode with a busy timeout, so several
processes can read and write it at once. Nothing secret is in a key or a row: the backend
identity passes through :func:`rung.lm.redaction.redact` before it is hashed or stored.

A cache path that is a folder, not a SQLite file, or unusable raises :class:`CacheError` (a
``ValueError``: bad configuration, exit 2 in the CLI) naming ``RUNG_LM_CACHE`` and the fix.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Unpack

from rung.lm.base import (
    GENERATE_DEFAULTS,
    Backend,
    BackendWrapper,
    GenerateOptions,
    Message,
    check_log_likelihoods,
)
from rung.lm.redaction import redact
from rung.lm.settings import SettingsError

__all__ = ["CacheError", "CachedBackend", "ResponseCache", "cache_key"]


class CacheError(SettingsError):
    """The response cache file cannot be used (a folder, not SQLite, unreadable...)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    backend TEXT NOT NULL,
    model TEXT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def cache_key(backend: str, model: str, kind: str, payload: dict[str, Any]) -> str:
    """sha256 of a canonical JSON of everything that determines the answer."""
    blob = json.dumps(
        {"backend": backend, "model": model, "kind": kind, **payload},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


_FIX = "delete it or point RUNG_LM_CACHE at a new file path (or pass --no-cache)"


class ResponseCache:
    """A key → JSON value store in one SQLite file, safe across processes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> ResponseCache(pathlib.Path(tempfile.mkdtemp()))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.lm.cache.CacheError: RUNG_LM_CACHE=... is a folder, not a cache file; point ...
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path).expanduser()
        if self.path.is_dir():
            raise CacheError(
                f"RUNG_LM_CACHE={str(self.path)!r} is a folder, not a cache file; point "
                f"RUNG_LM_CACHE at a file such as {str(self.path / 'lm.sqlite')!r}"
            )
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(
                f"RUNG_LM_CACHE={str(self.path)!r}: cannot create its folder "
                f"({exc.strerror or exc}); {_FIX}"
            ) from None
        with self._errors():
            self._conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
            self._conn.execute("PRAGMA busy_timeout = 30000")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            with self._conn:
                self._conn.execute(_SCHEMA)

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """sqlite errors (corrupt file, not a database, unwritable) as :class:`CacheError`."""
        try:
            yield
        except (sqlite3.Error, json.JSONDecodeError) as exc:
            raise CacheError(
                f"RUNG_LM_CACHE={str(self.path)!r} is not a usable rung response cache "
                f"({type(exc).__name__}: {exc}); {_FIX}"
            ) from None

    def get(self, key: str) -> Any | None:
        """The stored value, or None."""
        with self._lock, self._errors():
            row = self._conn.execute("SELECT value FROM responses WHERE key = ?", (key,)).fetchone()
            return None if row is None else json.loads(row[0])

    def put(self, key: str, backend: str, model: str, kind: str, value: Any) -> None:
        """Store ``value`` (committed at once, so a crash later keeps it); ``backend`` and
        ``model`` are stored redacted."""
        blob = json.dumps(value)
        with self._lock, self._errors(), self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?)",
                (key, redact(backend), redact(model), kind, blob, time.time()),
            )

    def count(self) -> int:
        """Number of stored responses."""
        with self._lock, self._errors():
            return int(self._conn.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def size_bytes(self) -> int:
        """Bytes on disk (database plus its WAL file)."""
        files = [self.path, self.path.with_name(self.path.name + "-wal")]
        return sum(f.stat().st_size for f in files if f.is_file())

    def clear(self) -> None:
        """Delete every stored response."""
        with self._lock, self._errors(), self._conn:
            self._conn.execute("DELETE FROM responses")

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


def _messages(messages: Sequence[Message]) -> list[list[str]]:
    return [[m.role, m.content] for m in messages]


class CachedBackend(BackendWrapper):
    """Any backend behind a :class:`ResponseCache`; counts ``hits`` and ``misses``.

    ``name`` and ``model_id`` are read from the inner backend at every call (a backend whose
    identity changes, e.g. an HTTP backend that settled on approximate scoring, keys its
    answers under the new identity; see :class:`~rung.lm.base.BackendWrapper`), redacted.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from rung.lm.backends.scripted import ScriptedBackend
    >>> inner = ScriptedBackend(scores={"yes": -0.5})
    >>> db = ResponseCache(pathlib.Path(tempfile.mkdtemp()) / "lm.sqlite")
    >>> lm = CachedBackend(inner, db)
    >>> m = [Message("user", "Q?")]
    >>> lm.score_options(m, ["yes", "no"]) == lm.score_options(m, ["yes", "no"])
    True
    >>> (lm.hits, lm.misses, inner.calls)
    (1, 1, 1)
    """

    def __init__(self, inner: Backend, cache: ResponseCache) -> None:
        super().__init__(inner)
        self.cache = cache
        self.hits = 0
        self.misses = 0

    @property
    def model_id(self) -> str:
        """The inner backend's model identity, redacted."""
        return redact(self.inner.model_id)

    def _key(self, kind: str, payload: dict[str, Any]) -> str:
        return cache_key(self.name, self.model_id, kind, payload)

    def _lookup(self, kind: str, payload: dict[str, Any]) -> Any | None:
        value = self.cache.get(self._key(kind, payload))
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def _store(self, kind: str, payload: dict[str, Any], value: Any) -> None:
        # the key is computed again after the call: the identity may have changed in it
        self.cache.put(self._key(kind, payload), self.name, self.model_id, kind, value)

    def score_options(
        self, messages: Sequence[Message], options: Sequence[str], *, prefix: str = ""
    ) -> list[float]:
        """Cached :meth:`Backend.score_options` (scores are checked before they are stored)."""
        payload = {"messages": _messages(messages), "prefix": prefix, "options": list(options)}
        value = self._lookup("score", payload)
        if value is not None:
            return check_log_likelihoods(value, options, f"cache {self.cache.path}")
        raw = self.inner.score_options(messages, options, prefix=prefix)
        scores = check_log_likelihoods(raw, options, self.name)
        self._store("score", payload, scores)
        return scores

    def generate(self, messages: Sequence[Message], **options: Unpack[GenerateOptions]) -> str:
        """Cached :meth:`Backend.generate` (sampled calls, ``temperature > 0``, bypass it)."""
        if options.get("temperature", 0.0) > 0:
            return super().generate(messages, **options)
        payload = _generate_payload(messages, options)
        value = self._lookup("generate", payload)
        if value is not None:
            return str(value)
        text = self.inner.generate(messages, **options)
        self._store("generate", payload, text)
        return text


def _generate_payload(messages: Sequence[Message], options: GenerateOptions) -> dict[str, Any]:
    """The cache payload of a generate call, with the protocol's defaults filled in (so that
    ``generate(m)`` and ``generate(m, max_tokens=64)`` share one entry, as they always did)."""
    full: dict[str, Any] = {**GENERATE_DEFAULTS, **options}
    if full["regex"] is None:
        del full["regex"]  # keys of calls without regex are as they always were
    return {**full, "stop": list(full["stop"]), "messages": _messages(messages)}
