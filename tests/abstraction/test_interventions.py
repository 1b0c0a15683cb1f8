from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from rung.abstraction.interventions import Swap, collect, interchange, run_interchange
from rung.abstraction.sites import Site, UnknownModuleError, parse_site
from rung.abstraction.tasks.arithmetic import ArithmeticTask
from rung.abstraction.tasks.base import make_task_data


def test_whole_layer_swap_gives_the_source_output(adder) -> None:
    base, _ = make_task_data(ArithmeticTask(), 64, seed=0)
    src, _ = make_task_data(ArithmeticTask(), 64, seed=1)
    out = run_interchange(adder, base, [(Site("layers.1"), src)])
    assert torch.allclose(out, adder(src))


def test_swap_matches_manual_recomputation(adder) -> None:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 3))
    base, src = torch.randn(16, 5), torch.randn(16, 5)
    out = run_interchange(net, base, [(Site("1", units=slice(2, 5)), src)])
    h_base, h_src = torch.tanh(net[0](base)), torch.tanh(net[0](src))
    h_base[:, 2:5] = h_src[:, 2:5]
    assert torch.allclose(out, net[2](h_base), atol=1e-6)


def test_several_sources_in_one_pass() -> None:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 2))
    base, s1, s2 = torch.randn(3, 8, 4)
    out = run_interchange(
        net, base, [(Site("1", units=slice(0, 3)), s1), (Site("1", units=(3, 4, 5)), s2)]
    )
    h = torch.relu(net[0](base))
    h[:, :3] = torch.relu(net[0](s1))[:, :3]
    h[:, 3:] = torch.relu(net[0](s2))[:, 3:]
    assert torch.allclose(out, net[2](h), atol=1e-6)


def test_hooks_are_removed_even_after_errors(adder) -> None:
    x, _ = make_task_data(ArithmeticTask(), 4)
    with pytest.raises(ValueError):
        interchange(adder, x, [Swap(Site("layers.0"), torch.zeros(4, 3))])  # wrong width
    assert not adder.layers[0]._forward_hooks
    assert torch.equal(adder(x), adder(x))


def test_collect_names_unknown_paths(adder) -> None:
    with pytest.raises(UnknownModuleError, match=r"layers\.9"):
        collect(adder, torch.zeros(1, 30), [Site("layers.9")])


@settings(max_examples=30, deadline=None)
@given(
    module=st.sampled_from(["layers.0", "h.1.mlp", "transformer.h.10"]),
    start=st.integers(0, 5),
    width=st.integers(1, 9),
    position=st.none() | st.integers(0, 7),
)
def test_site_text_round_trip(module: str, start: int, width: int, position: int | None) -> None:
    site = Site(module, units=slice(start, start + width), position=position)
    assert parse_site(str(site)) == site


def test_parse_site_rejects_garbage() -> None:
    with pytest.raises(ValueError, match=r"layers\.0\[a:b\]"):
        parse_site("layers.0[a:b]")


def test_hugging_face_gpt2_built_from_config() -> None:
    transformers = pytest.importorskip("transformers")
    cfg = transformers.GPT2Config(n_layer=2, n_head=2, n_embd=16, vocab_size=50, n_positions=8)
    torch.manual_seed(0)
    model = transformers.GPT2LMHeadModel(cfg).eval()
    base = {"input_ids": torch.randint(0, 50, (3, 6))}
    src = {"input_ids": torch.randint(0, 50, (3, 6))}
    # the residual stream after block 1 at every position determines the logits
    out = run_interchange(model, base, [(Site("transformer.h.1"), src)])
    assert torch.allclose(out.logits, model(**src).logits, atol=1e-5)
    # a swap at one position of an MLP changes that position and later ones only
    site = Site("transformer.h.0.mlp", position=3, units=slice(0, 8))
    out = run_interchange(model, base, [(site, src)]).logits
    ref = model(**base).logits
    assert torch.allclose(out[:, :3], ref[:, :3], atol=1e-5)
    assert not torch.allclose(out[:, 3], ref[:, 3], atol=1e-5)
    acts = collect(model, src, [site])[0]
    assert acts.shape == (3, 8)


def test_iia_and_das_take_hugging_face_inputs() -> None:
    transformers = pytest.importorskip("transformers")
    from rung.abstraction.das import DAS
    from rung.abstraction.iia import interchange_accuracy
    from rung.abstraction.tasks.base import InterchangeData

    cfg = transformers.GPT2Config(n_layer=2, n_head=2, n_embd=16, vocab_size=50, n_positions=8)
    torch.manual_seed(0)
    model = transformers.GPT2LMHeadModel(cfg).eval()
    base = {"input_ids": torch.randint(0, 50, (64, 4))}
    src = {"input_ids": torch.randint(0, 50, (64, 4))}
    with torch.no_grad():
        src_pred = model(**src).logits.argmax(-1)  # (B, T)
    # labels: the source's prediction everywhere; true when the whole last block is swapped
    data = InterchangeData(base, {"R": src}, src_pred)
    last = Site("transformer.h.1")
    assert interchange_accuracy(model, data, {"R": last}) == 1.0
    assert interchange_accuracy(model, data, {"R": Site("transformer.h.0", position=0)}) < 0.5
    # DAS over the full 64-unit site with k = 64 is the full swap, whatever the rotation
    das = DAS("R", last, k=64, steps=2, batch_size=16).fit(model, data)
    assert das.score(model, data) == 1.0
    assert all(p.requires_grad for p in model.parameters())
