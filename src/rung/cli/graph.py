"""``rung graph``: show, check, convert and draw causal graphs.

GRAPH is inline text (dagitty, DOT or an edge string) or a path to a .dot/.gv/.dagitty/.txt
file. ``show --json`` prints the contract shape
``{"nodes", "directed", "bidirected", "latent", "c_components", ...}``: ``nodes``,
``directed`` and ``bidirected`` describe the latent projection (observed nodes only), and
the explicit latents are listed in ``latent``; the edges as written are under ``explicit``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from rung.cli._common import check_output_file, cli_errors, print_json
from rung.graph import CausalGraph
from rung.graph.io import read_graph, to_dagitty, to_dot, to_edge_string
from rung.graph.separation import implied_independencies, is_m_separated, parse_independence

__all__ = ["app", "graph_json"]

app = typer.Typer(no_args_is_help=True)

GraphArg = Annotated[str, typer.Argument(help="Graph text or a .dot/.gv/.dagitty/.txt path.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _pairs(edges: tuple[tuple[str, str], ...]) -> list[list[str]]:
    return [[a, b] for a, b in edges]


def graph_json(g: CausalGraph) -> dict[str, Any]:
    """The ``show --json`` shape of ``g`` (keys are a contract: add, never rename)."""
    p = g.projected()
    return {
        "nodes": list(p.nodes),
        "directed": _pairs(p.directed_edges),
        "bidirected": _pairs(p.bidirected_edges),
        "latent": sorted(g.latent),
        "c_components": [
            [n for n in p.topological_order() if n in c] for c in p.c_components()
        ],
        "topological_order": list(p.topological_order()),
        "exposures": [n for n in g.exposures if n not in g.latent],
        "outcomes": [n for n in g.outcomes if n not in g.latent],
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
def independencies(graph: GraphArg, as_json: JsonOpt = False) -> None:
    """List the pairwise conditional independencies the graph implies."""
    g = read_graph(graph)
    found = [(a, b, [n for n in g.projected().topological_order() if n in z])
             for a, b, z in implied_independencies(g)]
    if as_json:
        print_json([{"x": a, "y": b, "z": z} for a, b, z in found])
        return
    for a, b, z in found:
        typer.echo(f"{a} _||_ {b}" + (f" | {', '.join(z)}" if z else ""))


@app.command("convert")
@cli_errors
def convert(
    graph: GraphArg,
    to: Annotated[str, typer.Option("--to", help="dagitty, dot or edges")] = "dagitty",
) -> None:
    """Print the graph in another syntax (lossless)."""
    writers = {"dagitty": to_dagitty, "dot": to_dot, "edges": to_edge_string}
    if to not in writers:
        raise ValueError(f"unknown format {to!r}; use one of {', '.join(writers)}")
    typer.echo(writers[to](read_graph(graph)))


@app.command("draw")
@cli_errors
def draw(
    graph: GraphArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="out.svg or out.png")],
    title: Annotated[str | None, typer.Option("--title", help="A title.")] = None,
) -> None:
    """Draw the graph to an SVG or PNG file."""
    from rung.graph.draw import draw_graph  # matplotlib: loaded only when drawing

    g = read_graph(graph)
    path = draw_graph(g, check_output_file(output, "--output"), title=title)
    typer.echo(str(path))
