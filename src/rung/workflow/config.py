"""Settings of one co-pilot run (a frozen dataclass; validated before anything is written)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["CopilotConfig", "DiscoveryChoice"]

DiscoveryChoice = Literal["auto", "pc", "fci", "ges"]
_DISCOVERY = ("auto", "pc", "fci", "ges")
_STRATEGIES = ("pairs", "bfs", "parents")


@dataclass(frozen=True)
class CopilotConfig:
    """What to ask and how.

    Parameters
    ----------
    treatment, outcome : str
        The query P(outcome | do(treatment)).
    descriptions : mapping, optional
        Column name -> plain-language description, given to the LLM.
    model : str, optional
        LM backend spec for :func:`rung.lm.get_backend` (None: the embedded default).
    strategy : {"pairs", "bfs", "parents"}
        How the co-pilot walks the variables.
    llm_threshold : float
        Ensemble confidence (probability of that direction among "A causes B", "B causes
        A", "no direct link") from which the LLM proposes an edge (it must also beat "no
        link"). Directions of pairs below it still orient undecided data edges.
    discovery : {"auto", "pc", "fci", "ges"}
        "auto" runs PC, and FCI instead when PC's colliders conflict (latent confounding).
    alpha : float
        Significance level of the CI tests.
    use_knowledge : bool
        Pass the LLM's confident edges to discovery as required (reverse forbidden) edges.
    knowledge_at : float
        Confidence at which an LLM edge becomes background knowledge.
    contrast : (float, float), optional
        Treatment values (a, b) of the effect E[Y|do(X=a)] - E[Y|do(X=b)]; default: the
        treatment's 75th and 25th percentiles (1 and 0 for a binary treatment).
    bootstrap : int
        Bootstrap resamples of the classic estimators' intervals.
    generative_samples : int
        Posterior samples of the generative (Pyro) estimator.
    seed : int
        Seed of every random step.
    reference_edges : tuple of (str, str), optional
        A reference graph (e.g. the Sachs consensus) to score the three graphs against.
    reference_name : str
        Its name in the report.
    analyst_graph : str, optional
        The text of an analyst-reviewed graph (``--graph``); replaces the rule's choice.
    title : str
        Report title.
    """

    treatment: str
    outcome: str
    descriptions: Mapping[str, str] | None = None
    model: str | None = None
    strategy: str = "pairs"
    llm_threshold: float = 0.5
    discovery: DiscoveryChoice = "auto"
    alpha: float = 0.01
    use_knowledge: bool = False
    knowledge_at: float = 0.8
    contrast: tuple[float, float] | None = None
    bootstrap: int = 100
    generative_samples: int = 500
    seed: int = 0
    reference_edges: tuple[tuple[str, str], ...] | None = None
    reference_name: str = "reference"
    analyst_graph: str | None = None
    title: str = "rung co-pilot report"
    extra: Mapping[str, Any] = field(default_factory=dict)

    def validate(self) -> None:
        """Raise ValueError naming the first bad setting."""
        if self.discovery not in _DISCOVERY:
            raise ValueError(f"discovery={self.discovery!r}; choose one of {list(_DISCOVERY)}")
        if self.strategy not in _STRATEGIES:
            raise ValueError(f"strategy={self.strategy!r}; choose one of {list(_STRATEGIES)}")
        for name in ("llm_threshold", "knowledge_at"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"{name}={v} must lie in [0, 1]")
        if not 0.0 < self.alpha < 1.0:
            raise ValueError(f"alpha={self.alpha} must lie strictly between 0 and 1")
        if self.bootstrap < 0 or self.generative_samples < 1:
            raise ValueError(
                f"bootstrap={self.bootstrap} must be >= 0 and generative_samples="
                f"{self.generative_samples} >= 1"
            )

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["descriptions"] = dict(self.descriptions or {})
        d["extra"] = dict(self.extra)
        return d
