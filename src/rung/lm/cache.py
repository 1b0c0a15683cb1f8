"""Persistent response cache: a SQLite file wrapping any backend.

The key is a sha256 of the backend kind, the model identity, the call kind, the full
messages, the assistant prefix, the options and the decoding parameters. Only deterministic
calls are cached (``temperature == 0``). The database runs in WAL mode with a busy timeout,
so several processes can read and write it at once. Nothing secret is in a key or a value:
backends never put API keys in ``name`` or ``model_id``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rung.lm.base import Backend, Message

__all__ = ["CachedBackend", "ResponseCache", "cache_key"]

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


class ResponseCache:
    """A key → JSON value store in one SQLite file, safe across processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path).expanduser()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
        self._conn.execute("PRAGMA busy_timeout = 30000")
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        with self._conn:
            self._conn.execute(_SCHEMA)

    def get(self, key: str) -> Any | None:
        """The stored value, or None."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM responses WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, key: str, backend: str, model: str, kind: str, value: Any) -> None:
        """Store ``value`` (committed at once, so a crash later keeps it)."""
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?)",
                (key, backend, model, kind, json.dumps(value), time.time()),
            )

    def count(self) -> int:
        """Number of stored responses."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def size_bytes(self) -> int:
        """Bytes on disk (database plus its WAL file)."""
        files = [self.path, self.path.with_name(self.path.name + "-wal")]
        return sum(f.stat().st_size for f in files if f.is_file())

    def clear(self) -> None:
        """Delete every stored response."""
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM responses")

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


def _messages(messages: Sequence[Message]) -> list[list[str]]:
    return [[m.role, m.content] for m in messages]


class CachedBackend:
    """Any backend behind a :class:`ResponseCache`; counts ``hits`` and ``misses``.

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
        self.inner = inner
        self.cache = cache
        self.name: str = inner.name
        self.model_id: str = inner.model_id
        self.hits = 0
        self.misses = 0

    def _lookup(self, kind: str, payload: dict[str, Any]) -> tuple[str, Any | None]:
        key = cache_key(self.name, self.model_id, kind, payload)
        value = self.cache.get(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return key, value

    def score_options(
        self, messages: Sequence[Message], options: Sequence[str], *, prefix: str = ""
    ) -> list[float]:
        """Cached :meth:`Backend.score_options`."""
        payload = {"messages": _messages(messages), "prefix": prefix, "options": list(options)}
        key, value = self._lookup("score", payload)
        if value is not None:
            return [float(v) for v in value]
        scores = self.inner.score_options(messages, options, prefix=prefix)
        self.cache.put(key, self.name, self.model_id, "score", scores)
        return scores

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
        """Cached :meth:`Backend.generate` (sampled calls, ``temperature > 0``, bypass it)."""
        kwargs: dict[str, Any] = {"prefix": prefix, "max_tokens": max_tokens, "stop": stop}
        kwargs["temperature"] = temperature
        if regex is not None:
            kwargs["regex"] = regex
        if temperature > 0:
            return self.inner.generate(messages, **kwargs)
        payload = {**kwargs, "stop": list(stop), "messages": _messages(messages)}
        key, value = self._lookup("generate", payload)
        if value is not None:
            return str(value)
        text = self.inner.generate(messages, **kwargs)
        self.cache.put(key, self.name, self.model_id, "generate", text)
        return text
