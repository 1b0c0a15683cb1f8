"""Every ``rung`` command refuses bad input with one ``error:`` line on stderr naming the bad
value, and exit status 2 (3 for a non-identifiable effect in ``rung estimate``).

The cases run in-process through :func:`rung.cli.main.run`, the function behind the
installed ``rung`` script; two more run the script itself by subprocess. Only cheap cases:
no model is loaded and nothing is trained.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rung.cli.main import run

GOOD = "Z -> X; Z -> Y; X -> Y"
EST = f"estimate '{GOOD}' --treatment X --outcome Y --data"
COP = "copilot {d}/good.csv -t X -y Y --model scripted --out {d}/run"
SCR = "--model scripted --no-cache"


@pytest.fixture(scope="module")
def d(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of good and bad input files."""
    root = tmp_path_factory.mktemp("inputs")
    rng = np.random.default_rng(0)
    z = rng.normal(size=50)
    x = (z + rng.normal(size=50) > 0).astype(int)
    y = 2 * x + z + rng.normal(size=50)
    rows = "".join(f"{a},{b:.4f},{c:.4f}\n" for a, b, c in zip(x, y, z, strict=True))
    (root / "good.csv").write_text("X,Y,Z\n" + rows)
    (root / "dup.csv").write_text("X,Y,Y,Z\n" + "".join(f"{i % 2},1,2,{i}\n" for i in range(20)))
    twelve = "".join(f"{i % 2},{i},{i}\n" for i in range(12))
    (root / "nonnum.csv").write_text("X,Y,Z\n1,2,3\n0,abc,1\n" + twelve)
    (root / "inf.csv").write_text("X,Y,Z\n1,2,3\n0,inf,1\n" + twelve)  # NaN rows are dropped
    (root / "onerow.csv").write_text("X,Y,Z\n1,2,3\n")
    (root / "const.csv").write_text("X,Y\n" + "".join(f"1,{i}\n" for i in range(12)))
    (root / "nocol.csv").write_text("X,Y\n" + "".join(f"{i % 2},{i}\n" for i in range(12)))
    (root / "empty.csv").write_text("")
    (root / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (root / "cyclic.txt").write_text("X -> Y; Y -> X")
    (root / "bad.dot").write_text("digraph { X -> ; }")
    (root / "bad.yaml").write_text("a: [unclosed\n")
    (root / "list.yaml").write_text("- a\n- b\n")
    (root / "afile").write_text("not a folder")
    (root / "adir").mkdir()
    return root


# (argv, exit status, a substring of the one-line message); {d} is the fixture folder
CASES: list[tuple[str, int, str]] = [
    # usage errors: one line, not click's boxed help
    ("graph show", 2, "missing argument 'GRAPH'"),
    ("graph nosuch", 2, "no such command 'nosuch'"),
    ("graph show --bogus 1", 2, "no such option '--bogus'"),
    ("identify 'X -> Y' -x X", 2, "no outcome given"),
    (f"{EST} {{d}}/good.csv --contrast a b", 2, "invalid value for '--contrast'"),
    (f"{EST} {{d}}/good.csv --contrast 1", 2, "'--contrast' requires 2 arguments"),
    ("abstraction run nosuch", 2, "'nosuch' is not one of 'arithmetic'"),
    ("abstraction run arithmetic --method foo", 2, "'foo' is not one of 'standard'"),
    ("bench run tuebingen --limit abc", 2, "invalid value for '--limit'"),
    # graphs
    ("graph show ''", 2, "empty graph"),
    ("graph show '   '", 2, "empty graph"),
    ("graph show {d}/cyclic.txt", 2, "directed cycle X -> Y -> X"),
    ("graph show 'X -> X'", 2, "self-loop X -> X"),
    ("graph show {d}/bad.dot", 2, "expected a node id"),
    ("graph show 'dag { X -> Y'", 2, "expected a node name or '}'"),
    ("graph show {d}/missing.dot", 2, "missing.dot' not found"),
    ("graph show {d}/adir", 2, "is a directory"),
    ("graph show {d}/binary.bin", 2, "is not UTF-8 text"),
    ("graph check 'X -> Y' -i ''", 2, "cannot read independence ''"),
    ("graph check 'X -> Y' -i 'X _||_ Q'", 2, "['Q'] are not in the graph"),
    ("graph check 'X -> Y' -i 'X _||_ Y |'", 2, "nothing after '|'"),
    ("graph convert 'X -> Y' --to svg", 2, "unknown format 'svg'"),
    ("graph draw 'X -> Y' -o {d}/out.xyz", 2, "use a .svg or .png"),
    ("graph draw 'X -> Y' -o {d}/adir", 2, "is a directory; give a file name"),
    ("graph draw 'X -> Y' -o {d}/nodir/g.svg", 2, "does not exist; create it first"),
    ("graph draw 'X -> Y' -o {d}/afile/g.svg", 2, "is a file, not a folder"),
    # identify
    ("identify 'X -> Y' -x Q -y Y", 2, "['Q'] are not in the graph"),
    ("identify 'X -> Y' -x X -y X", 2, "in both treatment and outcome"),
    ("identify 'X -> Y' -x X -y Y -z Y", 2, "in both outcome and given"),
    ("identify '' -x X -y Y", 2, "empty graph"),
    ("identify {d}/cyclic.txt -x X -y Y", 2, "directed cycle"),
    ("identify {d}/adir -x X -y Y", 2, "is a directory"),
    ("identify 'dag { U [latent] X -> Y U -> X U -> Y }' -x U -y Y", 2, "['U'] are latent"),
    # estimate
    (f"estimate '{GOOD}' --data {{d}}/good.csv --treatment X", 2, "no outcome given"),
    (f"estimate '{GOOD}' --data {{d}}/good.csv --treatment Q --outcome Y", 2, "['Q'] are not"),
    (f"estimate '{GOOD}' --data {{d}}/good.csv --treatment X --outcome X", 2, "in both"),
    (f"{EST} {{d}}/missing.csv", 2, "missing.csv' does not exist"),
    (f"{EST} {{d}}/adir", 2, "is a directory"),
    (f"{EST} {{d}}/empty.csv", 2, "cannot read"),
    (f"{EST} {{d}}/nocol.csv", 2, "columns ['Z'] are missing"),
    (f"{EST} {{d}}/nonnum.csv", 2, "'abc' at line 3 is not a number"),
    (f"{EST} {{d}}/inf.csv", 2, "'Y'"),
    (f"{EST} {{d}}/onerow.csv", 2, "1 row(s); an effect estimate needs at least 10"),
    (f"{EST} {{d}}/dup.csv", 2, "duplicate column names ['Y']"),
    (f"{EST} {{d}}/good.csv --contrast 5 0", 2, "never takes the value 5"),
    (f"{EST} {{d}}/good.csv --contrast 1 1", 2, "the two treatment values are equal"),
    (f"estimate '{GOOD}' --data {{d}}/good.csv --treatment Z --outcome Y --contrast 100 0", 2,
     "100 lies outside the observed range of 'Z'"),
    ("estimate 'X -> Y' --treatment X --outcome Y --data {d}/const.csv", 2,
     "'X' takes only the value 1"),
    (f"{EST} {{d}}/good.csv --seed -1", 2, "--seed -1 must be a non-negative integer"),
    (f"{EST} {{d}}/good.csv --method foo", 2, "unknown method 'foo'"),
    (f"{EST} {{d}}/good.csv --model foo", 2, "unknown model 'foo'"),
    (f"{EST} {{d}}/good.csv --model mixed --method ipw", 2, "needs --method generative"),
    (f"{EST} {{d}}/good.csv --bootstrap -1", 2, "--bootstrap -1 must be a positive"),
    (f"{EST} {{d}}/good.csv --bootstrap {2**63}", 2, f"--bootstrap {2**63} is more than"),
    (f"{EST} {{d}}/good.csv --method ''", 2, "unknown method ''"),
    (f"{EST} {{d}}/good.csv --model ''", 2, "unknown model ''"),
    (f"{EST} {{d}}/good.csv --categorical Q", 2, "--categorical names ['Q']"),
    (f"{EST} {{d}}/good.csv --method frontdoor", 2, "no front-door set"),
    (f"{EST} {{d}}/good.csv --method iv", 2, "no instrument"),
    ("estimate 'X -> Y; X <-> Y' --treatment X --outcome Y --data {d}/good.csv", 3,
     "not identifiable (hedge"),
    # lm
    ("lm ask", 2, "missing argument 'QUESTION'"),
    (f"lm ask hi --choices '' {SCR}", 2, "two non-empty --choices items"),
    (f"lm ask hi --choices a {SCR}", 2, "got ['a']"),
    (f"lm ask hi --choices a,a {SCR}", 2, "duplicate --choices items ['a']"),
    (f"lm ask '' {SCR}", 2, "the question is empty"),
    (f"lm ask hi --max-tokens 0 {SCR}", 2, "--max-tokens 0"),
    ("lm ask hi --model foo", 2, "unknown backend spec 'foo'"),
    ("lm ask hi --model 'http://127.0.0.1:9'", 2, "names no model"),
    ("lm ask hi --model gguf:{d}/missing.gguf", 2, "missing.gguf' does not exist"),
    ("lm ask hi --model gguf:{d}/afile", 2, "is not a GGUF model file"),
    ("lm ask hi --model transformers:{d}/missing", 2, "is not a folder"),
    ("lm info --model foo", 2, "unknown backend spec 'foo'"),
    ("lm setup --model-dir {d}/afile", 2, "is a file, not a folder"),
    # ask
    (f"ask pairwise A A {SCR}", 2, "got 'A' twice"),
    (f"ask pairwise '' B {SCR}", 2, "variable name '' is empty"),
    (f"ask pairwise A B {SCR} --variants 0", 2, "--variants 0"),
    (f"ask pairwise A B {SCR} --variants -2", 2, "--variants -2"),
    (f"ask pairwise A B {SCR} --describe A", 2, "write NAME=description"),
    (f"ask pairwise A B {SCR} --describe C=foo", 2, "--describe names 'C'"),
    (f"ask pairwise A B {SCR} --templates {{d}}/missing.toml", 2, "does not exist"),
    (f"ask pairwise A B {SCR} --templates {{d}}/binary.bin", 2, "is not UTF-8 text"),
    (f"ask pairwise A B {SCR} --calibration {{d}}/afile", 2, "is not JSON"),
    ("ask pairwise A B --model gguf:{d}/missing.gguf", 2, "does not exist"),
    (f"ask graph {SCR}", 2, "give --variables"),
    (f"ask graph --variables a {SCR}", 2, "need at least two"),
    (f"ask graph --variables a,b,a {SCR}", 2, "duplicate variable names ['a']"),
    (f"ask graph --variables a,,b {SCR}", 2, "need at least two non-empty"),
    (f"ask graph --variables a,b {SCR} --strategy foo", 2, "strategy='foo'"),
    (f"ask graph --variables a,b {SCR} --threshold 2", 2, "threshold=2.0"),
    (f"ask graph --variables a,b {SCR} --top-k 0", 2, "--top-k 0"),
    (f"ask graph --variables a,b {SCR} --variants 0", 2, "--variants 0"),
    (f"ask graph --variables a,b {SCR} -o {{d}}/nodir/g.dot", 2, "does not exist"),
    (f"ask graph --descriptions {{d}}/bad.yaml {SCR}", 2, "is not valid YAML at line 2"),
    (f"ask graph --descriptions {{d}}/list.yaml {SCR}", 2, "write a YAML mapping"),
    (f"ask graph --descriptions {{d}}/adir {SCR}", 2, "is a directory"),
    (f"ask judgment '' {SCR}", 2, "vignette is empty"),
    (f"ask judgment {{d}}/adir {SCR}", 2, "is a directory"),
    (f"ask judgment story --question '' {SCR}", 2, "question is empty"),
    (f"ask actual-cause story --event E --kind foo {SCR}", 2, "kind='foo'"),
    (f"ask counterfactual p --question q --option a {SCR}", 2, "at least two distinct"),
    (f"ask counterfactual p --question q --option a --option '' {SCR}", 2, "--option ''"),
    (f"ask counterfactual p --question q --option a --option a {SCR}", 2, "repeats ['a']"),
    (f"ask confounders X X {SCR}", 2, "two different"),
    (f"ask confounders X Y --candidate X {SCR}", 2, "--candidate 'X' is X or Y"),
    (f"ask mediators X Y --candidate Z --candidate Z {SCR}", 2, "repeats ['Z']"),
    ("ask instruments X Y --model foo", 2, "unknown backend spec 'foo'"),
    # bench and data (the bench library validates its own options)
    ("bench run nosuch --model scripted", 2, "unknown benchmark 'nosuch'"),
    ("bench run tuebingen --model scripted --limit -1 --out {d}/b", 2, "limit=-1"),
    ("bench run tuebingen --model scripted --variants 0 --out {d}/b", 2, "variants=0"),
    ("bench run tuebingen --model scripted --probes foo --out {d}/b", 2, "unknown probes"),
    ("bench run tuebingen --model foo --out {d}/b", 2, "unknown backend spec 'foo'"),
    ("bench run tuebingen --model scripted --out {d}/afile", 2, "is a file, not a folder"),
    ("bench report {d}/adir", 2, "not a benchmark run folder"),
    ("data list --data-dir {d}/missing", 2, "is not a folder"),
    # abstraction (checked before torch is imported)
    ("abstraction run arithmetic --k 0", 2, "--k 0 must be at least 1"),
    ("abstraction run arithmetic --steps -1", 2, "--steps -1"),
    ("abstraction run arithmetic --checkpoint-dir {d}/afile", 2, "is a file, not a folder"),
    # copilot (all refused before any discovery or model call)
    ("copilot", 2, "give either a DATA.csv argument or --example NAME"),
    ("copilot {d}/good.csv --example sachs", 2, "give either a DATA.csv"),
    ("copilot --example nosuch", 2, "unknown example 'nosuch'"),
    ("copilot {d}/good.csv -t X", 2, "--treatment and --outcome are required"),
    ("copilot --example linear_backdoor --out {d}/afile", 2, "is a file, not a folder"),
    ("copilot {d}/missing.csv -t X -y Y", 2, "does not exist"),
    ("copilot {d}/binary.bin -t X -y Y", 2, "not UTF-8 text"),
    ("copilot {d}/empty.csv -t X -y Y", 2, "the file is empty"),
    ("copilot {d}/onerow.csv -t X -y Y", 2, "needs at least 10"),
    ("copilot {d}/dup.csv -t X -y Y", 2, "duplicate column names ['Y']"),
    ("copilot {d}/nonnum.csv -t X -y Y", 2, "'abc' at line 3 is not a number"),
    ("copilot {d}/inf.csv -t X -y Y", 2, "'Y'"),
    ("copilot {d}/good.csv -t Q -y Y --model scripted", 2, "treatment column 'Q'"),
    ("copilot {d}/good.csv -t X -y X --model scripted", 2, "both 'X'"),
    (f"{COP} --model foo", 2, "unknown backend spec 'foo'"),
    (f"{COP} --strategy foo", 2, "strategy='foo'"),
    (f"{COP} --discovery foo", 2, "discovery='foo'"),
    (f"{COP} --transform foo", 2, "transform='foo'"),
    (f"{COP} --alpha 2", 2, "alpha=2.0"),
    (f"{COP} --bootstrap -1", 2, "bootstrap=-1"),
    (f"{COP} --llm-threshold 2", 2, "llm_threshold=2.0"),
    (f"{COP} --contrast 5 0", 2, "never takes the value 5"),
    (f"{COP} --contrast 1 1", 2, "the two treatment values are equal"),
    (f"{COP} --seed -1", 2, "--seed -1 must be a non-negative integer"),
    (f"{COP} --transform log", 2, "--transform log needs positive values"),
    (f"{COP} --graph {{d}}/missing.dot", 2, "does not exist"),
    (f"{COP} --graph {{d}}/adir", 2, "is a directory"),
    (f"{COP} --graph {{d}}/bad.dot", 2, "expected a node id"),
    (f"{COP} --descriptions {{d}}/bad.yaml", 2, "not valid YAML"),
    (f"{COP} --descriptions {{d}}/list.yaml", 2, "expected a mapping"),
]


def _argv(template: str, d: Path) -> list[str]:
    return shlex.split(template.replace("{d}", str(d)))


@pytest.fixture(autouse=True)
def _private_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNG_LM_CACHE", str(tmp_path / "lm.sqlite"))
    monkeypatch.setenv("RUNG_LM", "scripted")
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(("template", "status", "needle"), CASES,
                         ids=[c[0][:60] for c in CASES])
def test_bad_input_one_line(template: str, status: int, needle: str, d: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    rc = run(_argv(template, d))
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert rc == status, (rc, out, err)
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert needle in lines[0], lines[0]
    assert "Traceback" not in out + err


def test_the_good_input_still_works(d: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(_argv(f"{EST} {{d}}/good.csv --json", d)) == 0
    out, err = capsys.readouterr()
    assert '"ate"' in out and err == ""
    assert run(["graph", "show", "X -> Y"]) == 0


def test_group_without_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["graph"]) == 2
    assert "Usage: rung graph" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "status", "needle"), [
    (["graph", "check", "X -> Y"], 2, "missing option '--independence'"),
    (["estimate", "X -> Y; X <-> Y", "--treatment", "X", "--outcome", "Y", "--data",
      "{d}/good.csv"], 3, "not identifiable"),
])
def test_installed_script(argv: list[str], status: int, needle: str, d: Path) -> None:
    script = Path(sys.executable).with_name("rung")
    if not script.exists():
        pytest.skip("the rung console script is not installed next to this Python")
    args = [a.replace("{d}", str(d)) for a in argv]
    proc = subprocess.run([str(script), *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode == status, proc.stderr
    assert proc.stderr.count("\n") == 1 and needle in proc.stderr, proc.stderr


@pytest.mark.parametrize(("exc", "needle"), [
    (PermissionError(13, "Permission denied", "secret.csv"), "permission denied for 'secret.csv'"),
    (IsADirectoryError(21, "Is a directory", "data"), "'data' is a directory"),
    (NotADirectoryError(20, "Not a directory", "f/x.svg"), "is a file, not a directory"),
    (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "not UTF-8 text"),
])
def test_os_errors_read_as_one_line(exc: Exception, needle: str) -> None:
    # a root user cannot make an unreadable file, so the message is checked directly
    from rung.cli._common import error_line

    line = error_line(exc)
    assert line.startswith("error: ") and "\n" not in line and needle in line
