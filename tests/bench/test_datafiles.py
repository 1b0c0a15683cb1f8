"""Damaged dataset files: each error names the file, the place and the fault; ``rung data
list`` still lists every readable dataset and marks the damaged one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rung.bench.datafiles import DatasetCorruptError
from rung.bench.registry import BENCHMARKS, list_datasets, load_benchmark

RUNG = Path(sys.executable).parent / "rung"


@pytest.fixture
def copy(tmp_path: Path, data_dir: Path) -> Path:
    """A writable copy of the real data directory."""
    target = tmp_path / "data"
    shutil.copytree(data_dir, target)
    return target


def _line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.split("\n"), start=1) if ln.startswith(needle))


def test_crass_without_a_column_names_file_and_column(copy: Path) -> None:
    path = copy / "crass" / "CRASS_FTM_main_data_set.csv"
    text = path.read_text().replace("CorrectAnswer", "Correct", 1)
    path.write_text(text)
    with pytest.raises(DatasetCorruptError,
                       match=r"CRASS_FTM_main_data_set\.csv' is damaged: lacks the column"
                             r"\(s\) \['CorrectAnswer'\]"):
        load_benchmark("crass", copy)


def test_crass_row_with_an_empty_field_names_its_line(copy: Path) -> None:
    path = copy / "crass" / "CRASS_FTM_main_data_set.csv"
    lines = path.read_text().split("\n")
    cells = lines[2].split(";")
    cells[2] = ""  # the premise of PCTID 2
    lines[2] = ";".join(cells)
    path.write_text("\n".join(lines))
    with pytest.raises(DatasetCorruptError, match=r"line 3: column 'Premise' is empty"):
        load_benchmark("crass", copy)
    lines[2] = "x"  # a row with one field: every other column is missing
    path.write_text("\n".join(lines))
    with pytest.raises(DatasetCorruptError, match=r"line 3: "):
        load_benchmark("crass", copy)


def test_tuebingen_bad_label_is_refused_not_read_as_a_direction(copy: Path) -> None:
    path = copy / "tuebingen" / "pairs.csv"
    text = path.read_text()
    line = _line_of(text, "pair0002,")
    path.write_text(text.replace("pair0002, Altitude, Precipitation, R,",
                                 "pair0002, Altitude, Precipitation, X,"))
    with pytest.raises(DatasetCorruptError,
                       match=rf"pairs\.csv' is damaged: line {line}: ground_truth is 'X', not "
                             r"one of \['R', 'L'\]"):
        load_benchmark("tuebingen", copy)


def test_tuebingen_truncated_and_binary_files(copy: Path) -> None:
    path = copy / "tuebingen" / "pairs.csv"
    text = path.read_text()
    path.write_text(text[: text.index("Information for pairs0003") + 5])  # inside a quote
    with pytest.raises(DatasetCorruptError, match=r"pairs\.csv' is damaged: not a readable CSV"):
        load_benchmark("tuebingen", copy)
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(DatasetCorruptError, match=r"pairs\.csv' is damaged: not UTF-8"):
        load_benchmark("tuebingen", copy)
    (copy / "tuebingen" / "pairmeta.txt").write_text("0001 1 1 2 2 heavy\n")
    path.write_text(text)
    with pytest.raises(DatasetCorruptError, match=r"pairmeta\.txt' is damaged: line 1: weight"):
        load_benchmark("tuebingen", copy)


def test_causal_judgment_json_faults(copy: Path) -> None:
    path = copy / "bigbench" / "causal_judgment.json"
    good = json.loads(path.read_text())
    path.write_text(path.read_text()[:500])
    with pytest.raises(DatasetCorruptError,
                       match=r"causal_judgment\.json' is damaged: not valid JSON \(.* at line "
                             r"\d+, column \d+\)"):
        load_benchmark("causal_judgment", copy)
    bad = dict(good, examples=list(good["examples"]))
    bad["examples"][7] = {"input": "A story. Did it?", "target_scores": {"Maybe": 1}}
    path.write_text(json.dumps(bad))
    with pytest.raises(DatasetCorruptError, match=r"example 7: the best target is 'Maybe'"):
        load_benchmark("causal_judgment", copy)
    bad["examples"][7] = {"target_scores": {"Yes": 1, "No": 0}}
    path.write_text(json.dumps(bad))
    with pytest.raises(DatasetCorruptError, match=r"example 7: missing field 'input'"):
        load_benchmark("causal_judgment", copy)
    path.write_text(json.dumps([1, 2]))
    with pytest.raises(DatasetCorruptError, match=r"top level is list, not an object"):
        load_benchmark("causal_judgment", copy)


def test_list_datasets_marks_the_damaged_one_and_lists_the_rest(copy: Path) -> None:
    (copy / "bigbench" / "causal_judgment.json").write_text("{")
    rows = {r.name: r for r in list_datasets(copy)}
    assert set(rows) == set(BENCHMARKS)
    assert rows["causal_judgment"].status == "damaged"
    assert "causal_judgment.json" in rows["causal_judgment"].location
    assert rows["tuebingen"].available and rows["tuebingen"].items == 105
    assert rows["crass_ai"].available  # the same folder's other file is still read


@pytest.mark.skipif(not RUNG.is_file(), reason="the rung console script is not installed")
def test_cli_data_list_with_a_damaged_dataset(copy: Path) -> None:
    (copy / "tuebingen" / "pairs.csv").write_text("var1;var2\n")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run([str(RUNG), "data", "list", "--json", "--data-dir", str(copy)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    rows = {r["name"]: r for r in json.loads(done.stdout)}
    assert rows["tuebingen"]["status"] == "damaged" and not rows["tuebingen"]["available"]
    assert "pairs.csv" in rows["tuebingen"]["location"]
    assert rows["crass"]["available"] and rows["crass"]["items"] == 274
    table = subprocess.run([str(RUNG), "data", "list", "--data-dir", str(copy)],
                           capture_output=True, text=True, timeout=120, env=env)
    assert table.returncode == 0 and "DAMAGED" in table.stdout and "Traceback" not in (
        table.stdout + table.stderr)


@pytest.mark.skipif(not RUNG.is_file(), reason="the rung console script is not installed")
def test_cli_bench_run_on_a_damaged_dataset_exits_2(copy: Path, tmp_path: Path) -> None:
    path = copy / "crass" / "CRASS_FTM_main_data_set.csv"
    path.write_text(path.read_text().replace("CorrectAnswer", "Correct", 1))
    done = subprocess.run([str(RUNG), "bench", "run", "crass", "--model", "tiny",
                           "--out", str(tmp_path / "o"), "--data-dir", str(copy)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "CRASS_FTM_main_data_set.csv" in done.stderr and "CorrectAnswer" in done.stderr
