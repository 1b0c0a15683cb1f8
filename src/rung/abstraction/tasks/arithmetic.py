"""Arithmetic ``x + y + z`` with digits 0-9 as one-hot inputs.

Hypotheses about an intermediate sum: ``S = x + y`` (:func:`sum_xy_model`), ``S = y + z``
(:func:`sum_yz_model`); standard training commits to neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from rung.abstraction.causal_model import CausalModel, Values

__all__ = ["ArithmeticTask", "sum_xy_model", "sum_yz_model"]

N_DIGITS = 10


def sum_xy_model() -> CausalModel:
    """``S = x + y``, ``O = S + z``."""
    return CausalModel(
        mechanisms={"S": lambda x, y: x + y, "O": lambda S, z: S + z},
        parents={"S": ("x", "y"), "O": ("S", "z")},
        output="O",
    )


def sum_yz_model() -> CausalModel:
    """``S = y + z``, ``O = x + S``."""
    return CausalModel(
        mechanisms={"S": lambda y, z: y + z, "O": lambda x, S: x + S},
        parents={"S": ("y", "z"), "O": ("x", "S")},
        output="O",
    )


@dataclass(frozen=True)
class ArithmeticTask:
    """Predict ``x + y + z`` (28 classes) from three one-hot digits (30 inputs).

    Examples
    --------
    >>> task = ArithmeticTask()
    >>> v = task.sample(4, torch.Generator().manual_seed(0))
    >>> task.encode(v).shape
    torch.Size([4, 30])
    """

    causal_model: CausalModel = field(default_factory=sum_xy_model)
    n_classes: int = 3 * (N_DIGITS - 1) + 1
    d_in: int = 3 * N_DIGITS

    def sample(self, n: int, generator: torch.Generator, *, train: bool = True) -> Values:
        digits = torch.randint(0, N_DIGITS, (3, n), generator=generator)
        return {"x": digits[0], "y": digits[1], "z": digits[2]}

    def encode(self, values: Values) -> torch.Tensor:
        parts = [F.one_hot(values[v], N_DIGITS) for v in ("x", "y", "z")]
        return torch.cat(parts, dim=-1).float()  # (B, 30)
