"""`rung bench sweep`: the sweep file is checked, and a sweep on a real local Ray cluster
(127.0.0.1, one CPU) survives a SIGKILLed worker with nothing lost or asked twice."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rung.bench.ledger import Ledger
from rung.bench.registry import load_benchmark
from rung.bench.runner import RunConfig, plan_questions
from rung.bench.sweep import load_sweep

BIN = Path(sys.executable).parent
RUNG = BIN / "rung"


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize(("text", "needle"), [
    ('benchmarks = ["nope"]\n[models]\na = "tiny"\n', "unknown benchmarks ['nope']"),
    ('benchmarks = ["crass_ai"]\nvariants = [1]\n[models]\na = "tiny"\n', "variants = [1]"),
    ('benchmarks = ["crass_ai"]\n', "no [models] table"),
    ('benchmarks = ["crass_ai"]\n[models]\n"a/b" = "tiny"\n', "model 'a/b'"),
    ('benchmarks = ["crass_ai"]\nlimt = 3\n[models]\na = "tiny"\n', "unknown keys ['limt']"),
    ('benchmarks = "crass_ai"\n[models]\na = "tiny"\n', "benchmarks = 'crass_ai'"),
])
def test_bad_sweep_files_name_the_value(tmp_path: Path, text: str, needle: str) -> None:
    with pytest.raises(ValueError, match=None) as err:
        load_sweep(_write(tmp_path / "s.toml", text))
    assert needle in str(err.value)


def test_sweep_file_credentials_are_redacted_and_cli_exits_2(tmp_path: Path) -> None:
    bad = _write(tmp_path / "s.toml", 'benchmarks = ["crass_ai"]\nvariants = [2]\n[models]\n'
                 '"x y" = "http://u:pw-sweep-secret@127.0.0.1:9/v1|m"\n')
    done = subprocess.run([str(RUNG), "bench", "sweep", str(bad), "--out",
                           str(tmp_path / "o")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "pw-sweep-secret" not in done.stderr + done.stdout
    assert "model 'x y'" in done.stderr


def test_plan_is_models_by_benchmarks_by_k(tmp_path: Path) -> None:
    plan = load_sweep(_write(tmp_path / "s.toml", 'benchmarks = ["crass_ai", "tuebingen"]\n'
                             'variants = [2, 8]\nprobes = "order"\n[models]\na = "tiny"\n'
                             'b = "http://127.0.0.1:1/v1,http://127.0.0.1:2/v1|m"\n'))
    keys = [t.key for t in plan.tasks()]
    assert len(keys) == len(set(keys)) == 2 * 2 * 2
    assert keys[:2] == ["a/crass_ai/K2", "b/crass_ai/K2"]  # models side by side first


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def ray_cluster() -> Iterator[str]:
    """`ray start --head --block` on 127.0.0.1 with one CPU and its own temp dir, in its own
    process group, which is stopped (TERM, then KILL) at the end."""
    pytest.importorskip("ray", reason="needs rung[ray]")
    port = _free_port()
    temp = tempfile.mkdtemp(prefix="/tmp/rungray")  # short: Ray's socket paths are bounded
    cmd = [str(BIN / "ray"), "start", "--head", "--block", "--node-ip-address", "127.0.0.1",
           "--port", str(port), "--num-cpus", "1", "--temp-dir", temp,
           "--include-dashboard", "false", "--disable-usage-stats"]
    head = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while subprocess.run([str(BIN / "ray"), "status", "--address", address],
                             capture_output=True, timeout=60).returncode != 0:
            if time.monotonic() > deadline or head.poll() is not None:
                raise RuntimeError(f"the Ray head at {address} did not come up within 90 s")
            time.sleep(1)
        yield address
    finally:
        os.killpg(head.pid, signal.SIGTERM)
        try:
            head.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait(10)


def _kill_worker_after_first_answer(task_dir: Path, sweep: subprocess.Popen[str]) -> int:
    """SIGKILL the Ray worker running the task (its pid is in the task's run.lock) once the
    task's ledger holds an answer; the pid."""
    answers = task_dir / "answers.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and sweep.poll() is None:
        if answers.is_file() and answers.read_text().count("\n") >= 1:
            pid = int(json.loads((task_dir / "run.lock").read_text())["pid"])
            os.kill(pid, signal.SIGKILL)
            return pid
        time.sleep(0.05)
    raise AssertionError("the sweep wrote no answer within 120 s")


@pytest.mark.timeout(240)
def test_ray_sweep_survives_a_killed_worker(
    ray_cluster: str, tmp_path: Path, data_dir: Path
) -> None:
    sweep_file = _write(tmp_path / "s.toml", 'benchmarks = ["tuebingen"]\nvariants = [2]\n'
                        f'probes = "order"\nlimit = 2\ndata_dir = "{data_dir}"\n'
                        '[models]\nsmol = "tiny"\n')
    out = tmp_path / "sweep"
    env = {**os.environ, "RUNG_LM_CACHE": str(tmp_path / "lm.sqlite"), "RUNG_LM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "RUNG_CONFIG": str(tmp_path / "none.toml")}
    env.pop("RUNG_LM", None)
    sweep = subprocess.Popen([str(RUNG), "bench", "sweep", str(sweep_file), "--out", str(out),
                              "--ray", ray_cluster, "--json"], env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    task_dir = out / "smol" / "tuebingen" / "K2"
    killed = _kill_worker_after_first_answer(task_dir, sweep)
    stdout, stderr = sweep.communicate(timeout=200)
    assert sweep.returncode == 0, stderr[-2000:]
    assert killed != os.getpid()
    lines = (task_dir / "answers.jsonl").read_text().splitlines()
    keys = [json.loads(line)["key"] for line in lines]
    bench = load_benchmark("tuebingen", data_dir)
    planned = [q.key for q in plan_questions(bench, RunConfig("tuebingen", None, 2, 2,
                                                              ("order",)))]
    assert sorted(keys) == sorted(planned)  # nothing lost, nothing twice
    (record,) = list(Ledger(out / "sweep.jsonl", writable=False))
    assert record["key"] == "smol/tuebingen/K2" and record["resumed"] >= 1  # a real resume
    report = json.loads(stdout)
    (row,) = report["comparisons"][0]["models"]
    assert row["model"] == "smol" and row["base"]["n"] == 2
    assert (out / "sweep.md").read_text().count("| smol |") == 1


def test_ray_missing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from rung.bench.sweep_ray import RayMissingError, ray_runner

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as when absent
    with pytest.raises(RayMissingError, match=r"pip install 'rung\[ray\]'"):
        ray_runner("auto")


@pytest.mark.timeout(200)
def test_local_sweep_resumes_after_the_driver_is_killed(tmp_path: Path, data_dir: Path) -> None:
    """SIGKILL the local driver after its first answer; the same command again completes
    the sweep, keeps that answer and asks nothing twice."""
    sweep_file = _write(tmp_path / "s.toml", 'benchmarks = ["crass_ai"]\nvariants = [2]\n'
                        f'probes = "order"\nlimit = 2\ndata_dir = "{data_dir}"\n'
                        '[models]\nsmol = "tiny"\n')
    out = tmp_path / "sweep"
    cmd = [str(RUNG), "bench", "sweep", str(sweep_file), "--out", str(out), "--json"]
    env = {**os.environ, "RUNG_LM_CACHE": str(tmp_path / "lm.sqlite"), "RUNG_LM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "RUNG_CONFIG": str(tmp_path / "none.toml")}
    env.pop("RUNG_LM", None)
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    answers = out / "smol" / "crass_ai" / "K2" / "answers.jsonl"
    deadline = time.monotonic() + 120
    while not (answers.is_file() and answers.read_text().count("\n") >= 1):
        assert time.monotonic() < deadline and first.poll() is None, "no answer in 120 s"
        time.sleep(0.05)
    first.kill()
    first.wait(10)
    kept = answers.read_text().splitlines()[0]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=150)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = answers.read_text().splitlines()
    keys = [json.loads(line)["key"] for line in lines]
    planned = plan_questions(load_benchmark("crass_ai", data_dir),
                             RunConfig("crass_ai", None, 2, 2, ("order",)))
    assert lines[0] == kept and sorted(keys) == sorted(q.key for q in planned)
    (record,) = json.loads(done.stdout)["tasks"]
    assert record["resumed"] >= 1 and record["asked"] + record["resumed"] == 4
