"""The Backend contract: ``regex`` is part of it, wrappers forward every keyword, capability
is never guessed from a TypeError, unknown kinds and impossible scores are errors."""

from __future__ import annotations

import inspect
import math
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from rung.lm import get_backend
from rung.lm.backends.scripted import ScriptedBackend
from rung.lm.base import (
    GENERATE_DEFAULTS,
    Backend,
    Generation,
    LMError,
    Message,
    normalize_scores,
)
from rung.lm.cache import CachedBackend, CacheError, ResponseCache
from rung.lm.program import Program, assistant, gen, select, user
from rung.lm.registry import _build
from rung.lm.settings import load_settings
from rung.lm.spec import BackendKind, BackendSpec, SpecError

Q = [Message("user", "Q?")]


class Recorder(ScriptedBackend):
    """Records the keywords each generate call received."""

    def __init__(self) -> None:
        super().__init__(texts={"Q": "42"})
        self.kwargs: list[dict[str, Any]] = []

    def generate(self, messages: Sequence[Message], **kwargs: Any) -> str:  # type: ignore[override]
        self.kwargs.append(kwargs)
        return super().generate(messages, **kwargs)


def test_protocol_defaults_are_the_forwarded_defaults() -> None:
    params = inspect.signature(Backend.generate).parameters
    assert "regex" in params
    defaults = {n: p.default for n, p in params.items() if n not in ("self", "messages")}
    assert defaults == GENERATE_DEFAULTS


def test_backends_read_one_generation_so_a_misspelt_keyword_fails() -> None:
    assert Generation(**GENERATE_DEFAULTS) == Generation()
    backend = ScriptedBackend(texts={"Q": "42"})
    assert backend.generate(Q, prefix="", max_tokens=2, regex=r"[0-9]+") == "42"
    with pytest.raises(TypeError, match="max_token"):
        backend.generate(Q, max_token=3)  # type: ignore[call-arg]


def test_cache_wrapper_forwards_regex_and_keys_on_it(tmp_path: Path) -> None:
    inner = Recorder()
    lm = CachedBackend(inner, ResponseCache(tmp_path / "c.sqlite"))
    assert isinstance(lm, Backend)
    lm.generate(Q, max_tokens=3, regex=r"[0-9]+")
    lm.generate(Q, max_tokens=3, regex=r"[0-9]+")  # hit
    lm.generate(Q, max_tokens=3)  # no regex: another key
    assert [k.get("regex") for k in inner.kwargs] == ["[0-9]+", None]
    assert (lm.hits, lm.misses) == (1, 2)


def test_program_passes_regex_and_never_swallows_type_errors() -> None:
    inner = Recorder()
    lm = Program(inner)
    with user():
        lm += "Q"
    with assistant():
        lm += gen("n", regex=r"[0-9]+", max_tokens=4)
    assert lm["n"] == "42" and inner.kwargs[-1]["regex"] == "[0-9]+"

    class Broken(ScriptedBackend):
        def generate(self, messages: Sequence[Message], **kwargs: Any) -> str:  # type: ignore[override]
            raise TypeError("a bug inside the backend")

    broken = Program(Broken())
    with user():
        broken += "Q"
    with pytest.raises(TypeError, match="a bug inside"), assistant():
        broken += gen("n", regex="x")


def test_unknown_backend_kind_is_an_error() -> None:
    fake = BackendSpec.__new__(BackendSpec)
    object.__setattr__(fake, "kind", "martian")
    object.__setattr__(fake, "model", "m")
    object.__setattr__(fake, "base_url", None)
    with pytest.raises(SpecError, match="has no backend"):
        _build(fake, load_settings(), None)
    assert isinstance(_build(BackendSpec(BackendKind.SCRIPTED, "scripted"), load_settings(),
                             None), ScriptedBackend)


@pytest.mark.parametrize("bad", [math.nan, math.inf, 0.5])
def test_impossible_scores_never_become_an_answer(bad: float, tmp_path: Path) -> None:
    scripted = ScriptedBackend(scores={"yes": bad, "no": -1.0})
    lm = Program(scripted)
    with user():
        lm += "Q"
    with pytest.raises(LMError, match="log-likelihood"), assistant():
        lm += select(["yes", "no"], name="a")
    cached = CachedBackend(scripted, ResponseCache(tmp_path / "c.sqlite"))
    with pytest.raises(LMError, match="log-likelihood"):
        cached.score_options(Q, ["yes", "no"])
    assert cached.cache.count() == 0  # nothing impossible is stored


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_normalize_refuses_nan_and_plus_inf(bad: float) -> None:
    with pytest.raises(LMError, match="NaN or \\+inf"):
        normalize_scores([bad, -1.0])
    assert normalize_scores([-math.inf, 0.0]) == [0.0, 1.0]


def test_cache_that_is_a_folder_or_corrupt_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(CacheError, match=r"is a folder.*RUNG_LM_CACHE"):
        ResponseCache(tmp_path)
    corrupt = tmp_path / "x.sqlite"
    corrupt.write_bytes(b"garbage, not sqlite " * 100)
    with pytest.raises(CacheError, match=r"RUNG_LM_CACHE=.*x\.sqlite.*not a usable"):
        ResponseCache(corrupt)
    good = ResponseCache(tmp_path / "ok.sqlite")
    good.put("k", "b", "m", "score", "not json, but stored as JSON text")
    with sqlite3.connect(tmp_path / "ok.sqlite") as conn:  # a row damaged behind rung's back
        conn.execute("UPDATE responses SET value = '{broken' WHERE key = 'k'")
    with pytest.raises(CacheError, match="not a usable"):
        good.get("k")


def test_get_backend_wraps_and_redacts(monkeypatch: pytest.MonkeyPatch) -> None:
    lm = get_backend("http://u:pw-reg-1234@127.0.0.1:9/v1|m")
    assert isinstance(lm, CachedBackend) and isinstance(lm, Backend)
    assert lm.model_id == "m@http://***@127.0.0.1:9/v1"
