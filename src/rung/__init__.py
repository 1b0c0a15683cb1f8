"""rung — a Python toolkit for causal AI.

Climb Pearl's ladder (association, intervention, counterfactual) with a language model as
co-pilot and do-calculus proofs behind every reported effect.
"""

from rung.graph import CausalGraph, c_components, is_d_separated, parse_edges

__version__ = "0.1.0"

__all__ = ["CausalGraph", "__version__", "c_components", "is_d_separated", "parse_edges"]
