"""Loaders for the text benchmarks in the data directory (see ``../shared/README.md``).

Each loader reads the original files where they lie and returns a :class:`Benchmark`;
nothing is copied into the project. Missing files raise
:class:`~rung.bench.datadir.DatasetMissingError` naming where to put them.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Literal

import pandas as pd

from rung.bench.datadir import find_files
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
    for line in path.read_text().splitlines():
        cols = line.split()
        if len(cols) == 6:
            weights[cols[0]] = float(cols[5])
    return weights


def load_tuebingen(data_dir: DataDir = None) -> Benchmark:
    """The 108 Tübingen cause-effect pairs with pairmeta weights (Mooij et al. 2016).

    Variables are presented in the dataset's order (var1, var2), as Kiciman et al. did;
    ``ground_truth`` R means var1 -> var2. The memorisation rows cut each CSV row after
    the first variable name and expect the second. Rows whose two variable names are the
    same (pairs 0089 and 0090 in this CSV) cannot be asked and are listed in ``skipped``.
    """
    pairs_csv, meta = find_files("tuebingen", ["tuebingen/pairs.csv", "tuebingen/pairmeta.txt"],
                                 data_dir)
    df = pd.read_csv(pairs_csv)
    weights = read_pairmeta(meta)
    items: list[Item] = []
    memo: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    for row in df.itertuples(index=False):
        pid = str(row[0]).strip()
        a, b = str(row.var1).strip(), str(row.var2).strip()
        if a.lower() == b.lower():
            skipped.append((pid, f"both variables are named {a!r} in pairs.csv"))
            continue
        truth: PairTruth = "A->B" if str(row.ground_truth).strip() == "R" else "B->A"
        items.append(PairItem(pid, a, b, truth, weight=weights[pid.removeprefix("pair")]))
        memo.append((f"{pid}, {a},", f" {b}"))
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
    links = json.loads(path.read_text())["links"]
    rng = random.Random(seed)
    items: list[Item] = []
    for i, link in enumerate(links):
        src, dst = _expand_node(link["source"]), _expand_node(link["target"])
        if rng.random() < 0.5:
            items.append(PairItem(f"edge{i}", src, dst, "A->B"))
        else:
            items.append(PairItem(f"edge{i}", dst, src, "B->A"))
    return Benchmark("neuropathic", tuple(items), path.parent)


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
    examples = json.loads(path.read_text())["examples"]
    items: list[Item] = []
    memo: list[tuple[str, str]] = []
    for i, ex in enumerate(examples):
        story, question = _split_question(ex["input"])
        answer = max(ex["target_scores"], key=ex["target_scores"].get)
        items.append(JudgmentItem(f"cj{i:03d}", story, question, answer))
        memo.append(_memo_cut(ex["input"]))
    return Benchmark("causal_judgment", tuple(items), path.parent, memo_rows=tuple(memo))


def _options_in_fixed_order(options: list[str], key: str) -> tuple[str, ...]:
    """Options shuffled by a seed derived from the item id (the answer is not always first)."""
    shuffled = list(options)
    random.Random(key).shuffle(shuffled)
    return tuple(shuffled)


def load_crass(data_dir: DataDir = None) -> Benchmark:
    """CRASS counterfactual questions (Frohberg & Binder 2022): 274 items."""
    (path,) = find_files("crass", ["crass/CRASS_FTM_main_data_set.csv"], data_dir)
    df = pd.read_csv(path, sep=";")
    items: list[Item] = []
    memo: list[tuple[str, str]] = []
    for row in df.itertuples(index=False):
        opts = [str(row.CorrectAnswer), str(row.Answer1), str(row.Answer2)]
        if isinstance(row.PossibleAnswer3, str) and row.PossibleAnswer3.strip():
            opts.append(row.PossibleAnswer3)
        opts = [o.strip() for o in opts]
        qid = f"crass{int(row.PCTID):03d}"
        order = _options_in_fixed_order(opts, qid)
        items.append(CounterfactualItem(qid, str(row.Premise).strip(), str(row.QCC).strip(),
                                        order, opts[0]))
        # cut mid-row, as for the other text sets: a cut at the question mark lets a chat
        # model end its turn at once (measured: 60 of 60 empty continuations)
        memo.append(_memo_cut(f"{row.Premise} {row.QCC} {row.CorrectAnswer}"))
    return Benchmark("crass", tuple(items), path.parent, memo_rows=tuple(memo))


def load_crass_ai(data_dir: DataDir = None) -> Benchmark:
    """BIG-Bench ``crass_ai``: 44 CRASS items with an "I don't know." option."""
    (path,) = find_files("crass_ai", ["bigbench/crass_ai.json"], data_dir)
    examples = json.loads(path.read_text())["examples"]
    items: list[Item] = []
    memo: list[tuple[str, str]] = []
    for i, ex in enumerate(examples):
        premise, question = _split_question(ex["input"])
        scores: dict[str, int] = ex["target_scores"]
        answer = max(scores, key=scores.__getitem__)
        items.append(CounterfactualItem(f"crai{i:02d}", premise, question,
                                        tuple(scores), answer))
        memo.append(_memo_cut(f"{ex['input']} {answer}"))
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
    df = pd.read_csv(path)
    items: list[Item] = []
    memo: list[tuple[str, str]] = []
    for i, row in enumerate(df.itertuples(index=False)):
        story = _strip_input(row.input)
        action, event = str(row.action).strip(), str(row.event).strip()
        kinds: tuple[tuple[Literal["necessary", "sufficient"], object], ...] = (
            ("necessary", row.necessary), ("sufficient", row.sufficient))
        for kind, col in kinds:
            items.append(ActualCauseItem(f"{'lab' if lab else 'ac'}{i:02d}-{kind[:4]}", story,
                                         action, event, kind, str(col).strip()))
        memo.append(_memo_cut(story))
    return Benchmark(name, tuple(items), path.parent, memo_rows=tuple(memo))
