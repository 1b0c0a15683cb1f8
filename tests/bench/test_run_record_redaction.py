"""``run.json`` never stores a key carried in a model URL."""

from __future__ import annotations

from pathlib import Path

from rung.bench.runner import RunConfig, _check_config

CANARY = "sk-canary-5f1c0e9d"


def test_model_url_password_is_redacted_in_run_json(tmp_path: Path) -> None:
    config = RunConfig("tuebingen", model=f"http://user:{CANARY}@127.0.0.1:9/v1|qwen")
    _check_config(tmp_path, config, "openai:qwen")
    text = (tmp_path / "run.json").read_text()
    assert CANARY not in text
    assert "127.0.0.1:9" in text  # the rest of the address is kept
