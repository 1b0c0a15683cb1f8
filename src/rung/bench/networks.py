"""Graph benchmarks: every pair of variables is asked, the answers make a graph.

Sources: arctic sea ice (Huang et al. 2021, via Kiciman et al. 2023) and the Sachs consensus
graph from the data directory; asia, sachs, child, alarm and insurance bundled with pgmpy.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Iterable, Sequence
from functools import cache
from itertools import combinations
from pathlib import Path

from rung.bench.datadir import DatasetMissingError, find_files
from rung.bench.datafiles import corrupt, read_json_object, read_table
from rung.bench.items import Benchmark, Item, PairItem, PairTruth

__all__ = ["PGMPY_NETWORKS", "graph_benchmark", "load_arcticsea", "load_pgmpy_network",
           "load_sachs_graph", "pair_truth"]

PGMPY_NETWORKS = ("asia", "sachs", "child", "alarm", "insurance")


def pair_truth(a: str, b: str, edges: frozenset[tuple[str, str]]) -> PairTruth:
    """The truth of the pair (a, b) in a set of directed edges.

    Examples
    --------
    >>> pair_truth("X", "Y", frozenset({("Y", "X")}))
    'B->A'
    """
    ab, ba = (a, b) in edges, (b, a) in edges
    if ab and ba:
        return "both"
    if ab:
        return "A->B"
    return "B->A" if ba else "none"


def graph_benchmark(
    name: str, variables: Sequence[str], edges: Iterable[tuple[str, str]],
    source: Path | None = None,
) -> Benchmark:
    """A graph benchmark: one :class:`PairItem` per unordered pair.

    Pairs are listed in variable order; which of the two is presented first is drawn at
    random (seeded by ``name``), so networks listed in topological order do not reward a
    model that always names the first variable as the cause.
    """
    truth = frozenset((str(s), str(t)) for s, t in edges)
    unknown = {v for e in truth for v in e} - set(variables)
    if unknown:
        raise ValueError(f"edges name unknown variables {sorted(unknown)}; add them to variables")
    rng = random.Random(name)
    items: list[Item] = []
    for (i, a), (j, b) in combinations(enumerate(variables), 2):
        first, second = (a, b) if rng.random() < 0.5 else (b, a)
        items.append(PairItem(f"{i}-{j}", first, second, pair_truth(first, second, truth),
                              allow_none=True))
    return Benchmark(name, tuple(items), source, variables=tuple(variables), truth_edges=truth)


def load_arcticsea(data_dir: str | Path | None = None) -> Benchmark:
    """Arctic sea ice: 12 variables, 48 literature edges (adjacency[i][j] = 1 is i -> j).

    Variables are named by their descriptions ("Sea level pressure"), as in the paper.
    """
    (path,) = find_files("arcticsea", ["arcticsea/truth.json"], data_dir)
    data = read_json_object(path, ["variables", "adjacency"])
    names = [str(v).split(":", 1)[-1].strip() for v in data["variables"]]
    adj = data["adjacency"]
    n = len(names)
    if len(adj) != n or any(not isinstance(r, list) or len(r) != n for r in adj):
        raise corrupt(path, f"'adjacency' is not a {n} x {n} matrix for the {n} variables")
    edges = [(names[i], names[j]) for i in range(n) for j in range(n) if adj[i][j]]
    return graph_benchmark("arcticsea", names, edges, path.parent)


def load_sachs_graph(data_dir: str | Path | None = None) -> Benchmark:
    """The 11 Sachs proteins and the 18-edge consensus graph (``cyto_full_target.csv``)."""
    data_csv, target = find_files(
        "sachs-graph", ["sachs/cyto_full_data.csv", "sachs/cyto_full_target.csv"], data_dir
    )
    names = [str(c) for c in read_table(data_csv, [], nrows=1).columns]
    df = read_table(target, ["Cause", "Effect"])
    edges = list(zip(df["Cause"].astype(str), df["Effect"].astype(str), strict=True))
    try:
        return graph_benchmark("sachs-graph", names, edges, target.parent)
    except ValueError as exc:  # an edge names a protein that is not a data column
        raise corrupt(target, str(exc).split(";")[0] + f" (the columns of {data_csv.name})"
                      ) from None


@cache
def load_pgmpy_network(network: str) -> Benchmark:
    """A Bayesian network bundled with pgmpy (offline), as a graph benchmark (cached: the
    immutable result is shared within a process).

    Raises
    ------
    ValueError
        ``network`` is not one of :data:`PGMPY_NETWORKS`.
    """
    if network not in PGMPY_NETWORKS:
        raise ValueError(f"unknown pgmpy network {network!r}; choose one of {PGMPY_NETWORKS}")
    try:
        from pgmpy.utils import get_example_model
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise DatasetMissingError(
            f"network {network!r} needs pgmpy: pip install pgmpy (the dev/bench extra)"
        ) from exc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = get_example_model(network)
    return graph_benchmark(f"{network}-graph", [str(n) for n in model.nodes()],
                           [(str(s), str(t)) for s, t in model.edges()])
