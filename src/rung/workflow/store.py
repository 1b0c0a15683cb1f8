"""The run directory: atomic writes and a per-step completion record for resuming.

A step is complete when ``DIR/.steps/<step>.json`` exists and records the same input
fingerprint; its outputs were all written (atomically) before that record was, so a run
stopped at any moment never leaves a step looking complete when it is not.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["RunStore", "atomic_write_text", "fingerprint"]


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fingerprint(obj: Any) -> str:
    """A short stable hash of a JSON-able object.

    Examples
    --------
    >>> fingerprint({"b": 1, "a": 2}) == fingerprint({"a": 2, "b": 1})
    True
    """
    blob = json.dumps(obj, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


class RunStore:
    """Outputs of a workflow run in one directory.

    Parameters
    ----------
    root : path
        The output directory (created on first write).
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, name: str) -> Path:
        return self.root / name

    def _record(self, step: str) -> Path:
        return self.root / ".steps" / f"{step}.json"

    def write_json(self, name: str, obj: Any) -> Path:
        """Write ``obj`` as indented JSON to ``DIR/name`` atomically."""
        path = self.path(name)
        atomic_write_text(path, json.dumps(obj, indent=2, default=str) + "\n")
        return path

    def write_text(self, name: str, text: str) -> Path:
        path = self.path(name)
        atomic_write_text(path, text)
        return path

    def read_json(self, name: str) -> Any:
        return json.loads(self.path(name).read_text(encoding="utf-8"))

    def is_done(self, step: str, key: str) -> bool:
        """True when ``step`` finished with input fingerprint ``key`` and its outputs exist."""
        rec = self._record(step)
        if not rec.exists():
            return False
        try:
            meta = json.loads(rec.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return False
        if meta.get("key") != key:
            return False
        return all(self.path(name).exists() for name in meta.get("outputs", []))

    def mark_done(self, step: str, key: str, outputs: list[str], meta: Mapping[str, Any]) -> None:
        """Record ``step`` as complete (call only after all its outputs are written)."""
        record = {"step": step, "key": key, "outputs": outputs, **meta}
        atomic_write_text(self._record(step), json.dumps(record, indent=2, default=str) + "\n")

    def forget(self, step: str) -> None:
        """Drop the completion record of ``step`` (its outputs stay, marked stale)."""
        self._record(step).unlink(missing_ok=True)

    def completed_steps(self) -> list[str]:
        folder = self.root / ".steps"
        return sorted(p.stem for p in folder.glob("*.json")) if folder.exists() else []
