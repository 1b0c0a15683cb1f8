"""Settings of one co-pilot run: a frozen :class:`CopilotConfig` of one frozen section per
concern (:class:`DataConfig`, :class:`LLMConfig`, :class:`DiscoveryConfig`,
:class:`ReviewConfig`, :class:`EstimateConfig`, :class:`ReportConfig`).

Each section checks its own fields when it is made, so a bad setting is refused before
anything is written; each message names the setting (by its ``rung copilot`` flag, in
snake case: ``llm_top_k=0``) and the fix. The ``Literal`` types below are the one list of
the allowed values (:func:`typing.get_args` reads the choices from them).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, get_args

from rung.lm.redaction import redact
from rung.workflow.members import ORIENTATION_THRESHOLD

__all__ = ["MIN_BOOTSTRAP", "CopilotConfig", "DataConfig", "DiscoveryChoice",
           "DiscoveryConfig", "EstimateConfig", "LLMConfig", "LLMPairs", "ReportConfig",
           "ReviewConfig", "Strategy", "Transform"]

DiscoveryChoice = Literal["auto", "pc", "fci", "ges"]
LLMPairs = Literal["skeleton", "all"]
Transform = Literal["none", "log"]
Strategy = Literal["pairs", "bfs", "parents"]
#: every effect carries a bootstrap interval: at least this many resamples
MIN_BOOTSTRAP = 10


def _choice(name: str, value: object, choices: Any) -> None:
    """Refuse ``value`` unless it is one of the ``Literal`` type's values."""
    allowed = get_args(choices)
    if value not in allowed:
        raise ValueError(f"{name}={value!r}; choose one of {list(allowed)}")


def _in_unit(name: str, value: float, *, closed_low: bool) -> None:
    """Refuse ``value`` outside [0, 1] (``closed_low``) or (0, 1]; NaN is always refused."""
    ok = (0.0 <= value <= 1.0) if closed_low else (0.0 < value <= 1.0)
    if not ok:
        interval = "[0, 1]" if closed_low else "(0, 1]"
        raise ValueError(f"{name}={value} must lie in {interval}")


@dataclass(frozen=True)
class DataConfig:
    """Where the data came from and how they are read.

    Parameters
    ----------
    source : str
        A file name or ``"example NAME"``, for the report (and for the studio to re-read).
    transform : {"none", "log"}
        Applied to every column before anything else (``"log"``: natural log; every value
        must be positive). Stated in the report; never applied silently.
    categorical : tuple of str
        Columns that are categories (text columns encoded by :mod:`rung.data`, or declared):
        passed to the estimators.
    preparation : tuple of str
        What reading the data did (rows dropped, text encoded), from
        :func:`rung.workflow.inputs.load_data_csv`; stated in ``input.json`` and the report.
    """

    source: str = "data"
    transform: Transform = "none"
    categorical: tuple[str, ...] = ()
    preparation: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _choice("transform", self.transform, Transform)

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "transform": self.transform,
                "categorical": list(self.categorical), "preparation": list(self.preparation)}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> DataConfig:
        return cls(source=str(obj.get("source", "data")),
                   transform=obj.get("transform", "none"),
                   categorical=tuple(obj.get("categorical") or ()),
                   preparation=tuple(obj.get("preparation") or ()))


@dataclass(frozen=True)
class LLMConfig:
    """What the LLM is asked, and how its graph is read from the answers.

    Parameters
    ----------
    model : str, optional
        LM backend spec for :func:`rung.lm.get_backend` (None: the embedded default).
    descriptions : mapping, optional
        Column name -> plain-language description, given to the LLM.
    strategy : {"pairs", "bfs", "parents"}
        How the co-pilot walks the variables when every pair is asked ("bfs" and
        "parents" ask generation questions instead of pairs).
    pairs : {"skeleton", "all"}
        ``"skeleton"``: discovery runs first and the LLM is asked about the pairs adjacent
        in the data plus ``extra_pairs`` others (:mod:`rung.workflow.questions`);
        ``"all"``: every pair (forced by ``DiscoveryConfig.use_knowledge``).
    extra_pairs : int, optional
        Non-adjacent pairs asked in ``"skeleton"`` mode (default: half the variables).
    variants : int
        Prompt variants per question (always in both option orders; at least 2).
    top_k : int, optional
        The LLM's graph keeps its ``k`` most probable directions (default: the number of
        variables), unless ``threshold`` is given.
    threshold : float, optional
        Instead of top-k: ensemble confidence in (0, 1] from which the LLM proposes an
        edge (it must also beat "no link").
    """

    model: str | None = None
    descriptions: Mapping[str, str] | None = None
    strategy: Strategy = "pairs"
    pairs: LLMPairs = "skeleton"
    extra_pairs: int | None = None
    variants: int = 2
    top_k: int | None = None
    threshold: float | None = None

    def __post_init__(self) -> None:
        # no descriptions is None, so that a config equals its JSON round trip
        object.__setattr__(self, "descriptions", dict(self.descriptions or {}) or None)
        _choice("strategy", self.strategy, Strategy)
        _choice("llm_pairs", self.pairs, LLMPairs)
        if self.threshold is not None:
            _in_unit("llm_threshold", self.threshold, closed_low=False)
            if self.top_k is not None:
                raise ValueError("give either llm_top_k or llm_threshold, not both")
        if self.top_k is not None and self.top_k < 1:
            raise ValueError(f"llm_top_k={self.top_k} keeps no LLM edge: give at least 1")
        if self.extra_pairs is not None and self.extra_pairs < 0:
            raise ValueError(f"llm_extra_pairs={self.extra_pairs} must be a non-negative "
                             "number")
        if self.variants < 2:
            raise ValueError(f"llm_variants={self.variants}: use at least 2 (both orders)")

    def to_json(self) -> dict[str, Any]:
        """The settings; a model URL may carry a key, so it is recorded redacted."""
        d = asdict(self)
        d["descriptions"] = dict(self.descriptions or {})
        if self.model is not None:
            d["model"] = redact(self.model)
        return d

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> LLMConfig:
        kw = _known(cls, obj)
        kw["descriptions"] = dict(kw.get("descriptions") or {}) or None
        return cls(**kw)


@dataclass(frozen=True)
class DiscoveryConfig:
    """How the data's graph is found.

    Parameters
    ----------
    method : {"auto", "pc", "fci", "ges"}
        "auto" runs the score-based search (pgmpy's hill climbing, focused on the treatment)
        and, at review, the same search with every LLM belief as a soft prior; where the
        search has no score (a multi-level category among continuous columns) it runs PC,
        and FCI instead when PC's colliders conflict (latent confounding).
    alpha : float
        Significance level of the CI tests, strictly between 0 and 1.
    use_knowledge : bool
        Pass the LLM's confident edges to discovery as required (reverse forbidden) edges
        (the LLM then asks every pair, before discovery).
    knowledge_at : float
        Confidence in [0, 1] at which an LLM edge becomes background knowledge.
    """

    method: DiscoveryChoice = "auto"
    alpha: float = 0.01
    use_knowledge: bool = False
    knowledge_at: float = 0.8

    def __post_init__(self) -> None:
        _choice("discovery", self.method, DiscoveryChoice)
        if not 0.0 < self.alpha < 1.0:
            raise ValueError(f"alpha={self.alpha} must lie strictly between 0 and 1")
        _in_unit("knowledge_at", self.knowledge_at, closed_low=True)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> DiscoveryConfig:
        return cls(**_known(cls, obj))


@dataclass(frozen=True)
class ReviewConfig:
    """How the final graph and the plausible graphs are chosen, and what they are scored
    against.

    Parameters
    ----------
    analyst_graph : str, optional
        The text of an analyst-reviewed graph (``--graph``); replaces the rule's choice and
        is then the only plausible graph.
    orientation_threshold : float
        The probability in (0, 1] from which an LLM direction counts as knowledge about an
        edge of the data's class (:data:`rung.workflow.members.ORIENTATION_THRESHOLD`).
    class_limit : int
        At most this many plausible graphs are estimated for the verdict's range.
    reference_edges : tuple of (str, str), optional
        A reference graph (e.g. the Sachs consensus) to score the three graphs against.
    reference_name : str
        Its name in the report.
    """

    analyst_graph: str | None = None
    orientation_threshold: float = ORIENTATION_THRESHOLD
    class_limit: int = 256
    reference_edges: tuple[tuple[str, str], ...] | None = None
    reference_name: str = "reference"

    def __post_init__(self) -> None:
        _in_unit("orientation_threshold", self.orientation_threshold, closed_low=False)
        if self.class_limit < 1:
            raise ValueError(f"class_limit={self.class_limit} must be at least 1")

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        if self.reference_edges is not None:
            d["reference_edges"] = [list(e) for e in self.reference_edges]
        return d

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> ReviewConfig:
        kw = _known(cls, obj)
        if kw.get("reference_edges") is not None:
            kw["reference_edges"] = tuple((str(a), str(b)) for a, b in kw["reference_edges"])
        return cls(**kw)


@dataclass(frozen=True)
class EstimateConfig:
    """How the effect is estimated.

    Parameters
    ----------
    contrast : (float, float), optional
        Treatment values (a, b) of E[Y|do(X=a)] - E[Y|do(X=b)]; default: the treatment's
        75th and 25th percentiles (1 and 0 for a binary treatment).
    bootstrap : int
        Bootstrap resamples of the classic estimators' intervals (at least
        :data:`MIN_BOOTSTRAP`: every effect carries an interval).
    generative_samples : int
        Posterior samples of the generative (Pyro) estimator (at least 1).
    """

    contrast: tuple[float, float] | None = None
    bootstrap: int = 100
    generative_samples: int = 500

    def __post_init__(self) -> None:
        if self.bootstrap < MIN_BOOTSTRAP or self.generative_samples < 1:
            raise ValueError(
                f"bootstrap={self.bootstrap} must be >= {MIN_BOOTSTRAP} (every effect carries "
                f"an interval) and generative_samples={self.generative_samples} >= 1")
        c = self.contrast
        if c is not None and not all(math.isfinite(v) for v in c):
            raise ValueError(f"contrast={c} must be two finite numbers")
        if c is not None and c[0] == c[1]:
            raise ValueError(f"contrast={c}: give two different treatment values")

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["contrast"] = None if self.contrast is None else list(self.contrast)
        return d

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> EstimateConfig:
        kw = _known(cls, obj)
        if kw.get("contrast") is not None:
            a, b = kw["contrast"]
            kw["contrast"] = (float(a), float(b))
        return cls(**kw)


@dataclass(frozen=True)
class ReportConfig:
    """What the report says beside the results (example-specific text travels here).

    Parameters
    ----------
    title : str
        Report title.
    notes : tuple of str
        Example-specific caveats for the report.
    true_effect : float, optional
        The known true effect (simulated examples), drawn on the forest plot.
    """

    title: str = "rung co-pilot report"
    notes: tuple[str, ...] = ()
    true_effect: float | None = None

    def __post_init__(self) -> None:
        if self.true_effect is not None and not math.isfinite(self.true_effect):
            raise ValueError(f"true_effect={self.true_effect} must be a finite number or None")

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "notes": list(self.notes), "true_effect": self.true_effect}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> ReportConfig:
        kw = _known(cls, obj)
        kw["notes"] = tuple(kw.get("notes") or ())
        return cls(**kw)


_SECTIONS: dict[str, Any] = {"data": DataConfig, "llm": LLMConfig,
                             "discovery": DiscoveryConfig, "review": ReviewConfig,
                             "estimate": EstimateConfig, "report": ReportConfig}


@dataclass(frozen=True)
class CopilotConfig:
    """What to ask, and how: the query, the seed, and one section per concern.

    Parameters
    ----------
    treatment, outcome : str
        The query P(outcome | do(treatment)).
    data, llm, discovery, review, estimate, report
        The sections (each validated when made; defaults: the sections' defaults).
    seed : int
        Seed of every random step (non-negative).

    Examples
    --------
    >>> c = CopilotConfig("X", "Y", llm=LLMConfig(top_k=3),
    ...                   estimate=EstimateConfig(contrast=(1.0, 0.0)))
    >>> c.llm.top_k, c.discovery.method, c.asks_all_pairs
    (3, 'auto', False)
    >>> LLMConfig(top_k=0)
    Traceback (most recent call last):
    ...
    ValueError: llm_top_k=0 keeps no LLM edge: give at least 1
    """

    treatment: str
    outcome: str
    data: DataConfig = field(default_factory=DataConfig)
    llm: LLMConfig = field(default_factory=LLMConfig)
    discovery: DiscoveryConfig = field(default_factory=DiscoveryConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)
    estimate: EstimateConfig = field(default_factory=EstimateConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    seed: int = 0

    def __post_init__(self) -> None:
        for name, kind in _SECTIONS.items():
            if not isinstance(getattr(self, name), kind):
                raise TypeError(f"CopilotConfig({name}=...) takes a {kind.__name__}, not "
                                f"{type(getattr(self, name)).__name__}: e.g. "
                                f"{name}={kind.__name__}()")
        if self.seed < 0:
            raise ValueError(f"seed={self.seed} must be a non-negative integer")

    @property
    def asks_all_pairs(self) -> bool:
        """Whether the LLM step asks about every pair (and so runs before discovery)."""
        return self.llm.pairs == "all" or self.discovery.use_knowledge

    def to_json(self) -> dict[str, Any]:
        """The settings as ``input.json`` records them (``config``); the model URL redacted."""
        return {"treatment": self.treatment, "outcome": self.outcome, "seed": self.seed,
                **{name: getattr(self, name).to_json() for name in _SECTIONS}}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> CopilotConfig:
        """Rebuild the settings :meth:`to_json` recorded (``input.json`` → ``config``);
        unknown keys (from a newer rung) are ignored, a redacted model URL stays redacted,
        and the flat record of rung before the sections is read too.

        Examples
        --------
        >>> c = CopilotConfig("X", "Y", estimate=EstimateConfig(contrast=(1.0, 0.0)),
        ...                   review=ReviewConfig(reference_edges=(("X", "Y"),)))
        >>> CopilotConfig.from_json(c.to_json()) == c
        True
        >>> CopilotConfig.from_json({"treatment": "X", "outcome": "Y", "alpha": 0.05,
        ...                          "llm_top_k": 4}).discovery.alpha
        0.05
        """
        if not isinstance(obj.get("llm"), Mapping):
            obj = _nest_flat(obj)
        sections = {name: kind.from_json(obj.get(name) or {})
                    for name, kind in _SECTIONS.items()}
        return cls(treatment=str(obj["treatment"]), outcome=str(obj["outcome"]),
                   seed=int(obj.get("seed", 0)), **sections)


def _known(cls: Any, obj: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``obj`` that are fields of ``cls`` (a newer rung may record more)."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in obj.items() if k in names}


#: the flat field names of rung before the sections -> (section, field)
_FLAT: dict[str, tuple[str, str]] = {
    "source": ("data", "source"), "transform": ("data", "transform"),
    "categorical": ("data", "categorical"), "data_notes": ("data", "preparation"),
    "model": ("llm", "model"), "descriptions": ("llm", "descriptions"),
    "strategy": ("llm", "strategy"), "llm_pairs": ("llm", "pairs"),
    "llm_extra_pairs": ("llm", "extra_pairs"), "llm_variants": ("llm", "variants"),
    "llm_top_k": ("llm", "top_k"), "llm_threshold": ("llm", "threshold"),
    "discovery": ("discovery", "method"), "alpha": ("discovery", "alpha"),
    "use_knowledge": ("discovery", "use_knowledge"),
    "knowledge_at": ("discovery", "knowledge_at"),
    "analyst_graph": ("review", "analyst_graph"),
    "orientation_threshold": ("review", "orientation_threshold"),
    "class_limit": ("review", "class_limit"), "reference_edges": ("review", "reference_edges"),
    "reference_name": ("review", "reference_name"), "contrast": ("estimate", "contrast"),
    "bootstrap": ("estimate", "bootstrap"),
    "generative_samples": ("estimate", "generative_samples"),
    "title": ("report", "title"), "notes": ("report", "notes"),
    "true_effect": ("report", "true_effect"),
}


def _nest_flat(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A flat ``input.json`` config (rung before the sections) in the sectioned form."""
    out: dict[str, Any] = {k: obj[k] for k in ("treatment", "outcome", "seed") if k in obj}
    for key, value in obj.items():
        if key in _FLAT:
            section, name = _FLAT[key]
            out.setdefault(section, {})[name] = value
    return out
