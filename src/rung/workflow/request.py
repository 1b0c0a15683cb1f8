"""From what the user named (a CSV or an embedded example, the query, files) to the data and
the :class:`~rung.workflow.CopilotConfig` of one run.

``rung copilot`` only parses its arguments and calls :func:`prepare_run`: the example's
defaults, the treatment and outcome read from a ``--graph`` file's tags, the descriptions
file and the contrast's support in the data are resolved here, so that every caller of the
workflow gets the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from rung.workflow.config import (
    CopilotConfig,
    DataConfig,
    DiscoveryConfig,
    EstimateConfig,
    LLMConfig,
    ReportConfig,
    ReviewConfig,
    Transform,
)
from rung.workflow.examples import Example, get_example
from rung.workflow.inputs import load_data_csv, read_descriptions

__all__ = ["PreparedRun", "prepare_run"]


@dataclass(frozen=True, eq=False)
class PreparedRun:
    """The data and settings of one run, and notes for the user (e.g. roles taken from
    the graph file's tags)."""

    data: pd.DataFrame
    config: CopilotConfig
    notes: tuple[str, ...] = ()


def _graph_roles(graph_text: str, treatment: str | None, outcome: str | None
                 ) -> tuple[str, str, list[str]]:
    """Treatment and outcome from the analyst graph's ``[exposure]``/``[outcome]`` tags
    where no flag names them (the flags win)."""
    from rung.graph import CausalGraph
    from rung.identify.roles import resolve_roles

    roles = resolve_roles(CausalGraph.parse(graph_text), [treatment] if treatment else [],
                          [outcome] if outcome else [])
    if len(roles.treatment) != 1 or len(roles.outcome) != 1:
        raise ValueError(f"the --graph file tags {list(roles.treatment)} as [exposure] and "
                         f"{list(roles.outcome)} as [outcome]; the co-pilot takes one of "
                         "each: pass --treatment and --outcome")
    notes = [f"note: {name} from the --graph file's tag"
             for name, source in ((roles.treatment[0], roles.treatment_from),
                                  (roles.outcome[0], roles.outcome_from)) if source == "graph"]
    return roles.treatment[0], roles.outcome[0], notes


def _check_contrast(x: np.ndarray, contrast: tuple[float, float], name: str,
                    transform: str) -> None:
    """The contrast is on the analysed (possibly log) scale; check it against that data."""
    from rung.data import check_contrast_support

    if transform == "log":
        if not np.all(x > 0):
            return  # the transform itself reports the non-positive values
        x = np.log(x)
    check_contrast_support(x, contrast, name)


def _from_example(ex: Example, contrast: tuple[float, float] | None,
                  transform: Transform | None) -> _Resolved:
    """The example's defaults; its true effect only for its own contrast and transform."""
    contrast = contrast or ex.contrast
    transform = ex.transform if transform is None else transform
    truth = ex.true_effect if (contrast == ex.contrast and transform == ex.transform) else None
    return _Resolved(ex.data, DataConfig(source=f"example {ex.name}", transform=transform),
                     ReportConfig(title=ex.title, notes=ex.notes, true_effect=truth),
                     dict(ex.descriptions), contrast, ex.reference_edges, ex.reference_name,
                     ex.treatment, ex.outcome)


def _from_csv(path: Path, contrast: tuple[float, float] | None, transform: Transform | None,
              title: str) -> _Resolved:
    loaded = load_data_csv(path)
    data = DataConfig(source=str(path), transform="none" if transform is None else transform,
                      categorical=loaded.categorical, preparation=loaded.notes)
    return _Resolved(loaded.frame, data, ReportConfig(title=f"{title}: {path.name}"), {},
                     contrast, None, "reference", None, None)


@dataclass(frozen=True, eq=False)
class _Resolved:
    """What the data source (a CSV or an example) fixes before the flags are applied."""

    frame: pd.DataFrame
    data: DataConfig
    report: ReportConfig
    descriptions: Mapping[str, str]
    contrast: tuple[float, float] | None
    reference_edges: tuple[tuple[str, str], ...] | None
    reference_name: str
    treatment: str | None
    outcome: str | None


def _query(got: _Resolved, treatment: str | None, outcome: str | None,
           graph_text: str | None) -> tuple[str, str, list[str]]:
    """(treatment, outcome, notes): the flags, else the example's, else the graph's tags."""
    treatment, outcome = treatment or got.treatment, outcome or got.outcome
    notes: list[str] = []
    if (treatment is None or outcome is None) and graph_text is not None:
        treatment, outcome, notes = _graph_roles(graph_text, treatment, outcome)
    if treatment is None or outcome is None:
        raise ValueError("--treatment and --outcome are required with a DATA.csv (or tag "
                         "them [exposure] and [outcome] in the --graph file)")
    return treatment, outcome, notes


def prepare_run(
    data: Path | None = None,
    example: str | None = None,
    *,
    treatment: str | None = None,
    outcome: str | None = None,
    descriptions: Path | None = None,
    graph_text: str | None = None,
    contrast: tuple[float, float] | None = None,
    transform: Transform | None = None,
    llm: LLMConfig | None = None,
    discovery: DiscoveryConfig | None = None,
    review: ReviewConfig | None = None,
    estimate: EstimateConfig | None = None,
    seed: int = 0,
    title: str = "rung co-pilot",
) -> PreparedRun:
    """The data and :class:`CopilotConfig` for a CSV ``data`` or an embedded ``example``.

    ``llm``, ``discovery``, ``review`` and ``estimate`` are the caller's sections
    (defaults: the sections' defaults); this fills in what the data source fixes: the
    example's descriptions, reference graph, contrast, transform and report text, a
    ``descriptions`` file, the analyst's ``graph_text`` (also read for the roles) and the
    contrast (``contrast``, else ``estimate.contrast``, else the example's), checked
    against the data. Flags win over an example's defaults and over a graph file's tags.
    ``title`` starts a CSV's report title.

    Raises
    ------
    ValueError
        Both or neither of ``data`` and ``example``; no treatment or outcome; a contrast
        the data do not support (each message names the value and the fix).

    Examples
    --------
    >>> run = prepare_run(example="linear_backdoor", estimate=EstimateConfig(bootstrap=20))
    >>> run.config.treatment, run.config.data.source, run.config.report.true_effect
    ('X', 'example linear_backdoor', 2.0)
    """
    if (data is None) == (example is None):
        raise ValueError("give either a DATA.csv argument or --example NAME (e.g. --example sachs)")
    llm, review = llm or LLMConfig(), review or ReviewConfig()
    estimate = estimate or EstimateConfig()
    graph_text = review.analyst_graph if graph_text is None else graph_text
    contrast = estimate.contrast if contrast is None else contrast
    got = _from_csv(data, contrast, transform, title) if data is not None else \
        _from_example(get_example(str(example)), contrast, transform)
    df = got.frame
    treatment, outcome, notes = _query(got, treatment, outcome, graph_text)
    described = read_descriptions(descriptions, list(df.columns)) if descriptions else \
        (llm.descriptions or got.descriptions)
    if got.contrast is not None and treatment in df.columns:
        _check_contrast(df[treatment].to_numpy(dtype=float), got.contrast, treatment,
                        got.data.transform)
    review = replace(review, analyst_graph=graph_text)
    config = CopilotConfig(
        treatment=treatment, outcome=outcome, data=got.data,
        llm=replace(llm, descriptions=dict(described) or None),
        discovery=discovery or DiscoveryConfig(),
        review=review if review.reference_edges else replace(
            review, reference_edges=got.reference_edges, reference_name=got.reference_name),
        estimate=replace(estimate, contrast=got.contrast), report=got.report, seed=seed)
    return PreparedRun(df, config, tuple(notes))
