"""The persistent SQLite cache: hits, misses, keys, and sharing across processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rung.lm import get_backend
from rung.lm.backends.scripted import ScriptedBackend
from rung.lm.base import Message
from rung.lm.cache import CachedBackend, ResponseCache

Q = [Message("user", "Does X cause Y?")]


def test_hits_misses_and_key_parts(tmp_path: Path) -> None:
    inner = ScriptedBackend(scores={"yes": -0.2, "no": -1.7}, texts={"X": "maybe"})
    lm = CachedBackend(inner, ResponseCache(tmp_path / "c.sqlite"))
    assert lm.score_options(Q, ["yes", "no"]) == [-0.2, -1.7]
    assert lm.score_options(Q, ["yes", "no"]) == [-0.2, -1.7]
    lm.score_options(Q, ["no", "yes"])  # other options: miss
    lm.score_options(Q, ["yes", "no"], prefix="I")  # other prefix: miss
    lm.score_options([Message("system", "s"), *Q], ["yes", "no"])  # other messages: miss
    assert (lm.hits, lm.misses, inner.calls) == (1, 4, 4)
    assert lm.generate(Q, max_tokens=3) == lm.generate(Q, max_tokens=3) == "maybe"
    lm.generate(Q, max_tokens=4)
    assert (lm.hits, lm.misses) == (2, 6)
    lm.generate(Q, temperature=0.5)
    lm.generate(Q, temperature=0.5)  # sampled calls are not cached
    assert (lm.hits, lm.misses, inner.calls) == (2, 6, 8)
    assert lm.cache.count() == 6


_CHILD = """
import sys
from rung.lm import get_backend
from rung.lm.base import Message
lm = get_backend("tiny", n_threads=1)
for i in range(int(sys.argv[1])):
    lm.score_options([Message("user", f"Is {i} even?")], ["yes", "no"])
print(lm.hits, lm.misses)
"""


def test_cache_hit_across_processes(isolated_cache: Path) -> None:
    run = [sys.executable, "-c", _CHILD]
    first = subprocess.run([*run, "3"], capture_output=True, text=True, check=True)
    assert first.stdout.split() == ["0", "3"]
    # two processes at once: both read the finished entries, write the new ones safely
    procs = [subprocess.Popen([*run, "5"], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate()[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    for hits, misses in outs:
        assert int(hits) >= 3 and int(hits) + int(misses) == 5
    lm = get_backend("tiny", n_threads=1)
    lm.score_options([Message("user", "Is 4 even?")], ["yes", "no"])
    assert (lm.hits, lm.misses) == (1, 0)  # type: ignore[attr-defined]
    assert ResponseCache(isolated_cache).count() == 5
