"""The ladder generator against an independent brute-force enumeration, and both ways of
answering with the real tiny model."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.bench.ladder import MARGIN, Factor, LadderItem, generate
from rung.bench.ladder_recipe import answer_recipe, formal_answer, run_ladder


def _prob(world: dict[str, int], mech: Sequence[Factor], cut: dict[str, int]) -> float:
    """The probability of one full assignment; intervened nodes are fixed (truncation)."""
    p = 1.0
    for f in mech:
        if f.node in cut:
            p *= float(world[f.node] == cut[f.node])
            continue
        row = int("".join(str(world[v]) for v in f.parents) or "0", 2)
        q = f.p_one[row]
        p *= q if world[f.node] else 1 - q
    return p


def _brute(item: LadderItem, event: dict[str, int], given: dict[str, int] | None = None,
           cut: dict[str, int] | None = None) -> float:
    nodes = [f.node for f in item.mechanisms]
    num = den = 0.0
    for bits in itertools.product((0, 1), repeat=len(nodes)):
        w = dict(zip(nodes, bits, strict=True))
        p = _prob(w, item.mechanisms, cut or {})
        if all(w[k] == v for k, v in (given or {}).items()):
            den += p
            if all(w[k] == v for k, v in event.items()):
                num += p
    return num / den


def _adjusted(item: LadderItem, zs: Sequence[str], x: int) -> float:
    total = 0.0
    for bits in itertools.product((0, 1), repeat=len(zs)):
        z = dict(zip(zs, bits, strict=True))
        total += _brute(item, {"Y": 1}, {"X": x, **z}) * (_brute(item, z) if zs else 1.0)
    return total


def _ett(item: LadderItem) -> float:
    """ETT by the back-door formula with X's parents (valid in a DAG), brute-force joint."""
    pa = next(f.parents for f in item.mechanisms if f.node == "X")
    total = 0.0
    for bits in itertools.product((0, 1), repeat=len(pa)):
        z = dict(zip(pa, bits, strict=True))
        d = _brute(item, {"Y": 1}, {"X": 1, **z}) - _brute(item, {"Y": 1}, {"X": 0, **z})
        total += d * (_brute(item, z, {"X": 1}) if pa else 1.0)
    return total


def _reference(item: LadderItem) -> float:
    if item.query == "marginal":
        return _brute(item, {"Y": 1}) - 0.5
    if item.query == "conditional":
        return _brute(item, {"Y": 1}, {"X": 1}) - _brute(item, {"Y": 1}, {"X": 0})
    ate = _brute(item, {"Y": 1}, cut={"X": 1}) - _brute(item, {"Y": 1}, cut={"X": 0})
    if item.query == "ate":
        return ate
    if item.query == "adjustment":  # valid: the formula equals do() exactly, for this SCM
        adj = _adjusted(item, item.adjustment, 1) - _adjusted(item, item.adjustment, 0)
        return 1.0 if abs(adj - ate) < 1e-9 else -1.0
    if item.query in ("nde", "nie"):
        return _natural(item)
    if item.query == "necessity":
        return _necessity(item)
    return _ett(item)


def _natural(item: LadderItem) -> float:
    """The mediation formula (Pearl 2001) on the brute-force joint: no latents here."""
    x_y, x_m = (1, 0) if item.query == "nde" else (0, 1)
    total = sum(_brute(item, {"Y": 1}, {"X": x_y, "M": m}) * _brute(item, {"M": m}, {"X": x_m})
                for m in (0, 1))
    return total - _brute(item, {"Y": 1}, {"X": 0})


def _necessity(item: LadderItem) -> float:
    """P(Y_{X=0}=0 | X=1, Y=1) - 0.5 by rung.scm on the threshold model's file."""
    from rung.scm import counterfactual_probability, parse_query
    from rung.scm.threshold import threshold_model

    model = threshold_model(item.mechanisms)
    q = parse_query("P(Y[X=0]=0 | X=1, Y=1)")
    return counterfactual_probability(model, q).probability - 0.5


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_answers_match_brute_force(seed: int) -> None:
    for item in generate(9, seed):
        ref = _reference(item)
        assert ref == pytest.approx(item.value, abs=1e-9)
        assert item.answer == ("Yes" if ref > 1e-9 else "No")
        assert abs(ref) >= MARGIN or abs(ref) < 1e-9


def test_deterministic_per_seed() -> None:
    assert generate(20, 5) == generate(20, 5)
    assert generate(20, 5) != generate(20, 6)


def test_json_round_trip() -> None:
    for item in generate(18, 2):
        assert LadderItem.from_json(item.to_json()) == item


def test_all_families_rungs_and_name_types() -> None:
    items = generate(90, 0)
    assert {i.family for i in items} == {"chain", "fork", "collider", "confounding",
                                         "mediation", "iv", "frontdoor", "mbias", "napkin"}
    assert {i.rung for i in items} == {1, 2, 3}
    assert {i.query for i in generate(200, 0)} == {"marginal", "conditional", "ate",
                                                   "adjustment", "ett", "nde", "nie",
                                                   "necessity"}
    assert {i.name_type for i in items} == {"commonsense", "anti", "nonsense"}


def test_formal_recipe_with_true_model_is_always_right() -> None:
    for item in generate(90, 1):
        conf = [(a, b) for u in item.latent for a, b in itertools.combinations(
            [c for p, c in item.edges if p == u], 2)]
        true = [e for e in item.edges if not e[0].startswith("U")]
        nums = [p for f in item.given for p in f.p_one]
        assert formal_answer(item, true, conf, item.query, nums) == item.answer


def test_formal_recipe_abstains_on_a_cycle() -> None:
    item = generate(1, 0)[0]
    obs = item.observed
    nums = [p for f in item.given for p in f.p_one]
    cycle = [(obs[0], obs[1]), (obs[1], obs[2]), (obs[2], obs[0])]
    assert formal_answer(item, cycle, [], item.query, nums) == "abstain"


@pytest.mark.llm
def test_direct_and_recipe_with_tiny_model(tiny) -> None:  # type: ignore[no-untyped-def]
    items = generate(2, 0)
    for mode in ("direct", "recipe"):
        rows = run_ladder(items, tiny, mode, variants=2)  # type: ignore[arg-type]
        overall = next(r for r in rows if r.group == "all")
        assert overall.accuracy.n == 2
    res = answer_recipe(items[0], tiny)
    assert res.answer in ("Yes", "No", "abstain")
    assert len(res.numbers) == sum(len(f.p_one) for f in items[0].given)


def test_recipe_result_json_round_trip() -> None:
    from rung.bench.ladder_recipe import RecipeResult

    r = RecipeResult("abstain", (("X", "M"),), (("X", "Y"),), "ate", (0.5, 0.25), False, True,
                     False)
    assert RecipeResult.from_json(r.to_json()) == r
