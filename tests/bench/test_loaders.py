"""Loaders on the real files in ../shared/data, and the missing-dataset message."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from rung.bench.datadir import DatasetMissingError, candidate_dirs
from rung.bench.items import ActualCauseItem, CounterfactualItem, JudgmentItem, PairItem
from rung.bench.registry import BENCHMARKS, list_datasets, load_benchmark

SIZES = {"tuebingen": 105, "neuropathic": 475, "arcticsea": 66, "causal_judgment": 190,
         "crass": 274, "crass_ai": 44, "actual_causality": 30, "actual_causality_lab": 28,
         "sachs-graph": 55}


@pytest.mark.parametrize("name", sorted(SIZES))
def test_sizes(name: str, data_dir: Path) -> None:
    assert len(load_benchmark(name, data_dir).items) == SIZES[name]


def test_tuebingen_truth_and_weights(data_dir: Path) -> None:
    b = load_benchmark("tuebingen", data_dir)
    truths = collections.Counter(i.truth for i in b.items if isinstance(i, PairItem))
    # ground_truth R = 80, L = 28; pairs 0052/0089/0090 (all L) name one variable twice
    assert truths == {"A->B": 80, "B->A": 25}
    assert [s[0] for s in b.skipped] == ["pair0052", "pair0089", "pair0090"]
    first = b.items[0]
    assert isinstance(first, PairItem)
    assert (first.a, first.b, first.truth, first.weight) == ("Altitude", "Temperature",
                                                              "A->B", 0.166)
    # the five multivariate pairs have weight 0 in pairmeta.txt
    zero = sorted(i.id for i in b.items if isinstance(i, PairItem) and i.weight == 0)
    assert zero == ["pair0053", "pair0054", "pair0055", "pair0071"]
    assert b.weighted and b.memo_rows[0] == ("pair0001, Altitude,", " Temperature")


def test_neuropathic_order_is_mixed(data_dir: Path) -> None:
    items = load_benchmark("neuropathic", data_dir).items
    firsts = sum(isinstance(i, PairItem) and i.truth == "A->B" for i in items)
    assert 150 < firsts < 325  # not all cause-first: position bias cannot score 100 %
    names = {n for i in items if isinstance(i, PairItem) for n in (i.a, i.b)}
    assert "Left T10 radiculopathy" in names and "IBS" in names


def test_vignette_loaders(data_dir: Path) -> None:
    cj = load_benchmark("causal_judgment", data_dir).items[0]
    assert isinstance(cj, JudgmentItem)
    assert cj.question == "Did the CEO intentionally harm the environment?" and cj.answer == "Yes"
    ac = load_benchmark("actual_causality", data_dir).items
    assert isinstance(ac[0], ActualCauseItem) and (ac[0].kind, ac[0].answer) == ("necessary", "No")
    assert isinstance(ac[1], ActualCauseItem) and (ac[1].kind, ac[1].answer) == ("sufficient",
                                                                                 "Yes")
    assert not ac[0].vignette.startswith("Input")
    cr = load_benchmark("crass", data_dir).items[0]
    assert isinstance(cr, CounterfactualItem)
    assert cr.answer == "The treasure chest would have remained closed."
    assert cr.answer in cr.options and len(cr.options) == 3


def test_graph_benchmarks(data_dir: Path) -> None:
    arctic = load_benchmark("arcticsea", data_dir)
    assert len(arctic.variables) == 12 and len(arctic.truth_edges) == 48
    both = sum(isinstance(i, PairItem) and i.truth == "both" for i in arctic.items)
    assert both == 18  # 36 of the 48 directed cells are 2-cycles
    sachs = load_benchmark("sachs-graph", data_dir)
    assert ("praf", "pmek") in sachs.truth_edges and len(sachs.truth_edges) == 18


def test_pgmpy_asia() -> None:
    asia = load_benchmark("asia-graph")
    assert len(asia.items) == 28 and ("smoke", "lung") in asia.truth_edges


def test_missing_dataset_names_where_to_put_it(tmp_path: Path) -> None:
    with pytest.raises(DatasetMissingError, match=r"tuebingen/pairs\.csv.*RUNG_DATA"):
        load_benchmark("tuebingen", tmp_path)
    rows = {r.name: r for r in list_datasets(tmp_path)}
    assert not rows["crass"].available and "--data-dir" in rows["crass"].location
    assert set(rows) == set(BENCHMARKS)


def test_env_var_is_searched(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNG_DATA", str(data_dir))
    monkeypatch.chdir(tmp_path)
    assert candidate_dirs()[0] == data_dir
    assert len(load_benchmark("crass_ai").items) == 44


def test_unknown_benchmark() -> None:
    with pytest.raises(ValueError, match="unknown benchmark 'tubingen'"):
        load_benchmark("tubingen")


@pytest.mark.parametrize("name", ["crass", "crass_ai", "causal_judgment"])
def test_memorisation_rows_are_cut_mid_row(name: str, data_dir: Path) -> None:
    # A prefix ending at the question lets a chat model end its turn without continuing.
    rows = load_benchmark(name, data_dir).memo_rows
    assert rows and all(prefix and rest.strip() for prefix, rest in rows)
    assert sum(prefix.rstrip().endswith("?") for prefix, _ in rows) < len(rows) / 4
