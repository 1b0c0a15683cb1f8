"""From what the user named (a CSV or an embedded example, the query, files) to the data and
the :class:`~rung.workflow.CopilotConfig` of one run.

``rung copilot`` only parses its arguments and calls :func:`prepare_run`: the example's
defaults, the treatment and outcome read from a ``--graph`` file's tags, the descriptions
file and the contrast's support in the data are resolved here, so that every caller of the
workflow gets the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rung.workflow.config import CopilotConfig
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


def _from_example(ex: Example, contrast: tuple[float, float] | None, transform: str | None
                  ) -> dict[str, Any]:
    """The example's defaults; its true effect only for its own contrast and transform."""
    contrast = contrast or ex.contrast
    transform = ex.transform if transform is None else transform
    truth = ex.true_effect if (contrast == ex.contrast and transform == ex.transform) else None
    return {"data": ex.data, "descriptions": dict(ex.descriptions),
            "source": f"example {ex.name}", "reference_edges": ex.reference_edges,
            "reference_name": ex.reference_name, "title": ex.title, "contrast": contrast,
            "transform": transform, "true_effect": truth, "notes": ex.notes,
            "treatment": ex.treatment, "outcome": ex.outcome}


def _from_csv(path: Path, contrast: tuple[float, float] | None, transform: str | None
              ) -> dict[str, Any]:
    loaded = load_data_csv(path)
    return {"data": loaded.frame, "descriptions": {}, "source": str(path),
            "reference_edges": None, "reference_name": "reference",
            "title": f"rung co-pilot: {path.name}", "contrast": contrast,
            "transform": "none" if transform is None else transform,
            "data_notes": loaded.notes, "categorical": loaded.categorical,
            "treatment": None, "outcome": None}


def prepare_run(
    data: Path | None = None,
    example: str | None = None,
    *,
    treatment: str | None = None,
    outcome: str | None = None,
    descriptions: Path | None = None,
    graph_text: str | None = None,
    contrast: tuple[float, float] | None = None,
    transform: str | None = None,
    settings: Mapping[str, Any] | None = None,
) -> PreparedRun:
    """The data and :class:`CopilotConfig` for a CSV ``data`` or an embedded ``example``.

    ``settings`` are the remaining :class:`CopilotConfig` fields (``model``, ``alpha``,
    ...). Flags win over an example's defaults and over a graph file's tags.

    Raises
    ------
    ValueError
        Both or neither of ``data`` and ``example``; no treatment or outcome; a contrast
        the data do not support (each message names the value and the fix).

    Examples
    --------
    >>> run = prepare_run(example="linear_backdoor", settings={"bootstrap": 20})
    >>> run.config.treatment, run.config.source, run.config.true_effect
    ('X', 'example linear_backdoor', 2.0)
    """
    if (data is None) == (example is None):
        raise ValueError("give either a DATA.csv argument or --example NAME (e.g. --example sachs)")
    got = _from_csv(data, contrast, transform) if data is not None else \
        _from_example(get_example(str(example)), contrast, transform)
    df: pd.DataFrame = got.pop("data")
    default_treatment, default_outcome = got.pop("treatment"), got.pop("outcome")
    treatment, outcome = treatment or default_treatment, outcome or default_outcome
    notes: list[str] = []
    if (treatment is None or outcome is None) and graph_text is not None:
        treatment, outcome, notes = _graph_roles(graph_text, treatment, outcome)
    if treatment is None or outcome is None:
        raise ValueError("--treatment and --outcome are required with a DATA.csv (or tag "
                         "them [exposure] and [outcome] in the --graph file)")
    if descriptions is not None:
        got["descriptions"] = read_descriptions(descriptions, list(df.columns))
    got["descriptions"] = got["descriptions"] or None
    if got["contrast"] is not None and treatment in df.columns:
        _check_contrast(df[treatment].to_numpy(dtype=float), got["contrast"], treatment,
                        got["transform"])
    config = CopilotConfig(treatment=treatment, outcome=outcome, analyst_graph=graph_text,
                           **got, **dict(settings or {}))
    return PreparedRun(df, config, tuple(notes))
