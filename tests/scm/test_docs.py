"""The Python examples of docs/scm.md run, and its model-file example parses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rung.scm import parse_model

DOC = Path(__file__).resolve().parents[2] / "docs" / "scm.md"


@pytest.mark.skipif(not DOC.exists(), reason="docs/scm.md not present")
def test_scm_guide_examples_run() -> None:
    text = DOC.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)  # the guide's own code
    toml_blocks = re.findall(r"```toml\n(.*?)```", text, re.S)
    model = parse_model(toml_blocks[0], source="docs/scm.md")
    assert model.solve()["BS"] == 1
