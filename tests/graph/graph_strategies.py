"""Hypothesis strategies and seeded generators of random causal graphs for the graph tests."""

from __future__ import annotations

import random

from hypothesis import strategies as st

from rung.graph import CausalGraph

# awkward names on purpose: punctuation, spaces, quotes, keywords, leading digits, the
# separators of the edge string (';', a newline) and braces
NAMES = ["X", "Y", "M", "Z1", "p44/42", "pakts473", "a b", 'q"x', "node", "1x", "é", "U.2",
         "a;b", "two\nlines", "}", "back\\slash"]


@st.composite
def causal_graphs(draw: st.DrawFn, max_nodes: int = 7, attributes: bool = True) -> CausalGraph:
    """A random DAG/ADMG with optional explicit latents and dagitty-style attributes."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=max_nodes, unique=True))
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    directed = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    bidirected = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3)) if pairs else []
    latent = draw(st.lists(st.sampled_from(names), unique=True, max_size=2))
    attrs: dict[str, dict[str, str]] = {}
    graph_attrs: dict[str, str] = {}
    edge_attrs: dict[tuple[str, str, str], dict[str, str]] = {}
    if attributes:
        for n in draw(st.lists(st.sampled_from(names), unique=True, max_size=3)):
            kind = draw(st.sampled_from(["exposure", "outcome", "adjusted", "selected"]))
            attrs[n] = {kind: ""}
            if draw(st.booleans()):
                attrs[n]["pos"] = _pos(draw)
        if draw(st.booleans()):
            graph_attrs["bb"] = f"{_pos(draw)},{_pos(draw)}"
        for a, b in draw(st.lists(st.sampled_from(directed), unique=True, max_size=2)
                         if directed else st.just([])):
            edge_attrs[(a, "->", b)] = {"pos": _pos(draw)}
    return CausalGraph(
        directed=directed, bidirected=bidirected, nodes=names, latent=latent, attributes=attrs,
        graph_attributes=graph_attrs, edge_attributes=edge_attrs,
    )


def _pos(draw: st.DrawFn) -> str:
    x, y = draw(st.floats(-5, 5, width=16)), draw(st.integers(-5, 5))
    return f"{x:.3f},{y}"


def random_dag(rng: random.Random, n: int, p: float, n_latent: int) -> CausalGraph:
    """A seeded Erdős–Rényi DAG over ``V0..V{n-1}`` (edges follow a random order) whose
    first ``n_latent`` nodes of that order are explicit latents."""
    names = [f"V{i}" for i in range(n)]
    rng.shuffle(names)
    edges = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :] if rng.random() < p]
    return CausalGraph(directed=edges, nodes=sorted(names), latent=names[:n_latent])
