"""rung's interchange interventions agree with pyvene's on pyvene's own MLP (a reference)."""

from __future__ import annotations

import pytest
import torch

from rung.abstraction.interventions import Swap, collect, interchange, logits_of
from rung.abstraction.sites import Site
from rung.abstraction.subspace import RotatedSubspace

pv = pytest.importorskip("pyvene")


@pytest.fixture(scope="module")
def pv_mlp():  # type: ignore[no-untyped-def]
    from pyvene.models.mlp.modelings_mlp import MLPConfig, MLPForClassification

    torch.manual_seed(0)
    cfg = MLPConfig(h_dim=12, n_layer=3, num_classes=5, activation_function="relu", pdrop=0.0)
    return MLPForClassification(cfg).eval()


def _pyvene_run(model, intervention, base, src, subspace=None):  # type: ignore[no-untyped-def]
    config = pv.IntervenableConfig(
        representations=[pv.RepresentationConfig(1, "block_output", "pos", 1)],
        intervention_types=type(intervention) if intervention is not None
        else pv.VanillaIntervention,
        model_type=type(model),
    )
    ivm = pv.IntervenableModel(config, model)
    if intervention is not None:
        key = next(iter(ivm.interventions))
        iv = ivm.interventions[key]
        iv = iv[0] if isinstance(iv, tuple | list) else iv
        iv.load_state_dict(intervention.state_dict())
        iv.set_interchange_dim(subspace)
    n = base.shape[0]
    loc = {"sources->base": ([[[0]] * n], [[[0]] * n])}
    kwargs = {} if subspace is None else {"subspaces": [[list(range(subspace))] * n]}
    _, out = ivm({"inputs_embeds": base}, [{"inputs_embeds": src}], loc, **kwargs)
    return logits_of(out)


def test_vanilla_interchange_matches_pyvene(pv_mlp) -> None:  # type: ignore[no-untyped-def]
    base, src = torch.randn(2, 16, 1, 12)
    site = Site("mlp.h.1", position=0)
    acts = collect(pv_mlp, {"inputs_embeds": src}, [site])[0]
    ours = logits_of(interchange(pv_mlp, {"inputs_embeds": base}, [Swap(site, acts)]))
    theirs = _pyvene_run(pv_mlp, None, base, src)
    assert torch.allclose(ours, theirs, atol=1e-5)


def test_rotated_subspace_matches_pyvene_das(pv_mlp) -> None:  # type: ignore[no-untyped-def]
    torch.manual_seed(1)
    base, src = torch.randn(2, 16, 1, 12)
    ours_iv = RotatedSubspace(12, 5)
    pv_iv = pv.RotatedSpaceIntervention(embed_dim=12)
    pv_iv.rotate_layer.weight = ours_iv.rotate.weight.detach().clone()
    site = Site("mlp.h.1", position=0)
    acts = collect(pv_mlp, {"inputs_embeds": src}, [site])[0]
    ours = logits_of(interchange(pv_mlp, {"inputs_embeds": base}, [Swap(site, acts, ours_iv)]))
    theirs = _pyvene_run(pv_mlp, pv_iv, base, src, subspace=5)
    assert torch.allclose(ours, theirs, atol=1e-4)
