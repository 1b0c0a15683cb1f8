"""Honesty probes: data files load, every entry points at a real item, transforms are right."""

from __future__ import annotations

from pathlib import Path

import pytest

from rung.bench.items import ActualCauseItem, CounterfactualItem, PairItem
from rung.bench.probes import (
    ALL_PROBES,
    load_probe_data,
    make_probe,
    parse_probes,
)
from rung.bench.registry import load_benchmark


def test_parse_probes() -> None:
    assert parse_probes("all") == ALL_PROBES
    assert parse_probes("none") == ()
    assert parse_probes("rename,order") == ("rename", "order")
    with pytest.raises(ValueError, match=r"unknown probes \['shuffle'\]"):
        parse_probes("order,shuffle")


def test_probe_tables_point_at_real_items(data_dir: Path) -> None:
    tue = load_benchmark("tuebingen", data_dir)
    ids = {i.id for i in tue.items}
    assert set(load_probe_data("renaming")["tuebingen"]) <= ids
    anti = load_probe_data("anti_commonsense")["tuebingen"]
    assert set(anti) <= ids
    by_id = {i.id: i for i in tue.items if isinstance(i, PairItem)}
    for key, entry in anti.items():  # every vignette reverses the dataset's direction
        assert entry["truth"] != by_id[key].truth, key
    words = load_probe_data("nonsense")["words"]
    assert len(set(words)) == len(words) >= 20


def test_order_swap_flips_pairs_and_reverses_options(data_dir: Path) -> None:
    tue = load_benchmark("tuebingen", data_dir)
    swapped = make_probe("order").apply(tue, tue.items[0], 0)
    assert isinstance(swapped, PairItem)
    assert (swapped.a, swapped.b, swapped.truth) == ("Temperature", "Altitude", "B->A")
    crass = load_benchmark("crass", data_dir)
    item = crass.items[0]
    rev = make_probe("order").apply(crass, item, 0)
    assert isinstance(rev, CounterfactualItem) and isinstance(item, CounterfactualItem)
    assert rev.options == tuple(reversed(item.options)) and rev.answer == item.answer


def test_rename_keeps_truth(data_dir: Path) -> None:
    tue = load_benchmark("tuebingen", data_dir)
    abalone = next(i for i in tue.items if i.id == "pair0005")
    renamed = make_probe("rename").apply(tue, abalone, 4)
    assert isinstance(renamed, PairItem) and isinstance(abalone, PairItem)
    assert (renamed.a, renamed.b, renamed.truth) == ("Age", "Diameter", abalone.truth)
    assert make_probe("rename").apply(tue, tue.items[10], 10) is None  # pair0011: no entry


def test_rename_people_in_vignettes(data_dir: Path) -> None:
    ac = load_benchmark("actual_causality", data_dir)
    out = make_probe("rename").apply(ac, ac.items[0], 0)
    assert isinstance(out, ActualCauseItem)
    assert out.action == "Priya" and "Alice" not in out.vignette and "Tomasz" in out.vignette
    assert out.answer == "No"


def test_nonsense_and_anti(data_dir: Path) -> None:
    tue = load_benchmark("tuebingen", data_dir)
    ns = make_probe("nonsense").apply(tue, tue.items[1], 1)
    assert isinstance(ns, PairItem) and (ns.a, ns.b) == ("yosk", "zorb") and ns.context is None
    anti = make_probe("anti").apply(tue, tue.items[0], 0)
    assert isinstance(anti, PairItem) and anti.truth == "B->A" and anti.context
    cj = load_benchmark("causal_judgment", data_dir)
    assert make_probe("nonsense").apply(cj, cj.items[0], 0) is None


def test_nonsense_names_differ_across_items(data_dir: Path) -> None:
    """Each item gets its own pair of made-up words (earlier versions cycled through 12
    pairs, so an 80-item probe asked the same dozen questions over and over)."""
    neuro = load_benchmark("neuropathic", data_dir)
    probe = make_probe("nonsense")
    pairs = []
    for i, item in enumerate(neuro.items[:276]):
        ns = probe.apply(neuro, item, i)
        assert isinstance(ns, PairItem) and ns.truth == item.truth  # type: ignore[union-attr]
        pairs.append(frozenset((ns.a, ns.b)))
    assert len(set(pairs)) == 276 and all(len(p) == 2 for p in pairs)
