"""The studio's session state in the run directory: edits persist in final_graph.dot (read
back by the workflow's own reader), two tabs never corrupt it (last write wins and is
said), undo restores, and a reopened session continues."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from rung.studio.rundir import start_run_dir
from rung.studio.session import StudioSession
from rung.workflow import CopilotConfig, DataConfig
from rung.workflow.graph_files import read_analyst_graph
from tests.studio.conftest import XSS, xss_frame


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    csv = tmp_path / "data.csv"
    xss_frame().to_csv(csv, index=False)
    from rung.workflow.inputs import load_data_csv

    raw = load_data_csv(csv).frame
    out = tmp_path / "run"
    start_run_dir(raw, CopilotConfig(treatment="X", outcome="Y",
                                     data=DataConfig(source=str(csv))), out)
    return out


def _on_disk(run_dir: Path) -> set[tuple[str, str]]:
    text = (run_dir / "final_graph.dot").read_text(encoding="utf-8")
    return set(read_analyst_graph(text, [XSS, "X", "Y"]).directed_edges)


def test_edit_persists_in_the_cli_graph_file(run_dir: Path) -> None:
    s = StudioSession(run_dir)
    assert (run_dir / "input.json").exists() and (run_dir / "data_graph.json").exists()
    out = s.edit("X", "Y", "forward", "add", tab="t1", base_version=0)
    assert out.note == ""
    assert ("X", "Y") in _on_disk(run_dir)
    out = s.edit("X", "Y", "none", "remove", tab="t1", base_version=out.snapshot.version)
    assert ("X", "Y") not in _on_disk(run_dir) and ("Y", "X") not in _on_disk(run_dir)
    assert [d.author for d in out.snapshot.decisions] == ["analyst", "analyst"]


def test_two_tabs_last_write_wins_and_is_said(run_dir: Path) -> None:
    s = StudioSession(run_dir)
    v0 = s.snapshot().version
    s.edit("X", "Y", "forward", "add", tab="left", base_version=v0)
    out = s.edit("X", "Y", "backward", "reverse", tab="right", base_version=v0)
    assert "last write wins" in out.note and "left" in out.note
    assert ("Y", "X") in _on_disk(run_dir)


def test_concurrent_edits_never_corrupt(run_dir: Path) -> None:
    s = StudioSession(run_dir)
    v0 = s.snapshot().version
    states = ["forward", "backward", "none", "bidirected"] * 5

    def work(k: int) -> None:
        s.edit("X", "Y", states[k], "add", tab=f"t{k}")  # type: ignore[arg-type]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(states))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    snap = s.snapshot()
    assert snap.version == v0 + len(states)
    assert [d.version for d in snap.decisions] == list(range(v0 + 1, snap.version + 1))
    assert set(read_analyst_graph(snap.graph_text, [XSS, "X", "Y"]).directed_edges) \
        == _on_disk(run_dir)


def test_undo_and_reopen(run_dir: Path) -> None:
    s = StudioSession(run_dir)
    before = set(s.snapshot().graph.directed_edges)
    s.edit("X", "Y", "backward", "add", tab="t")
    s.edit(XSS, "Y", "none", "remove", tab="t")
    s.undo(tab="t")
    again = StudioSession(run_dir)  # a new process continues the same session
    snap = again.snapshot()
    assert [d.undone for d in snap.decisions] == [False, True]
    assert ("Y", "X") in set(snap.graph.directed_edges)
    again.undo(tab="t")
    assert set(again.snapshot().graph.directed_edges) == before
    with pytest.raises(ValueError, match="nothing to undo"):
        again.undo(tab="t")


def test_cycle_is_refused_with_its_path(run_dir: Path) -> None:
    s = StudioSession(run_dir)
    s.edit("X", "Y", "forward", "add", tab="t")
    s.edit(XSS, "X", "forward", "add", tab="t")
    with pytest.raises(ValueError, match="cycle"):
        s.edit(XSS, "Y", "backward", "add", tab="t")  # Y -> XSS -> X -> Y


def test_a_run_file_is_read_by_its_artifact_type(run_dir: Path) -> None:
    import json

    from rung.studio.rundir import load_inputs
    from rung.workflow.artifacts import DataGraph, InputSummary
    from rung.workflow.store import ArtifactError, RunStore

    inputs = load_inputs(run_dir)
    store = RunStore(run_dir)
    assert inputs.data_graph == DataGraph.from_files(store.read).result
    assert inputs.config == InputSummary.from_files(store.read).config
    obj = json.loads((run_dir / "data_graph.json").read_text(encoding="utf-8"))
    del obj["edges"]  # valid JSON, but no DataGraph any more
    (run_dir / "data_graph.json").write_text(json.dumps(obj), encoding="utf-8")
    with pytest.raises(ArtifactError, match=r"data_graph\.json does not hold the workflow's "
                                            "DataGraph"):
        load_inputs(run_dir)
