"""The studio's HTTP API on a real server: a session started without the LLM asks it
through the real workflow (a scripted model stands in for the LLM: this test is about the
studio, not the model's answers), and the page's JSON follows."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from rung.studio import StudioContext, StudioSession, start_in_thread
from rung.studio.rundir import start_run_dir
from rung.workflow import CopilotConfig, DataConfig, EstimateConfig, ReviewConfig
from tests.studio.conftest import XSS, consensus_backend, xss_frame


def _call(url: str, path: str, token: str, body: Any = None,
          headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = None if body is None else (body if isinstance(body, bytes) else
                                      json.dumps(body).encode())
    req = urllib.request.Request(url + path, data=data, headers={
        "X-Studio-Token": token, "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.fixture
def studio(tmp_path: Path) -> Any:
    csv = tmp_path / "d.csv"
    xss_frame().to_csv(csv, index=False)
    cfg = CopilotConfig(treatment="X", outcome="Y", data=DataConfig(source=str(csv)),
                        estimate=EstimateConfig(bootstrap=10, generative_samples=50),
                        review=ReviewConfig(class_limit=4))
    start_run_dir(xss_frame(), cfg, tmp_path / "run")
    ctx = StudioContext(session=StudioSession(tmp_path / "run"), max_upload=2000,
                        backend=consensus_backend([(XSS, "X"), (XSS, "Y"), ("X", "Y")]))
    server = start_in_thread(ctx)
    yield server.url.split("?")[0], ctx
    ctx.jobs.wait(120)
    server.stop()


def test_ask_the_llm_runs_the_workflow_in_the_background(studio: Any) -> None:
    url, ctx = studio
    status, state = _call(url, "api/state", ctx.token)
    assert status == 200 and state["meta"]["has_llm"] is False and state["llm"] == []
    status, job = _call(url, "api/ask-llm", ctx.token, {})
    assert status == 200 and job["status"] == "running"
    status, again = _call(url, "api/estimate", ctx.token, {})
    assert status == 409 and "still running" in again["error"]
    status, edit = _call(url, "api/edit", ctx.token, {"a": "X", "b": "Y", "state": "forward",
                                                      "action": "add", "tab": "t"})
    assert status == 200 and "identification" in edit  # edits go on while the job runs
    ctx.jobs.wait(180)
    status, state = _call(url, "api/state", ctx.token)
    assert state["job"]["status"] == "done", state["job"]
    assert state["meta"]["has_llm"] is True
    assert state["results"]["verdict"]["status"] in ("ok", "check")
    assert ("X", "Y") in {(e["from"], e["to"]) for e in state["current"]}  # the analyst's
    assert (Path(ctx.session.run_dir) / "report.html").exists()


def test_upload_limits_and_reader_errors(studio: Any) -> None:
    url, ctx = studio
    status, out = _call(url, "api/upload", ctx.token, b"a,b\n" + b"1,2\n" * 1000,
                        {"X-Filename": "big.csv"})
    assert status == 413 and "big.csv" in out["error"] and "2,000" in out["error"]
    status, out = _call(url, "api/upload", ctx.token, b"a,b\n1,x\n2,3\n",
                        {"X-Filename": "mixed.csv"})
    assert status == 400 and "mixed.csv" in out["error"]
    status, out = _call(url, "api/edit", ctx.token, {"a": "X", "b": "../etc/passwd",
                                                     "state": "forward", "action": "add"})
    assert status == 400 and "is not a node" in out["error"]
    status, _ = _call(url, "api/export/..%2Fsecret", ctx.token)
    assert status == 404


def test_wrong_token_and_foreign_host_are_refused(studio: Any) -> None:
    url, ctx = studio
    for headers in ({"X-Studio-Token": "guess"}, {"Host": "evil.example"}):
        req = urllib.request.Request(url + "api/state", headers={
            "X-Studio-Token": ctx.token, **headers})
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(req)
        assert info.value.code == 403
