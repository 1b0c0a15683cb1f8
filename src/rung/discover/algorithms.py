"""Causal discovery from data with causal-learn: PC, FCI and GES.

- PC: Spirtes, Glymour & Scheines (2000), *Causation, Prediction, and Search*; the
  order-independent ("stable") skeleton of Colombo & Maathuis (2014). Output: a CPDAG.
- FCI: Spirtes, Meek & Richardson (1995); Zhang (2008) orientation rules. Output: a PAG,
  which allows latent confounders (``<->``) and marks what the data cannot decide (``o``).
- GES: Chickering (2002), greedy equivalence search with the BIC score. Output: a CPDAG.

Every function returns a :class:`~rung.discover.result.DiscoveryResult` with CI-test evidence
for every pair of variables (see :func:`~rung.discover.citest.collect_evidence`).
"""

from __future__ import annotations

import contextlib
import io
import warnings
import zlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from rung.discover.citest import (
    CITestName,
    choose_ci_test,
    collect_evidence,
    make_ci_test,
    test_matrix,
)
from rung.discover.knowledge import Knowledge, to_causallearn
from rung.discover.result import DiscoveryResult, edges_from_marks

__all__ = ["find_fci", "find_ges", "find_pc", "has_orientation_conflicts"]


def _check_data(data: pd.DataFrame, alpha: float) -> list[str]:
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha={alpha} must lie strictly between 0 and 1")
    if data.shape[1] < 2:
        raise ValueError(f"discovery needs at least 2 columns, got {list(data.columns)}")
    if len(data) < 5:
        raise ValueError(f"discovery needs at least 5 rows, got {len(data)}")
    if data.isna().any().any():
        bad = [str(c) for c in data.columns if data[c].isna().any()]
        raise ValueError(f"columns {bad} contain missing values; drop or impute them first")
    return [str(c) for c in data.columns]


def _stable_hash(node: Any) -> int:
    return zlib.crc32(str(node.get_name()).encode("utf-8"))


@contextlib.contextmanager
def _stable_node_order() -> Iterator[None]:
    """Make causal-learn's node hashing independent of ``PYTHONHASHSEED``.

    ``GraphNode.__hash__`` hashes the node's name, and FCI iterates over *sets* of nodes,
    so its orientations (e.g. ``o->`` vs ``<->``) changed from one process to the next on
    the same data (seen on Sachs). A CRC-32 of the name keeps hash/equality consistent and
    the iteration order reproducible; the original hash is restored afterwards.
    """
    from causallearn.graph.GraphNode import GraphNode

    original = GraphNode.__hash__
    GraphNode.__hash__ = _stable_hash
    try:
        yield
    finally:
        GraphNode.__hash__ = original


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """causal-learn prints and warns freely; keep the terminal for rung's own progress."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def _finish(
    method: str,
    marks: np.ndarray,
    names: list[str],
    data: pd.DataFrame,
    test: CITestName,
    settings: dict[str, Any],
) -> DiscoveryResult:
    edges = edges_from_marks(marks, names)
    cit = make_ci_test(data, test)
    evidence = collect_evidence(cit, names, [(e.source, e.target) for e in edges])
    return DiscoveryResult(method, tuple(names), edges, evidence, {"ci_test": test, **settings})


def find_pc(
    data: pd.DataFrame,
    *,
    alpha: float = 0.01,
    ci_test: CITestName | None = None,
    knowledge: Knowledge | None = None,
) -> DiscoveryResult:
    """Run the PC algorithm (stable skeleton) and return the CPDAG with evidence.

    Conflicting v-structures (``A -> C <- D`` and ``C -> D <- B``) are kept as ``C <-> D``.

    Parameters
    ----------
    data : DataFrame
        Numeric columns, no missing values.
    alpha : float
        Significance level of the CI tests.
    ci_test : {"fisherz", "gsq", "chisq", "kci"}, optional
        Defaults to :func:`~rung.discover.citest.choose_ci_test`.
    knowledge : Knowledge, optional
        Required / forbidden directed edges.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=2000); z = rng.normal(size=2000)
    >>> y = x + z + rng.normal(size=2000)
    >>> res = find_pc(pd.DataFrame({"X": x, "Z": z, "Y": y}))
    >>> sorted(str(e) for e in res.edges)
    ['X -> Y', 'Z -> Y']
    """
    from causallearn.search.ConstraintBased.PC import pc

    names = _check_data(data, alpha)
    test = ci_test or choose_ci_test(data)
    bk = to_causallearn(knowledge, names) if knowledge else None
    with _quiet(), _stable_node_order():
        # uc_priority=1: conflicting colliders become X <-> Y instead of being silently
        # resolved, so latent confounding shows up (see has_orientation_conflicts)
        cg = pc(test_matrix(data, test), alpha, test, stable=True, uc_priority=1,
                background_knowledge=bk, show_progress=False, node_names=names)
    settings = {"alpha": alpha, "knowledge": (knowledge or Knowledge()).to_json()}
    return _finish("pc", cg.G.graph, names, data, test, settings)


def find_fci(
    data: pd.DataFrame,
    *,
    alpha: float = 0.01,
    ci_test: CITestName | None = None,
    knowledge: Knowledge | None = None,
) -> DiscoveryResult:
    """Run FCI and return the PAG (``<->`` for latent confounding, ``o`` marks undecided).

    Parameters are those of :func:`find_pc`.
    """
    from causallearn.search.ConstraintBased.FCI import fci

    names = _check_data(data, alpha)
    test = ci_test or choose_ci_test(data)
    bk = to_causallearn(knowledge, names) if knowledge else None
    with _quiet(), _stable_node_order():
        g, _ = fci(test_matrix(data, test), test, alpha, background_knowledge=bk,
                   show_progress=False, node_names=names)
    settings = {"alpha": alpha, "knowledge": (knowledge or Knowledge()).to_json()}
    return _finish("fci", g.graph, names, data, test, settings)


def find_ges(data: pd.DataFrame, *, ci_test: CITestName | None = None) -> DiscoveryResult:
    """Run GES with the BIC score (linear-Gaussian) and return the CPDAG with evidence.

    ``ci_test`` only chooses the test used for the per-pair evidence. causal-learn's GES
    takes no background knowledge.
    """
    from causallearn.search.ScoreBased.GES import ges

    names = _check_data(data, 0.5)
    test = ci_test or choose_ci_test(data)
    x = data.to_numpy(dtype=float)
    x = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    with _quiet(), _stable_node_order():
        record = ges(x, score_func="local_score_BIC", node_names=names)
    return _finish("ges", record["G"].graph, names, data, test,
                   {"score": "BIC", "score_value": float(np.ravel(record["score"])[0])})


def has_orientation_conflicts(result: DiscoveryResult) -> bool:
    """True when a CPDAG holds bidirected edges: PC found colliders pointing both ways
    along an edge, a sign of latent confounding (then FCI is the better tool)."""
    return result.method != "fci" and any(e.kind == "<->" for e in result.edges)
