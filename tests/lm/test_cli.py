"""`rung lm` commands through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rung.cli import main as cli

cli._register()
runner = CliRunner()


def test_ask_with_choices_json() -> None:
    args = ["lm", "ask", "Does smoking cause lung cancer?", "--choices", "yes,no", "--json"]
    result = runner.invoke(cli.app, [*args, "--model", "tiny", "--system", "Answer yes or no."])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["answer"] in ("yes", "no")
    assert set(out["probabilities"]) == {"yes", "no"}
    assert sum(out["probabilities"].values()) == pytest.approx(1.0)


def test_ask_generates_and_info_counts_cache(isolated_cache: Path) -> None:
    args = ["lm", "ask", "Say hi.", "--model", "tiny", "--max-tokens", "4"]
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 0 and result.stdout.strip()
    info = runner.invoke(cli.app, ["lm", "info", "--model", "tiny", "--json"])
    data = json.loads(info.stdout)
    assert data["backend"] == "embedded" and data["model_ready"] is True
    assert data["cache_path"] == str(isolated_cache) and data["cache_entries"] == 1


def test_bad_input_and_missing_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = runner.invoke(cli.app, ["lm", "ask", "Q", "--model", "bogus"])
    assert bad.exit_code == 2 and "unknown backend spec 'bogus'" in bad.output
    monkeypatch.setenv("RUNG_MODEL_DIR", str(tmp_path / "empty"))
    missing = runner.invoke(cli.app, ["lm", "ask", "Q", "--model", "embedded"])
    assert missing.exit_code == 1 and "rung lm setup" in missing.output
    info = runner.invoke(cli.app, ["lm", "info", "--json"])
    assert json.loads(info.stdout)["model_ready"] is False
