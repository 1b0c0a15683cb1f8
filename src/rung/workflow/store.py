"""The run directory: atomic writes and a per-step completion record for resuming.

A step is complete when ``DIR/.steps/<step>.json`` exists and records the same input
fingerprint; its outputs were all written (atomically) before that record was, so a run
stopped at any moment never leaves a step looking complete when it is not. A step whose
JSON output no longer parses (edited, truncated by a full disk) is not complete: it runs
again, and :attr:`RunStore.rebuilt` says which file was corrupt.

Files get the permissions any other tool would give them (``0666`` less the umask), and
JSON never holds ``NaN`` or ``Infinity`` (written as ``null``), so every file is valid
JSON for any reader.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["ArtifactError", "RunStore", "atomic_write_text", "fingerprint", "json_safe"]


class ArtifactError(ValueError):
    """A file of the run directory cannot be read; the message names it and the fix."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and an atomic rename; the file
    ends with mode ``0666 & ~umask``, as ``open(path, "w")`` would give it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fchmod(fh.fileno(), 0o666 & ~_umask())
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def json_safe(obj: Any) -> Any:
    """``obj`` with every non-finite float replaced by None (JSON has no NaN).

    Examples
    --------
    >>> json_safe({"a": [1.0, float("nan")], "b": float("inf")})
    {'a': [1.0, None], 'b': None}
    """
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Mapping):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_safe(v) for v in obj]
    return obj


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
        self.rebuilt: list[str] = []

    def path(self, name: str) -> Path:
        return self.root / name

    def _record(self, step: str) -> Path:
        return self.root / ".steps" / f"{step}.json"

    def write_json(self, name: str, obj: Any) -> Path:
        """Write ``obj`` as indented JSON to ``DIR/name`` atomically."""
        path = self.path(name)
        text = json.dumps(json_safe(obj), indent=2, default=str, allow_nan=False)
        atomic_write_text(path, text + "\n")
        return path

    def write_text(self, name: str, text: str) -> Path:
        path = self.path(name)
        atomic_write_text(path, text)
        return path

    def read_json(self, name: str) -> Any:
        """The JSON in ``DIR/name``.

        Raises
        ------
        ArtifactError
            The file is missing or is not valid JSON (the message names it).
        """
        path = self.path(name)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ArtifactError(f"{path} is missing; re-run with the same --out to rebuild "
                                "it") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ArtifactError(f"{path} is corrupt ({exc}); delete it and re-run with the "
                                "same --out to rebuild it") from None

    def read(self, name: str) -> Any:
        """The JSON in ``DIR/name`` for a ``.json`` file, else its text (see
        :meth:`read_json` for the errors)."""
        if name.endswith(".json"):
            return self.read_json(name)
        path = self.path(name)
        try:
            return path.read_text(encoding="utf-8")
        except (FileNotFoundError, UnicodeDecodeError):
            raise ArtifactError(f"{path} is missing or unreadable; re-run with the same "
                                "--out to rebuild it") from None

    def _corrupt(self, name: str) -> str | None:
        """Why the output ``name`` cannot be read, or None when it is fine."""
        path = self.path(name)
        if not path.exists():
            return f"{path} is missing"
        if path.suffix != ".json":
            return None
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
            return f"{path} is corrupt ({' '.join(str(exc).split())})"
        return None

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
        for name in meta.get("outputs", []):
            why = self._corrupt(name)
            if why is not None:
                self.rebuilt.append(f"{why}: rebuilding step {step!r}")
                return False
        return True

    def mark_done(self, step: str, key: str, outputs: list[str], meta: Mapping[str, Any]) -> None:
        """Record ``step`` as complete (call only after all its outputs are written)."""
        record = {"step": step, "key": key, "outputs": outputs, **meta}
        atomic_write_text(self._record(step), json.dumps(record, indent=2, default=str) + "\n")

    def recorded_seconds(self, step: str) -> float:
        """How long ``step`` took when it ran, from its completion record (see
        :meth:`read_json` for the errors)."""
        meta = self.read_json(str(self._record(step).relative_to(self.root)))
        return float(meta.get("seconds", 0.0))

    def forget(self, step: str) -> None:
        """Drop the completion record of ``step`` (its outputs stay, marked stale)."""
        self._record(step).unlink(missing_ok=True)

    def completed_steps(self) -> list[str]:
        folder = self.root / ".steps"
        return sorted(p.stem for p in folder.glob("*.json")) if folder.exists() else []
