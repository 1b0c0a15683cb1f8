"""The statin case with an unsure or silent LLM (see :mod:`test_honest_headline`): a separate
file, so that its slow runs go to the other test worker."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.workflow.test_honest_headline import check_statin_run, statin_discovered

__all__ = ["statin_discovered"]  # the module-scoped fixture, run once for this file too


@pytest.mark.slow
@pytest.mark.parametrize("beliefs", [
    pytest.param({("statin", "age"): 0.3, ("age", "statin"): 0.1}, id="llm-wrong-and-unsure"),
    pytest.param({}, id="llm-silent"),
])
def test_statin_age_never_confidently_wrong(tmp_path: Path, beliefs: dict,
                                            statin_discovered: tuple[Path, pd.DataFrame]
                                            ) -> None:
    check_statin_run(tmp_path, beliefs, statin_discovered)
