"""``rung graph``: show, check, convert, draw and test causal graphs.

GRAPH is inline text (dagitty, DOT, GML or an edge string) or a path to a
.dot/.gv/.dagitty/.gml/.txt file. ``show --json`` prints the contract shape
``{"nodes", "directed", "bidirected", "latent", "c_components", ...}``: ``nodes``,
``directed`` and ``bidirected`` describe the latent projection (observed nodes only), and
the explicit latents are listed in ``latent``; the edges as written are under ``explicit``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from rung.cli._common import JsonOpt, check_output_file, cli_errors, print_json
from rung.graph import CausalGraph
from rung.graph.io import FORMATS, format_text, read_graph, to_edge_string
from rung.graph.separation import (
    count_candidate_pairs,
    is_m_separated,
    iter_implied_independencies,
    parse_independence,
)

__all__ = ["MAX_DRAW_EDGES", "MAX_DRAW_NODES", "MAX_PAIRS", "MAX_TESTS", "app", "graph_json"]

#: ``independencies`` refuses graphs with more non-adjacent pairs than this (--max-pairs)
MAX_PAIRS = 200_000
#: ``draw`` refuses pictures larger than this (--max-nodes, --max-edges): unreadable and slow
MAX_DRAW_NODES = 300
MAX_DRAW_EDGES = 2_000
#: ``test`` refuses graphs that imply more independencies than this (--max-tests)
MAX_TESTS = 5_000

app = typer.Typer(no_args_is_help=True)

GraphArg = Annotated[
    str, typer.Argument(help="Graph text or a .dot/.gv/.dagitty/.gml/.txt path.")
]


@contextmanager
def _progress(what: str, total: int) -> Iterator[Any]:
    """A progress bar on stderr (terminals only: piped output and JSON stay clean); yields
    ``advance(done, total)``."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(what, total=total)

        def advance(done: int, total: int = total) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _pairs(edges: tuple[tuple[str, str], ...]) -> list[list[str]]:
    return [[a, b] for a, b in edges]


def graph_json(g: CausalGraph) -> dict[str, Any]:
    """The ``show --json`` shape of ``g`` (keys are a contract: add, never rename)."""
    p = g.projected()
    topo = p.topological_order()
    rank = {n: i for i, n in enumerate(topo)}
    return {
        "nodes": list(p.nodes),
        "directed": _pairs(p.directed_edges),
        "bidirected": _pairs(p.bidirected_edges),
        "latent": sorted(g.latent),
        "c_components": [sorted(c, key=rank.__getitem__) for c in p.c_components()],
        "topological_order": list(topo),
        "exposures": [n for n in g.exposures if n not in g.latent],
        "outcomes": [n for n in g.outcomes if n not in g.latent],
        "adjusted": [n for n in g.adjusted if n not in g.latent],
        "selected": [n for n in g.selected if n not in g.latent],
        "explicit": {
            "nodes": list(g.all_nodes),
            "directed": _pairs(g.directed_edges),
            "bidirected": _pairs(g.bidirected_edges),
        },
    }


@app.command("show")
@cli_errors
def show(graph: GraphArg, as_json: JsonOpt = False) -> None:
    """Describe a graph: nodes, edges, latents and c-components."""
    g = read_graph(graph)
    data = graph_json(g)
    if as_json:
        print_json(data)
        return
    typer.echo(f"graph: {to_edge_string(g)}")
    typer.echo(f"observed nodes ({len(data['nodes'])}): {', '.join(data['nodes'])}")
    if data["latent"]:
        typer.echo(f"latent nodes: {', '.join(data['latent'])}")
        typer.echo(f"projection: {to_edge_string(g.projected())}")
    comps = " | ".join("{" + ", ".join(c) + "}" for c in data["c_components"])
    typer.echo(f"c-components: {comps}")


@app.command("check")
@cli_errors
def check(
    graph: GraphArg,
    independence: Annotated[
        str, typer.Option("--independence", "-i", help='e.g. "X _||_ Y | Z1, Z2"')
    ],
    as_json: JsonOpt = False,
) -> None:
    """Does the graph imply the conditional independence (d-/m-separation)?"""
    g = read_graph(graph)
    xs, ys, zs = parse_independence(independence)
    implied = is_m_separated(g, xs, ys, zs)
    if as_json:
        print_json({"independence": independence, "x": sorted(xs), "y": sorted(ys),
                    "z": sorted(zs), "implied": implied})
        return
    verdict = "implied" if implied else "NOT implied"
    typer.echo(f"{independence}: {verdict} by the graph")


@app.command("independencies")
@cli_errors
def independencies(
    graph: GraphArg,
    as_json: JsonOpt = False,
    max_pairs: Annotated[
        int, typer.Option("--max-pairs", help="Refuse graphs with more non-adjacent pairs.")
    ] = MAX_PAIRS,
) -> None:
    """List a basis of the conditional independencies the graph implies (minimal sets)."""
    g = read_graph(graph)
    total = count_candidate_pairs(g)
    if total > max_pairs:
        raise ValueError(
            f"the graph has {len(g.nodes):,} observed nodes and {total:,} non-adjacent pairs, "
            f"more than --max-pairs {max_pairs:,}; each pair is one implied independence, so "
            "the list would be too long to use: test one with `rung graph check`, or pass a "
            "larger --max-pairs"
        )
    order = {n: i for i, n in enumerate(g.projected().topological_order())}
    found: list[tuple[str, str, list[str]]] = []
    with _progress("finding minimal separators", total) as advance:
        for k, (a, b, sep) in enumerate(iter_implied_independencies(g)):
            found.append((a, b, sorted(sep, key=order.__getitem__)))
            if k % 256 == 0:
                advance(k, total)
    if as_json:
        print_json([{"x": a, "y": b, "z": z} for a, b, z in found])
        return
    for a, b, z in found:
        typer.echo(f"{a} _||_ {b}" + (f" | {', '.join(z)}" if z else ""))


@app.command("convert")
@cli_errors
def convert(
    graph: GraphArg,
    to: Annotated[str, typer.Option("--to", help="dagitty, dot, gml or edges")] = "dagitty",
) -> None:
    """Print the graph in another syntax (lossless)."""
    if to not in FORMATS:
        raise ValueError(f"unknown format {to!r}; use one of {', '.join(FORMATS)}")
    typer.echo(format_text(read_graph(graph), to))


@app.command("draw")
@cli_errors
def draw(
    graph: GraphArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="out.svg or out.png")],
    title: Annotated[str | None, typer.Option("--title", help="A title.")] = None,
    max_nodes: Annotated[
        int, typer.Option("--max-nodes", help="Refuse pictures with more nodes.")
    ] = MAX_DRAW_NODES,
    max_edges: Annotated[
        int, typer.Option("--max-edges", help="Refuse pictures with more edges.")
    ] = MAX_DRAW_EDGES,
) -> None:
    """Draw the graph to an SVG or PNG file."""
    g = read_graph(graph)
    n_nodes = len(g.all_nodes)
    n_edges = len(g.directed_edges) + len(g.bidirected_edges)
    if n_nodes > max_nodes or n_edges > max_edges:
        raise ValueError(
            f"the graph has {n_nodes:,} nodes and {n_edges:,} edges; drawing is limited to "
            f"--max-nodes {max_nodes:,} and --max-edges {max_edges:,} (a larger picture is "
            "unreadable and slow to draw): draw a part of it, raise the limits, or write DOT "
            "with `rung graph convert --to dot` for Graphviz"
        )
    from rung.graph.draw import draw_graph  # matplotlib: loaded only when drawing

    path = draw_graph(g, check_output_file(output, "--output"), title=title)
    typer.echo(str(path))


@app.command("test")
@cli_errors
def graph_test(
    graph: GraphArg,
    data: Annotated[Path, typer.Option("--data", help="CSV file of observations.")],
    alpha: Annotated[
        float, typer.Option("--alpha", help="Family-wise error rate (Holm).")
    ] = 0.05,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the KCI subsample.")] = 0,
    max_tests: Annotated[
        int, typer.Option("--max-tests", help="Refuse graphs implying more independencies.")
    ] = MAX_TESTS,
    as_json: JsonOpt = False,
) -> None:
    """Test each independence the graph implies on the data (like dagitty's localTests)."""
    from rung.data import read_table
    from rung.discover.local_tests import test_implications

    if not 0.0 < alpha < 1.0:
        raise ValueError(f"--alpha {alpha:g} must lie strictly between 0 and 1, e.g. 0.05")
    if max_tests < 1:
        raise ValueError(f"--max-tests {max_tests} must be at least 1")
    if seed < 0:
        raise ValueError(f"--seed {seed} must be a non-negative integer")
    g = read_graph(graph)
    table = read_table(data)
    with _progress("testing implied independencies", 1) as advance:
        res = test_implications(g, table, alpha=alpha, seed=seed, max_tests=max_tests,
                                progress=advance)
    if as_json:
        print_json(res.to_json())
        return
    _print_tests(res)


def _p(value: float) -> str:
    """A p-value in 8 characters; one that underflowed to 0 shows as ``<1e-300``."""
    return f"{value:8.3g}" if value > 0 else " <1e-300"


def _print_tests(res: Any) -> None:
    """The table of :func:`rung.discover.local_tests.test_implications`, for people."""
    if res.tests:
        width = max(len("implication"), *(len(t.implication) for t in res.tests))
        typer.echo(f"{'implication':<{width}}  test     effect            95% CI"
                   "               p   p(Holm)  verdict")
    for t in res.tests:
        ci = (f"[{t.ci_low:6.3f}, {t.ci_high:6.3f}]" if t.ci_low is not None
              and t.ci_high is not None else " " * 16)
        name = "r" if t.effect_name == "partial_correlation" else "V"
        typer.echo(f"{t.implication:<{width}}  {t.test:<7}  {name}={t.effect:7.3f}  {ci}  "
                   f"{_p(t.p_value)}  {_p(t.p_adjusted)}  {t.verdict}")
    dropped = f" ({res.dropped_rows} incomplete rows dropped)" if res.dropped_rows else ""
    typer.echo(f"verdict: {res.verdict}: {res.summary()}; n={res.n_rows}{dropped}")
