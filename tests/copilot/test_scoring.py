"""The co-pilot's softmax is the LM layer's one softmax, with its one stated exception."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from rung.copilot.scoring import softmax
from rung.lm.base import normalize_scores

LOGP = st.one_of(st.just(-math.inf), st.floats(min_value=-700.0, max_value=0.0))


@given(st.lists(LOGP, min_size=1, max_size=8).filter(lambda xs: max(xs) > -math.inf))
def test_softmax_is_the_lm_softmax_and_matches_numpy(logps: list[float]) -> None:
    assert softmax(logps) == normalize_scores(logps)
    x = np.array(logps)
    reference = np.exp(x - x.max()) / np.exp(x - x.max()).sum()
    assert np.allclose(softmax(logps), reference, rtol=1e-12, atol=1e-300)


@given(st.integers(min_value=0, max_value=6))
def test_every_option_impossible_is_no_preference(n: int) -> None:
    assert softmax([-math.inf] * n) == [1.0 / n for _ in range(n)]
