"""Honesty probes: perturbations a model that truly reasons should survive (or notice).

Each probe turns an item into a perturbed item (or None when it does not apply); the tables
behind them are data files in ``rung/bench/probe_data/``. ``base`` is the unperturbed item.

* ``order`` -- the two variables (or the options) presented in the other order;
* ``rename`` -- synonyms / sibling measurements, other person names (answer unchanged);
* ``nonsense`` -- made-up variable names: the direction becomes undecidable;
* ``anti`` -- a vignette whose stated mechanism reverses the usual direction;
* ``memorisation`` -- not an item transform: see :mod:`rung.bench.memorisation`.
"""

from __future__ import annotations

import random
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from itertools import combinations
from typing import Any

import yaml

from rung.bench.items import (
    ActualCauseItem,
    Benchmark,
    CounterfactualItem,
    Item,
    JudgmentItem,
    PairItem,
    PairTruth,
)

__all__ = [
    "ALL_PROBES",
    "AntiCommonsense",
    "Nonsense",
    "OrderSwap",
    "PairProbe",
    "Probe",
    "Rename",
    "load_probe_data",
    "make_probe",
    "nonsense_pair",
    "parse_probes",
]

ALL_PROBES = ("order", "rename", "nonsense", "anti", "memorisation")
_FLIP: dict[PairTruth, PairTruth] = {"A->B": "B->A", "B->A": "A->B", "none": "none",
                                     "both": "both"}


@cache
def load_probe_data(name: str) -> dict[str, Any]:
    """The YAML table ``probe_data/<name>.yaml`` shipped with rung."""
    text = resources.files("rung.bench").joinpath("probe_data", f"{name}.yaml").read_text()
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"probe data {name!r} must be a mapping, got {type(data).__name__}")
    return data


def parse_probes(spec: str) -> tuple[str, ...]:
    """``"all"``, ``"none"`` or a comma list such as ``"order,rename"``.

    Examples
    --------
    >>> parse_probes("order, nonsense")
    ('order', 'nonsense')
    >>> parse_probes("none")
    ()
    """
    text = spec.strip().lower()
    if text == "all":
        return ALL_PROBES
    if text in ("none", ""):
        return ()
    names = tuple(p.strip() for p in text.split(",") if p.strip())
    unknown = [n for n in names if n not in ALL_PROBES]
    if unknown:
        raise ValueError(f"unknown probes {unknown}; use all, none or a comma list of "
                         f"{', '.join(ALL_PROBES)}")
    return names


class Probe:
    """A perturbation of items; subclasses override :meth:`apply`."""

    name = "base"

    def apply(self, bench: Benchmark, item: Item, index: int) -> Item | None:
        """The perturbed item, or None when the probe does not apply to it."""
        return item


@dataclass(frozen=True)
class OrderSwap(Probe):
    """Variables (or options) in the other order; the answer maps back."""

    name = "order"

    def apply(self, bench: Benchmark, item: Item, index: int) -> Item | None:
        if isinstance(item, PairItem):
            return replace(item, a=item.b, b=item.a, truth=_FLIP[item.truth])
        return replace(item, options=tuple(reversed(item.options)))


def _sub_people(text: str, people: dict[str, str]) -> str:
    for old, new in people.items():
        text = re.sub(rf"\b{re.escape(old)}\b", new, text)
    return text


@dataclass(frozen=True)
class Rename(Probe):
    """Synonyms and sibling measurements for variables; other names for people."""

    name = "rename"

    def apply(self, bench: Benchmark, item: Item, index: int) -> Item | None:
        table = load_probe_data("renaming")
        if isinstance(item, PairItem):
            entry = table.get(bench.name, {}).get(item.id)
            if entry:
                return replace(item, a=entry.get("a", item.a), b=entry.get("b", item.b))
            names = table.get("variables", {})
            if item.a in names or item.b in names:
                return replace(item, a=names.get(item.a, item.a), b=names.get(item.b, item.b))
            return None
        people: dict[str, str] = table.get("people", {})
        return _rename_story(item, people)


def _rename_story(
    item: JudgmentItem | ActualCauseItem | CounterfactualItem, people: dict[str, str]
) -> Item | None:
    def sub(t: str) -> str:
        return _sub_people(t, people)

    if isinstance(item, JudgmentItem):
        new: Item = replace(item, vignette=sub(item.vignette), question=sub(item.question))
    elif isinstance(item, ActualCauseItem):
        new = replace(item, vignette=sub(item.vignette), action=sub(item.action),
                      event=sub(item.event))
    else:
        new = replace(item, premise=sub(item.premise), question=sub(item.question),
                      options=tuple(sub(o) for o in item.options), answer=sub(item.answer))
    return None if new == item else new


class PairProbe(Probe, ABC):
    """A probe of pair items only: every other item is left out (None)."""

    def apply(self, bench: Benchmark, item: Item, index: int) -> Item | None:
        return self.apply_pair(bench, item, index) if isinstance(item, PairItem) else None

    @abstractmethod
    def apply_pair(self, bench: Benchmark, item: PairItem, index: int) -> Item | None:
        """The perturbed pair item, or None when the probe does not apply to it."""


@dataclass(frozen=True)
class Nonsense(PairProbe):
    """Made-up variable names; scored against the original truth, guesses counted."""

    name = "nonsense"

    def apply_pair(self, bench: Benchmark, item: PairItem, index: int) -> Item | None:
        a, b = nonsense_pair(index, tuple(load_probe_data("nonsense")["words"]))
        return replace(item, a=a, b=b, context=None)


@cache
def _word_pairs(n: int) -> tuple[tuple[int, int], ...]:
    pairs = list(combinations(range(n), 2))
    random.Random("nonsense").shuffle(pairs)
    return tuple(pairs)


def nonsense_pair(index: int, words: tuple[str, ...]) -> tuple[str, str]:
    """The made-up names of item ``index``: every item gets its own unordered pair of words
    until all ``len(words) * (len(words) - 1) / 2`` pairs are used (24 words: 276 items),
    so that the probe asks distinct questions rather than a dozen repeated ones.

    Examples
    --------
    >>> [nonsense_pair(i, ("blicket", "wug", "dax")) for i in range(4)]
    [('blicket', 'dax'), ('wug', 'blicket'), ('wug', 'dax'), ('dax', 'blicket')]
    """
    if len(words) < 2:
        raise ValueError(f"nonsense words {words!r}: need at least two distinct words")
    i, j = _word_pairs(len(words))[index % (len(words) * (len(words) - 1) // 2)]
    return (words[i], words[j]) if index % 2 == 0 else (words[j], words[i])


@dataclass(frozen=True)
class AntiCommonsense(PairProbe):
    """A vignette whose mechanism reverses the usual direction; the truth follows it."""

    name = "anti"

    def apply_pair(self, bench: Benchmark, item: PairItem, index: int) -> Item | None:
        entry = load_probe_data("anti_commonsense").get(bench.name, {}).get(item.id)
        if not entry:
            return None
        return replace(item, context=" ".join(str(entry["context"]).split()),
                       truth=entry["truth"])


_PROBES: dict[str, type[Probe]] = {
    "base": Probe, "order": OrderSwap, "rename": Rename, "nonsense": Nonsense,
    "anti": AntiCommonsense,
}


def make_probe(name: str) -> Probe:
    """The item probe called ``name`` (``base`` is the identity)."""
    if name not in _PROBES:
        raise ValueError(f"{name!r} is not an item probe; choose one of {sorted(_PROBES)}")
    return _PROBES[name]()
