"""A prompt's scores do not depend on what the process evaluated before it: the embedded
backend starts every call from an emptied KV cache, so a prompt scored after others (or
after a partly cached run) equals the same prompt scored first in a fresh process.

The default model (Qwen2.5 Q4_K_M) is used because its CPU kernels were measured to round
differently for different batch shapes (docs/lm.md), which is how a kept prefix state
moves scores; SmolLM2's kernels are shape-invariant. On the AVX2 build of this machine the
old kept-prefix code gave identical numbers in the scenarios tried (after other prompts,
after a generation, after 60 mixed calls on SmolLM2), so this test guards the property
rather than reproducing the reported 0.02 drift. The tolerance is 1e-9 nat: the same tokens
decoded in the same chunks from the same empty state give bit-identical logits.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rung.lm.backends.llamacpp import LlamaCppBackend
from rung.lm.base import Message
from rung.lm.cache import CachedBackend, ResponseCache

SYSTEM = Message("system", "You are an expert on causal relations. Answer carefully.")
OPTIONS = ["Yes", "No", "Not sure"]


def _ask(a: str, b: str) -> list[Message]:
    return [SYSTEM, Message("user", f"Does {a} cause {b}? Answer Yes or No.")]


TARGET = _ask("altitude", "temperature")
OTHERS = [_ask("rain", "wet ground"), _ask("altitude", "air pressure")]

_CHILD = """
import json, sys
from pathlib import Path
from rung.lm.backends.llamacpp import LlamaCppBackend
from rung.lm.base import Message
messages = [Message(r, c) for r, c in json.loads(sys.argv[2])]
backend = LlamaCppBackend(Path(sys.argv[1]), n_threads=1)
print(json.dumps(backend.score_options(messages, json.loads(sys.argv[3]))))
backend.close()
"""


def _fresh_process_scores(model: Path) -> list[float]:
    payload = json.dumps([[m.role, m.content] for m in TARGET])
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(model), payload, json.dumps(OPTIONS)],
        capture_output=True, text=True, timeout=600, check=True,
    )
    return [float(x) for x in json.loads(done.stdout.strip().splitlines()[-1])]


@pytest.fixture(scope="module")
def qwen(default_model: Path) -> Iterator[LlamaCppBackend]:
    backend = LlamaCppBackend(default_model, n_threads=1)
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def fresh(default_model: Path) -> list[float]:
    """The target's scores, computed first thing in a fresh process."""
    return _fresh_process_scores(default_model)


def test_scores_do_not_depend_on_earlier_prompts(
    qwen: LlamaCppBackend, fresh: list[float]
) -> None:
    for messages in OTHERS:  # share the system prefix with the target
        qwen.score_options(messages, OPTIONS)
    qwen.generate(OTHERS[0], max_tokens=3)
    after = qwen.score_options(TARGET, OPTIONS)
    assert after == pytest.approx(fresh, abs=1e-9, rel=0)


def test_partly_cached_run_scores_like_a_fresh_process(
    qwen: LlamaCppBackend, fresh: list[float], tmp_path: Path
) -> None:
    first = CachedBackend(qwen, ResponseCache(tmp_path / "c.sqlite"))
    for messages in OTHERS:  # the run that was killed after two answers
        first.score_options(messages, OPTIONS)
    resumed = CachedBackend(qwen, ResponseCache(tmp_path / "c.sqlite"))
    resumed.score_options(OTHERS[1], OPTIONS)  # a hit: no model work
    assert resumed.hits == 1
    assert resumed.score_options(TARGET, OPTIONS) == pytest.approx(fresh, abs=1e-9, rel=0)
