"""What every generative model of rung shares: the graph's latent structure and the
program interface used by :mod:`rung.estimate.programs.interventions`.

A bidirected edge ``A <-> B`` becomes one latent ``U_A_B`` feeding A and B; an explicit
latent root keeps its name and feeds its children (latents with parents are projected away).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from rung.graph import CausalGraph

__all__ = ["LatentStructure", "SCMProgram", "latent_structure"]


@dataclass(frozen=True)
class LatentStructure:
    """Observed nodes in topological order, their observed parents, and the latents.

    Attributes
    ----------
    order : tuple of str
        Observed nodes, parents first.
    parents : dict
        node -> its observed parents (sorted).
    latents : dict
        latent name -> the observed nodes it feeds (sorted).
    """

    order: tuple[str, ...]
    parents: dict[str, tuple[str, ...]]
    latents: dict[str, tuple[str, ...]]

    def latents_of(self, node: str) -> tuple[str, ...]:
        """The latents feeding ``node``."""
        return tuple(u for u, ch in self.latents.items() if node in ch)


def latent_structure(graph: CausalGraph) -> LatentStructure:
    """The latent structure of ``graph`` for a generative model.

    Examples
    --------
    >>> s = latent_structure(CausalGraph.from_edges("X -> M -> Y; X <-> Y"))
    >>> s.order, s.latents
    (('X', 'M', 'Y'), {'U_X_Y': ('X', 'Y')})
    """
    g = graph
    if any(g.parents(u) for u in g.latent):
        g = graph.projected()
    order = g.topological_order()
    observed = set(order)
    parents = {n: tuple(sorted(g.parents(n) & observed)) for n in order}
    latents: dict[str, tuple[str, ...]] = {}
    for u in sorted(g.latent):
        latents[u] = tuple(sorted(g.children(u) & observed))
    taken = set(g.all_nodes)
    for a, b in g.bidirected_edges:
        name = f"U_{a}_{b}"
        while name in taken:
            name += "_"
        taken.add(name)
        latents[name] = (a, b)
    return LatentStructure(order=order, parents=parents, latents=latents)


class SCMProgram:
    """Interface of a fitted generative model: a Pyro program plus value conversions.

    Subclasses set ``structure_`` when fitted and implement :meth:`model`, a Pyro program
    with one sample site per observed node (named as the node) and one per latent.
    """

    structure_: LatentStructure

    def model(self, num_samples: int) -> dict[str, torch.Tensor]:
        """Draw ``num_samples`` units; returns the value of every site."""
        raise NotImplementedError

    def __call__(self, num_samples: int) -> dict[str, torch.Tensor]:
        return self.model(num_samples)

    def to_site(self, node: str, value: float) -> torch.Tensor:
        """The site value that stands for ``node = value`` (for ``do``/``condition``)."""
        return torch.as_tensor(float(value), dtype=torch.float64)

    def from_site(self, node: str, site: torch.Tensor) -> np.ndarray:
        """The data values of a site's samples."""
        return site.detach().cpu().numpy().astype(float)
