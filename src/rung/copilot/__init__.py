"""The LLM causal co-pilot: many prompts per question, aggregated into calibrated answers.

Every query expands into K variants (paraphrased templates × option order × persona ×
with/without descriptions); answers are scored as statements (per-direction yes/no, or whole
options), never as bare letters alone, and always in both presentation orders. Results keep
every variant's prompt and answer, the number of model calls and position-bias statistics.

Examples
--------
>>> from rung.copilot import pairwise
>>> r = pairwise("altitude", "temperature")  # doctest: +SKIP
>>> r.answer, r.agreement  # doctest: +SKIP
('A->B', 0.75)
"""

from rung.copilot.aggregate import (
    Aggregate,
    PositionBias,
    VariantRecord,
    aggregate,
    entropy_bits,
    position_bias,
)
from rung.copilot.calibration import TemperatureCalibration
from rung.copilot.graph import STRATEGIES, propose_graph
from rung.copilot.judgments import actual_cause, ask_choice, counterfactual, judgment
from rung.copilot.pairwise import PAIRWISE_LABELS, direction_probabilities, pairwise
from rung.copilot.repair import repair_cycles
from rung.copilot.results import (
    ChoiceResult,
    EnsembleResult,
    GraphProposal,
    PairwiseResult,
    ProposedEdge,
)
from rung.copilot.templates import Persona, PromptTemplate, TemplateBook, load_templates

__all__ = [
    "PAIRWISE_LABELS",
    "STRATEGIES",
    "Aggregate",
    "ChoiceResult",
    "EnsembleResult",
    "GraphProposal",
    "PairwiseResult",
    "Persona",
    "PositionBias",
    "PromptTemplate",
    "ProposedEdge",
    "TemperatureCalibration",
    "TemplateBook",
    "VariantRecord",
    "actual_cause",
    "aggregate",
    "ask_choice",
    "counterfactual",
    "direction_probabilities",
    "entropy_bits",
    "judgment",
    "load_templates",
    "pairwise",
    "position_bias",
    "propose_graph",
    "repair_cycles",
]
