"""Learned subspace interventions: the unit selections that DAS trains.

Each module maps ``(base, source)`` activations of shape ``(batch, n)`` to new activations
in which a learned subspace carries the source's values and its orthogonal complement keeps
the base's (Geiger, Wu, Potts, Icard, Goodman 2023, "Finding Alignments Between
Interpretable Causal Variables and Distributed Neural Representations", eq. for the
distributed interchange intervention: ``R^T((1-M) R b + M R s)``).
"""

from __future__ import annotations

from typing import cast

import torch
from torch import nn
from torch.nn.utils.parametrizations import orthogonal

__all__ = ["BoundlessSubspace", "LowRankSubspace", "RotatedSubspace"]


def _weight(linear: nn.Module) -> torch.Tensor:
    """The (parametrised) weight of a linear layer."""
    return cast(torch.Tensor, linear.weight)


def _check_dims(n: int, k: int) -> None:
    if not 0 < k <= n:
        raise ValueError(f"subspace size k={k} must be between 1 and the site width n={n}")


class RotatedSubspace(nn.Module):
    """DAS: a learned orthogonal rotation ``R`` of the site; its first ``k`` rotated
    coordinates are swapped from the source.

    Parameters
    ----------
    n : int
        Width of the site.
    k : int
        Size of the intervened subspace.

    Examples
    --------
    >>> iv = RotatedSubspace(4, 4)  # the whole space: the source replaces the base
    >>> b, s = torch.zeros(2, 4), torch.ones(2, 4)
    >>> bool(torch.allclose(iv(b, s), s, atol=1e-5))
    True
    """

    def __init__(self, n: int, k: int) -> None:
        super().__init__()
        _check_dims(n, k)
        self.n, self.k = n, k
        self.rotate = orthogonal(nn.Linear(n, n, bias=False))

    def basis(self) -> torch.Tensor:
        """The ``(n, k)`` orthonormal basis of the intervened subspace."""
        return _weight(self.rotate)[:, : self.k]

    def forward(self, base: torch.Tensor, source: torch.Tensor) -> torch.Tensor:
        q = self.basis()  # (n, k)
        return base + ((source - base) @ q) @ q.T  # (B, n)


class LowRankSubspace(nn.Module):
    """DAS with only the ``k`` needed directions learned: an ``(n, k)`` matrix with
    orthonormal columns (cheaper than a full rotation when ``k << n``)."""

    def __init__(self, n: int, k: int) -> None:
        super().__init__()
        _check_dims(n, k)
        self.n, self.k = n, k
        self.project = orthogonal(nn.Linear(n, k, bias=False))  # weight (k, n), rows orthonormal

    def basis(self) -> torch.Tensor:
        """The ``(n, k)`` orthonormal basis of the intervened subspace."""
        return _weight(self.project).T

    def forward(self, base: torch.Tensor, source: torch.Tensor) -> torch.Tensor:
        q = self.basis()  # (n, k)
        return base + ((source - base) @ q) @ q.T  # (B, n)


class BoundlessSubspace(nn.Module):
    """Boundless DAS (Wu, Geiger, Icard, Potts, Goodman 2023, "Interpretability at Scale"):
    a full rotation whose intervened coordinates are chosen by a learned boundary ``b`` in
    ``(0, 1)`` through the soft mask ``sigmoid((b*n - i - 1/2) / temperature)``
    (coordinate ``i`` is in once the boundary passes its centre).

    Anneal :attr:`temperature` towards 0 during training so the mask becomes a hard prefix;
    :meth:`size` is the (soft) number of intervened dimensions; :meth:`fraction` is the
    boundary as a share of the site (penalised during training).
    """

    def __init__(self, n: int, init_fraction: float = 0.5) -> None:
        super().__init__()
        if not 0.0 < init_fraction < 1.0:
            raise ValueError(f"init_fraction={init_fraction} must lie strictly in (0, 1)")
        self.n = n
        self.rotate = orthogonal(nn.Linear(n, n, bias=False))
        self.boundary = nn.Parameter(torch.tensor(init_fraction))
        self.temperature = 1.0
        self._index: torch.Tensor
        self.register_buffer("_index", torch.arange(n, dtype=torch.float32), persistent=False)

    def fraction(self) -> torch.Tensor:
        """The boundary as a share of the site, clamped to ``[1/n, 1]``."""
        return self.boundary.clamp(1.0 / self.n, 1.0)

    def mask(self) -> torch.Tensor:
        """The soft ``(n,)`` mask over rotated coordinates."""
        edge = self.fraction() * self.n
        return torch.sigmoid((edge - self._index - 0.5) / self.temperature)

    def size(self) -> torch.Tensor:
        """The soft number of intervened dimensions."""
        return self.mask().sum()

    def forward(self, base: torch.Tensor, source: torch.Tensor) -> torch.Tensor:
        r = _weight(self.rotate)  # (n, n)
        delta = ((source - base) @ r) * self.mask()  # (B, n) in rotated coordinates
        return base + delta @ r.T  # (B, n)
