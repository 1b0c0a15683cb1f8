"""Causal graphs with latent variables: DAGs and ADMGs.

Plain functions are the public API (NetworkX style); :class:`CausalGraph` is immutable.
"""

from rung.graph.components import c_component_of, c_components, latent_projection
from rung.graph.core import CausalGraph, NodeSet, as_node_set
from rung.graph.errors import (
    CycleError,
    GraphError,
    GraphSyntaxError,
    SelfLoopError,
    UnknownNodeError,
)
from rung.graph.parse_edges import parse_edges, to_edge_string
from rung.graph.separation import (
    implied_independencies,
    is_d_separated,
    is_m_separated,
    parse_independence,
)

__all__ = [
    "CausalGraph",
    "CycleError",
    "GraphError",
    "GraphSyntaxError",
    "NodeSet",
    "SelfLoopError",
    "UnknownNodeError",
    "as_node_set",
    "c_component_of",
    "c_components",
    "implied_independencies",
    "is_d_separated",
    "is_m_separated",
    "latent_projection",
    "parse_edges",
    "parse_independence",
    "to_edge_string",
]
