"""Settings of one co-pilot run (a frozen dataclass; validated before anything is written)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal, get_args

from rung.lm.redaction import redact
from rung.workflow.members import ORIENTATION_THRESHOLD

__all__ = ["CopilotConfig", "DiscoveryChoice", "LLMPairs", "Strategy", "Transform"]

DiscoveryChoice = Literal["auto", "pc", "fci", "ges"]
LLMPairs = Literal["skeleton", "all"]
Transform = Literal["none", "log"]
Strategy = Literal["pairs", "bfs", "parents"]
_DISCOVERY = get_args(DiscoveryChoice)
_STRATEGIES = get_args(Strategy)
_LLM_PAIRS = get_args(LLMPairs)
_TRANSFORMS = get_args(Transform)
MIN_BOOTSTRAP = 10


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
    transform : {"none", "log"}
        Applied to every column before anything else (``"log"``: natural log; every value
        must be positive). Stated in the report; never applied silently.
    strategy : {"pairs", "bfs", "parents"}
        How the co-pilot walks the variables when ``llm_pairs="all"`` ("bfs" and "parents"
        ask generation questions instead of pairs).
    llm_pairs : {"skeleton", "all"}
        ``"skeleton"`` (default): discovery runs first and the LLM is asked about the pairs
        adjacent in the data plus ``llm_extra_pairs`` others (see
        :mod:`rung.workflow.questions`); ``"all"``: every pair (forced by
        ``use_knowledge``, whose LLM edges must exist before discovery).
    llm_extra_pairs : int, optional
        Non-adjacent pairs asked in ``"skeleton"`` mode (default: half the variables).
    llm_variants : int
        Prompt variants per question (always in both option orders).
    llm_top_k : int, optional
        The LLM's graph keeps its ``k`` most probable directions (default: the number of
        variables), unless ``llm_threshold`` is given.
    llm_threshold : float, optional
        Instead of top-k: ensemble confidence (probability of that direction among "A
        causes B", "B causes A", "no direct link") from which the LLM proposes an edge (it
        must also beat "no link"). Directions of pairs below it still orient undecided data
        edges.
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
    source : str
        Where the data came from (a file name or ``"example NAME"``), for the report.
    true_effect : float, optional
        The known true effect (simulated examples), drawn on the forest plot.
    notes : tuple of str
        Example-specific caveats for the report (they travel with the example).
    categorical : tuple of str
        Columns that are categories (text columns encoded by :mod:`rung.data`, or declared):
        passed to the estimators.
    data_notes : tuple of str
        What reading the data did (rows dropped for missing values, text categories
        encoded), from :func:`rung.workflow.inputs.load_data_csv`; stated in the report.
    orientation_threshold : float
        The probability from which an LLM direction counts as knowledge about an edge of
        the data's class (:data:`rung.workflow.members.ORIENTATION_THRESHOLD`).
    class_limit : int
        At most this many plausible graphs are estimated for the verdict's range.
    """

    treatment: str
    outcome: str
    descriptions: Mapping[str, str] | None = None
    model: str | None = None
    transform: Transform = "none"
    strategy: Strategy = "pairs"
    llm_pairs: LLMPairs = "skeleton"
    llm_extra_pairs: int | None = None
    llm_variants: int = 2
    llm_top_k: int | None = None
    llm_threshold: float | None = None
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
    source: str = "data"
    true_effect: float | None = None
    notes: tuple[str, ...] = ()
    data_notes: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    orientation_threshold: float = ORIENTATION_THRESHOLD
    class_limit: int = 256

    def validate(self) -> None:
        """Raise ValueError naming the first bad setting."""
        if self.discovery not in _DISCOVERY:
            raise ValueError(f"discovery={self.discovery!r}; choose one of {list(_DISCOVERY)}")
        if self.strategy not in _STRATEGIES:
            raise ValueError(f"strategy={self.strategy!r}; choose one of {list(_STRATEGIES)}")
        self._validate_llm()
        if not 0.0 <= self.knowledge_at <= 1.0:
            raise ValueError(f"knowledge_at={self.knowledge_at} must lie in [0, 1]")
        if not 0.0 < self.alpha < 1.0:
            raise ValueError(f"alpha={self.alpha} must lie strictly between 0 and 1")
        if self.bootstrap < MIN_BOOTSTRAP or self.generative_samples < 1:
            raise ValueError(
                f"bootstrap={self.bootstrap} must be >= {MIN_BOOTSTRAP} (every effect carries "
                f"an interval) and generative_samples={self.generative_samples} >= 1"
            )
        if not 0.0 < self.orientation_threshold <= 1.0:
            raise ValueError(f"orientation_threshold={self.orientation_threshold} must lie "
                             "in (0, 1]")
        if self.class_limit < 1:
            raise ValueError(f"class_limit={self.class_limit} must be at least 1")
        if self.contrast is not None and not all(math.isfinite(v) for v in self.contrast):
            raise ValueError(f"contrast={self.contrast} must be two finite numbers")
        if self.contrast is not None and self.contrast[0] == self.contrast[1]:
            raise ValueError(f"contrast={self.contrast}: give two different treatment values")

    def _validate_llm(self) -> None:
        if self.transform not in _TRANSFORMS:
            raise ValueError(f"transform={self.transform!r}; choose one of {list(_TRANSFORMS)}")
        if self.llm_pairs not in _LLM_PAIRS:
            raise ValueError(f"llm_pairs={self.llm_pairs!r}; choose one of {list(_LLM_PAIRS)}")
        if self.llm_threshold is not None and not 0.0 < self.llm_threshold <= 1.0:
            raise ValueError(f"llm_threshold={self.llm_threshold} must lie in (0, 1]")
        if self.llm_threshold is not None and self.llm_top_k is not None:
            raise ValueError("give either llm_top_k or llm_threshold, not both")
        if self.llm_top_k is not None and self.llm_top_k < 1:
            raise ValueError(f"llm_top_k={self.llm_top_k} keeps no LLM edge: give at least 1")
        if self.llm_extra_pairs is not None and self.llm_extra_pairs < 0:
            raise ValueError(f"llm_extra_pairs={self.llm_extra_pairs} must be a non-negative "
                             "number")
        if self.llm_variants < 2:
            raise ValueError(f"llm_variants={self.llm_variants}: use at least 2 (both orders)")

    @property
    def asks_all_pairs(self) -> bool:
        """Whether the LLM step asks about every pair (and so runs before discovery)."""
        return self.llm_pairs == "all" or self.use_knowledge

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["descriptions"] = dict(self.descriptions or {})
        d["extra"] = {}  # the recorded key of the removed grab-bag, kept for old readers
        d["notes"] = list(self.notes)
        d["data_notes"] = list(self.data_notes)
        d["categorical"] = list(self.categorical)
        if self.model is not None:  # a model URL may carry a key: step files and
            d["model"] = redact(self.model)  # result.json never hold it in clear
        return d

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> CopilotConfig:
        """Rebuild the settings :meth:`to_json` recorded (``input.json`` → ``config``);
        unknown keys (from a newer rung) are ignored, a redacted model URL stays redacted.

        Examples
        --------
        >>> c = CopilotConfig("X", "Y", contrast=(1.0, 0.0), reference_edges=(("X", "Y"),))
        >>> CopilotConfig.from_json(c.to_json()) == c
        True
        """
        names = {f.name for f in fields(cls)}
        kw: dict[str, Any] = {k: v for k, v in obj.items() if k in names}
        if kw.get("contrast") is not None:
            a, b = kw["contrast"]
            kw["contrast"] = (float(a), float(b))
        if kw.get("reference_edges") is not None:
            kw["reference_edges"] = tuple((str(a), str(b)) for a, b in kw["reference_edges"])
        for key in ("notes", "data_notes", "categorical"):
            kw[key] = tuple(kw.get(key) or ())
        kw["descriptions"] = dict(kw.get("descriptions") or {}) or None
        return cls(**kw)
