"""The typed outputs of the co-pilot workflow's steps, one frozen dataclass per step.

Each step is a plain function from typed inputs to one of these; only the runner
(:mod:`rung.workflow.run`) writes them to the run directory and reads them back.
``files()`` says which files of the run directory an artifact fills (a JSON-able object
goes to a ``.json`` file, a string is written as text) and ``from_files(read)`` rebuilds
it from them; ``to_json``/``from_json`` give its main JSON object, and ``FILE`` names the
file it goes to. The file names and their JSON keys are the run directory's public
contract (the studio reads them).

::

    CSV -> InputSummary (input.json)
        -> DataGraph (data_graph.json/.dot) and LLMGraph (llm_graph.json/.dot)
        -> Review (final_graph.json/.dot, disagreements.json/.csv)
        -> IdentifiedEffect (identification.json)
        -> Estimates (estimates.json)
        -> Assessment (class_effects.json, verdict.json)
        -> RunResult (result.json; the verdict, the class effects and the fused path's
           effect sets as their types) and report.html
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Self

from rung.discover import DiscoveryResult
from rung.graph import CausalGraph
from rung.identify import Identification
from rung.workflow.class_effects import ClassEffects
from rung.workflow.config import CopilotConfig
from rung.workflow.disagreements import Disagreement, LLMEdge
from rung.workflow.effect_sets import EffectSets
from rung.workflow.graph_files import graph_from_json, graph_to_dot, graph_to_json
from rung.workflow.verdict import EstimatorResult, RefuterOutcome, Verdict

__all__ = [
    "Assessment",
    "DataGraph",
    "Estimates",
    "IdentifiedEffect",
    "InputSummary",
    "LLMGraph",
    "Reader",
    "Review",
    "RunResult",
]

#: reads one file of the run directory (its JSON, or its text for non-JSON files)
Reader = Callable[[str], Any]


class _JsonFile:
    """An artifact whose main JSON object is the file ``FILE`` of the run directory: its
    ``files()`` start with that file, and ``from_files`` reads it back with ``from_json``."""

    FILE: ClassVar[str]

    def to_json(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Self:
        raise NotImplementedError

    def files(self) -> dict[str, Any]:
        return {self.FILE: self.to_json()}

    @classmethod
    def from_files(cls, read: Reader) -> Self:
        return cls.from_json(read(cls.FILE))


@dataclass(frozen=True)
class InputSummary(_JsonFile):
    """Step 1: the checked data's columns, size and summary, and the recorded settings."""

    columns: tuple[str, ...]
    rows: int
    summary: Mapping[str, Mapping[str, float]]
    transform: str
    transform_note: str
    preparation: tuple[str, ...]
    config: CopilotConfig

    FILE: ClassVar[str] = "input.json"

    def to_json(self) -> dict[str, Any]:
        return {"columns": list(self.columns), "rows": self.rows,
                "summary": {c: dict(v) for c, v in self.summary.items()},
                "transform": self.transform, "transform_note": self.transform_note,
                "preparation": list(self.preparation), "config": self.config.to_json()}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Self:
        return cls(tuple(obj["columns"]), int(obj["rows"]), dict(obj["summary"]),
                   str(obj["transform"]), str(obj.get("transform_note", "")),
                   tuple(obj.get("preparation", [])), CopilotConfig.from_json(obj["config"]))


@dataclass(frozen=True)
class LLMGraph(_JsonFile):
    """Step 3: the LLM's answers: its graph, its proposed edges and every scored direction
    (``candidates``), the questions asked and the proposal record."""

    proposal: Mapping[str, Any]
    edges: tuple[LLMEdge, ...]
    candidates: tuple[LLMEdge, ...]
    questions: tuple[Mapping[str, Any], ...]
    graph: CausalGraph

    FILE: ClassVar[str] = "llm_graph.json"

    @property
    def beliefs(self) -> tuple[LLMEdge, ...]:
        """Every direction the LLM scored, then its proposed edges."""
        return (*self.candidates, *self.edges)

    def to_json(self) -> dict[str, Any]:
        return {"proposal": dict(self.proposal), "edges": [e.to_json() for e in self.edges],
                "candidates": [e.to_json() for e in self.candidates],
                "questions": [dict(q) for q in self.questions],
                "graph": graph_to_json(self.graph)}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Self:
        return cls(dict(obj["proposal"]),
                   tuple(LLMEdge.from_json(e) for e in obj.get("edges", [])),
                   tuple(LLMEdge.from_json(e) for e in obj.get("candidates", [])),
                   tuple(obj.get("questions", [])), graph_from_json(obj["graph"]))

    def files(self) -> dict[str, Any]:
        return {**super().files(), "llm_graph.dot": graph_to_dot(self.graph, "llm")}


@dataclass(frozen=True)
class DataGraph(_JsonFile):
    """Step 2: the equivalence class discovery found, and why that algorithm ran."""

    result: DiscoveryResult
    why: str

    FILE: ClassVar[str] = "data_graph.json"

    def to_json(self) -> dict[str, Any]:
        return {**self.result.to_json(), "why": self.why}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Self:
        return cls(DiscoveryResult.from_json(obj), str(obj.get("why", "")))

    def files(self) -> dict[str, Any]:
        return {**super().files(), "data_graph.dot": graph_to_dot(self.result.graph, "data")}


_CSV_FIELDS = ("kind", "a", "b", "llm_edge", "llm_confidence", "data_edge", "p_value",
               "sepset", "final_edge", "explanation")


def _rows_to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(_CSV_FIELDS), extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({**r, "sepset": " ".join(r["sepset"])})
    return buf.getvalue()


@dataclass(frozen=True)
class Review:
    """Step 4: the final graph, who chose it and why, its scores against a reference, and
    the LLM/data disagreement table (rows of :class:`~rung.workflow.Disagreement`)."""

    source: Literal["analyst", "rule"]
    graph: CausalGraph
    decisions: tuple[Mapping[str, Any], ...]
    comparison: Mapping[str, Any] | None
    disagreements: tuple[Disagreement, ...] = ()

    #: the main file (``to_json``); the disagreement table has its own two
    FILE: ClassVar[str] = "final_graph.json"

    @property
    def conflicts(self) -> list[Disagreement]:
        """The rows where the LLM or its prior goes against a data mark (kinds
        ``orientation``, ``confounding``, ``override``; none for an analyst graph)."""
        if self.source == "analyst":
            return []
        return [r for r in self.disagreements if r.is_conflict]

    def to_json(self) -> dict[str, Any]:
        """The content of ``final_graph.json`` (the disagreements have their own file)."""
        return {"source": self.source, "graph": graph_to_json(self.graph),
                "decisions": [dict(d) for d in self.decisions],
                "comparison": None if self.comparison is None else dict(self.comparison)}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any],
                  disagreements: Sequence[Mapping[str, Any]] = ()) -> Review:
        source: Literal["analyst", "rule"] = "analyst" if obj["source"] == "analyst" else "rule"
        rows = tuple(Disagreement.from_json(r) for r in disagreements)
        return cls(source, graph_from_json(obj["graph"]), tuple(obj.get("decisions", [])),
                   obj.get("comparison"), rows)

    def files(self) -> dict[str, Any]:
        rows = [r.to_json() for r in self.disagreements]
        return {self.FILE: self.to_json(),
                "final_graph.dot": graph_to_dot(self.graph, "final"),
                "disagreements.json": rows, "disagreements.csv": _rows_to_csv(rows)}

    @classmethod
    def from_files(cls, read: Reader) -> Review:
        return cls.from_json(read(cls.FILE), read("disagreements.json"))


@dataclass(frozen=True)
class IdentifiedEffect(_JsonFile):
    """Step 5: :func:`rung.identify.identify` of P(Y | do(X)) on the final graph, kept as
    the typed :class:`~rung.identify.Identification` that estimation takes as is."""

    identification: Identification

    FILE: ClassVar[str] = "identification.json"

    @property
    def identifiable(self) -> bool:
        return bool(self.identification.identifiable)

    def to_json(self) -> dict[str, Any]:
        obj: dict[str, Any] = dict(self.identification.to_json())
        est = obj.get("estimand") or {}
        obj["text"] = est.get("text", "")
        obj["latex"] = est.get("latex", "")
        return obj

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Self:
        """Read what :meth:`to_json` wrote (its ``text`` and ``latex`` are the estimand's)."""
        return cls(Identification.from_json(obj))


@dataclass(frozen=True)
class Estimates(_JsonFile):
    """Step 6: every estimator's result on the final graph, the errors, the refuters,
    samples of Y under do(X=a) and do(X=b), and the graph's implied-independence tests."""

    contrast: tuple[float, float]
    estimates: tuple[Mapping[str, Any], ...] = ()
    errors: tuple[str, ...] = ()
    refuters: tuple[Mapping[str, Any], ...] = ()
    interventional_samples: Mapping[str, Sequence[float]] = field(default_factory=dict)
    implications: Mapping[str, Any] | None = None

    FILE: ClassVar[str] = "estimates.json"

    @property
    def results(self) -> list[EstimatorResult]:
        return [EstimatorResult.from_json(e) for e in self.estimates]

    @property
    def refuter_outcomes(self) -> list[RefuterOutcome]:
        return [RefuterOutcome.from_json(r) for r in self.refuters]

    def to_json(self) -> dict[str, Any]:
        return {"contrast": list(self.contrast), "estimates": [dict(e) for e in self.estimates],
                "errors": list(self.errors), "refuters": [dict(r) for r in self.refuters],
                "interventional_samples": {k: list(v) for k, v in
                                           self.interventional_samples.items()},
                "implications": None if self.implications is None else dict(self.implications)}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Self:
        a, b = obj["contrast"]
        return cls((float(a), float(b)), tuple(obj.get("estimates", [])),
                   tuple(obj.get("errors", [])), tuple(obj.get("refuters", [])),
                   dict(obj.get("interventional_samples") or {}), obj.get("implications"))


@dataclass(frozen=True)
class Assessment:
    """Step 7: the effect over every plausible graph, and the verdict."""

    class_effects: ClassEffects
    verdict: Verdict

    #: the main file (the verdict); the effects over the plausible graphs have their own
    FILE: ClassVar[str] = "verdict.json"

    def to_json(self) -> dict[str, Any]:
        return {"class_effects": self.class_effects.to_json(), "verdict": self.verdict.to_json()}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Assessment:
        return cls(ClassEffects.from_json(obj["class_effects"]), Verdict.from_json(obj["verdict"]))

    def files(self) -> dict[str, Any]:
        return {"class_effects.json": self.class_effects.to_json(),
                self.FILE: self.verdict.to_json()}

    @classmethod
    def from_files(cls, read: Reader) -> Assessment:
        return cls.from_json({"class_effects": read("class_effects.json"),
                              "verdict": read(cls.FILE)})


def _pair(v: Any) -> tuple[float, float]:
    a, b = v
    return float(a), float(b)


@dataclass(frozen=True)
class RunResult:
    """The content of ``result.json``, typed: what the HTML report and the terminal summary
    render. The verdict and the effects over the plausible graphs are their own types; the
    other sections are the JSON records of their steps (``data``: the input summary and
    its source; ``final_graph``: the review and the rule's text; ``effect_sets``: the fused
    data step's two effect sets, when it ran).

    Examples
    --------
    >>> r = RunResult("t", "0.1", "now", "X", "Y", (1.0, 0.0), {"rows": 3}, {}, {}, {},
    ...               {"identifiable": False, "reason": "hedge"})
    >>> RunResult.from_json(r.to_json()) == r
    True
    """

    title: str
    rung_version: str
    created: str
    treatment: str
    outcome: str
    contrast: tuple[float, float]
    data: Mapping[str, Any]
    llm: Mapping[str, Any]
    discovery: Mapping[str, Any]
    final_graph: Mapping[str, Any]
    identification: Mapping[str, Any]
    verdict: Verdict | None = None
    comparison: Mapping[str, Any] | None = None
    disagreements: tuple[Mapping[str, Any], ...] = ()
    estimates: tuple[Mapping[str, Any], ...] = ()
    estimate_errors: tuple[str, ...] = ()
    refuters: tuple[Mapping[str, Any], ...] = ()
    implications: Mapping[str, Any] | None = None
    class_effects: ClassEffects | None = None
    caveats: tuple[str, ...] = ()
    timings_s: Mapping[str, Any] = field(default_factory=dict)
    headline: str = ""
    estimates_note: str = ""
    interventional_note: str = ""
    files: tuple[str, ...] = ()
    effect_sets: EffectSets | None = None

    def to_json(self) -> dict[str, Any]:
        """``result.json`` (its keys and their order are the CLI's contract;
        ``effect_sets`` is there when the fused data step ran)."""
        obj = {
            "verdict": None if self.verdict is None else self.verdict.to_json(),
            "rung_version": self.rung_version, "created": self.created, "title": self.title,
            "query": {"treatment": self.treatment, "outcome": self.outcome,
                      "contrast": list(self.contrast)},
            "data": dict(self.data), "llm": dict(self.llm), "discovery": dict(self.discovery),
            "final_graph": dict(self.final_graph),
            "comparison": None if self.comparison is None else dict(self.comparison),
            "disagreements": [dict(r) for r in self.disagreements],
            "identification": dict(self.identification),
            "estimates": [dict(e) for e in self.estimates],
            "estimate_errors": list(self.estimate_errors),
            "refuters": [dict(r) for r in self.refuters],
            "implications": None if self.implications is None else dict(self.implications),
            "class_effects": None if self.class_effects is None
            else self.class_effects.to_json(),
            "caveats": list(self.caveats), "timings_s": dict(self.timings_s),
            "headline": self.headline, "estimates_note": self.estimates_note,
            "interventional_note": self.interventional_note, "files": list(self.files),
        }
        if self.effect_sets is not None:
            obj["effect_sets"] = self.effect_sets.to_json()
        return obj

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> RunResult:
        """Read ``result.json`` (a section a partial result lacks gets its empty value)."""
        q = obj["query"]
        verdict, fx, sets = obj.get("verdict"), obj.get("class_effects"), obj.get("effect_sets")
        return cls(
            title=str(obj.get("title", "rung co-pilot report")),
            rung_version=str(obj.get("rung_version", "")), created=str(obj.get("created", "")),
            treatment=str(q["treatment"]), outcome=str(q["outcome"]),
            contrast=_pair(q["contrast"]), data=dict(obj.get("data") or {}),
            llm=dict(obj.get("llm") or {}), discovery=dict(obj.get("discovery") or {}),
            final_graph=dict(obj.get("final_graph") or {}),
            identification=dict(obj.get("identification") or {}),
            verdict=None if not verdict else Verdict.from_json(verdict),
            comparison=obj.get("comparison"),
            disagreements=tuple(obj.get("disagreements") or ()),
            estimates=tuple(obj.get("estimates") or ()),
            estimate_errors=tuple(obj.get("estimate_errors") or ()),
            refuters=tuple(obj.get("refuters") or ()), implications=obj.get("implications"),
            class_effects=None if not fx else ClassEffects.from_json(fx),
            caveats=tuple(obj.get("caveats") or ()), timings_s=dict(obj.get("timings_s") or {}),
            headline=str(obj.get("headline", "")),
            estimates_note=str(obj.get("estimates_note", "")),
            interventional_note=str(obj.get("interventional_note", "")),
            files=tuple(obj.get("files") or ()),
            effect_sets=None if not sets else EffectSets.from_json(sets))
