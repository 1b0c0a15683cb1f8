"""Interchange intervention accuracy (IIA) and brute-force localist alignment search.

IIA (Geiger et al. 2021; 2023) is the share of interchange interventions after which the
network's prediction equals the high-level model's counterfactual output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from torch import nn

from rung.abstraction.interventions import Swap, collect, interchange, logits_of
from rung.abstraction.sites import Site
from rung.abstraction.tasks.base import InterchangeData, take

__all__ = ["find_localist_alignments", "interchange_accuracy", "neuron_slices", "task_accuracy"]


def _check_alignment(alignment: Mapping[str, Site], data: InterchangeData) -> None:
    missing = sorted(set(alignment) - set(data.sources))
    if missing:
        raise ValueError(
            f"variables {missing} have no source inputs in the data; build it with "
            f"make_interchange_data(task, {tuple(alignment)!r}, n)"
        )


@torch.no_grad()
def interchange_accuracy(model: nn.Module, data: InterchangeData,
                         alignment: Mapping[str, Site],
                         interventions: Mapping[str, nn.Module] | None = None, *,
                         batch_size: int = 1024) -> float:
    """The IIA of ``model`` for the hypothesis that each variable lives at its site.

    Parameters
    ----------
    model : nn.Module
    data : InterchangeData
        Must hold a source batch for every variable in ``alignment``.
    alignment : mapping of str to Site
        Variable name to the site hypothesised to hold it.
    interventions : mapping of str to nn.Module, optional
        Learned subspace interventions per variable (e.g. from DAS); plain replacement for
        variables not listed.
    batch_size : int
        Examples per forward pass.
    """
    _check_alignment(alignment, data)
    interventions = interventions or {}
    correct, total = 0, 0
    for start in range(0, len(data), batch_size):
        part = data.batch(slice(start, start + batch_size))
        swaps = [
            Swap(site, collect(model, part.sources[v], [site])[0], interventions.get(v))
            for v, site in alignment.items()
        ]
        pred = logits_of(interchange(model, part.base, swaps)).argmax(-1)
        correct += int((pred == part.labels).sum())
        total += part.labels.numel()  # one per example, or per token for sequence labels
    return correct / total


@torch.no_grad()
def task_accuracy(model: nn.Module, inputs: torch.Tensor, labels: torch.Tensor) -> float:
    """Plain accuracy of ``model`` on ``(inputs, labels)``."""
    pred = logits_of(model(inputs)).argmax(-1)
    return float((pred == labels).float().mean())


def neuron_slices(width: int, size: int) -> list[slice]:
    """Consecutive, non-overlapping neuron slices of ``size`` covering ``width`` units.

    Examples
    --------
    >>> neuron_slices(6, 2)
    [slice(0, 2, None), slice(2, 4, None), slice(4, 6, None)]
    """
    if not 0 < size <= width:
        raise ValueError(f"slice size {size} must be between 1 and the layer width {width}")
    return [slice(a, min(a + size, width)) for a in range(0, width, size)]


def find_localist_alignments(model: nn.Module, data: InterchangeData, variable: str,
                             modules: Sequence[str], size: int, *,
                             position: int | None = None) -> dict[str, float]:
    """Brute-force search: IIA of ``variable`` at every neuron slice of ``size`` units in
    each module, best first.

    Returns
    -------
    dict of str to float
        ``str(site)`` to IIA, sorted by decreasing IIA.
    """
    scores: dict[str, float] = {}
    for module in modules:
        probe = Site(module, position=position)
        width = collect(model, take(data.base, slice(0, 1)), [probe])[0].shape[-1]
        for units in neuron_slices(width, size):
            site = Site(module, units=units, position=position)
            scores[str(site)] = interchange_accuracy(model, data, {variable: site})
    return dict(sorted(scores.items(), key=lambda kv: -kv[1]))
