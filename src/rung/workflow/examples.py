"""Embedded examples for ``rung copilot --example NAME``: Sachs, and simulated case studies
whose true graph and effect are known."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources

import pandas as pd

from rung.workflow.config import Transform

__all__ = ["EXAMPLES", "Example", "get_example", "sachs_reference_edges"]


@dataclass(frozen=True)
class Example:
    """Data plus a default query, descriptions and (where known) the true graph and effect;
    ``notes`` are the example's own caveats, printed in its report."""

    name: str
    data: pd.DataFrame
    treatment: str
    outcome: str
    descriptions: Mapping[str, str]
    reference_edges: tuple[tuple[str, str], ...] | None
    reference_name: str
    title: str
    true_effect: float | None = None
    contrast: tuple[float, float] | None = None
    transform: Transform = "none"
    notes: tuple[str, ...] = ()


def sachs_reference_edges() -> tuple[tuple[str, str], ...]:
    """The 18 directed edges of the Sachs consensus graph (cyclic, so kept as a list)."""
    ref = resources.files("rung.datasets") / "data" / "sachs_consensus.csv"
    with resources.as_file(ref) as path:
        edges = pd.read_csv(path)
    return tuple(zip(edges["Cause"].astype(str), edges["Effect"].astype(str), strict=True))


SACHS_NOTE = (
    "Sachs et al.'s table pools nine experimental conditions, seven of them interventions "
    "(inhibitors and activators); one DAG search over the pool would read the conditions' "
    "shifts as dependencies between proteins. The example analyses the 853 cells of the one "
    "condition without an inhibitor or activator (anti-CD3/CD28 alone: rung.datasets."
    "SACHS_CONDITIONS says how the rows were assigned). Intensities are heavily right-skewed, "
    "so it analyses their logs (--transform log) and the effect is on the log scale. The "
    "consensus graph has a feedback loop (plcg -> PIP2 -> PIP3 -> plcg) that no DAG can "
    "hold, so no acyclic graph matches it exactly.")

SACHS_CONDITION = "cd3cd28"
"""The example's condition: general stimulation only, the study's observational sample."""


def _sachs() -> Example:
    from rung.datasets.sachs import SACHS_DESCRIPTIONS, load_sachs

    return Example(
        name="sachs", data=load_sachs(SACHS_CONDITION), treatment="PKC", outcome="P38",
        descriptions=dict(SACHS_DESCRIPTIONS), reference_edges=sachs_reference_edges(),
        reference_name="Sachs et al. (2005) consensus graph",
        title="Sachs flow cytometry, anti-CD3/CD28 cells: effect of PKC on P38 (log scale)",
        transform="log", notes=(SACHS_NOTE,),
    )


def _case(factory_name: str) -> Callable[[], Example]:
    def make() -> Example:
        import rung.datasets as ds

        cs = getattr(ds, factory_name)()
        edges = tuple(cs.graph.directed_edges)
        return Example(
            name=cs.name, data=cs.data, treatment=cs.treatment, outcome=cs.outcome,
            descriptions={}, reference_edges=edges, reference_name=f"true graph of {cs.name}",
            title=f"Simulated {cs.name}: effect of {cs.treatment} on {cs.outcome}",
            true_effect=float(cs.true_effect),
            contrast=(float(cs.contrast[0]), float(cs.contrast[1])),
        )

    return make


EXAMPLES: dict[str, Callable[[], Example]] = {
    "sachs": _sachs,
    "linear_backdoor": _case("linear_backdoor"),
    "nonlinear_backdoor": _case("nonlinear_backdoor"),
    "linear_frontdoor": _case("linear_frontdoor"),
    "signalling_pathway": _case("signalling_pathway"),
}


def get_example(name: str) -> Example:
    """The embedded example ``name`` (see :data:`EXAMPLES`)."""
    try:
        return EXAMPLES[name]()
    except KeyError:
        raise ValueError(f"unknown example {name!r}; choose one of {sorted(EXAMPLES)}") from None
