"""The per-node mechanisms of :class:`~rung.estimate.programs.mixed.MixedSCM` (a torch module).

A node's mechanism maps its observed parents and latents to a distribution:

- continuous: Normal(c + w·f(pa) [+ mlp(f(pa))] + λ·U, σ) on the standardised scale;
- binary: Bernoulli(logit = η(pa) + λ·U);
- categorical: Categorical(logits = η(pa) + Λ U), one logit per category.

η(pa) is a table (one row per joint parent state: a CPT on the logit scale) when every
parent is discrete, and linear in the parents' features otherwise. Features: a continuous
parent enters as its standardised value, a binary one as its 0/1 code, a categorical one as
one-hot codes without the first category.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

__all__ = ["Mechanisms", "NodeSpec"]


@dataclass(frozen=True)
class NodeSpec:
    """How one node is modelled: ``kind`` in {continuous, binary, categorical}."""

    kind: str
    parents: tuple[str, ...]
    latents: tuple[str, ...]
    n_categories: int = 0  # 0 for continuous, 2 for binary, K for categorical

    @property
    def out_dim(self) -> int:
        """Number of outputs of the mean/logit function."""
        return self.n_categories if self.kind == "categorical" else 1


def _seeded_mlp(d: int, hidden: int, gen: torch.Generator) -> nn.Sequential:
    """Linear-tanh-linear, initialised as torch's ``nn.Linear`` default (Kaiming-uniform
    weights, uniform(+-1/sqrt(fan_in)) biases) but from ``gen``, never the global state, so
    a fit is reproducible for its seed."""
    first, last = nn.Linear(d, hidden), nn.Linear(hidden, 1)
    with torch.no_grad():
        for layer in (first, last):
            nn.init.kaiming_uniform_(layer.weight, a=5 ** 0.5, generator=gen)
            bound = 1.0 / layer.in_features ** 0.5
            nn.init.uniform_(layer.bias, -bound, bound, generator=gen)
    return nn.Sequential(first, nn.Tanh(), last)


class Mechanisms(nn.Module):
    """All node mechanisms of one model; :meth:`params_of` evaluates one node."""

    def __init__(self, specs: dict[str, NodeSpec], hidden: int, seed: int | None) -> None:
        super().__init__()
        self.specs = specs
        gen = torch.Generator().manual_seed(0 if seed is None else seed)
        self.table = nn.ParameterDict()
        self.linear = nn.ModuleDict()
        self.mlp = nn.ModuleDict()
        self.loading = nn.ParameterDict()
        self.log_scale = nn.ParameterDict()
        for n, sp in specs.items():
            key = _key(n)
            if sp.kind != "continuous" and self._is_cpt(sp):
                cells = int(np.prod([self._card(p) for p in sp.parents]))
                self.table[key] = nn.Parameter(torch.zeros(cells, sp.out_dim))
            else:
                d = max(1, self._feature_dim(sp.parents))  # no parents: one zero column
                lin = nn.Linear(d, sp.out_dim)
                nn.init.zeros_(lin.weight)
                nn.init.zeros_(lin.bias)
                self.linear[key] = lin
                if sp.kind == "continuous" and hidden > 0 and sp.parents:
                    self.mlp[key] = _seeded_mlp(d, hidden, gen)
            if sp.latents:  # random start: breaks the sign symmetry of each latent
                init = 0.5 * torch.randn(len(sp.latents), sp.out_dim, generator=gen)
                self.loading[key] = nn.Parameter(init)
            if sp.kind == "continuous":
                self.log_scale[key] = nn.Parameter(torch.zeros(()))

    # ------------------------------------------------------------------ structure
    def _card(self, node: str) -> int:
        return self.specs[node].n_categories

    def _is_cpt(self, sp: NodeSpec) -> bool:
        return all(self.specs[p].kind != "continuous" for p in sp.parents)

    def _feature_dim(self, parents: tuple[str, ...]) -> int:
        return sum(self._card(p) - 1 if self.specs[p].kind == "categorical" else 1
                   for p in parents)

    # ------------------------------------------------------------------ evaluation
    def params_of(self, node: str, values: dict[str, torch.Tensor],
                  latents: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(mean or logits, scale or None) of ``node`` given parent values and latents.

        Values broadcast against each other; the output has their broadcast shape, plus a
        trailing category axis for categorical nodes.
        """
        sp, key = self.specs[node], _key(node)
        if key in self.table:
            eta = self.table[key][self._cell(sp.parents, values)]  # batch + (out,)
        else:
            f = self._features(sp.parents, values)  # batch + (d,)
            eta = self.linear[key](f)
            if key in self.mlp:
                eta = eta + self.mlp[key](f)
        if sp.latents:
            u = torch.stack(torch.broadcast_tensors(*(latents[z] for z in sp.latents)), -1)  # type: ignore[no-untyped-call]
            eta = eta + (u.unsqueeze(-1) * self.loading[key]).sum(-2)  # batch + (out,)
        if sp.kind != "categorical":
            eta = eta.squeeze(-1)
        scale = torch.exp(self.log_scale[key]) + 1e-4 if sp.kind == "continuous" else None
        return eta, scale

    def _features(self, parents: tuple[str, ...], values: dict[str, torch.Tensor]
                  ) -> torch.Tensor:
        if not parents:
            return torch.zeros(1, 1)
        vals = torch.broadcast_tensors(*(values[p] for p in parents))  # type: ignore[no-untyped-call]
        cols: list[torch.Tensor] = []
        for p, v in zip(parents, vals, strict=True):
            if self.specs[p].kind == "categorical":
                cols.append(nn.functional.one_hot(v.long(), self._card(p))[..., 1:].float())
            else:
                cols.append(v.float().unsqueeze(-1))
        return torch.cat(cols, -1)  # batch + (d,)

    def _cell(self, parents: tuple[str, ...], values: dict[str, torch.Tensor]) -> torch.Tensor:
        """Joint index of the parents' states (row of the CPT)."""
        idx = torch.zeros((), dtype=torch.long)
        for p in parents:
            idx = idx * self._card(p) + values[p].long()
        return idx


def _key(node: str) -> str:
    """A ModuleDict-safe key for a node name (dots and slashes are not allowed there)."""
    return "n_" + "".join(c if c.isalnum() else f"_{ord(c)}_" for c in node)
