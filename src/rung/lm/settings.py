"""Settings of the language-model layer, read from the environment and a config file.

Precedence: explicit argument > environment variable > config file > default.

=====================  ==========================  =====================================
setting                environment                 config file (``[lm]`` table)
=====================  ==========================  =====================================
backend spec           ``RUNG_LM``                 ``backend = "embedded"``
model directory        ``RUNG_MODEL_DIR``          ``model_dir = "~/.cache/rung/models"``
response cache file    ``RUNG_LM_CACHE``           ``cache = "~/.cache/rung/lm.sqlite"``
llama.cpp threads      ``RUNG_LM_THREADS``         ``threads = 2``
HTTP attempt time (s)  ``RUNG_LM_TIMEOUT``         ``timeout = 60``
OpenAI base URL        ``OPENAI_BASE_URL``         ``base_url = "https://..."``
=====================  ==========================  =====================================

The config file is ``$RUNG_CONFIG`` or ``~/.config/rung/config.toml``. API keys are read from
``OPENAI_API_KEY`` only (never from the config file, never written anywhere).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["LMSettings", "SettingsError", "config_path", "load_settings"]

DEFAULT_SPEC = "embedded"


class SettingsError(ValueError):
    """A setting has a value rung cannot use."""


def config_path() -> Path:
    """Path of the user config file (it need not exist)."""
    env = os.environ.get("RUNG_CONFIG")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "rung" / "config.toml"


def _cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rung"


@dataclass(frozen=True)
class LMSettings:
    """Resolved settings of the language-model layer.

    Attributes
    ----------
    spec : str
        Backend spec (``embedded``, ``tiny``, ``openai:gpt-4o``, ``http://host/v1|model``,
        ``transformers:/path``).
    model_dir : Path
        Where ``rung lm setup`` assembles the embedded model.
    cache_path : Path
        SQLite file of the persistent response cache.
    threads : int
        CPU threads llama.cpp uses.
    timeout : float
        Seconds one HTTP attempt may take, whole answer included (retries: see
        ``rung.lm.backends._http``).
    base_url : str
        Base URL of the OpenAI-compatible API for ``openai:MODEL`` specs.
    """

    spec: str = DEFAULT_SPEC
    model_dir: Path = Path("~/.cache/rung/models")
    cache_path: Path = Path("~/.cache/rung/lm.sqlite")
    threads: int = 2
    timeout: float = 60.0
    base_url: str = "https://api.openai.com/v1"


def _read_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(
            f"config file {path} is not valid TOML ({exc}); fix or remove it"
        ) from exc
    table = data.get("lm", {})
    if not isinstance(table, dict):
        raise SettingsError(f"config file {path}: [lm] must be a table, got {table!r}")
    return table


def _positive(name: str, value: Any, kind: type[int] | type[float]) -> Any:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise SettingsError(
            f"setting {name}={value!r} is not a number; set a positive one"
        ) from None
    if number <= 0:
        raise SettingsError(f"setting {name}={value!r} must be positive")
    return number


def load_settings(spec: str | None = None) -> LMSettings:
    """Resolve the settings from ``spec``, the environment and the config file.

    Examples
    --------
    >>> import os
    >>> os.environ["RUNG_LM"] = "tiny"
    >>> load_settings().spec
    'tiny'
    >>> load_settings("embedded").spec
    'embedded'
    >>> del os.environ["RUNG_LM"]
    """
    file = _read_config(config_path())
    env = os.environ

    def pick(env_name: str, key: str, default: Any) -> Any:
        if env.get(env_name):
            return env[env_name]
        return file.get(key, default)

    cache_home = _cache_home()
    return LMSettings(
        spec=spec or pick("RUNG_LM", "backend", DEFAULT_SPEC),
        model_dir=Path(pick("RUNG_MODEL_DIR", "model_dir", cache_home / "models")).expanduser(),
        cache_path=Path(pick("RUNG_LM_CACHE", "cache", cache_home / "lm.sqlite")).expanduser(),
        threads=_positive("RUNG_LM_THREADS", pick("RUNG_LM_THREADS", "threads", 2), int),
        timeout=_positive("RUNG_LM_TIMEOUT", pick("RUNG_LM_TIMEOUT", "timeout", 60.0), float),
        base_url=str(pick("OPENAI_BASE_URL", "base_url", "https://api.openai.com/v1")),
    )
