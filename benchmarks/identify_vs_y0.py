"""rung.identify vs y0: median time per query P(Y | do(X)) on random ADMGs, one run.

Graphs: n nodes in a random order, each forward pair a directed edge with probability 4/n,
each pair a bidirected edge with probability 1/n (sparse) or 3/n (dense); X a random node
with descendants, Y a random proper descendant of X. Both libraries get the same graphs.
Prints, per size and density, the median seconds per query for each, the ratio, and
whether every identifiability verdict agrees.

Usage: ``python benchmarks/identify_vs_y0.py [--graphs 20] [--seed 0] [--sizes 20 50]``
The last line is the ``RESULT`` summary that ``benchmarks/run_all.py`` reads.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np
from _result import faster_range, peer_version, print_result  # benchmarks/_result.py

from rung.graph import CausalGraph
from rung.identify import identify
from rung.identify._bits import clear_cache

SIZES = (20, 50, 100, 200, 500)


def random_admg(rng: np.random.Generator, n: int, bi: float) -> CausalGraph:
    """Random ADMG: directed probability 4/n along a random order, bidirected ``bi``/n."""
    names = [f"V{i}" for i in rng.permutation(n)]
    pd, pb = min(1.0, 4 / n), min(1.0, bi / n)
    iu, ju = np.triu_indices(n, 1)
    d = rng.random(len(iu)) < pd
    b = rng.random(len(iu)) < pb
    directed = [(names[i], names[j]) for i, j in zip(iu[d], ju[d], strict=True)]
    bidirected = [(names[i], names[j]) for i, j in zip(iu[b], ju[b], strict=True)]
    return CausalGraph(directed=directed, bidirected=bidirected, nodes=names)


def random_query(rng: np.random.Generator, g: CausalGraph) -> tuple[str, str] | None:
    """X with at least one descendant, Y one of them."""
    order = list(g.nodes)
    rng.shuffle(order)
    for x in order:
        de = sorted(g.descendants(x, include_self=False))
        if de:
            return x, de[int(rng.integers(len(de)))]
    return None


def copy_graph(g: CausalGraph) -> CausalGraph:
    """An equal graph with empty caches (not timed)."""
    clear_cache()
    return CausalGraph(directed=g.directed_edges, bidirected=g.bidirected_edges, nodes=g.nodes)


def y0_graph(g: CausalGraph) -> Any:
    from y0.graph import NxMixedGraph

    return NxMixedGraph.from_str_edges(
        directed=list(g.directed_edges), undirected=list(g.bidirected_edges)
    )


def y0_identify(yg: Any, x: str, y: str) -> bool:
    from y0.algorithm.identify import identify_outcomes
    from y0.dsl import Variable

    return identify_outcomes(yg, Variable(x), Variable(y)) is not None


def rung_identify(g: CausalGraph, x: str, y: str, materialise: bool) -> bool:
    res = identify(g, x, y)
    if materialise and res.identifiable:
        _ = res.estimand
    return res.identifiable


def timed(fn: Any, *args: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def run(graphs: int, seed: int, sizes: tuple[int, ...] = SIZES) -> None:
    rng = np.random.default_rng(seed)
    ratios, full_ratios, agreed, total = [], [], 0, 0
    print(f"{'n':>5} {'bi':>4} {'queries':>7} {'id%':>5} {'y0 s/query':>11} "
          f"{'rung s/query':>13} {'ratio':>7} {'rung+expr':>10} {'ratio':>7} {'verdicts':>9}")
    for n in sizes:
        for bi in (1.0, 3.0):
            t_y0, t_rung, t_full, agree, ident, count = [], [], [], 0, 0, 0
            while count < graphs:
                g = random_admg(rng, n, bi)
                q = random_query(rng, g)
                if q is None:
                    continue
                count += 1
                yg = y0_graph(g)
                dt, v_y0 = timed(y0_identify, yg, *q)
                t_y0.append(dt)
                # a fresh graph object per timing: rung pays for its caches and bitmasks
                dt, v_rung = timed(rung_identify, copy_graph(g), q[0], q[1], False)
                t_rung.append(dt)
                dt, _ = timed(rung_identify, copy_graph(g), q[0], q[1], True)
                t_full.append(dt)
                agree += v_y0 == v_rung
                ident += v_rung
            m_y0, m_r, m_f = (statistics.median(t) for t in (t_y0, t_rung, t_full))
            ratios.append(m_y0 / m_r)
            full_ratios.append(m_y0 / m_f)
            agreed, total = agreed + agree, total + count
            print(f"{n:>5} {bi:>4.0f} {count:>7} {100 * ident / count:>5.0f} {m_y0:>11.5f} "
                  f"{m_r:>13.6f} {m_y0 / m_r:>6.0f}x {m_f:>10.6f} {m_y0 / m_f:>6.0f}x "
                  f"{agree:>4}/{count}", flush=True)
    print_result(
        script="identify_vs_y0", peer="y0", peer_version=peer_version("y0"),
        ratio_min=f"{min(ratios):.1f}", ratio_max=f"{max(ratios):.1f}",
        result=f"{faster_range(ratios)} (median s/query, n = {min(sizes)}..{max(sizes)}, "
               f"sparse and dense; {faster_range(full_ratios)} with the estimand built), "
               f"verdicts agree on {agreed}/{total} queries")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--graphs", type=int, default=20, help="queries per size and density")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="graph sizes n")
    a = p.parse_args()
    run(a.graphs, a.seed, tuple(a.sizes))


if __name__ == "__main__":
    main()
