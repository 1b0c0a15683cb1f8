"""Interchange interventions on any ``torch.nn.Module`` through forward hooks.

An interchange intervention (Geiger et al., 2021) runs a network on a *base* input while the
units at a :class:`~rung.abstraction.sites.Site` take the values they have on a *source*
input. Hooks are attached for one forward pass and always removed; the user's model class
is never wrapped or changed. Several sites, each with its own source batch, can be swapped
in one pass.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass

import torch
from torch import nn

from rung.abstraction.sites import Site, find_module

__all__ = ["Swap", "call_model", "collect", "interchange", "logits_of", "run_interchange"]

Inputs = torch.Tensor | Mapping[str, torch.Tensor]


@dataclass(frozen=True)
class Swap:
    """Replace ``site`` by ``source`` activations (shape ``(batch, n_units)``) in one pass.

    ``intervention``, when given, is a module mapping ``(base, source)`` activations to the
    new activations (e.g. a learned rotated subspace); by default the source replaces the
    base outright.
    """

    site: Site
    source: torch.Tensor
    intervention: nn.Module | None = None


def call_model(model: nn.Module, inputs: Inputs) -> object:
    """Call ``model`` on a tensor, or on keyword arguments given as a mapping (the
    Hugging Face convention, e.g. ``{"input_ids": ...}``)."""
    if isinstance(inputs, Mapping):
        return model(**inputs)
    return model(inputs)


def logits_of(output: object) -> torch.Tensor:
    """The prediction tensor of a model output: the tensor itself, ``.logits``, or the
    first element of a tuple."""
    if isinstance(output, torch.Tensor):
        return output
    logits = getattr(output, "logits", None)
    if isinstance(logits, torch.Tensor):
        return logits
    if isinstance(output, tuple) and output and isinstance(output[0], torch.Tensor):
        return output[0]
    raise TypeError(f"cannot find logits in a model output of type {type(output).__name__}")


@contextmanager
def _hooks(model: nn.Module, hooks: Sequence[tuple[str, object]]) -> Iterator[None]:
    handles = []
    try:
        for path, fn in hooks:
            handles.append(find_module(model, path).register_forward_hook(fn))  # type: ignore[arg-type]
        yield
    finally:
        for h in handles:
            h.remove()


class _Stop(Exception):
    """Raised by the last reading hook to skip the rest of a forward pass."""


def collect(model: nn.Module, inputs: Inputs, sites: Sequence[Site], *,
            stop_early: bool = True) -> list[torch.Tensor]:
    """Run ``model`` on ``inputs`` and return the activations at each site.

    Parameters
    ----------
    model : nn.Module
    inputs : Tensor or mapping
        A batch of inputs, passed as in :func:`call_model`.
    sites : sequence of Site
    stop_early : bool
        Stop the forward pass once every site has been read (saves the rest of the
        network; gradients still flow into the collected activations).

    Returns
    -------
    list of Tensor
        One ``(batch, n_units)`` tensor per site, in order.
    """
    found: dict[int, torch.Tensor] = {}

    def reader(i: int, site: Site) -> object:
        def hook(_m: nn.Module, _a: object, out: object) -> None:
            found[i] = site.read(out)
            if stop_early and len(found) == len(sites):
                raise _Stop

        return hook

    hooks = [(s.module, reader(i, s)) for i, s in enumerate(sites)]
    with _hooks(model, hooks), suppress(_Stop):
        call_model(model, inputs)
    missing = [str(s) for i, s in enumerate(sites) if i not in found]
    if missing:
        raise ValueError(f"sites {missing} were never reached in the forward pass")
    return [found[i] for i in range(len(sites))]


def interchange(model: nn.Module, base: Inputs, swaps: Sequence[Swap]) -> object:
    """Run ``model`` on ``base`` with every swap applied; return the model's output.

    Swaps on the same module are applied in order, so disjoint unit sets (or positions) of
    one module can take values from different sources in the same pass.

    Examples
    --------
    >>> net = nn.Sequential(nn.Linear(2, 2), nn.Identity(), nn.Linear(2, 1))
    >>> base, src = torch.zeros(1, 2), torch.ones(1, 2)
    >>> acts = collect(net, src, [Site("1")])[0]
    >>> bool(torch.allclose(interchange(net, base, [Swap(Site("1"), acts)]), net(src)))
    True
    """

    def writer(swap: Swap) -> object:
        def hook(_m: nn.Module, _a: object, out: object) -> object:
            if swap.intervention is None:
                return swap.site.write(out, swap.source)
            new = swap.intervention(swap.site.read(out), swap.source)
            return swap.site.write(out, new)

        return hook

    with _hooks(model, [(s.site.module, writer(s)) for s in swaps]):
        return call_model(model, base)


def run_interchange(model: nn.Module, base: Inputs,
                    sources: Sequence[tuple[Site, Inputs]],
                    interventions: Sequence[nn.Module | None] | None = None) -> object:
    """Collect each site's activations on its own source batch, then run the base with all
    of them swapped in (several sources at once).

    Parameters
    ----------
    sources : sequence of (Site, inputs)
        Each site with the source batch it reads from.
    interventions : sequence of module or None, optional
        One per source; ``None`` entries replace the units outright.
    """
    if interventions is None:
        interventions = [None] * len(sources)
    if len(interventions) != len(sources):
        raise ValueError(
            f"got {len(interventions)} interventions for {len(sources)} sources; give one each"
        )
    swaps = [
        Swap(site, collect(model, src, [site])[0], iv)
        for (site, src), iv in zip(sources, interventions, strict=True)
    ]
    return interchange(model, base, swaps)
