"""The runner alone reads and writes the run directory: every step's typed artifact read
back from its files equals the one the step produced, and a file that parses as JSON but
not as its artifact makes its step run again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rung.workflow import get_example, prepare_run, run_steps
from rung.workflow.artifacts import DataGraph, InputSummary, LLMGraph, Review
from tests.workflow.cases import believing_backend


def _run(out: Path) -> dict[str, object]:
    run = prepare_run(example="linear_backdoor")
    return run_steps(run.data, run.config, out, until="review",
                     backend=believing_backend({("Z", "X"): 0.9, ("Z", "Y"): 0.9}))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    out = tmp_path_factory.mktemp("steps")
    return out, _run(out), _run(out)


def test_each_artifact_read_back_equals_the_one_produced(runs: tuple[Path, dict, dict]
                                                         ) -> None:
    _, fresh, again = runs
    assert list(fresh) == ["input", "data", "llm", "review"]
    for cls, name in ((InputSummary, "input"), (DataGraph, "data"), (LLMGraph, "llm"),
                      (Review, "review")):
        assert isinstance(again[name], cls)
        assert json.dumps(again[name].to_json(), sort_keys=True, default=str) == \
            json.dumps(fresh[name].to_json(), sort_keys=True, default=str)


def test_the_files_keep_their_names(runs: tuple[Path, dict, dict]) -> None:
    out, _, _ = runs
    for name in ("input.json", "data_graph.json", "data_graph.dot", "llm_graph.json",
                 "llm_graph.dot", "final_graph.json", "final_graph.dot",
                 "disagreements.json", "disagreements.csv"):
        assert (out / name).is_file(), name
    final = json.loads((out / "final_graph.json").read_text())
    assert set(final) == {"source", "graph", "decisions", "comparison"}


def test_a_file_that_is_not_its_artifact_is_rebuilt(tmp_path: Path) -> None:
    first = _run(tmp_path)
    (tmp_path / "llm_graph.json").write_text("{}\n")  # valid JSON, not an LLMGraph
    again = _run(tmp_path)
    assert again["llm"].to_json() == first["llm"].to_json()
    assert "proposal" in json.loads((tmp_path / "llm_graph.json").read_text())


def test_until_names_a_step(tmp_path: Path) -> None:
    ex = get_example("linear_backdoor")
    with pytest.raises(ValueError, match="is not a step"):
        run_steps(ex.data, prepare_run(example="linear_backdoor").config, tmp_path,
                  until="report")
