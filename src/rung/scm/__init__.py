"""Structural causal models on finite domains: a TOML file format with a safe equation
parser, evaluation under interventions, counterfactuals, Halpern–Pearl actual causation and
the Chockler–Halpern degree of responsibility. See ``docs/scm.md``."""

from __future__ import annotations

from rung.scm.actual import ActualCauseResult, Definition, Witness, is_actual_cause
from rung.scm.counterfactual import (
    CounterfactualAnswer,
    counterfactual_probability,
    counterfactual_value,
)
from rung.scm.errors import ExpressionError, ModelError, SearchLimitExceeded
from rung.scm.model import Domain, StructuralModel, load_model, parse_model
from rung.scm.query import (
    CounterfactualQuery,
    CounterfactualVariable,
    Event,
    parse_query,
    parse_setting,
    parse_term,
)

__all__ = [
    "ActualCauseResult",
    "CounterfactualAnswer",
    "CounterfactualQuery",
    "CounterfactualVariable",
    "Definition",
    "Domain",
    "Event",
    "ExpressionError",
    "ModelError",
    "SearchLimitExceeded",
    "StructuralModel",
    "Witness",
    "counterfactual_probability",
    "counterfactual_value",
    "is_actual_cause",
    "load_model",
    "parse_model",
    "parse_query",
    "parse_setting",
    "parse_term",
]
