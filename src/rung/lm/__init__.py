"""rung's language-model layer: Guidance-style programs over embedded, OpenAI-compatible and
transformers backends, with a persistent response cache.

Examples
--------
>>> from rung.lm import Program, assistant, get_backend, select, user
>>> lm = Program(get_backend("scripted", cache=False))
>>> with user():
...     lm += "Does rain cause wet streets?"
>>> with assistant():
...     lm += select(["yes", "no"], name="answer")
>>> sorted(lm.probabilities("answer"))
['no', 'yes']
"""

from rung.lm.base import (
    Backend,
    GenerateOptions,
    Generation,
    LMError,
    Message,
    PromptTooLongError,
    Role,
    check_log_likelihoods,
    normalize_scores,
)
from rung.lm.program import Program, ProgramError, assistant, gen, select, system, user
from rung.lm.redaction import redact
from rung.lm.registry import get_backend
from rung.lm.settings import LMSettings, load_settings

__all__ = [
    "Backend",
    "GenerateOptions",
    "Generation",
    "LMError",
    "LMSettings",
    "Message",
    "Program",
    "ProgramError",
    "PromptTooLongError",
    "Role",
    "assistant",
    "check_log_likelihoods",
    "gen",
    "get_backend",
    "load_settings",
    "normalize_scores",
    "redact",
    "select",
    "system",
    "user",
]
