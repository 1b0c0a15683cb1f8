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
    assert is_discrete(np.array([-1.0, 1.0]))  # binary, whatever its codes


def test_integer_counts_are_numbers_not_categories() -> None:
    """Molecule counts (IGF study: SOS about N(46, 5.4), integers) with few distinct values
    are numeric; a contrast inside their observed range is allowed, even at an unseen value."""
    rng = np.random.default_rng(0)
    sos = np.round(rng.normal(46.0, 5.4, 100))
    assert len(np.unique(sos)) <= 30
    assert not is_discrete(sos) and column_kind(sos) == "continuous"
    small = np.round(rng.normal(46.0, 5.4, 12))  # at most 12 distinct values
    assert len(np.unique(small)) <= MAX_DISCRETE_VALUES and not is_discrete(small)
    inside = next(v for v in np.arange(sos.min(), sos.max()) if v not in sos)
    check_contrast_support(sos, (float(inside), float(np.median(sos))), "SOS")
    with pytest.raises(DataError, match="outside the observed range"):
        check_contrast_support(sos, (sos.max() + 5, np.median(sos)), "SOS")
    # declared, the same counts are levels again
    assert is_discrete(sos, categorical=True)
    with pytest.raises(DataError, match="never takes the value"):
        check_contrast_support(sos, (float(inside), float(np.median(sos))), "SOS",
                               categorical=True)


def test_counts_treatment_estimates_inside_the_range() -> None:
    """A back-door effect of a count treatment (Poisson shifted to 30..60) at N = 100."""
    import pandas as pd

    from rung.estimate import estimate_effect
    from rung.graph import CausalGraph

    rng = np.random.default_rng(1)
    n = 100
    z = rng.normal(size=n)
    x = 30.0 + rng.poisson(np.exp(2.7 + 0.2 * z))
    y = 0.5 * x + 2.0 * z + rng.normal(size=n)
    g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y")
    df = pd.DataFrame({"Z": z, "X": x, "Y": y})
    a, b = float(np.percentile(x, 80)) + 0.5, float(np.percentile(x, 20)) + 0.5
    assert a not in x and b not in x  # values never observed, inside the range
    res = estimate_effect(g, df, "X", "Y", contrast=(a, b), seed=0)
    assert res.method == "regression"
    assert res.ci is not None and res.ci[0] < 0.5 * (a - b) < res.ci[1]


def test_every_estimator_uses_the_one_rule() -> None:
    import inspect

    from rung.estimate import FrontDoor, MixedConfig, PluginEstimator

    assert inspect.signature(PluginEstimator).parameters["max_categories"].default == 20
    assert MixedConfig().max_categories == MAX_DISCRETE_VALUES
    src = inspect.getsource(FrontDoor._means)  # where the front-door levels are computed
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
