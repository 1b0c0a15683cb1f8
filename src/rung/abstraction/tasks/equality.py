"""Hierarchical equality (Geiger et al. 2023, the DAS paper, section 4).

Four entities ``w, x, y, z`` are random vectors; the label is whether ``(w == x)`` equals
``(y == z)``. The causal model has intermediate variables ``WX = (w == x)`` and
``YZ = (y == z)``. Entities are identified by integer ids whose vectors are drawn fresh for
every example, so the network must compare vectors rather than memorise ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from rung.abstraction.causal_model import CausalModel, Values

__all__ = ["EqualityTask", "equality_model"]


def equality_model() -> CausalModel:
    """``WX = (w == x)``, ``YZ = (y == z)``, ``O = (WX == YZ)``."""
    return CausalModel(
        mechanisms={
            "WX": lambda w, x: (w == x).long(),
            "YZ": lambda y, z: (y == z).long(),
            "O": lambda WX, YZ: (WX == YZ).long(),
        },
        parents={"WX": ("w", "x"), "YZ": ("y", "z"), "O": ("WX", "YZ")},
        output="O",
    )


@dataclass(frozen=True)
class EqualityTask:
    """Binary hierarchical equality over a vocabulary of ``n_entities`` random vectors of
    size ``dim`` (input ``4 * dim``), as in the DAS paper and pyvene's tutorial.

    Each pair is equal with probability 1/2, so labels and both intermediate variables are
    balanced. The vocabulary is fixed by ``vocab_seed``.

    Examples
    --------
    >>> task = EqualityTask()
    >>> v = task.sample(3, torch.Generator().manual_seed(0))
    >>> task.encode(v).shape
    torch.Size([3, 16])
    """

    dim: int = 4
    n_entities: int = 100
    vocab_seed: int = 0
    causal_model: CausalModel = field(default_factory=equality_model)
    n_classes: int = 2
    vocab: torch.Tensor = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.n_entities < 2:
            raise ValueError(f"n_entities={self.n_entities} must be at least 2")
        g = torch.Generator().manual_seed(self.vocab_seed)
        vocab = torch.rand(self.n_entities, self.dim, generator=g) * 2 - 1  # (E, dim)
        object.__setattr__(self, "vocab", vocab)

    @property
    def d_in(self) -> int:
        return 4 * self.dim

    def _pair(self, n: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        left = torch.randint(0, self.n_entities, (n,), generator=g)
        shift = torch.randint(1, self.n_entities, (n,), generator=g)
        same = torch.rand(n, generator=g) < 0.5
        right = torch.where(same, left, (left + shift) % self.n_entities)
        return left, right

    def sample(self, n: int, generator: torch.Generator, *, train: bool = True) -> Values:
        w, x = self._pair(n, generator)
        y, z = self._pair(n, generator)
        return {"w": w, "x": x, "y": y, "z": z}

    def encode(self, values: Values) -> torch.Tensor:
        ids = torch.stack([values[v] for v in ("w", "x", "y", "z")], dim=1)  # (B, 4)
        return self.vocab[ids].reshape(ids.shape[0], -1)  # (B, 4*dim)
