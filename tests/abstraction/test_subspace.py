from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.abstraction.subspace import BoundlessSubspace, LowRankSubspace, RotatedSubspace


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 12), data=st.data(), low_rank=st.booleans())
def test_subspace_swap_keeps_the_complement(n: int, data: st.DataObject, low_rank: bool) -> None:
    k = data.draw(st.integers(1, n))
    torch.manual_seed(data.draw(st.integers(0, 1000)))
    iv = (LowRankSubspace if low_rank else RotatedSubspace)(n, k)
    q = iv.basis().detach()  # (n, k)
    assert torch.allclose(q.T @ q, torch.eye(k), atol=1e-5)
    b, s = torch.randn(5, n), torch.randn(5, n)
    out = iv(b, s).detach()
    assert torch.allclose(out @ q, s @ q, atol=1e-5)  # subspace from the source
    assert torch.allclose(out - (out @ q) @ q.T, b - (b @ q) @ q.T, atol=1e-5)  # rest from base


def test_boundless_mask_hardens_with_temperature() -> None:
    iv = BoundlessSubspace(10, init_fraction=0.4)
    iv.temperature = 1e-3
    mask = iv.mask().detach()
    assert torch.equal(mask.round(), torch.tensor([1.0] * 4 + [0.0] * 6))
    iv.temperature = 50.0
    assert 0.4 < float(iv.mask().detach().min()) < 0.6


@pytest.mark.parametrize(("n", "k"), [(4, 0), (4, 5)])
def test_bad_sizes_are_named(n: int, k: int) -> None:
    with pytest.raises(ValueError, match=f"k={k}"):
        RotatedSubspace(n, k)
