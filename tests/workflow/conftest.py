"""Fixtures of the workflow tests: one tiny-model run of a simulated case study, shared."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]


@pytest.fixture(scope="session", autouse=True)
def _private_lm_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the tests' LM answers out of the user's response cache."""
    old = os.environ.get("RUNG_LM_CACHE")
    os.environ["RUNG_LM_CACHE"] = str(tmp_path_factory.mktemp("lm") / "cache.sqlite")
    yield
    if old is None:
        os.environ.pop("RUNG_LM_CACHE", None)
    else:
        os.environ["RUNG_LM_CACHE"] = old


@pytest.fixture
def screenshot() -> Callable[[Path, Path, Path], tuple[np.ndarray, str]]:
    """The function :func:`take_screenshot` (skips the test when Chromium is missing)."""
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.skip("chromium is not installed (make browser installs it)")
    return take_screenshot


def take_screenshot(html: Path, out_png: Path, profile: Path, height: int = 4000
                    ) -> tuple[np.ndarray, str]:
    """Render ``html`` in headless Chromium; (RGB pixels, Chromium's stderr log)."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
    cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size=1280,{height}",
           f"--screenshot={out_png}", html.resolve().as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0 and out_png.exists(), proc.stderr[-2000:]
    from matplotlib.image import imread

    pixels = imread(out_png)[..., :3]
    return np.asarray(pixels, dtype=float), proc.stderr
