"""The LLM causal co-pilot: many prompts per question, aggregated into calibrated answers.

Every query expands into K variants (paraphrased templates × option order × persona ×
with/without descriptions); answers are scored as statements (per-direction yes/no, or whole
options), never as bare letters alone, and always in both presentation orders. Results keep
every variant's prompt and answer, the number of model calls and position-bias statistics,
and say "undecided" when the top two answers are within a stated margin.

A :class:`Copilot` session holds what the questions share (backend, variants, templates,
calibrations, descriptions, context); its methods are the tasks. The module-level functions
(:func:`pairwise`, :func:`propose_graph`, ...) build a session per call.

Examples
--------
>>> from rung.copilot import Copilot, pairwise
>>> r = pairwise("altitude", "temperature")  # doctest: +SKIP
>>> r.decision.label, r.agreement  # doctest: +SKIP
('A->B', 0.75)
>>> cp = Copilot(context="Weather stations.")  # doctest: +SKIP
>>> cp.pairwise("altitude", "temperature").summary()  # doctest: +SKIP
"""

from rung.copilot.aggregate import (
    DECISION_MARGIN,
    MIN_AGREEMENT,
    UNDECIDED,
    Aggregate,
    Decision,
    PositionBias,
    VariantRecord,
    aggregate,
    decide,
    entropy_bits,
    position_bias,
)
from rung.copilot.beliefs import (
    CalibrationMethod,
    CalibrationScores,
    EdgeBelief,
    EdgeCalibration,
    EdgeSample,
    LabelledPair,
    beliefs_frame,
    collect_edge_samples,
    default_edge_calibration,
    fit_edge_calibration,
)
from rung.copilot.calibration import TemperatureCalibration, check_temperature
from rung.copilot.critique import Critique, EdgeNote
from rung.copilot.functions import (
    actual_cause,
    ask_choice,
    confounders,
    counterfactual,
    critique,
    instruments,
    judgment,
    latent_confounders,
    mediators,
    pairwise,
    propose_graph,
)
from rung.copilot.graph import STRATEGIES, Strategy
from rung.copilot.judgments import CauseKind
from rung.copilot.pairwise import PAIRWISE_LABELS, direction_probabilities
from rung.copilot.repair import repair_cycles
from rung.copilot.results import (
    ChoiceResult,
    EnsembleResult,
    GraphProposal,
    PairwiseResult,
    ProposedEdge,
)
from rung.copilot.roles import CandidateScore, Role, RoleResult
from rung.copilot.session import Copilot
from rung.copilot.templates import Persona, PromptTemplate, TemplateBook, load_templates

__all__ = [
    "DECISION_MARGIN",
    "MIN_AGREEMENT",
    "PAIRWISE_LABELS",
    "STRATEGIES",
    "UNDECIDED",
    "Aggregate",
    "CalibrationMethod",
    "CalibrationScores",
    "CandidateScore",
    "CauseKind",
    "ChoiceResult",
    "Copilot",
    "Critique",
    "Decision",
    "EdgeBelief",
    "EdgeCalibration",
    "EdgeNote",
    "EdgeSample",
    "EnsembleResult",
    "GraphProposal",
    "LabelledPair",
    "PairwiseResult",
    "Persona",
    "PositionBias",
    "PromptTemplate",
    "ProposedEdge",
    "Role",
    "RoleResult",
    "Strategy",
    "TemperatureCalibration",
    "TemplateBook",
    "VariantRecord",
    "actual_cause",
    "aggregate",
    "ask_choice",
    "beliefs_frame",
    "check_temperature",
    "collect_edge_samples",
    "confounders",
    "counterfactual",
    "critique",
    "decide",
    "default_edge_calibration",
    "direction_probabilities",
    "entropy_bits",
    "fit_edge_calibration",
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
