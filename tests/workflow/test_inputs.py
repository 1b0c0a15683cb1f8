"""Bad CSVs are rejected with a message naming the problem."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rung.workflow import InputError, read_data_csv, read_descriptions
from rung.workflow.inputs import check_query


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "d.csv"
    p.write_text(text)
    return p


def _good(n: int = 20) -> str:
    rng = np.random.default_rng(0)
    rows = "\n".join(f"{a:.3f},{b:.3f}" for a, b in rng.normal(size=(n, 2)))
    return "X,Y\n" + rows + "\n"


def test_good_csv_reads_as_floats(tmp_path: Path) -> None:
    df = read_data_csv(_write(tmp_path, _good()))
    assert list(df.columns) == ["X", "Y"] and df.shape == (20, 2)
    assert all(t == np.float64 for t in df.dtypes)


@pytest.mark.parametrize(("text", "pattern"), [
    ("X,X\n1,2\n", r"duplicate column names \['X'\]"),
    ("X,Y\n1,2\n", r"1 data row"),
    ("X,Y\n" + "1,2\n" * 11 + "1,abc\n", r"column 'Y' mixes numbers and text: 'abc' at line 13"),
    ("X,Y\n" + "1,2\n" * 3 + "1,\n", r"has 3 data row\(s\)"),  # 1 dropped, 3 left
    ("", r"empty"),
    ("X,\n1,2\n", r"column 2 of the header has no name"),
])
def test_bad_csv_is_named(tmp_path: Path, text: str, pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        read_data_csv(_write(tmp_path, text))


def test_text_categories_and_missing_values_are_stated(tmp_path: Path) -> None:
    from rung.workflow.inputs import load_data_csv

    rows = "".join(f"{i},{(3 * i) % 7},{['never', 'current'][i % 2]}\n" for i in range(15))
    loaded = load_data_csv(_write(tmp_path, "X,Y,smoking status\n" + rows + "3,,never\n"))
    assert loaded.frame.shape == (15, 3)
    assert loaded.notes == ("dropped 1 of 16 rows with a missing value (complete-case; "
                            "first at line 17)",
                            "encoded 'smoking status' (text, categorical): current=0, never=1")


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_data_csv(tmp_path / "nope.csv")


def test_query_columns_checked() -> None:
    with pytest.raises(InputError, match="treatment column 'T' is not in the data"):
        check_query(["X", "Y"], "T", "Y")
    with pytest.raises(InputError, match="outcome column 'Q'"):
        check_query(["X", "Y"], "X", "Q")
    with pytest.raises(InputError, match="both 'X'"):
        check_query(["X", "Y"], "X", "X")


def test_descriptions_must_name_columns(tmp_path: Path) -> None:
    p = tmp_path / "v.yaml"
    p.write_text("X: the dose\nW: unknown\n")
    with pytest.raises(InputError, match=r"\['W'\]"):
        read_descriptions(p, ["X", "Y"])
    p.write_text("X: the dose\n")
    assert read_descriptions(p, ["X", "Y"]) == {"X": "the dose"}


def test_constant_column_rejected() -> None:
    from rung.workflow.inputs import check_data

    df = pd.DataFrame({"X": np.ones(20), "Y": np.arange(20.0)})
    with pytest.raises(InputError, match="'X' is constant"):
        check_data(df)
