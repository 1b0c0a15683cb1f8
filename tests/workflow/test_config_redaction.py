"""The co-pilot's recorded config never holds a key carried in a model URL."""

from __future__ import annotations

import json

from rung.workflow.config import CopilotConfig, LLMConfig

CANARY = "sk-canary-91d2"


def test_model_url_key_is_redacted_in_config_json() -> None:
    cfg = CopilotConfig("X", "Y",
                        llm=LLMConfig(model=f"http://me:{CANARY}@127.0.0.1:8/v1|qwen"))
    text = json.dumps(cfg.to_json())
    assert CANARY not in text and "127.0.0.1:8" in text
    assert cfg.llm.model is not None and CANARY in cfg.llm.model  # the live config still connects
