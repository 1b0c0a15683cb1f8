"""Sites: where in a network a high-level variable is hypothesised to live.

A :class:`Site` names a submodule by its dotted path (``"layers.1"``,
``"transformer.h.0.mlp"``) and selects units in its output: a token position (for
sequence models) and a neuron slice. Reading and writing a site never requires wrapping or
subclassing the user's model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

__all__ = ["Site", "UnknownModuleError", "find_module", "parse_site"]

Units = slice | tuple[int, ...] | None


class UnknownModuleError(ValueError):
    """A module path that does not name a submodule of the model."""


def find_module(model: nn.Module, path: str) -> nn.Module:
    """Return the submodule of ``model`` at the dotted ``path`` (``""`` is the model).

    Examples
    --------
    >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    >>> find_module(net, "0")
    Linear(in_features=2, out_features=3, bias=True)
    """
    if path == "":
        return model
    try:
        return model.get_submodule(path)
    except AttributeError:
        names = [n for n, _ in model.named_modules() if n][:12]
        raise UnknownModuleError(
            f"module path {path!r} not found in {type(model).__name__}; "
            f"available paths start with {names}"
        ) from None


def _main_tensor(output: object) -> torch.Tensor:
    """The hidden-state tensor of a module output (Hugging Face blocks return tuples)."""
    if isinstance(output, torch.Tensor):
        return output
    if isinstance(output, tuple) and output and isinstance(output[0], torch.Tensor):
        return output[0]
    raise TypeError(f"cannot read a hidden state from a module output of type {type(output)}")


@dataclass(frozen=True)
class Site:
    """A set of units in one module's output.

    Parameters
    ----------
    module : str
        Dotted path of the submodule whose output (first element, if a tuple) is read.
    units : slice or tuple of int, optional
        Neurons (last dimension) to select; all when omitted.
    position : int or tuple of int, optional
        Token positions (dimension 1 of a ``(batch, seq, hidden)`` output); omit for
        ``(batch, hidden)`` outputs or to take the whole sequence.

    Examples
    --------
    >>> s = Site("layers.0", units=slice(0, 2))
    >>> str(s)
    'layers.0[0:2]'
    >>> s.read(torch.arange(8.0).reshape(2, 4))
    tensor([[0., 1.],
            [4., 5.]])
    """

    module: str
    units: Units = None
    position: int | tuple[int, ...] | None = None

    def __str__(self) -> str:
        pos = "" if self.position is None else f"@{_fmt(self.position)}"
        unit = "" if self.units is None else f"[{_fmt(self.units)}]"
        return f"{self.module}{pos}{unit}"

    def _index(self, hidden: torch.Tensor) -> tuple[Any, ...]:
        units: Any = slice(None) if self.units is None else self.units
        if isinstance(units, tuple):
            units = list(units)
        if self.position is None:
            return (..., units)
        if hidden.dim() != 3:
            raise ValueError(
                f"site {self} selects a token position but {self.module!r} outputs shape "
                f"{tuple(hidden.shape)}; drop position= for (batch, hidden) outputs"
            )
        pos = [self.position] if isinstance(self.position, int) else list(self.position)
        return (slice(None), pos, units)

    def read(self, output: object) -> torch.Tensor:
        """The selected units of a module output, flattened to ``(batch, n_units)``."""
        hidden = _main_tensor(output)
        picked = hidden[self._index(hidden)]  # (B, [P,] U)
        return picked.reshape(picked.shape[0], -1)  # (B, P*U)

    def write(self, output: object, values: torch.Tensor) -> object:
        """A copy of ``output`` whose selected units are replaced by ``values``
        (shaped like :meth:`read`'s result)."""
        hidden = _main_tensor(output)
        index = self._index(hidden)
        new = hidden.clone()
        target_shape = new[index].shape
        if values.numel() != target_shape.numel():
            raise ValueError(
                f"site {self} holds {tuple(target_shape)} values but got a tensor of shape "
                f"{tuple(values.shape)}; read the source at the same site"
            )
        new[index] = values.reshape(target_shape).to(new.dtype)
        if isinstance(output, tuple):
            return (new, *output[1:])
        return new


def _fmt(sel: slice | int | Sequence[int]) -> str:
    if isinstance(sel, slice):
        return f"{'' if sel.start is None else sel.start}:{'' if sel.stop is None else sel.stop}"
    if isinstance(sel, int):
        return str(sel)
    return ",".join(str(i) for i in sel)


def parse_site(text: str) -> Site:
    """Parse ``"module[@position][[a:b]]"`` (the form :class:`Site` prints) into a Site.

    Examples
    --------
    >>> parse_site("transformer.h.0@3[0:16]")
    Site(module='transformer.h.0', units=slice(0, 16, None), position=3)
    """
    module, units, position = text.strip(), None, None
    if module.endswith("]") and "[" in module:
        module, _, inner = module[:-1].partition("[")
        units = _parse_selection(inner, text)
    if "@" in module:
        module, _, pos = module.partition("@")
        sel = _parse_selection(pos, text)
        if isinstance(sel, slice):
            raise ValueError(f"site {text!r}: positions must be integers, not a slice")
        position = sel[0] if len(sel) == 1 else sel
    return Site(module, units, position)


def _parse_selection(inner: str, text: str) -> slice | tuple[int, ...]:
    try:
        if ":" in inner:
            a, _, b = inner.partition(":")
            return slice(int(a) if a else None, int(b) if b else None)
        return tuple(int(i) for i in inner.split(","))
    except ValueError:
        raise ValueError(
            f"cannot parse site {text!r}; write e.g. 'layers.0[0:16]' or 'h.1@3[4,5]'"
        ) from None
