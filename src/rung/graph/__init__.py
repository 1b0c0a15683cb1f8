"""Causal graphs with latent variables: DAGs and ADMGs.

Plain functions are the public API (NetworkX style); :class:`CausalGraph` is immutable.
Drawing (``draw_graph``, ``to_svg``) loads matplotlib on first use.
"""

from typing import TYPE_CHECKING, Any

from rung.graph.components import (
    c_component_of,
    c_components,
    latent_projection,
    to_explicit_latents,
)
from rung.graph.core import CausalGraph, NodeSet, as_node_set
from rung.graph.errors import (
    CycleError,
    GraphError,
    GraphSyntaxError,
    InvalidNameError,
    SelfLoopError,
    UnknownNodeError,
)
from rung.graph.interop import from_any, from_networkx, from_pgmpy, to_networkx
from rung.graph.io import detect_format, format_text, parse_graph, read_graph, write_graph
from rung.graph.metrics import (
    EdgeScores,
    adjacency_matrix,
    edge_precision_recall_f1,
    normalized_hamming_distance,
    structural_hamming_distance,
)
from rung.graph.parse_dagitty import parse_dagitty, to_dagitty
from rung.graph.parse_dot import parse_dot, to_dot
from rung.graph.parse_edges import parse_edges, to_edge_string
from rung.graph.parse_gml import parse_gml, to_gml
from rung.graph.separation import (
    find_minimal_separator,
    implied_independencies,
    is_d_separated,
    is_m_separated,
    parse_independence,
)

if TYPE_CHECKING:
    from rung.graph.draw import draw_graph, to_svg

__all__ = [
    "CausalGraph",
    "CycleError",
    "EdgeScores",
    "GraphError",
    "GraphSyntaxError",
    "InvalidNameError",
    "NodeSet",
    "SelfLoopError",
    "UnknownNodeError",
    "adjacency_matrix",
    "as_node_set",
    "c_component_of",
    "c_components",
    "detect_format",
    "draw_graph",
    "edge_precision_recall_f1",
    "find_minimal_separator",
    "format_text",
    "from_any",
    "from_networkx",
    "from_pgmpy",
    "implied_independencies",
    "is_d_separated",
    "is_m_separated",
    "latent_projection",
    "normalized_hamming_distance",
    "parse_dagitty",
    "parse_dot",
    "parse_edges",
    "parse_gml",
    "parse_graph",
    "parse_independence",
    "read_graph",
    "structural_hamming_distance",
    "to_dagitty",
    "to_dot",
    "to_edge_string",
    "to_explicit_latents",
    "to_gml",
    "to_networkx",
    "to_svg",
    "write_graph",
]


def __getattr__(name: str) -> Any:
    """Load the drawing functions (and matplotlib) only when they are first used."""
    if name in ("draw_graph", "to_svg"):
        from rung.graph import draw

        return getattr(draw, name)
    raise AttributeError(f"module 'rung.graph' has no attribute {name!r}")
