"""Tabular data for rung: one reader, one checker, one discreteness rule, one row numbering.

- :func:`read_table` reads a CSV and keeps each row's line number (the one convention for
  locating a problem: the CSV line, header = line 1);
- :func:`prepare` types the needed columns, encodes text categories (stating the encoding)
  and drops incomplete rows (complete-case, stating how many);
- :func:`is_discrete` / :func:`column_kind` are the one discreteness rule
  (:data:`MAX_DISCRETE_VALUES`);
- :func:`default_contrast` and :func:`check_contrast_support` choose and check ``(a, b)``.
"""

from rung.data.contrast import MIN_SHARE, check_contrast_support, default_contrast
from rung.data.design import design_matrix, indicators
from rung.data.errors import DataError
from rung.data.kinds import MAX_DISCRETE_VALUES, ColumnKind, column_kind, is_discrete
from rung.data.prepare import MISSING_TOKENS, MissingPolicy, Prepared, check_data, prepare
from rung.data.read import Table, as_table, read_csv, read_table

__all__ = [
    "MAX_DISCRETE_VALUES",
    "MIN_SHARE",
    "MISSING_TOKENS",
    "ColumnKind",
    "DataError",
    "MissingPolicy",
    "Prepared",
    "Table",
    "as_table",
    "check_contrast_support",
    "check_data",
    "column_kind",
    "default_contrast",
    "design_matrix",
    "indicators",
    "is_discrete",
    "prepare",
    "read_csv",
    "read_table",
]
