"""Typed results of the co-pilot's tasks; each keeps the evidence (every variant's answer)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from rung.copilot.aggregate import (
    PositionBias,
    VariantRecord,
    aggregate,
    entropy_bits,
    position_bias,
)
from rung.copilot.calibration import TemperatureCalibration
from rung.graph import CausalGraph

__all__ = [
    "ChoiceResult",
    "EnsembleResult",
    "GraphProposal",
    "PairwiseResult",
    "ProposedEdge",
    "build_result_fields",
]


@dataclass(frozen=True)
class EnsembleResult:
    """An ensemble answer with its probabilities, agreement, entropy and evidence."""

    answer: str
    probabilities: dict[str, float]
    agreement: float
    entropy: float
    vote: str
    votes: dict[str, int]
    variants: list[VariantRecord]
    calls: int
    position_bias: PositionBias
    model: str = ""
    calibrated: bool = False

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (keys are a contract: added to, never renamed)."""
        return {
            "answer": self.answer,
            "probabilities": dict(self.probabilities),
            "agreement": self.agreement,
            "entropy": self.entropy,
            "vote": self.vote,
            "votes": dict(self.votes),
            "calls": self.calls,
            "model": self.model,
            "calibrated": self.calibrated,
            "position_bias": self.position_bias.to_json(),
            "variants": [v.to_json() for v in self.variants],
        }


@dataclass(frozen=True)
class PairwiseResult(EnsembleResult):
    """Direction between ``a`` (A) and ``b`` (B): ``"A->B"``, ``"B->A"`` or ``"none"``."""

    a: str = ""
    b: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, **super().to_json()}


@dataclass(frozen=True)
class ChoiceResult(EnsembleResult):
    """A multiple-choice answer (``"Yes"``/``"No"`` or one of the given options)."""

    options: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "options": list(self.options)}


def build_result_fields(
    records: Sequence[VariantRecord],
    labels: Sequence[str],
    *,
    calls: int,
    model: str,
    calibration: TemperatureCalibration | None = None,
) -> dict[str, Any]:
    """The shared fields of an :class:`EnsembleResult` from its variant records.

    A fitted ``calibration`` rescales the aggregated probabilities (the answer, vote and
    agreement do not change under temperature scaling; the entropy does).
    """
    agg = aggregate(records, labels)
    probs = calibration.transform(agg.probabilities) if calibration else agg.probabilities
    scored = [s for r in records for s in r.scored]
    return {
        "answer": agg.answer,
        "probabilities": probs,
        "agreement": agg.agreement,
        "entropy": entropy_bits(list(probs.values())),
        "vote": agg.vote,
        "votes": agg.votes,
        "variants": list(records),
        "calls": calls,
        "position_bias": position_bias(scored),
        "model": model,
        "calibrated": calibration is not None,
    }


class ProposedEdge(NamedTuple):
    """A directed edge proposal: ``(source, target, confidence, votes, asked)``.

    ``votes`` of the ``asked`` variants named this edge (their own answer).
    """

    source: str
    target: str
    confidence: float
    votes: int
    asked: int


@dataclass(frozen=True)
class GraphProposal:
    """A whole proposed graph: edges with confidences, cycle repairs, and cost."""

    graph: CausalGraph
    edges: list[ProposedEdge]
    repairs: list[dict[str, Any]]
    calls: int
    strategy: str
    model: str = ""
    candidates: list[ProposedEdge] = field(default_factory=list)
    position_bias: PositionBias | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "model": self.model,
            "nodes": list(self.graph.nodes),
            "edges": [
                {
                    "from": e.source,
                    "to": e.target,
                    "confidence": e.confidence,
                    "votes": e.votes,
                    "asked": e.asked,
                }
                for e in self.edges
            ],
            "repairs": self.repairs,
            "calls": self.calls,
            "position_bias": self.position_bias.to_json() if self.position_bias else None,
        }

    def to_dot(self) -> str:
        """Graphviz DOT text with each edge labelled by its confidence."""
        lines = ["digraph proposal {"]
        lines += [f'  "{n}";' for n in self.graph.nodes]
        lines += [
            f'  "{e.source}" -> "{e.target}" [label="{e.confidence:.2f}"];' for e in self.edges
        ]
        return "\n".join([*lines, "}"]) + "\n"
