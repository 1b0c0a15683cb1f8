"""Causal discovery from data (causal-learn's PC, FCI, GES) with per-edge evidence.

Plain functions are the public API: :func:`find_pc`, :func:`find_fci`, :func:`find_ges`
return a :class:`DiscoveryResult` (marked edges, the definite part as a ``CausalGraph``, and
CI-test evidence for every pair). Background knowledge is a :class:`Knowledge`.
"""

from rung.discover.algorithms import find_fci, find_ges, find_pc, has_orientation_conflicts
from rung.discover.citest import choose_ci_test, collect_evidence, is_discrete_column
from rung.discover.knowledge import Knowledge, knowledge_from_confidences
from rung.discover.prior_search import PriorSearchResult, prior_search
from rung.discover.result import DiscoveredEdge, DiscoveryResult, EdgeEvidence

__all__ = [
    "DiscoveredEdge",
    "DiscoveryResult",
    "EdgeEvidence",
    "Knowledge",
    "PriorSearchResult",
    "choose_ci_test",
    "collect_evidence",
    "find_fci",
    "find_ges",
    "find_pc",
    "has_orientation_conflicts",
    "is_discrete_column",
    "knowledge_from_confidences",
    "prior_search",
]
