"""The Sachs et al. (2005) flow-cytometry measurements and their 18-edge consensus graph.

Sachs, K., Perez, O., Pe'er, D., Lauffenburger, D. A. & Nolan, G. P. (2005). Causal
protein-signaling networks derived from multiparameter single-cell data. *Science* 308.
The numeric table (7,466 cells × 11 proteins) ships inside rung as facts; it was taken from
the cdt 0.6.0 wheel (Apache-2.0). It is the first nine of the study's experimental conditions
one after another (:data:`SACHS_CONDITIONS`): their published cell counts add up to 7,466, and
the largest shifts in the log intensities' running means fall on the cumulative boundaries
(2,666, 3,389, 4,998 and 6,759). Two conditions show their reagent's known target: PIP2 is
lowest under psitectorigenin (a PIP2 inhibitor) and Erk (p44/42) under U0126 (a MEK
inhibitor). Only the first, anti-CD3/CD28 alone, has no inhibitor or activator.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import pandas as pd

from rung.graph import CausalGraph

__all__ = [
    "SACHS_CONDITIONS",
    "SACHS_DESCRIPTIONS",
    "SachsCondition",
    "load_sachs",
    "sachs_consensus_edges",
    "sachs_consensus_graph",
]

SACHS_DESCRIPTIONS: dict[str, str] = {
    "praf": "phosphorylated Raf (MAPKKK), measured by flow cytometry",
    "pmek": "phosphorylated Mek1/2 (MAPKK)",
    "plcg": "phosphorylated phospholipase C-gamma",
    "PIP2": "phosphatidylinositol 4,5-bisphosphate",
    "PIP3": "phosphatidylinositol 3,4,5-trisphosphate",
    "p44/42": "phosphorylated Erk1/2 (p44/42 MAPK)",
    "pakts473": "Akt phosphorylated at serine 473",
    "PKA": "protein kinase A activity",
    "PKC": "protein kinase C activity",
    "P38": "phosphorylated p38 MAPK",
    "pjnk": "phosphorylated JNK",
}


@dataclass(frozen=True)
class SachsCondition:
    """One experimental condition of Sachs et al. (2005, Table 1): its ``name`` (as in the
    study's files), its number of ``cells`` and its ``reagents``."""

    name: str
    cells: int
    reagents: str


SACHS_CONDITIONS: tuple[SachsCondition, ...] = (
    SachsCondition("cd3cd28", 853, "anti-CD3/CD28 (general stimulation only)"),
    SachsCondition("cd3cd28icam2", 902, "anti-CD3/CD28 and ICAM-2 (general stimulation)"),
    SachsCondition("cd3cd28+aktinhib", 911, "anti-CD3/CD28 and an Akt inhibitor"),
    SachsCondition("cd3cd28+g0076", 723, "anti-CD3/CD28 and G06976 (inhibits PKC)"),
    SachsCondition("cd3cd28+psitect", 810, "anti-CD3/CD28 and psitectorigenin (inhibits PIP2)"),
    SachsCondition("cd3cd28+u0126", 799, "anti-CD3/CD28 and U0126 (inhibits MEK)"),
    SachsCondition("cd3cd28+ly", 848, "anti-CD3/CD28 and LY294002 (inhibits PI3K)"),
    SachsCondition("pma", 913, "PMA (activates PKC), no general stimulation"),
    SachsCondition("b2camp", 707, "beta2cAMP (activates PKA), no general stimulation"),
)
"""The conditions in the table's row order (first row of each: the sum of those before)."""


def load_sachs(condition: str | None = None) -> pd.DataFrame:
    """The 7,466 × 11 table of protein measurements (float columns), or the rows of one
    ``condition`` (a name in :data:`SACHS_CONDITIONS`), numbered from 0.

    Examples
    --------
    >>> load_sachs().shape
    (7466, 11)
    >>> load_sachs("cd3cd28").shape
    (853, 11)
    """
    ref = resources.files("rung.datasets") / "data" / "sachs_cyto.csv.gz"
    with resources.as_file(ref) as path:
        table = pd.read_csv(path, compression="gzip").astype(float)
    if condition is None:
        return table
    names = [c.name for c in SACHS_CONDITIONS]
    if condition not in names:
        raise ValueError(f"condition={condition!r} is not a Sachs condition; use one of {names}")
    first = sum(c.cells for c in SACHS_CONDITIONS[:names.index(condition)])
    rows = SACHS_CONDITIONS[names.index(condition)].cells
    return table.iloc[first:first + rows].reset_index(drop=True)


def sachs_consensus_edges() -> list[tuple[str, str]]:
    """The 18 consensus edges exactly as distributed (cdt 0.6.0), as ``(cause, effect)``.

    This list contains the directed cycle ``PIP3 -> plcg -> PIP2 -> PIP3``; use it with the
    metrics of :mod:`rung.graph.metrics`, which accept cyclic edge lists.

    Examples
    --------
    >>> len(sachs_consensus_edges())
    18
    """
    ref = resources.files("rung.datasets") / "data" / "sachs_consensus.csv"
    with resources.as_file(ref) as path:
        edges = pd.read_csv(path)
    return list(zip(edges["Cause"].astype(str), edges["Effect"].astype(str), strict=True))


def sachs_consensus_graph() -> CausalGraph:
    """The consensus graph as a DAG over the 11 measured proteins (18 edges).

    The distributed edge list has the cycle ``PIP3 -> plcg -> PIP2 -> PIP3``. Sachs et al.
    (2005, Fig. 3) draw PLCγ upstream of both phospholipids, so this DAG orients that one
    edge as ``plcg -> PIP3``; every other edge is as distributed.

    Examples
    --------
    >>> g = sachs_consensus_graph()
    >>> len(g.nodes), len(g.directed_edges)
    (11, 18)
    >>> ("plcg", "PIP3") in g.directed_edges
    True
    """
    edges = [("plcg", "PIP3") if e == ("PIP3", "plcg") else e for e in sachs_consensus_edges()]
    return CausalGraph(directed=edges, nodes=list(load_sachs().columns))
