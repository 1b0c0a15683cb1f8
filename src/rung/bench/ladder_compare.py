"""Two answering modes of the generated ladder benchmark, side by side on the same items.

``rung bench run ladder --mode direct`` and ``--mode recipe`` write one run folder each.
:func:`compare_ladder_runs` reads both ledgers, keeps the items answered in both, and gives

* per group (all, each rung, each name type) the accuracy of each mode (Wilson 95% CI) and
  their paired difference on the same items (Tango's score interval, :func:`paired_gap`);
* per mode, the gap of each name type to the commonsense items (different items, so
  Newcombe's unpaired interval, :func:`unpaired_gap`). A formal recipe should show no gap:
  the anti-commonsense and nonsense stories are the memorisation-proof honesty probes.

Examples
--------
>>> a = [{"item": "i1", "mode": "direct", "rung": 1, "name_type": "nonsense", "correct": False},
...      {"item": "i2", "mode": "direct", "rung": 2, "name_type": "commonsense", "correct": True}]
>>> b = [dict(r, mode="recipe", correct=True) for r in a]
>>> cmp = compare_records(a, b)
>>> cmp.modes, cmp.rows[0].group, cmp.rows[0].gap.value
(('direct', 'recipe'), 'all', -0.5)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rung.bench.ledger import Ledger
from rung.bench.metrics import Estimate, paired_gap, unpaired_gap, wilson_proportion

__all__ = ["LadderComparison", "ModeRow", "NameGap", "compare_ladder_runs", "compare_records",
           "comparison_markdown"]

BASE_NAMES = "commonsense"


def _estimate(obj: Mapping[str, Any]) -> Estimate:
    return Estimate(float(obj["value"]), float(obj["low"]), float(obj["high"]), int(obj["n"]),
                    obj["method"])


@dataclass(frozen=True)
class ModeRow:
    """One group of items: each mode's accuracy and the first minus the second, paired."""

    group: str
    first: Estimate
    second: Estimate
    gap: Estimate

    def to_json(self) -> dict[str, Any]:
        return {"group": self.group, "first": self.first.to_json(),
                "second": self.second.to_json(), "gap": self.gap.to_json()}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> ModeRow:
        return cls(str(obj["group"]), _estimate(obj["first"]), _estimate(obj["second"]),
                   _estimate(obj["gap"]))


@dataclass(frozen=True)
class NameGap:
    """Within one mode: the accuracy on ``name_type`` items minus on commonsense items."""

    mode: str
    name_type: str
    gap: Estimate

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "name_type": self.name_type, "gap": self.gap.to_json()}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> NameGap:
        return cls(str(obj["mode"]), str(obj["name_type"]), _estimate(obj["gap"]))


@dataclass(frozen=True)
class LadderComparison:
    """The two modes compared on ``n`` shared items (``rows``), and each mode's name gaps."""

    modes: tuple[str, str]
    n: int
    rows: tuple[ModeRow, ...]
    name_gaps: tuple[NameGap, ...]

    def to_json(self) -> dict[str, Any]:
        return {"modes": list(self.modes), "n": self.n,
                "rows": [r.to_json() for r in self.rows],
                "name_gaps": [g.to_json() for g in self.name_gaps]}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> LadderComparison:
        first, second = obj["modes"]
        return cls((str(first), str(second)), int(obj["n"]),
                   tuple(ModeRow.from_json(r) for r in obj["rows"]),
                   tuple(NameGap.from_json(g) for g in obj["name_gaps"]))


def _by_item(records: Sequence[Mapping[str, Any]], which: str) -> dict[str, Mapping[str, Any]]:
    out = {str(r["item"]): r for r in records if r.get("probe", "base") == "base"}
    modes = {str(r.get("mode")) for r in out.values()}
    if len(modes) != 1:
        raise ValueError(f"the {which} run holds answers of modes {sorted(modes)}; give a "
                         "folder written by one `rung bench run ladder --mode MODE`")
    return out


def _groups(records: Sequence[Mapping[str, Any]]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {"all": list(range(len(records)))}
    for i, r in enumerate(records):
        groups.setdefault(f"rung {r['rung']}", []).append(i)
        groups.setdefault(str(r["name_type"]), []).append(i)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] != "all", kv[0])))


def _name_gaps(mode: str, correct: Sequence[int], records: Sequence[Mapping[str, Any]]
               ) -> list[NameGap]:
    kinds = sorted({str(r["name_type"]) for r in records} - {BASE_NAMES})
    base = [c for c, r in zip(correct, records, strict=True) if r["name_type"] == BASE_NAMES]
    if not base:
        return []
    return [NameGap(mode, kind, unpaired_gap(
        [c for c, r in zip(correct, records, strict=True) if r["name_type"] == kind], base))
        for kind in kinds]


def compare_records(first: Sequence[Mapping[str, Any]], second: Sequence[Mapping[str, Any]]
                    ) -> LadderComparison:
    """:class:`LadderComparison` of two modes' ledger records (one per item, key ``item``).

    Only the items both modes answered count, so the paired gaps pair up; a mode's name
    gaps are computed on those same items."""
    a, b = _by_item(first, "first"), _by_item(second, "second")
    shared = sorted(set(a) & set(b))
    if not shared:
        raise ValueError("the two runs share no answered item; run both on the same --n, "
                         "--seed and --stratified")
    modes = (str(a[shared[0]]["mode"]), str(b[shared[0]]["mode"]))
    recs = [a[i] for i in shared]
    ca = [int(bool(a[i]["correct"])) for i in shared]
    cb = [int(bool(b[i]["correct"])) for i in shared]
    rows = tuple(ModeRow(g, wilson_proportion([ca[i] for i in ix]),
                         wilson_proportion([cb[i] for i in ix]),
                         paired_gap([ca[i] for i in ix], [cb[i] for i in ix]))
                 for g, ix in _groups(recs).items())
    gaps = (*_name_gaps(modes[0], ca, recs), *_name_gaps(modes[1], cb, recs))
    return LadderComparison(modes, len(shared), rows, gaps)


def compare_ladder_runs(first: str | Path, second: str | Path) -> LadderComparison:
    """:func:`compare_records` of two ``rung bench run ladder`` folders (read only, so a
    run still in progress can be compared)."""
    ledgers = []
    for folder in (Path(first), Path(second)):
        path = folder / "answers.jsonl"
        if not path.is_file():
            raise ValueError(f"{folder} has no answers.jsonl; give a folder written by "
                             "`rung bench run ladder`")
        ledgers.append(list(Ledger(path, writable=False)))
    return compare_records(ledgers[0], ledgers[1])


def comparison_markdown(cmp: LadderComparison) -> str:
    """Two Markdown tables: the modes per group with the paired gap, and the name gaps."""
    one, two = cmp.modes
    out = [f"Items answered in both modes: {cmp.n}.", "",
           f"| group | n | {one} [95% CI] | {two} [95% CI] | {one} − {two} (paired, 95% CI) |",
           "|---|---|---|---|---|"]
    out += [f"| {r.group} | {r.first.n} | {r.first} | {r.second} | {r.gap} |"
            for r in cmp.rows]
    out += ["", f"| mode | name type | accuracy minus {BASE_NAMES} (Newcombe 95% CI) |",
            "|---|---|---|"]
    out += [f"| {g.mode} | {g.name_type} | {g.gap} |" for g in cmp.name_gaps]
    return "\n".join(out)
