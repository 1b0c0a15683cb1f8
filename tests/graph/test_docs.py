"""The Python examples of docs/graph.md run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "graph.md"


@pytest.mark.skipif(not DOC.exists(), reason="docs/graph.md not present")
def test_graph_guide_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) >= 5
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block.replace("/tmp/", str(tmp_path) + "/"), str(DOC), "exec"), namespace)
