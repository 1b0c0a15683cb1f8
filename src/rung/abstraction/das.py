"""Distributed Alignment Search (DAS) on a frozen network.

Geiger, Wu, Potts, Icard, Goodman 2023, "Finding Alignments Between Interpretable Causal
Variables and Distributed Neural Representations" (CLeaR 2024): learn an orthogonal
rotation of a site so that a ``k``-dimensional subspace carries a high-level variable,
by gradient descent on the counterfactual cross-entropy of interchange interventions.
Boundless DAS (Wu et al. 2023) learns the subspace size too.

The network is frozen, so the source activations are computed once for the whole training
set; each step then costs one base forward pass with the learned intervention hooked in.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import torch
import torch.nn.functional as F
from torch import nn

from rung.abstraction._training import frozen, train_loop
from rung.abstraction.iia import interchange_accuracy
from rung.abstraction.interventions import Swap, collect, interchange, logits_of
from rung.abstraction.sites import Site
from rung.abstraction.subspace import BoundlessSubspace, LowRankSubspace, RotatedSubspace
from rung.abstraction.tasks.base import InterchangeData, take

__all__ = ["DAS", "BoundlessDAS", "LowRankDAS"]


class DAS:
    """Learn a rotated ``k``-dimensional subspace of ``site`` that holds ``variable``.

    Parameters
    ----------
    variable : str
        The high-level variable.
    site : Site
        Where to search (its units, if any, restrict the search space).
    k : int
        Size of the subspace.
    steps, batch_size, lr, seed, progress, checkpoint
        Optimisation settings (see :class:`rung.abstraction.iit.IIT`); the learning rate
        decays linearly to 0.

    Attributes
    ----------
    intervention_ : nn.Module
        The learned subspace intervention (pass it to ``interchange_accuracy``).
    history_ : list of float
        Loss per step.
    """

    def __init__(self, variable: str, site: Site, k: int = 16, *, steps: int = 1000,
                 batch_size: int = 256, lr: float = 1e-3, seed: int = 0,
                 progress: bool = False, checkpoint: Path | None = None) -> None:
        self.variable = variable
        self.site = site
        self.k = k
        self.steps = steps
        self.batch_size = batch_size
        self.lr = lr
        self.seed = seed
        self.progress = progress
        self.checkpoint = checkpoint

    def _make_intervention(self, n: int) -> nn.Module:
        return RotatedSubspace(n, self.k)

    def _penalty(self, step: int) -> torch.Tensor | float:
        return 0.0

    def _validate(self, data: InterchangeData) -> None:
        if self.variable not in data.sources:
            raise ValueError(
                f"the data has no sources for {self.variable!r} (it has "
                f"{sorted(data.sources)}); build it with make_interchange_data"
            )
        if self.batch_size < 1:
            raise ValueError(f"batch_size={self.batch_size} must be at least 1")

    def fit(self, model: nn.Module, data: InterchangeData) -> DAS:
        """Learn the intervention on ``data`` with ``model`` frozen; return self."""
        self._validate(data)
        torch.manual_seed(self.seed)
        with torch.no_grad():
            source = collect(model, data.sources[self.variable], [self.site])[0]  # (N, n)
        self.intervention_ = self._make_intervention(source.shape[-1])
        g = torch.Generator().manual_seed(self.seed)
        order = torch.randperm(len(data), generator=g)
        per_epoch = max(1, len(data) // self.batch_size)

        def step_loss(step: int) -> torch.Tensor:
            nonlocal order
            b = step % per_epoch
            if b == 0 and step > 0:
                order = torch.randperm(len(data), generator=g)
            idx = order[b * self.batch_size : (b + 1) * self.batch_size]
            penalty = self._penalty(step)  # may set the temperature: before the forward
            swap = Swap(self.site, source[idx], self.intervention_)
            logits = logits_of(interchange(model, take(data.base, idx), [swap]))
            labels = data.labels[idx]
            flat = logits.reshape(labels.numel(), -1)  # (B[*T], C)
            return F.cross_entropy(flat, labels.reshape(-1)) + penalty

        with frozen(model):
            model.eval()
            self.history_ = train_loop(step_loss, [self.intervention_], self.steps,
                                       lr=self.lr, progress=self.progress, decay=True,
                                       checkpoint=self.checkpoint, description="DAS")
        return self

    def score(self, model: nn.Module, data: InterchangeData) -> float:
        """IIA of the learned alignment on ``data``."""
        return interchange_accuracy(model, data, {self.variable: self.site},
                                    {self.variable: self.intervention_})


class LowRankDAS(DAS):
    """DAS learning only an ``(n, k)`` orthonormal basis instead of a full rotation."""

    def _make_intervention(self, n: int) -> nn.Module:
        return LowRankSubspace(n, self.k)


class BoundlessDAS(DAS):
    """Boundless DAS: the subspace size is learned through a soft boundary whose
    temperature is annealed geometrically from ``t_start`` to ``t_end``; ``size_weight``
    penalises the boundary (the intervened share of the site, in ``(0, 1]``) so the
    smallest sufficient subspace wins. ``k`` is unused (kept for a uniform signature)."""

    def __init__(self, variable: str, site: Site, k: int = 16, *,
                 t_start: float = 50.0, t_end: float = 0.1, size_weight: float = 1.0,
                 **kwargs: object) -> None:
        super().__init__(variable, site, k, **kwargs)  # type: ignore[arg-type]
        self.t_start, self.t_end, self.size_weight = t_start, t_end, size_weight

    def _make_intervention(self, n: int) -> nn.Module:
        return BoundlessSubspace(n)

    def _penalty(self, step: int) -> torch.Tensor:
        iv = cast(BoundlessSubspace, self.intervention_)
        frac = step / max(1, self.steps - 1)
        iv.temperature = self.t_start * (self.t_end / self.t_start) ** frac
        return self.size_weight * iv.fraction()

    def score(self, model: nn.Module, data: InterchangeData) -> float:
        iv = cast(BoundlessSubspace, self.intervention_)
        iv.temperature = self.t_end
        return super().score(model, data)
