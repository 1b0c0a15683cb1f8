"""Data validation names the column and CSV line of every problem (header = line 1)."""

from __future__ import annotations

import pandas as pd
import pytest

from rung.estimate import DataError, check_data, read_csv


def test_missing_column_is_named() -> None:
    with pytest.raises(DataError, match=r"\['Q'\]") as info:
        check_data(pd.DataFrame({"X": [1.0]}), ["X", "Q"])
    assert info.value.column == "Q"


def test_non_numeric_names_column_and_row() -> None:
    df = pd.DataFrame({"X": ["1", "2", "oops"]})
    with pytest.raises(DataError, match=r"'X'.*'oops' at line 4") as info:
        check_data(df, ["X"])
    assert (info.value.column, info.value.line, info.value.row) == ("X", 4, 2)


def test_nan_names_column_and_row() -> None:
    df = pd.DataFrame({"X": [1.0, 2.0], "Y": [0.0, float("nan")]})
    with pytest.raises(DataError, match=r"'Y' has a missing value at line 3"):
        check_data(df, ["X", "Y"])


def test_read_csv_errors(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        read_csv(tmp_path / "none.csv")
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(DataError, match="cannot read"):
        read_csv(empty)
