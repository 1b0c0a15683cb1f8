from __future__ import annotations

from pathlib import Path

import pytest

from rung.lm.settings import SettingsError, load_settings
from rung.lm.spec import BackendKind, SpecError, parse_spec


@pytest.mark.parametrize(
    ("text", "kind", "model", "url"),
    [
        ("embedded", BackendKind.EMBEDDED, "default", None),
        ("tiny", BackendKind.EMBEDDED, "tiny", None),
        ("gguf:/m/x.gguf", BackendKind.EMBEDDED, "/m/x.gguf", None),
        ("openai:gpt-4o", BackendKind.OPENAI, "gpt-4o", None),
        ("http://127.0.0.1:8000/v1|qwen", BackendKind.OPENAI, "qwen", "http://127.0.0.1:8000/v1"),
        ("https://h/v1/|m", BackendKind.OPENAI, "m", "https://h/v1"),
        ("transformers:/ckpt", BackendKind.TRANSFORMERS, "/ckpt", None),
    ],
)
def test_parse_spec(text: str, kind: BackendKind, model: str, url: str | None) -> None:
    spec = parse_spec(text)
    assert (spec.kind, spec.model, spec.base_url) == (kind, model, url)


@pytest.mark.parametrize("text", ["bogus", "http://h/v1", "http://h/v1|", "openai:", "x:y"])
def test_bad_spec_names_value_and_setting(text: str) -> None:
    with pytest.raises(SpecError, match=r"RUNG_LM|MODEL"):
        parse_spec(text)


def test_precedence_argument_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[lm]\nbackend = "tiny"\nthreads = 3\nmodel_dir = "/opt/models"\n')
    monkeypatch.setenv("RUNG_CONFIG", str(config))
    assert load_settings().spec == "tiny"
    assert load_settings().threads == 3
    assert load_settings().model_dir == Path("/opt/models")
    monkeypatch.setenv("RUNG_LM", "openai:gpt-4o")
    assert load_settings().spec == "openai:gpt-4o"
    assert load_settings("embedded").spec == "embedded"


def test_bad_settings_raise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNG_LM_THREADS", "zero")
    with pytest.raises(SettingsError, match="RUNG_LM_THREADS"):
        load_settings()
    monkeypatch.setenv("RUNG_LM_THREADS", "-1")
    with pytest.raises(SettingsError, match="positive"):
        load_settings()
    monkeypatch.delenv("RUNG_LM_THREADS")
    bad = tmp_path / "bad.toml"
    bad.write_text("[lm\n")
    monkeypatch.setenv("RUNG_CONFIG", str(bad))
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings()
