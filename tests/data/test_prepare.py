"""The one checker: typing, text categories, the missing-value policy, CSV line numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.data import DataError, prepare, read_table


def test_text_is_categorical_and_the_encoding_is_stated() -> None:
    df = pd.DataFrame({"s": ["never", "current", "former", "never"], "y": [1.0, 2, 3, 4]})
    p = prepare(df, ["s", "y"])
    assert dict(p.encoding["s"]) == {"current": 0.0, "former": 1.0, "never": 2.0}
    assert p.frame["s"].tolist() == [2.0, 0.0, 1.0, 2.0]
    assert p.categorical == {"s"}
    assert "encoded 's' (text, categorical): current=0, former=1, never=2" in p.describe()
    assert p.to_json()["encoding"] == {"s": {"current": 0.0, "former": 1.0, "never": 2.0}}


def test_declared_integer_categories() -> None:
    p = prepare(pd.DataFrame({"c": [3, 1, 2, 1]}), ["c"], categorical=["c"])
    assert p.categorical == {"c"}
    assert dict(p.encoding["c"]) == {"1": 1.0, "2": 2.0, "3": 3.0}
    assert "integer codes" in p.describe()[0]


def test_mixed_numbers_and_text_name_the_csv_line(tmp_path) -> None:
    f = tmp_path / "d.csv"
    f.write_text("X,M\n1,2\n2,abc\n3,4\n")
    with pytest.raises(DataError, match=r"'M' mixes numbers and text: 'abc' at line 3") as e:
        prepare(read_table(f), ["X", "M"])
    assert (e.value.column, e.value.line, e.value.row) == ("M", 3, 1)
    # an in-memory frame uses the lines of its CSV form too
    df = pd.DataFrame({"M": ["1", "2", "oops"]})
    with pytest.raises(DataError, match="line 4"):
        prepare(df, ["M"])


def test_missing_values_are_dropped_and_counted(tmp_path) -> None:
    f = tmp_path / "d.csv"
    f.write_text("X,Y\n1,2\n2,NA\n,4\n5,6\n")
    p = prepare(read_table(f), ["X", "Y"])
    assert p.dropped_rows == 2 and p.n_read == 4 and p.dropped_lines == (3, 4)
    assert p.frame.to_dict("list") == {"X": [1.0, 5.0], "Y": [2.0, 6.0]}
    assert p.lines.tolist() == [2, 5]
    assert p.describe()[0].startswith("dropped 2 of 4 rows with a missing value")
    with pytest.raises(DataError, match="'Y' has a missing value at line 3"):
        prepare(read_table(f), ["X", "Y"], missing="error")


def test_infinite_and_absent_columns() -> None:
    with pytest.raises(DataError, match="infinite value at line 3"):
        prepare(pd.DataFrame({"X": [1.0, np.inf]}), ["X"])
    with pytest.raises(DataError, match=r"\['Q'\] are missing") as e:
        prepare(pd.DataFrame({"X": [1.0]}), ["X", "Q"])
    assert e.value.column == "Q"
    with pytest.raises(DataError, match="no complete row"):
        prepare(pd.DataFrame({"X": [np.nan, np.nan]}), ["X"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.floats(-5, 5)),
                          st.one_of(st.none(), st.sampled_from(["a", "b", "c"]))),
                min_size=1, max_size=30))
def test_complete_case_matches_a_direct_count(rows) -> None:
    df = pd.DataFrame(rows, columns=["x", "s"], dtype=object)
    complete = [i for i, (x, s) in enumerate(rows) if x is not None and s is not None]
    if not complete:
        with pytest.raises(DataError):
            prepare(df, ["x", "s"])
        return
    p = prepare(df, ["x", "s"])
    assert p.dropped_rows == len(rows) - len(complete)
    assert p.lines.tolist() == [i + 2 for i in complete]
    assert p.frame["x"].tolist() == [float(rows[i][0]) for i in complete]
    levels = sorted({s for _, s in rows if s is not None})  # a column's own values
    assert p.frame["s"].tolist() == [float(levels.index(rows[i][1])) for i in complete]


def test_pandas_dtypes_nullable_bool_and_categorical() -> None:
    df = pd.DataFrame({"a": pd.array([1, None, 3, 4], dtype="Int64"),
                       "b": pd.array([True, False, None, True], dtype="boolean"),
                       "c": pd.Categorical(["x", "y", "y", None])})
    p = prepare(df, ["a", "b", "c"])
    assert p.dropped_rows == 3 and p.frame.to_dict("list") == {"a": [1.0], "b": [1.0],
                                                               "c": [0.0]}
    assert dict(p.encoding["c"]) == {"x": 0.0, "y": 1.0}
