"""check_distinct_names against a Counter reference."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rung.graph.names import check_distinct_names


@given(st.lists(st.sampled_from(["a", " a", "b ", "c", "", "  "]), max_size=5))
def test_accepts_exactly_two_plus_distinct_non_empty(items: list[str]) -> None:
    stripped = [i.strip() for i in items]
    counts = Counter(stripped)
    ok = len(stripped) >= 2 and "" not in counts and max(counts.values()) == 1
    if ok:
        assert check_distinct_names(items, "names") == stripped
        return
    with pytest.raises(ValueError, match="names") as err:
        check_distinct_names(items, "names")
    repeated = sorted(k for k, n in counts.items() if n > 1)
    if len(stripped) >= 2 and "" not in counts:
        assert f"duplicate names {repeated}" in str(err.value)
