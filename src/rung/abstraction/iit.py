"""Interchange intervention training (IIT).

Geiger, Wu, Lu, Rozner, Kreiss, Icard, Goodman, Potts 2022, "Inducing Causal Structure for
Interpretable Neural Networks" (ICML): alongside the task loss, train the network so that
interchanging the units aligned with a high-level variable produces the high-level model's
counterfactual output. The hypothesis is then built into the network by construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from rung.abstraction._training import train_loop
from rung.abstraction.interventions import Swap, collect, interchange, logits_of
from rung.abstraction.sites import Site
from rung.abstraction.tasks.base import Task

__all__ = ["IIT"]


class IIT:
    """Train a network on a task while aligning high-level variables with sites.

    Each step draws a base batch and adds, for every aligned variable, the cross-entropy of
    the interchanged network against the causal model's counterfactual; with several
    variables a joint interchange (each from its own source) is added as well. An empty
    ``alignment`` is plain (standard) training.

    Parameters
    ----------
    alignment : mapping of str to Site
        High-level variable to the site that should hold it.
    steps : int
        Optimiser steps.
    batch_size : int
    lr : float
        Adam learning rate.
    interchange_weight : float
        Weight of the interchange losses relative to the task loss.
    seed : int
        Seed of the data stream.
    progress : bool
        Show a progress bar.
    checkpoint : path, optional
        Save and resume training here (see :func:`rung.abstraction._training.train_loop`).

    Attributes
    ----------
    history_ : list of float
        Total loss per step.

    Examples
    --------
    >>> from rung.abstraction.models import MLP, MLPConfig
    >>> from rung.abstraction.tasks.arithmetic import ArithmeticTask
    >>> task = ArithmeticTask()
    >>> net = MLP(MLPConfig(task.d_in, task.n_classes))
    >>> iit = IIT({"S": Site("layers.0", units=slice(0, 16))}, steps=5).fit(net, task)
    >>> len(iit.history_)
    5
    """

    def __init__(self, alignment: Mapping[str, Site], *, steps: int = 1500,
                 batch_size: int = 256, lr: float = 1e-3, interchange_weight: float = 1.0,
                 seed: int = 0, progress: bool = False, checkpoint: Path | None = None) -> None:
        self.alignment = alignment
        self.steps = steps
        self.batch_size = batch_size
        self.lr = lr
        self.interchange_weight = interchange_weight
        self.seed = seed
        self.progress = progress
        self.checkpoint = checkpoint

    def _validate(self, task: Task) -> None:
        task.causal_model.check_variables(set(self.alignment))
        if self.batch_size < 1:
            raise ValueError(f"batch_size={self.batch_size} must be at least 1")

    def _interchange_loss(self, model: nn.Module, task: Task, base: dict[str, torch.Tensor],
                          x: torch.Tensor, variables: tuple[str, ...],
                          g: torch.Generator) -> torch.Tensor:
        sources = {v: task.sample(x.shape[0], g) for v in variables}
        target = task.causal_model.interchange(base, sources)
        swaps = [
            Swap(self.alignment[v], collect(model, task.encode(sources[v]),
                                            [self.alignment[v]])[0])
            for v in variables
        ]
        return F.cross_entropy(logits_of(interchange(model, x, swaps)), target)

    def fit(self, model: nn.Module, task: Task) -> IIT:
        """Train ``model`` in place on ``task``; return self."""
        self._validate(task)
        g = torch.Generator().manual_seed(self.seed)
        cm = task.causal_model
        groups: list[tuple[str, ...]] = [(v,) for v in self.alignment]
        if len(groups) > 1:
            groups.append(tuple(self.alignment))

        def step_loss(_step: int) -> torch.Tensor:
            base = task.sample(self.batch_size, g)
            x = task.encode(base)
            loss = F.cross_entropy(logits_of(model(x)), cm.run(base)[cm.output])
            for group in groups:
                loss = loss + self.interchange_weight * self._interchange_loss(
                    model, task, base, x, group, g
                )
            return loss

        model.train()
        self.history_ = train_loop(step_loss, [model], self.steps, lr=self.lr,
                                   progress=self.progress, checkpoint=self.checkpoint,
                                   description="IIT")
        model.eval()
        return self
