"""Loaders for the text benchmarks in the data directory (see ``../shared/README.md``).

Each loader reads the original files where they lie and returns a :class:`Benchmark`;
nothing is copied into the project. Missing files raise
:class:`~rung.bench.datadir.DatasetMissingError` naming where to put them.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from rung.bench.datadir import find_files
from rung.bench.datafiles import corrupt, map_records, map_rows, read_json, read_table
from rung.bench.items import (
    ActualCauseItem,
    Benchmark,
    CounterfactualItem,
    Item,
    JudgmentItem,
    PairItem,
)

__all__ = [
    "load_actual_causality",
    "load_causal_judgment",
    "load_crass",
    "load_crass_ai",
    "load_neuropathic",
    "load_tuebingen",
    "read_pairmeta",
]

DataDir = str | Path | None


def read_pairmeta(path: Path) -> dict[str, float]:
    """Tübingen ``pairmeta.txt``: pair number (``"0001"``) -> weight (last column)."""
    weights: dict[str, float] = {}
    for number, line in enumerate(_text_of(path).splitlines(), start=1):
        cols = line.split()
        if len(cols) == 6:
            try:
                weights[cols[0]] = float(cols[5])
            except ValueError:
                raise corrupt(path, f"line {number}: weight {cols[5]!r} is not a number"
                              ) from None
    return weights


def _text_of(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise corrupt(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _text(row: Any, column: str) -> str:
    """The stripped text in ``column`` of a CSV row; an empty cell is an error."""
    value = getattr(row, column)
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    if not text.strip():
        raise ValueError(f"column {column!r} is empty")
    return text.strip()


def _label(value: object, column: str, allowed: tuple[str, ...]) -> str:
    text = str(value).strip()
    if text not in allowed:
        raise ValueError(f"{column} is {text!r}, not one of {list(allowed)}")
    return text


def load_tuebingen(data_dir: DataDir = None) -> Benchmark:
    """The 108 Tübingen cause-effect pairs with pairmeta weights (Mooij et al. 2016).

    Variables are presented in the dataset's order (var1, var2), as Kiciman et al. did;
    ``ground_truth`` R means var1 -> var2. The memorisation rows cut each CSV row after
    the first variable name and expect the second. Rows whose two variable names are the
    same (pairs 0089 and 0090 in this CSV) cannot be asked and are listed in ``skipped``.
    """
    pairs_csv, meta = find_files("tuebingen", ["tuebingen/pairs.csv", "tuebingen/pairmeta.txt"],
                                 data_dir)
    df = read_table(pairs_csv, ["var1", "var2", "ground_truth"])
    weights = read_pairmeta(meta)

    def make(row: Any) -> PairItem | tuple[str, str]:
        pid = str(row[0]).strip()
        if not pid.startswith("pair"):
            raise ValueError(f"pair id {pid!r} in the first column does not start with 'pair'")
        a, b = _text(row, "var1"), _text(row, "var2")
        if a.lower() == b.lower():
            return (pid, f"both variables are named {a!r} in pairs.csv")
        gt = _label(row.ground_truth, "ground_truth", ("R", "L"))
        weight = weights.get(pid.removeprefix("pair"))
        if weight is None:
            raise ValueError(f"{pid} has no weight in {str(meta)!r}")
        return PairItem(pid, a, b, "A->B" if gt == "R" else "B->A", weight=weight)

    rows = map_rows(df, pairs_csv, make)
    items: list[Item] = [r for r in rows if isinstance(r, PairItem)]
    skipped = [r for r in rows if isinstance(r, tuple)]
    memo = [(f"{it.id}, {it.a},", f" {it.b}") for it in items if isinstance(it, PairItem)]
    return Benchmark("tuebingen", tuple(items), pairs_csv.parent, memo_rows=tuple(memo),
                     weighted=True, skipped=tuple(skipped))


_SIDE = {"L ": "Left ", "R ": "Right "}


def _expand_node(name: str) -> str:
    """Readable name of a neuropathic node: sides spelled out, nerve roots named."""
    text = name.strip()
    if re.fullmatch(r"[LR] [A-Z][0-9]+", text):
        text += " radiculopathy"
    text = text.replace("DLS", "discoligamentous injury")
    for short, long in _SIDE.items():
        if text.startswith(short):
            text = long + text[len(short):]
    return text


def load_neuropathic(data_dir: DataDir = None, *, seed: int = 0) -> Benchmark:
    """Edge directions of the neuropathic pain graph (Tu et al. 2019): 475 pairs.

    The truth is each link's source -> target in ``data.json``. The pair order in the prompt
    is drawn at random (``seed``) so that a model always naming the first variable as the
    cause scores 50 %, not 100 %. (``groundtruth.csv`` refers to prompts shuffled without a
    recorded seed, so it cannot be matched to the links and is not used.)
    """
    (path,) = find_files("neuropathic", ["neuropathic/data.json"], data_dir)
    rng = random.Random(seed)

    def make(i: int, link: dict[str, Any]) -> PairItem:
        src, dst = _json_text(link, "source"), _json_text(link, "target")
        src, dst = _expand_node(src), _expand_node(dst)
        if rng.random() < 0.5:
            return PairItem(f"edge{i}", src, dst, "A->B")
        return PairItem(f"edge{i}", dst, src, "B->A")

    items: list[Item] = list(map_records(read_json(path, "links"), path, make, "link"))
    return Benchmark("neuropathic", tuple(items), path.parent)


def _json_text(record: dict[str, Any], key: str) -> str:
    value = record[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key!r} is {value!r}, not a text")
    return value


def _best_target(record: dict[str, Any]) -> str:
    """The option with the highest ``target_scores`` entry of a BIG-Bench example."""
    scores = record["target_scores"]
    if not isinstance(scores, dict) or not scores or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in scores.values()):
        raise ValueError(f"'target_scores' is {str(scores)[:80]!r}, not an object of numbers")
    return str(max(scores, key=scores.__getitem__))


def _split_question(text: str) -> tuple[str, str]:
    """Split a causal_judgment input into (story, final question)."""
    body = text.strip()
    cut = max(body.rfind(". ", 0, len(body) - 1), body.rfind("? ", 0, len(body) - 1))
    if cut < 0:
        return "", body
    return body[: cut + 1].strip(), body[cut + 1 :].strip()


def _memo_cut(text: str) -> tuple[str, str]:
    """Cut a text in the middle of its words: (first half, the rest)."""
    words = text.split()
    half = max(1, len(words) // 2)
    return " ".join(words[:half]), " " + " ".join(words[half:])


def load_causal_judgment(data_dir: DataDir = None) -> Benchmark:
    """BIG-Bench ``causal_judgment``: 190 yes/no questions about causal attribution."""
    (path,) = find_files("causal_judgment", ["bigbench/causal_judgment.json"], data_dir)
    examples = read_json(path, "examples")

    def make(i: int, ex: dict[str, Any]) -> JudgmentItem:
        story, question = _split_question(_json_text(ex, "input"))
        answer = _label(_best_target(ex), "the best target", ("Yes", "No"))
        return JudgmentItem(f"cj{i:03d}", story, question, answer)

    items: list[Item] = list(map_records(examples, path, make))
    memo = [_memo_cut(ex["input"]) for ex in examples]
    return Benchmark("causal_judgment", tuple(items), path.parent, memo_rows=tuple(memo))


def _options_in_fixed_order(options: list[str], key: str) -> tuple[str, ...]:
    """Options shuffled by a seed derived from the item id (the answer is not always first)."""
    shuffled = list(options)
    random.Random(key).shuffle(shuffled)
    return tuple(shuffled)


_CRASS_COLUMNS = ("PCTID", "Premise", "QCC", "CorrectAnswer", "Answer1", "Answer2",
                  "PossibleAnswer3")


def load_crass(data_dir: DataDir = None) -> Benchmark:
    """CRASS counterfactual questions (Frohberg & Binder 2022): 274 items."""
    (path,) = find_files("crass", ["crass/CRASS_FTM_main_data_set.csv"], data_dir)
    df = read_table(path, _CRASS_COLUMNS, sep=";")

    def make(row: Any) -> CounterfactualItem:
        opts = [_text(row, c) for c in ("CorrectAnswer", "Answer1", "Answer2")]
        if isinstance(row.PossibleAnswer3, str) and row.PossibleAnswer3.strip():
            opts.append(row.PossibleAnswer3.strip())
        pctid = pd.to_numeric(row.PCTID, errors="coerce")
        if pd.isna(pctid) or not float(pctid).is_integer():
            raise ValueError(f"PCTID is {row.PCTID!r}, not a whole number")
        qid = f"crass{int(pctid):03d}"
        order = _options_in_fixed_order(opts, qid)
        return CounterfactualItem(qid, _text(row, "Premise"), _text(row, "QCC"), order, opts[0])

    items: list[Item] = list(map_rows(df, path, make, sep=";"))
    # cut mid-row, as for the other text sets: a cut at the question mark lets a chat
    # model end its turn at once (measured: 60 of 60 empty continuations)
    memo = [_memo_cut(f"{it.premise} {it.question} {it.answer}") for it in items
            if isinstance(it, CounterfactualItem)]
    return Benchmark("crass", tuple(items), path.parent, memo_rows=tuple(memo))


def load_crass_ai(data_dir: DataDir = None) -> Benchmark:
    """BIG-Bench ``crass_ai``: 44 CRASS items with an "I don't know." option."""
    (path,) = find_files("crass_ai", ["bigbench/crass_ai.json"], data_dir)
    examples = read_json(path, "examples")

    def make(i: int, ex: dict[str, Any]) -> CounterfactualItem:
        premise, question = _split_question(_json_text(ex, "input"))
        answer = _best_target(ex)
        return CounterfactualItem(f"crai{i:02d}", premise, question,
                                  tuple(str(o) for o in ex["target_scores"]), answer)

    items: list[Item] = list(map_records(examples, path, make))
    memo = [_memo_cut(f"{ex['input']} {it.answer}") for ex, it in zip(examples, items,
                                                                    strict=True)
            if isinstance(it, CounterfactualItem)]
    return Benchmark("crass_ai", tuple(items), path.parent, memo_rows=tuple(memo))


def _strip_input(text: str) -> str:
    return re.sub(r"^\s*Input:\s*", "", str(text)).strip()


def load_actual_causality(data_dir: DataDir = None, *, lab: bool = False) -> Benchmark:
    """Actual-causality vignettes (Kiciman et al. 2023): necessary and sufficient questions.

    ``lab=True`` loads the 14 vignettes written after the models' training cut-off (a
    memorisation control); otherwise the 15 classic vignettes. Each vignette yields two items.
    """
    rel = "actual_causality/lab_data.csv" if lab else "actual_causality/data.csv"
    name = "actual_causality_lab" if lab else "actual_causality"
    (path,) = find_files(name, [rel], data_dir)
    df = read_table(path, ["input", "action", "event", "necessary", "sufficient"])
    prefix = "lab" if lab else "ac"

    def make(row: Any) -> list[ActualCauseItem]:
        i = len(stories)
        story = _strip_input(_text(row, "input"))
        action, event = _text(row, "action"), _text(row, "event")
        kinds: tuple[tuple[Literal["necessary", "sufficient"], object], ...] = (
            ("necessary", row.necessary), ("sufficient", row.sufficient))
        made = [ActualCauseItem(f"{prefix}{i:02d}-{kind[:4]}", story, action, event, kind,
                                _label(col, kind, ("Yes", "No"))) for kind, col in kinds]
        stories.append(story)
        return made

    stories: list[str] = []
    items: list[Item] = [it for pair in map_rows(df, path, make) for it in pair]
    memo = [_memo_cut(story) for story in stories]
    return Benchmark(name, tuple(items), path.parent, memo_rows=tuple(memo))
