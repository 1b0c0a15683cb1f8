"""The O-set and the existence of an optimal adjustment set, against an independent reference.

Reference: linear-Gaussian SCMs (one explicit latent source per bidirected edge), computed
in closed form from the covariance ``Σ = (I - B)^-1 Ω (I - B)^-T``:

- a set ``Z`` is valid when the population OLS coefficient of ``X`` in ``Y ~ X + Z`` equals
  the total effect ``[(I - B)^-1]_{YX}`` (checked on several random models);
- its asymptotic variance is ``σ²(Y | X, Z) / σ²(X | Z)``.

An optimal set has the smallest variance among the valid sets in *every* model. When rung
names one, it must win in every draw; when rung says none exists, every valid set must lose
in some draw (Runge 2021, Theorem 3; Smucler, Sapienza & Rotnitzky 2021, fig. 5).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from rung.graph import CausalGraph
from rung.identify import (
    OptimalAdjustment,
    find_o_set,
    find_optimal_adjustment_set,
    is_valid_adjustment_set,
    optimal_adjustment,
)
from tests.identify.conftest import random_admg

Models = tuple[dict[str, int], np.ndarray, np.ndarray]  # index, total effects, covariances


def _models(g: CausalGraph, rng: np.random.Generator, draws: int, wide: bool) -> Models:
    """``draws`` random linear-Gaussian SCMs of ``g``: total-effect and covariance stacks."""
    bi = list(g.bidirected_edges)
    names = [*g.all_nodes, *(f"_L{k}" for k in range(len(bi)))]
    idx = {v: i for i, v in enumerate(names)}
    edges = [(idx[a], idx[b]) for a, b in g.directed_edges]
    for k, (a, b) in enumerate(bi):
        edges += [(idx[f"_L{k}"], idx[a]), (idx[f"_L{k}"], idx[b])]
    n = len(names)
    if wide:  # magnitudes spread over two orders, so that rare orderings of variance occur
        w = np.exp(rng.uniform(np.log(0.05), np.log(2.5), (draws, len(edges))))
        noise = np.exp(rng.uniform(np.log(0.01), np.log(2.0), (draws, n)))
    else:
        w = rng.uniform(0.5, 1.5, (draws, len(edges)))
        noise = rng.uniform(0.5, 1.5, (draws, n))
    w *= rng.choice([-1.0, 1.0], w.shape)
    b = np.zeros((draws, n, n))
    for e, (i, j) in enumerate(edges):
        b[:, j, i] = w[:, e]
    t = np.linalg.inv(np.eye(n) - b)
    return idx, t, t @ (noise[:, :, None] * np.swapaxes(t, 1, 2))


def _residual(s: np.ndarray, y: int, a: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """OLS coefficients of ``y`` on ``a`` and the residual variance, per draw."""
    if not a:
        return np.zeros((s.shape[0], 0)), s[:, y, y]
    saa = s[:, a][:, :, a]
    sya = s[:, y, a]
    beta = np.linalg.solve(saa, sya[:, :, None])[:, :, 0]
    return beta, s[:, y, y] - np.einsum("di,di->d", sya, beta)


def _subsets(g: CausalGraph, x: str, y: str) -> list[frozenset[str]]:
    rest = [v for v in g.nodes if v not in (x, y)]
    return [frozenset(c) for k in range(len(rest) + 1) for c in combinations(rest, k)]


def reference_valid(g: CausalGraph, x: str, y: str, rng: np.random.Generator
                    ) -> list[frozenset[str]]:
    """Sets whose OLS coefficient equals the total effect in 4 random models."""
    idx, t, s = _models(g, rng, 4, wide=False)
    truth = t[:, idx[y], idx[x]]
    out = []
    for z in _subsets(g, x, y):
        beta, _ = _residual(s, idx[y], [idx[x], *(idx[v] for v in sorted(z))])
        if np.allclose(beta[:, 0], truth, rtol=1e-7, atol=1e-9):
            out.append(z)
    return out


def reference_variances(g: CausalGraph, x: str, y: str, sets: list[frozenset[str]],
                        rng: np.random.Generator, draws: int) -> np.ndarray:
    """Asymptotic variances, one row per set, one column per random model."""
    idx, _, s = _models(g, rng, draws, wide=True)
    rows = []
    for z in sets:
        zi = [idx[v] for v in sorted(z)]
        _, ry = _residual(s, idx[y], [idx[x], *zi])
        _, rx = _residual(s, idx[x], zi)
        rows.append(ry / rx)
    return np.array(rows)


def _always_best(var: np.ndarray) -> np.ndarray:
    return np.all(var <= var.min(axis=0) * (1 + 1e-7), axis=1)


def check_against_reference(g: CausalGraph, x: str, y: str, rng: np.random.Generator) -> str:
    """Compare rung with the reference on one query; return the kind of case seen."""
    valid = reference_valid(g, x, y, rng)
    assert {z for z in _subsets(g, x, y) if is_valid_adjustment_set(g, x, y, z)} == set(valid)
    res = optimal_adjustment(g, x, y)
    if not valid:
        assert res.o_set is None and not res.optimal
        return "none valid"
    assert res.o_set in valid, (g, x, y, res)
    if res.optimal:
        var = reference_variances(g, x, y, valid, rng, 300)
        best = _always_best(var)
        assert best[valid.index(res.o_set)], (g, x, y, res)
        return "optimal"
    # every valid set must lose in some model; the losing models can be rare: draw more
    unbeaten = np.ones(len(valid), dtype=bool)
    for _ in range(8):
        unbeaten &= _always_best(reference_variances(g, x, y, valid, rng, 500))
        if not unbeaten.any():
            return "no optimal"
    winners = [sorted(z) for z, u in zip(valid, unbeaten, strict=True) if u]
    raise AssertionError(f"{g}: {x} -> {y}: rung says {res.reason!r} but {winners} always won")


SMUCLER_FIG5 = "dag { X -> Y; Z1 -> X; Z1 -> Z2; U -> Z2; U -> Y; U [latent] }"


def test_smucler_figure_5_has_no_optimal_set() -> None:
    g = CausalGraph.parse(SMUCLER_FIG5)
    res = optimal_adjustment(g, "X", "Y")
    assert res.o_set == {"Z1", "Z2"} and not res.optimal
    assert res.reason.startswith("no optimal adjustment set exists")
    assert find_optimal_adjustment_set(g, "X", "Y") is None
    assert find_o_set(g, "X", "Y") == {"Z1", "Z2"}
    assert check_against_reference(g, "X", "Y", np.random.default_rng(0)) == "no optimal"
    assert OptimalAdjustment.from_json(res.to_json()) == res


@pytest.mark.parametrize("edges, x, y, o_set, optimal", [
    ("A -> X -> M -> Y; A -> Y; B -> M; C -> X", "X", "Y", {"A", "B"}, True),  # Henckel
    ("X -> Y; X -> W; W <-> Y", "X", "Y", set(), True),
    ("X -> Y; W <-> Y", "X", "Y", {"W"}, True),  # a precision variable through a latent
    ("V1 -> V3; V3 -> V4; V0 <-> V2; V0 <-> V4; V1 <-> V2", "V3", "V4", {"V0", "V1", "V2"},
     False),
])
def test_named_graphs(edges: str, x: str, y: str, o_set: set[str], optimal: bool) -> None:
    g = CausalGraph.from_edges(edges)
    res = optimal_adjustment(g, x, y)
    assert (res.o_set, res.optimal) == (o_set, optimal), res.reason
    assert check_against_reference(g, x, y, np.random.default_rng(1)) == (
        "optimal" if optimal else "no optimal")


def test_random_admgs_against_linear_gaussian_reference() -> None:
    rng = np.random.default_rng(2021)
    seen: dict[str, int] = {}
    while seen.get("no optimal", 0) < 6 or seen.get("optimal", 0) < 60:
        g = random_admg(rng, int(rng.integers(4, 6)), 0.5, 0.35)
        order = g.topological_order()
        x = order[int(rng.integers(0, len(order) - 1))]
        de = sorted(g.descendants(x, include_self=False))
        if de:
            kind = check_against_reference(g, x, de[int(rng.integers(len(de)))], rng)
            seen[kind] = seen.get(kind, 0) + 1
    assert seen.get("none valid", 0) > 0


def test_o_set_is_valid_whenever_any_set_is() -> None:
    """Runge (2021): the O-set is valid whenever some valid adjustment set exists."""
    from rung.identify import find_canonical_adjustment_set

    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(600):
        g = random_admg(rng, int(rng.integers(4, 8)))
        x = g.nodes[int(rng.integers(0, len(g.nodes)))]
        de = sorted(g.descendants(x, include_self=False))
        if not de:
            continue
        y = de[-1]
        canonical = find_canonical_adjustment_set(g, x, y)
        o = find_o_set(g, x, y)
        assert (canonical is None) == (o is None), (g, x, y)
        if o is not None:
            assert is_valid_adjustment_set(g, x, y, o)
            checked += 1
    assert checked > 100


def test_outcome_not_descending_from_treatment() -> None:
    """No causal path X -> Y: the O-set theory does not apply; a valid set is still given
    (the canonical one) and optimality is not claimed."""
    g = CausalGraph.from_edges("V0 -> V1; V0 -> V3; V1 -> V2; V1 -> V4; V2 -> V3")
    res = optimal_adjustment(g, "V3", "V1")
    assert res.o_set == {"V0", "V2"} and not res.optimal
    assert res.reason.startswith("optimality not decided")
    assert is_valid_adjustment_set(g, "V3", "V1", res.o_set)


def test_o_set_valid_for_random_multivariate_queries() -> None:
    from rung.identify import find_canonical_adjustment_set
    from tests.identify.conftest import random_query

    rng = np.random.default_rng(3)
    for _ in range(800):
        g = random_admg(rng, int(rng.integers(4, 8)))
        x, y, _ = random_query(rng, g, 0)
        o = find_o_set(g, x, y)
        assert (o is None) == (find_canonical_adjustment_set(g, x, y) is None), (g, x, y)
        assert o is None or is_valid_adjustment_set(g, x, y, o), (g, x, y, o)
