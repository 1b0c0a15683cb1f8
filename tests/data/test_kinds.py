"""One discreteness rule, one default contrast that never collapses, one support check."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.data import (
    MAX_DISCRETE_VALUES,
    DataError,
    check_contrast_support,
    column_kind,
    default_contrast,
    is_discrete,
)


def test_one_cut_off() -> None:
    assert MAX_DISCRETE_VALUES == 20
    assert is_discrete(np.arange(11.0)) and is_discrete(np.arange(20.0))
    assert not is_discrete(np.arange(21.0))
    assert is_discrete(np.arange(50.0), categorical=True)
    assert column_kind(np.arange(15.0)) == "categorical"


def test_every_estimator_uses_the_one_rule() -> None:
    import inspect

    from rung.estimate import FrontDoor, MixedConfig, PluginEstimator

    assert inspect.signature(PluginEstimator).parameters["max_categories"].default == 20
    assert MixedConfig().max_categories == MAX_DISCRETE_VALUES
    src = inspect.getsource(FrontDoor._estimate)
    assert "is_discrete(" in src and "10" not in src


def test_default_contrast_does_not_collapse_on_a_dominant_value() -> None:
    x = np.array([1.0] * 80 + [2.0] * 20)
    assert np.percentile(x, 75) == np.percentile(x, 25)  # the old default collapsed
    assert default_contrast(x) == (2.0, 1.0)
    assert default_contrast([0, 1, 1]) == (1.0, 0.0)
    # a rare extreme value is not chosen: 7 is held by 1 % of the rows
    assert default_contrast([0] * 50 + [1] * 30 + [2] * 19 + [7]) == (2.0, 0.0)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.integers(-3, 3).map(float), st.floats(-10, 10)), min_size=2,
                max_size=60))
def test_default_contrast_is_two_supported_values(values) -> None:
    x = np.asarray(values)
    if len(np.unique(x)) < 2:
        with pytest.raises(DataError, match="varies"):
            default_contrast(x)
        return
    a, b = default_contrast(x)
    assert a != b
    check_contrast_support(x, (a, b), "X")  # never extrapolates


def test_support_check_messages() -> None:
    with pytest.raises(DataError, match="equal"):
        check_contrast_support([0, 1], (1, 1), "X")
    with pytest.raises(DataError, match=r"outside the observed range of 'X' \[0.1, 0.9\]"):
        check_contrast_support([0.1, 0.5, 0.9], (2.0, 0.5), "X")
    with pytest.raises(DataError, match="never takes the value 5"):
        check_contrast_support([0, 1, 2], (5, 0), "X")
