"""The simulated case studies: deterministic, consistent with their graphs and true effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rung import datasets
from rung.datasets import CaseStudy
from rung.datasets.sachs import sachs_consensus_edges

GENERATORS = [
    datasets.linear_backdoor,
    datasets.linear_frontdoor,
    datasets.linear_iv,
    datasets.napkin,
    datasets.nonlinear_backdoor,
    datasets.signalling_pathway,
]


@pytest.mark.parametrize("make", GENERATORS, ids=lambda f: f.__name__)
def test_case_study_shape_and_determinism(make) -> None:
    a, b = make(n=300, seed=3), make(n=300, seed=3)
    assert isinstance(a, CaseStudy)
    assert a.data.equals(b.data)
    assert not a.data.equals(make(n=300, seed=4).data)
    assert sorted(a.data.columns) == sorted(a.graph.nodes)
    assert a.data.shape == (300, len(a.graph.nodes))
    assert {a.treatment, a.outcome} <= set(a.graph.nodes)
    assert a.tolerance > 0 and np.isfinite(a.true_effect)
    if a.true_mean is not None:
        lo, hi = a.contrast
        assert a.true_mean(lo) - a.true_mean(hi) == pytest.approx(a.true_effect)


def test_signalling_truth_is_the_path_product() -> None:
    # SOS -> Ras (0.9) -> {Raf (1.1), PI3K (0.4) -> AKT (0.8) -> Raf (-0.5)}
    #     -> Mek (0.9) -> Erk (1.2)
    assert datasets.signalling_pathway(n=5).true_effect == pytest.approx(
        0.9 * (1.1 + 0.4 * 0.8 * -0.5) * 0.9 * 1.2
    )


def test_napkin_truth_against_a_simulated_intervention() -> None:
    # independent reference: simulate the SCM with X forced, by re-drawing Y's mechanism
    from scipy.special import expit

    rng = np.random.default_rng(0)
    u2 = rng.binomial(1, 0.6, size=400_000)
    diff = np.mean(expit(-1 + 1.5 + 2 * u2) - expit(-1 + 2 * u2))
    assert datasets.napkin(n=5).true_effect == pytest.approx(diff, abs=3e-3)


def test_linear_frontdoor_is_confounded() -> None:
    cs = datasets.linear_frontdoor(n=20_000, seed=1)
    slope = np.polyfit(cs.data["X"], cs.data["Y"], 1)[0]
    assert slope > cs.true_effect + 0.5  # naive regression is biased by U


def test_sachs_table_export() -> None:
    df = datasets.load_sachs()
    assert df.shape == (7466, 11)
    assert set(df.columns) == set(datasets.SACHS_DESCRIPTIONS)


def test_sachs_conditions_tile_the_table_at_its_change_points() -> None:
    full = datasets.load_sachs()
    parts = [datasets.load_sachs(c.name) for c in datasets.SACHS_CONDITIONS]
    assert sum(len(p) for p in parts) == len(full)
    assert np.allclose(pd.concat(parts).to_numpy(), full.to_numpy())
    # each reagent's known target: PIP2 lowest under psitectorigenin, Erk under U0126
    logs = {c.name: np.log(p.clip(lower=0.01)).mean() for c, p in
            zip(datasets.SACHS_CONDITIONS, parts, strict=True)}
    assert min(logs, key=lambda c: logs[c]["PIP2"]) == "cd3cd28+psitect"
    assert min(logs, key=lambda c: logs[c]["p44/42"]) == "cd3cd28+u0126"
    with pytest.raises(ValueError, match=r"'nope'.*cd3cd28"):
        datasets.load_sachs("nope")


def test_sachs_consensus_graph_loads() -> None:
    g = datasets.sachs_consensus_graph()
    assert set(g.nodes) == set(datasets.load_sachs().columns)
    assert len(g.directed_edges) == 18


def test_sachs_distributed_edges_have_the_named_cycle() -> None:
    from rung.graph import CausalGraph, CycleError

    with pytest.raises(CycleError) as info:
        CausalGraph(directed=sachs_consensus_edges())
    assert set(info.value.cycle) == {"PIP3", "plcg", "PIP2"}
