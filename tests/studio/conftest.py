"""Fixtures of the studio tests: a real workflow run of the Sachs example (fast settings,
with a scripted language model: a test double for the LLM, allowed here because no studio
test is about the LLM's answers), and a studio served on 127.0.0.1 for the browser."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rung.lm.backends.scripted import ScriptedBackend
from rung.lm.base import Message
from rung.workflow import CopilotConfig, run_copilot

CHROMIUM = Path("/usr/bin/chromium")
XSS = "<script>alert(1)</script>"
_QUESTIONS = ((re.compile(r"Does (.+?) cause (.+?)\? Answer"), False),
              (re.compile(r"If we intervened to change (.+?), would (.+?) change"), False),
              (re.compile(r"Is (.+?) causally influenced by (.+?)\? Answer"), True))


def consensus_backend(edges: Sequence[tuple[str, str]]) -> ScriptedBackend:
    """A scripted model answering P(Yes) = 0.7 to "Does x cause y?" on the given edges and
    0.1 elsewhere."""
    known = set(edges)

    def rule(messages: Sequence[Message], prefix: str, option: str) -> float | None:
        for pattern, reverse in _QUESTIONS:
            m = pattern.search(messages[-1].content)
            if m is None:
                continue
            x, y = (m.group(2), m.group(1)) if reverse else (m.group(1), m.group(2))
            p = 0.7 if (x, y) in known else 0.1
            return math.log(p) if option == "Yes" else math.log(1 - p)
        return None

    return ScriptedBackend(rule=rule, model_id="scripted-consensus")


def fast(config: CopilotConfig) -> CopilotConfig:
    """The settings made cheap: few bootstrap and posterior samples, few class members, and
    PC's data step (the studio's edits are what these tests check; on the fused default the
    consensus expert leaves PKC with no directed path to P38, see docs/workflow.md)."""
    from dataclasses import replace

    return replace(config, estimate=replace(config.estimate, bootstrap=10, generative_samples=50),
                   review=replace(config.review, class_limit=4),
                   discovery=replace(config.discovery, method="pc"))


@pytest.fixture(scope="session")
def sachs_backend() -> ScriptedBackend:
    from rung.workflow import get_example

    ref = get_example("sachs").reference_edges or ()
    return consensus_backend(ref)


@pytest.fixture(scope="session")
def sachs_run(tmp_path_factory: pytest.TempPathFactory, sachs_backend: ScriptedBackend
              ) -> Path:
    """A run directory of ``rung copilot --example sachs`` (fast settings)."""
    from rung.workflow import prepare_run

    run = prepare_run(example="sachs")
    raw, config = run.data, run.config
    out = tmp_path_factory.mktemp("sachs-run")
    run_copilot(raw, fast(config), out, backend=sachs_backend,
                show_progress=False)
    return out


def xss_frame(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """A small linear back-door data set whose confounder is named like a script tag."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n)
    x = 0.8 * z + rng.normal(size=n)
    y = 1.5 * x + 0.7 * z + rng.normal(size=n)
    return pd.DataFrame({XSS: z, "X": x, "Y": y})


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (skipped when it is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()
