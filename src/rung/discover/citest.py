"""Conditional-independence tests: pick one that suits the data, and collect per-pair evidence.

Continuous columns get Fisher's z test (partial correlation, Gaussian assumption); discrete
columns (few integer levels) get the G² likelihood-ratio test; a mix of the two gets the
kernel CI test (KCI, Zhang et al. 2011) on a random subsample, since KCI costs O(n³).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any, Literal

import numpy as np
import pandas as pd

from rung.data import is_discrete
from rung.discover.result import EdgeEvidence

__all__ = [
    "KCI_MAX_ROWS",
    "CITestName",
    "choose_ci_test",
    "collect_evidence",
    "is_discrete_column",
    "make_ci_test",
]

CITestName = Literal["fisherz", "gsq", "chisq", "kci"]
KCI_MAX_ROWS = 400


def is_discrete_column(values: pd.Series) -> bool:
    """True for integer-valued columns by rung's one discreteness rule
    (:func:`rung.data.is_discrete`: at most :data:`rung.data.kinds.MAX_DISCRETE_VALUES`
    distinct integer values).

    Examples
    --------
    >>> is_discrete_column(pd.Series([0, 1, 1, 2]))
    True
    >>> is_discrete_column(pd.Series([0.5, 1.25, 3.0]))
    False
    """
    return is_discrete(values.to_numpy(dtype=float))


def choose_ci_test(data: pd.DataFrame) -> CITestName:
    """The CI test that suits the column types: ``fisherz``, ``gsq`` or ``kci`` (mixed).

    Examples
    --------
    >>> choose_ci_test(pd.DataFrame({"a": [0.1, 0.7, 2.3], "b": [1.5, 0.2, 0.9]}))
    'fisherz'
    >>> choose_ci_test(pd.DataFrame({"a": [0, 1, 1], "b": [1, 0, 1]}))
    'gsq'
    """
    discrete = [is_discrete_column(data[c]) for c in data.columns]
    if all(discrete):
        return "gsq"
    if not any(discrete):
        return "fisherz"
    return "kci"


def test_matrix(data: pd.DataFrame, test: CITestName, seed: int = 0) -> np.ndarray:
    """The numeric matrix a test runs on (KCI: a subsample of at most ``KCI_MAX_ROWS``)."""
    x = data.to_numpy(dtype=float)
    if test == "kci" and len(x) > KCI_MAX_ROWS:
        rows = np.random.default_rng(seed).choice(len(x), KCI_MAX_ROWS, replace=False)
        x = x[np.sort(rows)]
    if test in ("gsq", "chisq"):
        # causal-learn wants category codes 0..k-1 per column
        x = np.column_stack([np.unique(col, return_inverse=True)[1] for col in x.T]).astype(float)
    return np.asarray(x, dtype=float)


def make_ci_test(data: pd.DataFrame, test: CITestName, seed: int = 0) -> Any:
    """A causal-learn CIT object: ``cit(i, j, S) -> p-value`` on column indices."""
    from causallearn.utils.cit import CIT

    return CIT(test_matrix(data, test, seed), test)


def _candidate_sets(
    i: int, j: int, neighbours: Sequence[set[int]], max_size: int
) -> Iterable[tuple[int, ...]]:
    pool = sorted((neighbours[i] | neighbours[j]) - {i, j})
    for k in range(min(max_size, len(pool)) + 1):
        yield from combinations(pool, k)


def collect_evidence(
    cit: Any,
    names: Sequence[str],
    adjacency: Iterable[tuple[str, str]],
    *,
    max_condition: int = 2,
) -> dict[tuple[str, str], EdgeEvidence]:
    """For every pair, the largest CI p-value over conditioning sets drawn from the
    neighbours (in the found skeleton) of either end, up to ``max_condition`` variables.

    Parameters
    ----------
    cit : callable
        ``cit(i, j, S)`` returning a p-value, e.g. from :func:`make_ci_test`.
    names : sequence of str
        Variable names in column order.
    adjacency : iterable of (str, str)
        Adjacent pairs of the discovered graph; their neighbours are the candidates.
    max_condition : int
        Largest conditioning set tried.
    """
    index = {n: k for k, n in enumerate(names)}
    neighbours: list[set[int]] = [set() for _ in names]
    for a, b in adjacency:
        neighbours[index[a]].add(index[b])
        neighbours[index[b]].add(index[a])
    out: dict[tuple[str, str], EdgeEvidence] = {}
    for i, j in combinations(range(len(names)), 2):
        best, n_tests = -1.0, 0
        best_set: tuple[int, ...] = ()
        for s in _candidate_sets(i, j, neighbours, max_condition):
            p = float(cit(i, j, s))
            n_tests += 1
            if p > best:
                best, best_set = p, s
        a, b = sorted((names[i], names[j]))
        out[(a, b)] = EdgeEvidence(best, tuple(names[k] for k in best_set), n_tests)
    return out
