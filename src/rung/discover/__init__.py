"""Causal discovery from data (causal-learn's PC, FCI, GES) with per-edge evidence, and the
co-pilot's score-based search with beliefs as a prior.

Plain functions are the public API: :func:`find_pc`, :func:`find_fci`, :func:`find_ges`
return a :class:`DiscoveryResult` (marked edges, the definite part as a ``CausalGraph``, and
CI-test evidence for every pair). Background knowledge is a :class:`Knowledge`.
:func:`prior_search` and :func:`fuse` search with :class:`EdgeBelief` values as a soft prior.

Names load on first use (PEP 562), so importing a light submodule such as
:mod:`rung.discover.prior_search` does not load causal-learn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rung.discover.algorithms import find_fci, find_ges, find_pc, has_orientation_conflicts
    from rung.discover.citest import choose_ci_test, collect_evidence, is_discrete_column
    from rung.discover.fuse import FusionResult, fuse
    from rung.discover.knowledge import Knowledge, knowledge_from_confidences
    from rung.discover.prior_search import EdgeBelief, PriorSearchResult, prior_search
    from rung.discover.result import DiscoveredEdge, DiscoveryResult, EdgeEvidence

_WHERE = {
    "find_fci": "algorithms", "find_ges": "algorithms", "find_pc": "algorithms",
    "has_orientation_conflicts": "algorithms",
    "choose_ci_test": "citest", "collect_evidence": "citest", "is_discrete_column": "citest",
    "FusionResult": "fuse", "fuse": "fuse",
    "Knowledge": "knowledge", "knowledge_from_confidences": "knowledge",
    "EdgeBelief": "prior_search", "PriorSearchResult": "prior_search",
    "prior_search": "prior_search",
    "DiscoveredEdge": "result", "DiscoveryResult": "result", "EdgeEvidence": "result",
}

__all__ = [
    "DiscoveredEdge",
    "DiscoveryResult",
    "EdgeBelief",
    "EdgeEvidence",
    "FusionResult",
    "Knowledge",
    "PriorSearchResult",
    "choose_ci_test",
    "collect_evidence",
    "find_fci",
    "find_ges",
    "find_pc",
    "fuse",
    "has_orientation_conflicts",
    "is_discrete_column",
    "knowledge_from_confidences",
    "prior_search",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'rung.discover' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"rung.discover.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
