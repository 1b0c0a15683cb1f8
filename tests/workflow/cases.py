"""Simulated cases with a known effect for the workflow's honesty tests, and a scripted
language model that states given beliefs about "Does x cause y?".

The statin case follows the one a user ran into: age, sex, smoking, statin, LDL and CVD
risk, with a true average effect of statin on CVD risk of -2.0 (-0.6 directly, -35 x 0.04
through LDL). Age confounds statin and CVD risk: a graph that drops it from the
adjustment set gets the effect wrong.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from rung.lm.backends.scripted import ScriptedBackend
from rung.lm.base import Message

STATIN_TRUE_ATE = -2.0
STATIN_EDGES = (("age", "statin"), ("sex", "statin"), ("age", "LDL"), ("statin", "LDL"),
                ("smoking", "LDL"), ("age", "CVD"), ("sex", "CVD"), ("smoking", "CVD"),
                ("LDL", "CVD"), ("statin", "CVD"))


def statin_data(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """Rows of the statin SCM (columns age, sex, smoking, statin, LDL, CVD)."""
    rng = np.random.default_rng(seed)
    age = rng.normal(60.0, 8.0, n)
    sex = rng.binomial(1, 0.5, n).astype(float)
    smoking = rng.binomial(1, 0.3, n).astype(float)
    p_statin = 1 / (1 + np.exp(-(0.15 * (age - 60.0) + 0.6 * sex - 0.2)))
    statin = rng.binomial(1, p_statin).astype(float)
    ldl = 140 + 0.8 * (age - 60.0) - 35.0 * statin + 5.0 * smoking + rng.normal(0, 10, n)
    cvd = (10 + 0.2 * (age - 60.0) + 1.0 * sex + 1.5 * smoking + 0.04 * ldl - 0.6 * statin
           + rng.normal(0, 1, n))
    return pd.DataFrame({"age": age, "sex": sex, "smoking": smoking, "statin": statin,
                         "LDL": ldl, "CVD": cvd})


_QUESTIONS = ((re.compile(r"Does (.+?) cause (.+?)\? Answer"), False),
              (re.compile(r"If we intervened to change (.+?), would (.+?) change"), False),
              (re.compile(r"Is (.+?) causally influenced by (.+?)\? Answer"), True))


def believing_backend(beliefs: Mapping[tuple[str, str], float], default: float = 0.1
                      ) -> ScriptedBackend:
    """A scripted model answering P(Yes) = ``beliefs[(x, y)]`` to "Does x cause y?"."""

    def rule(messages: Sequence[Message], prefix: str, option: str) -> float | None:
        text = messages[-1].content
        for pattern, reverse in _QUESTIONS:
            m = pattern.search(text)
            if m is None:
                continue
            x, y = m.group(1), m.group(2)  # "Does x cause y?"
            if reverse:  # "Is y causally influenced by x?"
                x, y = y, x
            p = beliefs.get((x, y), default)
            return math.log(p) if option == "Yes" else math.log(1 - p)
        return None

    return ScriptedBackend(rule=rule, model_id="scripted-beliefs")
