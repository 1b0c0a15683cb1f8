"""Datasets: simulated case studies with known truth, and the Sachs measurements."""

from rung.datasets.case_study import CaseStudy
from rung.datasets.messy import frontdoor_eleven, survey
from rung.datasets.sachs import (
    SACHS_CONDITIONS,
    SACHS_DESCRIPTIONS,
    SachsCondition,
    load_sachs,
    sachs_consensus_graph,
)
from rung.datasets.simulated import (
    linear_backdoor,
    linear_frontdoor,
    linear_iv,
    mixed_frontdoor,
    napkin,
    nonlinear_backdoor,
    signalling_pathway,
)

__all__ = [
    "SACHS_CONDITIONS",
    "SACHS_DESCRIPTIONS",
    "CaseStudy",
    "SachsCondition",
    "frontdoor_eleven",
    "linear_backdoor",
    "linear_frontdoor",
    "linear_iv",
    "load_sachs",
    "mixed_frontdoor",
    "napkin",
    "nonlinear_backdoor",
    "sachs_consensus_graph",
    "signalling_pathway",
    "survey",
]
