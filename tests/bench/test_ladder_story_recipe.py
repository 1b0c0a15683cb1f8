"""The user-facing recipe (``rung.bench.story_recipe``) against the ladder's own answers.

For every generated item, a formal model holding the item's true graph and the exact
probabilities of its SCM (marginalised over the latents, in the recipe's own order) must
make rung derive the item's deciding quantity, which the generator computed another way
(truncated factorisation of the SCM; exact enumeration of the threshold SCM for the ETT).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from rung.bench.ladder import LadderItem, generate, joint_of_factors
from rung.bench.story_recipe import FormalModel, derive, stated_labels, structural_tables
from rung.scm import counterfactual_probability, parse_query
from rung.scm.threshold import threshold_model, variable_ids


def _true_model(item: LadderItem) -> FormalModel:
    names = dict(item.names)
    edges = tuple((names[a], names[b]) for a, b in item.edges if a in names)
    conf = tuple((names[a], names[b]) for u in item.latent for a, b in itertools.combinations(
        [c for p, c in item.edges if p == u], 2))
    skeleton = FormalModel(tuple(names[v] for v in item.observed), edges, conf, item.query,
                           names["X"], names["Y"], ())
    order = list(skeleton.graph().topological_order())
    nodes = [f.node for f in item.mechanisms]
    full = joint_of_factors(item.mechanisms, nodes)
    ids = {names[v]: v for v in item.observed}
    obs = full.sum(axis=tuple(i for i, v in enumerate(nodes) if v not in item.observed))
    kept = [v for v in nodes if v in item.observed]
    table = np.moveaxis(obs, [kept.index(ids[n]) for n in order], range(len(order)))
    numbers = []
    for label in stated_labels(skeleton, order):
        head, _, cond = label[2:-1].partition(" | ")
        event = {head[:-2]: 1}
        given = dict((c.rsplit("=", 1)[0], int(c.rsplit("=", 1)[1]))
                     for c in cond.split(", ")) if cond else {}
        numbers.append((label, _prob(table, order, {**given, **event}) /
                        _prob(table, order, given)))
    return FormalModel(skeleton.variables, edges, conf, item.query, names["X"], names["Y"],
                       tuple(numbers))


def _prob(table: np.ndarray, order: list[str], fixed: dict[str, int]) -> float:
    index = tuple(fixed.get(v, slice(None)) for v in order)
    return float(np.asarray(table[index]).sum())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_true_model_derives_the_ladder_quantity(seed: int) -> None:
    for item in generate(27, seed):
        names = dict(item.names)
        adjustment = tuple(names[v] for v in item.adjustment)
        res = derive(_true_model(item), adjustment)
        if item.query == "adjustment" and not adjustment:
            assert not res.answered and "candidate" in res.reason
            continue
        assert res.answered, (item.id, res.reason)
        assert res.value == pytest.approx(item.value, abs=1e-9), item.id


def test_missing_numbers_and_cycles_are_named_not_guessed() -> None:
    m = FormalModel(("a", "b"), (("a", "b"),), (), "ate", "a", "b", ())
    res = derive(m)
    assert not res.answered and "P(a=1)" in res.reason
    cyc = FormalModel(("a", "b", "c"), (("a", "b"), ("b", "c"), ("c", "a")), (), "ate", "a",
                      "b", ())
    assert "invalid" in derive(cyc).reason


def test_formal_model_refuses_unknown_names() -> None:
    with pytest.raises(ValueError, match="not in"):
        FormalModel(("a", "b"), (("a", "z"),), (), "ate", "a", "b", ())
    with pytest.raises(ValueError, match="query 'effect'"):
        FormalModel(("a", "b"), (), (), "effect", "a", "b", ())


@pytest.mark.parametrize("seed", [0, 4])
def test_structural_file_of_the_true_model_gives_the_ladders_ett(seed: int) -> None:
    """The threshold model written from the true formal model answers the ETT as the
    generator's own enumeration does; a model with a latent is refused by name."""
    checked = 0
    for item in generate(45, seed):
        model = _true_model(item)
        if model.confounded:
            with pytest.raises(ValueError, match="share an unobserved cause"):
                structural_tables(model)
            continue
        if item.query != "ett":
            continue
        tables = structural_tables(model)
        scm = threshold_model(tables)
        ids = variable_ids(tables)
        x, y = ids[model.treatment], ids[model.outcome]
        p = [counterfactual_probability(scm, parse_query(q)).probability
             for q in (f"P({y}=1 | {x}=1)", f"P({y}[{x}=0]=1 | {x}=1)")]
        assert p[0] - p[1] == pytest.approx(item.value, abs=1e-9), item.id
        checked += 1
    assert checked >= 2
