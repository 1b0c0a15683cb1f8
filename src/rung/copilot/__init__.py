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
from rung.copilot.critique import Critique, EdgeNote, critique, latent_confounders
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
from rung.copilot.roles import CandidateScore, RoleResult, confounders, instruments, mediators
from rung.copilot.templates import Persona, PromptTemplate, TemplateBook, load_templates

__all__ = [
    "PAIRWISE_LABELS",
    "STRATEGIES",
    "Aggregate",
    "CandidateScore",
    "ChoiceResult",
    "Critique",
    "EdgeNote",
    "EnsembleResult",
    "GraphProposal",
    "PairwiseResult",
    "Persona",
    "PositionBias",
    "PromptTemplate",
    "ProposedEdge",
    "RoleResult",
    "TemperatureCalibration",
    "TemplateBook",
    "VariantRecord",
    "actual_cause",
    "aggregate",
    "ask_choice",
    "confounders",
    "counterfactual",
    "critique",
    "direction_probabilities",
    "entropy_bits",
    "instruments",
    "judgment",
    "latent_confounders",
    "load_templates",
    "mediators",
    "pairwise",
    "position_bias",
    "propose_graph",
    "repair_cycles",
]
